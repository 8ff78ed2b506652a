"""Hostile cells (issue 16, items 4 and 5).

Formula injection: names such as ``=cmd|' /C calc'!A0`` reach every .csv/.xlsx file kaohe writes neutralised
with a leading quote (OWASP), workbook cells are text and never formulas, numbers stay numbers, ``--raw`` writes
the exact text, and a framework converted to a table and read back has its names unchanged.
"""
from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Dict, List

import pandas as pd
import pytest

import kaohe
from kaohe import cli
from kaohe._cells import neutralise, restore
from kaohe.errors import DataError

openpyxl = pytest.importorskip("openpyxl")

CMD = "=cmd|' /C calc'!A0"
SUM = "@SUM(1+1)*cmd|' /C calc'!A0"
LINK = '=HYPERLINK("http://x","y")'
PAYLOADS = [CMD, SUM, LINK, "+1+1", "-2+3", "\t=1", "\r=1"]
#: Payloads a CSV cell keeps as they are (kaohe's readers strip the spaces around a cell, so "\t=1" in a data
#: file is "=1"; tabs and carriage returns are tested through framework names, which JSON keeps).
CELL_PAYLOADS = [CMD, SUM, LINK, "+1+1", "-2+3"]


def hostile_framework() -> Dict:
    """Payloads as the framework's, the top-level groups' and the leaves' names, and as category names."""
    return {"kaohe": 1, "id": "hostile", "name": LINK, "total": 100,
            "categories": [{"id": "c1", "name": LINK}, {"id": "c2", "name": SUM}],
            "root": {"id": "root", "children": [
                {"id": "g1", "name": CMD, "points": 50, "children": [
                    {"id": "a", "name": "+1+1", "points": 50, "rule": {"type": "completion", "target": 100}}]},
                {"id": "g2", "name": "\t=1", "points": 30, "children": [
                    {"id": "b", "name": "-2+3", "points": 30, "rule": {"type": "completion", "target": 100}}]},
                {"id": "g3", "name": "\r=1", "points": 20, "children": [
                    {"id": "d", "name": SUM, "points": 20, "rule": {"type": "deduction", "price": {"late": 5}}}]},
            ]}}


UNITS = [  # id, name, category
    (CMD, LINK, "c1"),
    (SUM, "+1+1", "c2"),
    ("-2+3", "-name", "c1"),
    ("plain", "@home", "c2"),
]


def write_csv(path: Path, rows: List[List[str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


@pytest.fixture
def hostile(tmp_path: Path) -> Dict[str, Path]:
    fw = tmp_path / "framework.json"
    fw.write_text(json.dumps(hostile_framework(), ensure_ascii=False), encoding="utf-8")
    units = write_csv(tmp_path / "units.csv", [["id", "name", "category"]] + [list(u) for u in UNITS])
    results = write_csv(tmp_path / "results.csv", [["unit", "a", "b"]] + [[u[0], str(40 + 15 * i), str(90 - 10 * i)]
                                                                           for i, u in enumerate(UNITS)])
    events = write_csv(tmp_path / "events.csv", [["unit", "type", "target", "kind", "count"],
                                                 ["-2+3", "deduction", "d", "late", "1"]])
    return {"framework": fw, "units": units, "results": results, "events": events, "dir": tmp_path}


def run(capsys, *argv) -> int:
    code = cli.main([str(a) for a in argv])
    capsys.readouterr()
    return code


def csv_cells(path: Path) -> List[List[str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def book_cells(path: Path) -> Dict[str, list]:
    book = openpyxl.load_workbook(path)
    return {sheet.title: [cell for line in sheet.iter_rows() for cell in line] for sheet in book.worksheets}


def starts_like_a_formula(text: str) -> bool:
    return text[:1] in ("=", "+", "-", "@", "\t", "\r")


def assert_safe_csv(rows: List[List[str]], expected: List[str]) -> None:
    """No cell starts like a formula unless it is a plain number, and every expected payload is there quoted."""
    cells = [c for row in rows for c in row]
    for cell in cells:
        if starts_like_a_formula(cell):
            float(cell)  # only a number may start with - or +
    for payload in expected:
        assert "'" + payload in cells, (payload, cells)


# -- the neutralising function ----------------------------------------------------------------------------
@pytest.mark.parametrize("text", PAYLOADS + ["'=x", "''+1", "'-2+3", "'\t=1"])
def test_neutralise_quotes_formula_text_and_restore_gives_it_back(text):
    safe = neutralise(text)
    assert safe == "'" + text
    assert restore(safe) == text


@pytest.mark.parametrize("value", [-3.5, 7, "-3.5", "+2", "1e-3", "plain", "it's", "'quoted", "", None, "a=b"])
def test_neutralise_leaves_numbers_and_harmless_text_alone(value):
    assert neutralise(value) is value
    assert restore(neutralise(value)) is value


# -- kaohe score --out ----------------------------------------------------------------------------------------
def test_score_out_csv_neutralises_unit_ids_names_categories_and_group_names(capsys, hostile):
    out = hostile["dir"] / "card.csv"
    assert run(capsys, "score", hostile["framework"], hostile["results"], "--units", hostile["units"],
               "--events", hostile["events"], "--out", out) == 0
    rows = csv_cells(out)
    header = rows[0]
    assert "'" + CMD in header and "'\t=1" in header and "'\r=1" in header  # top-level group names
    assert_safe_csv(rows, [CMD, SUM, "-2+3", LINK, "+1+1", "-name", "@home"])
    by_unit = {row[0]: row for row in rows[1:]}
    assert set(by_unit) == {"'" + CMD, "'" + SUM, "'-2+3", "plain"}
    assert float(by_unit["plain"][header.index("total")]) > 0  # figures are numbers, not quoted


def test_score_out_xlsx_writes_text_cells_never_formulas(capsys, hostile):
    out = hostile["dir"] / "card.xlsx"
    assert run(capsys, "score", hostile["framework"], hostile["results"], "--units", hostile["units"],
               "--events", hostile["events"], "--out", out) == 0
    sheets = book_cells(out)
    assert set(sheets) == {"ranking", "points", "explanations"}
    texts = []
    for name, cells in sheets.items():
        for cell in cells:
            assert cell.data_type != "f", (name, cell.coordinate, cell.value)
            if isinstance(cell.value, str):
                assert not starts_like_a_formula(cell.value), (name, cell.coordinate, cell.value)
                texts.append(cell.value)
            elif cell.value is not None:
                assert cell.data_type == "n"
    for payload in (CMD, SUM, "-2+3", LINK, "+1+1", "\t=1", "\r=1"):
        # (an XML reader gives a carriage return back as a line feed: the cell still starts with the quote)
        assert "'" + payload in texts or "'" + payload.replace("\r", "\n") in texts, payload
    ids = [c for c in sheets["ranking"] if c.column == 1 and c.row > 1]
    assert sorted(c.value for c in ids) == sorted(["'" + CMD, "'" + SUM, "'-2+3", "plain"])
    assert all(c.data_type == "s" for c in ids)


def test_score_card_python_api_neutralises_and_raw_writes_the_exact_text(hostile, tmp_path):
    card = kaohe.Framework.load(hostile["framework"]).score(hostile["results"], units=hostile["units"],
                                                            events=hostile["events"])
    card.to_csv(tmp_path / "safe.csv")
    card.to_csv(tmp_path / "raw.csv", raw=True)
    safe, raw = csv_cells(tmp_path / "safe.csv"), csv_cells(tmp_path / "raw.csv")
    assert "'" + CMD in [r[0] for r in safe] and CMD in [r[0] for r in raw]
    assert "'" + CMD not in [c for r in raw for c in r]
    card.to_excel(tmp_path / "raw.xlsx", raw=True)
    cells = book_cells(tmp_path / "raw.xlsx")
    values = [c.value for cells_ in cells.values() for c in cells_]
    assert CMD in values and LINK in values and "'" + CMD not in values
    assert all(c.data_type != "f" for cells_ in cells.values() for c in cells_)  # raw text is still text


def test_score_out_raw_writes_the_exact_text(capsys, hostile):
    out = hostile["dir"] / "card.csv"
    assert run(capsys, "score", hostile["framework"], hostile["results"], "--units", hostile["units"],
               "--events", hostile["events"], "--out", out, "--raw") == 0
    rows = csv_cells(out)
    assert CMD in rows[0] and "\t=1" in rows[0]
    assert {row[0] for row in rows[1:]} == {CMD, SUM, "-2+3", "plain"}


# -- kaohe whatif / stability / uncertainty --out ---------------------------------------------------------
def test_whatif_out_neutralises_text_and_keeps_negative_numbers(capsys, hostile):
    out = hostile["dir"] / "whatif.csv"
    assert run(capsys, "whatif", hostile["framework"], hostile["results"], "--units", hostile["units"],
               "--events", hostile["events"], "--set", "g1=20", "--all", "--out", out) == 0
    rows = csv_cells(out)
    assert_safe_csv(rows, [CMD, SUM, "-2+3"])
    change = [float(row[rows[0].index("change")]) for row in rows[1:]]
    assert any(c < 0 for c in change)  # '-20.0' is a number, written as it is
    assert all(not row[rows[0].index("change")].startswith("'") for row in rows[1:])
    raw = hostile["dir"] / "whatif-raw.csv"
    assert run(capsys, "whatif", hostile["framework"], hostile["results"], "--units", hostile["units"],
               "--events", hostile["events"], "--set", "g1=20", "--all", "--out", raw, "--raw") == 0
    assert {row[0] for row in csv_cells(raw)[1:]} == {CMD, SUM, "-2+3", "plain"}


def test_uncertainty_and_stability_out_neutralise_text(capsys, hostile):
    out = hostile["dir"] / "mc.csv"
    assert run(capsys, "uncertainty", hostile["framework"], hostile["results"], "--units", hostile["units"],
               "--events", hostile["events"], "--samples", "50", "--quiet", "--out", out) == 0
    assert_safe_csv(csv_cells(out), [CMD, SUM, "-2+3"])
    out = hostile["dir"] / "stability.csv"
    assert run(capsys, "stability", hostile["framework"], hostile["results"], "--units", hostile["units"],
               "--events", hostile["events"], "--out", out) == 0
    rows = csv_cells(out)
    swaps = [c for row in rows for c in row if " reaches " in c]
    assert any(c.startswith("'-2+3 reaches ") or c.startswith("'" + CMD) or c.startswith("'" + SUM) for c in swaps)
    assert_safe_csv(rows, [])


def test_weights_out_neutralises_criterion_names(capsys, tmp_path):
    matrix = write_csv(tmp_path / "m.csv", [["criterion", CMD, "+1+1"], [CMD, "1", "3"], ["+1+1", "1/3", "1"]])
    out = tmp_path / "w.csv"
    assert run(capsys, "weights", "ahp", matrix, "--out", out) == 0
    assert [row[0] for row in csv_cells(out)[1:]] == ["'" + CMD, "'+1+1"]
    assert run(capsys, "weights", "ahp", matrix, "--out", out, "--raw") == 0
    assert [row[0] for row in csv_cells(out)[1:]] == [CMD, "+1+1"]
    results = write_csv(tmp_path / "r.csv", [["unit", "x", "y"], [SUM, "1", "5"], ["-2+3", "2", "3"], ["u", "4", "1"]])
    assert run(capsys, "weights", "entropy", results, "--out", out) == 0
    rows = csv_cells(out)
    assert_safe_csv(rows, [])
    assert [row[0] for row in rows[1:]] == ["x", "y"]


# -- kaohe convert: neutralised in the file, exact when read back ---------------------------------------------
def table_framework() -> Dict:
    """Payloads where a flat table can hold them (names, notes, ids of categories), including text that
    already starts with a quote and a formula character."""
    return {"kaohe": 1, "id": "hostile", "name": CMD, "total": 100,
            "categories": [{"id": "c1", "name": LINK}],
            "root": {"id": "root", "name": SUM, "children": [
                {"id": "g1", "name": CMD, "points": 60, "note": "=1+1", "children": [
                    {"id": "a", "name": "+1+1", "points": 30, "rule": {"type": "completion", "target": 100},
                     "note": "@SUM(A1)"},
                    {"id": "b", "name": "'=already quoted", "points": 30, "rule": {"type": "completion", "target": 100}}]},
                {"id": "g2", "name": "-2+3", "points": 40, "children": [
                    {"id": "c", "name": LINK, "points": 20, "rule": {"type": "completion", "target": 100}},
                    {"id": "d", "name": "''-x", "points": 20, "rule": {"type": "completion", "target": 100}}]},
            ]}}


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_convert_neutralises_the_table_and_reads_back_the_same_names(capsys, tmp_path, suffix):
    source = tmp_path / "framework.json"
    source.write_text(json.dumps(table_framework(), ensure_ascii=False), encoding="utf-8")
    dest = tmp_path / f"table{suffix}"
    argv = ["convert", source, dest] + (["--allow-loss"] if suffix == ".csv" else [])
    assert run(capsys, *argv) == 0
    if suffix == ".csv":
        cells = [c for row in csv_cells(dest) for c in row]
    else:
        sheets = book_cells(dest)
        assert all(c.data_type != "f" for cs in sheets.values() for c in cs)
        cells = [c.value for cs in sheets.values() for c in cs if isinstance(c.value, str)]
    for text in (CMD, "+1+1", LINK, "-2+3", "=1+1", "@SUM(A1)", "'=already quoted", "''-x"):
        assert "'" + text in cells, text
    assert not [c for c in cells if starts_like_a_formula(c) and not c.lstrip("+-").replace(".", "").isdigit()]
    meta = {} if suffix == ".xlsx" else {"id": "hostile", "name": CMD, "categories": [{"id": "c1", "name": LINK}]}
    again = kaohe.Framework.from_table(dest, **meta)
    assert again.to_dict() == kaohe.Framework.from_dict(table_framework()).to_dict()


def test_write_table_raw_refuses_text_that_would_not_read_back(tmp_path):
    table = kaohe.Framework.from_dict(table_framework()).to_table()
    with pytest.raises(kaohe.FrameworkError) as info:
        kaohe.tables.write_table(table, tmp_path / "raw.xlsx", raw=True)
    assert "'=already quoted" in str(info.value) and "would read back without the quote" in str(info.value)
    plain = kaohe.Framework.from_dict({"kaohe": 1, "root": {"id": "root", "children": [
        {"id": "a", "name": CMD, "rule": {"type": "manual"}}]}}).to_table()
    kaohe.tables.write_table(plain, tmp_path / "raw.csv", raw=True)
    assert csv_cells(tmp_path / "raw.csv")[1][0] == CMD

