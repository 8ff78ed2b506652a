"""Flat indicator tables: the framework as analysts keep it in a spreadsheet, one row per leaf indicator.

The layout (see docs/formats.md, "Flat indicator table")::

    level1,level2,id,points,rule,params,input,direction,applies_to,missing,note
    依法行政,行政机关负责人出庭应诉率,court_rate,3,completion,"{""target"": 100}",court_attended/court_required*100,,,exclude,
    依法行政,督办事项落实,supervised_tasks,3,deduction,"{""price"": {""unfinished"": 0.5}}",,,,,
    重点工作,重点项目年度计划完成率,key_projects,15,completion,"{""target"": 100}",,,,,

:func:`framework_from_table` turns such a table (a CSV/XLSX file or a DataFrame) into the JSON document of
docs/formats.md; :func:`framework_to_table` writes a framework back as a table that reads back to an equal
framework; :func:`write_table` saves a table as CSV or as an XLSX workbook with a ``meta`` sheet.
"""
from __future__ import annotations

import functools
import json
import math
import os
import re
import warnings
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

import pandas as pd

from ._cells import LINE_END, restore, safe_frame, text_cells
from ._output import excel_writer, replacing
from .data import TableLike, parse_cell, read_table
from ._documents import load_yaml
from .errors import DataError, FrameworkError, LossWarning, located

__all__ = ["framework_from_table", "framework_to_table", "write_table", "lost_in_csv", "META_KEYS", "RULE_TYPES"]

#: Top-level framework keys a table takes from ``**meta``, ``DataFrame.attrs["meta"]`` or an XLSX ``meta`` sheet.
META_KEYS = ("kaohe", "id", "name", "total", "score_scale", "categories", "grading", "adjustments", "vetoes",
             "ranking", "rounding", "root")
#: Rule types of docs/formats.md (checked here so that a typo names its table row).
RULE_TYPES = ("threshold", "lookup", "completion", "linear", "shortfall", "bands", "efficacy", "rank",
              "deduction", "bonus", "trimmed_mean", "manual", "normalise")
#: Keys of ``meta["root"]``: the root node's own attributes (its children are the table's rows). Each also has a
#: column ``root_<key>``, so that a CSV file, which has no meta sheet, keeps them.
ROOT_KEYS = ("id", "name", "note", "aggregation", "renormalise", "missing", "applies_to")

_WEIGHT_KINDS = ("points", "weight", "share")
# Leaf columns (one value per row) and group columns (``level<k>_<attr>``, one value per group).
_LEAF_ATTRS = ("id", "points", "weight", "share", "rule", "params", "input", "direction", "applies_to", "missing",
               "aggregation", "renormalise", "note")
_GROUP_ATTRS = ("id", "points", "weight", "share", "applies_to", "missing", "aggregation", "renormalise", "note")
_PER_CATEGORY = ("points", "weight", "share", "params")
_LEVEL_ALIASES = {"一级指标": 1, "二级指标": 2, "三级指标": 3, "四级指标": 4, "五级指标": 5, "六级指标": 6}
_ATTR_ALIASES = {"编号": "id", "指标编号": "id", "代码": "id", "分值": "points", "权重": "weight", "占比": "share",
                 "规则": "rule", "规则类型": "rule", "参数": "params", "规则参数": "params", "数据项": "input",
                 "方向": "direction", "适用类别": "applies_to", "适用范围": "applies_to", "缺失": "missing",
                 "缺失处理": "missing", "聚合": "aggregation", "聚合方式": "aggregation", "重新归一": "renormalise",
                 "说明": "note", "备注": "note"}
_DIRECTIONS = {"higher": "higher", "lower": "lower", "正向": "higher", "越高越好": "higher", "逆向": "lower",
               "负向": "lower", "越低越好": "lower"}
_MISSING = ("error", "zero", "mean", "exclude")
_AGGREGATIONS = ("arithmetic", "geometric")
_LIST_SEPARATORS = re.compile(r"[,，、]")
_RATIO = re.compile(r"^([^/*×{}]+?)\s*/\s*([^/*×{}]+?)(?:\s*[*×]\s*(\S+))?$")


# =========================================================================================================
# Reading a table
# =========================================================================================================

def framework_from_table(table: TableLike, *, encoding: Optional[str] = None, sheet: Union[str, int, None] = None,
                         **meta: Any) -> Tuple[Dict[str, Any], str]:
    """Build the framework document (the JSON format as a dict) from a flat indicator table.

    Parameters
    ----------
    table : DataFrame or path
        A ``.csv`` file (UTF-8, UTF-8 with BOM or GB18030, detected), an ``.xlsx`` workbook, or a DataFrame.
        One row per leaf indicator; the columns are described below.
    encoding : str, optional
        Encoding of a CSV file (detected when not given).
    sheet : str or int, optional
        Worksheet of a workbook. By default the first sheet that is not named ``meta``.
    **meta
        Top-level keys of the framework: ``id``, ``name``, ``total``, ``score_scale``, ``categories``,
        ``grading``, ``adjustments``, ``vetoes``, ``ranking``, ``rounding``, and ``root`` (the root node's own
        ``id``, ``name``, ``note``, ``aggregation``, ``renormalise``, ``missing``, ``applies_to``, which the
        ``root_<key>`` columns may state instead; default id ``"root"``). They are
        read, in increasing precedence, from a workbook's sheet named ``meta`` (columns ``key``, ``value``;
        each value is JSON, except that ``id`` and ``name`` may be plain text), from ``table.attrs["meta"]``
        of a DataFrame (as :func:`framework_to_table` sets it), and from these keyword arguments.
        ``categories`` may also be given as a dict ``{id: name}``.

    Returns
    -------
    (dict, str)
        The framework document, already validated by the engine, and the source name used in messages
        (the file name, or ``"DataFrame"``).

    Raises
    ------
    FrameworkError
        For any problem, naming the file (or ``"DataFrame"``), the table row (1-based, the header is row 1;
        for a DataFrame, its position + 2), the column as written in the header, and the reason.

    Notes
    -----
    Columns (Chinese aliases in brackets; unknown columns are errors):

    ``level1``, ``level2``, ``level3`` … (一级指标, 二级指标, 三级指标 …)
        The indicator names on the path from the top. The last filled level is the leaf's name; the levels
        before it are its groups (a group is identified by its name path). ``level2``… may be blank for
        shallower leaves; a blank level before a filled one is an error, and so is a name that is a leaf on one
        row and a group on another.
    ``id`` (编号, 指标编号)
        The leaf id (also the default data item). Without the column, or in a blank cell, the leaf gets
        ``i<n>``, ``n`` being its position among the table's leaves (1-based).
    ``level<k>_id`` (e.g. 一级指标编号)
        The id of the level-k group. Without it, groups get ``g<a>``, ``g<a>_<b>`` …: the 1-based position of
        each group among its parent's groups, in order of first appearance.
    ``points`` (分值) / ``weight`` (权重) / ``share`` (占比)
        The leaf's weight, stated one way per row (a share may be written ``11%``); all blank means weight 1.
    ``level<k>_points`` / ``level<k>_weight`` / ``level<k>_share`` (e.g. 一级指标分值)
        A group's weight. When no row states it, a group whose children all state ``points`` (or all
        ``weight``) gets their sum, rounded to 12 significant digits; otherwise the engine's default (weight 1).
        Rows of one group must not contradict each other.
    ``points[<category>]``, ``level<k>_points[<category>]`` (and ``weight[…]``, ``share[…]``)
        ``weight_by_category``: the weight for units of that category. Not summed into groups.
    ``rule`` (规则类型), ``params`` (参数), ``params[<category>]``
        The rule type and its parameters as a JSON object (``{"target": 100}``) or a YAML flow mapping
        (``{target: 100}``); ``params[<category>]`` is that category's ``rule_by_category`` entry.
    ``input`` (数据项)
        The data item (default: the leaf id), ``num/den`` for the ratio ``{"ratio": [num, den], "scale": 1}``,
        ``num/den*100`` (or ``×100``) for a scale, or a JSON object.
    ``direction`` (方向)
        ``higher`` or ``lower`` (正向/逆向), for rank and normalise rules.
    ``applies_to`` (适用类别), ``level<k>_applies_to``
        Category ids separated by ``,``, ``，`` or ``、``.
    ``missing`` (缺失处理), ``aggregation``, ``renormalise``, ``note`` (说明, 备注), and their ``level<k>_`` forms
        The node keys of the same names.
    ``root_id``, ``root_name``, ``root_note``, ``root_aggregation``, ``root_renormalise``, ``root_missing``,
    ``root_applies_to``
        The root node's own attributes (the root is level 0: every row is under it). Any row may state them,
        rows must agree, and a value that contradicts ``meta["root"]`` is an error.
    """
    reader = _TableReader(table, encoding, sheet)
    merged: Dict[str, Any] = {}
    merged.update(reader.sheet_meta)
    merged.update(reader.frame_meta)
    merged.update(meta)
    reader.check_meta(merged)
    document = reader.build(merged)
    reader.validate(document)
    return document, reader.source


@dataclass
class _Node:
    name: str
    level: int
    row: int                      # first table row, for messages
    is_leaf: bool
    key: Tuple[str, ...]
    data: Dict[str, Any] = field(default_factory=dict)
    attrs: Dict[str, Tuple[Any, int, str]] = field(default_factory=dict)   # group attr -> (value, row, column)
    children: List["_Node"] = field(default_factory=list)
    group_count: int = 0
    gen_id: str = ""


class _TableReader:
    """Reads one flat table; keeps the header and row numbers so every error can name them."""

    def __init__(self, table: TableLike, encoding: Optional[str], sheet: Union[str, int, None]) -> None:
        self.sheet_meta: Dict[str, Any] = {}
        self.sheet_meta_rows: Dict[str, int] = {}
        self.frame_meta: Dict[str, Any] = {}
        self.meta_file = ""
        if isinstance(table, pd.DataFrame):
            frame = table
            self.source = str(frame.attrs.get("source", "DataFrame"))
            attrs_meta = frame.attrs.get("meta")
            if attrs_meta is not None:
                if not isinstance(attrs_meta, Mapping):
                    raise located(FrameworkError, "DataFrame.attrs['meta'] must be a dict of top-level keys",
                                  file=self.source)
                self.frame_meta = dict(attrs_meta)
        elif isinstance(table, (str, os.PathLike)):
            name = os.fspath(table)
            self.source = name
            frame = self._read_file(name, encoding, sheet)
        else:
            raise TypeError(f"a framework table must be a pandas DataFrame or a path to a CSV/XLSX file, "
                            f"not {type(table).__name__}")
        self.frame = frame
        self.rows_are_lines = bool(frame.attrs.get("rows_are_lines"))
        self.root_attrs: Dict[str, Tuple[Any, int, str]] = {}   # root_<key> columns: key -> (value, row, column)
        self._read_header()

    # -- files -------------------------------------------------------------------------------------------
    def _read_file(self, name: str, encoding: Optional[str], sheet: Union[str, int, None]) -> pd.DataFrame:
        suffix = os.path.splitext(name)[1].lower()
        is_book = suffix in (".xlsx", ".xlsm")
        try:
            if is_book and sheet is None and os.path.exists(name):
                names = _sheet_names(name)
                if names is not None:
                    others = [s for s in names if s != "meta"]
                    sheet = others[0] if others else None
            frame = _restored(read_table(name, encoding=encoding, sheet=sheet))
            if is_book and sheet != "meta" and "meta" in (_sheet_names(name) or []):
                self._read_meta_sheet(_restored(read_table(name, sheet="meta")), name)
        except DataError as exc:  # a framework table's problems are framework errors
            raise FrameworkError(str(exc), file=exc.file, path=exc.path, row=exc.row, column=exc.column,
                                 reason=exc.reason) from None
        if frame.empty:
            raise located(FrameworkError, "the table has a header but no indicator rows", file=name)
        return frame

    def _read_meta_sheet(self, frame: pd.DataFrame, name: str) -> None:
        self.meta_file = f"{name} (sheet 'meta')"
        columns = [str(c).strip().lower() for c in frame.columns]
        if columns != ["key", "value"]:
            raise located(FrameworkError, f"the meta sheet needs exactly the columns key, value (it has: "
                          f"{', '.join(map(str, frame.columns))})", file=self.meta_file, row=1)
        for label, key_cell, value_cell in zip(frame.index, frame.iloc[:, 0], frame.iloc[:, 1]):
            row = int(label)
            key, text = _text(key_cell), _text(value_cell)
            if not key:
                raise located(FrameworkError, "the key is empty", file=self.meta_file, row=row, column="key")
            if key not in META_KEYS:
                raise located(FrameworkError, f"unknown key '{key}' (allowed: {', '.join(META_KEYS)})",
                              file=self.meta_file, row=row, column="key")
            if key in self.sheet_meta:
                raise located(FrameworkError, f"key '{key}' appears twice (also on row {self.sheet_meta_rows[key]})",
                              file=self.meta_file, row=row, column="key")
            if key in ("id", "name") and not text.startswith('"'):
                value: Any = text
            else:
                try:
                    value = _parse_structured(text)
                except ValueError as exc:
                    raise located(FrameworkError, f"the value of '{key}' is not valid JSON: {exc}",
                                  file=self.meta_file, row=row, column="value") from None
            self.sheet_meta[key] = value
            self.sheet_meta_rows[key] = row

    # -- header ------------------------------------------------------------------------------------------
    def _read_header(self) -> None:
        self.columns: Dict[str, str] = {}          # canonical -> header as written (for messages)
        self.originals: Dict[str, Any] = {}        # canonical -> the DataFrame's column label
        self.category_columns: Dict[str, List[Tuple[str, str]]] = {}   # base -> [(category, canonical)]
        for original in self.frame.columns:
            text = str(original).strip()
            canonical = _canonical_column(text)
            if canonical is None:
                raise located(FrameworkError, f"unknown column '{text}'; a flat indicator table has level1, "
                              "level2 …, id, points, rule, params, input, direction, applies_to, missing, note, "
                              "level<k>_id, level<k>_points, points[<category>], params[<category>], root_<key> (see "
                              "docs/formats.md)", file=self.source, row=1, column=text)
            if canonical in self.columns:
                raise located(FrameworkError, f"columns '{self.columns[canonical]}' and '{text}' both mean "
                              f"'{canonical}'", file=self.source, row=1, column=text)
            self.columns[canonical] = text
            self.originals[canonical] = original
            m = re.match(r"^(.*)\[(.+)\]$", canonical)
            if m:
                self.category_columns.setdefault(m.group(1), []).append((m.group(2), canonical))
        levels = sorted(int(c[5:]) for c in self.columns if re.fullmatch(r"level\d+", c))
        if not levels or levels[0] != 1:
            raise located(FrameworkError, "the table needs a level1 column (一级指标) with the indicator names "
                          f"(it has: {', '.join(map(str, self.frame.columns))})", file=self.source, row=1)
        if levels != list(range(1, len(levels) + 1)):
            gap = next(k for k in range(1, len(levels) + 2) if k not in levels)
            raise located(FrameworkError, f"there is a level{levels[-1]} column but no level{gap} column",
                          file=self.source, row=1, column=self.columns[f"level{levels[-1]}"])
        self.depth = len(levels)
        for canonical in self.columns:
            m = re.match(r"^level(\d+)_", canonical)
            if m and int(m.group(1)) >= self.depth:
                raise located(FrameworkError, f"column '{self.columns[canonical]}' describes level-{m.group(1)} "
                              f"groups, but the deepest level column is level{self.depth}, so level "
                              f"{m.group(1)} holds only indicators", file=self.source, row=1,
                              column=self.columns[canonical])

    # -- helpers -----------------------------------------------------------------------------------------
    def error(self, reason: str, row: Optional[int] = None, column: Optional[str] = None,
              path: Optional[str] = None) -> FrameworkError:
        header = self.columns.get(column, column) if column is not None else None
        return located(FrameworkError, reason, file=self.source, row=row, column=header, path=path)  # type: ignore[return-value]

    def _cell(self, record: Mapping[str, Any], canonical: str) -> Any:
        if canonical not in self.columns:
            return None
        return record[self.originals[canonical]]

    def _number(self, value: Any, row: int, column: str, allow_percent: bool = False) -> Union[float, str, None]:
        if allow_percent and isinstance(value, str) and value.strip().endswith("%"):
            text = value.strip()
            try:
                number = float(text[:-1])
            except ValueError:
                raise self.error(f"'{text}' is not a percentage", row, column) from None
            if not math.isfinite(number):
                raise self.error(f"'{text}' is not a finite percentage", row, column)
            return text
        try:
            parsed = parse_cell(value, declare=False)
        except ValueError as exc:
            raise self.error(str(exc), row, column) from None
        if isinstance(parsed, str):
            raise self.error(f"'{parsed}' is not a number", row, column)
        return parsed

    def _mapping(self, value: Any, row: int, column: str) -> Dict[str, Any]:
        text = _text(value)
        if not text:
            return {}
        try:
            parsed = _parse_structured(text)
        except ValueError as exc:
            raise self.error(f"not a valid JSON object ({exc}); write the parameters as "
                             '{"key": value, ...}', row, column) from None
        if not isinstance(parsed, dict):
            raise self.error(f"must be a JSON object {{\"key\": value, ...}}, not {type(parsed).__name__}",
                             row, column)
        return parsed

    def _choice(self, value: Any, allowed: Sequence[str], row: int, column: str) -> Optional[str]:
        text = _text(value)
        if not text:
            return None
        if text not in allowed:
            raise self.error(f"'{text}' is not one of: {', '.join(allowed)}", row, column)
        return text

    def _bool(self, value: Any, row: int, column: str) -> Optional[bool]:
        text = _text(value).lower()
        if not text:
            return None
        if text in ("true", "1", "1.0", "yes", "是"):
            return True
        if text in ("false", "0", "0.0", "no", "否"):
            return False
        raise self.error(f"'{_text(value)}' is not true/false", row, column)

    def _input(self, value: Any, row: int) -> Any:
        text = _text(value)
        if not text:
            return None
        if text.startswith("{"):
            return self._mapping(text, row, "input")
        m = _RATIO.match(text)
        if m:
            ratio: Dict[str, Any] = {"ratio": [m.group(1).strip(), m.group(2).strip()]}
            if m.group(3) is not None:
                try:
                    scale = float(m.group(3))
                except ValueError:
                    scale = math.nan
                if not math.isfinite(scale):
                    raise self.error(f"'{m.group(3)}' in '{text}' is not a scale factor; write num/den or "
                                     "num/den*100", row, "input")
                ratio["scale"] = scale
            return ratio
        if any(c in text for c in "/*×"):
            raise self.error(f"'{text}' is neither a data item nor a ratio num/den[*scale]", row, "input")
        return text

    def _row_number(self, position: int, label: Any) -> int:
        return int(label) if self.rows_are_lines else position + 2

    # -- building ----------------------------------------------------------------------------------------
    def check_meta(self, meta: Dict[str, Any]) -> None:
        for key in meta:
            if key not in META_KEYS:
                raise located(FrameworkError, f"unknown top-level key '{key}' for a framework table (allowed: "
                              f"{', '.join(META_KEYS)})", file=self.source)
        root = meta.get("root")
        if root is not None:
            if not isinstance(root, Mapping):
                raise located(FrameworkError, "meta 'root' must be a dict of the root node's id, name, note …",
                              file=self.source)
            extra = [k for k in root if k not in ROOT_KEYS]
            if extra:
                raise located(FrameworkError, f"meta 'root' cannot hold {', '.join(map(repr, extra))}: the "
                              f"table's rows are the root's children (allowed: {', '.join(ROOT_KEYS)})",
                              file=self.source)
        categories = meta.get("categories")
        if isinstance(categories, Mapping):
            meta["categories"] = [{"id": str(k), "name": str(v)} for k, v in categories.items()]

    def build(self, meta: Dict[str, Any]) -> Dict[str, Any]:
        root = _Node(name="", level=0, row=0, is_leaf=False, key=())
        groups: Dict[Tuple[str, ...], _Node] = {}
        leaves: Dict[Tuple[str, ...], _Node] = {}
        count = 0
        level_columns = [f"level{k}" for k in range(1, self.depth + 1)]
        for position, (label, record) in enumerate(self.frame.iterrows()):
            row = self._row_number(position, label)
            if all(_blank(v) for v in record.to_numpy()):
                continue
            names = [_text(self._cell(record, c)) for c in level_columns]
            filled = [k for k, n in enumerate(names) if n]
            if not filled:
                raise self.error(f"no indicator name: {', '.join(self.columns[c] for c in level_columns)} are all "
                                 "blank", row, "level1")
            depth = filled[-1] + 1
            for k in range(depth - 1):
                if not names[k]:
                    raise self.error(f"blank, but {self.columns[f'level{depth}']} names an indicator below it "
                                     "(fill in the group's name)", row, f"level{k + 1}")
            for canonical in self.columns:
                m = re.match(r"^level(\d+)_", canonical)
                if m and int(m.group(1)) >= depth and not _blank(self._cell(record, canonical)):
                    raise self.error(f"on this row '{names[depth - 1]}' is a level-{depth} indicator, not a "
                                     f"group, so this group column must be blank", row, canonical)
            self._merge_root_attrs(record, row)
            parent = root
            for k in range(1, depth):
                key = tuple(names[:k])
                group = groups.get(key)
                if group is None:
                    if key in leaves:
                        raise self.error(f"'{names[k - 1]}' is an indicator (a leaf) on row {leaves[key].row}, but "
                                         "this row lists an indicator under it; a name cannot be both a leaf and a "
                                         "group", row, f"level{k}")
                    parent.group_count += 1
                    gen = f"g{parent.group_count}" if parent is root else f"{parent.gen_id}_{parent.group_count}"
                    group = _Node(name=names[k - 1], level=k, row=row, is_leaf=False, key=key, gen_id=gen)
                    groups[key] = group
                    parent.children.append(group)
                self._merge_group_attrs(group, record, row)
                parent = group
            key = tuple(names[:depth])
            if key in groups:
                raise self.error(f"'{names[depth - 1]}' is a group on row {groups[key].row} (indicators are listed "
                                 "under it), but this row makes it an indicator (a leaf); a name cannot be both",
                                 row, f"level{depth}")
            count += 1
            leaf = _Node(name=names[depth - 1], level=depth, row=row, is_leaf=True, key=key)
            leaf.data = self._leaf_data(record, row, count, leaf.name)
            leaves.setdefault(key, leaf)
            parent.children.append(leaf)
        if count == 0:
            raise self.error("the table has no indicator rows")
        self.root = root
        root_meta = dict(meta.get("root") or {})
        for attr, (value, row, column) in self.root_attrs.items():
            stated = root_meta.get(attr)
            if stated is not None and _show(stated) != _show(value):
                raise self.error(f"'{_show(value)}' contradicts the meta key root.{attr}, which says "
                                 f"'{_show(stated)}'; state the root's {attr} in one place", row, column)
            root_meta[attr] = value
        root.data = {"id": str(root_meta.pop("id", "root")), "name": str(root_meta.pop("name", meta.get("name", "")))}
        root.data.update(root_meta)
        document: Dict[str, Any] = {"kaohe": 1}
        document.update({k: v for k, v in meta.items() if k != "root"})
        document["root"] = self._node_json(root, "$.root", root.data["id"])
        return document

    def _merge_root_attrs(self, record: Mapping[str, Any], row: int) -> None:
        """The root_<key> columns: like a group's columns, any row may state a value, and rows must agree."""
        for canonical in self.columns:
            if not canonical.startswith("root_"):
                continue
            raw = self._cell(record, canonical)
            if _blank(raw):
                continue
            attr = canonical[len("root_"):]
            value = self._attr_value(attr, raw, row, canonical)
            if value is None:
                continue
            seen = self.root_attrs.get(attr)
            if seen is not None and seen[0] != value:
                raise self.error(f"'{_show(value)}' contradicts '{_show(seen[0])}' on row {seen[1]}; the root has one "
                                 f"{attr}", row, canonical)
            if seen is None:
                self.root_attrs[attr] = (value, row, canonical)

    def _merge_group_attrs(self, group: _Node, record: Mapping[str, Any], row: int) -> None:
        prefix = f"level{group.level}_"
        for canonical in self.columns:
            if not canonical.startswith(prefix):
                continue
            raw = self._cell(record, canonical)
            if _blank(raw) or (isinstance(raw, str) and not raw.strip()):
                continue
            attr = canonical[len(prefix):]
            value = self._attr_value(attr, raw, row, canonical)
            if value is None:
                continue
            seen = group.attrs.get(attr)
            if seen is not None and seen[0] != value:
                raise self.error(f"'{_show(value)}' contradicts '{_show(seen[0])}' on row {seen[1]} for the same group "
                                 f"'{group.name}'", row, canonical)
            if seen is None:
                group.attrs[attr] = (value, row, canonical)

    def _attr_value(self, attr: str, raw: Any, row: int, column: str) -> Any:
        base = attr.split("[", 1)[0]
        if base in ("points", "weight"):
            return self._number(raw, row, column)
        if base == "share":
            return self._number(raw, row, column, allow_percent=True)
        if base in ("id", "name"):
            return _text(raw)
        if base == "applies_to":
            return [p.strip() for p in _LIST_SEPARATORS.split(_text(raw)) if p.strip()] or None
        if base == "missing":
            return self._choice(raw, _MISSING, row, column)
        if base == "aggregation":
            return self._choice(raw, _AGGREGATIONS, row, column)
        if base == "renormalise":
            return self._bool(raw, row, column)
        if base == "note":
            return _text(raw)
        raise AssertionError(attr)  # pragma: no cover - the header check allows no other column

    def _leaf_data(self, record: Mapping[str, Any], row: int, count: int, name: str) -> Dict[str, Any]:
        cell = lambda c: self._cell(record, c)  # noqa: E731
        leaf_id = _text(cell("id")) or f"i{count}"
        data: Dict[str, Any] = {"id": leaf_id, "name": name}
        stated = [(kind, self._attr_value(kind, cell(kind), row, kind)) for kind in _WEIGHT_KINDS
                  if kind in self.columns and not _blank_text(cell(kind))]
        if len(stated) > 1:
            raise self.error(f"the weight is stated twice ({stated[0][0]} and {stated[1][0]}); state it one way",
                             row, stated[1][0])
        for kind, value in stated:
            data[kind] = value
        by_category: Dict[str, Dict[str, Any]] = {}
        for kind in _WEIGHT_KINDS:
            for category, canonical in self.category_columns.get(kind, []):
                if _blank_text(cell(canonical)):
                    continue
                if category in by_category:
                    raise self.error(f"category '{category}' gets two weights", row, canonical)
                by_category[category] = {kind: self._attr_value(kind, cell(canonical), row, canonical)}
        if by_category:
            data["weight_by_category"] = by_category
        for attr in ("applies_to", "missing", "aggregation", "renormalise", "note"):
            if attr in self.columns and not _blank_text(cell(attr)):
                value = self._attr_value(attr, cell(attr), row, attr)
                if value is not None:
                    data[attr] = value
        rule_type = _text(cell("rule"))
        if not rule_type:
            raise self.error("every indicator needs a rule type (" + ", ".join(RULE_TYPES) + ")", row, "rule")
        if rule_type not in RULE_TYPES:
            raise self.error(f"unknown rule type '{rule_type}'; expected one of: {', '.join(RULE_TYPES)}", row, "rule")
        params = self._mapping(cell("params"), row, "params")
        if "type" in params and params["type"] != rule_type:
            raise self.error(f"params say type '{params['type']}' but the rule column says '{rule_type}'", row, "params")
        rule: Dict[str, Any] = {"type": rule_type}
        rule.update({k: v for k, v in params.items() if k != "type"})
        data_input = self._input(cell("input"), row)
        if data_input is not None:
            if "input" in params:
                raise self.error("the input is given twice, in the input column and in params", row, "input")
            rule["input"] = data_input
        direction = _text(cell("direction"))
        if direction:
            if direction not in _DIRECTIONS:
                raise self.error(f"'{direction}' is not a direction; use higher or lower", row, "direction")
            if "direction" in params:
                raise self.error("the direction is given twice, in the direction column and in params", row,
                                 "direction")
            rule["direction"] = _DIRECTIONS[direction]
        data["rule"] = rule
        by_category_rules = {category: self._mapping(cell(canonical), row, canonical)
                             for category, canonical in self.category_columns.get("params", [])
                             if not _blank_text(cell(canonical))}
        if by_category_rules:
            data["rule_by_category"] = by_category_rules
        return data

    def _group_weight(self, group: _Node) -> Optional[Tuple[str, Any]]:
        stated = [(kind, group.attrs[kind][0]) for kind in _WEIGHT_KINDS if kind in group.attrs]
        if len(stated) > 1:
            raise self.error(f"group '{group.name}' states its weight twice ({stated[0][0]} and {stated[1][0]})",
                             group.attrs[stated[1][0]][1], group.attrs[stated[1][0]][2])
        if stated:
            return stated[0]
        return _default_weight([_weight_of(child.data) for child in group.children])

    def _node_json(self, node: _Node, json_path: str, id_path: str) -> Dict[str, Any]:
        node.json_path, node.id_path = json_path, id_path  # type: ignore[attr-defined]
        if node.is_leaf:
            return node.data
        if node.level > 0:  # a group: its data comes from the level<k>_ columns
            data: Dict[str, Any] = {"id": node.attrs["id"][0] if "id" in node.attrs else node.gen_id, "name": node.name}
            for attr in ("applies_to", "missing", "aggregation", "renormalise", "note"):
                if attr in node.attrs:
                    data[attr] = node.attrs[attr][0]
            by_category: Dict[str, Dict[str, Any]] = {}
            for attr, (value, row, column) in node.attrs.items():
                m = re.match(r"^(points|weight|share)\[(.+)\]$", attr)
                if m:
                    if m.group(2) in by_category:
                        raise self.error(f"category '{m.group(2)}' gets two weights for group '{node.name}'", row, column)
                    by_category[m.group(2)] = {m.group(1): value}
            if by_category:
                data["weight_by_category"] = by_category
            node.data = data
        children = []
        for i, child in enumerate(node.children):
            child_id = child.data["id"] if child.is_leaf else (child.attrs["id"][0] if "id" in child.attrs else child.gen_id)
            children.append(self._node_json(child, f"{json_path}.children[{i}]", f"{id_path}/{child_id}"))
        if node.level > 0:
            weight = self._group_weight(node)
            if weight is not None:
                node.data[weight[0]] = weight[1]
        result = dict(node.data)
        result["children"] = children
        node.data = result
        return result

    # -- validation by the engine, with its errors mapped back to rows and columns -----------------------
    def validate(self, document: Dict[str, Any]) -> None:
        from . import _core

        try:
            text = json.dumps(document, ensure_ascii=False, allow_nan=False, default=_json_default)
        except (TypeError, ValueError) as exc:
            raise located(FrameworkError, f"the meta values cannot be written as JSON: {exc}", file=self.source) from None
        try:
            _core.Framework.from_json(text, self.source)
        except FrameworkError as exc:
            raise self._locate(exc) from None

    def _nodes(self) -> List[_Node]:
        out, stack = [], [self.root]
        while stack:
            node = stack.pop()
            out.append(node)
            stack.extend(reversed(node.children))
        return out

    def _locate(self, exc: FrameworkError) -> FrameworkError:
        path = exc.path or ""
        reason = exc.reason or str(exc)
        nodes = self._nodes()
        m = re.match(r"^\$\.root((?:\.children\[\d+\])*)", path)
        if m:
            node = next((n for n in nodes if getattr(n, "json_path", None) == m.group(0)), None)
            if node is not None and node is not self.root:
                column = self._column_for(node, path[m.end():].lstrip("."))
                return self.error(reason, node.row, column, node.id_path)  # type: ignore[attr-defined]
            if node is self.root:
                attr = next(iter(re.findall(r"[^.\[\]]+", path[m.end():])), None)
                return self._root_error(reason, path, attr)
            return self.error(reason, None, None, path)
        if path.startswith("$."):
            key = re.match(r"^\$\.([A-Za-z_]+)", path)
            if key and key.group(1) in self.sheet_meta_rows:
                return located(FrameworkError, reason, file=self.meta_file, row=self.sheet_meta_rows[key.group(1)],
                               column="value", path=path)  # type: ignore[return-value]
            return self.error(reason, None, None, path)
        matches = [n for n in nodes if getattr(n, "id_path", None) == path]
        node = (matches[-1] if "twice" in reason else matches[0]) if matches else None
        if node is self.root:
            return self._root_error(reason, path, next((a for a in self.root_attrs if a in reason), None))
        if node is None:
            return self.error(reason, None, None, path or None)
        return self.error(reason, node.row, self._column_for_reason(node, reason), path)

    def _root_error(self, reason: str, path: str, attr: Optional[str]) -> FrameworkError:
        """An engine error about the root: at the root_<key> cell that stated the attribute, if one did."""
        stated = self.root_attrs.get(attr) if attr else None
        if stated is None:
            return self.error(reason, None, None, path or None)
        return self.error(reason, stated[1], stated[2], path)

    def _present(self, node: _Node, column: Optional[str]) -> Optional[str]:
        if column is None:
            return None
        canonical = column if node.is_leaf else (f"level{node.level}" if column == "name" else f"level{node.level}_{column}")
        return canonical if canonical in self.columns else None

    def _column_for(self, node: _Node, rest: str) -> Optional[str]:
        tokens = re.findall(r"[^.\[\]]+", rest)
        if not tokens:
            return None
        first = tokens[0]
        if first == "rule":
            second = tokens[1] if len(tokens) > 1 else "type"
            column = {"type": "rule", "input": "input", "direction": "direction"}.get(second, "params")
            if column != "params" and column not in self.columns:
                column = "params"
            return self._present(node, column)
        if first == "rule_by_category" and len(tokens) > 1:
            return self._present(node, f"params[{tokens[1]}]")
        if first == "weight_by_category" and len(tokens) > 1:
            kinds = [tokens[2]] if len(tokens) > 2 else list(_WEIGHT_KINDS)
            for kind in kinds:
                found = self._present(node, f"{kind}[{tokens[1]}]")
                if found:
                    return found
            return None
        return self._present(node, first)

    def _column_for_reason(self, node: _Node, reason: str) -> Optional[str]:
        if "add up" in reason or "renormalise" in reason:
            kind = next((k for k in _WEIGHT_KINDS if k in node.data), "points")
            return self._present(node, kind) or (kind if kind in self.columns else None)
        for attr in ("weight_by_category", "rule_by_category", "applies_to"):
            if attr in reason:
                if attr == "applies_to":
                    return self._present(node, "applies_to")
                base = _PER_CATEGORY[:3] if attr == "weight_by_category" else ("params",)
                for canonical in self.columns:
                    b = canonical.split("[", 1)[0]
                    if "[" in canonical and (b in base if node.is_leaf else b in {f"level{node.level}_{x}" for x in base}):
                        return canonical
                return None
        if "node id" in reason:
            return self._present(node, "id")
        if "rule" in reason:
            return self._present(node, "rule")
        return None


# =========================================================================================================
# Writing a table
# =========================================================================================================

def framework_to_table(framework: Mapping[str, Any]) -> pd.DataFrame:
    """Write a framework document as a flat indicator table that :func:`framework_from_table` reads back.

    Parameters
    ----------
    framework : dict
        The framework as the JSON format's dict (``Framework.to_dict()``).

    Returns
    -------
    pandas.DataFrame
        One row per leaf, in tree order. Columns: ``level1`` … ``level<D>``, ``id``, the weight columns in use
        (``points``/``weight``/``share``, ``points[<category>]`` …), ``rule``, ``params`` (JSON text),
        ``params[<category>]`` when a rule differs by category, ``input``, ``direction``, ``applies_to``,
        ``missing``, ``aggregation``, ``renormalise``, ``note`` (each only when some leaf uses it), then for every
        group level ``level<k>_id`` and the group columns in use. A group's weight is written only where it
        differs from the sum the reader would compute. Weight columns are floats (NaN = blank), the others text
        (``""`` = blank). The root's attributes are in ``root_<key>`` columns (on every row; ``root_id`` unless
        it is ``"root"``, ``root_name`` unless it is empty, the others when set). ``attrs["meta"]`` holds the
        top-level keys, and ``root`` for the rare root attribute no cell can state (text with leading or
        trailing spaces, an empty root name when the framework has a name); :func:`write_table` puts them in a
        workbook's ``meta`` sheet, and :func:`lost_in_csv` names those a CSV file cannot hold.

    Raises
    ------
    FrameworkError
        When the layout cannot hold the framework: a node without a name, sibling groups (or a group and a
        leaf) with the same name, names, ids or notes with leading or trailing spaces, applies_to categories
        containing a list separator, or node keys the table has no column for.
    """
    root = framework.get("root")
    if not isinstance(root, Mapping) or not root.get("children"):
        raise located(FrameworkError, "a flat table needs a root with indicators under it", path="$.root")
    meta: Dict[str, Any] = {k: json.loads(json.dumps(v)) for k, v in framework.items() if k not in ("root", "kaohe")}
    attributes = {k: v for k, v in root.items() if k != "children"}
    extra = [k for k in attributes if k not in ROOT_KEYS]
    if extra:
        raise located(FrameworkError, f"the table layout cannot hold the root's {', '.join(extra)}",
                      path=str(root.get("id")))
    root_cells, root_rest = _root_cells(attributes, framework.get("name", ""))
    if root_rest:
        meta["root"] = root_rest
    categories = [c.get("id") for c in framework.get("categories") or [] if isinstance(c, Mapping)]
    rows: List[Dict[str, Any]] = []
    _walk(root, [], rows, str(root.get("id", "")))
    depth = max(len(r["_path"]) for r in rows)

    def ordered_categories(found: set) -> List[str]:
        return [c for c in categories if c in found] + sorted(found - set(categories))

    table: Dict[str, List[Any]] = {f"level{k}": [r["_path"][k - 1]["name"] if k <= len(r["_path"]) else ""
                                                 for r in rows] for k in range(1, depth + 1)}
    leaves = [r["_path"][-1] for r in rows]
    table["id"] = [leaf["id"] for leaf in leaves]
    _weight_columns(table, leaves, "", ordered_categories)
    table["rule"] = [leaf["rule"]["type"] for leaf in leaves]
    table["params"] = [_json_text({k: v for k, v in leaf["rule"].items() if k not in ("type", "input", "direction")})
                       for leaf in leaves]
    rule_cats = ordered_categories({c for leaf in leaves for c in leaf.get("rule_by_category", {})})
    for category in rule_cats:
        table[f"params[{category}]"] = [_json_text(leaf.get("rule_by_category", {}).get(category))
                                        if category in leaf.get("rule_by_category", {}) else "" for leaf in leaves]
    table["input"] = [_input_text(leaf) for leaf in leaves]
    table["direction"] = [str(leaf["rule"].get("direction", "")) for leaf in leaves]
    _attribute_columns(table, leaves, "")
    for k in range(1, depth):
        groups = [r["_path"][k - 1] if k < len(r["_path"]) else None for r in rows]
        table[f"level{k}_id"] = [g["id"] if g else "" for g in groups]
        explicit = [g if g and _weight_of(g) != _default_weight([_weight_of(c) for c in g["children"]]) else None
                    for g in groups]
        for kind in _WEIGHT_KINDS:
            if any(g is not None and kind in g for g in explicit):
                table[f"level{k}_{kind}"] = [float(g[kind]) if g is not None and kind in g else math.nan
                                             for g in explicit]
        _weight_columns(table, groups, f"level{k}_", ordered_categories, only_by_category=True)
        _attribute_columns(table, groups, f"level{k}_")
    for key, text in root_cells.items():  # on every row, as a group's columns are on every row of the group
        table[f"root_{key}"] = [text] * len(rows)
    optional = {"input", "direction"}
    frame = pd.DataFrame({name: values for name, values in table.items()
                          if name not in optional or any(v != "" for v in values)})
    frame.attrs["meta"] = meta
    return frame


def _root_cells(attributes: Mapping[str, Any], framework_name: Any) -> Tuple[Dict[str, str], Dict[str, Any]]:
    """The root's attributes as ``root_<key>`` cell texts, and the rest: what a cell cannot state (text with
    surrounding spaces, which cells lose, or an empty root name, which a reader would replace by the framework's
    name), to be kept in ``meta["root"]``. Attributes equal to what the reader assumes need neither."""
    cells: Dict[str, str] = {}
    rest: Dict[str, Any] = {}
    for key in [k for k in ROOT_KEYS if k in attributes]:  # the columns in a fixed order
        value = attributes[key]
        if key in ("id", "name", "note"):
            text = str(value)
            if (key == "id" and text == "root") or (key == "note" and text == ""):
                continue
            if key == "name" and text == "":
                if str(framework_name or ""):
                    rest[key] = value
                continue
            if text != text.strip():
                rest[key] = value
            else:
                cells[key] = text
        elif key == "applies_to":
            if any(_LIST_SEPARATORS.search(str(c)) or str(c) != str(c).strip() for c in value):
                rest[key] = value
            elif value:
                cells[key] = ",".join(map(str, value))
        elif key == "renormalise":
            if value:
                cells[key] = "true"
        elif value is not None:  # aggregation, missing: one word
            cells[key] = str(value)
    return cells, rest


def _walk(node: Mapping[str, Any], path: List[Mapping[str, Any]], rows: List[Dict[str, Any]], id_path: str) -> None:
    names: Dict[str, str] = {}
    for child in node["children"]:
        where = f"{id_path}/{child.get('id')}"
        for key in ("name", "id", "note"):
            value = child.get(key, "")
            if key != "note" and not str(value).strip():
                raise located(FrameworkError, f"the node has no {key}; a flat table identifies indicators by "
                              "their names and ids", path=where)
            if str(value) != str(value).strip():
                raise located(FrameworkError, f"the {key} {str(value)!r} has leading or trailing spaces, which a "
                              "table cell does not keep", path=where)
        for category in child.get("applies_to", []):
            if _LIST_SEPARATORS.search(str(category)):
                raise located(FrameworkError, f"category id '{category}' contains a list separator (, ， 、)",
                              path=where)
        is_group = "children" in child
        allowed = ("id", "name", "points", "weight", "share", "weight_by_category", "applies_to", "renormalise",
                   "aggregation", "missing", "note") + (("children",) if is_group else ("rule", "rule_by_category"))
        extra = [k for k in child if k not in allowed]
        if extra:
            raise located(FrameworkError, f"the table layout cannot hold {', '.join(extra)} on a "
                          f"{'group' if is_group else 'leaf'}", path=where)
        name = str(child["name"])
        previous = names.get(name)
        if previous is not None and (is_group or previous == "group"):
            raise located(FrameworkError, f"two siblings are named '{name}' and one of them is a group; a flat "
                          "table identifies groups by their names, so rename one", path=where)
        names[name] = "group" if is_group else "leaf"
        if is_group:
            if not child["children"]:
                raise located(FrameworkError, "a group without indicators cannot be a table row", path=where)
            _walk(child, path + [child], rows, where)
        else:
            rows.append({"_path": path + [child]})


def _weight_columns(table: Dict[str, List[Any]], nodes: Sequence[Optional[Mapping[str, Any]]], prefix: str,
                    ordered_categories: Any, only_by_category: bool = False) -> None:
    if not only_by_category:
        for kind in _WEIGHT_KINDS:
            if any(n is not None and kind in n for n in nodes):
                table[prefix + kind] = [float(n[kind]) if n is not None and kind in n else math.nan for n in nodes]
    by_category = [n.get("weight_by_category", {}) if n is not None else {} for n in nodes]
    found = {c for w in by_category for c in w}
    for kind in _WEIGHT_KINDS:
        for category in ordered_categories(found):
            if any(kind in w.get(category, {}) for w in by_category):
                table[f"{prefix}{kind}[{category}]"] = [float(w[category][kind]) if kind in w.get(category, {})
                                                        else math.nan for w in by_category]


def _attribute_columns(table: Dict[str, List[Any]], nodes: Sequence[Optional[Mapping[str, Any]]], prefix: str) -> None:
    for attr in ("applies_to", "missing", "aggregation", "renormalise", "note"):
        values = []
        for n in nodes:
            value = n.get(attr) if n is not None else None
            if value is None or value is False:
                values.append("")
            elif attr == "applies_to":
                values.append(",".join(map(str, value)))
            elif attr == "renormalise":
                values.append("true")
            else:
                values.append(str(value))
        if any(values):
            table[prefix + attr] = values


def _input_text(leaf: Mapping[str, Any]) -> str:
    value = leaf["rule"].get("input")
    if value is None or value == leaf["id"]:
        return ""
    plain = lambda s: isinstance(s, str) and s == s.strip() and s and not re.search(r"[/*×{}]", s)  # noqa: E731
    if isinstance(value, str) and plain(value):
        return value
    if isinstance(value, Mapping) and set(value) <= {"ratio", "scale"} and isinstance(value.get("ratio"), list) \
            and len(value["ratio"]) == 2 and all(plain(s) for s in value["ratio"]):
        scale = value.get("scale", 1)
        text = f"{value['ratio'][0]}/{value['ratio'][1]}"
        return text if scale == 1 else f"{text}*{_number_text(scale)}"
    return _json_text(value if isinstance(value, Mapping) else {"item": value})


def lost_in_csv(table: pd.DataFrame) -> List[str]:
    """The keys of a framework that a CSV file of this table would lose, in document order.

    A CSV file holds the rows: the tree, with the root's own attributes in ``root_<key>`` columns. It cannot hold
    the framework's top-level keys, which a table carries in ``table.attrs["meta"]`` (as
    :func:`framework_to_table` sets it) and a workbook in its ``meta`` sheet.

    Parameters
    ----------
    table : pandas.DataFrame
        A table in the layout of :func:`framework_from_table` (e.g. ``Framework.to_table()``).

    Returns
    -------
    list of str
        Each top-level key whose value differs from what a table read without it gets (``total`` other than 100,
        a non-empty ``categories`` …), then ``root.<key>`` for each root attribute that no cell can state
        (``meta["root"]``). Empty when the CSV file alone reads back to the same framework.
    """
    meta = table.attrs.get("meta") or {}
    defaults = _top_level_defaults()
    lost = [key for key, value in meta.items()
            if key not in ("root", "kaohe") and value not in ({}, [], None) and value != defaults.get(key)]
    return lost + [f"root.{key}" for key in (meta.get("root") or {})]


@functools.lru_cache(maxsize=1)
def _top_level_defaults() -> Dict[str, Any]:
    """Each top-level key as the engine writes it for a framework that does not state it."""
    from . import _core

    bare = {"kaohe": 1, "root": {"id": "root", "children": [{"id": "x", "rule": {"type": "manual"}}]}}
    written = json.loads(_core.Framework.from_json(json.dumps(bare), "<defaults>").to_json())
    written.setdefault("score_scale", 100.0)  # written only when it is not the default
    return {k: v for k, v in written.items() if k not in ("kaohe", "root")}


def write_table(table: pd.DataFrame, path: Union[str, "os.PathLike[str]"], *, encoding: str = "utf-8",
                allow_loss: bool = False, raw: bool = False) -> None:
    """Save a flat indicator table as ``.csv`` or ``.xlsx``.

    Parameters
    ----------
    table : pandas.DataFrame
        A table in the layout of :func:`framework_from_table` (e.g. ``Framework.to_table()``).
    path : str or path-like
        ``.xlsx``/``.xlsm``: the rows go to a sheet ``indicators`` and ``table.attrs["meta"]`` to a sheet
        ``meta`` (columns ``key``, ``value``; JSON values, plain text for ``id`` and ``name``), so the workbook
        alone rebuilds the framework. ``.csv``: the rows only (the root's attributes are in their ``root_<key>``
        columns); see ``allow_loss``.
    encoding : str
        Encoding of a CSV file (default UTF-8; ``"utf-8-sig"`` or ``"gb18030"`` for Excel on Chinese Windows).
    allow_loss : bool
        A CSV file cannot hold the framework's top-level keys (:func:`lost_in_csv`). By default writing one that
        would lose any is an error naming them; with ``allow_loss=True`` the rows are written and a
        :class:`kaohe.errors.LossWarning` names what was left out (give it to ``from_table`` as keyword arguments
        to read the file back).
    raw : bool
        By default a text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (a formula to
        a spreadsheet) is written with a leading ``'``, and :func:`framework_from_table` removes it when it reads
        the file, so names such as ``=cmd|' /C calc'!A0`` are safe in the file and come back exactly (text that
        already starts with ``'`` and such a character gets one more quote). ``raw=True`` writes the exact text;
        it refuses text starting with ``'`` and such a character, which would read back without its quote.
        Workbook cells are always text, never formulas.

    The file is written atomically (to a temporary file beside it, renamed into place): an interrupted or failed
    write leaves an existing file as it was.

    Raises
    ------
    FrameworkError
        For an unsupported extension, or a CSV file that would lose keys (without ``allow_loss``); the message
        names the file and every key lost; with ``raw``, for a cell that would not read back the same.
    """
    name = os.fspath(path)
    suffix = os.path.splitext(name)[1].lower()
    if raw:
        _refuse_raw_quotes(table, name)
    if suffix == ".csv":
        lost = lost_in_csv(table)
        if lost and not allow_loss:
            raise located(FrameworkError, f"a CSV file cannot hold the framework's {', '.join(lost)} (only a "
                          "workbook's 'meta' sheet can); write .xlsx, or pass allow_loss=True and give them to "
                          "from_table(...) as keyword arguments when reading the file", file=name)
        safe = safe_frame(table, raw=raw)
        with replacing(name) as temp:
            safe.to_csv(temp, index=False, encoding=encoding, lineterminator=LINE_END)
        if lost:
            warnings.warn(LossWarning(f"{name}: written without the framework's {', '.join(lost)}; give them to "
                                      "from_table(...) as keyword arguments to read it back", lost), stacklevel=2)
        return
    if suffix not in (".xlsx", ".xlsm"):
        raise located(FrameworkError, f"unsupported table format '{suffix or name}': use .csv or .xlsx", file=name)
    meta = table.attrs.get("meta") or {}
    rows = [{"key": key, "value": value if key in ("id", "name") and _plain_cell(value)
             else json.dumps(value, ensure_ascii=False)} for key, value in meta.items()]
    if raw:
        _refuse_raw_quotes(pd.DataFrame(rows, columns=["key", "value"]), f"{name} (sheet 'meta')")
    with excel_writer(name) as writer:
        safe_frame(table, raw=raw).to_excel(writer, sheet_name="indicators", index=False)
        if rows:
            safe_frame(pd.DataFrame(rows, columns=["key", "value"]), raw=raw).to_excel(writer, sheet_name="meta",
                                                                                      index=False)
        # Text such as a note "=…" (with raw=True): openpyxl makes it a formula, which would run and reads back
        # empty (it has no computed value); keep it text.
        text_cells(writer)


def _refuse_raw_quotes(table: pd.DataFrame, name: str) -> None:
    """With raw=True: a cell the reader would change (text starting with ' and = + - @ TAB CR) is an error."""
    for position, column in enumerate(table.columns):
        for i, value in enumerate(table.iloc[:, position]):
            if isinstance(value, str) and restore(value) != value:
                raise located(FrameworkError, f"{value!r} starts with ' and a formula character, so the file "
                              "would read back without the quote; write it without raw=True (--raw)", file=name,
                              row=i + 2, column=str(column))


def _plain_cell(value: Any) -> bool:
    """Whether the meta sheet may write ``value`` as plain text: the reader takes it back unchanged."""
    return isinstance(value, str) and value != "" and value == value.strip() and not value.startswith('"')


# =========================================================================================================
# Shared helpers
# =========================================================================================================

def _canonical_column(header: str) -> Optional[str]:
    """The canonical name of a header cell, or None when the layout has no such column."""
    m = re.match(r"^(.*?)\s*\[\s*(.+?)\s*\]$", header.strip())
    if m:
        base = _canonical_column(m.group(1))
        if base is None:
            return None
        group = re.match(r"^level\d+_(.+)$", base)
        attr = group.group(1) if group else base
        if attr not in _PER_CATEGORY or (group and attr == "params"):
            return None
        return f"{base}[{m.group(2)}]"
    text = header.strip()
    if text in _LEVEL_ALIASES:
        return f"level{_LEVEL_ALIASES[text]}"
    for alias, level in _LEVEL_ALIASES.items():
        if text.startswith(alias):
            rest = text[len(alias):].lstrip("_ ")
            attr = _ATTR_ALIASES.get(rest, rest.lower())
            return f"level{level}_{attr}" if attr in _GROUP_ATTRS else None
    lower = text.lower()
    if re.fullmatch(r"level[1-9]\d*", lower):
        return lower
    m = re.fullmatch(r"root_(.+)", lower)
    if m:  # the root is level 0: its own attributes, one value for the whole table
        attr = _ATTR_ALIASES.get(m.group(1), m.group(1))
        return f"root_{attr}" if attr in ROOT_KEYS else None
    m = re.fullmatch(r"(level[1-9]\d*)_(.+)", lower)
    if m:
        attr = _ATTR_ALIASES.get(m.group(2), m.group(2))
        return f"{m.group(1)}_{attr}" if attr in _GROUP_ATTRS else None
    attr = _ATTR_ALIASES.get(text, lower)
    return attr if attr in _LEAF_ATTRS else None


def _restored(frame: pd.DataFrame) -> pd.DataFrame:
    """A table read from a file with the quote :func:`write_table` put before formula-like text removed."""
    out = frame.map(restore)
    out.columns = [restore(c) for c in frame.columns]
    out.attrs = dict(frame.attrs)
    return out


def _sheet_names(name: str) -> Optional[List[str]]:
    try:
        return list(pd.ExcelFile(name, engine="openpyxl").sheet_names)
    except Exception:  # read_table reports unreadable workbooks with a proper message
        return None


def _parse_structured(text: str) -> Any:
    """JSON, or failing that a YAML flow value; NaN and infinities are refused."""
    def refuse(constant: str) -> Any:
        raise _NotFinite(f"{constant} is not a number")

    try:
        value = json.loads(text, parse_constant=refuse)
    except _NotFinite:
        raise
    except ValueError as exc:
        import yaml

        try:
            value = load_yaml(text, source="the cell", what="the value")
        except yaml.YAMLError:
            raise ValueError(str(exc)) from None
        except FrameworkError as limit:  # the caller names the file, row and column
            raise ValueError(limit.reason or str(limit)) from None
        if value is None or isinstance(value, str):
            raise ValueError(str(exc)) from None
    _check_finite(value)
    return value


class _NotFinite(ValueError):
    """NaN or an infinity in JSON text (which Python's json module would otherwise accept)."""


def _check_finite(value: Any) -> None:
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{value} is not a finite number")
    if not isinstance(value, (dict, list, str, int, float, bool, type(None))):
        raise ValueError(f"{value!r} is not a JSON value (quote it)")
    if isinstance(value, dict):
        for v in value.values():
            _check_finite(v)
    elif isinstance(value, list):
        for v in value:
            _check_finite(v)


def _json_default(value: Any) -> Any:
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _json_text(value: Any) -> str:
    if value is None or value == {}:
        return ""
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def _number_text(value: float) -> str:
    number = float(value)
    return str(int(number)) if number.is_integer() and abs(number) < 1e15 else repr(number)


def _weight_of(node: Mapping[str, Any]) -> Optional[Tuple[str, Any]]:
    for kind in _WEIGHT_KINDS:
        if kind in node:
            return kind, node[kind]
    return None


def _default_weight(children: Sequence[Optional[Tuple[str, Any]]]) -> Optional[Tuple[str, float]]:
    """A group's weight when no row states it: the sum of its children's points (or relative weights)."""
    if not children or any(c is None for c in children):
        return None
    kinds = {c[0] for c in children if c is not None}
    if len(kinds) != 1 or next(iter(kinds)) == "share":
        return None
    values = [float(c[1]) for c in children if c is not None]
    if any(not math.isfinite(v) or v < 0 for v in values):
        return None  # let the engine name the bad child
    return next(iter(kinds)), float(f"{math.fsum(values):.12g}")


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or \
        (isinstance(value, str) and not value.strip())


def _blank_text(value: Any) -> bool:
    return _blank(value)


def _text(value: Any) -> str:
    if _blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _show(value: Any) -> str:
    if isinstance(value, list):
        return ",".join(map(str, value))
    return _number_text(value) if isinstance(value, float) else str(value)
