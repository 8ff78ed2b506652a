"""What the atheris harnesses share: the one documented error, instrumenting kaohe's Python modules, and running.

A loader given any input must either succeed or raise ``kaohe.InputError`` (``FrameworkError``/``DataError``,
both ``ValueError`` subclasses): the documented error for bad input. Any other exception propagates to atheris,
which reports it as a finding with the input that caused it.
"""
from __future__ import annotations

import os
import sys
import warnings
from typing import Callable

import atheris

# Third-party modules are imported before instrumentation so only kaohe's own code is instrumented: the
# extension kaohe._core is not built with coverage, so these harnesses fuzz kaohe's Python layer.
import numpy  # noqa: F401
import pandas  # noqa: F401
import yaml  # noqa: F401

with atheris.instrument_imports(include=["kaohe"]):
    import kaohe
    import kaohe.data
    import kaohe.framework
    import kaohe.tables
    import kaohe._documents  # noqa: F401

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
DOCUMENTED = (kaohe.InputError,)


def run(one_input: Callable[[bytes], None]) -> None:
    """atheris's main loop over ``one_input``, with kaohe's warnings (lossy tables, NaN cells) silenced."""
    warnings.simplefilter("ignore")

    def guarded(data: bytes) -> None:
        try:
            one_input(data)
        except DOCUMENTED:
            pass  # a clean, documented rejection

    atheris.Setup(sys.argv, guarded)
    atheris.Fuzz()
