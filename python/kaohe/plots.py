"""Charts of a score card (needs matplotlib: ``pip install 'kaohe[plot]'``).

Every function takes a :class:`kaohe.ScoreCard`, draws on ``ax`` (a new figure when ``ax`` is None) and returns
the matplotlib Axes:

- :func:`contributions`: each unit's total as horizontal stacked bars of its top-level groups' points, in rank
  order, with adjustments (bonus and penalty blocks) as separate segments, penalties to the left of zero.
- :func:`profile`: one unit's ratio (points / maximum) per group or leaf against its category's median.
- :func:`rank_vs_score`: total against rank, coloured by category, with the top and bottom units labelled and
  the grade bands' lower limits as lines.
- :func:`rank_intervals`, :func:`rank_heatmap`: a Monte Carlo study's rank intervals ("caterpillar") and its
  rank-probability heat map; :func:`sensitivity_bars`: a Sobol study's first-order and total indices.

Labels: names in frameworks are usually Chinese, which matplotlib's default font cannot draw. With
``labels="auto"`` (the default) the charts use names when a CJK font is installed (Noto Sans CJK, WenQuanYi,
SimHei, Microsoft YaHei, PingFang ...) and ids otherwise, so that no box-shaped "tofu" glyphs or missing-glyph
warnings appear; ``labels="names"`` or ``labels="ids"`` choose explicitly.
"""
from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Sequence, Tuple, Union

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

    from .scorecard import ScoreCard
    from .sensitivity import MonteCarlo, Sobol

__all__ = ["contributions", "profile", "rank_vs_score", "rank_intervals", "rank_heatmap", "sensitivity_bars",
           "cjk_font"]

#: Fonts tried, in order, for Chinese labels.
CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN", "WenQuanYi Zen Hei",
             "WenQuanYi Micro Hei", "SimHei", "Microsoft YaHei", "PingFang SC", "Heiti SC", "STHeiti",
             "Arial Unicode MS", "Noto Sans CJK JP", "Noto Sans CJK TC")

LabelMode = str  # "auto" | "names" | "ids"


def _matplotlib() -> Any:
    try:
        import matplotlib
        import matplotlib.pyplot  # noqa: F401
    except ImportError:
        raise ImportError("kaohe's plots need matplotlib: pip install 'kaohe[plot]'") from None
    return matplotlib


@functools.lru_cache(maxsize=None)
def cjk_font() -> Optional[str]:
    """The family name of an installed font that can draw Chinese, or None."""
    _matplotlib()
    from matplotlib import font_manager

    for family in CJK_FONTS:
        try:
            font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
        except (ValueError, RuntimeError):
            continue
        return family
    return None


class _Labels:
    """How units, nodes, categories and grades are named on a chart."""

    def __init__(self, card: "ScoreCard", mode: LabelMode) -> None:
        if mode not in ("auto", "names", "ids"):
            raise ValueError(f"labels must be 'auto', 'names' or 'ids', not {mode!r}")
        font = cjk_font()
        self.names = mode == "names" or (mode == "auto" and font is not None)
        self.font = font if self.names else None
        fw = card.framework
        self._units = {u: str(n or "") for u, n in card.units["name"].items()}
        nodes = fw.nodes
        self._nodes = {i: str(n or "") for i, n in nodes["name"].items()}
        self._cats = {c: str(n or "") for c, n in fw.categories.items()}
        grading = fw.to_dict().get("grading") or {}
        self._grades = {str(b.get("id")): str(b.get("name") or "") for b in grading.get("bands") or []}

    def _pick(self, table: Dict[str, str], key: Any) -> str:
        key = str(key)
        return (table.get(key) or key) if self.names else key

    def unit(self, uid: str) -> str:
        return self._pick(self._units, uid)

    def node(self, nid: str) -> str:
        return self._pick(self._nodes, nid)

    def category(self, cid: str) -> str:
        if not cid:
            return "units"
        return self._pick(self._cats, cid)

    def grade(self, gid: str) -> str:
        return self._pick(self._grades, gid)

    def text(self, name: str, ident: str) -> str:
        return (name or ident) if self.names else ident

    def apply_font(self, ax: "Axes") -> None:
        """Give every text of the Axes (ticks, labels, title, legend, annotations) the CJK font."""
        if not self.font:
            return
        from matplotlib.text import Text

        family = [self.font, "DejaVu Sans", "sans-serif"]
        for text in ax.findobj(Text):
            text.set_fontfamily(family)
        legend = ax.get_legend()
        if legend is not None:
            for text in legend.get_texts():
                text.set_fontfamily(family)
            title = legend.get_title()
            if title is not None:
                title.set_fontfamily(family)


def _axes(ax: Optional["Axes"], figsize: Sequence[float]) -> "Axes":
    _matplotlib()
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, new = plt.subplots(figsize=tuple(figsize), layout="constrained")
    return new


def _top_groups(card: "ScoreCard") -> List[str]:
    nodes = card.framework.nodes
    return [str(i) for i in nodes.index[nodes["depth"] == 1]]


def _max_points(card: "ScoreCard") -> pd.DataFrame:
    """Maximum points per unit x node (0 where the node does not apply to the unit's category)."""
    nodes = card.framework.nodes
    cats = card.units["category"]
    columns = {}
    for unit, cat in cats.items():
        col = f"max_points[{cat}]" if f"max_points[{cat}]" in nodes.columns else "max_points"
        columns[unit] = nodes[col].astype(float)
    return pd.DataFrame(columns).T.reindex(columns=card.node_points.columns)


def _resolve_unit(card: "ScoreCard", unit: str) -> str:
    ids = card.unit_ids
    if unit in ids:
        return unit
    names = card.units["name"]
    matches = [str(u) for u, n in names.items() if n == unit]
    if len(matches) == 1:
        return matches[0]
    from .errors import DataError

    raise DataError(f"unit '{unit}': no such unit id or name in this score card")


# -- contributions -------------------------------------------------------------------------------------------
def contributions(card: "ScoreCard", ax: Optional["Axes"] = None, top: Optional[int] = None, *,
                  labels: LabelMode = "auto", totals: bool = True) -> "Axes":
    """Each unit's total as a horizontal bar stacked from its top-level groups' points, rank 1 at the top.

    Adjustments outside the tree are one segment for bonuses (after the groups) and one for penalties (to the
    left of zero). A black tick marks the total (weighted total plus adjustments).

    Parameters
    ----------
    card : ScoreCard
    ax : matplotlib Axes, optional
        Where to draw (a new figure by default).
    top : int, optional
        Only the first ``top`` units in rank order.
    labels : "auto", "names" or "ids"
        Unit and group labels (see the module docstring).
    totals : bool
        Write each unit's total at the end of its bar.

    Returns
    -------
    matplotlib Axes. ``ax.containers`` holds one bar container per top-level group, in tree order, then
    ``adjustments +`` and ``adjustments −`` when the framework has adjustments.
    """
    lab = _Labels(card, labels)
    table = card.table()
    order = [str(u) for u in table.index]  # rank order, units without a rank last
    if top is not None:
        if top < 1:
            raise ValueError("top must be at least 1")
        order = order[:top]
    ax = _axes(ax, (10, 1.5 + 0.28 * len(order)))
    import matplotlib.pyplot as plt

    groups = _top_groups(card)
    points = card.node_points.loc[order, groups].fillna(0.0)
    adj = card.adjustments.loc[order] if card.adjustments.shape[1] else None
    y = np.arange(len(order))
    pos_left = np.zeros(len(order))
    neg_left = np.zeros(len(order))
    colours = plt.get_cmap("tab10" if len(groups) <= 10 else "tab20")

    def stack(values: np.ndarray, **style: Any) -> None:
        left = np.where(values >= 0, pos_left, neg_left)
        ax.barh(y, values, left=left, height=0.75, **style)
        pos_left[:] += np.where(values >= 0, values, 0.0)
        neg_left[:] += np.where(values < 0, values, 0.0)

    for k, g in enumerate(groups):
        stack(points[g].to_numpy(dtype=float), color=colours(k % colours.N), label=lab.node(g))
    if adj is not None:
        values = adj.to_numpy(dtype=float)
        bonus = np.where(values > 0, values, 0.0).sum(axis=1)
        penalty = np.where(values < 0, values, 0.0).sum(axis=1)
        stack(bonus, color="#2ca02c", hatch="//", edgecolor="white", label="adjustments +")
        stack(penalty, color="#d62728", hatch="\\\\", edgecolor="white", label="adjustments −")
    total = card.total.loc[order].to_numpy(dtype=float)
    ax.plot(total, y, linestyle="none", marker="|", markersize=9, markeredgewidth=2, color="black",
            label="total")
    if totals:
        for yi, t, right in zip(y, total, pos_left):
            ax.text(max(t, right), yi, f" {t:.2f}", va="center", ha="left", fontsize=7)
    ranks = table["rank"].loc[order]
    ax.set_yticks(y)
    ax.set_yticklabels([f"{'' if pd.isna(r) else int(r)}  {lab.unit(u)}" for u, r in zip(order, ranks)],
                       fontsize=8)
    ax.invert_yaxis()
    ax.axvline(0, color="grey", linewidth=0.8)
    ax.set_xlabel("points")
    fw = card.framework
    ax.set_title(lab.text(fw.name, fw.id))
    ax.set_ylim(len(order) - 0.5, -0.5)
    right = float(np.nanmax(np.concatenate([pos_left, total, [0.0]])))
    left = float(np.nanmin(np.concatenate([neg_left, total, [0.0]])))
    span = max(right - left, 1e-9)
    ax.set_xlim(left - 0.02 * span, right + (0.12 if totals else 0.03) * span)
    handles, names = ax.get_legend_handles_labels()
    order_legend = [i for i, n in enumerate(names) if n != "total"] + [i for i, n in enumerate(names) if n == "total"]
    ax.legend([handles[i] for i in order_legend], [names[i] for i in order_legend], loc="upper left",
              bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    lab.apply_font(ax)
    return ax


# -- profile -----------------------------------------------------------------------------------------------
def profile(card: "ScoreCard", unit: str, ax: Optional["Axes"] = None, *, level: Union[int, str] = 1,
            labels: LabelMode = "auto") -> "Axes":
    """One unit's ratio (points / maximum, in %) per node against the median ratio of its category.

    Parameters
    ----------
    card : ScoreCard
    unit : str
        Unit id (or its exact name).
    ax : matplotlib Axes, optional
    level : int or "leaves"
        1 (default) for the top-level groups, 2 for the nodes two levels down, ... or ``"leaves"`` for every
        leaf indicator. Nodes that do not apply to the unit's category are left out.
    labels : "auto", "names" or "ids"

    Returns
    -------
    matplotlib Axes: one bar per node (``ax.containers[0]``) and the category medians as diamond markers
    (``ax.lines[0]``). Excluded nodes (missing data) have an empty bar and are marked "excluded".
    """
    lab = _Labels(card, labels)
    uid = _resolve_unit(card, unit)
    nodes = card.framework.nodes
    if level in ("leaves", "leaf"):
        chosen = [str(i) for i in nodes.index[nodes["is_leaf"]]]
    elif isinstance(level, (int, np.integer)) and not isinstance(level, bool) and level >= 1:
        chosen = [str(i) for i in nodes.index[nodes["depth"] == int(level)]]
    else:
        raise ValueError(f"level must be a depth >= 1 or 'leaves', not {level!r}")
    if not chosen:
        raise ValueError(f"the framework has no nodes at level {level!r}")
    maxima = _max_points(card)
    chosen = [n for n in chosen if maxima.loc[uid, n] > 0]
    category = card.units.loc[uid, "category"]
    peers = card.units.index[card.units["category"] == category]
    with np.errstate(invalid="ignore", divide="ignore"):
        ratios = card.node_points.loc[:, chosen] / maxima.loc[:, chosen].where(maxima.loc[:, chosen] > 0)
    mine = ratios.loc[uid].to_numpy(dtype=float) * 100
    peer_ratios = ratios.loc[peers].to_numpy(dtype=float)
    median = np.array([np.nanmedian(col) if np.isfinite(col).any() else np.nan for col in peer_ratios.T]) * 100

    ax = _axes(ax, (9, 1.2 + 0.4 * len(chosen)))
    y = np.arange(len(chosen))
    below = np.nan_to_num(mine) < np.nan_to_num(median)
    colours = ["#d62728" if b else "#1f77b4" for b in below]
    ax.barh(y, np.nan_to_num(mine), height=0.6, color=colours, label=lab.unit(uid))
    ax.plot(median, y, linestyle="none", marker="D", color="black", markersize=6,
            label=f"median of {lab.category(category)}" + (f" ({len(peers)})" if len(peers) > 1 else ""))
    for yi, v in zip(y, mine):
        if np.isnan(v):
            ax.text(1, yi, "excluded", va="center", ha="left", fontsize=7, color="grey")
    ax.set_yticks(y)
    ax.set_yticklabels([lab.node(n) for n in chosen], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, max(100.0, float(np.nanmax(np.concatenate([mine, median, [0.0]]))) * 1.05))
    ax.set_xlabel("ratio of maximum points (%)")
    total = float(card.total.loc[uid])
    title = f"{lab.unit(uid)} ({lab.category(category)}): {total:.2f}" if category else f"{lab.unit(uid)}: {total:.2f}"
    ax.set_title(title)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    lab.apply_font(ax)
    return ax


# -- rank vs score -----------------------------------------------------------------------------------------
def rank_vs_score(card: "ScoreCard", ax: Optional["Axes"] = None, *, annotate: int = 3,
                  labels: LabelMode = "auto", grades: bool = True) -> "Axes":
    """Total against overall rank, one colour per category; the ``annotate`` best and worst units are labelled
    and the grade bands' lower limits drawn as dashed lines. Units without a rank (outside every pool,
    disqualified) are left out.

    Returns
    -------
    matplotlib Axes: one scatter collection per category in ``ax.collections`` (in the framework's category
    order), one dashed line per grade band with a lower limit in ``ax.lines``.
    """
    lab = _Labels(card, labels)
    ax = _axes(ax, (8, 5))
    import matplotlib.pyplot as plt

    rank = card.rank
    total = card.total
    cats = card.units["category"]
    ranked = rank.dropna().index
    known = list(card.framework.categories) or [""]
    present = [c for c in known if (cats.loc[ranked] == c).any()]
    present += [c for c in dict.fromkeys(cats.loc[ranked]) if c not in present]
    colours = plt.get_cmap("tab10")
    for k, cat in enumerate(present):
        members = [u for u in ranked if cats.loc[u] == cat]
        ax.scatter(rank.loc[members], total.loc[members], s=28, color=colours(k % 10), label=lab.category(cat),
                   zorder=3)
    order = list(rank.loc[ranked].sort_values(kind="stable").index)
    best = order[:annotate] if annotate > 0 else []
    worst = [u for u in order[-annotate:] if u not in best] if annotate > 0 else []
    leader = dict(arrowstyle="-", color="grey", linewidth=0.5)
    for i, u in enumerate(best):  # to the upper right of the curve, one line apart
        ax.annotate(lab.unit(u), (rank.loc[u], total.loc[u]), textcoords="offset points", xytext=(22, 10 - 12 * i),
                    ha="left", va="center", fontsize=8, arrowprops=leader)
    for j, u in enumerate(worst):  # to the lower left
        ax.annotate(lab.unit(u), (rank.loc[u], total.loc[u]), textcoords="offset points",
                    xytext=(-22, -10 + 12 * (len(worst) - 1 - j)), ha="right", va="center", fontsize=8,
                    arrowprops=leader)
    if grades:
        bands = (card.framework.to_dict().get("grading") or {}).get("bands") or []
        low, high = (float(total.loc[ranked].min()), float(total.loc[ranked].max())) if len(ranked) else (0, 0)
        for band in bands:
            limit = band.get("min")
            if limit is None or not (low - 10 <= float(limit) <= high + 10):
                continue
            ax.axhline(float(limit), color="grey", linestyle="--", linewidth=0.8, zorder=1)
            ax.text(1.0, float(limit), f"{lab.grade(str(band.get('id')))} ≥ {float(limit):g} ",
                    transform=ax.get_yaxis_transform(), ha="right", va="bottom", fontsize=7, color="grey")
    ax.set_xlabel("rank")
    ax.set_ylabel("total")
    fw = card.framework
    ax.set_title(lab.text(fw.name, fw.id))
    if present != [""]:
        ax.legend(fontsize=8)
    lab.apply_font(ax)
    return ax


# -- uncertainty and sensitivity ------------------------------------------------------------------------------
def rank_intervals(mc: "MonteCarlo", ax: Optional["Axes"] = None, *, top: Optional[int] = None, low: float = 0.05,
                   high: float = 0.95, labels: LabelMode = "auto") -> "Axes":
    """Caterpillar chart of a Monte Carlo study: each unit's ``low``-``high`` rank interval as a bar, its median
    as a dot and its base rank as a cross, in base-rank order (best at the top). When ranks are within
    categories, each rank pool is its own block, headed by the category's name, so that the rank 1 of each
    pool reads as such. ``top`` limits the units (per pool)."""
    summary = _ranked_by_pool(mc.summary(low=low, high=high), top)
    lab = _Labels(mc._card, labels)
    y, heads = _pool_rows(summary)
    ax = _axes(ax, (7.0, max(3.0, 0.22 * (len(summary) + len(heads)) + 1.5)))
    lo_col, hi_col = f"rank_p{int(round(low * 100)):02d}", f"rank_p{int(round(high * 100)):02d}"
    ax.hlines(y, summary[lo_col], summary[hi_col], color="tab:blue", linewidth=3, alpha=0.6,
              label=f"{int(round(low * 100))}-{int(round(high * 100))}% interval")
    ax.plot(summary["median_rank"], y, "o", color="tab:blue", markersize=4, label="median")
    ax.plot(summary["base_rank"], y, "x", color="black", markersize=5, label="base weights")
    ax.set_yticks(y)
    ax.set_yticklabels([lab.unit(u) for u in summary.index])
    _pool_heads(ax, heads, lab)
    ax.set_xlabel("rank within category (1 = best)" if heads else "rank (1 = best)")
    ax.xaxis.set_major_locator(_integer_locator())
    ax.set_title(f"Rank under weight uncertainty ({mc.samples} samples)")
    # Below the chart, so that the legend never covers the last units' bars.
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.08 if not heads else -0.06), ncol=3, fontsize="small",
              frameon=False)
    lab.apply_font(ax)
    return ax


def _ranked_by_pool(summary: pd.DataFrame, top: Optional[int]) -> pd.DataFrame:
    """Ranked units in summary order (pool, then base rank), the first ``top`` of each pool."""
    summary = summary.dropna(subset=["base_rank"])
    if top is not None:
        summary = summary.groupby("pool", sort=False, group_keys=False).head(top)
    return summary


def _pool_rows(summary: pd.DataFrame) -> Tuple[np.ndarray, List[Tuple[float, str]]]:
    """Row positions, best at the top, with a gap row above each pool when there are several pools; and the
    (position, pool) of each gap for its heading (none with a single pool)."""
    pools = list(summary["pool"])
    several = len(set(pools)) > 1
    y: List[float] = []
    heads: List[Tuple[float, str]] = []
    pos = 0.0
    previous = object()
    for p in pools:
        if several and p != previous:
            heads.append((-pos, str(p)))
            pos += 1
            previous = p
        y.append(-pos)
        pos += 1
    return np.asarray(y, dtype=float), heads


def _pool_heads(ax: "Axes", heads: List[Tuple[float, str]], lab: _Labels) -> None:
    for y, pool in heads:
        ax.axhline(y, color="0.85", linewidth=0.8, zorder=0)
        ax.text(0.01, y, f"{lab.category(pool)} (ranked within)", transform=ax.get_yaxis_transform(),
                va="center", ha="left", fontsize="small", fontweight="bold",
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.0})


def _integer_locator() -> Any:
    from matplotlib.ticker import MaxNLocator

    return MaxNLocator(integer=True)


def rank_heatmap(mc: "MonteCarlo", ax: Optional["Axes"] = None, *, top: Optional[int] = None,
                 labels: LabelMode = "auto") -> "Axes":
    """Heat map of P(unit at rank r): units in base-rank order (rows) against rank positions (columns); with
    ranks within categories, pool by pool (the first ``top`` of each), separated by lines."""
    summary = _ranked_by_pool(mc.summary(), top)
    probs = mc.rank_probabilities.loc[summary.index]
    width = int(np.nanmax(summary["rank_p95"])) if len(summary) else probs.shape[1]
    probs = probs.iloc[:, : max(width, len(summary))]
    lab = _Labels(mc._card, labels)
    ax = _axes(ax, (min(12.0, 2.0 + 0.18 * probs.shape[1]), max(3.0, 0.22 * len(probs) + 1.0)))
    image = ax.imshow(probs.to_numpy(), aspect="auto", cmap="viridis", interpolation="nearest",
                      extent=(0.5, probs.shape[1] + 0.5, len(probs) - 0.5, -0.5))
    ax.set_yticks(np.arange(len(probs)))
    pools = list(summary["pool"])
    several = len(set(pools)) > 1
    ax.set_yticklabels([lab.unit(u) + (f" ({lab.category(p)})" if several else "") for u, p in zip(probs.index, pools)])
    for i in range(1, len(pools)):
        if pools[i] != pools[i - 1]:
            ax.axhline(i - 0.5, color="white", linewidth=2)
    ax.set_xlabel("rank within category" if several else "rank")
    ax.set_title("P(rank)")
    ax.figure.colorbar(image, ax=ax, label="probability")
    lab.apply_font(ax)
    return ax


def sensitivity_bars(sobol: "Sobol", ax: Optional["Axes"] = None, *, unit: Optional[str] = None) -> "Axes":
    """First-order and total Sobol indices per uncertain input, as paired horizontal bars: on the mean absolute
    rank shift (default) or on one unit's rank."""
    if unit is None:
        frame = sobol.shift
        title = "Sobol indices on the mean absolute rank shift"
    else:
        if unit not in sobol.first.columns:
            from .errors import DataError

            raise DataError(f"unit '{unit}': not in this Sobol study")
        frame = pd.DataFrame({"first": sobol.first[unit], "total": sobol.total[unit]})
        title = f"Sobol indices on the rank of {unit}"
    ax = _axes(ax, (7.0, max(3.0, 0.35 * len(frame) + 1.0)))
    y = np.arange(len(frame))[::-1]
    ax.barh(y + 0.2, frame["total"], height=0.4, color="tab:orange", label="total")
    ax.barh(y - 0.2, frame["first"], height=0.4, color="tab:blue", label="first order")
    ax.set_yticks(y)
    ax.set_yticklabels(list(frame.index))
    ax.set_xlabel("index")
    ax.set_title(title)
    ax.legend(loc="lower right", fontsize="small")
    return ax
