"""Python and C++ give the same results on the shipped district example: the C++ example program (built by
scripts/test into build/release) writes its score card as JSON, and every figure must match Python's."""
import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest

import kaohe

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "district-2019"
PROGRAM = Path(os.environ.get("KAOHE_CPP_EXAMPLE", ROOT / "build" / "release" / "examples" / "kaohe_score_example"))


def test_python_equals_cpp_on_the_district_example(tmp_path: Path) -> None:
    if not PROGRAM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"the C++ example program is missing at {PROGRAM}; scripts/test builds it first")
        pytest.skip(f"build the C++ example first (missing {PROGRAM})")
    out = tmp_path / "cpp.json"
    subprocess.run([str(PROGRAM), str(EXAMPLE / "framework.json"), str(EXAMPLE / "units.csv"),
                    str(EXAMPLE / "results.csv"), str(EXAMPLE / "events.csv"), "--json", str(out)],
                   check=True, capture_output=True)
    cpp = {u["id"]: u for u in json.loads(out.read_text(encoding="utf-8"))["units"]}
    card = kaohe.Framework.load(EXAMPLE / "framework.json").score(
        EXAMPLE / "results.csv", units=EXAMPLE / "units.csv", events=EXAMPLE / "events.csv")
    py = {u["id"]: u for u in card.to_dict()["units"]}
    assert cpp.keys() == py.keys() and len(py) == 52
    for unit, expected in cpp.items():
        got = py[unit]
        assert got["total"] == expected["total"], unit  # bit-identical: the same engine, the same inputs
        assert got["rank"] == expected["rank"] and got["grade"] == expected["grade"], unit
        assert got["nodes"] == expected["nodes"], unit
    assert np.array_equal(card.arrays["total"], np.array([cpp[u]["total"] for u in card.unit_ids]))
