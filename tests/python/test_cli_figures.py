"""The figures the ``kaohe`` command prints and writes (issue 11, items 4, 6 and 8): every digit with
``--full-precision``, group scores with ``--scores``, what-if totals at the framework's rounding and grades by
name, units counted as changed only when their rank or grade changed, and the small things: suggestions
without duplicates, ``validate``'s grammar, unit ids kept as written, no numpy reprs in messages."""
from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import kaohe
from kaohe import cli
from kaohe.errors import DataError, FrameworkError

ROOT = Path(__file__).resolve().parents[2]
DISTRICT = ROOT / "examples" / "district-2019"
FRAMEWORK = str(DISTRICT / "framework.json")
RESULTS = str(DISTRICT / "results.csv")
UNITS = str(DISTRICT / "units.csv")
EVENTS = str(DISTRICT / "events.csv")
DATA = [RESULTS, "--units", UNITS, "--events", EVENTS]
ASEM = ROOT / "examples" / "asem"
ASEM_C = str(ASEM / "framework_pipeline_C.json")
ASEM_RESULTS = str(ASEM / "results.csv")
ASEM_UNITS = str(ASEM / "units.csv")

# An HDI-like index: total 1, published at 3 decimals, grades whose names are not their ids.
HDI = {
    "kaohe": 1, "id": "hdi-like", "name": "HDI-like index", "total": 1,
    "root": {"id": "hdi", "children": [
        {"id": "health", "name": "Health", "weight": 1, "rule": {"type": "linear", "zero_at": 20, "full_at": 85}},
        {"id": "education", "name": "Education", "weight": 1,
         "rule": {"type": "linear", "zero_at": 0, "full_at": 18}},
        {"id": "income", "name": "Income", "weight": 1,
         "rule": {"type": "linear", "zero_at": 100, "full_at": 75000}}]},
    "grading": {"bands": [{"id": "very_high", "name": "Very high human development", "min": 0.95},
                          {"id": "high", "name": "High human development", "min": 0.9},
                          {"id": "low", "name": "Low human development", "min": None}]},
    "rounding": {"total": 3, "nodes": 3},
}
HDI_RESULTS = "unit,health,education,income\nNOR,83.2,18,66000\nCHE,84,16.5,70000\nIRL,82,17.5,74000\nISL,83,17,55000\n"


def run(capsys: pytest.CaptureFixture, *argv: object):
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def card() -> kaohe.ScoreCard:
    return kaohe.Framework.load(FRAMEWORK).score(RESULTS, units=UNITS, events=EVENTS)


@pytest.fixture
def hdi(tmp_path: Path):
    """hdi(grading=True) -> (framework path, results path) of the HDI-like index, with or without its grading."""
    def write(grading: bool = True):
        doc = json.loads(json.dumps(HDI))
        if not grading:
            del doc["grading"]
        fw = tmp_path / ("hdi.json" if grading else "hdi_ungraded.json")
        fw.write_text(json.dumps(doc), encoding="utf-8")
        results = tmp_path / "hdi.csv"
        results.write_text(HDI_RESULTS, encoding="utf-8")
        return str(fw), str(results)
    return write


def small_framework(tmp_path: Path) -> str:
    """A framework of one indicator 'a' (linear 0..1, 10 points) directly under the root, no categories."""
    fw = tmp_path / "f.json"
    fw.write_text(json.dumps({"kaohe": 1, "id": "small", "total": 10, "root": {"id": "r", "children": [
        {"id": "a", "points": 10, "rule": {"type": "linear", "zero_at": 0, "full_at": 1}}]}}), encoding="utf-8")
    return str(fw)


def header_of(out: str):
    """The header cells of ``kaohe score``'s table ("rank in category" is one cell)."""
    return out.splitlines()[0].replace("rank in category", "rank_in_category").split()


def body_rows(out: str, header: str):
    """The rows of the aligned table whose header line starts with ``header``, as lists of cells."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header))
    rows = []
    for line in lines[start + 2:]:
        if not line.strip():
            break
        rows.append(line.split())
    return rows


# -- kaohe score --full-precision ------------------------------------------------------------------------------
def test_full_precision_prints_every_digit_of_every_unit(capsys, card):
    code, out, err = run(capsys, "score", FRAMEWORK, *DATA, "--full-precision")
    assert code == 0, err
    full = card.table(rounded=False)
    rows = {r[1]: r for r in body_rows(out, "rank")}
    for unit, rec in full.iterrows():
        assert repr(float(rec["total"])) in rows[unit], unit  # the round-trip repr, e.g. 68.43599999999999
    assert "68.43599999999999" in rows["drc"]  # 6 significant digits would print 68.436


def test_full_precision_csv_out_round_trips_the_doubles(capsys, tmp_path, card):
    path = tmp_path / "card.csv"
    code, _, err = run(capsys, "score", FRAMEWORK, *DATA, "--full-precision", "--out", path)
    assert code == 0, err
    written = pd.read_csv(path, encoding="utf-8-sig", index_col="unit", dtype={"total": str, "依法行政": str})
    written[["total", "依法行政"]] = written[["total", "依法行政"]].map(float)  # Python's float(): exact round trip
    assert written["total"].to_dict() == card.total.to_dict()  # exactly equal, not approximately
    assert written.loc["drc", "依法行政"] == card.table(rounded=False).loc["drc", "依法行政"]
    # without the flag the file keeps the published figures, as before
    code, _, err = run(capsys, "score", FRAMEWORK, *DATA, "--out", path)
    assert code == 0, err
    published = pd.read_csv(path, encoding="utf-8-sig", index_col="unit")
    assert published.loc["drc", "total"] == 68.44


def test_full_precision_xlsx_out(capsys, tmp_path, card):
    pytest.importorskip("openpyxl")
    path = tmp_path / "card.xlsx"
    code, _, err = run(capsys, "score", FRAMEWORK, *DATA, "--full-precision", "--out", path)
    assert code == 0, err
    ranking = pd.read_excel(path, sheet_name="ranking", index_col="unit")
    assert ranking["total"].to_dict() == card.total.to_dict()


# -- kaohe score --scores --------------------------------------------------------------------------------------
def test_scores_flag_prints_group_scores_instead_of_points(capsys, card):
    code, out, err = run(capsys, "score", FRAMEWORK, *DATA, "--scores")
    assert code == 0, err
    header = header_of(out)
    rows = {r[1]: r for r in body_rows(out, "rank")}
    scores = card.table(scores=True)
    points = card.table()
    audit = rows["audit"]
    column = header.index("依法行政")
    assert audit[column] == f"{scores.loc['audit', '依法行政']:.2f}" == "93.33"  # 10.27 of 11 points
    assert audit[column] != f"{points.loc['audit', '依法行政']:.2f}"
    assert audit[header.index("total")] == f"{points.loc['audit', 'total']:.2f}"  # the total stays in points
    for unit in scores.index:
        assert rows[unit][column] == f"{scores.loc[unit, '依法行政']:.2f}"


def test_scores_flag_on_the_framework_score_scale(capsys):
    """ASEM's Connectivity score for Germany is COINr's 81.16 (its points are 40.58 of 50)."""
    asem = kaohe.Framework.load(ASEM_C).score(ASEM_RESULTS, units=ASEM_UNITS)
    code, out, err = run(capsys, "score", ASEM_C, ASEM_RESULTS, "--units", ASEM_UNITS, "--scores")
    assert code == 0, err
    header = header_of(out)
    germany = next(r for r in body_rows(out, "rank") if r[1] == "DEU")
    score = asem.scores.loc["DEU", "Conn"]
    assert round(score, 2) == 81.16
    assert germany[header.index("Connectivity")] == f"{score:.6g}" == "81.1567"  # no rounding declared: 6 digits
    assert germany[header.index("Sustainability")] == f"{asem.scores.loc['DEU', 'Sust']:.6g}"


def test_scores_csv_and_xlsx_out(capsys, tmp_path, card):
    path = tmp_path / "scores.csv"
    code, _, err = run(capsys, "score", FRAMEWORK, *DATA, "--scores", "--out", path)
    assert code == 0, err
    written = pd.read_csv(path, encoding="utf-8-sig", index_col="unit")
    expected = card.table(scores=True)
    assert list(written.columns) == list(expected.columns)
    np.testing.assert_allclose(written["依法行政"].to_numpy(), expected["依法行政"].to_numpy().astype(float))
    assert written.loc["audit", "依法行政"] == 93.33
    pytest.importorskip("openpyxl")
    book = tmp_path / "scores.xlsx"
    code, _, err = run(capsys, "score", FRAMEWORK, *DATA, "--scores", "--out", book)
    assert code == 0, err
    assert pd.ExcelFile(book).sheet_names == ["ranking", "points", "scores", "explanations"]
    sheet = pd.read_excel(book, sheet_name="scores", index_col="unit")
    np.testing.assert_allclose(sheet.to_numpy(dtype=float), card.scores.to_numpy(), equal_nan=True)
    assert pd.read_excel(book, sheet_name="ranking", index_col="unit").loc["audit", "依法行政"] == 93.33
    # the default workbook is as it was: three sheets, points in the ranking
    code, _, err = run(capsys, "score", FRAMEWORK, *DATA, "--out", book)
    assert code == 0, err
    assert pd.ExcelFile(book).sheet_names == ["ranking", "points", "explanations"]
    assert pd.read_excel(book, sheet_name="ranking", index_col="unit").loc["audit", "依法行政"] == 10.27


# -- kaohe whatif ----------------------------------------------------------------------------------------------
def test_whatif_on_an_ungraded_framework_counts_nobody_when_nobody_moves(capsys):
    """ASEM has no grading: a change that moves nobody reports 0 units (None != None counted all 51)."""
    code, out, err = run(capsys, "whatif", ASEM_C, ASEM_RESULTS, "--units", ASEM_UNITS, "--set", "Conn=1")
    assert code == 0, err
    n = len(pd.read_csv(ASEM_UNITS))
    assert f"0 of {n} units change rank or grade" in out


def test_whatif_ungraded_hdi_counts_only_rank_changes(capsys, hdi):
    fw, results = hdi(grading=False)
    code, out, err = run(capsys, "whatif", fw, results, "--set", "health=80%")
    assert code == 0, err
    assert "2 of 4 units change rank or grade" in out  # CHE 3 -> 1 and IRL 1 -> 3; NOR and ISL keep theirs
    units = [r[0] for r in body_rows(out, "unit")]
    assert sorted(units) == ["CHE", "IRL"]


def test_whatif_units_without_a_rank_are_not_counted_as_changed(capsys, card):
    """planning and ecology are outside every pool (no rank before or after) and keep their grades."""
    table = card.compare(card.what_if({"rule_of_law": 15}))
    assert table.loc[["planning", "ecology"], "rank_before"].isna().all()
    code, out, err = run(capsys, "whatif", FRAMEWORK, *DATA, "--set", "rule_of_law=15")
    assert code == 0, err
    listed = {r[0] for r in body_rows(out, "unit")}
    assert "planning" not in listed and "ecology" not in listed
    changed = [u for u, r in table.iterrows()
               if not (pd.isna(r["rank_before"]) and pd.isna(r["rank_after"])) and r["rank_before"] != r["rank_after"]
               or r["grade_before"] != r["grade_after"]]
    assert f"{len(changed)} of {len(table)} units change rank or grade" in out
    assert listed == set(changed)


def test_whatif_prints_totals_at_the_framework_rounding(capsys, hdi):
    fw, results = hdi()
    code, out, err = run(capsys, "whatif", fw, results, "--set", "health=80%", "--all")
    assert code == 0, err
    framework = kaohe.Framework.load(fw)
    before = framework.score(results)
    after = before.what_if({"health": "80%"})
    printed = {r[0]: r for r in body_rows(out, "unit")}
    assert set(printed) == {"NOR", "CHE", "IRL", "ISL"}
    for unit in printed:
        expected = f"{before.table().loc[unit, 'total']:.3f} -> {after.table().loc[unit, 'total']:.3f}"
        assert " ".join(printed[unit][1:4]) == expected
    assert " ".join(printed["IRL"][1:4]) == "0.971 -> 0.959"  # at 2 decimals both would be 0.97 / 0.96


def test_whatif_prints_the_framework_grade_names(capsys, hdi):
    fw, results = hdi()
    code, out, err = run(capsys, "whatif", fw, results, "--set", "health=80%", "--all")
    assert code == 0, err
    assert "Very high human development -> Very high human development" in out  # IRL
    assert "very_high" not in out and "high ->" not in out
    code, out, err = run(capsys, "whatif", FRAMEWORK, *DATA, "--set", "rule_of_law=15")
    assert code == 0, err
    assert "优秀 -> 优秀" in out and "合格 -> 合格" in out
    assert "excellent" not in out and "pass ->" not in out


def test_whatif_csv_out_names_the_grades(capsys, tmp_path, card):
    path = tmp_path / "cmp.csv"
    code, _, err = run(capsys, "whatif", FRAMEWORK, *DATA, "--set", "rule_of_law=15", "--out", path)
    assert code == 0, err
    written = pd.read_csv(path, encoding="utf-8-sig", index_col="unit")
    expected = card.compare(card.what_if({"rule_of_law": 15}))
    names = {"excellent": "优秀", "good": "良好", "pass": "合格", "fail": "不合格"}
    assert written["grade_after"].tolist() == [names[g] for g in expected["grade_after"]]
    assert written["band_before"].tolist() == [names[g] for g in expected["band_before"]]
    assert written["total_after"].tolist() == expected["total_after"].tolist()


def test_whatif_policy_choices_are_the_engine_policies(capsys, hdi):
    from kaohe.sensitivity import POLICIES

    assert "rescale" in POLICIES
    code, out, _ = run(capsys, "whatif", "--help")
    assert code == 0
    assert "{" + ",".join(POLICIES) + "}" in out.replace("\n", "").replace(" ", "")
    fw, results = hdi()
    code, out, err = run(capsys, "whatif", fw, results, "--set", "health=2", "--set", "education=1", "--set",
                         "income=1", "--policy", "rescale", "--all")
    assert code == 0, err
    assert "(policy rescale)" in out
    after = kaohe.Framework.load(fw).score(results).what_if(["health=2", "education=1", "income=1"],
                                                           policy="rescale")
    printed = {r[0]: r for r in body_rows(out, "unit")}
    assert printed["NOR"][3] == f"{after.table().loc['NOR', 'total']:.3f}"


# -- small things ----------------------------------------------------------------------------------------------
def test_unknown_unit_suggestions_have_no_duplicates(capsys):
    """Without a units table a unit's name is its id: DEU was suggested twice."""
    code, out, err = run(capsys, "explain", ASEM_C, ASEM_RESULTS, "DEX")
    assert code == 2 and out == ""
    suggested = re.findall(r"'([^']+)'", err.split("did you mean", 1)[1])
    assert "DEU" in suggested
    assert len(suggested) == len(set(suggested)), err


@pytest.mark.parametrize("tree, summary", [
    ({"id": "r", "children": [{"id": "g", "points": 10, "children": [
        {"id": "a", "points": 10, "rule": {"type": "manual"}}]}]}, "1 indicator in 1 group, total 10"),
    ({"id": "r", "children": [
        {"id": "g1", "points": 6, "children": [{"id": "g2", "points": 6, "children": [
            {"id": "a", "points": 6, "rule": {"type": "linear", "zero_at": 0, "full_at": 1}}]}]},
        {"id": "g3", "points": 4, "children": [
            {"id": "b", "points": 4, "rule": {"type": "linear", "zero_at": 0, "full_at": 1}}]}]},
     "2 indicators in 3 groups, total 10"),
    ({"id": "r", "children": [{"id": "a", "points": 10, "rule": {"type": "linear", "zero_at": 0, "full_at": 1}}]},
     "1 indicator, no groups, total 10"),
])
def test_validate_counts_with_singulars(capsys, tmp_path, tree, summary):
    fw = tmp_path / "f.json"
    fw.write_text(json.dumps({"kaohe": 1, "id": "small", "total": 10, "root": tree}), encoding="utf-8")
    code, out, err = run(capsys, "validate", fw)
    assert code == 0, err
    assert out == f"ok: {fw}: framework 'small', {summary}\n"


def test_validate_with_data_counts_with_singulars(capsys, tmp_path):
    fw = tmp_path / "f.json"
    fw.write_text(json.dumps({"kaohe": 1, "id": "small", "total": 10, "root": {"id": "r", "children": [
        {"id": "a", "points": 10, "rule": {"type": "linear", "zero_at": 0, "full_at": 1}}]}}), encoding="utf-8")
    results = tmp_path / "r.csv"
    results.write_text("unit,a\nu1,0.5\n", encoding="utf-8")
    code, out, err = run(capsys, "validate", fw, results)
    assert code == 0, err
    assert out == "ok: 1 indicator, no groups, total 10; 1 unit and no events scored, 0 warnings\n"
    code, out, err = run(capsys, "validate", FRAMEWORK, *DATA)
    assert code == 0, err
    assert out.endswith("; 52 units (36 区直部门, 16 镇街) and 530 events scored, 0 warnings\n")


def test_unit_ids_are_compared_as_written_with_a_hint(capsys, tmp_path):
    """'1' in the results is not '01' in the units table: the error names the file, the row and both ids."""
    fw = small_framework(tmp_path)
    units = tmp_path / "units.csv"
    units.write_text("id,name\n01,甲\n02,乙\n", encoding="utf-8")
    results = tmp_path / "results.csv"
    results.write_text("unit,a\n01,0.5\n2,0.7\n", encoding="utf-8")
    code, out, err = run(capsys, "score", fw, results, "--units", units)
    assert code == 2 and out == ""
    assert err.startswith(f"error: {results}: row 3: column 'unit': unknown unit '2'")
    assert "'02'" in err and "compared as text" in err
    # written the same way, the ids are kept as given: 01 stays 01
    results.write_text("unit,a\n01,0.5\n02,0.7\n", encoding="utf-8")
    card = kaohe.Framework.load(fw).score(results, units=units)
    assert card.unit_ids == ["01", "02"]
    code, out, err = run(capsys, "score", fw, results, "--units", units)
    assert code == 0, err
    assert [r[1] for r in body_rows(out, "rank")] == ["02", "01"]


def test_unit_ids_in_events_get_the_same_hint(tmp_path):
    fw = kaohe.Framework.load(small_framework(tmp_path))
    results = tmp_path / "results.csv"
    results.write_text("unit,a\n1,0.5\n2,0.7\n", encoding="utf-8")
    events = tmp_path / "events.csv"
    events.write_text("unit,type,target,value,note\n01,manual,a,5,by hand\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        fw.score(results, events=events)
    assert str(info.value).startswith(f"{events}: row 2: column 'unit': unknown unit '01'")
    assert "'1'" in str(info.value)


def test_integer_unit_ids_in_a_dataframe_are_kept(tmp_path):
    fw = kaohe.Framework.load(small_framework(tmp_path))
    units = pd.DataFrame({"id": np.array([1, 2], dtype=np.int64), "name": ["甲", "乙"]})
    results = pd.DataFrame({"unit": [1, 2], "a": [0.5, 0.7]})
    card = fw.score(results, units=units)
    assert card.unit_ids == ["1", "2"]
    assert fw.score(results).unit_ids == ["1", "2"]


@pytest.mark.parametrize("with_units", [False, True])
def test_float_unit_ids_are_refused_with_the_row(tmp_path, with_units):
    """A column of whole numbers with an empty cell is float in pandas: 1.0 would silently become '1.0'."""
    fw = kaohe.Framework.load(small_framework(tmp_path))
    results = pd.DataFrame({"unit": [1.0, 2.0], "a": [0.5, 0.7]})
    units = pd.DataFrame({"id": ["1", "2"]}) if with_units else None
    with pytest.raises(DataError) as info:
        fw.score(results, units=units)
    message = str(info.value)
    assert message.startswith("results DataFrame (row label 0): column 'unit': unit id 1.0 is a number with a "
                              "decimal point")
    assert "dtype=str" in message and "np." not in message
    with pytest.raises(DataError, match=r"units DataFrame \(row label 1\): column 'id': unit id 2.0 "):
        fw.score(pd.DataFrame({"unit": ["1", "2"], "a": [0.5, 0.7]}),
                 units=pd.DataFrame({"id": pd.Series([1, 2.0], dtype=object)}))


def test_no_numpy_reprs_in_messages(tmp_path):
    fw = kaohe.Framework.load(small_framework(tmp_path))
    # a DataFrame with a numpy integer index: the row label is 7, not np.int64(7)
    bad = pd.DataFrame({"unit": ["u1", "u2"], "a": ["0.5", "95%"]}, index=pd.Index(np.array([3, 7])))
    with pytest.raises(DataError) as info:
        fw.score(bad)
    assert "(row label 7)" in str(info.value) and "np." not in str(info.value)
    # criterion types from a numpy array
    with pytest.raises(DataError) as info:
        kaohe.mcda.topsis(np.array([[1.0, 2.0], [3.0, 1.0]]), [0.5, 0.5], np.array([1, 2]))
    assert "criterion type 2 is 2;" in str(info.value) and "np." not in str(info.value)
    # a weight change given as a pandas Series of booleans
    card = fw.score(pd.DataFrame({"unit": ["u1"], "a": [0.5]}))
    with pytest.raises(FrameworkError) as info:
        card.what_if(pd.Series({"a": True}))
    assert "a=True" in str(info.value) and "np." not in str(info.value)
    # an AHP judgement that is a numpy boolean, a count that is a numpy integer
    with pytest.raises(DataError) as info:
        kaohe.ahp.priorities([[1, np.True_], ["1/1", 1]])  # a fraction: read cell by cell
    assert "True is not a judgement" in str(info.value) and "np." not in str(info.value)
    result = kaohe.ahp.priorities([[1, 3], [1 / 3, 1]])
    with pytest.raises(DataError) as info:
        result.inconsistencies(top=np.int64(-1))
    assert str(info.value) == "top must be a whole number >= 0, not -1"


def test_shown_is_repr_without_numpy():
    from kaohe.errors import shown

    assert shown(np.int64(2)) == "2" and shown(np.float64(0.5)) == "0.5" and shown(np.str_("x")) == "'x'"
    assert shown(np.bool_(True)) == "True" and shown((np.int64(1),)) == "(1,)"
    assert shown([np.int64(1), "a"]) == "[1, 'a']" and shown("a") == "'a'" and shown(3) == "3"
