"""kaohe (考核): exact, explainable performance-assessment scores, ranks and grades.

>>> import kaohe
>>> fw = kaohe.Framework.load("examples/district-2019/framework.json")
>>> card = fw.score("examples/district-2019/results.csv", units="examples/district-2019/units.csv",
...                 events="examples/district-2019/events.csv")
>>> card.table().head()
"""
# `import kaohe` loads only the compiled extension and the error classes; the rest (and pandas with it) is
# imported the first time one of its names is used (kaohe.Framework, kaohe.mcda ...), so that the `kaohe`
# command and programs that need only part of the package start quickly (tests/python/test_import.py).
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, List, Tuple

try:
    from . import _core
except ImportError as exc:  # pragma: no cover - only when the extension was not built
    raise ImportError("kaohe's compiled extension kaohe._core is missing; install kaohe with pip "
                      "(pip install .) rather than importing it from the source tree") from exc

from ._limits import Limits, limits
from .errors import Cancelled, DataError, Error, FrameworkError, InputError, InternalError

if TYPE_CHECKING:  # pragma: no cover - what type checkers and IDEs see; at run time __getattr__ loads these
    from . import ahp, cli, data, framework, mcda, plots, scorecard, sensitivity, tables
    from .data import read_table
    from .framework import Framework
    from .scorecard import ScoreCard
    from .sensitivity import Dirichlet, MonteCarlo, Sobol, Uniform, scenarios

__version__: str = _core.__version__


def cpu_info() -> Dict[str, Any]:
    """Which compiled kernel level kaohe runs on this CPU (runtime dispatch), as a dict.

    Keys: ``level`` (the level in use, e.g. ``"x86-64-v3"``), ``best`` (the best compiled level this CPU can
    run), ``compiled`` and ``supported`` (lists, lowest first), ``cap`` (the environment variable
    ``KAOHE_CPU_LEVEL``, which caps the level, or ``""``), ``note`` (why the cap was not applied as given),
    ``build`` (``"portable"``, or ``"native"`` for a ``KAOHE_NATIVE`` build) and ``cpu`` (the CPU's name).

    >>> kaohe.cpu_info()["level"]  # doctest: +SKIP
    'x86-64-v4'
    """
    return dict(_core.cpu_info())

__all__ = ["Framework", "ScoreCard", "read_table", "Error", "InputError", "FrameworkError", "DataError",
           "InternalError", "Cancelled", "Dirichlet", "Uniform", "MonteCarlo", "Sobol", "scenarios", "sensitivity",
           "cpu_info", "limits", "Limits", "__version__"]

# Names loaded on first use (PEP 562): public name -> (submodule, attribute in it). Keep in step with the
# TYPE_CHECKING imports above.
_LAZY: Dict[str, Tuple[str, str]] = {
    "read_table": ("data", "read_table"),
    "Framework": ("framework", "Framework"),
    "ScoreCard": ("scorecard", "ScoreCard"),
    "Dirichlet": ("sensitivity", "Dirichlet"),
    "Uniform": ("sensitivity", "Uniform"),
    "MonteCarlo": ("sensitivity", "MonteCarlo"),
    "Sobol": ("sensitivity", "Sobol"),
    "scenarios": ("sensitivity", "scenarios"),
}
# Submodules reachable as attributes after a plain ``import kaohe`` (kaohe.mcda.topsis, kaohe.plots ...).
_SUBMODULES = ("ahp", "cli", "data", "errors", "framework", "mcda", "plots", "scorecard", "sensitivity", "tables")

if not TYPE_CHECKING:  # hidden from type checkers, which would otherwise accept any kaohe.<typo> as Any
    def __getattr__(name: str) -> Any:
        if name in _LAZY:
            module_name, attribute = _LAZY[name]
            value = getattr(_import(module_name), attribute)
            globals()[name] = value  # later look-ups are plain attribute reads
            return value
        if name in _SUBMODULES:
            return _import(name)  # the import binds kaohe.<name>, so this runs once per submodule
        message = f"module 'kaohe' has no attribute '{name}'"
        if not name.startswith("_"):
            import difflib

            close = difflib.get_close_matches(name, __dir__(), n=3, cutoff=0.6)
            if close:
                message += f" (did you mean {' or '.join(f'kaohe.{c}' for c in close)}?)"
        raise AttributeError(message)


def _import(module_name: str) -> Any:
    import importlib

    return importlib.import_module(f"{__name__}.{module_name}")


def __dir__() -> List[str]:
    return sorted(set(__all__) | set(_SUBMODULES))
