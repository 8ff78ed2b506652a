"""Weight changes are one joint specification (issue 11): named nodes get exactly the weight asked for, only the
unnamed siblings absorb the difference, the order of the changes is irrelevant, MCDA weights flow in as a
Series, and a scenario card carries its own framework."""
from __future__ import annotations

import itertools
import json

import numpy as np
import pandas as pd
import pytest

import kaohe


@pytest.fixture(scope="module")
def district_card(district_files):
    fw = kaohe.Framework.load(district_files["framework"])
    return fw.score(district_files["results"], units=district_files["units"], events=district_files["events"])


def max_points(fw: kaohe.Framework, node: str) -> np.ndarray:
    nodes = fw.nodes
    return nodes.loc[node, [c for c in nodes.columns if str(c).startswith("max_points")]].to_numpy(float)


def test_two_changes_under_one_parent_are_both_exact(district_card):
    # Before: applied one after the other, court_rate ended at 4.3243 and every sibling shrank.
    after = district_card.what_if({"court_rate": 4, "recon_correction": 1})
    assert (max_points(after.framework, "court_rate") == 4.0).all()
    assert (max_points(after.framework, "recon_correction") == 1.0).all()
    base = district_card.framework
    for sibling in ("normative_docs", "supervised_tasks", "law_awards", "rule_of_law", "key_tasks"):
        assert (max_points(after.framework, sibling) == max_points(base, sibling)).all(), sibling


def test_the_order_of_the_changes_does_not_matter(district_card):
    changes = [("court_rate", 4), ("recon_correction", "10%"), ("key_tasks", 30), ("party_building", "20%")]
    results = []
    for perm in itertools.permutations(changes):
        card = district_card.what_if(dict(perm))
        results.append((card.framework.nodes.filter(like="max_points").to_numpy(), card.total.to_numpy()))
    for weights, totals in results[1:]:
        assert np.array_equal(weights, results[0][0])
        assert np.array_equal(totals, results[0][1])
    fw = district_card.what_if(dict(changes)).framework
    assert (max_points(fw, "key_tasks") == 30.0).all()
    assert max_points(fw, "party_building") == pytest.approx(20.0)  # 20% of the total 100
    assert max_points(fw, "recon_correction") == pytest.approx(0.1 * max_points(fw, "rule_of_law"))


def test_unnamed_siblings_absorb_the_difference_in_proportion(district_card):
    fw = district_card.framework.with_weights({"rule_of_law": 15, "key_tasks": 30})
    base = district_card.framework
    unnamed = ["party_building", "business_env", "social_evaluation"]
    before = np.array([max_points(base, n)[0] for n in unnamed])
    after = np.array([max_points(fw, n)[0] for n in unnamed])
    assert after.sum() == pytest.approx(100 - 15 - 30)
    assert after / after.sum() == pytest.approx(before / before.sum(), rel=1e-12)


def research_framework() -> kaohe.Framework:
    leaf = lambda i: {"id": i, "points": 10, "rule": {"type": "completion", "input": i, "target": 100}}  # noqa: E731
    return kaohe.Framework.from_dict({
        "kaohe": 1, "id": "uni", "total": 100,
        "root": {"id": "uni", "children": [
            {"id": "teaching", "points": 70, "children": [leaf("courses"), {**leaf("exams"), "points": 60}]},
            {"id": "research", "points": 30, "children": [leaf("papers"), leaf("funding"), leaf("patents")]}]}})


def test_mcda_weights_flow_in_as_a_series():
    fw = research_framework()
    rng = np.random.default_rng(7)
    X = pd.DataFrame(rng.uniform(1, 10, size=(40, 3)), columns=["papers", "funding", "patents"])
    w = kaohe.mcda.entropy_weights(X)
    assert isinstance(w, pd.Series)
    new = fw.with_weights(w, level="research", unit="share")
    for leaf in ("papers", "funding", "patents"):
        assert max_points(new, leaf)[0] == pytest.approx(30 * w[leaf], rel=1e-12)
    assert max_points(new, "research")[0] == 30.0
    # A Series of shares for points weights, without unit=, is refused rather than read as 0.127 points.
    with pytest.raises(kaohe.FrameworkError, match="unit='share'"):
        fw.with_weights(w)
    # ...and a ScoreCard takes the Series too.
    results = pd.DataFrame({c: [50.0, 100.0] for c in ["courses", "exams", "papers", "funding", "patents"]},
                           index=pd.Index(["u1", "u2"], name="unit"))
    card = fw.score(results).what_if(w, unit="share")
    assert max_points(card.framework, "papers")[0] == pytest.approx(30 * w["papers"], rel=1e-12)


def test_rounded_percentages_are_an_error_unless_rescaled():
    fw = research_framework()
    shares = {"papers": "12.685%", "funding": "85.06%", "patents": "2.26%"}  # 100.005%
    with pytest.raises(kaohe.FrameworkError) as err:
        fw.with_weights(shares)
    for fragment in ("'uni/research'", "= 30.0015 points, more than its 30", "'rescale'"):
        assert fragment in str(err.value)
    new = fw.with_weights(shares, policy="rescale")
    assert max_points(new, "papers")[0] == pytest.approx(30 * 0.12685 / 1.00005, rel=1e-12)
    # Before the fix, papers got 1.1156 points instead of 3.8.
    two = fw.with_weights({"papers": "12.685%", "funding": "85.06%"})  # patents absorbs the rest
    assert max_points(two, "papers")[0] == pytest.approx(30 * 0.12685, rel=1e-12)
    assert max_points(two, "patents")[0] == pytest.approx(30 * (1 - 0.12685 - 0.8506), rel=1e-9)


def test_a_scenario_card_carries_its_framework(district_card):
    a = district_card.what_if({"rule_of_law": "15%"})
    assert a.framework is not district_card.framework
    assert (max_points(a.framework, "rule_of_law") == pytest.approx(15.0))
    assert (max_points(district_card.framework, "rule_of_law") == 11.0).all()
    weights = a.framework.effective_weights
    base = district_card.framework.effective_weights
    assert weights.loc["court_rate"].iloc[0] == pytest.approx(base.loc["court_rate"].iloc[0] * 15 / 11)
    exported = json.loads(a.framework.to_json())
    rol = next(n for n in exported["root"]["children"] if n["id"] == "rule_of_law")
    assert rol["points"] == pytest.approx(15.0)
    # The base framework is never modified.
    again = json.loads(district_card.framework.to_json())
    assert next(n for n in again["root"]["children"] if n["id"] == "rule_of_law")["points"] == 11


def test_joint_errors_name_the_nodes_and_the_sums(district_card):
    with pytest.raises(kaohe.FrameworkError) as err:
        district_card.what_if({"court_rate": 8, "recon_correction": 4})
    for fragment in ("rule_of_law", "court_rate 8 + recon_correction 4 = 12 points", "more than its 11"):
        assert fragment in str(err.value)
    with pytest.raises(kaohe.FrameworkError, match="both set"):
        district_card.what_if({"court_rate": 4, "district/rule_of_law/court_rate": 3})
