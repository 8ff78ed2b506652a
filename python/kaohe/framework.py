"""Framework: an indicator tree with its rules and policies, loaded from JSON, YAML, a dict or a flat table.

Every format is turned into the JSON document of docs/formats.md and validated by the C++ reader, so all
formats give the same Framework and the same errors (with the framework path).
"""
from __future__ import annotations

import json
import os
from typing import Any, Dict, List, Optional, Union

import numpy as np
import pandas as pd

from . import _core
from ._documents import check_document, load_yaml
from ._limits import limits, over_limit
from ._output import write_text
from .data import TableLike, Units, check_file_size, check_signs, sign_checks, to_events, to_results, to_units
from .errors import FrameworkError, located
from .scorecard import ScoreCard

__all__ = ["Framework"]

PathLike = Union[str, "os.PathLike[str]"]


def _check_text_size(text: str, source: str) -> None:
    """Refuse framework text over ``kaohe.limits.max_framework_bytes`` (as UTF-8), as :meth:`Framework.load` does
    for a file. Encoding is skipped when even four bytes a character would stay under the limit."""
    limit = limits.max_framework_bytes
    if len(text) * 4 > limit:
        size = len(text.encode("utf-8", "surrogatepass"))
        if size > limit:
            raise over_limit("max_framework_bytes", size, "the framework text", error=FrameworkError, file=source)


class Framework:
    """A validated assessment framework (指标体系).

    Create one with :meth:`load` (JSON, YAML, CSV or XLSX by extension), :meth:`from_json`,
    :meth:`from_yaml`, :meth:`from_dict` or :meth:`from_table`, then call :meth:`score`.
    """

    __slots__ = ("_core", "_signs")

    def __init__(self, core: _core.Framework) -> None:
        self._core = core
        self._signs: Optional[List[Any]] = None

    # -- construction ------------------------------------------------------------------------------------
    @classmethod
    def from_json(cls, text: str, *, source: str = "<string>") -> "Framework":
        """Parse a framework from JSON text. Errors name ``source`` and the JSON path."""
        _check_text_size(text, source)
        return cls._checked(_core.Framework.from_json(text, source), source)

    @classmethod
    def _checked(cls, core: "_core.Framework", source: str) -> "Framework":
        # Counted once built: parsing is linear and bounded by max_framework_bytes, so the count is cheap and exact.
        if core.node_count > limits.max_nodes:
            raise over_limit("max_nodes", core.node_count, "the framework", error=FrameworkError, file=source)
        return cls(core)

    @classmethod
    def from_dict(cls, data: Dict[str, Any], *, source: str = "<dict>") -> "Framework":
        """Build a framework from a dict with the structure of the JSON format."""
        check_document(data, source=source, what="the framework")
        try:
            text = json.dumps(data, ensure_ascii=False, allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise located(FrameworkError, f"cannot be written as JSON: {exc}", file=source) from None
        return cls.from_json(text, source=source)

    @classmethod
    def from_yaml(cls, text: str, *, source: str = "<string>") -> "Framework":
        """Parse a framework from YAML (the friendliest format to edit by hand; Chinese names welcome)."""
        import yaml

        _check_text_size(text, source)
        try:
            data = load_yaml(text, source=source, what="the framework")
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
            raise located(FrameworkError, f"{where}invalid YAML: {getattr(exc, 'problem', exc)}", file=source) from None
        if not isinstance(data, dict):
            raise located(FrameworkError, "the YAML document must be a mapping with a 'root' node", file=source)
        return cls.from_dict(data, source=source)

    @classmethod
    def from_table(cls, table: TableLike, *, encoding: Optional[str] = None,
                   sheet: Union[str, int, None] = None, **meta: Any) -> "Framework":
        """Build a framework from a flat indicator table (level-1/2/3 columns, points, rule, parameters).

        See :func:`kaohe.tables.framework_from_table` for the layout; ``meta`` gives top-level keys
        (``total``, ``categories``, ``grading`` ...).
        """
        from .tables import framework_from_table

        data, source = framework_from_table(table, encoding=encoding, sheet=sheet, **meta)
        return cls.from_dict(data, source=source)

    @classmethod
    def load(cls, path: PathLike, *, encoding: Optional[str] = None, sheet: Union[str, int, None] = None) -> "Framework":
        """Load a framework file: ``.json``, ``.yaml``/``.yml``, or a flat table ``.csv``/``.xlsx``."""
        name = os.fspath(path)
        if os.path.isdir(name):
            raise located(FrameworkError, "cannot read the file (it is a folder)", file=name)
        suffix = os.path.splitext(name)[1].lower()
        if suffix in (".csv", ".xlsx", ".xlsm", ".tsv"):
            return cls.from_table(name, encoding=encoding, sheet=sheet)
        if suffix not in (".json", ".yaml", ".yml"):
            raise located(FrameworkError, f"unsupported framework format '{suffix or name}': "
                          "use .json, .yaml, .csv or .xlsx", file=name)
        check_file_size(name, "max_framework_bytes", FrameworkError)
        try:
            with open(name, "rb") as handle:
                raw = handle.read()
        except OSError as exc:
            raise located(FrameworkError, f"cannot read the file ({exc.strerror})", file=name) from None
        try:
            text = raw.decode(encoding or "utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise located(FrameworkError, f"line {line}: not valid {encoding or 'UTF-8'} text; "
                          "save the file as UTF-8 or pass encoding=", file=name) from None
        if suffix == ".json":
            return cls.from_json(text, source=name)
        return cls.from_yaml(text, source=name)

    # -- export ------------------------------------------------------------------------------------------
    def to_json(self, path: Optional[PathLike] = None) -> Optional[str]:
        """The framework as JSON (writes ``path`` when given, else returns the text). The file is written
        atomically (to a temporary file beside it, renamed into place): an interrupted or failed write leaves an
        existing file as it was."""
        text = self._core.to_json()
        if path is None:
            return text
        write_text(path, text)
        return None

    def to_dict(self) -> Dict[str, Any]:
        """The framework as a dict with the structure of the JSON format."""
        return json.loads(self._core.to_json())

    def to_yaml(self, path: Optional[PathLike] = None) -> Optional[str]:
        """The framework as YAML, Chinese names kept as they are (writes ``path`` when given, atomically as
        :meth:`to_json` does, else returns the text)."""
        import yaml

        text = yaml.safe_dump(self.to_dict(), allow_unicode=True, sort_keys=False, width=120)
        if path is None:
            return text
        write_text(path, text)
        return None

    def to_table(self) -> pd.DataFrame:
        """The framework as a flat indicator table (the layout :meth:`from_table` reads): the tree in the rows,
        the root's attributes in ``root_<key>`` columns, the top-level keys in ``attrs["meta"]``. Nothing is lost
        in the DataFrame; :func:`kaohe.tables.write_table` keeps everything in ``.xlsx`` and refuses a ``.csv``
        file that would lose top-level keys, naming them (:func:`kaohe.tables.lost_in_csv`)."""
        from .tables import framework_to_table

        return framework_to_table(self.to_dict())

    # -- inspection --------------------------------------------------------------------------------------
    @property
    def id(self) -> str:
        return str(self._core.id)

    @property
    def name(self) -> str:
        return str(self._core.name)

    @property
    def total(self) -> float:
        """Maximum points of the root."""
        return float(self._core.total)

    @property
    def score_scale(self) -> float:
        """The scale of node scores (:attr:`ScoreCard.scores`): 100 unless the framework sets ``score_scale``."""
        return float(self._core.score_scale)

    @property
    def categories(self) -> Dict[str, str]:
        """Unit categories: id -> display name."""
        return dict(self._core.categories)

    @property
    def nodes(self) -> pd.DataFrame:
        """Every node: id (index), name, path, parent, depth, is_leaf, rule, aggregation, and maximum points
        per category (``max_points`` or ``max_points[<category>]``)."""
        frame = pd.DataFrame(self._core.nodes).set_index("id")
        mp = self._core.max_points
        cats = self._core.category_ids
        if len(cats) == 1 and not cats[0]:
            frame["max_points"] = mp[0]
        else:
            for c, cat in enumerate(cats):
                frame[f"max_points[{cat}]"] = mp[c]
        return frame

    @property
    def effective_weights(self) -> pd.DataFrame:
        """Each leaf's share of the total (its maximum over the root's), per category (leaves x categories)."""
        mp = self._core.max_points
        leaves = self._core.leaves
        nodes = self._core.nodes
        cats = [c or "all" for c in self._core.category_ids]
        data = {cat: mp[c][leaves] / mp[c][0] for c, cat in enumerate(cats)}
        return pd.DataFrame(data, index=pd.Index([nodes[i]["id"] for i in leaves], name="indicator"))

    def with_weights(self, weights: Any, *, level: Optional[str] = None, policy: str = "proportional",
                     unit: str = "own") -> "Framework":
        """This framework with new weights, applied jointly: every named node gets exactly the weight asked for
        and, with ``policy="proportional"``, only its unnamed siblings absorb the difference. ``weights`` is a
        dict or a pandas Series keyed by node id, path or ``id@category`` (MCDA and AHP weights flow straight in:
        ``fw.with_weights(kaohe.mcda.entropy_weights(X), level="research", unit="share")``); ``unit`` is
        ``"own"`` (each node's own terms), ``"share"``, ``"percent"`` or ``"points"``. Other policies:
        ``"explicit"``, ``"rescale"``, ``"none"``. See :func:`kaohe.sensitivity.with_weights`."""
        from .sensitivity import with_weights

        return with_weights(self, weights, level=level, policy=policy, unit=unit)

    def __repr__(self) -> str:
        leaves = len(self._core.leaves)
        return f"<kaohe.Framework '{self.id}': {leaves} indicators, total {self.total:g}>"

    # -- scoring -----------------------------------------------------------------------------------------
    def score(self, results: TableLike, units: Optional[TableLike] = None, events: Optional[TableLike] = None, *,
              encoding: Optional[str] = None, strict_items: bool = True, decimal: str = ".",
              thousands: Optional[str] = None) -> ScoreCard:
        """Score units on this framework.

        Parameters
        ----------
        results : DataFrame or path
            Wide (``unit`` column or index, one column per data item) or long (``unit, item, value``).
            Empty cells / NaN are missing; text is allowed only for lookup indicators.
        units : DataFrame or path, optional
            ``id, name, category[, in_pool]``. Required when the framework has categories; otherwise the
            units are the rows of ``results``.
        events : DataFrame or path, optional
            Deductions, bonuses, ratings, manual scores, judgements, overrides, vetoes and grade decisions.
        encoding : str, optional
            Encoding of CSV inputs (detected when not given: UTF-8, UTF-8 with BOM, GB18030).
        strict_items : bool
            A results column that no indicator reads is an error (default), so typos cannot go unnoticed.
        decimal, thousands : str, optional
            How text cells of ``results`` and ``events`` write numbers. By default a number with a ``,``
            (``1,234``, ``12,5``, ``1.234,5``) is an error naming the file, row and column, since it can be read
            two ways; ``decimal=","`` reads ``12,5`` as 12.5, ``thousands=","`` reads ``1,234`` as 1234,
            ``decimal=",", thousands="."`` reads ``1.234,5`` as 1234.5 (see docs/formats.md, "Numbers and locales").

        Returns
        -------
        ScoreCard
        """
        unit_table = self._units(results, units, encoding)
        res = to_results(results, unit_table, encoding=encoding, decimal=decimal, thousands=thousands)
        if self._signs is None:
            self._signs = sign_checks(self.to_dict())
        check_signs(self._signs, unit_table, res)
        ev = to_events(events, unit_table, encoding=encoding, decimal=decimal, thousands=thousands)
        core = _core.score(self._core, unit_table.ids, unit_table.names, unit_table.categories, unit_table.in_pool,
                           res.items, np.asfortranarray(res.values, dtype=np.float64), res.text, ev.rows,
                           strict_items, res.source, ev.source, unit_table.source)
        return ScoreCard(core, self, unit_table)  # (the engine refuses a total that is not finite, naming where)

    def _units(self, results: TableLike, units: Optional[TableLike], encoding: Optional[str]) -> Units:
        if units is not None:
            return to_units(units, encoding=encoding)
        if self._core.categories:
            raise located(FrameworkError, "this framework has unit categories, so score() needs a units table "
                          "(id, name, category)", file=self._core.source or None)
        from .data import _frame, unit_ids

        unique = unit_ids(_frame(results, "results", encoding, None))
        return Units(unique, unique, [""] * len(unique), [True] * len(unique), "")

