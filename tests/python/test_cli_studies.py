"""``kaohe whatif | stability | uncertainty | weights``: output checked against the Python API, files written,
bad input reported with exit code 2."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import kaohe
from kaohe import cli

ROOT = Path(__file__).resolve().parents[2]
DISTRICT = ROOT / "examples" / "district-2019"
FRAMEWORK = str(DISTRICT / "framework.json")
RESULTS = str(DISTRICT / "results.csv")
DATA = [RESULTS, "--units", str(DISTRICT / "units.csv"), "--events", str(DISTRICT / "events.csv")]


@pytest.fixture(scope="module")
def card() -> kaohe.ScoreCard:
    return kaohe.Framework.load(FRAMEWORK).score(RESULTS, units=DATA[2], events=DATA[4])


def run(capsys: pytest.CaptureFixture, *argv: str):
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_whatif_lists_the_units_that_move(capsys, card, tmp_path):
    out_csv = tmp_path / "cmp.csv"
    code, out, _ = run(capsys, "whatif", FRAMEWORK, *DATA, "--set", "rule_of_law=15", "--out", out_csv)
    assert code == 0
    expected = card.compare(card.what_if({"rule_of_law": 15}))
    # a unit without a rank before and after (outside every pool) has not moved
    rank_moved = ((expected["rank_before"] != expected["rank_after"]) &
                  ~(expected["rank_before"].isna() & expected["rank_after"].isna()))
    moved = expected[rank_moved | (expected["grade_before"] != expected["grade_after"])]
    assert f"{len(moved)} of {len(expected)} units change rank or grade" in out
    first = moved.sort_values("rank_after").index[0]
    assert first in out
    written = pd.read_csv(out_csv, index_col=0, encoding="utf-8-sig")
    assert list(written.index) == list(expected.index)
    assert written["total_after"].tolist() == pytest.approx(expected["total_after"].tolist())


def test_whatif_bad_change_exits_2(capsys):
    code, _, err = run(capsys, "whatif", FRAMEWORK, *DATA, "--set", "no_such_node=5")
    assert code == 2
    assert "no_such_node" in err and "no node" in err


def test_stability_prints_the_exact_interval(capsys, card):
    code, out, _ = run(capsys, "stability", FRAMEWORK, *DATA, "--node", "rule_of_law", "--top-k", "5")
    assert code == 0
    st = card.stability(["rule_of_law"], top_k=5).iloc[0]
    assert f"({st['ranking_lower']:.6g}, {st['ranking_upper']:.6g})" in out
    assert st["ranking_lower_swap"] in out


def test_uncertainty_summary_matches_the_api(capsys, card, tmp_path):
    out_csv = tmp_path / "mc.csv"
    code, out, err = run(capsys, "uncertainty", FRAMEWORK, *DATA, "--samples", "3000", "--seed", "7", "--quiet",
                         "--out", out_csv)
    assert code == 0 and err == f"wrote {out_csv}\n"  # no progress bar (--quiet), no warning
    mc = card.monte_carlo(samples=3000, seed=7, progress=False)
    assert f"mean absolute rank shift: {mc.mean_abs_shift:.4g}" in out
    written = pd.read_csv(out_csv, index_col=0, encoding="utf-8-sig")
    pd.testing.assert_series_equal(written["median_rank"], mc.summary()["median_rank"], check_names=False)


def test_uncertainty_shows_progress_on_stderr(capsys):
    code, _, err = run(capsys, "uncertainty", FRAMEWORK, *DATA, "--samples", "2000")
    assert code == 0
    assert "100%" in err


def test_weights_ahp_prints_priorities_and_consistency(capsys, tmp_path):
    m = tmp_path / "m.csv"
    m.write_text("criterion,price,quality,service\nprice,1,3,5\nquality,1/3,1,3\nservice,1/5,1/3,1\n", encoding="utf-8")
    code, out, _ = run(capsys, "weights", "ahp", m)
    assert code == 0
    r = kaohe.ahp.priorities([[1, 3, 5], [1 / 3, 1, 3], [1 / 5, 1 / 3, 1]])
    assert f"{r.weights.iloc[0]:.6f}" in out and f"CR {r.cr:.6f}" in out
    assert "consistent (CR <= 0.1)" in out


def test_weights_ahp_lists_the_worst_judgements_when_inconsistent(capsys, tmp_path):
    m = tmp_path / "bad.csv"
    m.write_text("criterion,a,b,c\na,1,9,1/9\nb,1/9,1,9\nc,9,1/9,1\n", encoding="utf-8")
    code, out, _ = run(capsys, "weights", "ahp", m)
    assert code == 0
    assert "NOT consistent" in out and "deviation" in out


def test_weights_ahp_bad_matrix_exits_2(capsys, tmp_path):
    m = tmp_path / "bad.csv"
    m.write_text("criterion,a,b\na,1,3\nc,1/3,1\n", encoding="utf-8")
    code, _, err = run(capsys, "weights", "ahp", m)
    assert code == 2 and "same criteria" in err
    m.write_text("criterion,a,b\na,1,3\nb,1/2,1\n", encoding="utf-8")
    code, _, err = run(capsys, "weights", "ahp", m)
    assert code == 2 and "recipro" in err


def test_weights_entropy_matches_the_api(capsys, tmp_path):
    cols = "court_attended,recon_corrected,docs_on_time"
    code, out, _ = run(capsys, "weights", "entropy", RESULTS, "--columns", cols)
    assert code == 0
    table = pd.read_csv(RESULTS).set_index("unit")[cols.split(",")]
    w = kaohe.mcda.entropy_weights(table)
    for c in w.index:
        assert f"{w[c]:.6f}" in out
    code, _, err = run(capsys, "weights", "entropy", RESULTS, "--columns", "nope")
    assert code == 2 and "no column 'nope'" in err
