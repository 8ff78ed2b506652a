"""Lossless conversions (issue 11): every framework of examples/ and tests/ goes json -> yaml -> xlsx -> csv -> json,
through ``kaohe convert`` and through the Python API. Each step either gives back the same framework (equal
``to_dict()``, and bit-for-bit the same scores on its data) or is refused, naming exactly the keys the target
format cannot hold; with ``--allow-loss`` / ``allow_loss=True`` the file is written, and giving those keys back
(and no others) restores the framework."""
from __future__ import annotations

import hashlib
import json
import random
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Tuple

import numpy as np
import pandas as pd
import pytest

import kaohe
from kaohe import cli
from kaohe.errors import FrameworkError, LossWarning
from kaohe.tables import write_table
from conftest import EXAMPLES, assert_same_scores, random_framework

pytest.importorskip("openpyxl")

DATA = Path(__file__).resolve().parent / "data" / "frameworks"
CHAIN = (".json", ".yaml", ".xlsx", ".csv", ".json")


@dataclass
class Case:
    """A framework file, the data it is scored on, and the keys a CSV file cannot hold (stated by hand here, not
    computed by the code under test)."""
    name: str
    framework: Any                 # a path, or a callable giving the document (written to a file by the test)
    results: Any
    units: Any = None
    events: Any = None
    csv_lost: Tuple[str, ...] = ()


def _random_case(seed: int) -> Case:
    """One of the random trees of conftest.random_framework, with random results and manual scores for it."""
    doc = random_framework(seed)
    rng = random.Random(1000 + seed)
    units = [f"u{i}" for i in range(1, 7)]
    results: Dict[str, List[float]] = {}
    events = []

    def visit(node: Dict[str, Any]) -> None:
        for child in node.get("children", []):
            visit(child)
        rule = node.get("rule")
        if rule is None:
            return
        if rule["type"] == "manual":
            events.extend({"unit": u, "type": "manual", "target": node["id"], "note": "评分",
                           "value": round(rng.uniform(0, node["points"]), 2)} for u in units)
            return
        source = rule.get("input", node["id"])
        items = source["ratio"] if isinstance(source, dict) else [source]
        for item in items:
            results[item] = [float(rng.randint(1, 120)) for _ in units]

    visit(doc["root"])
    frame = pd.DataFrame(results, index=pd.Index(units, name="unit"))
    lost = ("id",) + (("total",) if doc["total"] != 100 else ())
    return Case(f"random-{seed}", lambda: doc, frame, events=pd.DataFrame(events) if events else None, csv_lost=lost)


def _data_case(name: str, csv_lost: Tuple[str, ...]) -> Case:
    return Case(name, DATA / name / "framework.json", DATA / name / "results.csv", csv_lost=csv_lost)


DISTRICT = EXAMPLES / "district-2019"
ASEM = EXAMPLES / "asem"
CASES = [
    # categories, per-category weights and rules, applies_to, notes, adjustments, vetoes, grade quotas (its
    # ranking is the default, so a CSV file does not lose it)
    Case("district-2019", DISTRICT / "framework.json", DISTRICT / "results.csv", DISTRICT / "units.csv",
         DISTRICT / "events.csv",
         csv_lost=("id", "name", "categories", "adjustments", "vetoes", "grading", "rounding")),
    Case("asem-C", ASEM / "framework_pipeline_C.json", ASEM / "results.csv", ASEM / "units.csv",
         csv_lost=("id", "name")),
    Case("asem-G", ASEM / "framework_pipeline_G.json", ASEM / "results.csv", ASEM / "units.csv",  # geometric root
         csv_lost=("id", "name")),
    _data_case("geometric_root", ()),                      # the issue's case: a CSV file holds all of it
    _data_case("hdi", ("id", "name", "total", "score_scale", "rounding")),
    _data_case("epi", ("id", "name", "rounding")),         # missing: exclude
    _data_case("root_attributes", ()),                     # renormalise and a note on the root: root_<key> columns
    _data_case("graded", ("id", "name", "grading", "ranking", "rounding")),
    _data_case("root_name_spaces", ("root.name",)),        # no cell keeps the spaces around a name
] + [_random_case(seed) for seed in range(6)]


def _source(case: Case, folder: Path) -> Path:
    if callable(case.framework):
        path = folder / "source.json"
        path.write_text(json.dumps(case.framework(), ensure_ascii=False), encoding="utf-8")
        return path
    return case.framework


def _score(fw: kaohe.Framework, case: Case) -> kaohe.ScoreCard:
    return fw.score(case.results, units=case.units, events=case.events)


def _assert_bit_identical(card: kaohe.ScoreCard, expected: kaohe.ScoreCard) -> None:
    assert_same_scores(card, expected)
    for key in ("scores", "weighted_total"):
        if key in expected.arrays:
            assert np.array_equal(card.arrays[key], expected.arrays[key], equal_nan=True), key


def _convert(capsys: pytest.CaptureFixture, source: Path, dest: Path, *flags: str) -> Tuple[int, str]:
    code = cli.main(["convert", str(source), str(dest), *flags])
    return code, capsys.readouterr().err


def _named(message: str, pattern: str) -> List[str]:
    m = re.search(pattern, message)
    assert m, message
    return m.group(1).split(", ")


def _lost_meta(original: Dict[str, Any], lost: Tuple[str, ...]) -> Dict[str, Any]:
    """The named keys, taken from the original document: what a reader of the CSV file must be given."""
    meta: Dict[str, Any] = {k: original[k] for k in lost if not k.startswith("root.")}
    root = {k[len("root."):]: original["root"][k[len("root."):]] for k in lost if k.startswith("root.")}
    if root:
        meta["root"] = root
    return meta


def _check_lossy_csv(path: Path, original: Dict[str, Any], expected: kaohe.ScoreCard, case: Case) -> None:
    """The CSV file lost exactly the named keys: given them back it is the same framework, scoring bit for bit
    the same; given back all but any one of them, it is not (so none is named without cause)."""
    meta = _lost_meta(original, case.csv_lost)
    back = kaohe.Framework.from_table(path, **meta)
    assert back.to_dict() == original
    _assert_bit_identical(_score(back, case), expected)
    for key in case.csv_lost:
        partial = _lost_meta(original, tuple(k for k in case.csv_lost if k != key))
        try:
            without = kaohe.Framework.from_table(path, **partial).to_dict()
        except FrameworkError:
            continue  # e.g. without categories, applies_to names unknown ones
        assert without != original, f"{key} was named lost but the file holds it"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_kaohe_convert_round_trips_or_names_what_the_format_cannot_hold(case, tmp_path, capsys):
    source = _source(case, tmp_path)
    before = hashlib.sha256(source.read_bytes()).hexdigest()
    original = kaohe.Framework.load(source).to_dict()
    expected = _score(kaohe.Framework.load(source), case)
    current = source
    for step, suffix in enumerate(CHAIN[1:], start=1):
        dest = tmp_path / f"step{step}{suffix}"
        code, err = _convert(capsys, current, dest)
        if suffix == ".csv" and case.csv_lost:
            assert code == 2, err
            assert err.startswith(f"error: {dest}: a CSV file cannot hold "), err
            assert _named(err, r"cannot hold (.+?) of ") == list(case.csv_lost)
            assert f" of {current}: " in err and "--allow-loss" in err and ".xlsx" in err
            assert not dest.exists() and not list(tmp_path.glob("*.tmp*"))
            code, err = _convert(capsys, current, dest, "--allow-loss")
            assert code == 0, err
            assert err.startswith(f"warning: {dest}: written without "), err
            assert _named(err, r"written without (.+?) of ") == list(case.csv_lost)
            _check_lossy_csv(dest, original, expected, case)
            break  # the chain ends here: the rest of it would start from a framework known to differ
        assert code == 0, f"{current} -> {dest}: {err}"
        again = kaohe.Framework.load(dest)
        assert again.to_dict() == original, dest
        _assert_bit_identical(_score(again, case), expected)
        current = dest
    else:
        assert current.suffix == ".json"
        assert json.loads(current.read_text(encoding="utf-8")) == original  # json -> ... -> json: the same document
    assert hashlib.sha256(source.read_bytes()).hexdigest() == before  # the input is never modified


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_python_api_round_trips_or_names_what_the_format_cannot_hold(case, tmp_path):
    source = _source(case, tmp_path)
    fw = kaohe.Framework.load(source)
    original = fw.to_dict()
    expected = _score(fw, case)
    again = kaohe.Framework.from_yaml(fw.to_yaml())
    assert again.to_dict() == original
    table = again.to_table()
    write_table(table, tmp_path / "t.xlsx")
    again = kaohe.Framework.load(tmp_path / "t.xlsx")
    assert again.to_dict() == original
    _assert_bit_identical(_score(again, case), expected)
    table = again.to_table()
    csv_path = tmp_path / "t.csv"
    if case.csv_lost:
        with pytest.raises(FrameworkError) as info:
            write_table(table, csv_path)
        assert info.value.file == str(csv_path)
        assert _named(info.value.reason, r"cannot hold the framework's (.+?) \(") == list(case.csv_lost)
        assert not csv_path.exists()
        with pytest.warns(LossWarning) as record:
            write_table(table, csv_path, allow_loss=True)
        assert [w.message.lost for w in record] == [list(case.csv_lost)]
        assert str(record[0].message).startswith(f"{csv_path}: written without the framework's ")
        _check_lossy_csv(csv_path, original, expected, case)
        return
    with warnings.catch_warnings():
        warnings.simplefilter("error", LossWarning)
        write_table(table, csv_path)
    again = kaohe.Framework.load(csv_path)
    assert again.to_dict() == original
    _assert_bit_identical(_score(again, case), expected)
    assert kaohe.Framework.from_json(again.to_json()).to_dict() == original


def test_every_shipped_and_test_framework_is_a_case():
    """A framework added to examples/ or tests/python/data/ without a case here would go unchecked."""
    covered = {Path(c.framework).resolve() for c in CASES if not callable(c.framework)}
    shipped = {p.resolve() for p in EXAMPLES.rglob("*.json")} | {p.resolve() for p in DATA.rglob("framework.json")}
    assert shipped == covered


# -- the issue's case ------------------------------------------------------------------------------------------
def test_the_issues_geometric_root_survives_kaohe_convert_to_csv(tmp_path, capsys):
    """Before: the CSV file lost `aggregation: geometric` and the table read back scored an arithmetic mean."""
    case = next(c for c in CASES if c.name == "geometric_root")
    fw = kaohe.Framework.load(case.framework)
    dest = tmp_path / "hdi.csv"
    code, err = _convert(capsys, case.framework, dest)
    assert code == 0, err
    assert err == f"wrote {dest}\n"  # nothing lost, nothing to warn about
    frame = pd.read_csv(dest, encoding="utf-8-sig", dtype=str)
    assert set(frame["root_aggregation"]) == {"geometric"} and set(frame["root_id"]) == {"hdi"}
    again = kaohe.Framework.load(dest)
    assert again.to_dict()["root"]["aggregation"] == "geometric"
    card, expected = _score(again, case), _score(fw, case)
    _assert_bit_identical(card, expected)
    path = tmp_path / "api.csv"  # and from Python
    write_table(fw.to_table(), path)
    _assert_bit_identical(_score(kaohe.Framework.load(path), case), expected)
    # and the test can fail: read as an arithmetic mean, most totals differ
    doc = fw.to_dict()
    del doc["root"]["aggregation"]
    arithmetic = _score(kaohe.Framework.from_dict(doc), case)
    assert (arithmetic.arrays["total"] != expected.arrays["total"]).sum() >= len(expected.unit_ids) - 1


def test_hdi_to_csv_names_each_key_and_keeps_the_geometric_root(tmp_path, capsys):
    case = next(c for c in CASES if c.name == "hdi")
    dest = tmp_path / "hdi.csv"
    code, err = _convert(capsys, case.framework, dest)
    assert code == 2
    assert err.startswith(f"error: {dest}: a CSV file cannot hold id, name, total, score_scale, rounding of "
                          f"{case.framework}: ")
    code, err = _convert(capsys, case.framework, dest, "--allow-loss")
    assert code == 0
    assert "written without id, name, total, score_scale, rounding of" in err
    alone = kaohe.Framework.load(dest).to_dict()
    assert alone["root"]["aggregation"] == "geometric" and alone["root"]["note"].startswith("UNDP")
    assert alone["total"] == 100 and "score_scale" not in alone  # the defaults: exactly what was named lost



def test_the_worked_example_in_docs_formats_md_is_what_kaohe_prints(repo_root, tmp_path, monkeypatch, capsys):
    text = (repo_root / "docs" / "formats.md").read_text(encoding="utf-8")
    section = text.split("## Lossless conversions", 1)[1]
    console = section.split("```console\n", 1)[1].split("```", 1)[0]
    monkeypatch.chdir(tmp_path)
    (tmp_path / "hdi.json").write_bytes((DATA / "hdi" / "framework.json").read_bytes())
    printed = []
    for line in console.splitlines():
        if line.startswith("$ kaohe "):
            cli.main(line[len("$ kaohe "):].split())
            printed.append(line)
            printed.extend(capsys.readouterr().err.splitlines())
    assert printed == console.splitlines()
    table = section.split("```csv\n", 1)[1].split("```", 1)[0].splitlines()
    cli.main(["convert", str(DATA / "geometric_root" / "framework.json"), "tree.csv"])
    written = (tmp_path / "tree.csv").read_text(encoding="utf-8-sig").splitlines()
    assert table == written[:2]
