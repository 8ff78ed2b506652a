"""Numeric arguments (issue 16 item 2): a bad one is a ValueError/TypeError naming it, never a silent
truncation or a crash; an absurd thread count runs the same study (the engine caps it)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import kaohe
from kaohe import _checks
from kaohe.cli import EXIT_USAGE

DISTRICT = Path(__file__).resolve().parents[2] / "examples" / "district-2019"


@pytest.fixture(scope="module")
def card() -> kaohe.ScoreCard:
    fw = kaohe.Framework.from_dict({"kaohe": 1, "id": "t", "root": {"id": "r", "children": [
        {"id": "a", "points": 50, "rule": {"type": "linear", "zero_at": 0, "full_at": 100}},
        {"id": "b", "points": 50, "rule": {"type": "linear", "zero_at": 0, "full_at": 100}}]}})
    return fw.score(pd.DataFrame({"a": [90, 50, 20, 70], "b": [10, 50, 80, 40]},
                                 index=pd.Index(["w", "x", "y", "z"], name="unit")))


@pytest.mark.parametrize("kwargs, error, words", [
    ({"samples": 1000.7}, ValueError, "samples must be a whole number, not 1000.7"),
    ({"samples": 0}, ValueError, "samples must be at least 1, not 0"),
    ({"samples": float("nan")}, ValueError, "samples must be a whole number, not nan"),
    ({"samples": "100"}, TypeError, "samples must be a whole number, not str '100'"),
    ({"samples": True}, TypeError, "samples must be a whole number, not bool"),
    ({"threads": -1}, ValueError, "threads must be at least 0, not -1"),
    ({"threads": 2.5}, ValueError, "threads must be a whole number"),
    ({"seed": -3}, ValueError, "seed must be at least 0, not -3"),
    ({"seed": 2**64}, ValueError, "seed must be at most 18446744073709551615"),
])
def test_bad_monte_carlo_arguments_name_the_argument(card, kwargs, error, words):
    with pytest.raises(error, match=words.replace("(", r"\(").replace(")", r"\)")):
        card.monte_carlo(progress=False, **kwargs)


def test_whole_numbers_of_any_numeric_type_are_accepted(card):
    assert _checks.whole("samples", np.int64(300), minimum=1) == 300
    assert _checks.whole("samples", 300.0, minimum=1) == 300
    a = card.monte_carlo(samples=np.int32(300), seed=np.uint64(4), progress=False)
    b = card.monte_carlo(samples=300, seed=4, progress=False)
    assert (a.arrays["rank_counts"] == b.arrays["rank_counts"]).all()


def test_an_absurd_thread_count_runs_the_same_study(card):
    one = card.monte_carlo(samples=20_000, seed=9, threads=1, progress=False)
    many = card.monte_carlo(samples=20_000, seed=9, threads=1000, progress=False)  # terminated the process before
    assert (one.arrays["rank_counts"] == many.arrays["rank_counts"]).all()
    s1 = card.sobol(base_samples=256, threads=1, progress=False)
    s2 = card.sobol(base_samples=256, threads=10**6, progress=False)
    assert (s1.first.to_numpy() == s2.first.to_numpy()).all()


def test_sobol_stability_and_mcda_check_their_numbers(card):
    with pytest.raises(ValueError, match="base_samples must be a whole number, not 64.5"):
        card.sobol(base_samples=64.5, progress=False)
    with pytest.raises(ValueError, match="top_k must be at least 1, not 0"):
        card.stability(top_k=0)
    m = pd.DataFrame({"c1": [1.0, 2.0, 3.0], "c2": [3.0, 1.0, 2.0]})
    with pytest.raises(ValueError, match="threads must be at least 0, not -2"):
        kaohe.mcda.entropy_weights(m, threads=-2)
    assert kaohe.mcda.entropy_weights(m, threads=5000).equals(kaohe.mcda.entropy_weights(m, threads=1))


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kaohe", *args], capture_output=True, text=True, encoding="utf-8")


def test_kaohe_uncertainty_with_1000_threads_runs_and_negative_ones_are_refused():
    base = [str(DISTRICT / "framework.json"), str(DISTRICT / "results.csv"), "--units", str(DISTRICT / "units.csv"),
            "--events", str(DISTRICT / "events.csv"), "--samples", "2000", "--quiet"]
    one = run_cli("uncertainty", *base, "--threads", "1")
    many = run_cli("uncertainty", *base, "--threads", "1000")
    assert one.returncode == 0 and many.returncode == 0, many.stderr
    assert many.stdout == one.stdout
    bad = run_cli("uncertainty", *base, "--threads", "-1")
    assert bad.returncode == EXIT_USAGE and "--threads: '-1' must be 0 or more" in bad.stderr
    bad = run_cli("uncertainty", *base, "--seed", "-5")
    assert bad.returncode == EXIT_USAGE and "--seed: '-5' must be 0 or more" in bad.stderr
    assert "Traceback" not in bad.stderr
