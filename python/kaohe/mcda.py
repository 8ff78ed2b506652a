"""Multi-criteria decision analysis: objective weights, combined weights, TOPSIS, VIKOR, weighted sum/product and
rank comparison, with every convention a named parameter and recorded with the result.

The decision matrix has alternatives in rows and criteria in columns. It may be a 2-D numpy array (a C-order
float64 array is read in place, without a copy), a nested list, or a DataFrame (column names = criteria, index =
alternatives; results are labelled the same). ``types`` is a sequence with one entry per criterion: ``1`` or
``"benefit"`` (more is better), ``-1`` or ``"cost"`` (less is better).

Which convention reproduces which published value, and what happens on degenerate data (constant columns,
zeros, ties, one alternative), is documented per function and in ``docs/mcda.md``.

>>> import kaohe.mcda as mcda
>>> X = [[1, 3000], [2, 3750], [5, 4500]]
>>> mcda.topsis(X, [0.5, 0.5], [-1, 1], normalisation="minmax").scores.round(3).tolist()
[0.5, 0.617, 0.5]
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

import numpy as np
import pandas as pd

from . import _checks, _core
from .errors import DataError, shown

__all__ = ["entropy_weights", "critic_weights", "std_weights", "merec_weights", "equal_weights", "combine_weights",
           "normalise", "topsis", "vikor", "weighted_sum", "weighted_product", "rank", "spearman",
           "weighted_spearman", "ws_similarity", "kendall_tau_b", "draws_distance", "kemeny_distance",
           "frobenius_distance", "TopsisResult", "VikorResult", "ScoreResult"]

MatrixLike = Union[np.ndarray, pd.DataFrame, Sequence[Sequence[float]]]
TypesLike = Optional[Sequence[Union[int, str]]]
VectorLike = Union[np.ndarray, pd.Series, Sequence[float]]

_TYPE_CODES = {1: 1, -1: -1, "benefit": 1, "cost": -1}


class _Matrix:
    """The matrix as a C-order float64 array (no copy when it already is one) plus its labels."""

    def __init__(self, matrix: MatrixLike) -> None:
        if isinstance(matrix, pd.DataFrame):
            self.criteria: Optional[pd.Index] = matrix.columns
            self.alternatives: Optional[pd.Index] = matrix.index
            try:
                values = matrix.to_numpy(dtype=np.float64)
            except (TypeError, ValueError) as exc:
                raise DataError(f"the decision matrix must be numeric: {exc}") from None
        else:
            self.criteria = self.alternatives = None
            try:
                values = np.asarray(matrix, dtype=np.float64)
            except (TypeError, ValueError) as exc:
                raise DataError(f"the decision matrix must be numeric: {exc}") from None
        if values.ndim != 2:
            raise DataError(f"the decision matrix must be 2-D (alternatives x criteria), not {values.ndim}-D")
        self.values = np.ascontiguousarray(values)
        self.shape: Tuple[int, int] = self.values.shape  # type: ignore[assignment]

    @property
    def criterion_names(self) -> List[str]:
        return [str(c) for c in self.criteria] if self.criteria is not None else []

    @property
    def alternative_names(self) -> List[str]:
        # Names are only used in error messages; skip building a million strings for a large RangeIndex.
        if self.alternatives is None or isinstance(self.alternatives, pd.RangeIndex):
            return []
        return [str(a) for a in self.alternatives]

    def criterion_index(self) -> pd.Index:
        return self.criteria if self.criteria is not None else pd.RangeIndex(self.shape[1])

    def alternative_index(self) -> pd.Index:
        return self.alternatives if self.alternatives is not None else pd.RangeIndex(self.shape[0])

    def per_criterion(self, values: Any, what: str) -> Any:
        """A per-criterion sequence; a Series is aligned to the DataFrame's columns by label."""
        if isinstance(values, pd.Series) and self.criteria is not None:
            if set(values.index) != set(self.criteria):
                raise DataError(f"the {what} are labelled {list(values.index)}, the matrix's criteria are "
                                f"{list(self.criteria)}")
            values = values.reindex(self.criteria)
        return values


def _types(types: TypesLike, m: _Matrix, required: bool) -> List[int]:
    if types is None:
        if required:
            raise DataError("this method needs the criterion types (1/'benefit' or -1/'cost' per criterion)")
        return []
    types = m.per_criterion(types, "criterion types")
    out: List[int] = []
    for j, t in enumerate(list(types)):
        if isinstance(t, str):
            key: Any = t.lower()
        elif isinstance(t, (int, float, np.integer, np.floating)) and float(t) in (1.0, -1.0):
            key = int(t)
        else:
            key = t
        if key not in _TYPE_CODES:
            raise DataError(f"criterion type {j + 1} is {shown(t)}; use 1 or 'benefit', -1 or 'cost'")
        out.append(_TYPE_CODES[key])
    if len(out) != m.shape[1]:
        raise DataError(f"{len(out)} criterion types given for {m.shape[1]} criteria")
    return out


def _weights(weights: VectorLike, m: _Matrix) -> np.ndarray:
    w = np.asarray(m.per_criterion(weights, "weights"), dtype=np.float64)
    if w.ndim != 1:
        raise DataError("the weights must be a 1-D sequence, one per criterion")
    return w


def _weight_series(result: Dict[str, Any], m_index: pd.Index) -> pd.Series:
    s = pd.Series(result["weights"], index=m_index, name="weight")
    s.attrs["method"] = result["method"]
    s.attrs["variant"] = result["variant"]
    s.attrs["diagnostics"] = {k: pd.Series(v, index=m_index, name=k) for k, v in result["diagnostics"].items()}
    return s


# ---- objective weights ------------------------------------------------------------------------------------------

def entropy_weights(matrix: MatrixLike, types: TypesLike = None, *, cost: str = "ignore",
                    threads: int = 0) -> pd.Series:
    """Entropy weights (熵权法): ``p = x / sum(x)``, ``E = -sum(p ln p) / ln m``, ``w ∝ 1 - E``.

    Parameters
    ----------
    matrix : array-like or DataFrame
        Alternatives x criteria; values must be >= 0 (0 ln 0 = 0).
    types : sequence, optional
        Criterion types; only used with ``cost="reciprocal"``.
    cost : {"ignore", "reciprocal"}
        ``"ignore"`` (default) uses every column as given, which is what every published case does (Elsayed 2017,
        Xu 2004, Zavadskas 2016, Ersoy 2021, Lee 2018; pymcdm, scikit-criteria, pyrepo-mcda). ``"reciprocal"``
        maps cost columns to 1/x first (pyDecision).
    threads : int
        Worker threads (0 = all cores); the result does not depend on it.

    Returns
    -------
    pandas.Series
        Weights summing to 1, indexed by criterion. ``attrs["method"]``, ``attrs["variant"]`` record the
        convention; ``attrs["diagnostics"]`` holds the entropy and divergence of each criterion.

    Raises
    ------
    DataError
        Negative values, a non-finite value (naming the row and criterion), an all-zero column, fewer than 2
        alternatives, or every column constant. A constant column gets weight 0.
    """
    m = _Matrix(matrix)
    r = _core.mcda_entropy_weights(m.values, _types(types, m, cost == "reciprocal"), cost, m.alternative_names,
                                   m.criterion_names, _checks.threads(threads))
    return _weight_series(r, m.criterion_index())


def critic_weights(matrix: MatrixLike, types: TypesLike = None, *, correlation: str = "pearson",
                   normalisation: str = "minmax", threads: int = 0) -> pd.Series:
    """CRITIC weights (Diakoulaki et al. 1995): ``w ∝ s_j * sum_k (1 - r_jk)``.

    Parameters
    ----------
    matrix : array-like or DataFrame
    types : sequence, optional
        Criterion types, used by ``normalisation="minmax"`` to orient cost columns (None: all benefit).
    correlation : {"pearson", "spearman"}
        Spearman is the Pearson correlation of average ranks; the standard deviation stays that of the values.
    normalisation : {"minmax", "minmax_all_benefit", "none"}
        ``"minmax"``: (x - worst)/(best - worst) oriented by type (the paper; scikit-criteria scale=True).
        ``"minmax_all_benefit"``: every column as a benefit, types ignored (pymcdm; reproduces Tuş & Adalı 2019,
        whose price column is a cost). ``"none"``: raw values (scikit-criteria scale=False).

    Returns
    -------
    pandas.Series
        Weights summing to 1; diagnostics ``std``, ``conflict``, ``information``.

    Raises
    ------
    DataError
        A constant column (its correlation is undefined; the message names it), fewer than 2 alternatives or 2
        criteria, non-finite values.
    """
    m = _Matrix(matrix)
    r = _core.mcda_critic_weights(m.values, _types(types, m, False), normalisation, correlation,
                                  m.alternative_names, m.criterion_names, _checks.threads(threads))
    return _weight_series(r, m.criterion_index())


def std_weights(matrix: MatrixLike, types: TypesLike = None, *, normalisation: str = "none",
                threads: int = 0) -> pd.Series:
    """Standard-deviation weights ``w ∝ s_j``.

    ``normalisation="none"`` (default) uses the raw values (pymcdm, scikit-criteria, pyrepo-mcda; reproduces
    Jahan & Edwards 2013 and Sałabun 2020), so the weights depend on each criterion's unit; ``"minmax"`` divides
    each standard deviation by the column's range. ddof cancels. A constant column gets weight 0; every column
    constant is a DataError. ``types`` is accepted for a uniform signature and not used.
    """
    m = _Matrix(matrix)
    r = _core.mcda_std_weights(m.values, _types(types, m, False), normalisation, m.alternative_names,
                               m.criterion_names, _checks.threads(threads))
    return _weight_series(r, m.criterion_index())


def merec_weights(matrix: MatrixLike, types: TypesLike, *, threads: int = 0) -> pd.Series:
    """MEREC weights (Keshavarz-Ghorabaee et al. 2021): the removal effect of each criterion.

    Normalisation ``min/x`` for benefit and ``x/max`` for cost criteria; every value must be > 0 (a logarithm is
    taken): a value <= 0 raises DataError naming the row and criterion.
    """
    m = _Matrix(matrix)
    r = _core.mcda_merec_weights(m.values, _types(types, m, True), m.alternative_names, m.criterion_names, _checks.threads(threads))
    return _weight_series(r, m.criterion_index())


def equal_weights(n_or_matrix: Union[int, MatrixLike]) -> pd.Series:
    """Equal weights ``1/n``, for ``n`` criteria or for the columns of a matrix/DataFrame."""
    if isinstance(n_or_matrix, (int, np.integer)):
        n = int(n_or_matrix)
        if n < 1:
            raise DataError("equal weights need at least one criterion")
        index: pd.Index = pd.RangeIndex(n)
    else:
        m = _Matrix(n_or_matrix)
        n, index = m.shape[1], m.criterion_index()
    s = pd.Series(np.full(n, 1.0 / n), index=index, name="weight")
    s.attrs.update(method="equal", variant="1/n", diagnostics={})
    return s


def combine_weights(subjective: VectorLike, objective: VectorLike, *, alpha: float = 0.5,
                    how: str = "linear") -> pd.Series:
    """Combine subjective and objective weights (主客观组合赋权).

    Each input is first divided by its own sum. ``how="linear"``: ``alpha * s + (1 - alpha) * o`` with alpha in
    [0, 1]. ``how="multiplicative"``: ``s * o / sum(s * o)`` (alpha not used). Two Series are aligned by label.

    Raises
    ------
    DataError
        Different lengths or labels, negative or non-finite weights, alpha outside [0, 1], or (multiplicative)
        no criterion with both weights positive.
    """
    index: Optional[pd.Index] = None
    if isinstance(subjective, pd.Series):
        index = subjective.index
        if isinstance(objective, pd.Series):
            if set(objective.index) != set(index):
                raise DataError(f"the subjective weights are labelled {list(index)}, the objective ones "
                                f"{list(objective.index)}")
            objective = objective.reindex(index)
    elif isinstance(objective, pd.Series):
        index = objective.index
    s = np.asarray(subjective, dtype=np.float64)
    o = np.asarray(objective, dtype=np.float64)
    r = _core.mcda_combine_weights(s, o, float(alpha), how)
    return _weight_series(r, index if index is not None else pd.RangeIndex(len(s)))


def normalise(matrix: MatrixLike, types: TypesLike = None, *, how: str = "minmax") -> Union[np.ndarray, pd.DataFrame]:
    """Normalise each column (pymcdm's cost rules): ``how`` in none, minmax, max, sum, vector, linear.

    Cost columns: minmax ``(max-x)/(max-min)``, max ``1-x/max``, sum ``(1/x)/sum(1/x)``, vector ``1-x/||x||``,
    linear ``min/x``. Returns a DataFrame for a DataFrame input, else an array.
    """
    m = _Matrix(matrix)
    out = _core.mcda_normalise(m.values, _types(types, m, False), how, m.alternative_names, m.criterion_names)
    if m.criteria is not None:
        return pd.DataFrame(out, index=m.alternative_index(), columns=m.criteria)
    return out


# ---- rankings ---------------------------------------------------------------------------------------------------

def rank(scores: VectorLike, *, higher_is_better: bool = True, ties: str = "competition") -> pd.Series:
    """Ranks (1 = best) of scores; ``ties`` in competition (1224), dense (1223), average, ordinal (row order)."""
    index = scores.index if isinstance(scores, pd.Series) else None
    r = _core.mcda_rank(np.asarray(scores, dtype=np.float64), higher_is_better, ties)
    return pd.Series(r, index=index, name="rank")


@dataclass
class TopsisResult:
    """TOPSIS closeness (``scores``, higher is better) and its parts; ``ranking`` is computed on first access."""

    scores: pd.Series
    d_plus: Optional[pd.Series]
    d_minus: Optional[pd.Series]
    ideal: pd.Series
    anti_ideal: pd.Series
    variant: str
    ties: str = "competition"

    @cached_property
    def ranking(self) -> pd.Series:
        return rank(self.scores, ties=self.ties)


@dataclass
class VikorResult:
    """VIKOR's S, R, Q (lower is better), ranking, compromise set and the two acceptance conditions."""

    S: pd.Series
    R: pd.Series
    Q: pd.Series
    ranking: pd.Series
    compromise: List[Any]
    acceptable_advantage: bool
    acceptable_stability: bool
    dq: float
    order: List[Any]
    variant: str


@dataclass
class ScoreResult:
    """Weighted sum / product scores (higher is better); ``ranking`` is computed on first access."""

    scores: pd.Series
    method: str
    variant: str
    ties: str = "competition"
    extra: Dict[str, Any] = field(default_factory=dict)

    @cached_property
    def ranking(self) -> pd.Series:
        return rank(self.scores, ties=self.ties)


def topsis(matrix: MatrixLike, weights: VectorLike, types: TypesLike, *, normalisation: str = "vector",
           ties: str = "competition", distances: bool = True, threads: int = 0) -> TopsisResult:
    """TOPSIS closeness to the ideal: ``D- / (D+ + D-)``.

    Parameters
    ----------
    normalisation : {"vector", "minmax", "none"}
        ``"vector"`` (x/||x||; reproduces Tzeng & Huang 2011, Ersoy 2021), ``"minmax"`` (pymcdm's default;
        reproduces Opricovic & Tzeng 2004 and pymcdm's README), ``"none"`` (scikit-criteria, pre-scaled data).
        Cost criteria take their ideal at the column minimum. Weights are used as given (the score does not
        change when all weights are scaled).
    ties : str
        Tie method of ``ranking``.
    distances : bool
        Keep ``d_plus``/``d_minus`` (set False to save memory on very large matrices).

    Notes
    -----
    A constant column contributes 0 to both distances. Every positively weighted column constant, or a single
    alternative, is a DataError. With vector normalisation the scores of the other alternatives change when an
    alternative is duplicated (the column norms change); with min-max they do not.
    """
    m = _Matrix(matrix)
    r = _core.mcda_topsis(m.values, _weights(weights, m), _types(types, m, True), normalisation, ties, distances,
                          m.alternative_names, m.criterion_names, _checks.threads(threads))
    alt, crit = m.alternative_index(), m.criterion_index()
    return TopsisResult(
        scores=pd.Series(r["scores"], index=alt, name="score", copy=False),
        d_plus=pd.Series(r["d_plus"], index=alt, name="d_plus", copy=False) if distances else None,
        d_minus=pd.Series(r["d_minus"], index=alt, name="d_minus", copy=False) if distances else None,
        ideal=pd.Series(r["ideal"], index=crit, name="ideal"),
        anti_ideal=pd.Series(r["anti_ideal"], index=crit, name="anti_ideal"),
        variant=r["variant"], ties=ties)


def vikor(matrix: MatrixLike, weights: VectorLike, types: TypesLike, *, v: float = 0.5,
          weight_scaling: str = "normalise", ranking: str = "by_q", ties: str = "dense",
          threads: int = 0) -> VikorResult:
    """VIKOR compromise ranking (Opricovic & Tzeng 2004, 2007).

    Parameters
    ----------
    v : float
        Weight of group utility S against individual regret R in Q, within [0, 1].
    weight_scaling : {"normalise", "as_given"}
        ``"normalise"`` divides the weights by their sum (Opricovic & Tzeng 2007; reproduces every reference case).
    ranking : {"by_q", "compromise_first"}
        Rank by Q, or give the compromise set rank 1 and rank the rest by Q (scikit-criteria's default).
    ties : str
        Tie method for equal Q (default dense, as scikit-criteria).

    Notes
    -----
    Compromise conditions with DQ = 1/(m-1): acceptable advantage ``Q(a2) - Q(a1) >= DQ``; acceptable stability:
    a1 is also best by S or R. A constant column contributes 0; equal S (or R) for every alternative makes that
    term of Q 0. Fewer than 2 alternatives is a DataError.
    """
    m = _Matrix(matrix)
    r = _core.mcda_vikor(m.values, _weights(weights, m), _types(types, m, True), float(v), weight_scaling, ranking,
                         ties, m.alternative_names, m.criterion_names, _checks.threads(threads))
    alt = m.alternative_index()
    return VikorResult(S=pd.Series(r["S"], index=alt, name="S"), R=pd.Series(r["R"], index=alt, name="R"),
                       Q=pd.Series(r["Q"], index=alt, name="Q"),
                       ranking=pd.Series(r["ranking"], index=alt, name="rank"),
                       compromise=[alt[i] for i in r["compromise"]],
                       acceptable_advantage=bool(r["acceptable_advantage"]),
                       acceptable_stability=bool(r["acceptable_stability"]), dq=float(r["dq"]),
                       order=[alt[i] for i in r["order"]], variant=r["variant"])


def _weighted(product: bool, matrix: MatrixLike, weights: VectorLike, types: TypesLike, normalisation: str,
              weight_scaling: str, ties: str, threads: int) -> ScoreResult:
    m = _Matrix(matrix)
    r = _core.mcda_weighted(m.values, _weights(weights, m), _types(types, m, True), product, normalisation,
                            weight_scaling, ties, m.alternative_names, m.criterion_names, _checks.threads(threads))
    return ScoreResult(scores=pd.Series(r["scores"], index=m.alternative_index(), name="score", copy=False),
                       method=r["method"], variant=r["variant"], ties=ties)


def weighted_sum(matrix: MatrixLike, weights: VectorLike, types: TypesLike, *, normalisation: str = "sum",
                 weight_scaling: str = "as_given", ties: str = "competition", threads: int = 0) -> ScoreResult:
    """Weighted sum model ``sum_j w_j r_ij`` on the matrix normalised by ``normalisation`` (see :func:`normalise`).

    ``weight_scaling="normalise"`` divides the weights by their sum (scikit-criteria; Kracka 2010), ``"as_given"``
    uses them as passed (pymcdm). With ``normalisation="none"`` cost criteria cannot be oriented: DataError.
    """
    return _weighted(False, matrix, weights, types, normalisation, weight_scaling, ties, threads)


def weighted_product(matrix: MatrixLike, weights: VectorLike, types: TypesLike, *, normalisation: str = "sum",
                     weight_scaling: str = "as_given", ties: str = "competition", threads: int = 0) -> ScoreResult:
    """Weighted product model ``prod_j r_ij ** w_j``; with ``normalisation="none"`` cost criteria take exponent
    ``-w_j``. A negative normalised value is a DataError; a zero gives score 0."""
    return _weighted(True, matrix, weights, types, normalisation, weight_scaling, ties, threads)


# ---- rank comparison --------------------------------------------------------------------------------------------

def _pair(x: VectorLike, y: VectorLike) -> Tuple[List[float], List[float]]:
    if isinstance(x, pd.Series) and isinstance(y, pd.Series):
        if set(x.index) != set(y.index):
            raise DataError("the two rankings rank different alternatives")
        y = y.reindex(x.index)
    return (np.asarray(x, dtype=np.float64).tolist(), np.asarray(y, dtype=np.float64).tolist())


def spearman(x: VectorLike, y: VectorLike) -> float:
    """Spearman's r_s: the closed form ``1 - 6 sum d^2 / (n(n^2-1))`` without ties (exact), else the Pearson
    correlation of average ranks."""
    return _core.mcda_compare_rankings("spearman", *_pair(x, y))


def weighted_spearman(x: VectorLike, y: VectorLike) -> float:
    """Weighted Spearman r_w (Pinto da Costa & Soares 2005): disagreements near the top weigh more."""
    return _core.mcda_compare_rankings("weighted_spearman", *_pair(x, y))


def ws_similarity(x: VectorLike, y: VectorLike) -> float:
    """WS rank similarity (Sałabun & Urbaniak 2020); ``x`` is the reference ranking (asymmetric)."""
    return _core.mcda_compare_rankings("ws_similarity", *_pair(x, y))


def kendall_tau_b(x: VectorLike, y: VectorLike) -> float:
    """Kendall's tau-b (tie-corrected), O(n log n)."""
    return _core.mcda_compare_rankings("kendall_tau_b", *_pair(x, y))


def draws_distance(reference: VectorLike, y: VectorLike) -> float:
    """Drastic WS distance (Sałabun & Shekhovtsov 2023), weighted by the reference rank."""
    return _core.mcda_compare_rankings("draws_distance", *_pair(reference, y))


def kemeny_distance(x: VectorLike, y: VectorLike) -> float:
    """Kemeny distance: over pairs of alternatives, 2 for a reversed pair and 1 for a tie against an order."""
    return _core.mcda_compare_rankings("kemeny_distance", *_pair(x, y))


def frobenius_distance(x: VectorLike, y: VectorLike) -> float:
    """Frobenius distance of the preference-score matrices (Dezert, Shekhovtsov & Sałabun 2024)."""
    return _core.mcda_compare_rankings("frobenius_distance", *_pair(x, y))
