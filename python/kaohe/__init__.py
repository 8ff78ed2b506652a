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
from .errors import Cancelled, DataError, Error, FrameworkError, InputError, InternalError
from .framework import Framework
from .scorecard import ScoreCard
from .sensitivity import Dirichlet, MonteCarlo, Sobol, Uniform, scenarios
from . import sensitivity  # noqa: F401
from . import mcda  # noqa: F401  (kaohe.mcda.topsis etc. after a plain `import kaohe`)
from . import ahp  # noqa: E402,F401  (kaohe.ahp.priorities etc. after a plain `import kaohe`)

__version__: str = _core.__version__

__all__ = ["Framework", "ScoreCard", "read_table", "Error", "InputError", "FrameworkError", "DataError",
           "InternalError", "Cancelled", "Dirichlet", "Uniform", "MonteCarlo", "Sobol", "scenarios", "sensitivity",
           "__version__"]


def __dir__() -> list:
    return list(__all__)
