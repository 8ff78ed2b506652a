"""The limits every reader enforces, so that a hostile or mistaken file fails fast with a clear error instead of
hanging the process or exhausting memory (docs/limits.md).

The defaults hold every real assessment and index by a wide margin (the largest frameworks have a few thousand
nodes; a province's schools are some 10^5 units) while keeping one run of the Python readers within about a
gigabyte and seconds. Raise one for a run that needs it::

    import kaohe
    kaohe.limits.max_rows = 5_000_000          # for the rest of the process
    with kaohe.limits.override(max_rows=5_000_000, max_cells=50_000_000):
        card = fw.score("huge.csv")           # only inside the block

A file over a limit raises :class:`kaohe.DataError` (tables) or :class:`kaohe.FrameworkError` (frameworks)
naming the file, the row where it is known, the size found and the limit, as ``kaohe.limits.<name>``.
"""
from __future__ import annotations

import contextlib
import dataclasses
from typing import Any, Iterator

__all__ = ["Limits", "limits"]


@dataclasses.dataclass
class Limits:
    """Sizes beyond which kaohe's readers refuse an input (see the module docstring and docs/limits.md)."""

    #: Bytes of one table file (results, units, events, a flat framework table) read from disk.
    max_table_bytes: int = 512 * 1024 * 1024
    #: Bytes of one JSON or YAML framework file.
    max_framework_bytes: int = 64 * 1024 * 1024
    #: Data rows of one table (the header not counted).
    max_rows: int = 1_000_000
    #: Cells of one table (rows x columns). A text cell costs the Python reader some 80 bytes and a quarter of a
    #: microsecond, so 10^7 cells stay under a gigabyte and a few seconds (830 MB, 2.8 s measured).
    max_cells: int = 10_000_000
    #: Characters in one cell (a name, a note, a rule's parameters).
    max_cell_chars: int = 100_000
    #: Bytes of a workbook's content once uncompressed (all its parts). A zip bomb declares gigabytes here; a
    #: workbook this size already takes openpyxl about a minute, so larger ones are better read as CSV.
    max_xlsx_bytes: int = 128 * 1024 * 1024
    #: Nodes (groups and indicators) of one framework.
    max_nodes: int = 100_000

    def override(self, **changes: int) -> "contextlib.AbstractContextManager[Limits]":
        """A context manager that sets some limits for the block and restores them after it."""
        return _override(self, changes)


def _names() -> set:
    return {f.name for f in dataclasses.fields(Limits)}


@contextlib.contextmanager
def _override(target: Limits, changes: dict) -> Iterator[Limits]:
    unknown = sorted(set(changes) - _names())
    if unknown:
        raise TypeError(f"unknown limit(s) {', '.join(unknown)} (kaohe.limits has: {', '.join(sorted(_names()))})")
    for name, value in changes.items():
        _check_value(name, value)
    saved = dataclasses.asdict(target)
    try:
        for name, value in changes.items():
            object.__setattr__(target, name, int(value))
        yield target
    finally:
        for name, value in saved.items():
            object.__setattr__(target, name, value)


def _check_value(name: str, value: Any) -> None:
    from ._checks import whole

    whole(f"kaohe.limits.{name}", value, minimum=1)


def _setattr(self: Limits, name: str, value: Any) -> None:
    if name not in _names():
        raise AttributeError(f"kaohe.limits has no limit '{name}' (it has: {', '.join(sorted(_names()))})")
    _check_value(name, value)
    object.__setattr__(self, name, int(value))


Limits.__setattr__ = _setattr  # type: ignore[method-assign, assignment]


def over_limit(name: str, found: int, what: str, *, error: type, more_than: bool = False, file: Any = None,
               row: Any = None, column: Any = None, path: Any = None) -> Exception:
    """The error for ``what`` having ``found`` of something where ``kaohe.limits.<name>`` allows fewer
    (``more_than``: the reader stopped counting at ``found``, which is then the limit)."""
    from .errors import located

    limit = getattr(limits, name)
    unit = {"max_table_bytes": " bytes", "max_framework_bytes": " bytes", "max_xlsx_bytes": " bytes",
            "max_cell_chars": " characters", "max_rows": " rows", "max_cells": " cells",
            "max_nodes": " nodes"}.get(name, "")
    size = f"more than {limit:,}{unit}" if more_than else f"{found:,}{unit}, over the limit of {limit:,}"
    reason = (f"{what} has {size} (kaohe.limits.{name}); the limits keep a "
              f"run fast and within memory: raise it with kaohe.limits.override({name}=...) (the command "
              f"line: kaohe --limit {name}=N ...) if the input is meant to be this large")
    return located(error, reason, file=file, row=row, column=column, path=path)


#: The limits in force for this process.
limits = Limits()
