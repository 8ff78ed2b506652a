"""Shared fixtures for kaohe's Python tests: the shipped examples, the shared reference data beside the
repository, and helpers that write small files into a temporary directory."""
from __future__ import annotations

import csv
import io
import math
import random
from pathlib import Path
from typing import Callable, Dict, List, Optional

import numpy as np
import pytest

import kaohe

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
SHARED = REPO.parent / "shared"
REFERENCE = SHARED / "reference"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def district_dir() -> Path:
    return EXAMPLES / "district-2019"


@pytest.fixture(scope="session")
def district_files(district_dir: Path) -> Dict[str, Path]:
    """Paths of the district example: framework, units, results, events."""
    files = {name: district_dir / f"{name}.{'json' if name == 'framework' else 'csv'}"
             for name in ("framework", "units", "results", "events")}
    for path in files.values():
        assert path.is_file(), path
    return files


@pytest.fixture(scope="session")
def asem_files() -> Dict[str, Path]:
    base = EXAMPLES / "asem"
    return {"C": base / "framework_pipeline_C.json", "G": base / "framework_pipeline_G.json",
            "units": base / "units.csv", "results": base / "results.csv"}


@pytest.fixture(scope="session")
def shared_reference() -> Path:
    """The shared reference folder at ../shared/reference relative to the repository root."""
    if not REFERENCE.is_dir():
        pytest.skip(f"the shared reference data is not at {REFERENCE}")
    return REFERENCE


@pytest.fixture(scope="session")
def district(district_files: Dict[str, Path]) -> kaohe.Framework:
    return kaohe.Framework.load(district_files["framework"])


@pytest.fixture(scope="session")
def district_card(district: kaohe.Framework, district_files: Dict[str, Path]) -> kaohe.ScoreCard:
    return district.score(district_files["results"], units=district_files["units"], events=district_files["events"])


@pytest.fixture
def score_district(district_files: Dict[str, Path]) -> Callable[..., kaohe.ScoreCard]:
    """Score a framework on the district data (any of the three tables may be replaced)."""
    def run(framework: kaohe.Framework, *, results=None, units=None, events=None, **kwargs) -> kaohe.ScoreCard:
        return framework.score(results if results is not None else district_files["results"],
                               units=units if units is not None else district_files["units"],
                               events=events if events is not None else district_files["events"], **kwargs)
    return run


def read_rows(path: Path) -> List[List[str]]:
    """A UTF-8 CSV file as a list of rows of cells."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return [row for row in csv.reader(handle)]


def rows_text(rows: List[List[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


@pytest.fixture
def write_file(tmp_path: Path) -> Callable[..., Path]:
    """write_file(name, text_or_bytes, encoding="utf-8") -> path inside a fresh temporary directory."""
    def write(name: str, content, encoding: Optional[str] = "utf-8") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(content.encode(encoding or "utf-8"))
        return path
    return write


@pytest.fixture
def edited_csv(tmp_path: Path) -> Callable[..., Path]:
    """edited_csv(source, edit, name=None) -> a copy of a CSV file whose rows (header = rows[0]) were edited
    in place by ``edit(rows)``."""
    def make(source: Path, edit: Callable[[List[List[str]]], None], name: Optional[str] = None) -> Path:
        rows = read_rows(source)
        edit(rows)
        path = tmp_path / (name or source.name)
        path.write_text(rows_text(rows), encoding="utf-8")
        return path
    return make


def assert_same_scores(a: kaohe.ScoreCard, b: kaohe.ScoreCard) -> None:
    """Bit-identical totals, node points, ranks and grades."""
    assert a.unit_ids == b.unit_ids
    assert np.array_equal(a.arrays["total"], b.arrays["total"])
    assert np.array_equal(a.arrays["node_points"], b.arrays["node_points"], equal_nan=True)
    assert np.array_equal(a.arrays["rank"], b.arrays["rank"], equal_nan=True)
    assert list(a.grade) == list(b.grade)


def random_framework(seed: int) -> dict:
    """A random 1-3 level tree with decimal points (which do not add up exactly in binary)."""
    rng = random.Random(seed)
    counter = iter(range(1, 10_000))

    def node(depth: int) -> dict:
        n = next(counter)
        if depth == 3 or (depth > 1 and rng.random() < 0.4):
            rule = rng.choice([{"type": "completion", "target": 100}, {"type": "manual"},
                               {"type": "linear", "zero_at": 100, "full_at": 0},
                               {"type": "rank", "scoring": "proportional", "direction": "lower"}])
            leaf = {"id": f"n{n}", "name": f"指标{n}", "points": round(rng.uniform(0.1, 5), rng.choice([1, 2])),
                    "rule": rule}
            if rule["type"] != "manual" and rng.random() < 0.3:
                leaf["rule"] = dict(rule, input={"ratio": [f"a{n}", f"b{n}"], "scale": 100})
            if rng.random() < 0.2:
                leaf["missing"] = "zero"
            return leaf
        children = [node(depth + 1) for _ in range(rng.randint(1, 4))]
        group = {"id": f"n{n}", "name": f"组{n}", "children": children,
                 "points": float(f"{math.fsum(c['points'] for c in children):.12g}")}
        if all("rule" in c for c in children) and rng.random() < 0.3:  # rescaling leaves only
            group["points"] = round(group["points"] * 2, 3)
            group["renormalise"] = True
        if rng.random() < 0.2:
            group["note"] = "说明, with a comma"
        return group

    top = [node(1) for _ in range(rng.randint(2, 5))]
    total = float(f"{math.fsum(c['points'] for c in top):.12g}")
    return {"kaohe": 1, "id": f"random-{seed}", "total": total,
            "root": {"id": "root", "name": "总分", "children": top}}
