"""``import kaohe`` and ``kaohe --version`` stay light: pandas, numpy, matplotlib, the command line and the
plots are imported only when used, and every public name still resolves after a plain ``import kaohe``.

Each check runs in a fresh interpreter, because this test session has long since imported everything. No
timings are asserted (machines are noisy); what is imported is.
"""
from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, List

import pytest

import kaohe

# Not imported by `import kaohe` nor by `kaohe --version` (the compiled extension does not import numpy).
HEAVY = ("pandas", "numpy", "matplotlib", "yaml", "openpyxl", "kaohe.cli", "kaohe.cli_sensitivity",
         "kaohe.cli_weights", "kaohe.plots", "kaohe.data", "kaohe.framework", "kaohe.scorecard",
         "kaohe.sensitivity", "kaohe.mcda", "kaohe.ahp", "kaohe.tables")

# Prints the heavy modules the snippet run before it imported, as the last line of stdout.
LOADED = f"\nimport json as _j, sys as _s\nprint(_j.dumps(sorted(m for m in {HEAVY!r} if m in _s.modules)))\n"


def python(code: str, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    env.pop("KAOHE_DEBUG", None)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, encoding="utf-8",
                          timeout=120, cwd=cwd, env=env)


def loaded_after(code: str, cwd: Path) -> "tuple[List[str], List[str]]":
    """(heavy modules imported by ``code``, the lines ``code`` printed before)."""
    done = python(code + LOADED, cwd)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    return json.loads(lines[-1]), lines[:-1]


def test_import_kaohe_imports_no_heavy_module(tmp_path: Path) -> None:
    loaded, _ = loaded_after("import kaohe", tmp_path)
    assert loaded == []


def test_error_classes_and_version_need_nothing_heavy(tmp_path: Path) -> None:
    loaded, printed = loaded_after("import kaohe\nprint(kaohe.__version__)\n"
                                   "print(issubclass(kaohe.InputError, ValueError), kaohe.DataError.__name__)",
                                   tmp_path)
    assert loaded == []
    assert printed == [kaohe._core.__version__, "True DataError"]


def test_version_command_imports_no_heavy_module(tmp_path: Path) -> None:
    code = ("import runpy, sys\nsys.argv = ['kaohe', '--version']\n"
            "try:\n    runpy.run_module('kaohe', run_name='__main__', alter_sys=True)\n"
            "except SystemExit as exc:\n    assert exc.code in (0, None), exc.code\n")
    loaded, printed = loaded_after(code, tmp_path)
    assert len(printed) == 1 and printed[0].startswith(f"kaohe {kaohe.__version__} (kernels: "), printed
    assert [m for m in loaded if m != "kaohe.cli"] == []  # kaohe.cli itself runs the command, nothing else


def test_python_m_kaohe_version(tmp_path: Path) -> None:
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    done = subprocess.run([sys.executable, "-m", "kaohe", "--version"], capture_output=True, text=True,
                          encoding="utf-8", timeout=120, cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    # The child picks its own level (under qemu-user a child process runs on the real CPU), so only the shape.
    head = f"kaohe {kaohe.__version__} (kernels: "
    assert done.stdout.startswith(head) and done.stdout.split(head)[1].split(" of ")[0] in kaohe.cpu_info()["compiled"]
    assert done.stderr == ""


def test_help_lists_every_command_without_loading_them(tmp_path: Path) -> None:
    code = ("import contextlib, io\nfrom kaohe.cli import main\nbuf = io.StringIO()\n"
            "with contextlib.redirect_stdout(buf):\n    code = main(['--help'])\n"
            "print(code)\nprint(' '.join(w for w in ('whatif', 'stability', 'uncertainty', 'weights', 'convert') "
            "if w in buf.getvalue()))\n")
    loaded, printed = loaded_after(code, tmp_path)
    assert printed == ["0", "whatif stability uncertainty weights convert"]
    assert [m for m in loaded if m != "kaohe.cli"] == []


def test_a_command_loads_its_module_when_used(tmp_path: Path) -> None:
    code = ("import contextlib, io\nfrom kaohe.cli import main\nbuf = io.StringIO()\n"
            "with contextlib.redirect_stdout(buf):\n    code = main(['weights', 'ahp', '--help'])\n"
            "print(code)\nprint('--random-index' in buf.getvalue())\n")
    loaded, printed = loaded_after(code, tmp_path)
    assert printed == ["0", "True"]
    assert "kaohe.cli_weights" in loaded and "kaohe.cli_sensitivity" not in loaded


def test_every_public_name_resolves_after_a_plain_import(tmp_path: Path) -> None:
    code = ("import kaohe\nfor name in kaohe.__all__:\n    getattr(kaohe, name)\n"
            "import kaohe.sensitivity as s, kaohe.framework as f\n"
            "assert kaohe.Dirichlet is s.Dirichlet and kaohe.Framework is f.Framework\n"
            "assert callable(kaohe.mcda.topsis) and callable(kaohe.ahp.priorities)\n"
            "assert callable(kaohe.plots.contributions) and callable(kaohe.tables.write_table)\n"
            "assert callable(kaohe.cli.main) and kaohe.data.read_table is kaohe.read_table\n"
            "print('ok')\n")
    loaded, printed = loaded_after(code, tmp_path)
    assert printed == ["ok"]
    assert "matplotlib" not in loaded  # kaohe.plots imports matplotlib only when drawing


@pytest.mark.parametrize("name", kaohe.__all__)
def test_public_name(name: str) -> None:
    assert getattr(kaohe, name) is not None


def test_from_kaohe_import(tmp_path: Path) -> None:
    loaded, printed = loaded_after("from kaohe import Framework, ScoreCard, read_table, MonteCarlo, mcda\n"
                                   "print(Framework.__name__, ScoreCard.__name__, MonteCarlo.__name__, "
                                   "mcda.__name__, read_table.__name__)", tmp_path)
    assert printed == ["Framework ScoreCard MonteCarlo kaohe.mcda read_table"]
    assert "pandas" in loaded


def test_star_import_gives_all(tmp_path: Path) -> None:
    _, printed = loaded_after("from kaohe import *\nimport kaohe\n"
                              "print(all(n in globals() for n in kaohe.__all__))", tmp_path)
    assert printed == ["True"]


def test_dir_lists_the_public_names_and_submodules() -> None:
    names = dir(kaohe)
    for name in kaohe.__all__:
        assert name in names
    for module in ("sensitivity", "mcda", "ahp", "plots", "data", "tables", "errors", "cli"):
        assert module in names
    assert not [n for n in names if n.startswith("_") and n != "__version__"]


def test_unknown_attribute_raises_attribute_error() -> None:
    with pytest.raises(AttributeError, match=r"module 'kaohe' has no attribute 'no_such_thing'"):
        kaohe.no_such_thing  # noqa: B018
    with pytest.raises(AttributeError, match=r"did you mean kaohe\.Framework"):
        kaohe.Framwork  # noqa: B018
    assert not hasattr(kaohe, "no_such_thing")
    assert not hasattr(kaohe, "__no_such_dunder__")
    with pytest.raises(ImportError):
        from kaohe import no_such_thing  # noqa: F401


def _type_checking_names(tree: ast.Module) -> List[str]:
    names: List[str] = []
    for node in tree.body:
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            for stmt in node.body:
                assert isinstance(stmt, ast.ImportFrom), ast.dump(stmt)
                names += [alias.asname or alias.name for alias in stmt.names]
    return names


def test_type_checking_imports_match_the_lazy_names() -> None:
    """Type checkers and IDEs read the ``if TYPE_CHECKING:`` imports; they must name exactly what
    ``__getattr__`` loads, so that static and run-time views of the package agree."""
    source = Path(kaohe.__file__).read_text(encoding="utf-8")
    static = _type_checking_names(ast.parse(source))
    lazy: Any = kaohe._LAZY
    assert sorted(static) == sorted(set(lazy) | (set(kaohe._SUBMODULES) - {"errors"}))  # errors: imported eagerly
    for name, (module, attribute) in lazy.items():
        assert getattr(__import__(f"kaohe.{module}", fromlist=[attribute]), attribute) is getattr(kaohe, name)


def test_cpu_info_reports_a_runnable_compiled_level() -> None:
    info = kaohe.cpu_info()
    assert set(info) == {"level", "best", "compiled", "supported", "cap", "note", "build", "cpu"}
    assert info["compiled"][0] in ("x86-64", "generic")
    assert info["supported"] == info["compiled"][:len(info["supported"])]  # levels are nested, lowest first
    assert info["level"] in info["supported"]
    assert info["best"] == info["supported"][-1]
    if not info["cap"]:
        assert info["level"] == info["best"]
    assert info["build"] in ("portable", "native")


def test_the_cpu_level_cap_is_applied_in_a_fresh_process(tmp_path: Path) -> None:
    lowest = kaohe.cpu_info()["compiled"][0]
    code = "import kaohe\ni = kaohe.cpu_info()\nprint(i['level'], i['cap'], repr(i['note']))\n"
    for cap, expected in ((lowest, f"{lowest} {lowest} ''"), ("bogus", None)):
        env = dict(os.environ, KAOHE_CPU_LEVEL=cap)
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                              cwd=tmp_path, env=env)
        assert done.returncode == 0, done.stderr
        if expected is not None:
            assert done.stdout.strip() == expected
        else:
            level, shown_cap, note = done.stdout.strip().split(" ", 2)
            assert level == kaohe.cpu_info()["best"] and shown_cap == "bogus"
            assert "not a compiled level" in note
