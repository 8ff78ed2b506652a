"""Hostile cells (issue 16, items 4 and 5).

Formula injection: names such as ``=cmd|' /C calc'!A0`` reach every .csv/.xlsx file kaohe writes neutralised
with a leading quote (OWASP), workbook cells are text and never formulas, numbers stay numbers, ``--raw`` writes
the exact text, and a framework converted to a table and read back has its names unchanged.

Ambiguous numbers: ``1,234``, ``12,5`` and ``1.234,5`` in a data table are errors naming the file, row and column
unless the number format is declared (``decimal=","``, ``thousands=","`` / ``--decimal``, ``--thousands``).

Negative values a rule cannot take (a completion's input, a ratio's denominator) are errors naming the unit,
the indicator and the cell.
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


def test_safe_frame_neutralises_text_of_every_dtype_labels_and_index_but_not_numbers():
    from kaohe._cells import safe_frame

    frame = pd.DataFrame({"=col": pd.Categorical([CMD, "y"]), "n": [-1.5, 2.0], "t": ["+1+1", "-3.5"],
                          "s": pd.array(["@a", None], dtype="string")}, index=pd.Index(["-x", "1"], name="=unit"))
    safe = safe_frame(frame)
    assert list(safe.columns) == ["'=col", "n", "t", "s"] and safe.index.name == "'=unit"
    assert list(safe.index) == ["'-x", "1"]
    assert list(safe["'=col"]) == ["'" + CMD, "y"] and list(safe["t"]) == ["'+1+1", "-3.5"]
    assert safe["s"].iloc[0] == "'@a" and pd.isna(safe["s"].iloc[1])
    assert safe["n"].tolist() == [-1.5, 2.0] and safe["n"].dtype == float
    assert safe_frame(frame, raw=True) is frame and list(frame.columns)[0] == "=col"  # the input is not changed


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
                    {"id": "b", "name": "'=already quoted", "points": 30,
                     "rule": {"type": "completion", "target": 100}}]},
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


# -- ambiguous numbers ------------------------------------------------------------------------------------
AMBIGUOUS = {"1,234": "a thousands separator (1234) or a decimal comma (1.234)",
             "12,5": "a thousands separator (125) or a decimal comma (12.5)",
             "1.234,5": "a thousands separator or a decimal comma"}
HINT = ("remove the thousands separator (write plain digits with '.' as the decimal point), or declare how the file "
        "writes numbers: decimal=',' and/or thousands=',' or '.' (kaohe: --decimal , --thousands .)")


def district_results_with(tmp_path: Path, district_files, value: str, column: str = "key_projects") -> Path:
    rows = csv_cells(district_files["results"])
    rows[2][rows[0].index(column)] = value
    tmp_path.mkdir(parents=True, exist_ok=True)
    return write_csv(tmp_path / "results.csv", rows)


def spelt(number: float, decimal: str, thousands) -> str:
    """A number as a file in that locale writes it: 1234.5 -> '1.234,5' (decimal ',', thousands '.')."""
    text = f"{number:,}" if thousands else repr(number)
    return text.replace(",", "\0").replace(".", decimal).replace("\0", thousands or "")


def localised(source: Path, dest: Path, decimal: str, thousands, big: bool = False) -> Path:
    """A copy of a CSV table with every number cell spelt in a locale; ``big``: a results table whose unit on
    row 3 completed 1234.5% of its key projects (a number that needs a thousands separator)."""
    rows = csv_cells(source)
    if big:
        rows[2][rows[0].index("key_projects")] = "1234.5"
    for row in rows[1:]:
        for j, cell in enumerate(row):
            try:
                number = float(cell)
            except ValueError:
                continue
            row[j] = spelt(number, decimal, thousands)
    return write_csv(dest, rows)


@pytest.mark.parametrize("text", list(AMBIGUOUS))
def test_ambiguous_numbers_in_results_are_errors_naming_the_cell(tmp_path, district, district_files, text):
    results = district_results_with(tmp_path, district_files, text)
    with pytest.raises(DataError) as info:
        district.score(results, units=district_files["units"], events=district_files["events"])
    assert str(info.value) == (f"{results}: row 3: column 'key_projects': '{text}' is ambiguous: ',' may be "
                               f"{AMBIGUOUS[text]}; {HINT}")


@pytest.mark.parametrize("decimal, thousands", [(",", None), (".", ","), (",", "."), (",", None)])
def test_a_declared_number_format_reads_a_whole_file_in_that_locale(tmp_path, district, district_files, decimal,
                                                                    thousands):
    results = localised(district_files["results"], tmp_path / "results.csv", decimal, thousands, big=True)
    events = localised(district_files["events"], tmp_path / "events.csv", decimal, thousands)
    plain = localised(district_files["results"], tmp_path / "plain.csv", ".", None, big=True)
    if thousands:
        assert any(thousands in c for row in csv_cells(results)[1:] for c in row[1:])
    card = district.score(results, units=district_files["units"], events=events, decimal=decimal, thousands=thousands)
    same = district.score(plain, units=district_files["units"], events=district_files["events"])
    assert card.total.equals(same.total)
    with pytest.raises(DataError):  # and without the declaration, the file is refused rather than misread
        district.score(results, units=district_files["units"], events=events)


@pytest.mark.parametrize("text, options, reason", [
    ("12,34", {"thousands": ","}, "'12,34' is not a number with thousands separator ',' (groups of three digits "
                                  "before the decimal point, as in 1,234.5)"),
    ("1.5", {"decimal": ","}, "'1.5' has a '.' but the declared decimal separator is ','; declare thousands='.' "
                              "(--thousands .) if '.' groups thousands, or write the number with a decimal comma")])
def test_a_declared_format_refuses_numbers_it_does_not_explain(tmp_path, district, district_files, text, options,
                                                               reason):
    decimal = options.get("decimal", ".")
    results = localised(district_files["results"], tmp_path / "loc.csv", decimal, options.get("thousands"))
    rows = csv_cells(results)
    rows[2][rows[0].index("key_projects")] = text
    results = write_csv(tmp_path / "results.csv", rows)
    events = localised(district_files["events"], tmp_path / "events.csv", decimal, None)
    with pytest.raises(DataError) as info:
        district.score(results, units=district_files["units"], events=events, **options)
    assert str(info.value) == f"{results}: row 3: column 'key_projects': {reason}"


def test_ambiguous_numbers_in_events_and_xlsx_text_cells(tmp_path, district, district_files):
    events = csv_cells(district_files["events"])
    events[1][events[0].index("count")] = "1,5"
    path = write_csv(tmp_path / "events.csv", events)
    with pytest.raises(DataError) as info:
        district.score(district_files["results"], units=district_files["units"], events=path)
    assert str(info.value).startswith(f"{path}: row 2: column 'count': '1,5' is ambiguous: ',' may be a thousands "
                                      "separator (15) or a decimal comma (1.5); remove the thousands separator")
    frame = pd.read_csv(district_files["results"], dtype=str)  # text cells in the workbook
    frame.loc[0, "livelihood"] = "99,5"
    book = tmp_path / "results.xlsx"
    frame.to_excel(book, index=False)
    with pytest.raises(DataError) as info:
        district.score(book, units=district_files["units"], events=district_files["events"])
    assert str(info.value).startswith(f"{book}: row 2: column 'livelihood': '99,5' is ambiguous")


def test_xlsx_number_cells_are_not_read_with_the_declared_decimal_comma(tmp_path, district, district_files):
    frame = pd.read_csv(district_files["results"])
    frame["livelihood"] = frame["livelihood"].map(lambda v: spelt(v, ",", None))  # text cells: 99,5
    book = tmp_path / "results.xlsx"
    frame.to_excel(book, index=False)  # the other columns are number cells (104.1), which have no locale
    sheet = openpyxl.load_workbook(book).active
    assert sheet["H1"].value == "key_projects" and sheet["H2"].data_type == "n"
    assert sheet["I1"].value == "livelihood" and sheet["I2"].data_type == "s"
    events = localised(district_files["events"], tmp_path / "events.csv", ",", None)
    card = district.score(book, units=district_files["units"], events=events, decimal=",")
    base = district.score(district_files["results"], units=district_files["units"], events=district_files["events"])
    assert card.total.equals(base.total)


def test_cli_decimal_and_thousands_flags(capsys, tmp_path, district_files):
    results = localised(district_files["results"], tmp_path / "results.csv", ",", ".", big=True)
    events = localised(district_files["events"], tmp_path / "events.csv", ",", ".")
    argv = [str(a) for a in ["score", district_files["framework"], results, "--units", district_files["units"],
                             "--events", events]]
    assert cli.main(argv) == 2
    assert "is ambiguous: ',' may be" in capsys.readouterr().err
    assert cli.main(argv + ["--decimal", ",", "--thousands", "."]) == 0
    capsys.readouterr()
    assert cli.main(argv + ["--decimal", ".", "--thousands", "."]) == 2
    assert "--decimal and --thousands cannot both be '.'" in capsys.readouterr().err
    assert cli.main(["validate"] + argv[1:]) == 2
    assert "is ambiguous: ',' may be" in capsys.readouterr().err
    assert cli.main(["validate"] + argv[1:] + ["--decimal", ",", "--thousands", "."]) == 0


def test_framework_table_numbers_with_a_comma_are_errors(tmp_path):
    path = write_csv(tmp_path / "t.csv", [["level1", "id", "points", "rule"], ["A", "a", "1,5", "manual"]])
    with pytest.raises(kaohe.FrameworkError) as info:
        kaohe.Framework.from_table(path)
    assert str(info.value) == (f"{path}: row 2: column 'points': '1,5' is ambiguous: ',' may be a thousands "
                               "separator (15) or a decimal comma (1.5); write the number without separators, with "
                               "'.' as the decimal point")


# -- negative values a rule cannot take ---------------------------------------------------------------------
COMPLETION_HINT = ("if negative values are meaningful here, use a linear rule (zero_at, full_at), which is clamped "
                   "to 0 .. M")


@pytest.mark.parametrize("column, reason", [
    ("court_attended", "'court_attended' is -1, but the numerator of its ratio court_attended/court_required (a "
                       f"completion rate) cannot be negative ({COMPLETION_HINT})"),
    ("court_required", "'court_required' is -1, but the denominator of its ratio court_attended/court_required "
                       "cannot be negative (a ratio's denominator is a count or a total)"),
])
def test_negative_rate_inputs_are_errors_naming_unit_indicator_and_cell(tmp_path, district, district_files, column,
                                                                        reason):
    results = district_results_with(tmp_path, district_files, "-1", column)
    with pytest.raises(DataError) as info:
        district.score(results, units=district_files["units"], events=district_files["events"])
    assert str(info.value) == (f"{results}: row 3: column '{column}': unit 'drc', district/rule_of_law/court_rate: "
                               f"{reason}")


def test_a_negative_completion_value_is_an_error_and_the_cli_validate_reports_it(capsys, tmp_path, district,
                                                                                 district_files):
    results = district_results_with(tmp_path, district_files, "-85.2", "key_projects")
    with pytest.raises(DataError) as info:
        district.score(results, units=district_files["units"], events=district_files["events"])
    assert str(info.value) == (f"{results}: row 3: column 'key_projects': unit 'drc', district/key_tasks/key_projects: "
                               f"'key_projects' is -85.2, but the input of a completion rule cannot be negative "
                               f"({COMPLETION_HINT})")
    code = cli.main([str(a) for a in ["validate", district_files["framework"], results, "--units",
                                      district_files["units"], "--events", district_files["events"]]])
    assert code == 2
    assert "'key_projects' is -85.2, but the input of a completion rule cannot be negative" in capsys.readouterr().err


def test_rules_that_clamp_allow_negative_values_and_a_dataframe_cell_is_named(district, district_files):
    frame = pd.read_csv(district_files["results"], dtype={"unit": str})
    frame.loc[1, "recon_corrected"] = -1.0  # a linear rule's numerator: clamped to 0 .. M, allowed
    card = district.score(frame, units=district_files["units"], events=district_files["events"])
    assert (card.node_points.fillna(0) >= 0).all().all()
    frame.loc[1, "recon_closed"] = -2.0  # its denominator: never
    with pytest.raises(DataError) as info:
        district.score(frame, units=district_files["units"], events=district_files["events"])
    assert str(info.value) == ("results DataFrame (row label 1): column 'recon_closed': unit 'drc', "
                               "district/rule_of_law/recon_correction: 'recon_closed' is -2, but the denominator of "
                               "its ratio recon_corrected/recon_closed cannot be negative (a ratio's denominator is a "
                               "count or a total)")


def test_a_negative_value_where_the_indicator_does_not_apply_is_not_checked():
    fw = kaohe.Framework.from_dict({"kaohe": 1, "categories": [{"id": "a"}, {"id": "b"}], "root": {"id": "root",
                                    "children": [{"id": "x", "applies_to": ["a"],
                                                  "rule": {"type": "completion", "target": 100}},
                                                 {"id": "y", "rule": {"type": "manual"}}]}})
    units = pd.DataFrame({"id": ["u1", "u2"], "name": ["u1", "u2"], "category": ["a", "b"]})
    events = pd.DataFrame({"unit": ["u1", "u2"], "type": ["manual"] * 2, "target": ["y"] * 2, "value": [1, 1],
                           "note": ["ok", "ok"]})
    fw.score(pd.DataFrame({"unit": ["u1", "u2"], "x": [50.0, -5.0]}), units=units, events=events)
    with pytest.raises(DataError, match=r"unit 'u1', root/x: 'x' is -5, but the input of a completion rule"):
        fw.score(pd.DataFrame({"unit": ["u1", "u2"], "x": [-5.0, 50.0]}), units=units, events=events)


# -- NaN or inf never reaches a published total ------------------------------------------------------------
def test_an_infinite_leaf_is_an_error_naming_the_unit_and_the_node(tmp_path, capsys):
    fw = {"kaohe": 1, "root": {"id": "root", "children": [
        {"id": "g", "name": "g", "children": [
            {"id": "x", "name": "x", "rule": {"type": "completion", "target": 1e-300, "cap": False}}]},
        {"id": "y", "name": "y", "rule": {"type": "completion", "target": 100}}]}}
    results = write_csv(tmp_path / "results.csv", [["unit", "x", "y"], ["u1", "5", "50"], ["u2", "1e10", "50"]])
    with pytest.raises(DataError) as info:
        kaohe.Framework.from_dict(fw).score(results)
    assert str(info.value) == (f"{results}: unit 'u2', root/g/x: the points are inf, not a finite number, so the "
                               "total (inf) cannot be published; check the rule's parameters (a target or range near "
                               "0, cap false) and the unit's values")
    path = tmp_path / "fw.json"
    path.write_text(json.dumps(fw), encoding="utf-8")
    assert cli.main(["score", str(path), str(results)]) == 2
    assert "unit 'u2', root/g/x: the points are inf" in capsys.readouterr().err


def test_a_total_that_overflows_is_an_error_naming_the_unit():
    fw = kaohe.Framework.from_dict({"kaohe": 1, "root": {"id": "root", "children": [
        {"id": n, "name": n, "points": 50, "rule": {"type": "completion", "target": 1e-300, "cap": False}}
        for n in ("x", "y")]}})  # each leaf 50 x 2e6 / 1e-300 = 1e308 points, finite; their sum is not
    with pytest.raises(DataError, match=r"unit 'u1', root: the points are inf, not a finite number, so the total "
                                        r"\(inf\) cannot be published"):
        fw.score(pd.DataFrame({"unit": ["u1", "u2"], "x": [2e6, 1.0], "y": [2e6, 1.0]}))
