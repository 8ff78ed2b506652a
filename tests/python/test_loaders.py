"""Every way of loading a framework gives the same Framework and the same scores; the flat table layout."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import kaohe
from kaohe.errors import LossWarning
from kaohe.tables import framework_from_table, write_table
from conftest import assert_same_scores


def _json_file(fw, tmp_path):
    path = tmp_path / "framework.json"
    fw.to_json(path)
    return kaohe.Framework.load(path)


def _json_text(fw, tmp_path):
    return kaohe.Framework.from_json(fw.to_json(), source="inline")


def _yaml_file(fw, tmp_path):
    path = tmp_path / "framework.yaml"
    fw.to_yaml(path)
    return kaohe.Framework.load(path)


def _yml_file(fw, tmp_path):
    path = tmp_path / "framework.yml"
    path.write_text(fw.to_yaml(), encoding="utf-8")
    return kaohe.Framework.load(path)


def _dict(fw, tmp_path):
    return kaohe.Framework.from_dict(fw.to_dict())


def _csv_table(fw, tmp_path):
    table = fw.to_table()
    path = tmp_path / "indicators.csv"
    with pytest.warns(LossWarning):  # the top-level keys, given back below
        write_table(table, path, allow_loss=True)
    return kaohe.Framework.from_table(path, **table.attrs["meta"])


def _xlsx_table(fw, tmp_path):
    path = tmp_path / "indicators.xlsx"
    write_table(fw.to_table(), path)
    return kaohe.Framework.load(path)  # the workbook's meta sheet carries the top-level keys


def _dataframe_table(fw, tmp_path):
    return kaohe.Framework.from_table(fw.to_table())


LOADERS = {"json-file": _json_file, "json-text": _json_text, "yaml-file": _yaml_file, "yml-file": _yml_file,
           "dict": _dict, "csv-table": _csv_table, "xlsx-table": _xlsx_table, "dataframe-table": _dataframe_table}


@pytest.mark.parametrize("loader", LOADERS.values(), ids=LOADERS.keys())
def test_every_loader_gives_the_same_framework_and_scores(loader, district, district_card, score_district, tmp_path):
    loaded = loader(district, tmp_path)
    assert loaded.to_dict() == district.to_dict()
    assert loaded.id == "district-2019" and loaded.total == 100
    assert loaded.categories == {"dept": "区直部门", "town": "镇街"}
    assert_same_scores(score_district(loaded), district_card)


@pytest.mark.parametrize("pipeline", ["C", "G"])
@pytest.mark.parametrize("loader", [_yaml_file, _csv_table, _xlsx_table], ids=["yaml", "csv", "xlsx"])
def test_asem_frameworks_load_the_same_way(loader, pipeline, asem_files, tmp_path):
    original = kaohe.Framework.load(asem_files[pipeline])
    loaded = loader(original, tmp_path)
    assert loaded.to_dict() == original.to_dict()
    a = original.score(asem_files["results"], units=asem_files["units"])
    b = loaded.score(asem_files["results"], units=asem_files["units"])
    assert_same_scores(a, b)


def test_the_source_json_equals_its_normalised_form(district_files, district):
    """The engine's JSON adds the defaults; reading that JSON again changes nothing (a fixed point)."""
    original = json.loads(district_files["framework"].read_text(encoding="utf-8"))
    normalised = district.to_dict()
    assert normalised != original  # defaults were filled in, e.g. the completion rule's cap
    assert normalised["root"]["children"][0]["children"][0]["rule"]["cap"] is True
    assert kaohe.Framework.from_dict(normalised).to_dict() == normalised


def test_yaml_written_by_hand_with_chinese_names(tmp_path):
    text = """
kaohe: 1
id: mini
name: 小型考核
total: 10
root:
  id: root
  name: 总分
  children:
    - {id: a, name: 甲指标, points: 6, rule: {type: completion, target: 100}}
    - {id: b, name: 乙指标, points: 4, rule: {type: threshold, op: ">=", value: 1}}
"""
    path = tmp_path / "mini.yaml"
    path.write_text(text, encoding="utf-8")
    fw = kaohe.Framework.load(path)
    assert fw.name == "小型考核"
    card = fw.score(pd.DataFrame({"unit": ["x", "y"], "a": [50.0, 120.0], "b": [0.0, 3.0]}))
    assert card.total.to_dict() == {"x": 3.0, "y": 10.0}


# -- the flat table layout ----------------------------------------------------------------------------------

HAND_TABLE = """一级指标,二级指标,分值,规则类型,参数,数据项,方向,适用类别,缺失处理,说明
依法行政,出庭应诉率,6,completion,{target: 100},court_attended/court_required*100,,,exclude,按比例得分
依法行政,复议纠错率,4,linear,"{""zero_at"": 60, ""full_at"": 10}",recon_corrected/recon_closed×100,,,exclude,
重点工作,项目完成率,50,completion,"{""target"": 100}",projects,,"dept、town",,
重点工作,营商排名,30,rank,"{""scoring"": ""proportional"", ""scope"": ""all""}",biz,higher,,,
群众满意度,,10,threshold,"{""op"": "">="", ""value"": 90}",satisfaction,,,,
"""


def test_a_hand_written_table_with_chinese_headers(write_file):
    path = write_file("indicators.csv", HAND_TABLE)
    fw = kaohe.Framework.from_table(path, id="hand", name="手工表", categories={"dept": "部门", "town": "镇街"})
    doc = fw.to_dict()
    root = doc["root"]
    assert root["id"] == "root" and root["name"] == "手工表"
    assert [c["id"] for c in root["children"]] == ["g1", "g2", "i5"]  # generated ids
    rule_of_law = root["children"][0]
    assert rule_of_law["name"] == "依法行政" and rule_of_law["points"] == 10  # group points are the sum
    assert [c["id"] for c in rule_of_law["children"]] == ["i1", "i2"]
    court = rule_of_law["children"][0]
    assert court["rule"] == {"type": "completion", "input": {"ratio": ["court_attended", "court_required"],
                                                            "scale": 100}, "target": 100, "cap": True}
    assert court["missing"] == "exclude" and court["note"] == "按比例得分"
    assert rule_of_law["children"][1]["rule"]["input"] == {"ratio": ["recon_corrected", "recon_closed"], "scale": 100}
    assert root["children"][1]["points"] == 80
    assert root["children"][1]["children"][0]["applies_to"] == ["dept", "town"]
    assert root["children"][1]["children"][1]["rule"]["direction"] == "higher"
    assert root["children"][2] == {"id": "i5", "name": "群众满意度", "points": 10,
                                   "rule": {"type": "threshold", "input": "satisfaction", "op": ">=", "value": 90,
                                            "allow_judgement": True}}

    units = pd.DataFrame({"id": ["a", "b"], "name": ["甲", "乙"], "category": ["dept", "town"]})
    results = pd.DataFrame({"unit": ["a", "b"], "court_attended": [3, 4], "court_required": [4, 4],
                            "recon_corrected": [1, 0], "recon_closed": [2, 3], "projects": [80.0, 100.0],
                            "biz": [50.0, 100.0], "satisfaction": [95.0, 80.0]})
    card = fw.score(results, units=units)
    points = card.points
    assert points.loc["a", "i1"] == pytest.approx(6 * 0.75)
    assert points.loc["a", "i2"] == pytest.approx(4 * (60 - 50) / 50)  # 50% corrected, lower is better
    assert points.loc["a", "i3"] == pytest.approx(40.0)
    assert points.loc["a", "i4"] == pytest.approx(15.0)
    assert points.loc["b", "i5"] == 0.0 and points.loc["a", "i5"] == 10.0
    assert card.total["b"] == pytest.approx(6 + 4 + 50 + 30 + 0)


def test_table_ids_and_group_columns(write_file):
    text = ("level1,level1_id,level1_points,level2,level3,level2_id,id,points,rule\n"
            "A,grp_a,60,A1,A1a,a1,x1,20,manual\n"
            "A,,,A1,A1b,a1,x2,20,manual\n"
            "A,grp_a,60,A2,,,x3,20,manual\n"
            "B,,,B1,,,x4,40,manual\n")
    doc, source = framework_from_table(write_file("t.csv", text))
    assert source.endswith("t.csv")
    a, b = doc["root"]["children"]
    assert (a["id"], a["points"]) == ("grp_a", 60.0)
    assert [c["id"] for c in a["children"]] == ["a1", "x3"]
    assert a["children"][0]["points"] == 40.0  # level-2 group: the sum of its leaves
    assert (b["id"], b["points"]) == ("g2", 40.0)  # generated: the second top-level group
    assert b["children"][0]["id"] == "x4"


def test_generated_group_ids_are_positions_among_groups(write_file):
    text = ("level1,level2,level3,points,rule\n"
            "leaf,,,10,manual\n"
            "A,A1,a,10,manual\n"
            "A,A2,b,10,manual\n"
            "A,c,,10,manual\n"
            "B,B1,d,60,manual\n")
    doc, _ = framework_from_table(write_file("t.csv", text))
    ids = [(c["id"], [g["id"] for g in c.get("children", [])]) for c in doc["root"]["children"]]
    assert ids == [("i1", []), ("g1", ["g1_1", "g1_2", "i4"]), ("g2", ["g2_1"])]


def test_weights_shares_and_per_category_columns(write_file):
    text = ("level1,level2,share,weight,level1_share,level1_weight,rule,params,params[town],weight[town]\n"
            "A,a1,60%,,0.5,,manual,,,\n"
            "A,a2,0.4,,0.5,,manual,,,\n"
            'B,b1,,1,0.5,,deduction,"{""price"": {""late"": 1}}","{""multiplier"": 2}",3\n'
            "B,b2,,3,0.5,,manual,,,\n")
    doc, _ = framework_from_table(write_file("t.csv", text), categories=[{"id": "town", "name": "镇街"}])
    a, b = doc["root"]["children"]
    assert a["share"] == 0.5 and [c["share"] for c in a["children"]] == ["60%", 0.4]
    assert b["children"][0]["weight"] == 1.0
    assert b["children"][0]["weight_by_category"] == {"town": {"weight": 3.0}}
    assert b["children"][0]["rule_by_category"] == {"town": {"multiplier": 2}}
    fw = kaohe.Framework.from_dict(doc)
    weights = fw.effective_weights
    assert weights.loc["i1", "town"] == pytest.approx(0.3)
    assert weights.loc["i3", "town"] == pytest.approx(0.5 * 3 / 6)


def test_meta_sheet_and_keyword_precedence(district, tmp_path):
    path = tmp_path / "district.xlsx"
    write_table(district.to_table(), path)
    from_sheet = kaohe.Framework.load(path)
    assert from_sheet.name == district.name and from_sheet.categories == district.categories
    overridden = kaohe.Framework.from_table(path, name="改名", total=100)
    assert overridden.name == "改名"
    assert overridden.to_dict()["grading"] == district.to_dict()["grading"]  # the rest still from the sheet
    explicit_sheet = kaohe.Framework.from_table(path, sheet="indicators")
    assert explicit_sheet.to_dict() == district.to_dict()


def test_csv_table_without_meta_has_no_categories(district, tmp_path):
    path = tmp_path / "asem.csv"
    asem = kaohe.Framework.load(Path(__file__).resolve().parents[2] / "examples/asem/framework_pipeline_C.json")
    with pytest.warns(LossWarning, match=r"asem\.csv: written without the framework's id, name;"):
        write_table(asem.to_table(), path, allow_loss=True)
    plain = kaohe.Framework.load(path)
    assert plain.categories == {} and plain.id == ""
    assert plain.to_dict()["root"] == asem.to_dict()["root"]  # the root's attributes too, in root_<key> columns


def test_dataframe_table_uses_its_attrs_meta(district):
    table = district.to_table()
    assert set(table.attrs["meta"]) >= {"id", "name", "total", "categories", "grading"}
    assert "root" not in table.attrs["meta"]  # the root's id and name are in columns
    assert set(table["root_id"]) == {"district"} and set(table["root_name"]) == {district.to_dict()["root"]["name"]}
    table.attrs["meta"]["name"] = "来自attrs"
    assert kaohe.Framework.from_table(table).name == "来自attrs"
    assert kaohe.Framework.from_table(table, name="kw").name == "kw"


def test_unit_order_does_not_change_scores(district, district_card, district_files):
    results = kaohe.read_table(district_files["results"]).iloc[::-1]
    card = district.score(results, units=district_files["units"], events=district_files["events"])
    assert np.array_equal(card.total.loc[district_card.unit_ids].to_numpy(), district_card.arrays["total"])


def test_numpys_text_to_float_is_bit_identical_to_pythons_float():
    # kaohe.data._plain_numbers converts a column of plain numbers with numpy in one step, where parse_cell would
    # call float() per cell; that is only right if both round the text the same way, to the last bit.
    rng = np.random.default_rng(20261204)
    values = np.concatenate([rng.standard_normal(40_000) * 10.0 ** rng.integers(-30, 30, 40_000),
                             rng.random(40_000), rng.integers(-10**6, 10**6, 40_000).astype(float) / 100])
    texts = [repr(float(v)) for v in values] + [f"{v:.17g}" for v in values[:20_000]] + [f"{v:.3f}" for v in values[:20_000]]
    texts += ["0.1", "1e-320", "4.9406564584124654e-324", "1.7976931348623157e308", "-0", "00012.50", "+3.", ".5"]
    by_numpy = np.array(texts, dtype=np.float64)
    by_python = np.array([float(t) for t in texts])
    assert by_numpy.view(np.uint64).tolist() == by_python.view(np.uint64).tolist()
