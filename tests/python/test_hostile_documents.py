"""Nested documents within limits (issue 16): YAML alias bombs, deep nesting, self-reference and duplicate keys
are clean FrameworkErrors naming the file and the limit, quickly, instead of a hang, a RecursionError or a
silently dropped key."""
from __future__ import annotations

import subprocess
import sys
import time

import pytest

import kaohe
from kaohe import _documents

LEAF = "{id: a, points: 100, rule: {type: linear, zero_at: 0, full_at: 100}}"


def laughs(levels: int = 9) -> str:
    """The "billion laughs" document: 9 aliases per level, 9^levels strings when expanded."""
    text = "lol0: &lol0 [" + ",".join(['"lol"'] * 9) + "]\n"
    for i in range(1, levels):
        text += f"lol{i}: &lol{i} [" + ",".join([f"*lol{i - 1}"] * 9) + "]\n"
    return text


def framework(extra: str = "", note: str = "plain") -> str:
    return f"{extra}kaohe: 1\nid: t\nroot: {{id: r, note: {note}, children: [{LEAF}]}}\n"


def test_a_well_formed_yaml_framework_still_loads():
    fw = kaohe.Framework.from_yaml(framework())
    assert list(fw.nodes.index) == ["r", "a"]


@pytest.mark.parametrize("text, words", [
    (framework(laughs(), "*lol8"), "expands to more than 1,000,000 values"),
    (laughs() + framework(), "expands to more than 1,000,000 values"),  # unused by the framework, still refused
    (framework("a: " + "[" * 600 + "]" * 600 + "\n"), "nests more than 512 levels deep"),
    (framework("loop: &x [*x]\n"), "contains itself"),
    (framework("id: twice\n"), "line 3: the key 'id' appears twice in one mapping (first on line 1)"),
    ("kaohe: 1\nid: t\nroot: {id: r, id: s, children: []}\n", "the key 'id' appears twice"),
])
def test_hostile_yaml_is_a_clean_error_naming_the_file(text, words):
    start = time.perf_counter()
    with pytest.raises(kaohe.FrameworkError, match=words.replace("(", r"\(").replace(")", r"\)")) as info:
        kaohe.Framework.from_yaml(text, source="bad.yaml")
    assert str(info.value).startswith("bad.yaml: ")
    assert time.perf_counter() - start < 5.0  # (a bound for a hang, not a benchmark)


def test_merge_keys_may_still_be_overridden():
    text = ("base: &base {points: 50, rule: {type: linear, zero_at: 0, full_at: 100}}\n"
            "kaohe: 1\nid: t\nroot: {id: r, children: [{<<: *base, id: a, points: 100}]}\n")
    data = _documents.load_yaml(text, source="m.yaml")
    assert data["root"]["children"][0]["points"] == 100


def test_deep_and_self_containing_dicts_are_clean_errors():
    deep: dict = {}
    cur = deep
    for _ in range(5000):  # json.dumps would raise RecursionError
        cur["c"] = {}
        cur = cur["c"]
    with pytest.raises(kaohe.FrameworkError, match="<dict>: the framework nests more than 512 levels deep"):
        kaohe.Framework.from_dict(deep)
    loop: dict = {"kaohe": 1, "id": "t"}
    loop["root"] = {"id": "r", "children": [loop]}
    with pytest.raises(kaohe.FrameworkError, match="contains itself"):
        kaohe.Framework.from_dict(loop)


def test_shared_subtrees_are_counted_each_time_they_are_used():
    leaf = {"v": list(range(1000))}
    wide = [leaf] * 2000  # 2,000 references to one object: 2 million values when written out
    with pytest.raises(kaohe.FrameworkError, match="more than 1,000,000 values"):
        _documents.check_document({"x": wide}, source="s")
    _documents.check_document({"x": [leaf] * 900}, source="s")  # 900,000 values: within the limit


def test_kaohe_validate_names_the_file_for_an_alias_bomb(tmp_path):
    path = tmp_path / "bomb.yaml"
    path.write_text(framework(laughs(), "*lol8"), encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "kaohe", "validate", str(path)], capture_output=True, text=True,
                       encoding="utf-8", timeout=60)
    assert r.returncode == 2, r.stderr
    assert f"{path}: the framework expands to more than 1,000,000 values" in r.stderr
    assert "Traceback" not in r.stderr
