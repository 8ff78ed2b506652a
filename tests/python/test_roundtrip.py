"""Round trips between the framework formats: YAML, JSON, dict and the flat table."""
from __future__ import annotations

import json
import warnings

import pandas as pd
import pytest

import kaohe
from kaohe.errors import FrameworkError, LossWarning
from kaohe.tables import framework_to_table, lost_in_csv, write_table
from conftest import assert_same_scores, random_framework


def test_yaml_json_table_gives_bit_identical_scores(district, district_card, score_district, tmp_path):
    yaml_path = tmp_path / "district.yaml"
    district.to_yaml(yaml_path)
    from_yaml = kaohe.Framework.load(yaml_path)
    json_path = tmp_path / "district.json"
    from_yaml.to_json(json_path)
    from_json = kaohe.Framework.load(json_path)
    table = from_json.to_table()
    csv_path = tmp_path / "district.csv"
    with pytest.warns(LossWarning):  # the top-level keys, given back below
        write_table(table, csv_path, allow_loss=True)
    from_table = kaohe.Framework.from_table(csv_path, **table.attrs["meta"])
    card = score_district(from_table)
    assert_same_scores(card, district_card)
    assert card.arrays["total"].tobytes() == district_card.arrays["total"].tobytes()
    pd.testing.assert_frame_equal(card.table(), district_card.table())


@pytest.mark.parametrize("name", ["district-2019/framework.json", "asem/framework_pipeline_C.json",
                                  "asem/framework_pipeline_G.json"])
def test_json_yaml_json_is_the_same_dict(name, repo_root):
    fw = kaohe.Framework.load(repo_root / "examples" / name)
    text = fw.to_yaml()
    assert "children:" in text
    again = kaohe.Framework.from_yaml(text)
    assert json.loads(again.to_json()) == json.loads(fw.to_json())
    assert again.to_json() == fw.to_json()  # the engine's JSON writer is deterministic


def test_yaml_keeps_chinese_text_readable(district):
    text = district.to_yaml()
    assert "依法行政" in text and "\\u" not in text


def test_table_writes_group_points_only_where_they_differ_from_the_sum(district):
    table = district.to_table()
    groups = table.drop_duplicates("level1_id").set_index("level1_id")
    assert list(groups.index) == ["rule_of_law", "key_tasks", "party_building", "business_env", "social_evaluation"]
    # key_tasks' leaves add up to 45 (policy_delivery is for departments, investment for towns): stated, 35
    assert groups.loc["key_tasks", "level1_points"] == 35.0
    assert groups.loc["key_tasks", "level1_points[town]"] == 38.0
    assert groups.loc["business_env", "level1_points[town]"] == 11.0
    assert groups[["level1_points"]].drop(index="key_tasks").isna().all().all()
    assert table.set_index("id").loc["online_service", "points[town]"] == 3.0
    assert table.set_index("id").loc["supervised_tasks", "params[dept]"] == '{"multiplier": 2}'
    assert table.set_index("id").loc["peer_review", "params[town]"] == '{"step": 0.1}'
    assert table.set_index("id").loc["court_rate", "input"] == "court_attended/court_required*100"
    assert table.set_index("id").loc["key_projects", "input"] == ""  # the default data item: the leaf id
    assert len(table) == 21 and table["level1"].nunique() == 5


def test_asem_table_states_relative_group_weights(asem_files):
    fw = kaohe.Framework.load(asem_files["G"])
    table = fw.to_table()
    assert (table["weight"] == 1.0).all()
    assert (table["level1_weight"] == 1.0).all() and (table["level2_weight"] == 1.0).all()
    assert set(table["level1_aggregation"]) == {"geometric"}
    assert set(table["root_aggregation"]) == {"geometric"} and "root" not in table.attrs["meta"]
    assert kaohe.Framework.from_table(table).to_dict() == fw.to_dict()


@pytest.mark.parametrize("seed", range(12))
def test_random_frameworks_survive_the_table(seed, tmp_path):
    fw = kaohe.Framework.from_dict(random_framework(seed))
    table = fw.to_table()
    assert kaohe.Framework.from_table(table).to_dict() == fw.to_dict()
    for suffix in (".csv", ".xlsx"):
        path = tmp_path / f"t{suffix}"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", LossWarning)  # the CSV file's lost keys are given back below
            write_table(table, path, allow_loss=True)
        meta = table.attrs["meta"] if suffix == ".csv" else {}
        assert kaohe.Framework.from_table(path, **meta).to_dict() == fw.to_dict(), suffix


def _two_groups(first_name: str, second_name: str) -> dict:
    leaf = lambda i: {"id": f"x{i}", "name": f"x{i}", "points": 50, "rule": {"type": "manual"}}  # noqa: E731
    return {"kaohe": 1, "root": {"id": "r", "name": "r", "children": [
        {"id": "a", "name": first_name, "points": 50, "children": [leaf(1)]},
        {"id": "b", "name": second_name, "points": 50, "children": [leaf(2)]}]}}


def test_table_refuses_sibling_groups_with_the_same_name():
    fw = kaohe.Framework.from_dict(_two_groups("同名", "同名"))
    with pytest.raises(FrameworkError) as info:
        fw.to_table()
    assert "r/b" in str(info.value) and "named '同名'" in str(info.value)
    assert framework_to_table(_two_groups("甲", "乙")).shape[0] == 2


def test_table_refuses_names_with_surrounding_spaces():
    with pytest.raises(FrameworkError, match=r"r/a: the name ' 甲' has leading or trailing spaces"):
        framework_to_table(_two_groups(" 甲", "乙"))


def test_table_refuses_keys_it_has_no_column_for():
    doc = _two_groups("甲", "乙")
    doc["root"]["children"][0]["children"][0]["colour"] = "red"
    with pytest.raises(FrameworkError, match=r"r/a/x1: the table layout cannot hold colour on a leaf"):
        framework_to_table(doc)


def test_json_text_survives_quotes_commas_and_newlines_in_notes(tmp_path):
    doc = _two_groups("甲", "乙")
    doc["root"]["children"][0]["children"][0]["note"] = '第一行, "引号"\n第二行'
    fw = kaohe.Framework.from_dict(doc)
    path = tmp_path / "t.csv"
    write_table(fw.to_table(), path)
    assert kaohe.Framework.from_table(path).to_dict()["root"]["children"] == fw.to_dict()["root"]["children"]


def test_unicode_and_numbers_survive_xlsx(tmp_path):
    doc = _two_groups("2019", "0.5")
    doc["root"]["children"][0]["children"][0].update(id="001", name="12")
    fw = kaohe.Framework.from_dict(doc)
    path = tmp_path / "t.xlsx"
    write_table(fw.to_table(), path)
    back = kaohe.Framework.load(path).to_dict()
    assert back["root"]["children"][0]["name"] == "2019"
    assert back["root"]["children"][0]["children"][0]["id"] == "001"
    assert back == fw.to_dict()


def test_one_level_framework_with_cohort_references_and_lookups():
    doc = {"kaohe": 1, "id": "flat", "total": 10, "root": {"id": "r", "name": "总", "children": [
        {"id": "a", "name": "甲", "points": 6, "rule": {"type": "lookup", "table": {"1": 6, "优": 5}, "otherwise": 0}},
        {"id": "b", "name": "乙", "points": 4, "rule": {"type": "threshold", "input": "a b", "op": ">=",
                                                       "value": {"cohort": "median", "scope": "all"}}}]}}
    fw = kaohe.Framework.from_dict(doc)
    table = fw.to_table()
    assert list(table.columns[:3]) == ["level1", "id", "points"] and "level1_id" not in table.columns
    assert table["input"].tolist() == ["", "a b"]
    assert json.loads(table.loc[1, "params"])["value"] == {"cohort": "median", "scope": "all"}
    assert kaohe.Framework.from_table(table).to_dict() == fw.to_dict()


def test_the_example_in_docs_formats_md_reads(repo_root, tmp_path):
    text = (repo_root / "docs" / "formats.md").read_text(encoding="utf-8")
    section = text.split("## Flat indicator table", 1)[1]
    example = section.split("```csv\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "example.csv"
    path.write_text(example, encoding="utf-8")
    fw = kaohe.Framework.from_table(path, total=13, categories={"dept": "区直部门"})
    doc = fw.to_dict()
    groups = doc["root"]["children"]
    assert [(g["id"], g["name"], g["points"]) for g in groups] == [("g1", "依法行政", 6), ("g2", "重点工作", 7)]
    court = groups[0]["children"][0]
    assert court["rule"]["input"] == {"ratio": ["court_attended", "court_required"], "scale": 100}
    assert groups[1]["children"][0]["applies_to"] == ["dept"]
    assert groups[1]["children"][0]["rule"]["zero_at"] == 70  # the YAML flow mapping


def test_text_that_looks_like_a_formula_stays_text_in_a_workbook(tmp_path):
    doc = _two_groups("=甲", "乙")
    doc["name"] = "=SUM(A1)"
    doc["root"]["children"][0]["children"][0]["note"] = "=1+1"
    fw = kaohe.Framework.from_dict(doc)
    path = tmp_path / "t.xlsx"
    write_table(fw.to_table(), path)
    assert kaohe.Framework.load(path).to_dict() == fw.to_dict()  # before: the formulas read back empty


def test_names_with_surrounding_spaces_survive_the_meta_sheet(tmp_path):
    doc = _two_groups("甲", "乙")
    doc.update(id=" 带空格 ", name="")
    fw = kaohe.Framework.from_dict(doc)
    path = tmp_path / "t.xlsx"
    write_table(fw.to_table(), path)
    assert kaohe.Framework.load(path).to_dict() == fw.to_dict()  # before: written as plain text, read back stripped


def test_score_scale_survives_a_workbook(tmp_path):
    """The meta sheet carries score_scale (before: 'unknown top-level key' when reading the workbook back)."""
    doc = _two_groups("甲", "乙")
    doc.update(total=100, score_scale=1)
    fw = kaohe.Framework.from_dict(doc)
    path = tmp_path / "t.xlsx"
    write_table(fw.to_table(), path)
    again = kaohe.Framework.load(path)
    assert again.score_scale == 1.0 and again.to_dict() == fw.to_dict()


def test_root_attributes_are_columns_and_the_rare_rest_stays_in_meta(tmp_path):
    doc = _two_groups("甲", "乙")
    doc.update(name="框架", score_scale=1)
    doc["root"].update(name="", aggregation="geometric", note="根 note")
    before = json.dumps(doc, sort_keys=True)
    table = framework_to_table(doc)
    assert json.dumps(doc, sort_keys=True) == before  # the input is not modified
    assert [c for c in table.columns if c.startswith("root_")] == ["root_id", "root_note", "root_aggregation"]
    assert set(table["root_aggregation"]) == {"geometric"}
    # an empty root name: a blank cell would read as "not stated" and the reader would use the framework's name
    assert table.attrs["meta"]["root"] == {"name": ""}
    assert lost_in_csv(table) == ["name", "score_scale", "root.name"]
    path = tmp_path / "t.xlsx"
    write_table(table, path)
    assert kaohe.Framework.load(path).to_dict() == kaohe.Framework.from_dict(doc).to_dict()
    plain = table.copy()
    plain.attrs = {}
    assert lost_in_csv(plain) == []  # a table without meta loses nothing


def test_a_geometric_root_survives_a_csv_file(tmp_path):
    """Before: the CSV file lost `aggregation: geometric`, and the table read back scored an arithmetic mean."""
    doc = _two_groups("甲", "乙")
    doc["root"]["aggregation"] = "geometric"
    fw = kaohe.Framework.from_dict(doc)
    path = tmp_path / "t.csv"
    write_table(fw.to_table(), path)
    assert kaohe.Framework.load(path).to_dict() == fw.to_dict()
