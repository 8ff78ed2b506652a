"""Group scores (issue 11): every node has, beside its points, its score on the framework's scale; geometric
groups are explained as geometric means of their children's scores; under missing: exclude the parts shown add
up to the parent; the rounding explanation appears only when rounding is the cause."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import kaohe

AGGREGATES = ("Index", "Conn", "Sust", "Physical", "ConEcFin", "Political", "Instit", "P2P", "Environ", "Social",
              "SusEcFin")


@pytest.mark.parametrize("pipeline,reference", [("C", "results_pipelineC_minmax_amean.csv"),
                                                ("G", "results_pipelineG_minmax1_100_gmean.csv")])
def test_asem_group_scores_are_coinrs_aggregates(pipeline, reference, asem_files, shared_reference):
    expected = pd.read_csv(shared_reference / "asem" / reference).set_index("uCode")
    card = kaohe.Framework.load(asem_files[pipeline]).score(asem_files["results"], units=asem_files["units"])
    scores = card.scores.loc[expected.index]  # read as output: no arithmetic here
    root = card.framework.nodes.index[0]
    for aggregate in AGGREGATES:
        column = root if aggregate == "Index" else aggregate
        np.testing.assert_allclose(scores[column].to_numpy(), expected[aggregate].to_numpy(), rtol=0, atol=1e-8,
                                   err_msg=f"pipeline {pipeline}: {aggregate}")
    # Germany's Connectivity reads 81.16 as a score (its points are 40.58 of 50).
    if pipeline == "C":
        assert round(scores.loc["DEU", "Conn"], 2) == 81.16
        assert round(card.node_points.loc["DEU", "Conn"], 2) == 40.58
        table = card.table(scores=True, rounded=False)
        assert table.loc["DEU", card.framework.nodes.loc["Conn", "name"] or "Conn"] == pytest.approx(
            expected.loc["DEU", "Conn"], abs=1e-8)
    exported = json.loads(card.to_json())
    deu = next(u for u in exported["units"] if u["id"] == "DEU")
    assert deu["scores"]["Conn"] == pytest.approx(expected.loc["DEU", "Conn"], abs=1e-8)


def test_a_geometric_group_is_explained_by_its_childrens_scores(asem_files):
    card = kaohe.Framework.load(asem_files["G"]).score(asem_files["results"], units=asem_files["units"])
    text = card.explain("DEU")
    assert "weighted geometric mean of its children's scores" in text
    assert "Conn 78.3575" in text  # the index's line lists Connectivity's score
    assert "rounded" not in text


def hdi_like() -> kaohe.Framework:
    def leaf(i, lo, hi):
        return {"id": i, "weight": 1, "rule": {"type": "normalise", "method": "goalposts", "input": i,
                                               "lower": lo, "upper": hi, "truncate": True}}
    return kaohe.Framework.from_dict({
        "kaohe": 1, "id": "hdi", "total": 1, "score_scale": 1, "rounding": {"total": 3, "nodes": 3},
        "root": {"id": "hdi", "aggregation": "geometric", "children": [
            {"id": "health", "weight": 1, "children": [leaf("life", 20, 85)]},
            {"id": "education", "weight": 1, "children": [leaf("eys", 0, 18), leaf("mys", 0, 15)]},
            {"id": "income", "weight": 1, "children": [leaf("gni", 100, 75000)]}]}})


def test_geometric_root_no_rounding_excuse_and_its_own_scale():
    fw = hdi_like()
    assert fw.score_scale == 1.0
    results = pd.DataFrame({"life": [62.0, 80.0], "eys": [10.0, 16.0], "mys": [4.0, 12.0], "gni": [2000.0, 40000.0]},
                           index=pd.Index(["a", "b"], name="unit"))
    card = fw.score(results)
    scores = card.scores
    h = (62 - 20) / 65
    e = ((10 / 18) + (4 / 15)) / 2
    i = (2000 - 100) / (75000 - 100)
    assert scores.loc["a", "health"] == pytest.approx(h, rel=1e-12)
    assert scores.loc["a", "education"] == pytest.approx(e, rel=1e-12)
    assert scores.loc["a", "hdi"] == pytest.approx((h * e * i) ** (1 / 3), rel=1e-12)
    assert card.total["a"] == pytest.approx((h * e * i) ** (1 / 3), rel=1e-12)
    text = card.explain("a")
    assert "geometric mean of its children's scores" in text
    assert "the published parts" not in text  # before: blamed the gap between parts and total on rounding


def epi_like(missing: str = "exclude") -> kaohe.Framework:
    def leaf(i):
        return {"id": i, "weight": 1, "missing": missing,
                "rule": {"type": "normalise", "method": "goalposts", "input": i, "lower": 0, "upper": 100}}
    return kaohe.Framework.from_dict({
        "kaohe": 1, "id": "epi", "total": 100, "rounding": {"total": 1, "nodes": 1},
        "root": {"id": "epi", "children": [
            {"id": "ECO", "weight": 40, "children": [leaf("bio"), leaf("fish"), leaf("forest")]},
            {"id": "HLT", "weight": 60, "children": [leaf("air"), leaf("water")]}]}})


def test_excluded_children_show_reweighted_points_that_add_up():
    results = pd.DataFrame({"bio": [30.0, 50.0], "fish": [np.nan, 70.0], "forest": [60.0, 90.0],
                            "air": [40.0, 20.0], "water": [80.0, 10.0]}, index=pd.Index(["AFG", "NOR"], name="unit"))
    card = epi_like().score(results)
    pts = card.node_points
    # ECO for AFG: (30 + 60) / 2 = 45% of 40 = 18 points; its scored leaves show 6 + 12, not 30% x 13.33 = 4 ...
    assert pts.loc["AFG", "ECO"] == pytest.approx(18.0, rel=1e-12)
    assert pts.loc["AFG", "bio"] == pytest.approx(0.30 * 20, rel=1e-12)
    assert pts.loc["AFG", "forest"] == pytest.approx(0.60 * 20, rel=1e-12)
    assert np.isnan(pts.loc["AFG", "fish"])
    assert pts.loc["AFG", ["bio", "forest"]].sum() == pytest.approx(pts.loc["AFG", "ECO"], rel=1e-12)
    assert card.points.loc["AFG", ["bio", "fish", "forest"]].sum() == pytest.approx(18.0, rel=1e-12)
    # Scores do not depend on the reweighting: a leaf's score is its own ratio.
    assert card.scores.loc["AFG", "bio"] == pytest.approx(30.0, rel=1e-12)
    assert card.scores.loc["AFG", "ECO"] == pytest.approx(45.0, rel=1e-12)
    # A unit with nothing excluded is unchanged: 40/3 points per ECO leaf.
    assert pts.loc["NOR", "bio"] == pytest.approx(0.5 * 40 / 3, rel=1e-12)
    text = card.explain("AFG")
    assert "reweighted from 13.3333" in text
    assert "the published parts" not in text
