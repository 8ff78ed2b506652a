"""ScoreCard: the result of scoring, as pandas objects for analysts and numpy views for scripts."""
from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Union

import numpy as np
import pandas as pd

from . import _core
from ._output import excel_writer, replacing, write_text
from .data import Units

if TYPE_CHECKING:  # pragma: no cover
    from .framework import Framework
    from .sensitivity import Changes, MonteCarlo, Sobol

__all__ = ["ScoreCard"]


class ScoreCard:
    """Points per leaf and group, adjustments, totals, ranks, grades and explanations for every unit.

    Obtain one from :meth:`kaohe.Framework.score`. The arrays under :attr:`arrays` are read-only views on the
    engine's memory (no copies); the pandas accessors build labelled frames from them.
    """

    __slots__ = ("_core", "_framework", "_units")

    def __init__(self, core: _core.ScoreCard, framework: "Framework", units: Units) -> None:
        self._core = core
        self._framework = framework
        self._units = units

    # -- raw arrays --------------------------------------------------------------------------------------
    @property
    def arrays(self) -> Dict[str, np.ndarray]:
        """Zero-copy, read-only numpy views: ``total``, ``weighted_total``, ``rank``, ``rank_in_category``
        (units), ``leaf_ratio`` (units x leaves), ``node_points`` (units x nodes), ``adjustment_points``."""
        c = self._core
        return {"total": c.total, "weighted_total": c.weighted_total, "rank": c.rank,
                "rank_in_category": c.rank_in_category, "leaf_ratio": c.leaf_ratio,
                "node_points": c.node_points, "adjustment_points": c.adjustment_points}

    @property
    def framework(self) -> "Framework":
        """The framework the units were scored on."""
        return self._framework

    @property
    def units(self) -> pd.DataFrame:
        """Units in input order: id (index), name, category, in_pool."""
        u = self._units
        return pd.DataFrame({"name": u.names, "category": u.categories, "in_pool": u.in_pool},
                            index=pd.Index(u.ids, name="unit"))

    @property
    def unit_ids(self) -> List[str]:
        return list(self._units.ids)

    @property
    def total(self) -> pd.Series:
        """Total points (weighted total plus adjustments) per unit, full precision."""
        return pd.Series(self._core.total, index=self._index(), name="total")

    @property
    def rank(self) -> pd.Series:
        """Overall rank (1 = best; NaN for disqualified units and units outside every pool)."""
        return pd.Series(self._core.rank, index=self._index(), name="rank")

    @property
    def grade(self) -> pd.Series:
        """Final grade id per unit (None when not graded)."""
        return pd.Series([g or None for g in self._core.grade], index=self._index(), name="grade", dtype=object)

    @property
    def points(self) -> pd.DataFrame:
        """Points per leaf indicator (units x leaves, columns are leaf ids); 0 where a leaf does not apply."""
        nodes = self._framework._core.nodes
        return pd.DataFrame(self._core.leaf_points(), index=self._index(),
                            columns=pd.Index([nodes[i]["id"] for i in self._core.leaves], name="indicator"))

    @property
    def node_points(self) -> pd.DataFrame:
        """Points of every node, groups and leaves (units x nodes); NaN where excluded for missing data. Beside an
        excluded sibling a node has the points it contributes after the reweighting, so the points of an
        arithmetic group's children add up to the group's. See :attr:`scores` for each node on a 0-100 scale."""
        nodes = self._framework._core.nodes
        return pd.DataFrame(self._core.node_points, index=self._index(),
                            columns=pd.Index([n["id"] for n in nodes], name="node"))

    @property
    def scores(self) -> pd.DataFrame:
        """Every node's score (units x nodes): its ratio on the framework's ``score_scale`` (0-100 unless the
        framework says otherwise), the figure an index reader expects for a group (COINr's aggregate scores:
        ASEM's Connectivity 81.16 for Germany, where its points are 40.58 of 50). NaN where a node does not apply
        or is excluded. A geometric group's score is the weighted geometric mean of its children's scores."""
        nodes = self._framework._core.nodes
        return pd.DataFrame(self._core.node_scores(), index=self._index(),
                            columns=pd.Index([n["id"] for n in nodes], name="node"))

    @property
    def adjustments(self) -> pd.DataFrame:
        """Points from bonus/penalty blocks outside the tree (units x adjustments)."""
        return pd.DataFrame(self._core.adjustment_points, index=self._index(),
                            columns=pd.Index(self._framework._core.adjustment_ids, name="adjustment"))

    @property
    def warnings(self) -> List[str]:
        """Things worth a look that did not stop scoring (ties at a quota line, unchecked veto conditions)."""
        return list(self._core.warnings)

    def _index(self) -> pd.Index:
        return pd.Index(self._units.ids, name="unit")

    # -- tables ------------------------------------------------------------------------------------------
    def table(self, *, rounded: bool = True, scores: bool = False) -> pd.DataFrame:
        """The ranked table: unit, name, category, total, rank, rank in category, grade, then points per
        top-level group (or their scores), sorted by rank (units without a rank last).

        Parameters
        ----------
        rounded : bool
            Round figures half-up as the framework's ``rounding`` declares (default). ``False`` gives full
            precision.
        scores : bool
            Show each top-level group's score (its ratio on the framework's ``score_scale``, 0-100 by default)
            instead of its points.
        """
        fw = self._framework._core
        nodes = fw.nodes
        top = [i for i, n in enumerate(nodes) if n["parent"] == 0]
        order = self._core.order()
        node_points = self._core.node_scores() if scores else self._core.node_points
        u = self._units
        pub = self._core.published if rounded else (lambda v, what: v)
        grades = dict(fw.grades)
        cats = dict(fw.categories)
        rows = []
        for i in order:
            row: Dict[str, Any] = {
                "unit": u.ids[i], "name": u.names[i], "category": cats.get(u.categories[i], u.categories[i]) or None,
                "total": pub(float(self._core.total[i]), "total"),
                "rank": _int_or_none(self._core.rank[i]),
                "rank_in_category": _int_or_none(self._core.rank_in_category[i]),
                "grade": grades.get(self._core.grade[i], self._core.grade[i]) or None,
            }
            for n in top:
                value = float(node_points[i, n])
                row[nodes[n]["name"] or nodes[n]["id"]] = value if np.isnan(value) else pub(value, "nodes")
            rows.append(row)
        frame = pd.DataFrame(rows)
        for column in ("rank", "rank_in_category"):  # integers unless ties are averaged (2.5)
            values = pd.to_numeric(frame[column], errors="coerce")
            if values.dropna().map(lambda v: float(v).is_integer()).all():
                frame[column] = values.astype("Int64")
        return frame.set_index("unit")

    def explain(self, unit: str) -> str:
        """A readable breakdown of one unit's score: every leaf's arithmetic, deductions, bonuses, vetoes,
        grade steps, and why rounded parts may not add up to the rounded total."""
        return str(self._core.explain(str(unit)))

    def explain_frame(self, unit: str) -> pd.DataFrame:
        """The explanation of one unit as a table: path, kind, points, note."""
        try:
            i = self._units.ids.index(str(unit))
        except ValueError:
            from .errors import DataError
            raise DataError(f"unit '{unit}': no such unit in this score card") from None
        return pd.DataFrame(self._core.explain_lines(i), columns=["path", "kind", "points", "note"])

    # -- export ------------------------------------------------------------------------------------------
    def to_json(self, path: Optional[Union[str, "os.PathLike[str]"]] = None) -> Optional[str]:
        """Everything as JSON (full precision). Writes to ``path`` when given (atomically, as :meth:`to_csv`
        does), else returns the text."""
        text = self._core.to_json()
        if path is None:
            return text
        write_text(path, text)
        return None

    def to_csv(self, path: Union[str, "os.PathLike[str]"], *, encoding: str = "utf-8-sig", rounded: bool = True,
               scores: bool = False, raw: bool = False) -> None:
        """The ranked table (:meth:`table`) as CSV. The default encoding writes a BOM so that Excel on Chinese
        Windows opens the names correctly; pass ``encoding="utf-8"`` or ``"gb18030"`` to choose. ``rounded=False``
        writes every figure at full precision (each double's round-trip digits); ``scores=True`` gives the
        top-level groups' scores instead of their points, as :meth:`table` does.

        The file is written atomically (to a temporary file beside it, renamed into place): an interrupted or
        failed write leaves an existing file as it was.

        Text cells (unit ids and names, categories, grades, group names in the header) that start with ``=``,
        ``+``, ``-``, ``@``, a tab or a carriage return are written with a leading ``'`` so that a spreadsheet
        does not run them as formulas (OWASP's CSV-injection advice; numbers are never touched). ``raw=True``
        writes the exact text (see docs/formats.md, "Safe output")."""
        from ._cells import LINE_END, safe_frame

        table = safe_frame(self.table(rounded=rounded, scores=scores), raw=raw)
        with replacing(path) as temp:
            table.to_csv(temp, encoding=encoding, lineterminator=LINE_END)

    def to_excel(self, path: Union[str, "os.PathLike[str]"], *, rounded: bool = True, scores: bool = False,
                 raw: bool = False) -> None:
        """The ranked table, points per leaf and explanations in one workbook (needs openpyxl). ``rounded`` and
        ``scores`` choose the ranked table's figures as in :meth:`to_csv`; ``scores=True`` also adds a
        ``scores`` sheet with every node's score (:attr:`scores`, full precision, as the points sheet is). The
        file is written atomically, as :meth:`to_csv` does.

        Every text cell is stored as text, never as a formula, and text that starts with ``=``, ``+``, ``-``,
        ``@``, a tab or a carriage return gets a leading ``'`` as in :meth:`to_csv`; ``raw=True`` writes the
        exact text (still as text cells)."""
        try:
            import openpyxl  # noqa: F401
        except ImportError:  # pragma: no cover
            raise ImportError("writing .xlsx needs openpyxl: pip install 'kaohe[excel]'") from None
        from ._cells import safe_frame, text_cells

        with excel_writer(path) as writer:
            safe_frame(self.table(rounded=rounded, scores=scores), raw=raw).to_excel(writer, sheet_name="ranking")
            safe_frame(self.points, raw=raw).to_excel(writer, sheet_name="points")
            if scores:
                safe_frame(self.scores, raw=raw).to_excel(writer, sheet_name="scores")
            lines = [dict(unit=u, **row) for u in self._units.ids for row in self.explain_frame(u).to_dict("records")]
            safe_frame(pd.DataFrame(lines), raw=raw).to_excel(writer, sheet_name="explanations", index=False)
            text_cells(writer)

    def to_dict(self) -> Dict[str, Any]:
        """The JSON export as Python objects."""
        return json.loads(self._core.to_json())

    # -- display -----------------------------------------------------------------------------------------
    # -- what-if and sensitivity (kaohe.sensitivity) ----------------------------------------------------
    def what_if(self, changes: "Changes", *, policy: str = "proportional", unit: str = "own") -> "ScoreCard":
        """This card under weight or rule-parameter changes, applied jointly: ``{"rule_of_law": 15}``,
        ``{"rule_of_law": "15%"}``, ``{"rule_of_law@town": 15}``, ``{"court_rate.rule.target": 0.9}``, or a pandas
        Series of weights (``unit="share"`` for MCDA shares). The new card's :attr:`framework` has the new
        weights. See :func:`kaohe.sensitivity.what_if`."""
        from .sensitivity import what_if

        return what_if(self, changes, policy=policy, unit=unit)

    def compare(self, other: "ScoreCard", *, drivers: int = 5) -> pd.DataFrame:
        """Per unit: totals, ranks and grades here and in ``other``, band and quota crossings, and the nodes that
        drove each change. See :func:`kaohe.sensitivity.compare`."""
        from .sensitivity import compare

        return compare(self, other, drivers=drivers)

    def stability(self, nodes: Optional[List[str]] = None, *, category: Optional[str] = None, top_k: int = 10,
                  scope: str = "auto") -> pd.DataFrame:
        """Exact share intervals over which the ranking, top-k set and grades stay unchanged, per node. See
        :func:`kaohe.sensitivity.stability`."""
        from .sensitivity import stability

        return stability(self, nodes, category=category, top_k=top_k, scope=scope)

    def overtake(self, node: str, unit: str, over: str, *, category: Optional[str] = None) -> Dict[str, Any]:
        """The smallest change of ``node``'s share that lifts ``unit`` level with ``over``. See
        :func:`kaohe.sensitivity.overtake`."""
        from .sensitivity import overtake

        return overtake(self, node, unit, over, category=category)

    def monte_carlo(self, weights: Any = None, *, samples: int = 10_000, seed: int = 1, threads: int = 0,
                    scope: str = "auto", grades: bool = True, alternatives: Any = None,
                    progress: Any = True) -> "MonteCarlo":
        """Rank (and grade) histograms under sampled weights, optionally also sampling discrete alternatives
        (another normalisation, aggregation or missing-data policy). See :func:`kaohe.sensitivity.monte_carlo`."""
        from .sensitivity import monte_carlo

        return monte_carlo(self, weights, samples=samples, seed=seed, threads=threads, scope=scope, grades=grades,
                           alternatives=alternatives, progress=progress)

    def sobol(self, weights: Any = None, *, base_samples: int = 1024, seed: int = 1, threads: int = 0,
              scope: str = "auto", progress: Any = True) -> "Sobol":
        """Sobol indices of the uncertain weights on every rank. See :func:`kaohe.sensitivity.sobol`."""
        from .sensitivity import sobol

        return sobol(self, weights, base_samples=base_samples, seed=seed, threads=threads, scope=scope,
                     progress=progress)

    def __repr__(self) -> str:
        return f"<kaohe.ScoreCard: {len(self._units.ids)} units on '{self._framework.id}'>"

    def __str__(self) -> str:
        return str(self._core.ranked_table())

    def _repr_html_(self) -> str:
        head = f"<p><b>kaohe score card</b>: {len(self._units.ids)} units on <code>{self._framework.id}</code></p>"
        warn = "".join(f"<p>⚠ {w}</p>" for w in self.warnings)
        return head + self.table().to_html(na_rep="") + warn


def _int_or_none(value: float) -> Optional[int]:
    return None if np.isnan(value) else int(value) if float(value).is_integer() else value  # type: ignore[return-value]
