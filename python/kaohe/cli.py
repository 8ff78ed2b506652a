"""The ``kaohe`` command: score, validate, explain and convert assessment frameworks from a terminal.

Usage (``kaohe COMMAND --help`` for each command's options)::

    kaohe score    FRAMEWORK RESULTS [--units U] [--events E] [--encoding ENC] [--out FILE.csv|.xlsx|.json]
                   [--top N] [--full-precision] [--scores] [--force]
    kaohe validate FRAMEWORK [RESULTS] [--units U] [--events E] [--encoding ENC]
    kaohe explain  FRAMEWORK RESULTS UNIT [--units U] [--events E] [--encoding ENC]
    kaohe convert  SOURCE DEST [--encoding ENC] [--allow-loss] [--force]  (by extension: .json, .yaml/.yml, .csv, .xlsx)
    kaohe --version

``python -m kaohe`` is the same command. Tables, messages and explanations go to standard output; errors,
warnings and "wrote FILE" notes go to standard error.

A file a command writes (``--out``, convert's DEST) is never one of the run's input files unless ``--force`` is
given (the same path, or a symbolic or hard link to it, is refused before any work), and it is written
atomically: to a temporary file beside it, renamed into place, so that a failed or interrupted run leaves the
previous file as it was.

Exit codes
----------
0
    Success (``validate``: no problems found).
2
    Bad input: a framework, results, units or events file kaohe cannot use (``validate`` found problems), a
    file that cannot be read or written, or a missing optional dependency for the requested format. The
    message starts with ``error:`` and names the file, the place in it and the reason; there is no traceback.
3
    Internal error: a bug in kaohe. The message starts with ``internal error:``; set ``KAOHE_DEBUG=1`` to get
    the traceback, and please report it with the command and the input files.
64
    Usage error: unknown command or option, missing argument, unsupported output extension (argparse's own
    code 2 is replaced by 64, the BSD ``EX_USAGE``, so that it cannot be mistaken for bad input).
130
    Interrupted (Ctrl-C).
141
    Standard output was closed early (e.g. ``kaohe score ... | head``).
"""
from __future__ import annotations

import argparse
import math
import os
import sys
import unicodedata
from typing import Any, Callable, Dict, List, NoReturn, Optional, Sequence, TextIO, Tuple

__all__ = ["main", "EXIT_OK", "EXIT_INPUT", "EXIT_INTERNAL", "EXIT_USAGE", "EXIT_INTERRUPTED",
           "display_width", "format_table"]

EXIT_OK = 0
EXIT_INPUT = 2
EXIT_INTERNAL = 3
EXIT_USAGE = 64
# Problems printed for one error; the rest are counted (a million-row table with a bad column would otherwise
# print a million lines).
MAX_LISTED = 100
EXIT_INTERRUPTED = 130
EXIT_PIPE = 141

FRAMEWORK_SUFFIXES = (".json", ".yaml", ".yml", ".csv", ".xlsx")
CARD_SUFFIXES = (".csv", ".xlsx", ".json")

EPILOG = """\
exit codes:
  0    success (validate: no problems found)
  2    bad input: a framework or data file kaohe cannot use, an unreadable or unwritable file
       (the message, prefixed "error:", names the file, the place and the reason)
  3    internal error: a bug in kaohe (KAOHE_DEBUG=1 shows the traceback; please report it)
  64   usage error: unknown command or option, missing argument, unsupported extension
  130  interrupted (Ctrl-C)
  141  standard output closed early (e.g. piped into head)

examples (from the repository root):
  kaohe score examples/district-2019/framework.json examples/district-2019/results.csv \\
      --units examples/district-2019/units.csv --events examples/district-2019/events.csv --out card.xlsx
  kaohe explain examples/district-2019/framework.json examples/district-2019/results.csv drc \\
      --units examples/district-2019/units.csv --events examples/district-2019/events.csv
  kaohe convert examples/district-2019/framework.json framework.yaml

documentation: docs/cli.md and docs/formats.md
"""


# -- errors ------------------------------------------------------------------------------------------------
class _UsageError(Exception):
    """Raised by the parser instead of exiting, so that main() returns the code."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


class _Problems(Exception):
    """One or more located problems with the inputs, reported together under a line naming the inputs."""

    def __init__(self, problems: List[str], files: Sequence[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems
        self.files = [f for f in files if f]


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors exit with 64 (EX_USAGE) instead of argparse's 2.

    ``define``, when given, adds the parser's arguments the first time it parses or prints its help: the
    commands kept in other modules (``cli_sensitivity``, ``cli_weights``) are listed by ``kaohe --help`` but
    their modules (and pandas) are imported only when the command is used.
    """

    def __init__(self, *args: Any, define: Optional[Callable[["_Parser"], None]] = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._define = define

    def _defined(self) -> None:
        define, self._define = self._define, None
        if define is not None:
            define(self)

    def parse_known_args(self, args: Any = None, namespace: Any = None) -> Any:
        self._defined()
        return super().parse_known_args(args, namespace)

    def format_usage(self) -> str:
        self._defined()
        return super().format_usage()

    def format_help(self) -> str:
        self._defined()
        return super().format_help()

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        sys.stderr.write(f"{self.prog}: error: {message}\n")
        raise _UsageError(EXIT_USAGE)

    def exit(self, status: int = 0, message: Optional[str] = None) -> NoReturn:
        if message:
            sys.stderr.write(message)
        raise _UsageError(status)


# -- terminal tables ---------------------------------------------------------------------------------------
def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: East Asian wide and fullwidth characters (汉字, ，) count 2,
    combining marks and zero-width characters 0, everything else 1."""
    width = 0
    for ch in text:
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def _pad(text: str, width: int, right: bool) -> str:
    fill = " " * max(0, width - display_width(text))
    return fill + text if right else text + fill


def format_table(header: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[bool],
                 sep: str = "  ") -> str:
    """Lay out cells in aligned columns (CJK-aware); ``right[j]`` right-aligns column j (numbers)."""
    widths = [display_width(h) for h in header]
    for row in rows:
        widths = [max(w, display_width(c)) for w, c in zip(widths, row)]
    lines = [sep.join(_pad(h, w, r) for h, w, r in zip(header, widths, right)).rstrip()]
    lines.append(sep.join("-" * w for w in widths))
    lines += [sep.join(_pad(c, w, r) for c, w, r in zip(row, widths, right)).rstrip() for row in rows]
    return "\n".join(lines)


def _cell(value: Any, decimals: Optional[int], full: bool = False) -> str:
    """A table cell: ``-`` for a missing value; a float with ``decimals`` places, as its round-trip ``repr`` when
    ``full`` (every digit of the double), else to 6 significant digits."""
    if value is None:
        return "-"
    try:
        import pandas as pd

        if value is pd.NA or (not isinstance(value, str) and pd.isna(value)):
            return "-"
    except (TypeError, ValueError):
        pass
    if isinstance(value, float):
        if math.isnan(value):
            return "-"
        if full:
            return repr(value)
        if decimals is not None:
            return f"{value:.{decimals}f}"
        return f"{value:.6g}"
    return str(value)


def _plural(n: int, word: str, plural: Optional[str] = None) -> str:
    """``1 indicator``, ``2 indicators``, ``0 categories`` (``plural`` when it is not ``word + "s"``)."""
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def render_card(card: Any, *, rounded: bool = True, top: Optional[int] = None, scores: bool = False) -> str:
    """The score card's ranked table (``card.table()``) as aligned text: the published figures (the framework's
    rounding) or, with ``rounded=False``, every digit (round-trip ``repr``). ``scores`` shows each top-level
    group's score (on the framework's ``score_scale``) instead of its points."""
    table = card.table(rounded=rounded, scores=scores)
    if top is not None:
        table = table.head(top)
    rounding = card.framework.to_dict().get("rounding") or {}
    dec_total = rounding.get("total") if rounded else None
    dec_nodes = rounding.get("nodes") if rounded else None
    full = not rounded
    header = ["rank", "unit", "name", "category", "total", "grade", "rank in category"]
    fixed = {"rank", "name", "category", "total", "grade", "rank_in_category"}
    groups = [c for c in table.columns if c not in fixed]
    header += [str(g) for g in groups]
    right = [True, False, False, False, True, False, True] + [True] * len(groups)
    rows = []
    for unit, rec in table.iterrows():
        row = [_cell(rec["rank"], None), str(unit), _cell(rec["name"], None), _cell(rec["category"], None),
               _cell(float(rec["total"]), dec_total, full), _cell(rec["grade"], None),
               _cell(rec["rank_in_category"], None)]
        row += [_cell(float(rec[g]), dec_nodes, full) for g in groups]
        rows.append(row)
    # leave out what says nothing: empty columns (no grading), categories when the framework has none, names
    # when the units have none (the ids were used)
    drop = {j for j in range(len(header)) if j not in (0, 1, 4) and all(r[j] in ("-", "") for r in rows)}
    if not card.framework.categories:
        drop |= {3, 6}
    if all(r[2] in (r[1], "-", "") for r in rows):
        drop.add(2)
    keep = [j for j in range(len(header)) if j not in drop]
    return format_table([header[j] for j in keep], [[r[j] for j in keep] for r in rows], [right[j] for j in keep])


# -- helpers ----------------------------------------------------------------------------------------------
def _kaohe() -> Any:
    import kaohe

    return kaohe


def _warn(message: str) -> None:
    sys.stderr.write(f"warning: {message}\n")


def _note(message: str) -> None:
    sys.stderr.write(f"{message}\n")


def _input_error(message: str, file: Optional[str] = None) -> Exception:
    from .errors import InputError, located

    return located(InputError, message, file=file)


def _load_framework(path: str, encoding: Optional[str] = None) -> Any:
    return _kaohe().Framework.load(path, encoding=encoding)


def _check_units_given(fw: Any, args: argparse.Namespace) -> None:
    if fw.categories and not args.units:
        cats = ", ".join(fw.categories)
        raise _input_error(f"the framework has unit categories ({cats}): give the units table "
                           "(id,name,category) with --units", file=args.framework)


def _number_format(args: argparse.Namespace) -> Dict[str, Any]:
    """--decimal and --thousands: how the data tables write numbers."""
    decimal, thousands = getattr(args, "decimal", None) or ".", getattr(args, "thousands", None)
    if decimal == thousands:
        raise _input_error(f"--decimal and --thousands cannot both be '{decimal}'")
    return {"decimal": decimal, "thousands": thousands}


def _inputs(args: argparse.Namespace) -> List[str]:
    return [getattr(args, name, None) for name in ("framework", "results", "units", "events")]


def _score(args: argparse.Namespace) -> Any:
    from .errors import InputError

    fw = _load_framework(args.framework)
    _check_units_given(fw, args)
    try:
        return fw.score(args.results, units=args.units, events=args.events, encoding=args.encoding,
                        **_number_format(args))
    except InputError as exc:
        if exc.problems:  # the engine's list of every problem at one stage: report them as validate does
            raise _Problems(list(exc.problems), _inputs(args)) from None
        raise


def _write_card(card: Any, path: str, *, rounded: bool = True, scores: bool = False, raw: bool = False) -> None:
    suffix = os.path.splitext(path)[1].lower()

    def write(temp: str) -> None:
        if suffix == ".csv":
            card.to_csv(temp, rounded=rounded, scores=scores, raw=raw)
        elif suffix == ".xlsx":
            card.to_excel(temp, rounded=rounded, scores=scores, raw=raw)
        else:
            card.to_json(temp)

    _write_output(path, write)


# -- output files -----------------------------------------------------------------------------------------
# Every file a command writes goes through _write_output (atomic: a temporary file renamed into place) after
# _run has checked it with _check_outputs (not an input of the run unless --force; not a folder; its folder
# exists). The inputs and outputs are the arguments of these names, whichever command has them.
_INPUT_ROLES = (("framework", "FRAMEWORK"), ("results", "RESULTS"), ("units", "UNITS (--units)"),
                ("events", "EVENTS (--events)"), ("source", "SOURCE"), ("matrix", "MATRIX"))
_OUTPUT_ROLES = (("out", "--out"), ("dest", "DEST"))


def _force_option(parser: argparse.ArgumentParser) -> None:
    """The --force option of a command that writes a file."""
    parser.add_argument("--force", action="store_true",
                        help="write the output file even when it is one of the input files of the run (by "
                             "default that is refused); it is replaced only once the run has read everything")


def _check_outputs(args: argparse.Namespace) -> None:
    """Refuse, before any work, an output file that would replace an input of the run (the same path, a
    symbolic or hard link to it) unless --force, or that cannot be written: a folder, or in a missing folder."""
    from ._output import same_file

    for attribute, option in _OUTPUT_ROLES:
        path = getattr(args, attribute, None)
        if not path:
            continue
        path = os.fspath(path)
        if os.path.isdir(path):
            raise _input_error("cannot write the file (it is a folder)", file=path)
        folder = os.path.dirname(os.path.realpath(path)) if os.path.islink(path) else os.path.dirname(path)
        if folder and not os.path.isdir(folder):
            why = f"{folder} is not a folder" if os.path.exists(folder) else f"there is no folder {folder}"
            raise _input_error(f"cannot write the file ({why})", file=path)
        if getattr(args, "force", False):
            continue
        for name, role in _INPUT_ROLES:
            given = getattr(args, name, None)
            if isinstance(given, str) and given and same_file(path, given):
                also = "" if os.path.abspath(path) == os.path.abspath(given) else f" ({given}, the same file)"
                raise _input_error(f"{option} {path} is the {role} input of this run{also}; choose another file "
                                   "or pass --force")


def _write_output(path: str, write: Callable[[str], None], *, note: bool = True) -> None:
    """Write the output file ``path`` atomically: ``write(temp)`` writes a temporary file beside it, which then
    replaces ``path``; if anything fails or the run is interrupted, ``path`` is left as it was. A file that cannot
    be written is an input error naming it and the reason. ``note``: say "wrote PATH" on stderr."""
    from ._output import replacing

    try:
        with replacing(path) as temp:
            write(temp)
    except OSError as exc:
        raise _input_error(f"cannot write the file ({exc.strerror or exc})", file=path) from None
    if note:
        _note(f"wrote {path}")


def _problems_of(exc: Exception) -> List[str]:
    return list(getattr(exc, "problems", None) or []) or [str(exc)]


def _score_collecting(fw: Any, args: argparse.Namespace) -> "tuple[Any, List[str]]":
    """Score, and keep going after bad events rows (dropped) and bad results cells (blanked) so that one run
    reports as many problems as possible. Returns (card, []) or (None, problems).

    Only problems located in the events or results file (``FILE: row N``) let scoring go on; a missing value
    that is the consequence of a blanked cell is not reported twice.
    """
    import re

    from .errors import InputError

    kaohe = _kaohe()
    results: Any = args.results
    events: Any = args.events
    problems: List[str] = []
    blanked: List["tuple[str, str]"] = []
    seen = set()

    def table(current: Any) -> Any:
        return kaohe.read_table(current, encoding=args.encoding) if isinstance(current, str) else current

    def consequence(problem: str) -> bool:
        return "missing" in problem and any(f"unit '{u}'" in problem and f"'{c}'" in problem for u, c in blanked)

    for _ in range(1000):
        try:
            card = fw.score(results, units=args.units, events=events, encoding=args.encoding,
                            **_number_format(args))
            return (card if not problems else None), problems
        except InputError as exc:
            found = [p for p in _problems_of(exc) if not consequence(p)]
            problems += found
            if exc.row is not None and exc.file:
                located_rows = [(exc.file, exc.row, exc.column)]
            else:  # the engine's list: go on only if every problem is an events row
                pattern = re.compile(r"^" + re.escape(args.events) + r": row (\d+):") if args.events else None
                matches = [pattern.match(p) if pattern else None for p in exc.problems]
                if not exc.problems or not all(matches):
                    return None, problems
                located_rows = [(args.events, int(m.group(1)), None) for m in matches if m]
            for file, row, column in located_rows:
                key = (file, row, column)
                if key in seen:
                    return None, problems
                seen.add(key)
                if events is not None and file == args.events:
                    frame = table(events)
                    if row not in frame.index:
                        return None, problems
                    events = frame.drop(index=row)
                elif file == args.results and column:
                    frame = table(results)
                    if row not in frame.index or column not in frame.columns:
                        return None, problems
                    if column == "unit":
                        results = frame.drop(index=row)
                    else:
                        results = frame.copy()
                        results.loc[row, column] = ""
                        if "unit" in frame.columns:
                            blanked.append((str(frame.loc[row, "unit"]).strip(), str(column)))
                else:
                    return None, problems
    return None, problems


def _resolve_unit(card: Any, unit: str) -> str:
    """A unit id from an id or an exact display name; unknown units get close matches as a hint."""
    ids = card.unit_ids
    if unit in ids:
        return unit
    names = card.units["name"]
    by_name = [uid for uid, name in names.items() if name == unit]
    if len(by_name) == 1:
        return str(by_name[0])
    import difflib

    # each id or name once: without a units table a unit's name is its id
    pool = list(dict.fromkeys(ids + [str(n) for n in names if n]))
    candidates = difflib.get_close_matches(unit, pool, n=4, cutoff=0.5)
    hint = f"; did you mean {', '.join(repr(c) for c in candidates)}?" if candidates else \
        f" (units: {', '.join(ids[:8])}{', ...' if len(ids) > 8 else ''})"
    raise _input_error(f"unit '{unit}': no such unit id or name in the results{hint}")


# -- commands ---------------------------------------------------------------------------------------------
def cmd_score(args: argparse.Namespace, out: TextIO) -> int:
    card = _score(args)
    out.write(render_card(card, rounded=not args.full_precision, top=args.top, scores=args.scores) + "\n")
    for w in card.warnings:
        _warn(w)
    if args.out:
        _write_card(card, args.out, rounded=not args.full_precision, scores=args.scores, raw=args.raw)
    return EXIT_OK


def cmd_validate(args: argparse.Namespace, out: TextIO) -> int:
    from .errors import InputError

    problems: List[str] = []
    fw = None
    try:
        fw = _load_framework(args.framework)
    except InputError as exc:
        problems += _problems_of(exc)  # every independent problem in the framework, one line each
    if fw is not None:
        nodes = fw.nodes
        leaves = int(nodes["is_leaf"].sum())
        groups = int((~nodes["is_leaf"]).sum()) - 1  # not the root
        cats = f", {_plural(len(fw.categories), 'category', 'categories')}" if fw.categories else ""
        where = f" in {_plural(groups, 'group')}" if groups else ", no groups"
        summary = f"{_plural(leaves, 'indicator')}{where}, total {fw.total:g}{cats}"
    if args.results is None:
        if problems:
            raise _Problems(problems, _inputs(args))
        out.write(f"ok: {args.framework}: framework '{fw.id}', {summary}\n")
        return EXIT_OK
    if fw is None:
        problems += _table_problems(args)
        raise _Problems(problems, _inputs(args))
    try:
        _check_units_given(fw, args)
    except InputError as exc:
        raise _Problems([str(exc)], _inputs(args)) from None
    card, more = _score_collecting(fw, args)
    if card is None:
        raise _Problems(problems + more, _inputs(args))
    units = card.units
    counts = units["category"].value_counts()
    by_cat = ", ".join(f"{n} {fw.categories.get(c, c)}" for c, n in counts.items() if c)
    n_events = len(_kaohe().read_table(args.events, encoding=args.encoding)) if args.events else 0
    for w in card.warnings:
        _warn(w)
    events = _plural(n_events, "event") if n_events else "no events"
    out.write(f"ok: {summary}; {_plural(len(units), 'unit')}{f' ({by_cat})' if by_cat else ''} and {events} "
              f"scored, {_plural(len(card.warnings), 'warning')}\n")
    return EXIT_OK


def _table_problems(args: argparse.Namespace) -> List[str]:
    """Problems in the data tables alone (used when the framework itself does not load)."""
    from . import data
    from .errors import InputError

    problems: List[str] = []
    units = None
    try:
        if args.units:
            units = data.to_units(args.units, encoding=args.encoding)
        else:
            frame = data.read_table(args.results, encoding=args.encoding)
            if "unit" in frame.columns:
                ids = data.unit_ids(frame)
                units = data.Units(ids, ids, [""] * len(ids), [True] * len(ids), "")
    except InputError as exc:
        problems.append(str(exc))
    if units is None:
        return problems
    for table, reader in ((args.results, data.to_results), (args.events, data.to_events)):
        if table:
            try:
                reader(table, units, encoding=args.encoding, **_number_format(args))
            except InputError as exc:
                problems.append(str(exc))
    return problems


def cmd_explain(args: argparse.Namespace, out: TextIO) -> int:
    card = _score(args)
    text = card.explain(_resolve_unit(card, args.unit))
    out.write(text if text.endswith("\n") else text + "\n")
    return EXIT_OK


def _first_difference(a: Any, b: Any, path: str = "$") -> Optional[str]:
    """The JSON path of the first place where two JSON-like values differ, or None when they are equal."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in list(a) + [k for k in b if k not in a]:
            if key not in a or key not in b:
                return f"{path}.{key}"
            where = _first_difference(a[key], b[key], f"{path}.{key}")
            if where:
                return where
        return None
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return path
        for i, (x, y) in enumerate(zip(a, b)):
            where = _first_difference(x, y, f"{path}[{i}]")
            if where:
                return where
        return None
    return None if a == b else path


def _framework_table(fw: Any, source: str, dest: str) -> Any:
    """The framework as a flat table; what the layout cannot hold (e.g. a node without a name) names DEST."""
    from .errors import FrameworkError, located

    try:
        return fw.to_table()
    except FrameworkError as exc:
        raise located(FrameworkError, f"{source} cannot be written as a flat table: {exc.reason}", file=dest,
                      path=exc.path) from None


def _write_framework(fw: Any, table: Any, path: str, raw: bool = False) -> None:
    suffix = os.path.splitext(path)[1].lower()
    if suffix == ".json":
        fw.to_json(path)
    elif suffix in (".yaml", ".yml"):
        fw.to_yaml(path)
    else:
        import warnings

        from .errors import LossWarning
        from .tables import write_table

        if suffix == ".xlsx":
            try:
                import openpyxl  # noqa: F401
            except ImportError:
                raise _input_error("writing .xlsx needs openpyxl: pip install 'kaohe[excel]'", file=path) from None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", LossWarning)  # cmd_convert has checked --allow-loss and names the keys
            write_table(table, path, encoding="utf-8-sig", allow_loss=True, raw=raw)  # xlsx: rows, 'meta' sheet


def cmd_convert(args: argparse.Namespace, out: TextIO) -> int:
    from .errors import InputError, InternalError

    fw = _load_framework(args.source, encoding=args.encoding)
    dest = args.dest
    suffix = os.path.splitext(dest)[1]
    table = _framework_table(fw, args.source, dest) if suffix.lower() in (".csv", ".xlsx") else None
    lost: List[str] = []
    if suffix.lower() == ".csv":
        from .tables import lost_in_csv

        lost = lost_in_csv(table)
        if lost and not args.allow_loss:  # refused before anything is written
            raise _input_error(
                f"a CSV file cannot hold {', '.join(lost)} of {args.source}: it holds the indicator rows and the "
                "root's root_<key> columns only. Write an .xlsx workbook instead (its 'meta' sheet keeps them), or "
                "pass --allow-loss to write the rows anyway", file=dest)
    alone = None

    def write(temp: str) -> None:  # a temporary file beside DEST, renamed into place once verified
        nonlocal alone
        _write_framework(fw, table, temp, raw=args.raw)
        # Verify: the written file must read back to the same framework; when keys were knowingly left out, it
        # must do so once they are given back, so that nothing else is lost.
        original = fw.to_dict()
        try:
            if lost:
                again = _kaohe().Framework.from_table(temp, **table.attrs["meta"])
            else:
                again = _load_framework(temp)
            where = _first_difference(original, again.to_dict())
            problem = f"{where} differs" if where else None
        except InputError as exc:
            problem = f"it does not read back ({exc.reason or exc})"
        if problem is not None:
            raise InternalError(f"{dest}: the converted framework does not read back the same: {problem}")
        if lost:
            try:
                _load_framework(temp)
            except InputError as exc:
                alone = exc.reason or str(exc)

    _write_output(dest, write, note=False)
    if lost:
        _warn(f"{dest}: written without {', '.join(lost)} of {args.source}, which a CSV file cannot hold"
              + (f"; on its own it does not read ({alone})" if alone else "")
              + ". Give them to Framework.from_table(...) as keyword arguments to read it back, or convert to .xlsx")
    _note(f"wrote {dest}")
    return EXIT_OK


# -- parser -----------------------------------------------------------------------------------------------
def _extension(choices: Sequence[str], what: str) -> Callable[[str], str]:
    def check(value: str) -> str:
        suffix = os.path.splitext(value)[1].lower()
        if suffix not in choices:
            raise argparse.ArgumentTypeError(f"{what} '{value}': unsupported extension "
                                             f"'{suffix or '(none)'}' (use {', '.join(choices)})")
        return value

    return check


def _whole_number(value: str, minimum: int, bound: str) -> int:
    """An argparse value that must be a whole number >= minimum; ``bound`` says so in the message."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a whole number") from None
    if number < minimum:
        raise argparse.ArgumentTypeError(f"'{value}' must be {bound}")
    return number


def _positive_int(value: str) -> int:
    return _whole_number(value, 1, "at least 1")


def _nonnegative_int(value: str) -> int:
    return _whole_number(value, 0, "0 or more")


RAW_HELP = ("write text cells exactly as they are: without it, text starting with = + - @ TAB or CR (a formula "
            "to a spreadsheet) gets a leading ' in .csv/.xlsx output (see docs/formats.md, 'Safe output')")


def raw_option(parser: argparse.ArgumentParser) -> None:
    """The --raw flag of every command that writes a .csv/.xlsx file."""
    parser.add_argument("--raw", action="store_true", help=RAW_HELP)


def _data_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--units", "-u", metavar="U",
                        help="units table (.csv/.xlsx: id,name,category[,in_pool]); required when the framework "
                             "has categories")
    parser.add_argument("--events", "-e", metavar="E",
                        help="events table (.csv/.xlsx): deductions, bonuses, ratings, manual scores, vetoes ...")
    parser.add_argument("--encoding", metavar="ENC",
                        help="encoding of the CSV data tables (default: detect UTF-8, UTF-8 with BOM, GB18030)")
    parser.add_argument("--decimal", choices=(".", ","), default=".", metavar="SEP",
                        help="decimal separator ('.' or ',') of numbers in the results and events tables "
                             "(default '.'; with ',', 12,5 is 12.5). Without --decimal , or --thousands, a number "
                             "with a ',' is an error, since 1,234 can be read two ways")
    parser.add_argument("--thousands", choices=(",", "."), metavar="SEP",
                        help="thousands separator (',' or '.') of numbers in the results and events tables "
                             "(1,234 with ','; 1.234,5 with --thousands . --decimal ,); default: none")


# Commands whose handlers live in other modules: (name, one-line help for `kaohe --help`). Their arguments
# are defined by the module's define(name, parser, ...) when the command is used (see _Parser).
_LAZY_COMMANDS = (
    ("whatif", "re-weight or change rules and show who moves and why"),
    ("stability", "exact weight intervals that keep the ranking, top k and grades"),
    ("uncertainty", "Monte Carlo rank intervals under sampled weights"),
    ("weights", "weights from AHP judgements or from the data (entropy, CRITIC ...)"),
)


def _lazy_definition(name: str, framework_help: str, results_help: str) -> Callable[["_Parser"], None]:
    def define(parser: _Parser) -> None:
        if name == "weights":
            from . import cli_weights

            cli_weights.define(name, parser)
        else:
            from . import cli_sensitivity

            cli_sensitivity.define(name, parser, framework_help, results_help)

    return define


def build_parser() -> argparse.ArgumentParser:
    from . import __version__

    fmt = argparse.RawDescriptionHelpFormatter
    parser = _Parser(prog="kaohe", formatter_class=fmt, epilog=EPILOG,
                     description="kaohe (考核): exact, explainable performance-assessment scores, ranks and "
                                 "grades from an indicator tree.")
    parser.add_argument("--version", action="version", version=_version_text(__version__))
    parser.add_argument("--limit", metavar="NAME=N", action="append", type=_limit, default=[],
                        help="raise (or lower) one of kaohe's input limits for this run, e.g. --limit "
                             "max_rows=5000000; repeatable; before the command (docs/limits.md)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True, parser_class=_Parser)

    framework_help = "framework file (.json, .yaml/.yml, or a flat indicator table .csv/.xlsx)"
    results_help = "results table (.csv/.xlsx, wide: unit + one column per data item, or long: unit,item,value)"

    p = sub.add_parser("score", help="score units and print the ranked table", formatter_class=fmt, epilog=EPILOG,
                       description="Score the units of RESULTS on FRAMEWORK and print the ranked table "
                                   "(figures rounded as the framework's rounding says). Warnings go to stderr.")
    p.add_argument("framework", metavar="FRAMEWORK", help=framework_help)
    p.add_argument("results", metavar="RESULTS", help=results_help)
    _data_options(p)
    p.add_argument("--out", "-o", metavar="FILE", type=_extension(CARD_SUFFIXES, "output file"),
                   help="also write the score card: .csv (ranked table, UTF-8 with BOM), .xlsx (ranked table, "
                        "points per leaf, explanations) or .json (everything, full precision)")
    _force_option(p)
    p.add_argument("--top", metavar="N", type=_positive_int, help="print only the first N rows")
    p.add_argument("--full-precision", action="store_true",
                   help="print (and write to a .csv/.xlsx --out file) every digit of each figure (the double's "
                        "round-trip repr) instead of the published ones, rounded as the framework says")
    p.add_argument("--scores", action="store_true",
                   help="show each top-level group's score (its share of its maximum on the framework's "
                        "score_scale, 0-100 by default) instead of its points, in the printed table and a "
                        ".csv/.xlsx --out file (.xlsx: also a 'scores' sheet with every node's score)")
    raw_option(p)
    p.set_defaults(func=cmd_score)

    p = sub.add_parser("validate", help="check a framework (and data) and report every problem",
                       formatter_class=fmt, epilog=EPILOG,
                       description="Load FRAMEWORK and, when RESULTS is given, score the data and report every "
                                   "problem found (each missing value, bad cell, unknown target ...). Prints "
                                   "'ok: ...' and exits 0 when there is none; exits 2 otherwise.")
    p.add_argument("framework", metavar="FRAMEWORK", help=framework_help)
    p.add_argument("results", metavar="RESULTS", nargs="?", help=results_help + " (optional)")
    _data_options(p)
    p.set_defaults(func=cmd_validate, parser=p)

    p = sub.add_parser("explain", help="explain every point of one unit's score", formatter_class=fmt,
                       epilog=EPILOG,
                       description="Score the data and print the explanation of UNIT's score: every leaf's "
                                   "arithmetic, deductions, bonuses, vetoes, grade steps and rounding gaps.")
    p.add_argument("framework", metavar="FRAMEWORK", help=framework_help)
    p.add_argument("results", metavar="RESULTS", help=results_help)
    p.add_argument("unit", metavar="UNIT", help="unit id (or its exact name, e.g. 区审计局)")
    _data_options(p)
    p.set_defaults(func=cmd_explain)

    for name, help_text in _LAZY_COMMANDS:
        sub.add_parser(name, help=help_text, formatter_class=fmt, epilog=EPILOG,
                       define=_lazy_definition(name, framework_help, results_help))

    p = sub.add_parser("convert", help="convert a framework between formats", formatter_class=fmt, epilog=EPILOG,
                       description="Read the framework SOURCE and write it as DEST; the formats follow the "
                                   "extensions: .json, .yaml/.yml, or a flat indicator table .csv/.xlsx. SOURCE is "
                                   "validated, and DEST is written only if it reads back to the same framework. "
                                   "A .csv table cannot hold the framework's top-level keys (id, name, total, "
                                   "score_scale, categories, grading ...): converting one that has any is refused, "
                                   "naming them; use .xlsx, or --allow-loss.")
    p.add_argument("source", metavar="SOURCE", type=_extension(FRAMEWORK_SUFFIXES, "framework"),
                   help="framework to read")
    p.add_argument("dest", metavar="DEST", type=_extension(FRAMEWORK_SUFFIXES, "destination"),
                   help="file to write (replaced if it exists, unless it is SOURCE: see --force)")
    p.add_argument("--encoding", metavar="ENC", help="encoding of SOURCE (default: UTF-8; CSV tables are detected)")
    p.add_argument("--allow-loss", action="store_true",
                   help="write a .csv table even though it cannot hold the framework's top-level keys (id, name, "
                        "total, score_scale, categories, grading, adjustments ...), with a warning naming those left "
                        "out; without it such a conversion is refused")
    _force_option(p)
    raw_option(p)
    p.set_defaults(func=cmd_convert)
    return parser


def _limit(text: str) -> Tuple[str, int]:
    """NAME=N for --limit: a known limit and a positive whole number (argparse turns the ValueError into a usage
    error naming the option)."""
    from ._limits import Limits, limits

    name, sep, value = text.partition("=")
    name = name.strip()
    if not sep or not value.strip():
        raise argparse.ArgumentTypeError(f"'{text}' is not NAME=N (e.g. max_rows=5000000)")
    if not hasattr(limits, name) or name.startswith("_") or callable(getattr(Limits, name, None)):
        known = ", ".join(sorted(vars(limits)))
        raise argparse.ArgumentTypeError(f"unknown limit '{name}' (the limits are: {known})")
    try:
        number = int(value.strip().replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a whole number (--limit {name}=N)") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"--limit {name}={value}: must be at least 1")
    return name, number


def _check_args(args: argparse.Namespace) -> None:
    if args.command == "validate" and args.results is None and (args.units or args.events):
        args.parser.error("--units and --events need RESULTS")


# -- entry point ------------------------------------------------------------------------------------------
def _utf8_safe(stream: TextIO) -> None:
    """Make a console that cannot encode Chinese replace characters rather than crash."""
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
    if encoding and encoding not in ("utf8", "utf8sig", "gb18030") and hasattr(stream, "reconfigure"):
        try:
            stream.reconfigure(errors="replace")
        except (AttributeError, ValueError, OSError):  # pragma: no cover
            pass


def _version_text(version: str) -> str:
    """``kaohe X.Y.Z (kernels: LEVEL, best of COMPILED; portable build)``: what --version prints."""
    from . import _core

    info = _core.cpu_info()
    text = f"kaohe {version} (kernels: {info['level']} of {', '.join(info['compiled'])}; {info['build']} build)"
    if info["note"]:
        text += f"\nnote: {info['note']}"
    return text


def main(argv: Optional[List[str]] = None) -> int:
    """Run the ``kaohe`` command with ``argv`` (default: ``sys.argv[1:]``) and return the exit code."""
    _utf8_safe(sys.stdout)
    _utf8_safe(sys.stderr)
    try:
        parser = build_parser()
        try:
            args = parser.parse_args(argv)
            _check_args(args)
        except _UsageError as exc:
            return exc.code
        from ._limits import limits

        with limits.override(**dict(args.limit)):
            return _run(args)
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        return EXIT_INTERRUPTED


def _run(args: argparse.Namespace) -> int:
    from .errors import InputError, InternalError

    try:
        _check_outputs(args)
        return int(args.func(args, sys.stdout))
    except _Problems as exc:
        n = len(exc.problems)
        sys.stderr.write(f"error: {n} problem{'s' if n != 1 else ''} found in {', '.join(exc.files)}:\n")
        for p in exc.problems[:MAX_LISTED]:
            sys.stderr.write("  - " + p.replace("\n", "\n    ") + "\n")
        if n > MAX_LISTED:  # a table with a bad column has a problem per row; the first ones show the pattern
            sys.stderr.write(f"  ... and {n - MAX_LISTED:,} more (fix these and run again)\n")
        return EXIT_INPUT
    except InputError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return EXIT_INPUT
    except ImportError as exc:
        if "kaohe[" in str(exc):  # our own messages for optional dependencies (openpyxl, matplotlib)
            sys.stderr.write(f"error: {exc}\n")
            return EXIT_INPUT
        return _internal(exc)
    except BrokenPipeError:
        try:  # silence the flush at interpreter exit
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError, AttributeError):  # pragma: no cover
            pass
        return EXIT_PIPE
    except KeyboardInterrupt:
        raise
    except (InternalError, Exception) as exc:  # noqa: B014 - InternalError named for the reader
        return _internal(exc)


def _internal(exc: BaseException) -> int:
    sys.stderr.write(f"internal error: {type(exc).__name__}: {exc}\n")
    if os.environ.get("KAOHE_DEBUG", "") not in ("", "0"):
        import traceback

        traceback.print_exception(type(exc), exc, exc.__traceback__, file=sys.stderr)
    else:
        sys.stderr.write("This is a bug in kaohe. Please report it with the command and the input files "
                         "(run again with KAOHE_DEBUG=1 to see the traceback).\n")
    return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
