"""Checks of numeric arguments given in Python: a clear ``ValueError`` (or ``TypeError``) that names the
argument, instead of a silent truncation (``samples=1000.7``) or pybind11's "incompatible function arguments"."""
from __future__ import annotations

import math
import numbers
from typing import Any, Optional


def whole(name: str, value: Any, *, minimum: int = 0, maximum: Optional[int] = None) -> int:
    """``value`` as a Python int, which must be a whole number in [minimum, maximum]."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a whole number, not {type(value).__name__} {value!r}")
    if isinstance(value, numbers.Integral):
        number = int(value)
    else:
        as_float = float(value)
        if not math.isfinite(as_float) or as_float != math.floor(as_float):
            raise ValueError(f"{name} must be a whole number, not {as_float!r}")
        number = int(as_float)
    if number < minimum:
        raise ValueError(f"{name} must be at least {minimum}, not {number}")
    if maximum is not None and number > maximum:
        raise ValueError(f"{name} must be at most {maximum}, not {number}")
    return number


MAX_SEED = 2**64 - 1
MAX_THREADS = 2**31  # beyond the C++ unsigned; the engine then starts at most 4 per hardware thread


def threads(value: Any) -> int:
    """A thread count: 0 (all hardware threads) or more; the engine caps it (results never depend on it)."""
    return whole("threads", value, minimum=0, maximum=MAX_THREADS)
