"""Safe output cells: text that a spreadsheet would run as a formula is written with a leading quote.

OWASP's CSV-injection guidance: a cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return is a formula to Excel, LibreOffice and Google Sheets (``=cmd|' /C calc'!A0``, ``=HYPERLINK(...)``), so
every text cell kaohe writes to a ``.csv`` or ``.xlsx`` file gets a single quote ``'`` in front of such a
character. Numbers are not text and are never touched (a float -3.5 stays -3.5), and neither is text that is a
plain number (``"-3.5"``), which no spreadsheet runs. Text that already starts with quotes followed by such a
character gets one more, so that :func:`restore` (the flat-table reader's inverse) gives back exactly the text
written: ``restore(neutralise(t)) == t`` for every string ``t``.

``raw=True`` (``--raw`` on the command line) writes the exact text instead; workbooks still store every text cell
as text, never as a formula.
"""
from __future__ import annotations

import re
from typing import Any

import pandas as pd

#: The line ending of every CSV file kaohe writes (RFC 4180's CRLF, as Excel writes them): with it Python's csv
#: writer quotes a cell holding a carriage return, which with a bare "\n" it leaves unquoted, so that a name
#: such as "\r=1" would break its row in two for every reader.
LINE_END = "\r\n"
#: The characters that make a cell a formula in a spreadsheet (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NEEDS_QUOTE = re.compile(r"^'*[=+\-@\t\r]")
_QUOTED = re.compile(r"^'+[=+\-@\t\r]")
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def neutralise(value: Any) -> Any:
    """``value`` as a safe cell: a str starting (after any quotes) with ``= + - @ TAB CR`` gets a leading ``'``,
    unless it is a plain number such as ``"-3.5"``; anything that is not a str is returned unchanged."""
    if isinstance(value, str) and _NEEDS_QUOTE.match(value) and not _PLAIN_NUMBER.match(value):
        return "'" + value
    return value


def restore(value: Any) -> Any:
    """The inverse of :func:`neutralise` for text read back: one leading ``'`` is removed from a str that
    starts with quotes followed by ``= + - @ TAB CR``; anything else is returned unchanged."""
    if isinstance(value, str) and _QUOTED.match(value):
        return value[1:]
    return value


def _texts(dtype: Any) -> bool:
    """Whether a column or index of this dtype may hold text (object, a pandas string dtype, categories)."""
    return dtype == object or pd.api.types.is_string_dtype(dtype) or isinstance(dtype, pd.CategoricalDtype)


def _plain(values: pd.Series) -> pd.Series:
    """Categories as their values (a category '=x' must be neutralised like any text)."""
    return values.astype(object) if isinstance(values.dtype, pd.CategoricalDtype) else values


def _index(index: pd.Index) -> pd.Index:
    if isinstance(index, pd.MultiIndex):
        return index.set_levels([_index(level) for level in index.levels])
    if _texts(index.dtype):
        return pd.Index([neutralise(v) for v in index], name=neutralise(index.name), dtype=object)
    return index.rename(neutralise(index.name))


def safe_frame(frame: pd.DataFrame, *, raw: bool = False) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell, column label, index label and index name neutralised
    (:func:`neutralise`); ``frame`` itself when ``raw``. Numeric columns are left as they are."""
    if raw:
        return frame
    out = frame.copy()
    for position in range(out.shape[1]):
        column = out.iloc[:, position]
        if _texts(column.dtype):
            out.isetitem(position, _plain(column).map(neutralise))
    out.columns = _index(out.columns)
    out.index = _index(out.index)
    out.attrs = dict(frame.attrs)
    return out


def safe_series(series: pd.Series, *, raw: bool = False) -> pd.Series:
    """:func:`safe_frame` for a Series (values, index and name)."""
    if raw:
        return series
    values = _plain(series).map(neutralise) if _texts(series.dtype) else series.copy()
    values.index = _index(series.index)
    values.name = neutralise(series.name)
    return values


def text_cells(writer: Any) -> None:
    """Make every cell of an open ``pd.ExcelWriter`` (openpyxl) that openpyxl took for a formula a text cell:
    openpyxl writes a str starting with ``=`` as a formula, which would run (and reads back empty)."""
    for sheet in writer.sheets.values():
        for line in sheet.iter_rows():
            for cell in line:
                if cell.data_type == "f":
                    cell.data_type = "s"
