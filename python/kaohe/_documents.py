"""Nested documents (a framework as YAML or as a Python dict, a flat table's parameter cell) read within limits.

PyYAML builds an alias (``*a``) as a reference to the same Python object, so a "billion laughs" document loads
in microseconds and only explodes later, when the tree is expanded into JSON for the engine (10^9 values: a hang,
then out of memory). Deeply nested input overflows Python's recursion (RecursionError, a traceback instead of a
message). Both are checked here on the loaded object graph, visiting each distinct object once, before anything
expands it; duplicate mapping keys, which YAML silently resolves to the last one, are refused while loading.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

from .errors import FrameworkError, located

# The engine's JSON reader allows 512 levels (src/io/json_framework.cpp): two per level of the indicator tree.
MAX_DEPTH = 512
# Values in the expanded document (every alias counted each time it is used). The largest real frameworks hold a
# few thousand; a million leaves room for tables of parameters and stops alias bombs long before they hurt.
MAX_VALUES = 1_000_000


def check_document(data: Any, *, source: str, what: str = "the document") -> None:
    """Raise :class:`FrameworkError` naming ``source`` when ``data`` nests deeper than :data:`MAX_DEPTH`, expands
    to more than :data:`MAX_VALUES` values, or contains itself. Linear in the number of distinct objects."""
    sizes: Dict[int, int] = {}
    depths: Dict[int, int] = {}
    on_path: set = set()
    stack: List[Tuple[Any, bool]] = [(data, False)]
    while stack:
        obj, finished = stack.pop()
        if not isinstance(obj, (dict, list, tuple)):
            continue
        key = id(obj)
        items = list(obj.values()) if isinstance(obj, dict) else list(obj)
        nested = [c for c in items if isinstance(c, (dict, list, tuple))]
        if finished:
            on_path.discard(key)
            sizes[key] = 1 + len(items) - len(nested) + sum(sizes[id(c)] for c in nested)
            depths[key] = 1 + max((depths[id(c)] for c in nested), default=0)
            if sizes[key] > MAX_VALUES:
                raise located(FrameworkError, f"{what} expands to more than {MAX_VALUES:,} values (YAML aliases "
                              "repeat what they refer to); the limit keeps a document from exhausting memory",
                              file=source)
            continue
        if key in sizes:
            continue
        if key in on_path:
            raise located(FrameworkError, f"{what} contains itself (a YAML alias inside its own anchor, or a "
                          "dict that holds itself)", file=source)
        if len(on_path) >= MAX_DEPTH:
            raise located(FrameworkError, f"{what} nests more than {MAX_DEPTH} levels deep", file=source)
        on_path.add(key)
        stack.append((obj, True))
        stack.extend((c, False) for c in nested if id(c) not in sizes)


def load_yaml(text: str, *, source: str, what: str = "the document") -> Any:
    """``yaml.safe_load`` with duplicate keys refused (naming the key and its lines), and the result checked by
    :func:`check_document`. Raises :class:`FrameworkError`; ``yaml.YAMLError`` for malformed YAML."""
    import yaml

    try:
        data = yaml.load(text, Loader=_loader(source))  # noqa: S506 - a SafeLoader subclass
    except RecursionError:
        raise located(FrameworkError, f"{what} nests more than {MAX_DEPTH} levels deep", file=source) from None
    check_document(data, source=source, what=what)
    return data


def _loader(source: str) -> Any:
    import yaml

    class Loader(yaml.SafeLoader):
        """SafeLoader that refuses a key written twice in one mapping (keys merged in with ``<<`` may still be
        overridden, as YAML intends)."""

        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            if isinstance(node, yaml.MappingNode):
                seen: Dict[Any, Any] = {}
                for key_node, _ in node.value:
                    if key_node.tag == "tag:yaml.org,2002:merge":
                        continue
                    key = self.construct_object(key_node, deep=deep)
                    try:
                        first = seen.get(key)
                    except TypeError:  # an unhashable key: SafeLoader reports it as it always has
                        break
                    if first is not None:
                        raise located(FrameworkError, f"line {key_node.start_mark.line + 1}: the key {key!r} "
                                      f"appears twice in one mapping (first on line {first.line + 1}); YAML "
                                      "would silently keep only the last", file=source)
                    seen[key] = key_node.start_mark
            return super().construct_mapping(node, deep=deep)

    return Loader
