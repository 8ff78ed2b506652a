"""Exceptions raised by kaohe.

Every problem with user input raises an :class:`InputError` (a :class:`ValueError`) whose message names the
file, the framework path or table row/column, and the reason. The same facts are available as attributes.
"""
from __future__ import annotations

from typing import List, Optional, Sequence

__all__ = ["Error", "InputError", "FrameworkError", "DataError", "InternalError", "Cancelled", "LossWarning"]


class Error(Exception):
    """Base class of kaohe's exceptions.

    Attributes
    ----------
    file, path, column : str or None
        Where the problem is: the file name, the JSON/framework path, the table column.
    row : int or None
        1-based table row (the header is row 1).
    reason : str or None
        Why it is a problem, without the location.
    problems : list of str
        Every problem, when one error reports several (e.g. every missing unit x indicator).
    """

    file: Optional[str] = None
    path: Optional[str] = None
    row: Optional[int] = None
    column: Optional[str] = None
    reason: Optional[str] = None

    def __init__(self, message: str, *, file: Optional[str] = None, path: Optional[str] = None,
                 row: Optional[int] = None, column: Optional[str] = None, reason: Optional[str] = None,
                 problems: Optional[List[str]] = None) -> None:
        super().__init__(message)
        self.file, self.path, self.row, self.column = file, path, row, column
        self.reason = reason if reason is not None else message
        self.problems: List[str] = list(problems or [])


class InputError(Error, ValueError):
    """Bad input: a framework, results, units or events table that kaohe cannot use as given."""


class FrameworkError(InputError):
    """The framework (indicator tree, rules, grades) is malformed or inconsistent."""


class DataError(InputError):
    """Results, units or events are malformed or do not match the framework."""


class InternalError(Error, RuntimeError):
    """A bug in kaohe. Please report it with the input that triggered it."""


class Cancelled(Error, RuntimeError):
    """A long study (Monte Carlo, Sobol) stopped because its progress callback returned False.
    Ctrl-C raises :class:`KeyboardInterrupt` instead."""


def shown(value: object) -> str:
    """``repr`` of a value as the user wrote it: a numpy scalar as the Python value it holds, so that messages
    say ``2`` and ``'x'``, never ``np.int64(2)`` or ``np.str_('x')``; a tuple or list element-wise."""
    if isinstance(value, tuple):
        inner = ", ".join(shown(v) for v in value)
        return f"({inner}{',' if len(value) == 1 else ''})"
    if isinstance(value, list):
        return "[" + ", ".join(shown(v) for v in value) + "]"
    if type(value).__module__ == "numpy" and getattr(value, "shape", None) == () and hasattr(value, "item"):
        value = value.item()  # type: ignore[attr-defined]
    return repr(value)


class LossWarning(UserWarning):
    """A file was written without some of the framework's keys, because its format cannot hold them and the
    caller allowed it (``write_table(..., allow_loss=True)``). ``lost`` lists the keys (``"categories"``,
    ``"root.name"`` …); the message names the file too."""

    def __init__(self, message: str, lost: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.lost: List[str] = list(lost)


def located(cls: type, reason: str, *, file: Optional[str] = None, path: Optional[str] = None,
            row: Optional[int] = None, column: Optional[str] = None) -> Error:
    """Build an exception whose message starts with the location, as the C++ engine's messages do."""
    parts = [p for p in (file, f"row {row}" if row is not None else None,
                         f"column '{column}'" if column is not None else None, path) if p]
    message = ": ".join(parts + [reason])
    return cls(message, file=file, path=path, row=row, column=column, reason=reason)
