"""Reading analysts' tables (CSV in UTF-8, UTF-8 with BOM or GB18030; XLSX) and turning units, results and
events into the arrays the engine takes. Every bad cell raises a DataError naming the file (or "DataFrame"),
the row, the column and the reason; nothing is silently dropped.
"""
from __future__ import annotations

import io
import math
import os
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, Union

import numpy as np
import pandas as pd

from ._limits import limits, over_limit
from .errors import DataError, located, shown

__all__ = ["read_table", "TableLike", "Units", "Results", "Events", "to_units", "to_results", "to_events"]

TableLike = Union[str, "os.PathLike[str]", pd.DataFrame]

#: Encodings tried, in order, when a CSV file's encoding is not given.
AUTO_ENCODINGS = ("utf-8-sig", "gb18030")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
_BAD_NUMBERS = {"nan", "+nan", "-nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity", "na", "n/a",
                "#n/a", "#div/0!", "#value!", "#ref!", "#num!", "#name?", "#null!"}


def _decode(raw: bytes, name: str, encoding: Optional[str]) -> Tuple[str, str]:
    """Decode a file's bytes with the given encoding, or the first of AUTO_ENCODINGS that fits."""
    tried = [encoding] if encoding else list(AUTO_ENCODINGS)
    first_error: Optional[UnicodeDecodeError] = None
    for enc in tried:
        try:
            text = raw.decode("utf-8-sig" if enc.lower().replace("_", "-") in ("utf-8", "utf8") else enc)
            return text, enc
        except UnicodeDecodeError as exc:
            first_error = first_error or exc
        except LookupError:
            raise located(DataError, f"unknown encoding '{enc}'", file=name) from None
    assert first_error is not None
    line = raw[: first_error.start].count(b"\n") + 1
    hint = ("give the file's encoding (encoding='gb18030', 'gbk', 'utf-8' ...)" if not encoding
            else "the file is not in this encoding; try encoding=None to detect it")
    raise located(DataError, f"cannot decode byte 0x{raw[first_error.start]:02x} at line {line} as "
                  f"{' or '.join(tried)}; {hint}", file=name)


def read_table(path: Union[str, "os.PathLike[str]"], *, encoding: Optional[str] = None,
               sheet: Union[str, int, None] = None) -> pd.DataFrame:
    """Read a CSV or XLSX table with every cell as text (so numbers are checked strictly later).

    Parameters
    ----------
    path : str or path-like
        A ``.csv`` (or ``.txt``) file, or an ``.xlsx``/``.xlsm`` workbook.
    encoding : str, optional
        CSV encoding. By default UTF-8 (with or without BOM) is tried, then GB18030 (which covers GBK/GB2312).
    sheet : str or int, optional
        Worksheet name or index for workbooks (default: the first sheet).

    Returns
    -------
    pandas.DataFrame
        Cells as ``str`` (``""`` for empty cells). ``df.attrs["source"]`` is the file name and
        ``df.attrs["encoding"]`` the encoding used.
    """
    name = os.fspath(path)
    if not os.path.exists(name):
        raise located(DataError, "no such file", file=name)
    if os.path.isdir(name):
        raise located(DataError, "cannot read the file (it is a folder)", file=name)
    suffix = os.path.splitext(name)[1].lower()
    check_file_size(name, "max_table_bytes", DataError)
    if suffix in EXCEL_SUFFIXES:
        frame = _read_excel(name, sheet)
        frame.attrs["encoding"] = "xlsx"
    elif suffix in (".csv", ".txt", ".tsv"):
        try:
            with open(name, "rb") as handle:
                raw = handle.read()
        except OSError as exc:
            raise located(DataError, f"cannot read the file ({exc.strerror or exc})", file=name) from None
        if not raw.strip():
            raise located(DataError, "the file is empty", file=name)
        text, used = _decode(raw, name, encoding)
        frame = _read_csv_text(text, name, sep="\t" if suffix == ".tsv" else ",")
        frame.attrs["encoding"] = used
    else:
        raise located(DataError, f"unsupported table format '{suffix or name}': use .csv or .xlsx", file=name)
    frame.attrs["source"] = name
    return frame


def check_file_size(name: str, limit: str, error: type) -> None:
    """Refuse a file larger than ``kaohe.limits.<limit>`` before reading it (a FIFO or device reports 0 and is
    bounded by the readers' row and cell limits instead)."""
    try:
        size = os.path.getsize(name)
    except OSError:
        return  # the read that follows reports why the file cannot be read
    if size > getattr(limits, limit):
        raise over_limit(limit, size, "the file", error=error, file=name)


def _check_header(columns: Sequence[str], name: str) -> List[str]:
    header = [str(c).strip() for c in columns]
    seen: Dict[str, int] = {}
    for i, col in enumerate(header):
        if not col or col.startswith("Unnamed:"):
            raise located(DataError, f"column {i + 1} has no name", file=name, row=1)
        if col in seen:
            raise located(DataError, f"column '{col}' appears twice (columns {seen[col] + 1} and {i + 1})",
                          file=name, row=1)
        seen[col] = i
    return header


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def _read_csv_text(text: str, name: str, sep: str) -> pd.DataFrame:
    import csv

    _check_long_cells(text, name)
    # newline="" lets the csv module see the line ends itself, so that CRLF, LF and a lone CR all end a record, as
    # in the C++ reader (src/io/csv.cpp); without it a lone CR was a csv.Error escaping as a traceback.
    # The lines are sliced from the text one at a time (a StringIO would copy the whole text at four bytes a
    # character first), split as StringIO(newline="") splits them: at CRLF, LF or a lone CR, ends kept.
    lines = (m.group() for m in _LINE.finditer(text))
    reader = csv.reader(lines, delimiter=sep)
    # Records are taken one at a time so that a table over the row or cell limit stops there, in bounded memory.
    max_rows, max_cells = limits.max_rows, limits.max_cells
    header: Optional[List[str]] = None
    first: List[str] = []
    body: List[List[str]] = []
    numbers: List[int] = []  # each body row's record number (the header is 1), for error messages
    # The csv module's field limit is set to kaohe's, so that its error means "over kaohe.limits.max_cell_chars"
    # (a quoted cell spanning lines, which _check_long_cells does not see); it is restored after the read.
    saved_field_limit = csv.field_size_limit(limits.max_cell_chars)
    try:
        for number, row in enumerate(reader, start=1):
            if header is None:
                first = row
                header = []  # checked below, once the file is known not to be blank
                continue
            if not any(cell.strip() for cell in row):
                continue  # a blank line, as spreadsheets leave them
            body.append(row)
            numbers.append(number)
            if len(body) > max_rows:
                raise over_limit("max_rows", max_rows, "the table", error=DataError, more_than=True, file=name,
                                 row=number)
            if len(body) * len(first) > max_cells:
                raise over_limit("max_cells", max_cells, f"the table ({len(first)} columns)", error=DataError,
                                 more_than=True, file=name, row=number)
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise over_limit("max_cell_chars", limits.max_cell_chars, "a cell", error=DataError, more_than=True,
                             file=name, row=reader.line_num) from None
        raise located(DataError, f"line {reader.line_num}: cannot be read as CSV ({exc})", file=name) from None
    finally:
        csv.field_size_limit(saved_field_limit)
    if header is None or (not body and not any(cell.strip() for cell in first)):
        raise located(DataError, "the file is empty", file=name)
    header = _check_header(first, name)
    for number, row in zip(numbers, body):
        if len(row) != len(header):
            raise located(DataError, f"has {len(row)} cells but the header has {len(header)}", file=name,
                          row=number)
        row[:] = [cell.strip() for cell in row]
    frame = pd.DataFrame(body, columns=header, dtype=object)
    frame.index = pd.Index(numbers, dtype=np.int64)  # index = the table row (record) number, for messages
    frame.attrs["rows_are_lines"] = True
    return frame


def _check_long_cells(text: str, name: str) -> None:
    """Refuse a cell over ``kaohe.limits.max_cell_chars``, naming its line. A cell cannot be longer than its
    line unless it is quoted across line breaks, so only a file with a line that long is looked at closely (the
    csv module's own field limit, 128 KiB, catches the rest)."""
    limit = limits.max_cell_chars
    if len(text) <= limit:
        return
    import csv

    # Anchored at line starts, so the scan is linear (an unanchored pattern retries at every character).
    for long_line in re.finditer(r"(?m)^[^\r\n]{%d}[^\r\n]*" % (limit + 1), text):
        # The csv module's own field limit (128 KiB) would refuse the cell before it could be measured, so it is
        # lifted for this one line (the line is already in memory, so the cells cost nothing more).
        saved = csv.field_size_limit()
        try:
            csv.field_size_limit(len(long_line.group()) + 1)
            cells = next(csv.reader([long_line.group()]), [])
        except csv.Error:  # e.g. a stray quote: fall back to the line itself, which is then the cell
            cells = [long_line.group()]
        finally:
            csv.field_size_limit(saved)
        for cell in cells:
            if len(cell) > limit:
                line = text.count("\n", 0, long_line.start()) + 1
                raise over_limit("max_cell_chars", len(cell), "a cell", error=DataError, file=name, row=line)


def _read_excel(name: str, sheet: Union[str, int, None]) -> pd.DataFrame:
    try:
        import openpyxl  # noqa: F401
    except ImportError:  # pragma: no cover - depends on the environment
        raise located(DataError, "reading .xlsx needs openpyxl: pip install 'kaohe[excel]'", file=name) from None
    _check_workbook_size(name)
    try:
        book = pd.ExcelFile(name, engine="openpyxl")
    except OSError as exc:
        raise located(DataError, f"cannot read the file ({exc.strerror or exc})", file=name) from None
    except Exception as exc:  # openpyxl raises many types for corrupt files
        raise located(DataError, f"not a readable .xlsx workbook ({exc})", file=name) from None
    names = book.sheet_names
    if isinstance(sheet, str) and sheet not in names:
        raise located(DataError, f"no sheet named '{sheet}' (sheets: {', '.join(names)})", file=name)
    if isinstance(sheet, int) and not 0 <= sheet < len(names):
        raise located(DataError, f"no sheet number {sheet} (the workbook has {len(names)})", file=name)
    raw = pd.read_excel(book, sheet_name=sheet if sheet is not None else 0, header=None, dtype=object)
    raw = raw.dropna(how="all")
    if raw.empty:
        raise located(DataError, f"sheet '{sheet if sheet is not None else names[0]}' is empty", file=name)
    header = _check_header(["" if _blank(v) else str(v) for v in raw.iloc[0]], name)
    if len(raw) - 1 > limits.max_rows:
        raise over_limit("max_rows", len(raw) - 1, "the sheet", error=DataError, file=name)
    if (len(raw) - 1) * len(header) > limits.max_cells:
        raise over_limit("max_cells", (len(raw) - 1) * len(header), f"the sheet ({len(header)} columns)",
                         error=DataError, file=name)
    body = raw.iloc[1:].map(lambda v: "" if _blank(v) else _excel_text(v))
    body.columns = header
    body.index = pd.Index([int(i) + 1 for i in body.index])  # worksheet row numbers (1-based)
    body.attrs["rows_are_lines"] = True
    return body


def _check_workbook_size(name: str) -> None:
    """Refuse a workbook whose parts uncompress to more than ``kaohe.limits.max_xlsx_bytes`` (a zip bomb), from
    the sizes its zip directory declares, before anything is uncompressed. Python's zipfile stops a part at its
    declared size (and then fails its CRC check), so a directory that lies cannot make the reader go further."""
    import zipfile

    try:
        with zipfile.ZipFile(name) as archive:
            declared = sum(max(info.file_size, 0) for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError) as exc:
        raise located(DataError, f"not a readable .xlsx workbook (it is not a zip archive: {exc})", file=name) from None
    except OSError as exc:
        raise located(DataError, f"cannot read the file ({exc.strerror or exc})", file=name) from None
    if declared > limits.max_xlsx_bytes:
        raise over_limit("max_xlsx_bytes", declared, "the workbook, uncompressed,", error=DataError, file=name)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


class _NumberCell(str):
    """The text of a workbook cell that holds a number (not text): written by the spreadsheet with a '.' decimal
    point whatever the locale, so a declared decimal comma does not apply to it."""


def _excel_text(value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _NumberCell(repr(value) if isinstance(value, float) and value.is_integer() else str(value))
    return str(value).strip()


def _source_of(frame: pd.DataFrame, default: str) -> str:
    return str(frame.attrs.get("source", default))


def _row_of(frame: pd.DataFrame, label: Any) -> Optional[int]:
    """The table row of an index label: file row numbers for read tables, the label itself otherwise."""
    if frame.attrs.get("rows_are_lines"):
        return int(label)
    return None


def _where(frame: pd.DataFrame, label: Any, column: Optional[str], default_source: str) -> Dict[str, Any]:
    row = _row_of(frame, label)
    source = _source_of(frame, default_source)
    if row is None and not frame.attrs.get("rows_are_lines"):
        source = f"{source} (row label {shown(label)})"
    return {"file": source, "row": row, "column": column}


DECIMALS = (".", ",")
THOUSANDS = (None, ",", ".")


def check_number_format(decimal: str = ".", thousands: Optional[str] = None) -> None:
    """Refuse a declared number format other than decimal '.'/',' and thousands None/','/'.' (different)."""
    if decimal not in DECIMALS:
        raise ValueError(f"decimal must be '.' or ',', not {decimal!r}")
    if thousands not in THOUSANDS:
        raise ValueError(f"thousands must be None, ',' or '.', not {thousands!r}")
    if thousands == decimal:
        raise ValueError(f"thousands and decimal cannot both be {decimal!r}")


def _declare_hint(text: str, declare: bool) -> str:
    if not declare:
        return "write the number without separators, with '.' as the decimal point"
    return ("remove the thousands separator (write plain digits with '.' as the decimal point), or declare how the "
            "file writes numbers: decimal=',' and/or thousands=',' or '.' (kaohe: --decimal , --thousands .)")


def _number_text(text: str, decimal: str, thousands: Optional[str], declare: bool) -> str:
    """Numeric-looking text in Python's spelling ('.' decimal point, no grouping), or a ValueError naming the
    ambiguity (a ',' or '.' that the declared format does not explain)."""
    body = text
    if thousands is not None and thousands in body:
        mantissa = re.split(r"[eE]", body, maxsplit=1)[0]
        whole = mantissa.split(decimal, 1)[0] if decimal in mantissa else mantissa
        if not re.fullmatch(r"[+-]?\d{1,3}(" + re.escape(thousands) + r"\d{3})+", whole) \
                or thousands in mantissa[len(whole):] or thousands in body[len(mantissa):]:
            raise ValueError(f"'{text}' is not a number with thousands separator '{thousands}' (groups of three "
                             f"digits before the decimal {'comma' if decimal == ',' else 'point'}, as in "
                             f"{'1' + thousands + '234' + decimal + '5'})")
        body = body.replace(thousands, "")
    other = "," if decimal == "." else "."
    if other in body:
        if decimal == ".":
            m = re.fullmatch(r"([+-]?\d+),(\d+)", body)
            readings = (f"a thousands separator ({m.group(1)}{m.group(2)}) or a decimal comma "
                        f"({m.group(1)}.{m.group(2)})" if m else "a thousands separator or a decimal comma")
            raise ValueError(f"'{text}' is ambiguous: ',' may be {readings}; {_declare_hint(text, declare)}")
        raise ValueError(f"'{text}' has a '.' but the declared decimal separator is ','; declare thousands='.' "
                         "(--thousands .) if '.' groups thousands, or write the number with a decimal comma")
    return body.replace(",", ".") if decimal == "," else body


def parse_cell(value: Any, *, decimal: str = ".", thousands: Optional[str] = None,
               declare: bool = True) -> Union[float, str, None]:
    """A cell as a number, a text answer or None (blank). NaN/inf spellings and percents are errors.

    Text with a ``,`` (``1,234``, ``12,5``, ``1.234,5``) is ambiguous and an error unless the number format is
    declared: ``decimal=","`` reads ``12,5`` as 12.5, ``thousands=","`` reads ``1,234`` as 1234 (groups of three
    digits only), ``decimal=",", thousands="."`` reads ``1.234,5`` as 1234.5. ``declare`` says whether the error
    may suggest declaring them (False where no option exists). Numbers that are not text (and workbook cells that
    hold numbers) are never read with the declared separators."""
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)):
        return float(value)
    if isinstance(value, (int, float, np.integer, np.floating)):
        number = float(value)
        if math.isnan(number):
            return None  # pandas' missing marker in a DataFrame the caller built
        if math.isinf(number):
            raise ValueError("value is infinite")
        return number
    machine = isinstance(value, _NumberCell)
    text = str(value).strip()
    if not text:
        return None
    if text.lower() in _BAD_NUMBERS:
        raise ValueError(f"'{text}' is not a number: leave the cell empty for a missing value")
    if text.endswith("%"):
        raise ValueError(f"'{text}' is a percentage: write it as a plain number ({text[:-1].strip()})")
    number: Optional[float] = None
    if machine:
        number = float(text)
    elif _looks_numeric(text):
        spelt = _number_text(text, decimal, thousands, declare)
        try:
            number = float(spelt)
        except ValueError:
            number = None
    if number is None:
        return text
    if math.isinf(number):
        raise ValueError(f"'{text}' is too large to be a number")
    return number


def _looks_numeric(text: str) -> bool:
    return any(c.isdigit() for c in text) and all(c.isdigit() or c in "+-.eE," for c in text)


_TRUE = ("true", "1", "yes", "y", "是", "1.0", "")
_FALSE = ("false", "0", "no", "n", "否", "0.0")


def to_bool(value: Any, where: Dict[str, Any]) -> bool:
    if _blank(value) or (isinstance(value, str) and not value.strip()):
        return True
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise located(DataError, f"'{value}' is not true/false", **where)


@dataclass
class Units:
    """The assessed units: ids, display names, categories and pool membership, in order."""

    ids: List[str]
    names: List[str]
    categories: List[str]
    in_pool: List[bool]
    source: str = ""

    @property
    def index(self) -> Dict[str, int]:
        return {u: i for i, u in enumerate(self.ids)}


@dataclass
class Results:
    """Raw results: a units x items matrix (NaN = missing) plus text answers for categorical items."""

    items: List[str]
    values: np.ndarray
    text: List[Tuple[int, int, str]] = field(default_factory=list)
    source: str = ""
    #: where(unit index, item index) -> the cell's file, row and column, for messages.
    where: Optional[Callable[[int, int], Dict[str, Any]]] = None


@dataclass
class Events:
    """Events (deductions, bonuses, ratings, manual scores, judgements, overrides, vetoes, grades)."""

    rows: List[Tuple[str, str, str, str, str, str, str, float, float, float, str, str, str, int]]
    source: str = ""


def _frame(table: TableLike, what: str, encoding: Optional[str], sheet: Union[str, int, None]) -> pd.DataFrame:
    if isinstance(table, pd.DataFrame):
        return table
    if isinstance(table, (str, os.PathLike)):
        return read_table(table, encoding=encoding, sheet=sheet)
    raise TypeError(f"{what} must be a pandas DataFrame or a path to a CSV/XLSX file, not {type(table).__name__}")


def _require(frame: pd.DataFrame, columns: Sequence[str], what: str, default: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise located(DataError, f"the {what} table needs column(s) {', '.join(missing)} "
                      f"(it has: {', '.join(map(str, frame.columns))})", file=_source_of(frame, default))


def _text(value: Any) -> str:
    return "" if _blank(value) else str(value).strip()


UNIT_COLUMNS = ("id", "name", "category", "in_pool")


def unit_id(value: Any, where: Dict[str, Any]) -> str:
    """A unit id as it was given: text as written (stripped; ``"01"`` stays ``"01"``), a whole number as its
    digits (``1`` is ``"1"``). A number with a decimal point (``1.0``, as pandas makes of a column of whole
    numbers with an empty cell) or a true/false value is refused, since its spelling as an id is a guess;
    ``""`` for a blank cell. ``where`` locates the cell for the error."""
    if _blank(value):
        return ""
    if isinstance(value, (bool, np.bool_)):
        raise located(DataError, f"unit id {shown(value)} is a true/false value, not an id", **where)
    if isinstance(value, (float, np.floating)):
        raise located(DataError, f"unit id {shown(value)} is a number with a decimal point, so how it is spelt "
                      "as an id is a guess ('1', '1.0', '01'?): give unit ids as text (e.g. pd.read_csv(..., "
                      "dtype=str)) or as whole numbers (int)", **where)
    return str(value).strip()


_NUMERIC_ID = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)$")


def unit_ids(frame: pd.DataFrame, default: str = "results DataFrame") -> List[str]:
    """The distinct unit ids of a results table (its ``unit`` column, or its index), in order of first row:
    the units when no units table is given."""
    column = frame["unit"] if "unit" in frame.columns else frame.index.to_series()
    ids: Dict[str, None] = {}
    for label, value in zip(frame.index, column):
        where = _where(frame, label, "unit", default)
        uid = unit_id(value, where)
        if not uid:
            raise located(DataError, "unit is empty", **where)
        ids.setdefault(uid)
    return list(ids)


def _unknown_unit(key: str, units: "Units", where: Dict[str, Any]) -> Exception:
    """The error for a unit id the units table does not have, with the id it has for the same number (ids are
    compared as text: '1' is not '01')."""
    hint = ""
    if _NUMERIC_ID.match(key):
        same = [u for u in units.ids if _NUMERIC_ID.match(u) and float(u) == float(key)]
        if same:
            hint = (f"; the units table has {', '.join(repr(u) for u in same[:3])}: ids are compared as text, "
                    f"so write '{key}' the same way in both tables")
    return located(DataError, f"unknown unit '{key}' (not in the units table{hint})", **where)


def _unit_id_at(frame: pd.DataFrame, label: Any, value: Any, default: str) -> str:
    """The unit id in a units table's ``id`` cell; where the cell is is worked out only for an error."""
    if isinstance(value, str) and value.strip():
        return value.strip()
    uid = unit_id(value, _where(frame, label, "id", default))
    if not uid:
        raise located(DataError, "unit id is empty", **_where(frame, label, "id", default))
    return uid


def _bool_at(frame: pd.DataFrame, label: Any, value: Any, default: str) -> bool:
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    return to_bool(value, _where(frame, label, "in_pool", default))


def to_units(table: TableLike, *, encoding: Optional[str] = None, sheet: Union[str, int, None] = None) -> Units:
    """Units from a table with columns ``id, name, category[, in_pool]``."""
    frame = _frame(table, "units", encoding, sheet)
    default = "units DataFrame"
    if "id" not in frame.columns and frame.index.name == "id":
        frame = frame.reset_index()
    _require(frame, ["id"], "units", default)
    extra = [c for c in frame.columns if c not in UNIT_COLUMNS]
    if extra:
        raise located(DataError, f"unknown column(s) {', '.join(map(str, extra))} in the units table "
                      f"(allowed: {', '.join(UNIT_COLUMNS)})", file=_source_of(frame, default))
    # Column by column rather than row by row (iterrows builds a Series per row: 13 s per 10^5 units).
    labels = list(frame.index)
    ids = [_unit_id_at(frame, label, value, default) for label, value in zip(labels, frame["id"].to_numpy(object))]
    seen: Dict[str, int] = {}
    for i, uid in enumerate(ids):
        if uid in seen:
            raise located(DataError, f"unit '{uid}' is listed twice", **_where(frame, labels[i], "id", default))
        seen[uid] = i
    names = [_text(v) for v in frame["name"].to_numpy(object)] if "name" in frame.columns else [""] * len(ids)
    cats = [_text(v) for v in frame["category"].to_numpy(object)] if "category" in frame.columns else [""] * len(ids)
    pool = ([_bool_at(frame, label, v, default) for label, v in zip(labels, frame["in_pool"].to_numpy(object))]
            if "in_pool" in frame.columns else [True] * len(ids))
    if not ids:
        raise located(DataError, "the units table has no units", file=_source_of(frame, default))
    return Units(ids, names, cats, pool, _source_of(frame, default))


def to_results(table: TableLike, units: Units, *, encoding: Optional[str] = None,
               sheet: Union[str, int, None] = None, decimal: str = ".", thousands: Optional[str] = None) -> Results:
    """Results from a wide table (``unit`` + one column per item) or a long one (``unit, item, value``).
    ``decimal`` and ``thousands`` declare how text cells write numbers (see :func:`parse_cell`); by default a
    ``,`` in a number is an error naming the cell."""
    check_number_format(decimal, thousands)
    number_format = {"decimal": decimal, "thousands": thousands}
    frame = _frame(table, "results", encoding, sheet)
    default = "results DataFrame"
    if "unit" not in frame.columns and frame.index.name == "unit":
        frame = frame.reset_index()
    _require(frame, ["unit"], "results", default)
    if "item" in frame.columns:
        return _long_results(frame, units, default, number_format)
    return _wide_results(frame, units, default, number_format)


def _unit_rows(frame: pd.DataFrame, units: Units, default: str) -> np.ndarray:
    """Row i of the frame -> unit index; unknown units are errors naming the row."""
    index = units.index
    positions = np.empty(len(frame), dtype=np.int64)
    for i, (label, uid) in enumerate(zip(frame.index, frame["unit"].to_numpy(object))):
        key = uid.strip() if isinstance(uid, str) else unit_id(uid, _where(frame, label, "unit", default))
        if not key:
            raise located(DataError, "unit is empty", **_where(frame, label, "unit", default))
        at = index.get(key)
        if at is None:
            raise _unknown_unit(key, units, _where(frame, label, "unit", default))
        positions[i] = at
    return positions


def _wide_results(frame: pd.DataFrame, units: Units, default: str, number_format: Dict[str, Any]) -> Results:
    items = [str(c) for c in frame.columns if c != "unit"]
    positions = _unit_rows(frame, units, default)
    dup = pd.Series(positions).duplicated()
    if dup.any():
        i = int(np.argmax(dup.to_numpy()))
        raise located(DataError, f"unit '{units.ids[positions[i]]}' has two rows",
                      **_where(frame, frame.index[i], "unit", default))
    values = np.full((len(units.ids), len(items)), np.nan, order="F")
    text: List[Tuple[int, int, str]] = []
    numeric = [pd.api.types.is_numeric_dtype(frame[c].dtype) and not pd.api.types.is_bool_dtype(frame[c].dtype)
               for c in items]
    if items and all(numeric):
        # An all-numeric frame (the usual DataFrame input) converts in one vectorised step.
        numbers = frame[items].to_numpy(dtype=np.float64)
        bad = np.isinf(numbers)
        if bad.any():
            i, j = map(int, np.argwhere(bad)[0])
            raise located(DataError, "value is infinite", **_where(frame, frame.index[i], items[j], default))
        if len(positions) == len(units.ids) and np.array_equal(positions, np.arange(len(positions))):
            values = np.asfortranarray(numbers)
        else:
            values[positions, :] = numbers
        return Results(items, values, text, _source_of(frame, default), _wide_where(frame, positions, items, default))
    for j, item in enumerate(items):
        column = frame[item]
        if pd.api.types.is_numeric_dtype(column.dtype) and not pd.api.types.is_bool_dtype(column.dtype):
            numbers = column.to_numpy(dtype=np.float64)
            bad = np.isinf(numbers)
            if bad.any():
                i = int(np.argmax(bad))
                raise located(DataError, "value is infinite", **_where(frame, frame.index[i], item, default))
            values[positions, j] = numbers
            continue
        cells = column.to_numpy(dtype=object)
        blank, plain, numbers = _plain_numbers(cells, number_format)
        values[positions[plain], j] = numbers
        for i in np.flatnonzero(~(plain | blank)):
            cell = cells[i]
            try:
                parsed = parse_cell(cell, **number_format)
            except ValueError as exc:
                raise located(DataError, str(exc), **_where(frame, frame.index[i], item, default)) from None
            if isinstance(parsed, str):
                text.append((int(positions[i]), j, parsed))
            elif parsed is not None:
                values[positions[i], j] = parsed
    return Results(items, values, text, _source_of(frame, default), _wide_where(frame, positions, items, default))


# Text that parse_cell reads as float(text) whatever the declared format: ASCII digits with an optional sign and
# exponent, and a decimal point only when '.' is the declared decimal separator with no thousands separator.
_PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_PLAIN_WHOLE = re.compile(r"[+-]?[0-9]+(?:[eE][+-]?[0-9]+)?")
_PLAIN_CHARS = re.compile(r"[0-9+\-.eE]*")


def _plain_numbers(cells: np.ndarray, number_format: Dict[str, Any]) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Which cells are blank text, which are plain numbers, and the plain numbers' values, converted in one
    step; parse_cell reads the rest one by one (text answers, separators, errors). A plain number that overflows
    to inf is left to parse_cell, which names it. The values are parse_cell's: numpy converts text with the
    same correctly rounded parser as Python's float() (tests/python/test_loaders.py checks bit equality)."""
    blank = cells == ""
    default_format = number_format["decimal"] == "." and number_format["thousands"] is None
    if default_format:
        # The common case, a column of plain numbers and blanks: one character screen of the whole column (which
        # keeps out what float() reads but parse_cell does not: '1_000', 'nan', 'inf', other scripts' digits),
        # then one conversion; any failure falls back to the cell-by-cell screen below.
        rest = cells[~blank]
        try:
            if _PLAIN_CHARS.fullmatch("".join(rest)):
                numbers = np.array(rest, dtype=np.float64)
                if np.isfinite(numbers).all():
                    return blank, ~blank, numbers
        except (TypeError, ValueError):
            pass
    match = (_PLAIN_NUMBER if default_format else _PLAIN_WHOLE).fullmatch
    plain = np.fromiter((type(c) is str and match(c) is not None for c in cells), dtype=bool, count=len(cells))
    numbers = np.array(cells[plain], dtype=np.float64) if plain.any() else np.empty(0)
    finite = np.isfinite(numbers)
    if not finite.all():
        plain[np.flatnonzero(plain)[~finite]] = False
        numbers = numbers[finite]
    return blank, plain, numbers


def _wide_where(frame: pd.DataFrame, positions: np.ndarray, items: List[str],
                default: str) -> Callable[[int, int], Dict[str, Any]]:
    def where(unit: int, item: int) -> Dict[str, Any]:
        i = int(np.flatnonzero(positions == unit)[0])
        return _where(frame, frame.index[i], items[item], default)

    return where


def _long_results(frame: pd.DataFrame, units: Units, default: str, number_format: Dict[str, Any]) -> Results:
    _require(frame, ["unit", "item", "value"], "results", default)
    extra = [c for c in frame.columns if c not in ("unit", "item", "value")]
    if extra:
        raise located(DataError, f"unknown column(s) {', '.join(map(str, extra))} in a long results table "
                      "(allowed: unit, item, value)", file=_source_of(frame, default))
    positions = _unit_rows(frame, units, default)
    items: List[str] = []
    item_index: Dict[str, int] = {}
    cells: List[Tuple[int, int, Union[float, str, None], Any]] = []
    seen: Dict[Tuple[int, int], Any] = {}
    for i, (label, item, value) in enumerate(zip(frame.index, frame["item"], frame["value"])):
        name = _text(item)
        if not name:
            raise located(DataError, "item is empty", **_where(frame, label, "item", default))
        if name not in item_index:
            item_index[name] = len(items)
            items.append(name)
        key = (int(positions[i]), item_index[name])
        if key in seen:
            raise located(DataError, f"unit '{units.ids[key[0]]}' has two values for '{name}'",
                          **_where(frame, label, "item", default))
        seen[key] = label
        try:
            parsed = parse_cell(value, **number_format)
        except ValueError as exc:
            raise located(DataError, str(exc), **_where(frame, label, "value", default)) from None
        cells.append((key[0], key[1], parsed, label))
    values = np.full((len(units.ids), len(items)), np.nan, order="F")
    text: List[Tuple[int, int, str]] = []
    for u, j, parsed, _ in cells:
        if isinstance(parsed, str):
            text.append((u, j, parsed))
        elif parsed is not None:
            values[u, j] = parsed

    def where(unit: int, item: int) -> Dict[str, Any]:
        label = next(label for u, j, _, label in cells if (u, j) == (unit, item))
        return _where(frame, label, "value", default)

    return Results(items, values, text, _source_of(frame, default), where)


EVENT_COLUMNS = ("unit", "type", "target", "kind", "count", "item", "level", "share", "evidence", "rater", "value", "note")
EVENT_TYPES = ("deduction", "bonus", "rating", "manual", "judgement", "override", "veto", "grade")


def to_events(table: Optional[TableLike], units: Units, *, encoding: Optional[str] = None,
              sheet: Union[str, int, None] = None, decimal: str = ".", thousands: Optional[str] = None) -> Events:
    """Events from a table with the columns of docs/formats.md (``unit``, ``type`` and ``target`` required).
    ``decimal`` and ``thousands`` declare how the number cells (count, share, value) write numbers, as for
    :func:`to_results`."""
    check_number_format(decimal, thousands)
    if table is None:
        return Events([], "")
    frame = _frame(table, "events", encoding, sheet)
    default = "events DataFrame"
    _require(frame, ["unit", "type"], "events", default)
    extra = [c for c in frame.columns if c not in EVENT_COLUMNS]
    if extra:
        raise located(DataError, f"unknown column(s) {', '.join(map(str, extra))} in the events table "
                      f"(allowed: {', '.join(EVENT_COLUMNS)})", file=_source_of(frame, default))
    index = units.index
    rows = []
    source = _source_of(frame, default)
    for label, row in frame.iterrows():
        get = lambda col: _text(row[col]) if col in frame.columns else ""  # noqa: E731
        unit, kind = unit_id(row["unit"], _where(frame, label, "unit", default)), get("type")
        if unit not in index:
            raise _unknown_unit(unit, units, _where(frame, label, "unit", default))
        if kind not in EVENT_TYPES:
            raise located(DataError, f"unknown event type '{kind}' (known: {', '.join(EVENT_TYPES)})",
                          **_where(frame, label, "type", default))

        def number(col: str, default_value: float) -> float:
            if col not in frame.columns:
                return default_value
            try:
                parsed = parse_cell(row[col], decimal=decimal, thousands=thousands)
            except ValueError as exc:
                raise located(DataError, str(exc), **_where(frame, label, col, default)) from None
            if isinstance(parsed, str):
                raise located(DataError, f"'{parsed}' is not a number", **_where(frame, label, col, default))
            return default_value if parsed is None else parsed

        line = _row_of(frame, label)
        rows.append((kind, unit, get("target"), get("kind"), get("item"), get("level"), get("rater"),
                     number("count", 1.0), number("value", math.nan), number("share", 1.0), get("note"),
                     get("evidence"), source, -1 if line is None else line))
    return Events(rows, source)


#: Rule types whose points are M x value / reference without a floor: a negative input gives negative points.
_NON_NEGATIVE_RULES = ("completion",)


def sign_checks(framework: Dict[str, Any]) -> List[Tuple[str, Optional[frozenset], Optional[str], Dict[str, Any],
                                                          Dict[str, Dict[str, Any]]]]:
    """Per leaf whose inputs cannot be negative: (path, categories it applies to or None, its id, its rule, its
    rule_by_category). A ratio's denominator can never be negative; a completion's input (or a ratio's
    numerator under a completion rule) cannot either."""
    out: List[Tuple[str, Optional[frozenset], Optional[str], Dict[str, Any], Dict[str, Dict[str, Any]]]] = []

    def walk(node: Dict[str, Any], path: str, applies: Optional[frozenset]) -> None:
        if node.get("applies_to"):
            mine = frozenset(map(str, node["applies_to"]))
            applies = mine if applies is None else applies & mine
        for child in node.get("children") or []:
            walk(child, f"{path}/{child.get('id')}", applies)
        rule = node.get("rule")
        if isinstance(rule, dict):
            out.append((path, applies, node.get("id"), rule, node.get("rule_by_category") or {}))

    root = framework.get("root") or {}
    walk(root, str(root.get("id", "root")), None)
    return out


def _inputs_of(rule: Dict[str, Any], leaf_id: Optional[str]) -> List[Tuple[str, str]]:
    """(item, what) pairs that must not be negative under this rule."""
    data = rule.get("input", leaf_id)
    completion = rule.get("type") in _NON_NEGATIVE_RULES
    if isinstance(data, dict) and isinstance(data.get("ratio"), list) and len(data["ratio"]) == 2:
        numerator, denominator = map(str, data["ratio"])
        pairs = [(denominator, f"the denominator of its ratio {numerator}/{denominator}")]
        if completion:
            pairs.insert(0, (numerator, f"the numerator of its ratio {numerator}/{denominator} (a completion rate)"))
        return pairs
    if isinstance(data, dict):
        data = data.get("item")
    return [(str(data), "the input of a completion rule")] if completion and data is not None else []


def check_signs(checks: Sequence[Tuple[str, Optional[frozenset], Optional[str], Dict[str, Any],
                                       Dict[str, Dict[str, Any]]]],
                units: Units, results: Results) -> None:
    """Refuse a negative value that a leaf cannot take (see :func:`sign_checks`), naming the unit, the indicator
    and the cell: a negative denominator turns a rate's sign, and a negative completion gives points below zero."""
    if not checks or not results.items:
        return
    column = {item: j for j, item in enumerate(results.items)}
    categories = np.asarray(units.categories, dtype=object)
    for path, applies, leaf_id, rule, by_category in checks:
        groups: Dict[Tuple[Tuple[str, str], ...], np.ndarray] = {}
        cats = set(units.categories) if applies is None else set(units.categories) & applies
        for category in cats:
            merged = dict(rule, **by_category.get(category, {}))
            key = tuple(_inputs_of(merged, leaf_id))
            mask = categories == category
            groups[key] = groups[key] | mask if key in groups else mask
        for pairs, mask in groups.items():
            for item, what in pairs:
                j = column.get(item)
                if j is None:
                    continue
                bad = np.flatnonzero(mask & (results.values[:, j] < 0))
                if len(bad):
                    u = int(bad[0])
                    value = float(results.values[u, j])
                    where = results.where(u, j) if results.where else {"file": results.source or None}
                    hint = ("a ratio's denominator is a count or a total" if "denominator" in what else
                            "if negative values are meaningful here, use a linear rule (zero_at, full_at), which is "
                            "clamped to 0 .. M")
                    raise located(DataError, f"unit '{units.ids[u]}', {path}: '{item}' is {value:g}, but {what} "
                                  f"cannot be negative ({hint})", **where)
