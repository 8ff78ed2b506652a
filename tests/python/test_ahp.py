"""kaohe.ahp: every AHP case of ../shared/reference/ahp_reference.json and mcda_reference_vectors.json, loaded from
the files and reproduced to the stated tolerance under the convention each published value needs (named in each
test); then the Python API: labels, fraction strings, group AHP, hierarchies and framework shares, errors."""
from __future__ import annotations

import json
import math
from fractions import Fraction
from pathlib import Path
from typing import Any, Dict, List

import numpy as np
import pandas as pd
import pytest

import kaohe
import kaohe.ahp as ahp


# -- reference data --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def ahp_reference(shared_reference: Path) -> Dict[str, Any]:
    return json.loads((shared_reference / "ahp_reference.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def mcda_cases(shared_reference: Path) -> Dict[str, Any]:
    cases = json.loads((shared_reference / "mcda_reference_vectors.json").read_text(encoding="utf-8"))
    return {c["id"]: c for c in cases}


def case(reference: Dict[str, Any], case_id: str) -> Dict[str, Any]:
    return next(c for c in reference["cases"] if c["id"] == case_id)


def number(x: Any) -> float:
    return float(Fraction(x)) if isinstance(x, str) else float(x)


def matrix(rows: List[List[Any]]) -> np.ndarray:
    return np.array([[number(x) for x in row] for row in rows])


def matrix_text(text: str) -> np.ndarray:
    """'[[1,5,3],[1/5,1,1/3],[1/3,3,1]]' (the matrix_text fields)."""
    return matrix([[c for c in row.split(",")] for row in text.strip()[2:-2].split("],[")])


def rounds_to(x: Any, expected: Any, decimals: int) -> bool:
    """The source asserted round(x, decimals) == expected."""
    return bool(np.all(np.abs(np.asarray(x, dtype=float) - np.asarray(expected, dtype=float))
                       <= 0.5 * 10.0 ** -decimals + 1e-12))


def criteria_alternatives(c: Dict[str, Any]) -> Dict[str, pd.DataFrame]:
    spec = {"goal": pd.DataFrame(matrix(c["criteria_matrix"]), index=c["criteria"], columns=c["criteria"])}
    for crit in c["criteria"]:
        spec[crit] = pd.DataFrame(matrix(c["alternative_matrices"][crit]), index=c["alternatives"],
                                  columns=c["alternatives"])
    return spec


# -- random index tables ---------------------------------------------------------------------------------------
def test_built_in_tables_are_the_published_ones(ahp_reference):
    for name in ahp.RI_TABLES:
        published = {int(n): v for n, v in ahp_reference["random_index"][name].items()}
        assert ahp.random_index_table(name).to_dict() == published


def test_peer_tables_match_the_named_tables(mcda_cases):
    # mcda_reference_vectors "ahp-random-index-tables" (exact): pyrepo-mcda and pyDecision copy Saaty 1980,
    # AHPy's 'saaty' is Saaty 2005, AHPy's 'dd' is Donegan & Dodd (n <= 15 built in).
    tables = mcda_cases["ahp-random-index-tables"]["expected"]
    pairs = [("saaty_classic_pyrepo", "saaty_1980"), ("saaty_pydecision", "saaty_1980"),
             ("saaty_2005_ahpy", "saaty_2005_alonso_lamata"), ("donegan_dodd_1991_ahpy", "donegan_dodd_1991")]
    for peer, ours in pairs:
        built_in = ahp.random_index_table(ours)
        for n, ri in tables[peer]["RI"].items():
            if int(n) <= 15:
                assert built_in.get(int(n), 0.0) == ri, (peer, n)
    # The tables that are not built in work as user tables: pymcdm's and scikit-criteria's CRs.
    wang = mcda_cases["ahp-wang-chin2011"]
    for peer in ("tummala_ling_1998_pymcdm", "changsheng2013_skc_ahpext", "donegan_dodd_1991_ahpy"):
        table = {int(n): v for n, v in tables[peer]["RI"].items()}
        r = ahp.priorities(wang["matrix"], random_index=table)
        assert r.ri_table == "user"
        assert r.cr == pytest.approx(wang["derived"]["eigen_CR_by_RI_table"][peer], abs=1e-12)


def test_no_fifteen_criteria_limit_but_no_invented_ri(mcda_cases):
    w = 1.0 + 0.1 * np.arange(20)
    a = np.outer(w, 1.0 / w)
    a[0, 19] *= 1.5
    a[19, 0] = 1.0 / a[0, 19]
    with pytest.raises(kaohe.DataError, match=r"no random index for n = 20 in the saaty_1980 table \(n = 1..15\)"):
        ahp.priorities(a)
    ahpy_dd = mcda_cases["ahp-random-index-tables"]["expected"]["donegan_dodd_1991_ahpy"]["RI"]
    dd = {int(n): v for n, v in ahpy_dd.items()}
    r = ahp.priorities(a, random_index=dd)
    assert r.random_index == 1.5371 and r.n == 20
    assert r.cr == pytest.approx(r.ci / 1.5371, abs=1e-15)
    assert ahp.priorities(a, random_index=1.6).cr == pytest.approx(r.ci / 1.6, abs=1e-15)


# -- ahp_reference.json ----------------------------------------------------------------------------------------
def test_saaty1990_house_criteria_needs_the_1980_table(ahp_reference):
    c = case(ahp_reference, "saaty1990_house_criteria")
    e = c["expected"]
    assert e["RI_table"] == "saaty_1980"
    frame = pd.DataFrame(matrix(c["matrix"]), index=c["elements"], columns=c["elements"])
    r = ahp.priorities(frame, random_index="saaty_1980")
    assert list(r.weights.index) == c["elements"]
    assert rounds_to(r.weights, e["priorities"], e["decimals"])
    assert rounds_to(r.lambda_max, e["lambda_max"], 3) and rounds_to(r.ci, e["CI"], 3) and rounds_to(r.cr, e["CR"], 3)
    assert (r.random_index, r.ri_table, r.method, r.n) == (1.41, "saaty_1980", "eigenvector", 8)
    assert not r.consistent
    assert not rounds_to(ahp.priorities(frame, random_index="saaty_2005_alonso_lamata").cr, e["CR"], 3)


def test_house_most_inconsistent_judgement(ahp_reference):
    c = case(ahp_reference, "saaty1990_house_criteria")
    frame = pd.DataFrame(matrix(c["matrix"]), index=c["elements"], columns=c["elements"])
    r = ahp.priorities(frame)
    top = r.inconsistencies()
    assert list(top.columns) == ["row", "column", "judgement", "implied", "deviation"]
    assert len(top) == 5 and top["deviation"].is_monotonic_decreasing
    worst = top.iloc[0]
    assert (worst["row"], worst["column"], worst["judgement"]) == ("neighborhood", "general_condition", 6.0)
    assert worst["implied"] == pytest.approx(r.weights["neighborhood"] / r.weights["general_condition"], rel=1e-15)
    # Replacing that judgement by the implied value makes the matrix acceptable (CR <= 0.1).
    fixed = frame.copy()
    fixed.loc["neighborhood", "general_condition"] = worst["implied"]
    fixed.loc["general_condition", "neighborhood"] = 1.0 / worst["implied"]
    assert ahp.priorities(fixed).consistent
    assert len(r.inconsistencies(top=100)) == 28


def test_saaty2008_drinks(ahp_reference):
    c = case(ahp_reference, "saaty2008_drinks")
    e = c["expected"]
    for table in ("saaty_1980", "saaty_2005_alonso_lamata"):
        r = ahp.priorities(c["matrix"], random_index=table, names=c["elements"])
        assert rounds_to(r.weights, e["priorities"], 3) and rounds_to(r.cr, e["CR"], 3), table
    dd = ahp.priorities(c["matrix"], random_index="donegan_dodd_1991")
    assert rounds_to(dd.cr, e["CR_donegan_dodd_4dp"], 4) and rounds_to(dd.weights, e["priorities_4dp"], 4)


def test_saaty2005_cities_hierarchy(ahp_reference):
    c = case(ahp_reference, "saaty2005_cities_hierarchy")
    h = ahp.hierarchy(criteria_alternatives(c))
    assert h.goal == "goal" and list(h.weights.index) == c["alternatives"]
    assert rounds_to(h.weights, c["expected"]["global_priorities"], 3)
    assert rounds_to(h.weights, c["expected"]["global_priorities_4dp"], 4)
    assert h.weights.sum() == pytest.approx(1.0, abs=1e-14)
    assert h.parents["Boston"] == tuple(c["criteria"])
    with pytest.raises(kaohe.DataError, match="Bethesda.*tree"):
        h.shares()


def test_wikipedia_leader_example(ahp_reference):
    # AHPy README: eigenvector, Saaty 2005 RI; the 1980 table gives another Experience CR.
    c = case(ahp_reference, "wikipedia_leader_example")
    e = c["expected"]
    h = ahp.hierarchy(criteria_alternatives(c), random_index="saaty_2005_alonso_lamata")
    assert rounds_to(h.nodes["goal"].weights, e["criteria_priorities"], 3)
    assert rounds_to(h.nodes["goal"].cr, e["criteria_CR_saaty2005"], 3)
    assert rounds_to(h.nodes["Experience"].weights, e["experience_local"], 3)
    assert rounds_to(h.nodes["Experience"].cr, e["experience_CR_saaty2005"], 3)
    assert rounds_to(h.nodes["Education"].cr, e["education_CR_saaty2005"], 3)
    assert rounds_to(h.weights, e["global_priorities"], 3)
    assert h.consistent
    consistency = h.consistency
    assert list(consistency.index) == ["goal"] + c["criteria"]
    assert consistency.loc["Experience", "ri_table"] == "saaty_2005_alonso_lamata"
    h1980 = ahp.hierarchy(criteria_alternatives(c), random_index="saaty_1980")
    assert not rounds_to(h1980.nodes["Experience"].cr, e["experience_CR_saaty2005"], 3)


def test_bozoki2010_small_complete(ahp_reference):
    c = case(ahp_reference, "bozoki2010_small_complete")
    r = ahp.priorities(c["matrix"], random_index="donegan_dodd_1991", names=c["elements"])
    assert rounds_to(r.weights, c["expected"]["priorities_4dp"], 4)
    assert rounds_to(r.cr, c["expected"]["CR_donegan_dodd_4dp"], 4)


# -- mcda_reference_vectors.json -------------------------------------------------------------------------------
def test_wang_chin2011(mcda_cases):
    c = mcda_cases["ahp-wang-chin2011"]
    d = c["derived"]
    r = ahp.priorities(c["matrix"])
    assert np.allclose(r.weights, c["expected"]["weights"], rtol=0, atol=c["tolerance"]["abs"])
    assert np.allclose(r.weights, d["weights_full"], rtol=0, atol=1e-12)
    assert r.lambda_max == pytest.approx(d["lambda_max"], abs=1e-12)
    assert np.allclose(ahp.priorities(c["matrix"], method="geometric").weights, d["weights_geometric_mean"],
                       rtol=0, atol=1e-12)
    assert np.allclose(ahp.priorities(c["matrix"], method="columns").weights, d["weights_column_normalisation"],
                       rtol=0, atol=1e-12)


def test_saaty2008_drinks_ahpy(mcda_cases):
    # AHPy 'saaty' = Saaty 2005 table (precision 3), 'dd' = Donegan-Dodd (precision 4).
    c = mcda_cases["ahp-saaty2008-drinks"]
    e = c["expected"]
    frame = pd.DataFrame(c["matrix"], index=c["params"]["order"], columns=c["params"]["order"])
    s = ahp.priorities(frame, random_index="saaty_2005_alonso_lamata")
    assert rounds_to(s.weights, e["weights_precision3_saaty"], 3) and rounds_to(s.cr, e["CR_saaty_RI_precision3"], 3)
    dd = ahp.priorities(frame, random_index="donegan_dodd_1991")
    assert rounds_to(dd.weights, e["weights_precision4_dd"], 4) and rounds_to(dd.cr, e["CR_dd_RI_precision4"], 4)


def test_ahpy_leader_criteria(mcda_cases, ahp_reference):
    # AHPy random_index='saaty' (Saaty 2005). AHPy's Sue = 0.15 comes from rounding local weights to 3 dp before
    # synthesis; exact synthesis gives 0.149, and the same rounding of kaohe's local weights gives AHPy's numbers.
    c = mcda_cases["ahp-ahpy-leader-criteria"]
    e = c["expected"]
    r = ahp.priorities(c["matrix"], random_index="saaty_2005_alonso_lamata", names=c["params"]["order"])
    assert rounds_to(r.weights, e["weights"], 3) and rounds_to(r.cr, e["CR"], 3)
    h = ahp.hierarchy(criteria_alternatives(case(ahp_reference, "wikipedia_leader_example")),
                      random_index="saaty_2005_alonso_lamata")
    exp = h.nodes["Experience"]
    assert all(rounds_to(exp.weights[k], v, 3) for k, v in e["experience_local_weights"].items())
    assert rounds_to(exp.cr, e["experience_CR"], 3) and rounds_to(h.nodes["Education"].cr, e["education_CR"], 3)
    rounded = sum(round(r.weights[k], 3) * h.nodes[k].weights.round(3) for k in r.weights.index)
    assert all(rounds_to(rounded[k], v, 3) for k, v in e["hierarchy_target_weights"].items())
    assert h.weights["Sue"] == pytest.approx(0.1491, abs=0.5e-4)


def test_ahpy_car_criteria(mcda_cases):
    c = mcda_cases["ahp-ahpy-car-criteria"]
    e, p = c["expected"], c["params"]
    r = ahp.priorities(c["matrix"], random_index="donegan_dodd_1991", names=p["order"])
    assert rounds_to(r.weights, e["weights"], 3) and rounds_to(r.cr, e["CR_dd"], 3)
    cost = ahp.priorities(p["cost_submatrix"], random_index="donegan_dodd_1991", names=p["cost_submatrix_order"])
    assert all(rounds_to(cost.weights[k], v, 4) for k, v in e["cost_local_weights"].items())
    assert rounds_to(cost.cr, e["cost_CR_dd_precision4"], 4)


def test_bozoki2010_incomplete(mcda_cases):
    # Missing c-d completed by minimising lambda_max (default for the eigenvector method); Donegan-Dodd table.
    c = mcda_cases["ahp-bozoki2010-incomplete"]
    e, p = c["expected"], c["params"]
    frame = ahp.matrix_from_judgements(p["comparisons"], order=p["order"])
    assert np.isnan(frame.loc["c", "d"]) and np.isnan(frame.loc["d", "c"])
    r = ahp.priorities(frame, random_index="donegan_dodd_1991")
    assert r.completion == "lambda_max" and r.completed == (("c", "d"),)
    assert ["{}>{}".format(*pair) for pair in r.completed] == p["missing"]
    assert r.matrix.loc["c", "d"] == pytest.approx(e["missing_c_d"], rel=1e-6)
    assert rounds_to(r.weights, e["weights"], 4) and rounds_to(r.cr, e["CR_dd"], 4)
    assert len(r.inconsistencies(10)) == 5  # judged pairs only
    # Same from a NaN-marked nested list with fraction strings.
    rows = [["1", "1", "5", "2"], ["1", "1", "3", "4"], ["1/5", "1/3", "1", ""], ["1/2", "1/4", None, "1"]]
    assert ahp.priorities(rows, random_index="donegan_dodd_1991").matrix.iloc[2, 3] == pytest.approx(
        r.matrix.loc["c", "d"], abs=1e-15)
    llsm = ahp.priorities(frame, method="geometric")
    assert llsm.completion == "llsm"


def test_scikit_criteria_column_normalisation(mcda_cases):
    # columns method at both levels; lambda_max = mean((A w)_i / w_i) with that w; RI = float16(0.52).
    c = mcda_cases["ahp-skc-ahpext-colnorm"]
    e = c["expected"]
    atol = c["tolerance"]["atol"]
    r = ahp.priorities(c["matrix"], method="columns", lambda_max="priorities", random_index=0.52001953125)
    assert r.ci == pytest.approx(e["CI"], abs=1e-14) and r.cr == pytest.approx(e["CR"], abs=1e-14)
    assert r.lambda_method == "priorities" and r.method == "columns"
    assert ahp.priorities(c["matrix"], method="columns", lambda_max="priorities",
                          random_index="saaty_2005_alonso_lamata").cr == pytest.approx(e["CR"], abs=atol)
    spec = {"goal": (["c1", "c2", "c3"], c["matrix"])}
    for k, text in enumerate(c["params"]["alt_matrices_text"]):
        spec[f"c{k + 1}"] = {"children": ["a1", "a2", "a3"], "matrix": matrix_text(text)}
    h = ahp.hierarchy(spec, method="columns", lambda_max="priorities", random_index=0.52001953125)
    assert np.allclose(h.weights, e["hierarchy_points"], rtol=0, atol=atol)
    assert list(h.weights.rank(ascending=False, method="min").astype(int)) == e["hierarchy_rank"]
    assert not np.allclose(ahp.hierarchy(spec).weights, e["hierarchy_points"], rtol=0, atol=atol)


def test_papathanasiou2018_hierarchy(mcda_cases):
    c = mcda_cases["ahp-papathanasiou2018-hierarchy"]
    alternatives = [f"A{i}" for i in range(1, 7)]
    spec: Dict[str, Any] = {"goal": (["C1", "C2", "C3", "C4"], matrix_text(c["params"]["criteria_matrix_text"]))}
    for k, text in enumerate(c["params"]["alternative_matrices_text"]):
        spec[f"C{k + 1}"] = (alternatives, matrix_text(text))
    h = ahp.hierarchy(spec)
    assert np.allclose(h.weights, c["expected"]["global_priorities"], rtol=0, atol=c["tolerance"]["abs"])
    assert np.allclose(h.weights, c["derived"]["global_full"], rtol=0, atol=1e-12)


# -- properties ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("method", ["eigenvector", "geometric", "columns"])
def test_consistent_matrix_recovers_weights(method):
    rng = np.random.default_rng(7)
    for n in range(1, 13):
        w = rng.uniform(1, 5, n)
        w /= w.sum()
        r = ahp.priorities(np.outer(w, 1 / w), method=method)
        assert np.allclose(r.weights, w, rtol=0, atol=1e-14)
        assert abs(r.cr) < 1e-12 and r.lambda_max == pytest.approx(n, abs=1e-12) and r.consistent
        assert r.weights.sum() == pytest.approx(1.0, abs=1e-15)


def test_permuting_criteria_permutes_weights(ahp_reference):
    c = case(ahp_reference, "saaty1990_house_criteria")
    frame = pd.DataFrame(matrix(c["matrix"]), index=c["elements"], columns=c["elements"])
    order = [c["elements"][i] for i in (7, 2, 5, 0, 3, 6, 1, 4)]
    r = ahp.priorities(frame)
    p = ahp.priorities(frame.loc[order, order])
    assert np.allclose(p.weights[r.weights.index], r.weights, rtol=0, atol=1e-14)
    assert p.cr == pytest.approx(r.cr, abs=1e-12)
    # Columns listed in another order than the rows are aligned by label, not by position.
    q = ahp.priorities(frame.loc[:, order])
    assert np.allclose(q.weights, r.weights, rtol=0, atol=1e-15)


def test_inputs_are_not_modified_and_degenerate_sizes():
    a = np.array([[1.0, 3.0], [1 / 3, 1.0]])
    before = a.copy()
    r = ahp.priorities(a, random_index="donegan_dodd_1991")
    assert np.array_equal(a, before)
    assert r.weights.tolist() == pytest.approx([0.75, 0.25], abs=1e-15) and r.cr == 0.0 and r.random_index == 0.0
    one = ahp.priorities([[1]], names=["only"])
    assert one.weights.to_dict() == {"only": 1.0} and one.cr == 0.0 and one.ci == 0.0


# -- group -----------------------------------------------------------------------------------------------------
def test_group_judgements_and_priorities(mcda_cases):
    c = mcda_cases["ahp-ahpy-car-criteria"]
    a, b = np.array(c["matrix"]), np.array(c["params"]["cost_submatrix"])
    g = ahp.group({"ann": a, "bob": b}, weights={"ann": 3, "bob": 1})
    expected = np.exp(0.75 * np.log(a) + 0.25 * np.log(b))
    assert np.allclose(g.matrix.to_numpy(), expected, rtol=1e-14, atol=0)
    assert g.weights.tolist() == pytest.approx(ahp.priorities(expected).weights.tolist(), abs=1e-15)
    assert g.group_method == "judgements" and g.member_weights.to_dict() == {"ann": 0.75, "bob": 0.25}
    assert len(g.members) == 2 and g.cr <= max(m.cr for m in g.members) + 1e-12
    wa, wb = ahp.priorities(a).weights.to_numpy(), ahp.priorities(b).weights.to_numpy()
    arith = ahp.group([a, b], how="priorities", mean="arithmetic")
    assert np.allclose(arith.weights, (wa + wb) / 2, rtol=0, atol=1e-15)
    geo = ahp.group([a, b], how="priorities")
    gm = np.sqrt(wa * wb)
    assert np.allclose(geo.weights, gm / gm.sum(), rtol=0, atol=1e-15)
    assert geo.cr == max(m.cr for m in geo.members) and geo.matrix is None
    with pytest.raises(kaohe.DataError, match="no group matrix"):
        geo.inconsistencies()
    with pytest.raises(kaohe.DataError, match="not reciprocal"):
        ahp.group([a, b], mean="arithmetic")


def test_group_aligns_labelled_members():
    names = ["x", "y", "z"]
    a = pd.DataFrame([[1, 2, 4], [0.5, 1, 2], [0.25, 0.5, 1]], index=names, columns=names)
    shuffled = a.loc[["z", "x", "y"], ["z", "x", "y"]]
    g = ahp.group([a, shuffled])
    assert np.allclose(g.weights, ahp.priorities(a).weights, rtol=0, atol=1e-15)
    assert list(g.weights.index) == names
    with pytest.raises(kaohe.DataError, match="other criteria"):
        ahp.group([a, a.rename(index={"z": "w"}, columns={"z": "w"})])
    with pytest.raises(kaohe.DataError, match="weight of member 2"):
        ahp.group([a, a], weights=[1, -1])


# -- hierarchy -> framework ------------------------------------------------------------------------------------
FRAMEWORK = {
    "kaohe": 1, "id": "ahp-demo", "total": 100,
    "root": {"id": "root", "children": [
        {"id": "a", "points": 50, "children": [
            {"id": "a1", "weight": 1, "rule": {"type": "completion", "input": "x", "target": 100}},
            {"id": "a2", "weight": 1, "rule": {"type": "completion", "input": "x", "target": 100}}]},
        {"id": "b", "points": 50, "children": [
            {"id": "b1", "weight": 1, "rule": {"type": "completion", "input": "x", "target": 100}}]}]},
}


def test_hierarchy_shares_into_a_framework():
    spec = {"root": pd.DataFrame([[1, 3], ["1/3", 1]], index=["a", "b"], columns=["a", "b"]),
            "a": (["a1", "a2"], [[1, 0.5], [2, 1]])}
    h = ahp.hierarchy(spec)
    assert h.goal == "root"
    assert h.shares() == pytest.approx({"a": 0.75, "b": 0.25, "a1": 1 / 3, "a2": 2 / 3}, abs=1e-15)
    assert h.weights.to_dict() == pytest.approx({"a1": 0.25, "a2": 0.5, "b": 0.25}, abs=1e-15)
    data = h.apply(FRAMEWORK)
    assert FRAMEWORK["root"]["children"][0]["points"] == 50  # input untouched
    assert data["root"]["children"][0]["share"] == 0.75 and "points" not in data["root"]["children"][0]
    fw = kaohe.Framework.from_dict(data)
    leaves = fw.nodes.loc[["a1", "a2", "b1"], "max_points"]
    assert leaves.tolist() == pytest.approx([25.0, 50.0, 25.0], abs=1e-12)
    # A Framework object works too, and a mismatch is a FrameworkError naming the node.
    assert h.apply(kaohe.Framework.from_dict(FRAMEWORK))["root"]["children"][1]["share"] == pytest.approx(0.25)
    bad = ahp.hierarchy({"root": (["a", "c"], [[1, 3], [1 / 3, 1]])})
    with pytest.raises(kaohe.FrameworkError, match=r"root: .*compared but not children: c; children not compared: b"):
        bad.apply(FRAMEWORK)


def test_hierarchy_errors():
    m = [[1, 2], [0.5, 1]]
    with pytest.raises(kaohe.DataError, match="nobody's child"):
        ahp.hierarchy({"g": (["a", "b"], m), "z": (["c", "d"], m)})
    with pytest.raises(kaohe.DataError, match="'z' has comparisons but is not below the goal 'g'"):
        ahp.hierarchy({"g": (["a", "b"], m), "z": (["c", "d"], m)}, goal="g")
    with pytest.raises(kaohe.DataError, match=r"AHP hierarchy node 'g'.*row 1 \('a'\), column 2 \('b'\)"):
        ahp.hierarchy({"g": (["a", "b"], [[1, 2], [2, 1]])})
    with pytest.raises(kaohe.DataError, match="labels"):
        ahp.hierarchy({"g": {"children": ["a", "b"], "matrix": pd.DataFrame(m, index=["b", "a"], columns=["b", "a"])}})


# -- errors ----------------------------------------------------------------------------------------------------
NAMES = ["cost", "safety", "style"]
GOOD = [[1, 3, 5], [1 / 3, 1, 2], [0.2, 0.5, 1]]


def edited(i: int, j: int, value: Any) -> pd.DataFrame:
    frame = pd.DataFrame(GOOD, index=NAMES, columns=NAMES, dtype=object)
    frame.iloc[i, j] = value
    return frame


@pytest.mark.parametrize("i, j, value, message", [
    (1, 2, 3, r"row 2 \('safety'\), column 3 \('style'\) is 3 but row 3 \('style'\), column 2 \('safety'\) is 0.5"),
    (0, 1, 0, r"row 1 \('cost'\), column 2 \('safety'\): 0 is not positive"),
    (2, 0, -0.2, r"row 3 \('style'\), column 1 \('cost'\): -0.2 is not positive"),
    (0, 2, math.nan, r"row 1 \('cost'\), column 3 \('style'\) is missing but its reciprocal"),
    (1, 1, 2, r"row 2 \('safety'\), column 2 \('safety'\): the diagonal must be 1, not 2"),
    (0, 1, math.inf, r"row 1 \('cost'\), column 2 \('safety'\): inf is not a finite number"),
    (0, 1, "three", r"row 1 \('cost'\), column 2 \('safety'\): 'three' is not a judgement"),
])
def test_bad_matrices_name_the_position(i, j, value, message):
    with pytest.raises(kaohe.DataError, match=message):
        ahp.priorities(edited(i, j, value))


def test_scale_non_square_disconnected_and_options():
    off = pd.DataFrame([[1, 12, 5], [1 / 12, 1, 2], [0.2, 0.5, 1]], index=NAMES, columns=NAMES)
    with pytest.raises(kaohe.DataError, match=r"12 is outside Saaty's 1-9 scale") as info:
        ahp.priorities(off)
    assert len(info.value.problems) == 2  # both sides listed
    assert ahp.priorities(off, scale_check=False).n == 3
    with pytest.raises(kaohe.DataError, match="must be square: it has 2 rows and 3 columns"):
        ahp.priorities(np.ones((2, 3)))
    with pytest.raises(kaohe.DataError, match="2-D"):
        ahp.priorities([1, 2, 3])
    nan = math.nan
    split = [[1, 2, nan, nan], [0.5, 1, nan, nan], [nan, nan, 1, 3], [nan, nan, 1 / 3, 1]]
    with pytest.raises(kaohe.DataError, match=r"do not connect all criteria: \{p, q\} and \{r, s\}"):
        ahp.priorities(split, names=["p", "q", "r", "s"])
    with pytest.raises(kaohe.DataError, match="unknown priority method 'mean'"):
        ahp.priorities(GOOD, method="mean")
    with pytest.raises(kaohe.DataError, match="unknown random index table 'saaty'"):
        ahp.priorities(GOOD, random_index="saaty")
    with pytest.raises(kaohe.DataError, match="not a bool"):
        ahp.priorities(GOOD, random_index=True)
    with pytest.raises(kaohe.DataError, match="tolerance 5%"):
        ahp.priorities([[1, 3], [0.3, 1]])
    assert ahp.priorities([[1, 3], [0.33, 1]]).n == 2
    with pytest.raises(kaohe.DataError, match="judged more than once"):
        ahp.matrix_from_judgements({"a>b": 2, ("b", "a"): 3})
