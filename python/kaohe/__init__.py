"""kaohe (考核): exact, explainable performance-assessment scores, ranks and grades.

>>> import kaohe
>>> fw = kaohe.Framework.load("examples/district-2019/framework.json")
>>> card = fw.score("examples/district-2019/results.csv", units="examples/district-2019/units.csv",
...                 events="examples/district-2019/events.csv")
>>> card.table().head()
"""
from __future__ import annotations

try:
    from . import _core
except ImportError as exc:  # pragma: no cover - only when the extension was not built
    raise ImportError("kaohe's compiled extension kaohe._core is missing; install kaohe with pip "
                      "(pip install .) rather than importing it from the source tree") from exc

from .data import read_table
from .errors import DataError, Error, FrameworkError, InputError, InternalError
from .framework import Framework
from .scorecard import ScoreCard

__version__: str = _core.__version__

__all__ = ["Framework", "ScoreCard", "read_table", "Error", "InputError", "FrameworkError", "DataError",
           "InternalError", "__version__"]


def __dir__() -> list:
    return list(__all__)
