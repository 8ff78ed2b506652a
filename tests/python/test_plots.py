"""kaohe.plots: each chart renders to a PNG and draws what the score card says."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import kaohe  # noqa: E402
from kaohe import plots  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
DISTRICT = ROOT / "examples" / "district-2019"
GROUPS = ["rule_of_law", "key_tasks", "party_building", "business_env", "social_evaluation"]


@pytest.fixture(scope="module")
def card() -> kaohe.ScoreCard:
    fw = kaohe.Framework.load(DISTRICT / "framework.json")
    return fw.score(DISTRICT / "results.csv", units=DISTRICT / "units.csv", events=DISTRICT / "events.csv")


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture
def no_cjk_font(monkeypatch):
    monkeypatch.setattr(plots, "cjk_font", lambda: None)


def save(ax, path: Path) -> None:
    ax.figure.savefig(path, dpi=60)
    assert path.exists()
    assert path.stat().st_size > 5_000  # a real chart, not an empty canvas
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def tick_texts(ax) -> list:
    return [t.get_text() for t in ax.get_yticklabels()]


# -- contributions -------------------------------------------------------------------------------------------
def test_contributions_renders_one_segment_per_unit_and_group(tmp_path, card):
    ax = plots.contributions(card, labels="ids")
    save(ax, tmp_path / "contributions.png")
    n_units = len(card.unit_ids)
    group_bars = ax.containers[:len(GROUPS)]
    assert sum(len(c) for c in group_bars) == n_units * len(GROUPS)
    # then one bonus and one penalty container for the adjustment blocks
    assert len(ax.containers) == len(GROUPS) + 2
    assert [t.get_text() for t in ax.get_legend().get_texts()] == GROUPS + ["adjustments +", "adjustments −", "total"]


def test_contributions_bars_are_the_group_points_in_rank_order(card):
    ax = plots.contributions(card, labels="ids")
    order = list(card.table().index)
    labels = tick_texts(ax)
    assert labels[0] == "1  audit" and labels[0].endswith(order[0])
    assert [label.split()[-1] for label in labels] == order
    points = card.node_points.loc[order, GROUPS].fillna(0.0)
    for k, group in enumerate(GROUPS):
        widths = np.array([bar.get_width() for bar in ax.containers[k]])
        np.testing.assert_allclose(widths, points[group].to_numpy())
    # segments are stacked: each group starts where the previous one ended
    lefts = np.array([bar.get_x() for bar in ax.containers[1]])
    np.testing.assert_allclose(lefts, points[GROUPS[0]].to_numpy())
    # rank 1 is at the top
    assert ax.containers[0][0].get_y() < ax.containers[0][1].get_y()
    assert ax.yaxis_inverted()


def test_contributions_penalties_go_left_of_zero(card):
    ax = plots.contributions(card, labels="ids")
    order = list(card.table().index)
    adjustments = card.adjustments.loc[order]
    bonus, penalty = ax.containers[len(GROUPS)], ax.containers[len(GROUPS) + 1]
    for unit, plus, minus in zip(order, bonus, penalty):
        row = adjustments.loc[unit]
        assert plus.get_width() == pytest.approx(row[row > 0].sum())
        assert minus.get_width() == pytest.approx(row[row < 0].sum())
        if row[row < 0].sum() < 0:
            assert minus.get_x() == 0 and minus.get_x() + minus.get_width() < 0
    assert any(bar.get_width() < 0 for bar in penalty)  # drc is criticised in the district example
    # the total marker sits at weighted total + adjustments
    np.testing.assert_allclose(ax.lines[0].get_xdata(), card.total.loc[order].to_numpy())


def test_contributions_top_and_given_axes(tmp_path, card):
    fig, given = plt.subplots()
    ax = plots.contributions(card, ax=given, top=10, labels="ids")
    assert ax is given
    assert all(len(c) == 10 for c in ax.containers)
    assert len(tick_texts(ax)) == 10
    save(ax, tmp_path / "top10.png")
    with pytest.raises(ValueError):
        plots.contributions(card, top=0)


# -- profile -------------------------------------------------------------------------------------------------
def test_profile_groups_against_the_category_median(tmp_path, card):
    ax = plots.profile(card, "drc", labels="ids")
    save(ax, tmp_path / "profile.png")
    assert tick_texts(ax) == GROUPS
    bars = ax.containers[0]
    assert len(bars) == len(GROUPS)
    nodes = card.framework.nodes
    expected = card.node_points.loc["drc", GROUPS] / nodes.loc[GROUPS, "max_points[dept]"] * 100
    np.testing.assert_allclose([b.get_width() for b in bars], expected.to_numpy())
    depts = card.units.index[card.units["category"] == "dept"]
    median = (card.node_points.loc[depts, GROUPS] / nodes.loc[GROUPS, "max_points[dept]"]).median() * 100
    np.testing.assert_allclose(ax.lines[0].get_xdata(), median.to_numpy())
    assert "drc" in ax.get_title() and "dept" in ax.get_title()


def test_profile_leaves_only_those_of_the_units_category(tmp_path, card):
    ax = plots.profile(card, "shawan", level="leaves", labels="ids")
    save(ax, tmp_path / "leaves.png")
    names = tick_texts(ax)
    assert "investment" in names and "policy_delivery" not in names  # town-only leaf in, dept-only out
    assert len(ax.containers[0]) == len(names) == 20
    ax = plots.profile(card, "drc", level=2, labels="ids")
    assert "policy_delivery" in tick_texts(ax) and "investment" not in tick_texts(ax)


def test_profile_marks_excluded_leaves(card):
    # shawan's normative_docs has no documents filed: excluded for missing data
    ax = plots.profile(card, "shawan", level="leaves", labels="ids")
    names = tick_texts(ax)
    i = names.index("normative_docs")
    assert ax.containers[0][i].get_width() == 0
    assert any(t.get_text() == "excluded" for t in ax.texts)


def test_profile_accepts_a_unit_name_and_rejects_unknown_units(card):
    ax = plots.profile(card, "区审计局", labels="ids")
    assert "audit" in ax.get_title()
    with pytest.raises(kaohe.DataError, match="nope"):
        plots.profile(card, "nope")
    with pytest.raises(ValueError):
        plots.profile(card, "drc", level=0)
    with pytest.raises(ValueError):
        plots.profile(card, "drc", level=9)


# -- rank vs score -------------------------------------------------------------------------------------------
def test_rank_vs_score(tmp_path, card):
    ax = plots.rank_vs_score(card, labels="ids")
    save(ax, tmp_path / "rank_vs_score.png")
    ranked = card.rank.dropna()
    assert len(ax.collections) == 2  # one colour per category
    assert sum(len(c.get_offsets()) for c in ax.collections) == len(ranked)
    points = np.concatenate([c.get_offsets() for c in ax.collections])
    for rank, total in points:
        unit = ranked.index[ranked == rank]
        assert any(card.total.loc[u] == pytest.approx(total) for u in unit)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["dept", "town"]
    order = list(ranked.sort_values(kind="stable").index)
    annotated = [t.get_text() for t in ax.texts if t.get_text() in card.unit_ids]
    assert annotated == order[:3] + order[-3:]
    assert len(ax.lines) == 3  # grade lower limits 90, 80 and 60
    assert sorted(line.get_ydata()[0] for line in ax.lines) == [60, 80, 90]


def test_rank_vs_score_annotate_none(card):
    ax = plots.rank_vs_score(card, annotate=0, grades=False, labels="ids")
    assert not [t for t in ax.texts if t.get_text() in card.unit_ids]
    assert not ax.lines


# -- labels and fonts ----------------------------------------------------------------------------------------
def test_auto_labels_fall_back_to_ids_without_a_cjk_font(no_cjk_font, card, recwarn):
    ax = plots.contributions(card, top=5)
    assert tick_texts(ax)[0] == "1  audit"
    ax.figure.canvas.draw()
    assert not [w for w in recwarn if "Glyph" in str(w.message)]  # no tofu warnings


def test_auto_labels_use_names_with_a_cjk_font(monkeypatch, card):
    monkeypatch.setattr(plots, "cjk_font", lambda: "Noto Sans CJK SC")
    ax = plots.rank_vs_score(card)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["区直部门", "镇街"]
    assert ax.get_legend().get_texts()[0].get_fontfamily()[0] == "Noto Sans CJK SC"
    assert ax.get_title() == card.framework.name


def test_explicit_label_modes(no_cjk_font, card):
    ax = plots.profile(card, "drc", labels="names")
    assert tick_texts(ax)[0] == "依法行政"
    assert "区发展和改革局" in ax.get_title()
    ax = plots.profile(card, "drc", labels="ids")
    assert tick_texts(ax)[0] == "rule_of_law"
    with pytest.raises(ValueError, match="labels"):
        plots.profile(card, "drc", labels="chinese")


def test_cjk_font_is_a_name_or_none():
    plots.cjk_font.cache_clear()
    font = plots.cjk_font()
    assert font is None or font in plots.CJK_FONTS


def test_missing_matplotlib_says_how_to_install(monkeypatch, card):
    for name in list(sys.modules):
        if name == "matplotlib" or name.startswith("matplotlib."):
            monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    for chart in (lambda: plots.contributions(card), lambda: plots.profile(card, "drc"),
                  lambda: plots.rank_vs_score(card)):
        with pytest.raises(ImportError, match=r"pip install 'kaohe\[plot\]'"):
            chart()
