"""What-if re-weighting, exact stability intervals, Monte Carlo rank uncertainty and Sobol sensitivity.

Every study starts from a :class:`kaohe.ScoreCard`. Weight changes keep each leaf's ratio (its score as a share
of its maximum) and re-aggregate the tree, so they never re-score a rule; rule-parameter changes re-score the
same data on a changed framework.

>>> card = fw.score(results, units=units)                        # doctest: +SKIP
>>> after = card.what_if({"rule_of_law": 15})                    # 11 -> 15 points, siblings shrink  # doctest: +SKIP
>>> card.compare(after)                                           # who moves and why  # doctest: +SKIP
>>> card.stability(["rule_of_law"])                               # exact interval of the share  # doctest: +SKIP
>>> mc = card.monte_carlo([kaohe.Dirichlet("", 50)], samples=100_000)  # doctest: +SKIP
>>> mc.summary()                                                  # median rank, 5-95% interval, P(top k)  # doctest: +SKIP

Change specifications (a mapping, or ``"key=value"`` strings as on the command line):

- ``"rule_of_law": 15`` sets the node's weight in its own terms (points for a points weight, a share for a
  share weight, a relative value for a relative weight);
- ``"rule_of_law": "15%"`` sets its share of its parent, whatever its weight kind;
- ``"rule_of_law@town": 15`` changes it for one category only;
- ``"court_rate.rule.target": 0.9`` changes a rule parameter (any key path inside the node's JSON, e.g.
  ``budget.rule.bands[1].min``); the data are then scored again on the changed framework.
"""
from __future__ import annotations

import copy
import json
import re
import sys
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

import numpy as np
import pandas as pd

from . import _checks, _core
from .errors import FrameworkError, shown

if TYPE_CHECKING:  # pragma: no cover
    from .framework import Framework
    from .scorecard import ScoreCard

__all__ = ["Dirichlet", "Uniform", "MonteCarlo", "Sobol", "what_if", "with_weights", "scenarios", "compare",
           "stability",
           "overtake", "monte_carlo", "sobol", "parse_changes"]

ChangeValue = Union[float, int, str]
Changes = Union[Mapping[str, Any], "pd.Series", Sequence[str], str]
POLICIES = ("proportional", "explicit", "rescale", "none")
UNITS = ("own", "share", "percent", "points")
ProgressArg = Union[bool, Callable[[int, int], Optional[bool]], None]


# -- uncertain weights -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Dirichlet:
    """The shares of ``node``'s children ~ Dirichlet(concentration x children x base share): centred on the
    framework's shares; larger concentrations stay closer to them. ``node=""`` is the root."""

    node: str = ""
    concentration: float = 50.0

    def _row(self) -> Tuple[str, str, float, float]:
        return (self.node, "dirichlet", float(self.concentration), 0.0)


@dataclass(frozen=True)
class Uniform:
    """Each child's weight of ``node`` times U(1 - spread, 1 + spread), renormalised to fill the node."""

    node: str = ""
    spread: float = 0.25

    def _row(self) -> Tuple[str, str, float, float]:
        return (self.node, "uniform", 0.0, float(self.spread))


Uncertain = Union[Dirichlet, Uniform, str, Sequence[Union[Dirichlet, Uniform, str]], None]


def _uncertain_rows(weights: Uncertain) -> List[Tuple[str, str, float, float]]:
    if weights is None:
        weights = [Dirichlet("")]
    if isinstance(weights, (Dirichlet, Uniform, str)):
        weights = [weights]
    rows = []
    for w in weights:
        if isinstance(w, str):
            w = Dirichlet(w)
        if not isinstance(w, (Dirichlet, Uniform)):
            raise TypeError(f"uncertain weights must be kaohe.Dirichlet, kaohe.Uniform or node ids, got {shown(w)}")
        rows.append(w._row())
    return rows


# -- progress ----------------------------------------------------------------------------------------------
class _TextBar:
    """A minimal progress bar on stderr, for when tqdm is not installed."""

    def __init__(self, desc: str) -> None:
        self.desc = desc
        self.last = -1

    def __call__(self, done: int, total: int) -> None:
        percent = int(100 * done / max(total, 1))
        if percent == self.last:
            return
        self.last = percent
        filled = percent // 4
        sys.stderr.write(f"\r{self.desc} [{'#' * filled}{'.' * (25 - filled)}] {percent:3d}%")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def _progress(progress: ProgressArg, desc: str) -> Tuple[Optional[Callable[[int, int], Optional[bool]]], Any]:
    """A progress callback for the engine (and the bar to close), from ``progress=``: True (a bar: tqdm when
    installed, else text on stderr), False/None (none), or a callable(done, total) returning False to stop."""
    if progress is None or progress is False:
        return None, None
    if callable(progress) and progress is not True:
        return progress, None
    try:
        from tqdm.auto import tqdm  # type: ignore[import-not-found]
    except ImportError:
        bar = _TextBar(desc)
        return bar, None
    state: Dict[str, Any] = {"bar": None}

    def update(done: int, total: int) -> None:
        if state["bar"] is None:
            state["bar"] = tqdm(total=total, desc=desc, unit="block")
        state["bar"].n = done
        state["bar"].refresh()

    return update, state


def _close(state: Any) -> None:
    if state and state.get("bar") is not None:
        state["bar"].close()


# -- what-if -----------------------------------------------------------------------------------------------
_RULE_KEY = re.compile(r"^(?P<node>[^.@]+)\.(?P<path>.+)$")
_WEIGHT_KEY = re.compile(r"^(?P<node>[^.@]+)(@(?P<category>[^.@]+))?$")


def parse_changes(changes: Changes, *, unit: str = "own"
                  ) -> Tuple[List[Tuple[str, float, str, str]], List[Tuple[str, str, Any]]]:
    """Split a change specification into weight changes ``(node, value, unit, category)`` and rule changes
    ``(node, key path, value)``. See the module docstring for the forms.

    ``changes`` is a mapping (a dict, or a pandas Series such as :func:`kaohe.mcda.entropy_weights` returns)
    or ``"key=value"`` strings. ``unit`` says what plain numbers are: ``"own"`` (the node's own terms),
    ``"share"`` (of the parent, 0.15), ``"percent"`` (of the parent, 15) or ``"points"``; a string value ending
    in ``%`` is always a percentage of the parent.
    """
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {', '.join(UNITS)}, got {shown(unit)}")
    if isinstance(changes, pd.Series):
        items = [(k, v) for k, v in changes.items()]
    elif isinstance(changes, Mapping):
        items = list(changes.items())
    else:
        if isinstance(changes, str):
            changes = [changes]
        items = []
        for text in changes:
            if not isinstance(text, str) or "=" not in text:
                raise FrameworkError(f"change {shown(text)}: expected NODE=VALUE (e.g. rule_of_law=15, rule_of_law=15%, "
                                     "court_rate.rule.target=0.9), or pass a dict or a pandas Series",
                                     reason="expected NODE=VALUE")
            key, value = text.split("=", 1)
            items.append((key.strip(), value.strip()))
    weights: List[Tuple[str, float, str, str]] = []
    rules: List[Tuple[str, str, Any]] = []
    for key, value in items:
        key = str(key)
        rule = _RULE_KEY.match(key)
        if rule:
            if isinstance(value, str):
                try:
                    value = json.loads(value)
                except ValueError:
                    pass  # a plain string (a level name, a grade id)
            rules.append((rule["node"], rule["path"], value))
            continue
        weight = _WEIGHT_KEY.match(key)
        if not weight:
            raise FrameworkError(f"change {shown(key)}: expected NODE, NODE@CATEGORY or NODE.rule.PARAMETER",
                                 path=key, reason="malformed change key")
        this_unit = unit
        if isinstance(value, str):
            text = value.strip()
            percent = text.endswith("%")
            try:
                value = float(text[:-1] if percent else text)
            except ValueError:
                raise FrameworkError(f"change {key}={shown(value)}: the weight must be a number, or a percentage such "
                                     "as 15%", path=key, reason="not a number") from None
            if percent:
                this_unit = "percent"
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.floating, np.integer)):
            raise FrameworkError(f"change {key}={shown(value)}: the weight must be a number", path=key,
                                 reason="not a number")
        number = float(value)
        if not np.isfinite(number) or number < 0:
            raise FrameworkError(f"change {key}={number!r}: the weight must be a finite number >= 0", path=key,
                                 reason="not a finite number >= 0")
        if this_unit == "percent":
            number, this_unit = number / 100.0, "share"
        weights.append((weight["node"], number, this_unit, weight["category"] or ""))
    return weights, rules


def _weight_kinds(data: Mapping[str, Any]) -> Dict[str, Tuple[str, str]]:
    """node id -> (weight kind, parent id) from a framework dict."""
    out: Dict[str, Tuple[str, str]] = {}

    def walk(node: Mapping[str, Any], parent: str) -> None:
        kind = "points" if "points" in node else "share" if "share" in node else "weight"
        out[str(node["id"])] = (kind, parent)
        for child in node.get("children", []) or []:
            walk(child, str(node["id"]))

    walk(data["root"], "")
    return out


def _refuse_ambiguous(framework: "Framework", weights: Sequence[Tuple[str, float, str, str]]) -> None:
    """Plain numbers that add up to 1 for nodes whose weights are points look like shares: ask which is meant
    (an MCDA Series passed as points would give papers 0.127 points instead of 12.7% of its group)."""
    kinds = _weight_kinds(framework.to_dict())
    by_parent: Dict[Tuple[str, str], List[Tuple[str, float]]] = {}
    for node, value, unit, category in weights:
        node_id = node.rsplit("/", 1)[-1]
        if unit != "own" or node_id not in kinds or kinds[node_id][0] != "points":
            continue
        by_parent.setdefault((kinds[node_id][1], category), []).append((node_id, value))
    nodes = framework.nodes
    for (parent, _category), named in by_parent.items():
        total = sum(v for _, v in named)
        column = next(c for c in nodes.columns if str(c).startswith("max_points"))
        parent_points = float(nodes.loc[parent, column]) if parent else float(framework.total)
        if len(named) > 1 and abs(total - 1.0) <= 1e-6 and abs(parent_points - 1.0) > 1e-6:
            ids = ", ".join(n for n, _ in named)
            raise FrameworkError(
                f"the new weights of {ids} add up to 1, as shares do, but their weights are points (the group "
                f"'{parent}' has {parent_points:g}); pass unit='share' (or 'percent') for shares of the group, or "
                "unit='points' if points are meant", path=parent, reason="ambiguous weights")


def with_weights(framework: "Framework", weights: Changes, *, level: Optional[str] = None,
                 policy: str = "proportional", unit: str = "own") -> "Framework":
    """The framework with new weights, applied jointly (docs/sensitivity.md): every named node gets exactly the
    weight asked for and only the unnamed siblings absorb the difference (``policy="proportional"``); with
    ``"explicit"`` every sibling is named and they add up to the parent; with ``"rescale"`` every sibling is
    named and they are scaled together to fill the parent (MCDA shares, percentages that add up to 100.005%);
    with ``"none"`` the parent and the total change by the difference.

    ``weights`` is a dict or a pandas Series keyed by node id, path or ``id@category``; ``unit`` says what the
    numbers are (``"own"``, ``"share"``, ``"percent"``, ``"points"``). ``level`` (a node id or path) checks
    that every key is a child of that node, e.g. ``level="research"`` for a Series of its leaves' weights.
    """
    from .framework import Framework

    if policy not in POLICIES:
        raise FrameworkError(f"unknown renormalisation policy {shown(policy)} (known: {', '.join(POLICIES)})",
                             reason="unknown policy")
    rows, rules = parse_changes(weights, unit=unit)
    if rules:
        raise FrameworkError("with_weights takes weights only; rule changes such as "
                             f"'{rules[0][0]}.{rules[0][1]}' belong to ScoreCard.what_if", path=rules[0][0],
                             reason="not a weight")
    if level is not None:
        _check_level(framework, level, [r[0] for r in rows])
    _refuse_ambiguous(framework, rows)
    core, _notes = _core.with_weights(framework._core, [(n, v, u, c, policy) for n, v, u, c in rows])
    return Framework(core)


def _check_level(framework: "Framework", level: str, keys: Sequence[str]) -> None:
    nodes = framework.nodes
    level_id = level.rsplit("/", 1)[-1]
    if level_id not in nodes.index:
        raise FrameworkError(f"level '{level}': no node with this id or path", path=level, reason="no such node")
    parent_index = int(nodes.loc[level_id, "index"])
    for key in keys:
        node_id = key.rsplit("/", 1)[-1]
        if node_id in nodes.index and int(nodes.loc[node_id, "parent"]) != parent_index:
            children = ", ".join(nodes.index[nodes["parent"] == parent_index])
            raise FrameworkError(f"'{key}' is not a child of '{level}' (its children: {children})", path=key,
                                 reason="not a child of the level")


_SEGMENT = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _apply_rule_change(data: Dict[str, Any], node: str, path: str, value: Any) -> None:
    """Set ``path`` (dots and [i]) inside the JSON of node ``node`` (id or path) in a framework dict."""
    target_id = node.rsplit("/", 1)[-1]
    found: List[Dict[str, Any]] = []

    def walk(n: Dict[str, Any]) -> None:
        if n.get("id") == target_id:
            found.append(n)
        for child in n.get("children", []) or []:
            walk(child)

    walk(data["root"])
    if not found:
        raise FrameworkError(f"rule change '{node}.{path}': no node '{node}' in the framework", path=node,
                             reason="no such node")
    obj: Any = found[0]
    segments = [(m.group(1), m.group(2)) for m in _SEGMENT.finditer(path)]
    if not segments:
        raise FrameworkError(f"rule change '{node}.{path}': empty parameter path", path=node, reason="empty path")
    where = node
    for i, (key, index) in enumerate(segments):
        last = i == len(segments) - 1
        if key is not None:
            if not isinstance(obj, dict) or (key not in obj and not last):
                raise FrameworkError(f"rule change '{node}.{path}': '{where}' has no key '{key}'", path=where,
                                     reason=f"no key '{key}'")
            where += "." + key
            if last:
                obj[key] = value
            else:
                obj = obj[key]
        else:
            k = int(index)
            if not isinstance(obj, list) or k >= len(obj):
                raise FrameworkError(f"rule change '{node}.{path}': '{where}' has no element [{k}]", path=where,
                                     reason=f"no element [{k}]")
            where += f"[{k}]"
            if last:
                obj[k] = value
            else:
                obj = obj[k]


def what_if(card: "ScoreCard", changes: Changes, *, policy: str = "proportional", unit: str = "own") -> "ScoreCard":
    """The score card under ``changes`` (see the module docstring), applied jointly, never one after another.

    Weight changes keep every leaf's ratio and re-aggregate the tree. Every named node gets exactly the weight
    asked for; ``policy`` says what the other children of its parent do: ``"proportional"`` (the unnamed ones
    shrink or grow so the parent keeps its points), ``"explicit"`` (you give every child; they must add up to
    the parent's points), ``"rescale"`` (you give every child; they are scaled together to fill the parent) or
    ``"none"`` (the total maximum changes; reported in :attr:`ScoreCard.warnings`). ``changes`` may be a dict, a
    pandas Series (e.g. MCDA weights, with ``unit="share"``) or ``"key=value"`` strings; ``unit`` as in
    :func:`with_weights`. Rule changes re-score the same data on a changed framework first.

    The new card carries its scenario: ``card.framework`` is the framework with the new weights.
    """
    from .framework import Framework
    from .scorecard import ScoreCard

    if policy not in POLICIES:
        raise FrameworkError(f"unknown renormalisation policy {shown(policy)} (known: {', '.join(POLICIES)})",
                             reason="unknown policy")
    weights, rules = parse_changes(changes, unit=unit)
    base = card
    if rules:
        data = copy.deepcopy(card.framework.to_dict())
        for node, path, value in rules:
            _apply_rule_change(data, node, path, value)
        changed = Framework.from_dict(data, source=(card.framework._core.source or "<framework>") + " (what-if)")
        base = ScoreCard(_core.rescore(card._core, changed._core), changed, card._units)
    if not weights:
        return base
    _refuse_ambiguous(base.framework, weights)
    core, _notes = _core.what_if(base._core, [(n, v, u, c, policy) for n, v, u, c in weights])
    return ScoreCard(core, Framework(_core.card_framework(core)), base._units)


def compare(before: "ScoreCard", after: "ScoreCard", *, drivers: int = 5) -> pd.DataFrame:
    """Per unit: total, rank and grade before and after, who crossed a grade band or a quota line, and the
    nodes whose points changed most (``drivers`` of them, largest first), as a DataFrame indexed by unit."""
    units, _notes = _core.compare(before._core, after._core, drivers)
    root = before.framework.to_dict()["root"]["id"] + "/"

    def short(path: str) -> str:  # "district/rule_of_law" -> "rule_of_law"
        return path[len(root):] if path.startswith(root) else path

    rows = []
    for u in units:
        rows.append({
            "unit": u["unit"],
            "total_before": u["total_before"], "total_after": u["total_after"],
            "change": u["total_after"] - u["total_before"],
            "rank_before": u["rank_before"], "rank_after": u["rank_after"],
            "rank_change": u["rank_before"] - u["rank_after"],
            "rank_in_category_before": u["rank_in_category_before"],
            "rank_in_category_after": u["rank_in_category_after"],
            "grade_before": u["grade_before"] or None, "grade_after": u["grade_after"] or None,
            "band_before": u["band_before"] or None, "band_after": u["band_after"] or None,
            "crossed_band": u["crossed_band"], "crossed_quota": u["crossed_quota"],
            "drivers": "; ".join(f"{short(p)} {b2 - b1:+.4g}" for p, b1, b2 in u["drivers"]),
        })
    return pd.DataFrame(rows).set_index("unit")


def scenarios(card: "ScoreCard", named: Mapping[str, Changes], *, policy: str = "proportional") -> pd.DataFrame:
    """Evaluate named scenarios (name -> changes) into one table: rows are units, columns are
    (scenario, total | rank | grade), with the base first."""
    frames = {"base": _summary(card)}
    for name, changes in named.items():
        frames[str(name)] = _summary(what_if(card, changes, policy=policy))
    return pd.concat(frames, axis=1, names=["scenario", "field"])


def _summary(card: "ScoreCard") -> pd.DataFrame:
    return pd.DataFrame({"total": card.total, "rank": card.rank, "grade": card.grade})


# -- exact stability ---------------------------------------------------------------------------------------
def _swap_text(swap: Optional[Dict[str, Any]]) -> Optional[str]:
    if swap is None:
        return None
    if swap["below"]:
        return f"{swap['below']} reaches {swap['above']} ({swap['what']})"
    return f"{swap['above']} crosses {swap['what']}"


def stability(card: "ScoreCard", nodes: Optional[Sequence[str]] = None, *, category: Optional[str] = None,
              top_k: int = 10, scope: str = "auto") -> pd.DataFrame:
    """Exact intervals of each node's share of its parent over which the full ranking, the top-k set and the
    grades stay as they are (proportional renormalisation), with the first pair to swap at each end.

    One row per node: ``share`` (base), ``points`` (base points when the parent has the same points in every
    category), and for each of ``ranking``, ``top_k`` and ``grades``: ``*_lower``, ``*_upper`` (shares) and
    ``*_lower_swap``, ``*_upper_swap`` (who meets whom there; None when nothing changes down to 0 / up to 1).

    A node whose share differs between categories is one question per category: one row per set of categories
    with the same share, labelled ``node@category`` (the what-if syntax). A node whose totals are not linear in
    its share cannot be solved exactly: a sibling excluded for some unit (``missing: exclude`` makes the parent
    re-weight per unit) or geometric aggregation above it. Such nodes are left out of the table and listed,
    with the reason, in ``table.attrs["skipped"]`` (label -> reason), and a warning names them. Raises
    :class:`kaohe.FrameworkError` when no node asked for can be solved.
    """
    result, skipped_rows = _core.stability(card._core, list(nodes or []), category or "",
                                           _checks.whole("top_k", top_k, minimum=1), scope)
    # A node whose share differs between categories is one question per category: label it node@category.
    seen = [r["node"] for r in result] + [n for n, _, _ in skipped_rows]

    def label(node: str, cats: Sequence[str]) -> str:
        return f"{node}@{'+'.join(c for c in cats)}" if seen.count(node) > 1 and cats else node

    skipped = {label(n, cats): why for n, cats, why in skipped_rows}
    if skipped:
        warnings.warn("stability: skipped " + "; ".join(f"{n} ({why})" for n, why in skipped.items()),
                      stacklevel=3)
    rows = []
    for r in result:
        row: Dict[str, Any] = {"node": label(r["node"], r["categories"]), "share": r["share"],
                               "categories": ", ".join(c for c in r["categories"] if c)}
        parents = set(r["parent_points"])
        row["points"] = r["share"] * parents.pop() if len(parents) == 1 else np.nan
        for what in ("ranking", "top_k", "grades"):
            iv = r[what]
            row[f"{what}_lower"] = iv["lower"]
            row[f"{what}_upper"] = iv["upper"]
            row[f"{what}_lower_swap"] = _swap_text(iv["at_lower"])
            row[f"{what}_upper_swap"] = _swap_text(iv["at_upper"])
        rows.append(row)
    table = pd.DataFrame(rows).set_index("node")
    for what in ("ranking", "top_k", "grades"):  # None where nothing changes (pandas would make it NaN)
        for end in ("lower", "upper"):
            column = f"{what}_{end}_swap"
            table[column] = pd.Series([r[column] for r in rows], index=table.index, dtype=object)
    table.attrs["skipped"] = skipped
    return table


def overtake(card: "ScoreCard", node: str, unit: str, over: str, *, category: Optional[str] = None) -> Dict[str, Any]:
    """The smallest change of ``node``'s share that lifts ``unit`` level with ``over`` (beyond it, above),
    or ``share=None`` when no share in [0, 1] does. Keys: share, base_share, change, already_above, note."""
    r = _core.overtake(card._core, node, unit, over, category or "")
    r["change"] = None if r["share"] is None else r["share"] - r["base_share"]
    return r


# -- Monte Carlo -------------------------------------------------------------------------------------------
class MonteCarlo:
    """Rank histograms (and grade counts) of a Monte Carlo weight-uncertainty study.

    ``rank_counts`` is units x rank positions (1 = best): how many samples put the unit there. Ranks are within
    each category when the framework has categories (``scope="auto"``), competition ranks on full-precision
    totals. The numpy arrays in :attr:`arrays` are zero-copy views on the engine's result.
    """

    def __init__(self, core: Any, card: "ScoreCard") -> None:
        self._core = core
        self._card = card
        self._grade_ids: List[str] = list(core.grade_ids)
        self._alternatives: List[str] = ["base"]
        self._grade_counts: np.ndarray = core.grade_counts

    @property
    def samples(self) -> int:
        return int(self._core.samples)

    @property
    def seed(self) -> int:
        return int(self._core.seed)

    @property
    def arrays(self) -> Dict[str, np.ndarray]:
        """Zero-copy read-only views: ``rank_counts`` (int64, units x positions), ``base_rank``."""
        return {"rank_counts": self._core.rank_counts, "base_rank": self._core.base_rank}

    @property
    def alternative_samples(self) -> pd.Series:
        """Samples that used the base framework and each discrete alternative (empty without alternatives)."""
        counts = list(self._core.alternative_samples)
        return pd.Series(counts, index=self._alternatives[: len(counts)], name="samples", dtype="int64")

    @property
    def inputs(self) -> pd.DataFrame:
        """The independent random inputs (one per sampled child weight and category set)."""
        return pd.DataFrame([{"node": n, "categories": ", ".join(c)} for n, c in self._core.inputs])

    def _index(self) -> pd.Index:
        return pd.Index(self._core.unit_ids, name="unit")

    @property
    def rank_counts(self) -> pd.DataFrame:
        counts = self._core.rank_counts
        return pd.DataFrame(counts, index=self._index(),
                            columns=pd.RangeIndex(1, counts.shape[1] + 1, name="rank"))

    @property
    def rank_probabilities(self) -> pd.DataFrame:
        """rank_counts / samples."""
        return self.rank_counts / float(self.samples)

    def _quantile(self, q: float) -> np.ndarray:
        counts = self._core.rank_counts
        cum = np.cumsum(counts, axis=1)
        need = q * self.samples
        out = (cum >= need).argmax(axis=1).astype(float) + 1.0
        out[np.isnan(self._core.base_rank)] = np.nan
        return out

    def p_top(self, k: int) -> pd.Series:
        """P(rank <= k) per unit."""
        counts = self._core.rank_counts
        p = counts[:, :k].sum(axis=1) / float(self.samples)
        p = np.where(np.isnan(self._core.base_rank), np.nan, p)
        return pd.Series(p, index=self._index(), name=f"p_top_{k}")

    @property
    def grade_probabilities(self) -> pd.DataFrame:
        """P(grade) per unit (columns: grade ids, and "" for not graded), quotas applied per sample. Empty when
        the framework has no grade bands."""
        ids = self._grade_ids
        if not ids:
            return pd.DataFrame(index=self._index())
        return pd.DataFrame(self._grade_counts / float(self.samples), index=self._index(),
                            columns=pd.Index([g if g else "(none)" for g in ids], name="grade"))

    @property
    def mean_abs_shift(self) -> float:
        """Mean over ranked units of the mean |sampled rank - base rank| (COINr's mean absolute rank shift)."""
        s = self.summary()["mean_abs_shift"]
        return float(s.mean())

    @property
    def pools(self) -> pd.Series:
        """Each unit's rank pool: its category id when ranks are within categories, ``"all"`` when every unit
        is ranked against every other, None for units outside every pool. Rank 1 exists once per pool."""
        cats = self._card.units["category"].reindex(self._index())
        ranked = ~np.isnan(np.asarray(self._core.base_rank))
        if self._core.by_category:
            pool = [str(c) if ok else None for c, ok in zip(cats, ranked)]
        else:
            pool = ["all" if ok else None for ok in ranked]
        return pd.Series(pool, index=self._index(), name="pool", dtype=object)

    def summary(self, top_k: int = 3, low: float = 0.05, high: float = 0.95) -> pd.DataFrame:
        """Per unit: ``category`` (id, None without categories), rank ``pool`` (see :attr:`pools`), base rank,
        median, ``low``/``high`` rank quantiles, mean rank, mean absolute shift and P(rank <= top_k); ordered
        by pool (the framework's category order) and base rank within it."""
        counts = self._core.rank_counts.astype(float)
        base = np.asarray(self._core.base_rank)
        positions = np.arange(1, counts.shape[1] + 1, dtype=float)
        with np.errstate(invalid="ignore"):
            mean = counts @ positions / self.samples
            shift = (counts * np.abs(positions[None, :] - base[:, None])).sum(axis=1) / self.samples
        ranked = ~np.isnan(base)
        cats = self._card.units["category"].reindex(self._index())
        pools = self.pools
        frame = pd.DataFrame({
            "category": [str(c) if c else None for c in cats],
            "pool": pools.to_numpy(),
            "base_rank": base,
            "median_rank": self._quantile(0.5),
            f"rank_p{int(round(low * 100)):02d}": self._quantile(low),
            f"rank_p{int(round(high * 100)):02d}": self._quantile(high),
            "mean_rank": np.where(ranked, mean, np.nan),
            "mean_abs_shift": np.where(ranked, shift, np.nan),
            f"p_top_{top_k}": self.p_top(top_k).to_numpy(),
        }, index=self._index())
        order = {c: i for i, c in enumerate(self._card.framework.categories)}
        key = [order.get(p, -1) if p is not None else len(order) for p in pools]
        frame["_pool_order"] = key
        frame = frame.sort_values(["_pool_order", "base_rank"], na_position="last", kind="stable")
        for column in ("category", "pool"):  # None, not NaN, for "none" (pandas turns None into NaN on the way)
            frame[column] = pd.Series([v if isinstance(v, str) else None for v in frame[column]], index=frame.index,
                                      dtype=object)
        return frame.drop(columns="_pool_order")

    def __repr__(self) -> str:
        return (f"<kaohe.MonteCarlo: {len(self._core.unit_ids)} units, {self.samples} samples, seed {self.seed}, "
                f"mean |rank shift| {self.mean_abs_shift:.3g}>")


def monte_carlo(card: "ScoreCard", weights: Uncertain = None, *, samples: int = 10_000, seed: int = 1,
                threads: int = 0, scope: str = "auto", grades: bool = True,
                alternatives: Optional[Mapping[str, Changes]] = None, progress: ProgressArg = True) -> MonteCarlo:
    """Sample the uncertain ``weights`` (default: Dirichlet(50) on the root's children) ``samples`` times and
    count every unit's rank (and grade, quotas applied) in each sample.

    Results are identical for a given ``seed`` whatever ``threads`` is. Runs without the GIL; ``progress``
    shows a bar (True), calls your function(done, total) (return False to stop: :class:`kaohe.Cancelled`), or
    nothing (False). Ctrl-C stops the run and raises KeyboardInterrupt.

    ``alternatives`` samples discrete choices as COINr does: name -> changes (the same forms as
    :func:`what_if`, e.g. ``{"geometric": {"district.aggregation": "geometric"}, "zscore":
    {"court_rate.rule.method": "zscore"}}``). Each sample uses the base framework or one alternative, chosen
    uniformly, with the same sampled weights; :attr:`MonteCarlo.alternative_samples` counts them.
    """
    variants = {str(name): what_if(card, changes) for name, changes in (alternatives or {}).items()}
    callback, state = _progress(progress, "Monte Carlo")
    try:
        core = _core.monte_carlo(card._core, _uncertain_rows(weights),
                                 samples=_checks.whole("samples", samples, minimum=1),
                                 seed=_checks.whole("seed", seed, maximum=_checks.MAX_SEED),
                                 threads=_checks.threads(threads), scope=scope, progress=callback, grades=bool(grades),
                                 alternatives=[v._core for v in variants.values()])
    finally:
        _close(state)
    mc = MonteCarlo(core, card)
    mc._alternatives = ["base", *variants]
    return mc


# -- Sobol -------------------------------------------------------------------------------------------------
class Sobol:
    """First-order and total Sobol indices of each uncertain input on each unit's rank and on the mean
    absolute rank shift (Saltelli 2010 / Jansen estimators)."""

    def __init__(self, core: Any) -> None:
        self._core = core

    def _inputs(self) -> pd.Index:
        labels = []
        for node, cats in self._core.inputs:
            labels.append(node + (" [" + ", ".join(cats) + "]" if cats and any(cats) else ""))
        return pd.Index(labels, name="input")

    @property
    def first(self) -> pd.DataFrame:
        """First-order indices, inputs x units."""
        return pd.DataFrame(self._core.first, index=self._inputs(), columns=pd.Index(self._core.unit_ids, name="unit"))

    @property
    def total(self) -> pd.DataFrame:
        """Total indices, inputs x units."""
        return pd.DataFrame(self._core.total, index=self._inputs(), columns=pd.Index(self._core.unit_ids, name="unit"))

    @property
    def shift(self) -> pd.DataFrame:
        """Indices on the mean absolute rank shift: columns ``first`` and ``total``, one row per input."""
        return pd.DataFrame({"first": self._core.first_shift, "total": self._core.total_shift}, index=self._inputs())

    @property
    def runs(self) -> int:
        """Model evaluations: base_samples x (inputs + 2)."""
        return int(self._core.runs)

    def __repr__(self) -> str:
        return f"<kaohe.Sobol: {len(self._core.inputs)} inputs, {self._core.base_samples} base samples, {self.runs} runs>"


def sobol(card: "ScoreCard", weights: Uncertain = None, *, base_samples: int = 1024, seed: int = 1,
          threads: int = 0, scope: str = "auto", progress: ProgressArg = True) -> Sobol:
    """Sobol indices of each uncertain weight input on each unit's rank; ``base_samples x (inputs + 2)``
    re-weightings. Same threading, progress and interruption behaviour as :func:`monte_carlo`."""
    callback, state = _progress(progress, "Sobol")
    try:
        core = _core.sobol(card._core, _uncertain_rows(weights),
                           base_samples=_checks.whole("base_samples", base_samples, minimum=1),
                           seed=_checks.whole("seed", seed, maximum=_checks.MAX_SEED),
                           threads=_checks.threads(threads), scope=scope, progress=callback)
    finally:
        _close(state)
    return Sobol(core)
