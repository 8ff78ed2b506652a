"""The ``kaohe`` command (kaohe.cli): output, files written, every problem reported, exit codes."""
from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import kaohe
from kaohe import cli

ROOT = Path(__file__).resolve().parents[2]
DISTRICT = ROOT / "examples" / "district-2019"
FRAMEWORK = str(DISTRICT / "framework.json")
RESULTS = str(DISTRICT / "results.csv")
UNITS = str(DISTRICT / "units.csv")
EVENTS = str(DISTRICT / "events.csv")
DATA = [RESULTS, "--units", UNITS, "--events", EVENTS]


@pytest.fixture(scope="module")
def card() -> kaohe.ScoreCard:
    return kaohe.Framework.load(FRAMEWORK).score(RESULTS, units=UNITS, events=EVENTS)


def run(capsys: pytest.CaptureFixture, *argv: str):
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def edited_csv(source: str, dest: Path, edits) -> str:
    """A copy of a CSV table with cells changed: edits = [(row index in the body, column, value)]."""
    frame = pd.read_csv(source, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    for i, column, value in edits:
        frame.loc[i, column] = value
    frame.to_csv(dest, index=False)
    return str(dest)


# -- width helper ----------------------------------------------------------------------------------------------
def test_display_width_counts_cjk_as_two_columns():
    assert cli.display_width("audit") == 5
    assert cli.display_width("区审计局") == 8
    assert cli.display_width("a区（垂管）") == 11  # fullwidth brackets are wide too
    assert cli.display_width("e\u0301") == 1  # a combining accent takes no column
    assert cli.display_width("") == 0


def test_format_table_aligns_mixed_scripts():
    text = cli.format_table(["unit", "name", "total"], [["a", "区审计局", "9.5"], ["bb", "x", "10.25"]],
                            [False, False, True])
    lines = text.splitlines()
    assert len({cli.display_width(line) for line in lines}) == 1  # right-aligned last column: equal widths
    assert lines == ["unit  name      total", "----  --------  -----", "a     区审计局    9.5", "bb    x         10.25"]
    assert set(lines[1]) == {"-", " "}


# -- score ---------------------------------------------------------------------------------------------------
def test_score_prints_the_ranked_table(capsys, card):
    code, out, err = run(capsys, "score", FRAMEWORK, *DATA)
    assert code == 0, err
    lines = out.splitlines()
    table = card.table()
    assert lines[0].split()[:3] == ["rank", "unit", "name"]
    assert set(lines[1]) <= {"-", " "}
    body = lines[2:]
    assert len(body) == len(table)
    # the best unit first, then the others in rank order, with the published totals
    assert body[0].split()[:2] == ["1", table.index[0]]
    assert table.index[0] == "audit"
    assert [line.split()[1] for line in body] == list(table.index)  # unranked units show "-" as rank
    assert f"{table['total'].iloc[0]:.2f}" in body[0]
    assert "区审计局" in body[0] and "依法行政" in lines[0]
    # CJK names are two columns wide: every line of the table has the same display width
    assert len({cli.display_width(line) for line in lines}) == 1


def test_score_top_and_full_precision(capsys, card):
    code, out, _ = run(capsys, "score", FRAMEWORK, *DATA, "--top", "3", "--full-precision")
    assert code == 0
    body = out.splitlines()[2:]
    assert len(body) == 3
    full = card.table(rounded=False).iloc[0]
    cells = body[0].split()
    # every digit of the double (round-trip repr), not 6 significant digits, for the total and the groups
    assert repr(float(full["total"])) in cells and float(repr(float(full["total"]))) == full["total"]
    assert repr(float(full["依法行政"])) in cells
    assert f"{full['total']:.6g}" not in cells


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".json"])
def test_score_out_writes_the_card(capsys, tmp_path, card, suffix):
    if suffix == ".xlsx":
        pytest.importorskip("openpyxl")
    out_file = tmp_path / f"card{suffix}"
    code, out, err = run(capsys, "score", FRAMEWORK, *DATA, "--out", out_file)
    assert code == 0, err
    assert out_file.exists() and out_file.stat().st_size > 0
    assert f"wrote {out_file}" in err
    expected = card.table()
    if suffix == ".csv":
        assert out_file.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM, for Excel on Chinese Windows
        written = pd.read_csv(out_file, encoding="utf-8-sig", index_col="unit")
        assert list(written.index) == list(expected.index)
        np.testing.assert_allclose(written["total"].to_numpy(), expected["total"].to_numpy())
        assert list(written.columns) == list(expected.columns)
    elif suffix == ".xlsx":
        written = pd.read_excel(out_file, sheet_name="ranking", index_col="unit")
        assert list(written.index) == list(expected.index)
        np.testing.assert_allclose(written["total"].to_numpy(), expected["total"].to_numpy())
        assert {"ranking", "points", "explanations"} <= set(pd.ExcelFile(out_file).sheet_names)
    else:
        data = json.loads(out_file.read_text(encoding="utf-8"))
        assert data["framework"] == "district-2019"
        totals = {u["id"]: u["total"] for u in data["units"]}
        assert len(totals) == len(expected)
        for unit, total in card.total.items():
            assert totals[unit] == pytest.approx(total, abs=1e-9)


def test_score_out_with_an_unknown_extension_is_a_usage_error(capsys, tmp_path):
    code, _, err = run(capsys, "score", FRAMEWORK, *DATA, "--out", tmp_path / "card.pdf")
    assert code == 64
    assert "'.pdf'" in err and "usage:" in err
    assert not (tmp_path / "card.pdf").exists()


def test_score_out_to_a_missing_directory_is_bad_input(capsys, tmp_path):
    target = tmp_path / "no" / "such" / "card.csv"
    code, out, err = run(capsys, "score", FRAMEWORK, *DATA, "--out", target)
    assert code == 2
    assert err.startswith("error: ") and str(target) in err and "Traceback" not in err


def test_score_needs_units_when_the_framework_has_categories(capsys):
    code, out, err = run(capsys, "score", FRAMEWORK, RESULTS)
    assert code == 2
    assert err.startswith("error: ") and "--units" in err and FRAMEWORK in err
    assert out == ""


def test_score_reports_every_missing_value_with_the_inputs(capsys, tmp_path):
    bad = edited_csv(RESULTS, tmp_path / "results.csv", [(0, "key_projects", ""), (1, "livelihood", "")])
    code, out, err = run(capsys, "score", FRAMEWORK, bad, "--units", UNITS, "--events", EVENTS)
    assert code == 2 and out == ""
    assert err.startswith("error: 2 problems found in ") and bad in err.splitlines()[0]
    assert "gov_office" in err and "key_projects" in err and "drc" in err and "livelihood" in err


# -- validate ------------------------------------------------------------------------------------------------
def test_validate_framework_only(capsys):
    code, out, err = run(capsys, "validate", FRAMEWORK)
    assert code == 0, err
    assert out.startswith("ok: ") and "21 indicators" in out and "district-2019" in out


def test_validate_with_data(capsys):
    code, out, err = run(capsys, "validate", FRAMEWORK, *DATA)
    assert code == 0, err
    assert out.startswith("ok: 21 indicators")
    assert "52 units" in out and "530 events" in out and "36 区直部门" in out


def test_validate_bad_framework(capsys, tmp_path):
    document = json.loads(Path(FRAMEWORK).read_text(encoding="utf-8"))
    document["root"]["children"][0]["childs"] = document["root"]["children"][0].pop("children")
    bad = tmp_path / "framework.json"
    bad.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    code, out, err = run(capsys, "validate", bad)
    assert code == 2 and out == ""
    assert err.startswith("error: 1 problem found in ")
    assert f"{bad}: " in err and "childs" in err and "unknown key" in err
    assert "Traceback" not in err


def test_validate_missing_framework_file(capsys, tmp_path):
    code, _, err = run(capsys, "validate", tmp_path / "nope.json")
    assert code == 2
    assert "nope.json" in err and "cannot read" in err


def test_validate_reports_every_problem_at_once(capsys, tmp_path):
    results = edited_csv(RESULTS, tmp_path / "results.csv",
                         [(0, "key_projects", "inf"), (2, "livelihood", "95%"), (3, "peer_score", "")])
    events = edited_csv(EVENTS, tmp_path / "events.csv", [(0, "target", "nosuch"), (5, "unit", "ghost")])
    code, out, err = run(capsys, "validate", FRAMEWORK, results, "--units", UNITS, "--events", events)
    assert code == 2 and out == ""
    problems = [line for line in err.splitlines() if line.startswith("  - ")]
    text = "\n".join(problems)
    assert f"{results}: row 2: column 'key_projects'" in text  # a bad cell
    assert f"{results}: row 4: column 'livelihood'" in text  # another bad cell, same run
    assert f"{events}: row 7: column 'unit'" in text and "ghost" in text  # a bad events row
    assert f"{events}: row 2:" in text and "nosuch" in text  # a target the framework does not have
    assert "industry" in text and "peer_score" in text  # a missing value, found by scoring
    # the blanked 'inf' cell is not reported a second time as missing
    assert not any("gov_office" in p and "missing" in p for p in problems)
    assert err.startswith(f"error: {len(problems)} problems found in ")


def test_validate_units_without_results_is_a_usage_error(capsys):
    code, _, err = run(capsys, "validate", FRAMEWORK, "--units", UNITS)
    assert code == 64 and "need RESULTS" in err


# -- explain -------------------------------------------------------------------------------------------------
def first_deduction():
    with open(EVENTS, encoding="utf-8-sig", newline="") as handle:
        return next(row for row in csv.DictReader(handle) if row["type"] == "deduction" and row["note"])


def test_explain_shows_the_deduction_notes(capsys, card):
    event = first_deduction()
    code, out, err = run(capsys, "explain", FRAMEWORK, RESULTS, event["unit"], "--units", UNITS, "--events", EVENTS)
    assert code == 0, err
    assert event["note"] in out
    assert event["target"] in out
    assert out == card.explain(event["unit"]) + ("" if card.explain(event["unit"]).endswith("\n") else "\n")


def test_explain_accepts_a_unit_name(capsys, card):
    code, out, _ = run(capsys, "explain", FRAMEWORK, RESULTS, "区审计局", "--units", UNITS, "--events", EVENTS)
    assert code == 0
    assert out.startswith("区审计局 (audit)")


def test_explain_unknown_unit_suggests_close_matches(capsys):
    code, out, err = run(capsys, "explain", FRAMEWORK, *DATA[:1], "audi", *DATA[1:])
    assert code == 2 and out == ""
    assert err.startswith("error: unit 'audi'") and "'audit'" in err


# -- convert -------------------------------------------------------------------------------------------------
def test_convert_json_yaml_json_round_trip(capsys, tmp_path):
    yaml_file, json_file = tmp_path / "framework.yaml", tmp_path / "framework.json"
    code, _, err = run(capsys, "convert", FRAMEWORK, yaml_file)
    assert code == 0, err
    assert "区直部门" in yaml_file.read_text(encoding="utf-8")  # Chinese kept as it is, not escaped
    code, _, err = run(capsys, "convert", yaml_file, json_file)
    assert code == 0, err
    assert f"wrote {json_file}" in err
    original = kaohe.Framework.load(FRAMEWORK).to_dict()
    assert kaohe.Framework.load(yaml_file).to_dict() == original
    assert kaohe.Framework.load(json_file).to_dict() == original


def test_convert_yml_extension(capsys, tmp_path):
    code, _, err = run(capsys, "convert", FRAMEWORK, tmp_path / "f.yml")
    assert code == 0, err
    assert kaohe.Framework.load(tmp_path / "f.yml").id == "district-2019"


def needs_tables():
    try:
        import kaohe.tables  # noqa: F401  (flat-table support, written separately)
    except ImportError:
        pytest.skip("kaohe.tables is not available")


def test_convert_to_an_xlsx_table_round_trips(capsys, tmp_path, card):
    needs_tables()
    pytest.importorskip("openpyxl")
    dest = tmp_path / "framework.xlsx"
    code, _, err = run(capsys, "convert", FRAMEWORK, dest)
    assert code == 0, err
    assert sorted(os.listdir(tmp_path)) == ["framework.xlsx"]  # no temporary file left behind
    again = kaohe.Framework.load(dest)
    assert again.to_dict() == kaohe.Framework.load(FRAMEWORK).to_dict()
    rescored = again.score(RESULTS, units=UNITS, events=EVENTS)
    np.testing.assert_allclose(rescored.total.to_numpy(), card.total.to_numpy(), atol=1e-9)
    # and back again
    code, _, err = run(capsys, "convert", dest, tmp_path / "back.json")
    assert code == 0, err
    assert kaohe.Framework.load(tmp_path / "back.json").to_dict() == again.to_dict()


def test_convert_to_a_csv_table_refuses_to_lose_the_top_level_keys(capsys, tmp_path):
    needs_tables()
    dest = tmp_path / "framework.csv"
    code, out, err = run(capsys, "convert", FRAMEWORK, dest)
    assert code == 2, err
    lost = "id, name, categories, adjustments, vetoes, grading, rounding"
    assert err.startswith(f"error: {dest}: a CSV file cannot hold {lost} of {FRAMEWORK}: ")
    assert ".xlsx" in err and "--allow-loss" in err and "Traceback" not in err
    assert os.listdir(tmp_path) == []  # neither the file nor a temporary one
    code, _, err = run(capsys, "convert", FRAMEWORK, dest, "--allow-loss")
    assert code == 0, err
    assert err.startswith(f"warning: {dest}: written without {lost} of {FRAMEWORK}, which a CSV file cannot "
                          "hold; on its own it does not read (")
    assert dest.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel on Chinese Windows reads it
    frame = pd.read_csv(dest, encoding="utf-8-sig")
    assert "court_rate" in set(frame["id"])
    assert len(frame) == len(kaohe.Framework.load(FRAMEWORK).effective_weights)  # one row per leaf


def test_convert_to_a_table_names_the_node_the_layout_cannot_hold(capsys, tmp_path):
    source = tmp_path / "nameless.json"  # a flat table identifies indicators by their names
    source.write_text(json.dumps({"kaohe": 1, "root": {"id": "r", "name": "r", "children": [
        {"id": "a", "points": 100, "rule": {"type": "manual"}}]}}), encoding="utf-8")
    for suffix in (".csv", ".xlsx"):
        dest = tmp_path / f"out{suffix}"
        code, _, err = run(capsys, "convert", source, dest, "--allow-loss")
        assert code == 2
        assert err.startswith(f"error: {dest}: r/a: {source} cannot be written as a flat table: the node has no "
                              "name"), err
        assert not dest.exists()


def test_convert_verifies_the_written_file(capsys, tmp_path, monkeypatch):
    """A converted file that does not read back the same is never left in place (a bug: exit 3)."""
    real = kaohe.Framework.to_yaml

    def broken(self, path=None):
        real(self, path)
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        with open(path, "w", encoding="utf-8") as handle:  # the top-level name, changed
            handle.write(re.sub(r"^name: .*$", "name: changed", text, count=1, flags=re.M))

    monkeypatch.setattr(kaohe.Framework, "to_yaml", broken)
    code, _, err = run(capsys, "convert", FRAMEWORK, tmp_path / "f.yaml")
    assert code == 3
    assert "$.name differs" in err
    assert os.listdir(tmp_path) == []


def test_convert_unsupported_extension_is_a_usage_error(capsys, tmp_path):
    code, _, err = run(capsys, "convert", FRAMEWORK, tmp_path / "framework.toml")
    assert code == 64 and "'.toml'" in err
    assert not (tmp_path / "framework.toml").exists()


def test_convert_bad_source_is_bad_input(capsys, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("root: [unclosed\n", encoding="utf-8")
    code, _, err = run(capsys, "convert", bad, tmp_path / "out.json")
    assert code == 2
    assert err.startswith(f"error: {bad}: ") and "YAML" in err
    assert not (tmp_path / "out.json").exists()


# -- exit codes, help, version -------------------------------------------------------------------------------
def test_internal_error_exit_3_without_traceback(capsys, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.delenv("KAOHE_DEBUG", raising=False)
    monkeypatch.setattr(kaohe.Framework, "score", boom)
    code, out, err = run(capsys, "score", FRAMEWORK, *DATA)
    assert code == 3
    assert err.startswith("internal error: RuntimeError: boom")
    assert "report" in err and "KAOHE_DEBUG=1" in err
    assert "Traceback" not in err


def test_internal_error_traceback_with_kaohe_debug(capsys, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setenv("KAOHE_DEBUG", "1")
    monkeypatch.setattr(kaohe.Framework, "load", boom)
    code, _, err = run(capsys, "validate", FRAMEWORK)
    assert code == 3
    assert "internal error: RuntimeError: boom" in err and "Traceback" in err


def test_kaohe_internal_error_is_exit_3(capsys, monkeypatch):
    def broken(*args, **kwargs):
        raise kaohe.InternalError("engine invariant violated")

    monkeypatch.setattr(kaohe.Framework, "load", broken)
    code, _, err = run(capsys, "convert", FRAMEWORK, "x.yaml")
    assert code == 3 and "engine invariant violated" in err


def test_keyboard_interrupt_is_130(capsys, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(kaohe.Framework, "load", interrupted)
    code, _, _ = run(capsys, "validate", FRAMEWORK)
    assert code == 130


@pytest.mark.parametrize("argv", [
    [],                                          # no command
    ["frobnicate"],                              # unknown command
    ["score", FRAMEWORK],                        # missing RESULTS
    ["score", FRAMEWORK, RESULTS, "--bogus"],    # unknown option
    ["score", FRAMEWORK, RESULTS, "--top", "0"],  # bad option value
    ["explain", FRAMEWORK, RESULTS],             # missing UNIT
    ["convert", FRAMEWORK],                      # missing DEST
])
def test_usage_errors_exit_64(capsys, argv):
    code, out, err = run(capsys, *argv)
    assert code == 64
    assert "usage:" in err and "error:" in err


@pytest.mark.parametrize("command", [[], ["score"], ["validate"], ["explain"], ["convert"]])
def test_help_everywhere(capsys, command):
    code, out, err = run(capsys, *command, "--help")
    assert code == 0
    assert out.startswith("usage: kaohe")
    assert "exit codes:" in out and "64" in out and "130" in out


def test_top_level_help_lists_the_commands(capsys):
    _, out, _ = run(capsys, "--help")
    for command in ("score", "validate", "explain", "convert"):
        assert command in out


def test_version(capsys):
    code, out, _ = run(capsys, "--version")
    assert code == 0
    info = kaohe.cpu_info()
    assert out.strip() == (f"kaohe {kaohe.__version__} (kernels: {info['level']} of {', '.join(info['compiled'])}; "
                           f"{info['build']} build)")


def test_exit_codes_are_documented():
    doc = cli.__doc__
    for code in ("0", "2", "3", "64", "130"):
        assert f"\n{code}\n" in doc
    assert len({cli.EXIT_OK, cli.EXIT_INPUT, cli.EXIT_INTERNAL, cli.EXIT_USAGE, cli.EXIT_INTERRUPTED}) == 5


# -- the installed console script and python -m kaohe ---------------------------------------------------------
def test_console_script_help():
    script = shutil.which("kaohe")
    if script is None:
        pytest.skip("the kaohe console script is not on PATH (install the package with pip)")
    done = subprocess.run([script, "--help"], capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: kaohe") and "exit codes:" in done.stdout


def test_python_dash_m_kaohe(tmp_path):
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    done = subprocess.run([sys.executable, "-m", "kaohe", "score", FRAMEWORK, *DATA, "--top", "1"],
                          capture_output=True, text=True, encoding="utf-8", timeout=120, cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[2].split()[:2] == ["1", "audit"]
    bad = subprocess.run([sys.executable, "-m", "kaohe", "validate", str(tmp_path / "missing.json")],
                         capture_output=True, text=True, encoding="utf-8", timeout=120, cwd=tmp_path, env=env)
    assert bad.returncode == 2
    assert bad.stderr.startswith("error: ") and "Traceback" not in bad.stderr


def test_validate_reports_every_framework_problem_at_once(capsys, tmp_path):
    data = json.loads(Path(FRAMEWORK).read_text(encoding="utf-8"))
    data["root"]["children"][0]["points"] = 12  # rule_of_law: 11 of its children's points, now stated as 12
    data["root"]["children"][1]["children"][0]["points"] = 14  # key_tasks' first leaf: 15 -> 14
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    code, out, err = run(capsys, "validate", str(bad))
    assert code == 2
    assert "6 problems found" in err  # root, rule_of_law and key_tasks, in each of the two categories
    assert "district/rule_of_law: children's points add up to 11 but the node has 12 points (category 'dept')" in err
    assert "district/key_tasks: children's points add up to 37 but the node has 38 points (category 'town')" in err
