"""Generates docs/python-api.md from the docstrings of kaohe's public Python API.

Run `python3 docs/make_api.py` after changing a public docstring; tests/python/test_docs.py fails when the
committed reference differs from what this script writes, so the reference cannot drift from the code.
"""
from __future__ import annotations

import inspect
import sys
from pathlib import Path
from typing import List

import kaohe
import kaohe.data
import kaohe.errors
import kaohe.plots
import kaohe.tables

MODULES = [("kaohe", kaohe), ("kaohe.sensitivity", kaohe.sensitivity), ("kaohe.ahp", kaohe.ahp),
           ("kaohe.mcda", kaohe.mcda), ("kaohe.data", kaohe.data), ("kaohe.tables", kaohe.tables),
           ("kaohe.plots", kaohe.plots), ("kaohe.errors", kaohe.errors)]


def _doc(obj: object) -> str:
    return inspect.cleandoc(inspect.getdoc(obj) or "(undocumented)")


def _signature(obj: object) -> str:
    try:
        return str(inspect.signature(obj))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "(...)"


def _members(cls: type) -> List[str]:
    out = []
    for name, member in inspect.getmembers(cls):
        if name.startswith("_") or name not in cls.__dict__:
            continue
        if isinstance(member, property):
            out.append(f"#### `{cls.__name__}.{name}` (property)\n\n{_doc(member)}\n")
        elif inspect.isfunction(member) or inspect.ismethod(member):
            out.append(f"#### `{cls.__name__}.{name}{_signature(member)}`\n\n{_doc(member)}\n")
    return out


def render() -> str:
    parts = ["# kaohe Python API reference\n",
             "Generated from the docstrings by `docs/make_api.py`; do not edit by hand.\n"]
    documented = set()
    for module_name, module in MODULES:
        names = getattr(module, "__all__", [])
        entries = []
        for name in names:
            obj = getattr(module, name)
            if id(obj) in documented or name.startswith("__"):
                continue
            documented.add(id(obj))
            if inspect.isclass(obj):
                entries.append(f"### class `{module_name}.{name}`\n\n{_doc(obj)}\n")
                entries.extend(_members(obj))
            elif callable(obj):
                entries.append(f"### `{module_name}.{name}{_signature(obj)}`\n\n{_doc(obj)}\n")
        if entries:
            parts.append(f"## `{module_name}`\n\n{_doc(module)}\n")
            parts.extend(entries)
    return "\n".join(parts)


def main() -> int:
    path = Path(__file__).with_name("python-api.md")
    path.write_text(render(), encoding="utf-8")
    print(f"wrote {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
