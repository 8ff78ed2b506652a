"""Bad inputs raise FrameworkError or DataError (both ValueError) whose message names the file (or the
DataFrame), the row/column or framework path, and the reason."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, List

import numpy as np
import pandas as pd
import pytest

import kaohe
from kaohe.errors import DataError, FrameworkError, InputError
from kaohe.tables import write_table
from conftest import read_rows, rows_text


@dataclass
class Env:
    """What a bad-input case needs: the district example and a scratch folder."""

    fw: kaohe.Framework
    files: Dict[str, Path]
    tmp: Path

    def edit(self, name: str, edit: Callable[[List[List[str]]], None], filename: str = "") -> Path:
        """A copy of a district CSV (units/results/events) edited by ``edit(rows)``; rows[0] is the header."""
        rows = read_rows(self.files[name])
        edit(rows)
        path = self.tmp / (filename or f"{name}.csv")
        path.write_text(rows_text(rows), encoding="utf-8")
        return path

    def write(self, name: str, text: str) -> Path:
        path = self.tmp / name
        path.write_text(text, encoding="utf-8")
        return path

    def score(self, results=None, units=None, events=None, **kwargs) -> kaohe.ScoreCard:
        return self.fw.score(results if results is not None else self.files["results"],
                             units=units if units is not None else self.files["units"],
                             events=events if events is not None else self.files["events"], **kwargs)

    def framework_file(self, edit: Callable[[dict], None], name: str = "framework.json") -> Path:
        doc = json.loads(self.files["framework"].read_text(encoding="utf-8"))
        edit(doc)
        return self.write(name, json.dumps(doc, ensure_ascii=False, indent=1))

    def table(self, edit: Callable[[List[List[str]]], None] = lambda rows: None, name: str = "t.csv") -> Path:
        rows = [list(r) for r in TABLE]
        edit(rows)
        return self.write(name, rows_text(rows))


TABLE = [["level1", "level2", "id", "points", "rule", "params"],
         ["甲组", "指标一", "x1", "40", "completion", '{"target": 100}'],
         ["甲组", "指标二", "x2", "20", "manual", ""],
         ["乙组", "指标三", "x3", "40", "linear", '{"zero_at": 0, "full_at": 100}']]


def cell(rows: List[List[str]], row: int, column: str, value: str) -> None:
    """Set the cell at file row ``row`` (the header is row 1) and ``column``."""
    rows[row - 1][rows[0].index(column)] = value


def rename(rows: List[List[str]], old: str, new: str) -> None:
    rows[0][rows[0].index(old)] = new


def add_column(rows: List[List[str]], name: str, value: str = "") -> None:
    rows[0].append(name)
    for row in rows[1:]:
        row.append(value)


def _bad_sheet_table(env: Env) -> None:
    path = env.tmp / "t.xlsx"
    write_table(kaohe.Framework.from_table(env.table()).to_table(), path)
    kaohe.Framework.from_table(path, sheet="Sheet9")


def _bad_meta_sheet(env: Env, value: str) -> None:
    path = env.tmp / "t.xlsx"
    table = kaohe.Framework.from_table(env.table()).to_table()
    write_table(table, path)
    import openpyxl

    book = openpyxl.load_workbook(path)
    sheet = book["meta"]
    keys = [c.value for c in sheet["A"]]
    sheet.cell(row=keys.index("grading") + 1, column=2, value=value)
    book.save(path)
    kaohe.Framework.load(path)


def _long_results(env: Env) -> None:
    path = env.write("long.csv", "unit,item,value\ndrc,key_projects,90\ndrc,key_projects,91\n")
    env.score(results=path)


def _dataframe_inf(env: Env) -> None:
    frame = pd.read_csv(env.files["results"])
    frame.loc[2, "key_projects"] = np.inf
    env.score(results=frame)


def _dataframe_table(env: Env) -> None:
    frame = pd.DataFrame(TABLE[1:], columns=TABLE[0])
    frame.loc[1, "rule"] = "maunal"
    kaohe.Framework.from_table(frame)


def _results_sheet(env: Env, sheet) -> None:
    path = env.tmp / "results.xlsx"
    pd.read_csv(env.files["results"]).to_excel(path, sheet_name="成绩", index=False)
    kaohe.read_table(path, sheet=sheet)


C = pytest.param
CASES = [
    # -- results ------------------------------------------------------------------------------------------
    C(DataError, lambda e: e.score(results=e.edit("results", lambda r: rename(r, "unit", "单位"))),
      ["results.csv", "the results table needs column(s) unit", "单位"], id="results-without-unit-column"),
    C(DataError, lambda e: e.score(results=e.edit("results", lambda r: cell(r, 4, "unit", "nobody"))),
      ["results.csv: row 4: column 'unit'", "unknown unit 'nobody'"], id="results-unknown-unit"),
    C(DataError, lambda e: e.score(results=e.edit("results", lambda r: cell(r, 4, "unit", "drc"))),
      ["results.csv: row 4: column 'unit'", "unit 'drc' has two rows"], id="results-duplicate-unit"),
    C(DataError, lambda e: e.score(results=e.edit("results", lambda r: cell(r, 3, "key_projects", "nan"))),
      ["results.csv: row 3: column 'key_projects'", "'nan' is not a number", "leave the cell empty"],
      id="results-nan-text"),
    C(DataError, lambda e: e.score(results=e.edit("results", lambda r: cell(r, 5, "livelihood", "NaN"))),
      ["results.csv: row 5: column 'livelihood'", "'NaN' is not a number"], id="results-NaN-text"),
    C(DataError, lambda e: e.score(results=e.edit("results", lambda r: cell(r, 6, "org_building", "inf"))),
      ["results.csv: row 6: column 'org_building'", "'inf' is not a number"], id="results-inf-text"),
    C(DataError, lambda e: e.score(results=e.edit("results", lambda r: cell(r, 7, "peer_score", "-Infinity"))),
      ["results.csv: row 7: column 'peer_score'", "'-Infinity' is not a number"], id="results-minus-infinity"),
    C(DataError, lambda e: e.score(results=e.edit("results", lambda r: cell(r, 8, "key_projects", "#DIV/0!"))),
      ["results.csv: row 8: column 'key_projects'", "'#DIV/0!' is not a number"], id="results-excel-error"),
    C(DataError, lambda e: e.score(results=e.edit("results", lambda r: cell(r, 3, "budget_execution", "86.8%"))),
      ["results.csv: row 3: column 'budget_execution'", "'86.8%' is a percentage", "(86.8)"],
      id="results-percent"),
    C(DataError, lambda e: e.score(results=e.edit("results", lambda r: cell(r, 2, "key_projects", "1e999"))),
      ["results.csv: row 2: column 'key_projects'", "'1e999' is too large to be a number"], id="results-overflow"),
    C(DataError, _dataframe_inf,
      ["results DataFrame (row label 2): column 'key_projects'", "value is infinite"], id="results-dataframe-inf"),
    C(DataError, lambda e: e.score(results=e.edit("results", lambda r: cell(r, 3, "key_projects", "很好"))),
      ["unit 'drc'", "district/key_tasks/key_projects", "text answer '很好' where a number is needed"],
      id="results-text-in-numeric-indicator"),
    C(DataError, lambda e: e.score(results=e.edit("results", lambda r: r[3].append("1"))),
      ["results.csv: row 4", "has 24 cells but the header has 23"], id="results-ragged-row"),
    C(DataError, lambda e: e.score(results=e.edit("results", lambda r: add_column(r, "extra", "1"))),
      ["data item 'extra'", "results.csv", "not read by any indicator"], id="results-unused-column"),
    C(DataError, lambda e: e.score(results=e.edit("results", lambda r: add_column(r, "", ""))),
      ["results.csv: row 1", "column 24 has no name"], id="results-blank-header"),
    C(DataError, lambda e: e.score(results=e.edit("results", lambda r: rename(r, "court_required", "court_attended"))),
      ["results.csv: row 1", "column 'court_attended' appears twice (columns 2 and 3)"], id="results-duplicate-header"),
    C(DataError, _long_results,
      ["long.csv: row 3: column 'item'", "unit 'drc' has two values for 'key_projects'"], id="long-results-duplicate"),
    C(DataError, lambda e: e.score(results=e.write("results.csv", "")),
      ["results.csv", "the file is empty"], id="results-empty-file"),
    C(DataError, lambda e: e.score(results=e.write("results.csv", "\n \n")),
      ["results.csv", "the file is empty"], id="results-blank-lines-only"),
    C(DataError, lambda e: e.score(results=e.tmp / "nope.csv"),
      ["nope.csv", "no such file"], id="results-missing-file"),
    C(DataError, lambda e: e.score(results=e.write("results.parquet", "x")),
      ["results.parquet", "unsupported table format '.parquet'"], id="results-unsupported-extension"),
    C(DataError, lambda e: _results_sheet(e, "results"),
      ["results.xlsx", "no sheet named 'results' (sheets: 成绩)"], id="results-wrong-sheet-name"),
    C(DataError, lambda e: _results_sheet(e, 3),
      ["results.xlsx", "no sheet number 3 (the workbook has 1)"], id="results-wrong-sheet-number"),
    C(DataError, lambda e: kaohe.read_table(e.files["results"], encoding="klingon"),
      ["results.csv", "unknown encoding 'klingon'"], id="unknown-encoding-name"),
    # -- units --------------------------------------------------------------------------------------------
    C(DataError, lambda e: e.score(units=e.edit("units", lambda r: rename(r, "id", "code"))),
      ["units.csv", "the units table needs column(s) id", "code"], id="units-without-id-column"),
    C(DataError, lambda e: e.score(units=e.edit("units", lambda r: cell(r, 4, "id", "drc"))),
      ["units.csv: row 4: column 'id'", "unit 'drc' is listed twice"], id="units-duplicate"),
    C(DataError, lambda e: e.score(units=e.edit("units", lambda r: cell(r, 3, "id", ""))),
      ["units.csv: row 3: column 'id'", "unit id is empty"], id="units-empty-id"),
    C(DataError, lambda e: e.score(units=e.edit("units", lambda r: cell(r, 2, "in_pool", "maybe"))),
      ["units.csv: row 2: column 'in_pool'", "'maybe' is not true/false"], id="units-bad-in-pool"),
    C(DataError, lambda e: e.score(units=e.edit("units", lambda r: add_column(r, "region", "x"))),
      ["units.csv", "unknown column(s) region", "allowed: id, name, category, in_pool"], id="units-unknown-column"),
    C(DataError, lambda e: e.score(units=e.write("units.csv", "id,name,category\n")),
      ["units.csv", "the units table has no units"], id="units-header-only"),
    C(DataError, lambda e: e.score(units=e.edit("units", lambda r: cell(r, 2, "category", "agency"))),
      ["unit 'gov_office'", "unknown category 'agency'", "'dept', 'town'"], id="units-unknown-category"),
    C(FrameworkError, lambda e: e.fw.score(e.files["results"]),
      ["framework.json", "this framework has unit categories, so score() needs a units table"],
      id="units-table-missing-with-categories"),
    # -- events -------------------------------------------------------------------------------------------
    C(DataError, lambda e: e.score(events=e.edit("events", lambda r: cell(r, 2, "type", "bonuss"))),
      ["events.csv: row 2: column 'type'", "unknown event type 'bonuss'", "known: deduction, bonus"],
      id="events-unknown-type"),
    C(DataError, lambda e: e.score(events=e.edit("events", lambda r: cell(r, 3, "unit", "ghost"))),
      ["events.csv: row 3: column 'unit'", "unknown unit 'ghost'"], id="events-unknown-unit"),
    C(DataError, lambda e: e.score(events=e.edit("events", lambda r: rename(r, "note", "notes"))),
      ["events.csv", "unknown column(s) notes"], id="events-unknown-column"),
    C(DataError, lambda e: e.score(events=e.edit("events", lambda r: cell(r, 2, "count", "two"))),
      ["events.csv: row 2: column 'count'", "'two' is not a number"], id="events-count-not-a-number"),
    C(DataError, lambda e: e.score(events=e.edit("events", lambda r: cell(r, 2, "target", "no_such_leaf"))),
      ["events.csv: row 2", "deduction event for unit 'drc' on 'no_such_leaf'", "no indicator, adjustment or veto"],
      id="events-unknown-target"),
    C(DataError, lambda e: e.score(events=e.edit("events", lambda r: cell(r, 468, "note", ""))),
      ["events.csv: row 468", "manual event for unit 'gov_office' on 'integrity'", "a note giving the reason"],
      id="events-manual-without-note"),
    # -- framework files ----------------------------------------------------------------------------------
    C(FrameworkError, lambda e: kaohe.Framework.load(e.write("bad.json", '{"kaohe": 1,\n "id": "x",\n "root": {]}')),
      ["bad.json", "line 3, column", "invalid JSON"], id="framework-bad-json"),
    C(FrameworkError, lambda e: kaohe.Framework.load(e.write("bad.yaml", "kaohe: 1\nroot: [a, b\nid: x\n")),
      ["bad.yaml", "line 3", "invalid YAML"], id="framework-bad-yaml"),
    C(FrameworkError, lambda e: kaohe.Framework.load(e.write("list.yaml", "- a\n- b\n")),
      ["list.yaml", "the YAML document must be a mapping"], id="framework-yaml-not-a-mapping"),
    C(FrameworkError, lambda e: kaohe.Framework.load(e.framework_file(
        lambda d: d["root"]["children"][1]["children"][0]["rule"].update(type="completness"))),
      ["framework.json", "$.root.children[1].children[0].rule.type", "unknown rule type 'completness'"],
      id="framework-unknown-rule"),
    C(FrameworkError, lambda e: kaohe.Framework.load(e.framework_file(
        lambda d: d["root"]["children"][1]["children"][0]["rule"].update(targett=100))),
      ["framework.json", "$.root.children[1].children[0].rule.targett", "unknown key 'targett'"],
      id="framework-unknown-rule-parameter"),
    C(FrameworkError, lambda e: kaohe.Framework.load(e.framework_file(
        lambda d: d["root"]["children"][0]["children"][0].update(points=4))),
      ["framework.json", "district/rule_of_law", "children's points add up to 12 but the node has 11 points"],
      id="framework-points-do-not-add-up"),
    C(FrameworkError, lambda e: kaohe.Framework.load(e.framework_file(
        lambda d: d["root"]["children"][1]["weight_by_category"]["town"].update(points=39))),
      ["framework.json", "district:", "add up to 101 but the node has 100 points (category 'town')"],
      id="framework-category-points-do-not-add-up"),
    C(FrameworkError, lambda e: kaohe.Framework.load(e.framework_file(lambda d: d.update(colour="red"))),
      ["framework.json", "$.colour", "unknown key 'colour'"], id="framework-unknown-top-level-key"),
    C(FrameworkError, lambda e: kaohe.Framework.load(e.write("framework.txt", "{}")),
      ["framework.txt", "unsupported framework format '.txt'"], id="framework-unsupported-extension"),
    C(FrameworkError, lambda e: kaohe.Framework.load(e.tmp / "nope.json"),
      ["nope.json", "cannot read the file"], id="framework-missing-file"),
    # -- flat indicator tables ----------------------------------------------------------------------------
    C(FrameworkError, lambda e: kaohe.Framework.load(e.table(lambda r: cell(r, 3, "params", "{target: "))),
      ["t.csv: row 3: column 'params'", "not a valid JSON object"], id="table-bad-json-params"),
    C(FrameworkError, lambda e: kaohe.Framework.load(e.table(lambda r: cell(r, 2, "params", '{"target": NaN}'))),
      ["t.csv: row 2: column 'params'", "NaN is not a number"], id="table-nan-in-params"),
    C(FrameworkError, lambda e: kaohe.Framework.load(e.table(lambda r: cell(r, 2, "params", "[100]"))),
      ["t.csv: row 2: column 'params'", "must be a JSON object"], id="table-params-not-an-object"),
    C(FrameworkError, lambda e: kaohe.Framework.load(e.table(lambda r: cell(r, 2, "rule", "completness"))),
      ["t.csv: row 2: column 'rule'", "unknown rule type 'completness'"], id="table-unknown-rule"),
    C(FrameworkError, lambda e: kaohe.Framework.load(e.table(lambda r: cell(r, 3, "rule", ""))),
      ["t.csv: row 3: column 'rule'", "every indicator needs a rule type"], id="table-missing-rule"),
    C(FrameworkError, lambda e: kaohe.Framework.load(e.table(lambda r: cell(r, 4, "points", "四十"))),
      ["t.csv: row 4: column 'points'", "'四十' is not a number"], id="table-points-not-a-number"),
    C(FrameworkError, lambda e: kaohe.Framework.load(e.table(lambda r: cell(r, 4, "points", "40%"))),
      ["t.csv: row 4: column 'points'", "'40%' is a percentage"], id="table-points-percent"),
    C(FrameworkError, lambda e: kaohe.Framework.load(e.table(lambda r: cell(r, 4, "points", "-40"))),
      ["t.csv: row 4: column 'points'", "root/g2/x3", "negative weight"], id="table-negative-points"),
    C(FrameworkError, lambda e: kaohe.Framework.load(e.table(lambda r: cell(r, 4, "points", "41"))),
      ["t.csv", "root:", "children's points add up to 101 but the node has 100 points"],
      id="table-points-do-not-add-up-to-total"),
    C(FrameworkError, lambda e: kaohe.Framework.from_table(e.table(lambda r: (add_column(r, "level1_points"),
                                                                             cell(r, 2, "level1_points", "50"))),
                                                           total=90),
      ["t.csv: row 2: column 'level1_points'", "root/g1", "children's points add up to 60 but the node has 50"],
      id="table-group-points-do-not-add-up"),
    C(FrameworkError, lambda e: kaohe.Framework.load(e.table(lambda r: (
        add_column(r, "level1_points"), cell(r, 2, "level1_points", "60"), cell(r, 3, "level1_points", "61")))),
      ["t.csv: row 3: column 'level1_points'", "'61' contradicts '60' on row 2 for the same group '甲组'"],
      id="table-group-points-contradict"),
    C(FrameworkError, lambda e: kaohe.Framework.load(e.table(lambda r: (add_column(r, "level1_points"),
                                                                       cell(r, 4, "level1_points", "40"),
                                                                       cell(r, 4, "level2", "")))),
      ["t.csv: row 4: column 'level1_points'", "'乙组' is a level-1 indicator, not a group"],
      id="table-group-column-on-a-leaf"),
    C(FrameworkError, lambda e: kaohe.Framework.load(e.table(lambda r: r.append(["甲组", "", "x4", "0", "manual", ""]))),
      ["t.csv: row 5: column 'level1'", "'甲组' is a group on row 2", "cannot be both"],
      id="table-leaf-that-is-also-a-group"),
    C(FrameworkError, lambda e: kaohe.Framework.load(e.table(lambda r: cell(r, 3, "level1", ""))),
      ["t.csv: row 3: column 'level1'", "blank, but level2 names an indicator below it"], id="table-level-gap"),
    C(FrameworkError, lambda e: kaohe.Framework.load(e.table(lambda r: rename(r, "level1", "category"))),
      ["t.csv: row 1: column 'category'", "unknown column 'category'"], id="table-unknown-column"),
    C(FrameworkError, lambda e: kaohe.Framework.load(e.table(lambda r: (rename(r, "level1", "level2x"),
                                                                       rename(r, "level2", "level1x")))),
      ["t.csv: row 1: column 'level2x'", "unknown column 'level2x'"], id="table-misspelt-level-column"),
    C(FrameworkError, lambda e: kaohe.Framework.load(e.table(lambda r: rename(r, "level1", "一级指标x"))),
      ["t.csv: row 1: column '一级指标x'", "unknown column"], id="table-misspelt-chinese-column"),
    C(FrameworkError, lambda e: kaohe.Framework.load(e.table(lambda r: rename(r, "level1", "level3"))),
      ["t.csv: row 1", "needs a level1 column"], id="table-without-level1"),
    C(FrameworkError, lambda e: kaohe.Framework.load(e.table(lambda r: rename(r, "points", "分值") or add_column(r, "points"))),
      ["t.csv: row 1: column 'points'", "columns '分值' and 'points' both mean 'points'"], id="table-duplicate-alias"),
    C(FrameworkError, lambda e: kaohe.Framework.load(e.table(lambda r: cell(r, 3, "id", "x1"))),
      ["t.csv: row 3: column 'id'", "node id 'x1' is used twice"], id="table-duplicate-id"),
    C(FrameworkError, lambda e: kaohe.Framework.from_table(
        e.table(lambda r: (add_column(r, "applies_to"), cell(r, 2, "applies_to", "dept、city"))),
        categories={"dept": "部门", "town": "镇街"}),
      ["t.csv: row 2: column 'applies_to'", "root/g1/x1", "applies_to names unknown category 'city'"],
      id="table-unknown-category"),
    C(FrameworkError, lambda e: kaohe.Framework.load(e.table(lambda r: cell(r, 2, "params", '{"target": 100, "targett": 2}'))),
      ["t.csv: row 2: column 'params'", "root/g1/x1", "unknown key 'targett'"], id="table-unknown-rule-parameter"),
    C(FrameworkError, lambda e: kaohe.Framework.load(e.table(lambda r: cell(r, 2, "params", '{"target": "高"}'))),
      ["t.csv: row 2: column 'params'", "root/g1/x1", "expected a number or a cohort statistic"],
      id="table-parameter-of-wrong-type"),
    C(FrameworkError, lambda e: kaohe.Framework.load(e.table(lambda r: (add_column(r, "direction"),
                                                                       cell(r, 4, "direction", "up")))),
      ["t.csv: row 4: column 'direction'", "'up' is not a direction"], id="table-bad-direction"),
    C(FrameworkError, lambda e: kaohe.Framework.load(e.table(lambda r: (add_column(r, "input"),
                                                                       cell(r, 2, "input", "a/b*x")))),
      ["t.csv: row 2: column 'input'", "'x' in 'a/b*x' is not a scale factor"], id="table-bad-ratio-input"),
    C(FrameworkError, lambda e: kaohe.Framework.load(e.table(lambda r: (add_column(r, "missing"),
                                                                       cell(r, 3, "missing", "skip")))),
      ["t.csv: row 3: column 'missing'", "'skip' is not one of: error, zero, mean, exclude"], id="table-bad-missing"),
    C(FrameworkError, lambda e: kaohe.Framework.load(e.table(lambda r: (add_column(r, "weight"),
                                                                       cell(r, 3, "weight", "1")))),
      ["t.csv: row 3: column 'weight'", "the weight is stated twice (points and weight)"], id="table-two-weights"),
    C(FrameworkError, lambda e: kaohe.Framework.load(e.table(lambda r: del_rows(r))),
      ["t.csv", "the table has a header but no indicator rows"], id="table-header-only"),
    C(FrameworkError, lambda e: kaohe.Framework.load(e.write("t.csv", "")),
      ["t.csv", "the file is empty"], id="table-empty-file"),
    C(FrameworkError, lambda e: kaohe.Framework.from_table(e.table(), colour="red"),
      ["t.csv", "unknown top-level key 'colour'"], id="table-unknown-meta-key"),
    C(FrameworkError, lambda e: kaohe.Framework.from_table(e.table(), total=0),
      ["t.csv", "$.total", "total points must be a finite number > 0, got 0"], id="table-bad-total"),
    C(FrameworkError, _bad_sheet_table, ["t.xlsx", "no sheet named 'Sheet9' (sheets: indicators, meta)"],
      id="table-wrong-sheet-name"),
    C(FrameworkError, lambda e: _bad_meta_sheet(e, '{"bands": ['),
      ["t.xlsx (sheet 'meta'): row", "column 'value'", "the value of 'grading' is not valid JSON"],
      id="table-meta-sheet-bad-json"),
    C(FrameworkError, lambda e: _bad_meta_sheet(e, '{"bands": [{"id": "a", "min": "九十"}]}'),
      ["t.xlsx (sheet 'meta'): row", "column 'value'", "$.grading.bands[0].min", "expected a number"],
      id="table-meta-sheet-bad-grading"),
    C(FrameworkError, _dataframe_table, ["DataFrame: row 3: column 'rule'", "unknown rule type 'maunal'"],
      id="table-dataframe-unknown-rule"),
    # -- the root's own columns (root_<key>) ----------------------------------------------------------------
    C(FrameworkError, lambda e: kaohe.Framework.load(e.table(lambda r: (add_column(r, "root_aggregation"),
                                                                       cell(r, 3, "root_aggregation", "mean")))),
      ["t.csv: row 3: column 'root_aggregation'", "'mean' is not one of: arithmetic, geometric"],
      id="table-root-bad-aggregation"),
    C(FrameworkError, lambda e: kaohe.Framework.load(e.table(lambda r: (add_column(r, "root_aggregation", "geometric"),
                                                                       cell(r, 4, "root_aggregation", "arithmetic")))),
      ["t.csv: row 4: column 'root_aggregation'", "'arithmetic' contradicts 'geometric' on row 2",
       "the root has one aggregation"], id="table-root-rows-contradict"),
    C(FrameworkError, lambda e: kaohe.Framework.from_table(e.table(lambda r: (add_column(r, "root_id"),
                                                                             cell(r, 3, "root_id", "总"))),
                                                           root={"id": "root2"}),
      ["t.csv: row 3: column 'root_id'", "'总' contradicts the meta key root.id, which says 'root2'"],
      id="table-root-column-contradicts-meta"),
    C(FrameworkError, lambda e: kaohe.Framework.load(e.table(lambda r: (add_column(r, "root_applies_to"),
                                                                       cell(r, 2, "root_applies_to", "dept")))),
      ["t.csv: row 2: column 'root_applies_to'", "applies_to names unknown category 'dept'"],
      id="table-root-engine-error-at-its-cell"),
    C(FrameworkError, lambda e: kaohe.Framework.load(e.table(lambda r: add_column(r, "root_points", "100"))),
      ["t.csv: row 1: column 'root_points'", "unknown column 'root_points'", "root_<key>"],
      id="table-root-unknown-column"),
    C(FrameworkError, lambda e: write_table(kaohe.Framework.load(e.files["framework"]).to_table(), e.tmp / "d.csv"),
      ["d.csv", "a CSV file cannot hold the framework's id, name, categories, adjustments, vetoes, grading, "
                "rounding (only a workbook's 'meta' sheet can)", "allow_loss=True"], id="table-csv-would-lose-keys"),
]


def del_rows(rows: List[List[str]]) -> None:
    del rows[1:]


@pytest.fixture
def env(district, district_files, tmp_path) -> Env:
    return Env(district, district_files, tmp_path)


def test_there_are_at_least_30_distinct_cases():
    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids)) >= 30


@pytest.mark.parametrize("cls,act,fragments", CASES)
def test_bad_input(cls, act, fragments, env):
    with pytest.raises(cls) as info:
        act(env)
    exc = info.value
    assert isinstance(exc, ValueError) and isinstance(exc, InputError)
    message = str(exc)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    assert exc.reason and exc.reason in message


def test_missing_values_with_missing_error_lists_every_unit_and_indicator(env):
    def blank(rows):
        cell(rows, 3, "key_projects", "")     # drc
        cell(rows, 5, "key_projects", "")     # industry
        cell(rows, 4, "livelihood", "")       # education
        cell(rows, 6, "theory_sessions", "")  # the fifth unit
    rows = read_rows(env.files["results"])
    fifth = rows[5][0]
    with pytest.raises(DataError) as info:
        env.score(results=env.edit("results", blank))
    problems = info.value.problems
    expected = {("drc", "district/key_tasks/key_projects", "key_projects"),
                ("industry", "district/key_tasks/key_projects", "key_projects"),
                ("education", "district/key_tasks/livelihood", "livelihood"),
                (fifth, "district/party_building/theory_study", "theory_sessions")}
    assert len(problems) == len(expected)
    for unit, path, item in expected:
        line = f"unit '{unit}', {path}: missing (no value for '{item}')"
        assert line in problems
        assert line in str(info.value)
    # with "missing": "zero" the same data score, with 0 for those leaves
    doc = env.fw.to_dict()
    for group in doc["root"]["children"]:
        for leaf in group["children"]:
            if leaf["id"] in ("key_projects", "livelihood", "theory_study"):
                leaf["missing"] = "zero"
    card = kaohe.Framework.from_dict(doc).score(env.edit("results", blank, "r2.csv"), units=env.files["units"],
                                                events=env.files["events"])
    assert card.points.loc["drc", "key_projects"] == 0.0 and card.points.loc["education", "livelihood"] == 0.0


def test_errors_carry_their_location_as_attributes(env):
    with pytest.raises(DataError) as info:
        env.score(results=env.edit("results", lambda r: cell(r, 3, "key_projects", "nan")))
    exc = info.value
    assert exc.file.endswith("results.csv") and exc.row == 3 and exc.column == "key_projects"
    assert exc.reason.startswith("'nan' is not a number")
    with pytest.raises(FrameworkError) as info:
        kaohe.Framework.load(env.table(lambda r: cell(r, 3, "params", "{bad")))
    exc = info.value
    assert exc.file.endswith("t.csv") and exc.row == 3 and exc.column == "params"
    with pytest.raises(FrameworkError) as info:
        kaohe.Framework.load(env.table(lambda r: cell(r, 3, "id", "x1")))
    assert (info.value.row, info.value.column, info.value.path) == (3, "id", "root/g1/x1")


def test_chinese_headers_are_named_as_written(env):
    def chinese(rows):
        for old, new in (("level1", "一级指标"), ("level2", "二级指标"), ("points", "分值"), ("params", "参数")):
            rename(rows, old, new)
        cell(rows, 3, "参数", "{oops")
    with pytest.raises(FrameworkError, match=r"t\.csv: row 3: column '参数': not a valid JSON object"):
        kaohe.Framework.load(env.table(chinese))


# Found by tests/fuzz/python (fuzz_table, fuzz_data; docs/fuzzing.md): a lone CR in a CSV file made the csv
# module raise csv.Error, which escaped read_table as a traceback instead of a DataError.
def test_a_lone_cr_ends_a_csv_record_as_in_the_cpp_reader(tmp_path):
    path = tmp_path / "units.csv"
    path.write_bytes(b"id,name,category\rfin,\xe8\xb4\xa2\xe6\x94\xbf\xe5\xb1\x80,dept\r\ntax,x,dept\n")
    units = kaohe.data.to_units(str(path))
    assert units.ids == ["fin", "tax"]
    # The fuzzer's input: a CR inside a unit's row splits it, so the row is short, and the error says so.
    path.write_bytes(b"id,name,category,in_pool\ngov_office,\xe5\x8c\xba\r,dept,true\n")
    with pytest.raises(DataError, match=r"units\.csv: row 2: has 2 cells but the header has 4"):
        kaohe.data.to_units(str(path))


def test_a_cell_over_the_cell_limit_is_a_data_error_naming_the_row_and_the_limit(tmp_path):
    path = tmp_path / "units.csv"
    path.write_text('id,name\na,"' + "x" * 200_000 + '"\n', encoding="utf-8")
    with pytest.raises(DataError, match=r"units\.csv: row 2: a cell has 200,000 characters, over the limit of "
                                        r"100,000 \(kaohe\.limits\.max_cell_chars\)"):
        kaohe.data.to_units(str(path))
    # Raised past the csv module's own 128 KiB field limit, the same file reads.
    with kaohe.limits.override(max_cell_chars=300_000):
        assert kaohe.data.to_units(str(path)).names[0] == "x" * 200_000
    # A quoted cell spanning lines is measured by the csv reader itself.
    path.write_text('id,name\na,"' + ("x" * 50_000 + "\n") * 3 + '"\n', encoding="utf-8")
    with pytest.raises(DataError, match=r"units\.csv: row \d+: a cell has more than 100,000 characters"):
        kaohe.data.to_units(str(path))
