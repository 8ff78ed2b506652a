"""Studies do what they can (issue 11 item 7): stability solves every node it can and lists the rest with the
reason; Monte Carlo summaries, rank intervals and the CLI carry each unit's category and rank pool."""
from __future__ import annotations

import re
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Dict, Set

import numpy as np
import pandas as pd
import pytest

import kaohe

ROOT = Path(__file__).resolve().parents[2]
DISTRICT = ROOT / "examples" / "district-2019"


def district_args() -> list:
    return [str(DISTRICT / "framework.json"), str(DISTRICT / "results.csv"), "--units", str(DISTRICT / "units.csv"),
            "--events", str(DISTRICT / "events.csv")]


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kaohe", *args], capture_output=True, text=True, encoding="utf-8")


def nodes_with_an_excluded_sibling(card: kaohe.ScoreCard) -> Set[str]:
    """Worked out from the card's own node points: a node whose sibling has no points (excluded) for a unit
    that the node's category reaches."""
    nodes = card.framework.nodes  # "parent" is the parent's position in this table (-1 for the root)
    points = card.node_points
    out = set()
    for node, row in nodes.iterrows():
        if row["parent"] < 0:
            continue
        siblings = [s for s in nodes.index[nodes["parent"] == row["parent"]] if s != node]
        if any(points[s].isna().any() for s in siblings):
            out.add(row["path"])
    return out


def test_stability_on_the_district_skips_exactly_the_nodes_with_an_excluded_sibling(district_card):
    with pytest.warns(UserWarning, match="stability: skipped"):
        table = district_card.stability()
    skipped: Dict[str, str] = table.attrs["skipped"]
    expected = nodes_with_an_excluded_sibling(district_card)
    assert expected, "the district example has leaves with missing: exclude"
    assert set(skipped) == expected
    for node, why in skipped.items():
        assert "is excluded for unit" in why and "not linear" in why and "Monte Carlo" in why, (node, why)
    # every other node with a sibling is solved, with finite intervals
    assert not set(table.index) & expected
    assert len(table) > 10
    intervals = table[[c for c in table.columns if c.endswith(("_lower", "_upper"))]].to_numpy(dtype=float)
    assert np.isfinite(intervals).all()
    assert ((table["ranking_lower"] <= table["share"]) & (table["share"] <= table["ranking_upper"])).all()


def test_stability_of_only_unsolvable_nodes_is_an_error_naming_the_reason(district_card):
    node = sorted(nodes_with_an_excluded_sibling(district_card))[0]
    with pytest.raises(kaohe.FrameworkError, match="is excluded for unit"):
        district_card.stability([node])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a fully solvable request does not warn
        table = district_card.stability(["rule_of_law"])
    assert list(table.index) == ["district/rule_of_law"] and table.attrs["skipped"] == {}


def test_kaohe_stability_succeeds_on_the_district_and_lists_what_it_skipped(district_card, tmp_path):
    out = tmp_path / "st.csv"
    r = run_cli("stability", *district_args(), "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert not re.search(r"\bnan\b", r.stdout, re.IGNORECASE)  # (the town 'nancun' is fine)
    expected = nodes_with_an_excluded_sibling(district_card)
    assert f"skipped {len(expected)} nodes that cannot be solved exactly:" in r.stdout
    for node in expected:
        assert f"  {node}: exact stability needs every sibling scored" in r.stdout
    assert "district/rule_of_law: share" in r.stdout
    assert "Warning" not in r.stderr  # listed in the output, not as a Python warning
    written = pd.read_csv(out, index_col="node", encoding="utf-8-sig", keep_default_na=False)
    assert set(written.index[written["skipped"] != ""]) == expected


def test_monte_carlo_summary_carries_category_and_pool(district_card):
    mc = district_card.monte_carlo(samples=400, seed=5, progress=False)
    s = mc.summary()
    assert list(s.columns[:3]) == ["category", "pool", "base_rank"]
    cats = district_card.units["category"]
    ranked = s["base_rank"].notna()
    assert (s.loc[ranked, "pool"] == cats.reindex(s.index)[ranked]).all()  # ranks are within categories
    assert s.loc[~ranked, "pool"].isna().all()
    # a rank 1 in each pool, and the pools come in the framework's category order, best first within each
    assert sorted(s.index[s["base_rank"] == 1].map(cats)) == ["dept", "town"]
    pools = [p for p in s["pool"] if p is not None]
    assert pools == sorted(pools, key=["dept", "town"].index)
    for _, block in s[ranked].groupby("pool"):
        assert block["base_rank"].is_monotonic_increasing
    assert (mc.pools.reindex(s.index).fillna("-") == s["pool"].fillna("-")).all()


def test_monte_carlo_without_categories_has_one_pool():
    fw = kaohe.Framework.from_dict({"kaohe": 1, "id": "t", "root": {"id": "r", "children": [
        {"id": "a", "points": 60, "rule": {"type": "linear", "zero_at": 0, "full_at": 100}},
        {"id": "b", "points": 40, "rule": {"type": "linear", "zero_at": 0, "full_at": 100}}]}})
    card = fw.score(pd.DataFrame({"a": [10, 50, 90], "b": [90, 50, 10]}, index=pd.Index(["x", "y", "z"], name="unit")))
    s = card.monte_carlo(samples=200, progress=False).summary()
    assert (s["pool"] == "all").all() and s["category"].isna().all()
    assert list(s["base_rank"]) == [1.0, 2.0, 3.0]


def test_rank_intervals_draws_one_block_per_pool(district_card):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    from kaohe import plots

    mc = district_card.monte_carlo(samples=300, progress=False)
    sizes = mc.summary().dropna(subset=["base_rank"]).groupby("pool").size()
    ax = plots.rank_intervals(mc, top=5, labels="ids")
    assert len(ax.get_yticklabels()) == sum(min(5, n) for n in sizes)
    heads = [t.get_text() for t in ax.texts]
    assert heads == ["dept (ranked within)", "town (ranked within)"]
    assert "within category" in ax.get_xlabel()
    legend = ax.get_legend()
    assert legend is not None and legend.get_bbox_to_anchor().y0 < ax.get_window_extent().y0  # below the axes
    ax = plots.rank_heatmap(mc, top=4, labels="ids")
    assert ax.images[0].get_array().shape[0] == sum(min(4, n) for n in sizes)
    assert all(t.get_text().endswith(("(dept)", "(town)")) for t in ax.get_yticklabels())


def test_kaohe_uncertainty_shows_the_category_of_each_rank(district_card):
    r = run_cli("uncertainty", *district_args(), "--samples", "300", "--quiet", "--top", "3")
    assert r.returncode == 0, r.stderr
    cats = district_card.framework.categories
    assert f"ranks are within each category ({cats['dept']}, {cats['town']})" in r.stdout
    lines = [line for line in r.stdout.splitlines() if line.strip()]
    header = next(line for line in lines if line.startswith("unit"))
    assert "category" in header
    body = lines[lines.index(header) + 2:]  # after the rule line
    assert len(body) == 6  # the first 3 of each pool
    assert sum(cats["dept"] in line for line in body) == 3 and sum(cats["town"] in line for line in body) == 3
    # the base rank column: 1, 2, 3 in each pool (two rank-1 units, each the best of its category)
    base = [line.split()[3] for line in body]
    assert base == ["1", "2", "3", "1", "2", "3"]
    grading = district_card.framework.to_dict()["grading"]["bands"]
    assert f"P({grading[0]['name']})" in header  # the framework's grade name, not its id
