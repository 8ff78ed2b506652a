"""AHP (层次分析法): priorities and consistency of pairwise comparison matrices, group AHP, whole hierarchies,
and share weights for a framework subtree.

A comparison matrix has ``a[i, j]`` = how much criterion i is preferred to criterion j on Saaty's 1-9 scale
(``a[j, i] = 1 / a[i, j]``, 1 on the diagonal). It may be a numpy array, a nested list (cells may be numbers or
fraction strings such as ``"1/3"``) or a DataFrame whose index and columns are the criteria. NaN (or an empty
cell) on both sides of a pair marks a missing judgement: the matrix is completed first (``completion``).

Every convention is a named parameter and is recorded with the result (``docs/ahp.md`` says which one reproduces
which published value):

- ``method``: ``"eigenvector"`` (Saaty's principal eigenvector; default), ``"geometric"`` (row geometric mean) or
  ``"columns"`` (mean of the column-normalised rows);
- ``random_index``: ``"saaty_1980"`` (default), ``"saaty_2005_alonso_lamata"``, ``"donegan_dodd_1991"``, a number
  (RI for the matrix at hand) or a dict ``{n: RI}``. A matrix larger than the table has no CR: pass RI yourself;
- ``lambda_max``: ``"eigenvalue"`` (the principal eigenvalue, default) or ``"priorities"`` (mean of
  ``(A w)_i / w_i`` with the method's own w, as pyDecision reports);
- ``completion`` of missing judgements: ``"auto"`` (``"llsm"`` for the geometric method, else ``"lambda_max"``),
  ``"lambda_max"`` (Bozoki-Fulop-Ronyai: minimise lambda_max) or ``"llsm"`` (logarithmic least squares).

>>> import kaohe.ahp as ahp
>>> r = ahp.priorities([[1, 3, 5], ["1/3", 1, 2], ["1/5", "1/2", 1]])
>>> r.weights.round(3).tolist(), round(r.cr, 4)
([0.648, 0.23, 0.122], 0.0032)
"""
from __future__ import annotations

import copy
import math
import numbers
from dataclasses import dataclass, field
from typing import Any, Dict, Hashable, List, Mapping, Optional, Sequence, Tuple, Union

import numpy as np
import pandas as pd

from . import _core
from .errors import DataError, FrameworkError, located, shown

__all__ = ["AHPResult", "AHPHierarchy", "priorities", "group", "hierarchy", "matrix_from_judgements",
           "random_index_table", "RI_TABLES"]

MatrixLike = Union[np.ndarray, pd.DataFrame, Sequence[Sequence[Any]]]
RandomIndexLike = Union[str, float, Mapping[int, float]]

RI_TABLES: Tuple[str, ...] = ("saaty_1980", "saaty_2005_alonso_lamata", "donegan_dodd_1991")
"""The built-in random index tables (``docs/ahp.md`` has their sources)."""

_CONSISTENT = 0.1  # Saaty's acceptance threshold for CR


# -- input conversion -----------------------------------------------------------------------------------------
def _judgement(value: Any, where: str) -> float:
    """One cell: a number, a fraction string ("1/3"), or blank/NaN for a missing judgement."""
    if value is None:
        return math.nan
    if isinstance(value, (bool, np.bool_)):
        raise DataError(f"{where}: {shown(value)} is not a judgement")
    if isinstance(value, (numbers.Real, np.integer, np.floating)):
        return float(value)
    text = str(value).strip()
    if not text or text.lower() in ("nan", "na", "n/a", "-"):
        return math.nan
    try:
        if "/" in text:
            top, bottom = text.split("/", 1)
            return float(top) / float(bottom)
        return float(text)
    except (ValueError, ZeroDivisionError):
        raise DataError(f"{where}: '{text}' is not a judgement (write a number such as 3, 0.2 or 1/5; "
                        "leave it empty for a missing judgement)") from None


def _as_matrix(matrix: MatrixLike, what: str = "the comparison matrix") -> Tuple[np.ndarray, Optional[List[Any]]]:
    """A C-order float64 array and the criterion labels (None when the input has none)."""
    labels: Optional[List[Any]] = None
    if isinstance(matrix, pd.DataFrame):
        rows, cols = list(matrix.index), list(matrix.columns)
        if len(set(rows)) != len(rows):
            raise DataError(f"{what}: the row labels are not unique")
        if rows != cols:
            if len(set(cols)) == len(cols) and set(cols) == set(rows):
                matrix = matrix.loc[:, rows]  # same criteria, columns in another order: align them with the rows
            else:
                only_rows = [r for r in rows if r not in set(cols)]
                only_cols = [c for c in cols if c not in set(rows)]
                raise DataError(f"{what}: the row labels and the column labels must be the same criteria "
                                f"(rows only: {only_rows}; columns only: {only_cols})")
        labels = rows
        raw: Any = matrix.to_numpy()
    else:
        raw = matrix
    try:
        values = np.asarray(raw, dtype=np.float64)
    except (TypeError, ValueError):
        cells = np.asarray(raw, dtype=object)
        if cells.ndim != 2:
            raise DataError(f"{what} must be a 2-D table of judgements, not {cells.ndim}-D") from None
        name = (lambda i: f" ('{labels[i]}')") if labels is not None else (lambda i: "")
        values = np.array([[_judgement(cells[i, j], f"{what}: row {i + 1}{name(i)}, column {j + 1}{name(j)}")
                            for j in range(cells.shape[1])] for i in range(cells.shape[0])], dtype=np.float64)
    if values.ndim != 2:
        raise DataError(f"{what} must be a 2-D table of judgements, not {values.ndim}-D")
    return np.ascontiguousarray(values), labels


def _random_index(ri: RandomIndexLike) -> Any:
    if isinstance(ri, str):
        return ri
    if isinstance(ri, (bool, np.bool_)):
        raise DataError("random_index must be a table name, a number or a dict n -> RI, not a bool")
    if isinstance(ri, (numbers.Real, np.integer, np.floating)):
        return float(ri)
    if isinstance(ri, Mapping):
        try:
            return {int(n): float(v) for n, v in ri.items()}
        except (TypeError, ValueError):
            raise DataError("random_index: a table must map n (an integer) to RI (a number)") from None
    raise DataError(f"random_index must be one of {', '.join(RI_TABLES)}, a number or a dict n -> RI, "
                    f"not {type(ri).__name__}")


def _options(method: str, random_index: RandomIndexLike, lambda_max: str, completion: str, scale_check: bool,
             reciprocal_tolerance: float) -> Dict[str, Any]:
    return {"method": str(method), "random_index": _random_index(random_index), "lambda_max": str(lambda_max),
            "completion": str(completion), "scale_check": bool(scale_check),
            "reciprocal_tolerance": float(reciprocal_tolerance)}


# -- results ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class AHPResult:
    """Priorities and consistency of one comparison matrix (or of a group).

    Attributes
    ----------
    weights : pd.Series
        Priorities (sum 1), indexed by criterion.
    lambda_max, ci, cr : float
        Principal eigenvalue (or the ``lambda_max="priorities"`` estimate), CI = (lambda_max - n)/(n - 1) and
        CR = CI / RI(n). CR = 0 for n <= 2 by definition.
    random_index : float
        RI(n) used (0 for n <= 2).
    ri_table : str
        ``saaty_1980``, ``saaty_2005_alonso_lamata``, ``donegan_dodd_1991`` or ``user``.
    method : str
        ``eigenvector``, ``geometric`` or ``columns``.
    consistent : bool
        ``cr <= 0.1`` (Saaty's rule).
    n : int
        Number of criteria.
    lambda_method : str
        ``eigenvalue`` or ``priorities``.
    completion : str or None
        ``lambda_max`` or ``llsm`` when missing judgements were completed, else None.
    matrix : pd.DataFrame or None
        The matrix used (missing judgements completed); None for a group aggregated from priorities.
    completed : tuple of (criterion, criterion)
        The pairs that were missing and completed.
    members, member_weights, group_method
        For :func:`group`: each member's result, the member weights used (sum 1) and the aggregation.
    """

    weights: pd.Series
    lambda_max: float
    ci: float
    cr: float
    random_index: float
    ri_table: str
    method: str
    consistent: bool
    n: int
    lambda_method: str = "eigenvalue"
    completion: Optional[str] = None
    matrix: Optional[pd.DataFrame] = field(default=None, repr=False)
    completed: Tuple[Tuple[Any, Any], ...] = ()
    members: Tuple["AHPResult", ...] = field(default=(), repr=False)
    member_weights: Optional[pd.Series] = field(default=None, repr=False)
    group_method: Optional[str] = None
    _inconsistencies: Tuple[Tuple[int, int, float, float, float], ...] = field(default=(), repr=False)
    _no_matrix: bool = field(default=False, repr=False)

    def inconsistencies(self, top: int = 5) -> pd.DataFrame:
        """The ``top`` judgements that disagree most with the priorities, worst first.

        For each judged pair (row before column in the matrix order; completed pairs excluded): ``judgement``
        a_ij as given, ``implied`` = w_i / w_j (the judgement that would agree with the priorities) and
        ``deviation`` = |ln(a_ij w_j / w_i)| (0 when consistent). When CR > 0.1, revisiting the first rows is
        Saaty's way to a consistent matrix.
        """
        if self._no_matrix:
            raise DataError("a group result aggregated from individual priorities has no group matrix: look at "
                            "each member's inconsistencies (result.members)")
        if isinstance(top, bool) or not isinstance(top, (int, np.integer)) or top < 0:
            raise DataError(f"top must be a whole number >= 0, not {shown(top)}")
        labels = list(self.weights.index)
        rows = self._inconsistencies[: int(top)]
        return pd.DataFrame({"row": [labels[r[0]] for r in rows], "column": [labels[r[1]] for r in rows],
                             "judgement": [r[2] for r in rows], "implied": [r[3] for r in rows],
                             "deviation": [r[4] for r in rows]},
                            columns=["row", "column", "judgement", "implied", "deviation"])


def _result(raw: Dict[str, Any], labels: Sequence[Any]) -> AHPResult:
    index = pd.Index(list(labels))
    matrix = None if raw["matrix"] is None else pd.DataFrame(raw["matrix"], index=index, columns=index)
    return AHPResult(
        weights=pd.Series(raw["weights"], index=index, name="weight"), lambda_max=float(raw["lambda_max"]),
        ci=float(raw["ci"]), cr=float(raw["cr"]), random_index=float(raw["random_index"]),
        ri_table=str(raw["ri_table"]), method=str(raw["method"]), consistent=bool(raw["cr"] <= _CONSISTENT),
        n=len(index), lambda_method=str(raw["lambda_method"]), completion=raw["completion"], matrix=matrix,
        completed=tuple((index[i], index[j]) for i, j in raw["completed"]),
        _inconsistencies=tuple(tuple(x) for x in raw["inconsistencies"]), _no_matrix=bool(raw["from_priorities"]))


def _labels(labels: Optional[List[Any]], n: int) -> List[Any]:
    return labels if labels is not None else list(range(n))


# -- single matrix ---------------------------------------------------------------------------------------------
def priorities(matrix: MatrixLike, *, method: str = "eigenvector", random_index: RandomIndexLike = "saaty_1980",
               scale_check: bool = True, lambda_max: str = "eigenvalue", completion: str = "auto",
               reciprocal_tolerance: float = 0.05, names: Optional[Sequence[Any]] = None) -> AHPResult:
    """Priorities, lambda_max, CI and CR of one pairwise comparison matrix.

    Parameters
    ----------
    matrix : array, nested list or DataFrame
        Square, positive, reciprocal judgements; a DataFrame's index/columns name the criteria. NaN or an empty
        cell on both sides of a pair = missing judgement (completed first; the judged pairs must connect all
        criteria).
    method : {"eigenvector", "geometric", "columns"}
        Priority method. Saaty's and AHPy's published numbers need ``"eigenvector"``.
    random_index : {"saaty_1980", "saaty_2005_alonso_lamata", "donegan_dodd_1991"}, float or dict
        RI table for CR, RI(n) itself, or a table ``{n: RI}`` of your own. No RI is invented beyond a table.
    scale_check : bool
        Require judgements in [1/9, 9] (Saaty's scale). Turn off for ratio data or other scales.
    lambda_max : {"eigenvalue", "priorities"}
        Principal eigenvalue (Saaty's CI), or mean((A w)_i / w_i) with the method's priorities.
    completion : {"auto", "lambda_max", "llsm"}
        How missing judgements are completed (``"auto"``: ``"llsm"`` for the geometric method, else
        ``"lambda_max"``).
    reciprocal_tolerance : float
        Largest accepted |a_ij a_ji - 1| (and |a_ii - 1|); 0.05 accepts reciprocals rounded to 2 decimals.
    names : sequence, optional
        Criterion names when ``matrix`` has no labels (else 0..n-1).

    Raises
    ------
    DataError
        A bad matrix (the message names the row, column, criteria and reason), a disconnected incomplete
        matrix, or no RI for n in the chosen table.
    """
    values, labels = _as_matrix(matrix)
    if names is not None:
        labels = list(names)
    labels = _labels(labels, values.shape[0])
    opts = _options(method, random_index, lambda_max, completion, scale_check, reciprocal_tolerance)
    raw = _core.ahp_priorities(values, [str(x) for x in labels], **opts)
    return _result(raw, labels)


# -- group -----------------------------------------------------------------------------------------------------
def group(matrices: Union[Sequence[MatrixLike], Mapping[Hashable, MatrixLike]], *,
          weights: Union[None, Sequence[float], Mapping[Hashable, float]] = None, how: str = "judgements",
          mean: str = "geometric", method: str = "eigenvector", random_index: RandomIndexLike = "saaty_1980",
          scale_check: bool = True, lambda_max: str = "eigenvalue", completion: str = "auto",
          reciprocal_tolerance: float = 0.05) -> AHPResult:
    """Group AHP over several decision makers' matrices of the same criteria.

    Parameters
    ----------
    matrices : sequence of matrices, or dict member -> matrix
        Labelled matrices (DataFrames) may list the criteria in different orders; they are aligned with the
        first one's.
    weights : sequence or dict member -> weight, optional
        Member weights (>= 0, divided by their sum); equal by default.
    how : {"judgements", "priorities"}
        ``"judgements"`` (AIJ): the element-wise weighted geometric mean of the matrices, then its priorities and
        consistency. ``"priorities"`` (AIP): each member's priorities, then their weighted ``mean``; the CR
        reported is the least consistent member's and there is no group matrix.
    mean : {"geometric", "arithmetic"}
        The mean of priorities for ``how="priorities"`` (renormalised to sum 1). Judgements are always
        aggregated geometrically, the only mean that keeps them reciprocal.

    Other parameters are those of :func:`priorities`, applied to every member and to the group matrix.
    """
    if isinstance(matrices, Mapping):
        members: List[Any] = list(matrices.keys())
        items = list(matrices.values())
    else:
        items = list(matrices)
        members = list(range(len(items)))
    if not items:
        raise DataError("group AHP needs at least one comparison matrix")
    if how == "judgements":
        if mean != "geometric":
            raise DataError("judgements are aggregated by their geometric mean (an arithmetic mean of judgements "
                            "is not reciprocal); use how='priorities' for an arithmetic mean")
        code = "judgements"
    elif how == "priorities":
        if mean not in ("geometric", "arithmetic"):
            raise DataError(f"unknown mean '{mean}' (known: geometric, arithmetic)")
        code = f"priorities_{mean}"
    else:
        raise DataError(f"unknown group aggregation '{how}' (known: judgements, priorities)")
    arrays: List[np.ndarray] = []
    labels: Optional[List[Any]] = None
    for member, item in zip(members, items):
        values, own = _as_matrix(item, f"member {shown(member)}'s comparison matrix")
        if own is not None and labels is None:
            labels = own
        elif own is not None and own != labels:
            if set(own) != set(labels or []) or len(own) != len(labels or []):
                raise DataError(f"member {shown(member)} compares other criteria than the first labelled member: "
                                f"{shown(list(own))} against {shown(list(labels or []))}")
            order = [own.index(x) for x in labels or []]
            values = np.ascontiguousarray(values[np.ix_(order, order)])
        arrays.append(values)
    if weights is None:
        w: List[float] = []
    elif isinstance(weights, Mapping):
        unknown = [k for k in weights if k not in set(members)]
        if unknown:
            raise DataError(f"member weights for unknown members: {unknown}")
        w = [float(weights.get(m, math.nan)) for m in members]
        missing = [m for m, x in zip(members, w) if math.isnan(x)]
        if missing:
            raise DataError(f"no weight for members {missing}")
    else:
        w = [float(x) for x in weights]
    labels = _labels(labels, arrays[0].shape[0] if arrays[0].ndim == 2 else 0)
    opts = _options(method, random_index, lambda_max, completion, scale_check, reciprocal_tolerance)
    raw = _core.ahp_group(arrays, [str(x) for x in labels], w, code, **opts)
    combined = _result(raw["combined"], labels)
    results = tuple(_result(r, labels) for r in raw["members"])
    return AHPResult(**{**combined.__dict__, "members": results,
                        "member_weights": pd.Series(raw["member_weights"], index=pd.Index(members), name="weight"),
                        "group_method": str(raw["how"])})


# -- hierarchy -------------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class AHPHierarchy:
    """A whole AHP hierarchy: local priorities and consistency at every compared node, global leaf weights.

    Attributes
    ----------
    goal : str
        The top node.
    weights : pd.Series
        Global weight of every leaf (nodes without comparisons), depth-first from the goal; sum 1.
    global_weights : pd.Series
        Global weight of every node (goal = 1).
    nodes : dict
        Compared node id -> its :class:`AHPResult` (its children's local priorities and consistency).
    parents : dict
        Node id -> the nodes it is compared under (more than one when the same alternatives are compared under
        every criterion).
    consistent : bool
        Every node's CR <= 0.1.
    """

    goal: str
    weights: pd.Series
    global_weights: pd.Series
    nodes: Dict[str, AHPResult] = field(repr=False)
    parents: Dict[str, Tuple[str, ...]] = field(repr=False)
    consistent: bool = True

    @property
    def consistency(self) -> pd.DataFrame:
        """One row per compared node (depth-first): n, lambda_max, ci, cr, random_index, ri_table, consistent."""
        order = [n for n in self.global_weights.index if n in self.nodes]
        return pd.DataFrame([{"node": n, "n": r.n, "lambda_max": r.lambda_max, "ci": r.ci, "cr": r.cr,
                              "random_index": r.random_index, "ri_table": r.ri_table, "consistent": r.consistent}
                             for n, r in ((n, self.nodes[n]) for n in order)]).set_index("node")

    def shares(self) -> Dict[str, float]:
        """Child id -> its share of its parent (local priority), for every compared child.

        Needs a tree: a node compared under several parents (alternatives under every criterion) has no single
        share and raises :class:`DataError`.
        """
        for node, ps in self.parents.items():
            if len(ps) > 1:
                raise DataError(f"AHP hierarchy: node '{node}' is compared under '{ps[0]}' and '{ps[1]}'; framework "
                                "share weights need a tree (each node has one parent)")
        return {str(child): float(w) for r in self.nodes.values() for child, w in r.weights.items()}

    def apply(self, framework: Any) -> Dict[str, Any]:
        """A copy of a framework (a :class:`kaohe.Framework` or its dict) whose compared nodes' children carry
        the hierarchy's local priorities as ``share`` weights.

        Every compared node must be a framework node with exactly the compared children (ids, any order); each
        child's ``points``/``weight``/``share`` is replaced by ``share``. Build the framework with
        ``kaohe.Framework.from_dict(h.apply(fw))``. Descendants stated in ``points`` below a node whose weight
        became a share must add up to that node's new points (or the node needs ``"renormalise": true``).
        """
        shares = self.shares()
        data = copy.deepcopy(framework.to_dict() if hasattr(framework, "to_dict") else dict(framework))
        if "root" not in data or not isinstance(data["root"], dict):
            raise located(FrameworkError, "the framework has no 'root' node")
        found: Dict[str, Tuple[Dict[str, Any], str]] = {}
        stack: List[Tuple[Dict[str, Any], str]] = [(data["root"], str(data["root"].get("id", "")))]
        while stack:
            node, path = stack.pop()
            found.setdefault(str(node.get("id", "")), (node, path))
            for child in node.get("children", []) or []:
                stack.append((child, f"{path}/{child.get('id', '')}"))
        for parent in self.global_weights.index:
            if parent not in self.nodes:
                continue
            if parent not in found:
                raise located(FrameworkError, f"AHP hierarchy node '{parent}' is not a node of the framework")
            node, path = found[parent]
            children = node.get("children", []) or []
            have = [str(c.get("id", "")) for c in children]
            want = [str(x) for x in self.nodes[parent].weights.index]
            if set(have) != set(want):
                missing = [x for x in want if x not in set(have)]
                extra = [x for x in have if x not in set(want)]
                raise located(FrameworkError, f"the AHP comparisons of '{parent}' do not match the node's children"
                              + (f"; compared but not children: {', '.join(missing)}" if missing else "")
                              + (f"; children not compared: {', '.join(extra)}" if extra else ""), path=path)
            for child in children:
                for key in ("points", "weight", "share"):
                    child.pop(key, None)
                child["share"] = shares[str(child["id"])]
        return data


def _comparison(node: str, spec: Any) -> Tuple[List[Any], MatrixLike]:
    if isinstance(spec, pd.DataFrame):
        return list(spec.index), spec
    if isinstance(spec, Mapping):
        if "children" not in spec or "matrix" not in spec:
            raise DataError(f"AHP hierarchy node '{node}': give a DataFrame, (children, matrix) or "
                            "{'children': [...], 'matrix': [[...]]}")
        return list(spec["children"]), spec["matrix"]
    if isinstance(spec, (tuple, list)) and len(spec) == 2 and not isinstance(spec[0], (str, bytes)):
        return list(spec[0]), spec[1]
    raise DataError(f"AHP hierarchy node '{node}': give a DataFrame, (children, matrix) or "
                    "{'children': [...], 'matrix': [[...]]}")


def hierarchy(spec: Mapping[str, Any], *, goal: Optional[str] = None, method: str = "eigenvector",
              random_index: RandomIndexLike = "saaty_1980", scale_check: bool = True, lambda_max: str = "eigenvalue",
              completion: str = "auto", reciprocal_tolerance: float = 0.05) -> AHPHierarchy:
    """Whole-hierarchy AHP: global weights of the leaves from a comparison matrix at every node.

    Parameters
    ----------
    spec : dict node id -> comparison of its children
        Each value is a DataFrame (its index = the children), a pair ``(children, matrix)`` or a dict
        ``{"children": [...], "matrix": [[...]]}``. Nodes without an entry are leaves. The same children may be
        compared under several nodes (goal -> criteria -> alternatives): a node's global weight is the sum over
        its parents of parent weight x local priority (Saaty's distributive synthesis); along a tree it is the
        product of the local priorities from the goal.
    goal : str, optional
        The top node; by default the one compared node that is nobody's child.

    Other parameters are those of :func:`priorities`, used at every node.

    Returns
    -------
    AHPHierarchy
        ``weights`` (leaves), ``global_weights`` (all nodes), ``nodes`` (local results with consistency),
        ``shares()`` and ``apply(framework)`` for a kaohe framework.
    """
    if not isinstance(spec, Mapping) or not spec:
        raise DataError("an AHP hierarchy is a non-empty dict: node id -> comparison of its children")
    comparisons = []
    children_of: Dict[str, List[str]] = {}
    for node, item in spec.items():
        children, matrix = _comparison(str(node), item)
        values, labels = _as_matrix(matrix, f"the comparison matrix of '{node}'")
        if labels is not None and [str(x) for x in labels] != [str(c) for c in children]:
            raise DataError(f"AHP hierarchy node '{node}': the matrix labels {labels} are not the children "
                            f"{children}")
        children_of[str(node)] = [str(c) for c in children]
        comparisons.append((str(node), children_of[str(node)], values))
    if goal is None:
        below = {c for cs in children_of.values() for c in cs}
        tops = [n for n in children_of if n not in below]
        if len(tops) != 1:
            raise DataError("cannot tell the goal of the AHP hierarchy: "
                            + (f"nodes {tops} are nobody's child; pass goal=" if tops else
                               "every compared node is somebody's child (a cycle); pass goal="))
        goal = tops[0]
    opts = _options(method, random_index, lambda_max, completion, scale_check, reciprocal_tolerance)
    raw = _core.ahp_hierarchy(str(goal), comparisons, **opts)
    nodes = {node: _result(r, children_of[node]) for node, r in raw["local"].items()}
    return AHPHierarchy(goal=str(raw["goal"]),
                        weights=pd.Series(raw["global"], index=pd.Index(raw["leaves"]), name="weight"),
                        global_weights=pd.Series(raw["node_global"], index=pd.Index(raw["nodes"]), name="weight"),
                        nodes=nodes, parents={k: tuple(v) for k, v in raw["parents"].items()},
                        consistent=all(r.consistent for r in nodes.values()))


# -- helpers ---------------------------------------------------------------------------------------------------
def matrix_from_judgements(judgements: Mapping[Any, float], order: Optional[Sequence[str]] = None) -> pd.DataFrame:
    """A comparison matrix (DataFrame, NaN = not judged) from judgements ``{("a", "b"): 3}`` or ``{"a>b": 3}``
    meaning "a is preferred to b by 3" (a_ab = 3, a_ba = 1/3).

    ``order`` lists the criteria (default: in order of first mention). Each pair may be judged once.
    """
    pairs: List[Tuple[str, str, float]] = []
    for key, value in judgements.items():
        if isinstance(key, str):
            if ">" not in key:
                raise DataError(f"judgement '{key}': write 'a>b' (a preferred to b) or a pair ('a', 'b')")
            more, less = (s.strip() for s in key.split(">", 1))
        elif isinstance(key, tuple) and len(key) == 2:
            more, less = str(key[0]), str(key[1])
        else:
            raise DataError(f"judgement {shown(key)}: write 'a>b' (a preferred to b) or a pair ('a', 'b')")
        pairs.append((more, less, _judgement(value, f"judgement '{more}>{less}'")))
    names = list(order) if order is not None else list(dict.fromkeys(x for p in pairs for x in p[:2]))
    index = {n: i for i, n in enumerate(names)}
    if len(index) != len(names):
        raise DataError("a criterion is listed twice in order")
    a = np.full((len(names), len(names)), np.nan)
    np.fill_diagonal(a, 1.0)
    for more, less, value in pairs:
        for name in (more, less):
            if name not in index:
                raise DataError(f"judgement '{more}>{less}': '{name}' is not one of the criteria {names}")
        i, j = index[more], index[less]
        if i == j:
            raise DataError(f"judgement '{more}>{less}' compares a criterion with itself")
        if not math.isnan(a[i, j]):
            raise DataError(f"the pair '{more}', '{less}' is judged more than once")
        a[i, j], a[j, i] = value, 1.0 / value if value != 0 else math.inf
    return pd.DataFrame(a, index=pd.Index(names), columns=pd.Index(names))


def random_index_table(name: str = "saaty_1980") -> pd.Series:
    """A built-in random index table as a Series indexed by n."""
    table = _core.ahp_random_index_table(str(name))
    return pd.Series(table, name=str(name)).sort_index()
