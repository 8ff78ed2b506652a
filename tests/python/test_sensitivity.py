"""What-if, stability, Monte Carlo and Sobol from Python (kaohe.sensitivity): worked arithmetic on the district
example, the engine's invariants, change parsing and its errors, progress, cancellation and determinism."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import kaohe
from kaohe.sensitivity import parse_changes


def small_framework(**grading) -> kaohe.Framework:
    data = {
        "kaohe": 1, "id": "t", "total": 100,
        "root": {"id": "root", "children": [
            {"id": "A", "points": 40, "children": [
                {"id": "a1", "weight": 1, "rule": {"type": "completion", "input": "a1", "target": 100}},
                {"id": "a2", "weight": 1, "rule": {"type": "completion", "input": "a2", "target": 100}}]},
            {"id": "B", "points": 60, "children": [
                {"id": "b1", "weight": 1, "rule": {"type": "completion", "input": "b1", "target": 100}}]}]},
    }
    data.update(grading)
    return kaohe.Framework.from_dict(data)


def small_card(fw: kaohe.Framework | None = None) -> kaohe.ScoreCard:
    results = pd.DataFrame({"a1": [100, 0, 50], "a2": [50, 0, 50], "b1": [20, 100, 50]},
                           index=pd.Index(["u1", "u2", "u3"], name="unit"))
    return (fw or small_framework()).score(results)


def test_what_if_proportional_matches_the_arithmetic():
    card = small_card()
    assert card.total.tolist() == [42.0, 60.0, 50.0]
    after = card.what_if({"A": 50})
    # A 50 (a1 25, a2 25), B 50: u1 25 + 12.5 + 10
    assert after.total.tolist() == pytest.approx([47.5, 50.0, 50.0], abs=1e-12)
    assert after.what_if({}).total.tolist() == after.total.tolist()
    assert card.total.tolist() == [42.0, 60.0, 50.0]  # the base card is unchanged


def test_percent_category_and_policy_forms():
    card = small_card()
    assert card.what_if({"A": "50%"}).total.tolist() == card.what_if({"A": 50}).total.tolist()
    assert card.what_if(["A=50%"]).total.tolist() == pytest.approx([47.5, 50.0, 50.0], abs=1e-12)
    none = card.what_if({"A": 50}, policy="none")
    assert none.total.tolist() == pytest.approx([49.5, 60.0, 55.0], abs=1e-12)
    assert any("110" in w for w in none.warnings)
    explicit = card.what_if({"A": 30, "B": 70}, policy="explicit")
    assert explicit.total.tolist() == pytest.approx([36.5, 70.0, 50.0])


def test_rule_parameter_changes_rescore_the_data():
    card = small_card()
    after = card.what_if({"a1.rule.target": 50})  # completion against 50: u3's 50 is now full marks
    assert after.node_points.loc["u3", "a1"] == pytest.approx(20.0)
    assert after.node_points.loc["u1", "a1"] == pytest.approx(20.0)  # capped at full marks
    assert card.node_points.loc["u3", "a1"] == pytest.approx(10.0)
    both = card.what_if({"a1.rule.target": 50, "A": 50})
    assert both.node_points.loc["u3", "a1"] == pytest.approx(25.0)


@pytest.mark.parametrize("changes, fragments", [
    ({"nope": 5}, ["'nope'", "no node"]),
    ({"A": 120}, ["'root'", "A 120 = 120 points", "more than its 100"]),
    ({"A": "lots"}, ["A", "number"]),
    ({"a1.rule.nope.deeper": 1}, ["a1.rule", "no key 'nope'"]),
    ({"zz.rule.target": 1}, ["'zz'", "no node"]),
    (["A"], ["NODE=VALUE"]),
])
def test_bad_changes_name_the_change_and_the_reason(changes, fragments):
    with pytest.raises(kaohe.FrameworkError) as err:
        small_card().what_if(changes)
    for f in fragments:
        assert f in str(err.value)


def test_parse_changes_splits_weights_and_rules():
    weights, rules = parse_changes(["rule_of_law=15", "rule_of_law@town=12%", "court.rule.bands[1].min=60"])
    assert weights == [("rule_of_law", 15.0, "own", ""), ("rule_of_law", 0.12, "share", "town")]
    assert rules == [("court", "rule.bands[1].min", 60)]


def test_compare_reports_crossings_and_drivers():
    fw = small_framework(grading={"bands": [{"id": "excellent", "min": 45}, {"id": "pass", "min": None}],
                                  "quotas": [{"grade": "excellent", "max_share": 0.34}], "pool": "all"})
    card = small_card(fw)
    after = card.what_if({"A": 50})
    table = card.compare(after)
    u1 = table.loc["u1"]
    assert u1["change"] == pytest.approx(5.5)
    assert bool(u1["crossed_band"]) and not bool(u1["crossed_quota"])
    assert u1["grade_after"] == "pass"  # in the band but over the quota
    assert u1["drivers"].startswith("A +7.5")
    assert table.loc["u3", "rank_after"] == 1


def test_scenarios_make_one_table():
    table = kaohe.scenarios(small_card(), {"A50": {"A": 50}, "A20": {"A": 20}})
    assert list(table.columns.levels[0]) == ["A20", "A50", "base"] or set(table.columns.get_level_values(0)) == {
        "base", "A50", "A20"}
    assert table[("A50", "total")].tolist() == pytest.approx([47.5, 50.0, 50.0], abs=1e-12)
    assert table[("base", "rank")].tolist() == [3.0, 1.0, 2.0]


def test_district_rule_of_law_11_to_15(district_card: kaohe.ScoreCard):
    after = district_card.what_if({"rule_of_law": 15})
    # rule of law scaled by 15/11, the other 89 points by 85/89, adjustments unchanged
    rol = district_card.node_points["rule_of_law"].to_numpy()
    weighted = district_card.arrays["weighted_total"]
    adjustments = district_card.total.to_numpy() - weighted
    expected = rol * 15 / 11 + (weighted - rol) * 85 / 89 + adjustments
    np.testing.assert_allclose(after.total.to_numpy(), expected, rtol=0, atol=1e-9)
    table = district_card.compare(after)
    assert (table["rank_before"] != table["rank_after"]).any()


def test_stability_interval_and_overtake():
    results = pd.DataFrame({"a1": [100, 20], "a2": [100, 20], "b1": [20, 60]},
                           index=pd.Index(["u1", "u2"], name="unit"))
    card = small_framework().score(results)
    st = card.stability(["A"])
    assert st.loc["root/A", "share"] == pytest.approx(0.4)
    assert st.loc["root/A", "ranking_lower"] == pytest.approx(1 / 3)
    assert st.loc["root/A", "ranking_upper"] == 1.0
    assert "u2 reaches u1" in st.loc["root/A", "ranking_lower_swap"]
    o = card.overtake("A", "u2", "u1")
    assert o["share"] == pytest.approx(1 / 3) and o["change"] == pytest.approx(1 / 3 - 0.4)


def test_monte_carlo_summaries_are_consistent(district_card: kaohe.ScoreCard):
    mc = district_card.monte_carlo(kaohe.Dirichlet("", 20), samples=2000, seed=3, progress=False)
    counts = mc.rank_counts
    assert (counts.sum(axis=1)[mc.summary()["base_rank"].notna().reindex(counts.index)] == 2000).all()
    s = mc.summary(top_k=5)
    unranked = s[s["base_rank"].isna()]
    assert set(unranked.index) == set(district_card.rank[district_card.rank.isna()].index)
    assert unranked["median_rank"].isna().all() and (counts.loc[unranked.index] == 0).all().all()
    s = s.dropna(subset=["base_rank"])
    assert (s["rank_p05"] <= s["median_rank"]).all() and (s["median_rank"] <= s["rank_p95"]).all()
    assert ((s["p_top_5"] >= 0) & (s["p_top_5"] <= 1)).all()
    assert mc.mean_abs_shift > 0
    g = mc.grade_probabilities
    np.testing.assert_allclose(g.sum(axis=1).to_numpy(), 1.0)
    assert not mc.arrays["rank_counts"].flags.writeable
    # the same seed gives the same study whatever the thread count
    again = district_card.monte_carlo(kaohe.Dirichlet("", 20), samples=2000, seed=3, threads=1, progress=False)
    assert (again.arrays["rank_counts"] == mc.arrays["rank_counts"]).all()


def test_monte_carlo_progress_and_cancel():
    card = small_card()
    seen = []
    card.monte_carlo(samples=1000, progress=lambda done, total: seen.append((done, total)))
    assert seen and seen[-1][0] == seen[-1][1]
    with pytest.raises(kaohe.Cancelled):
        card.monte_carlo(samples=100_000, threads=1, progress=lambda done, total: done < 2)


def test_sobol_frames_are_labelled():
    card = small_card()
    s = card.sobol([kaohe.Dirichlet(""), kaohe.Uniform("A", 0.3)], base_samples=64, progress=False)
    assert list(s.first.index) == ["root/A", "root/B", "root/A/a1", "root/A/a2"]
    assert list(s.first.columns) == ["u1", "u2", "u3"]
    assert s.runs == 64 * 6
    assert (s.total.to_numpy() >= 0).all()


def test_study_plots_draw(district_card: kaohe.ScoreCard):
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    from kaohe import plots

    mc = district_card.monte_carlo(samples=500, progress=False)
    sizes = mc.summary().dropna(subset=["base_rank"]).groupby("pool").size()  # departments and towns
    ax = plots.rank_intervals(mc, top=10)
    assert len(ax.get_yticklabels()) == sum(min(10, n) for n in sizes) == 20  # the first 10 of each pool
    ax = plots.rank_heatmap(mc, top=8)
    assert ax.images and ax.images[0].get_array().shape[0] == 16
    s = district_card.sobol(base_samples=32, progress=False)
    ax = plots.sensitivity_bars(s)
    assert len(ax.patches) == 2 * len(s.shift)
    with pytest.raises(kaohe.DataError):
        plots.sensitivity_bars(s, unit="nobody")


def test_monte_carlo_samples_discrete_alternatives(district_card: kaohe.ScoreCard):
    plain = district_card.monte_carlo(samples=3000, seed=2, progress=False)
    same = district_card.monte_carlo(samples=3000, seed=2, progress=False, alternatives={"copy": {}})
    assert (same.arrays["rank_counts"] == plain.arrays["rank_counts"]).all()
    alt = district_card.monte_carlo(samples=3000, seed=2, progress=False,
                                    alternatives={"geometric": {"district.aggregation": "geometric"}})
    counts = alt.alternative_samples
    assert list(counts.index) == ["base", "geometric"] and counts.sum() == 3000
    assert (alt.arrays["rank_counts"] != plain.arrays["rank_counts"]).any()


def test_an_exception_in_the_progress_callback_reaches_the_caller():
    card = small_card()

    def broken(done, total):
        raise ValueError("progress display failed")

    with pytest.raises(ValueError, match="progress display failed"):
        card.monte_carlo(samples=20_000, threads=2, progress=broken)
    assert card.monte_carlo(samples=500, progress=False).samples == 500  # and nothing is left in a bad state
