#!/usr/bin/env python3
"""Writes docs/errors.md: the catalogue of kaohe's errors, each one triggered for real when the page is generated
(on the shipped district example and small inline frameworks), so every message shown is the current message
(tests/python/test_docs.py checks that the page is up to date).

    python3 docs/make_errors.py          # rewrite the page
    python3 docs/make_errors.py --check  # exit 1 if the page is stale

Inputs are written into a temporary folder and shown as ``data/...``; the command runs there, so the page has no
machine-specific paths. An expected error that does not happen is shown as a "known gap" and reported when the
script runs.
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

import numpy as np
import pandas as pd

import kaohe
import kaohe.cli
import kaohe.errors
from kaohe.tables import write_table

ROOT = Path(__file__).resolve().parents[1]
DISTRICT = ROOT / "examples" / "district-2019"
PAGE = ROOT / "docs" / "errors.md"

LINEAR = {"type": "linear", "zero_at": 0, "full_at": 100}


def leaf(node_id: str, points: float, **extra: Any) -> Dict[str, Any]:
    return {"id": node_id, "points": points, "rule": dict(LINEAR), **extra}


def small(*children: Dict[str, Any], **root: Any) -> Dict[str, Any]:
    """A one-level framework: root ``r`` with the given leaves."""
    return {"kaohe": 1, "id": "t", "root": {"id": "r", **root, "children": list(children)}}


def frame(columns: Dict[str, List[float]]) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    return pd.DataFrame(columns, index=pd.Index([f"u{i + 1}" for i in range(n)], name="unit"))


def kind(exc: BaseException) -> str:
    cls = type(exc)
    if cls.__module__ == "kaohe.errors":
        return f"kaohe.{cls.__name__}"
    return cls.__name__ if cls.__module__ == "builtins" else f"{cls.__module__}.{cls.__name__}"


class Catalogue:
    """The page being written, and a scratch folder whose ``data/`` holds the inputs of every example."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.data = tmp / "data"
        self.data.mkdir()
        for name in ("framework.json", "results.csv", "units.csv", "events.csv"):
            shutil.copyfile(DISTRICT / name, self.data / name)
        self.lines: List[str] = []
        self.gaps: List[str] = []
        self.district = kaohe.Framework.load(self.data / "framework.json")
        self.card = self.score()

    # -- inputs ----------------------------------------------------------------------------------------------
    def write(self, name: str, text: str, encoding: str = "utf-8") -> Path:
        path = self.data / name
        path.write_bytes(text.encode(encoding))
        return path

    def text(self, name: str) -> str:
        return (self.data / name).read_text(encoding="utf-8")

    def framework_doc(self) -> Dict[str, Any]:
        return json.loads(self.text("framework.json"))

    def framework_file(self, edit: Callable[[Dict[str, Any]], None], name: str = "framework-edited.json") -> Path:
        doc = self.framework_doc()
        edit(doc)
        return self.write(name, json.dumps(doc, ensure_ascii=False, indent=1))

    def score(self, results: Any = None, units: Any = None, events: Any = None, **kwargs: Any) -> kaohe.ScoreCard:
        return self.district.score(self.data / "results.csv" if results is None else results,
                                   units=self.data / "units.csv" if units is None else units,
                                   events=self.data / "events.csv" if events is None else events, **kwargs)

    # -- running ---------------------------------------------------------------------------------------------
    def shown(self, text: str) -> str:
        return text.replace(str(self.tmp) + os.sep, "").replace(str(self.tmp), ".").replace(str(ROOT) + os.sep, "")

    def python(self, act: Callable[[], Any]) -> Tuple[Optional[str], List[str], Any]:
        """``(exception line, warning lines, result)`` of ``act()``; the exception line is None when nothing is
        raised, the result None when something is."""
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                result, error = act(), None
            except Exception as exc:  # noqa: BLE001 - a catalogue of errors
                result, error = None, f"{kind(exc)}: {self.shown(str(exc))}"
        return error, [f"{w.category.__name__}: {self.shown(str(w.message))}" for w in caught], result

    def run(self, args: List[str], *, code: Optional[str] = None,
            stdout: Any = subprocess.PIPE) -> Tuple[int, str, str]:
        """Runs ``kaohe ARGS`` (or ``python -c CODE ARGS``) in the scratch folder: ``(exit code, stderr, stdout)``."""
        env = dict(os.environ, PYTHONIOENCODING="utf-8", COLUMNS="100")
        env.pop("KAOHE_DEBUG", None)
        package = str(Path(kaohe.__file__).resolve().parents[1])
        env["PYTHONPATH"] = os.pathsep.join([package] + [p for p in [env.get("PYTHONPATH")] if p])
        command = [sys.executable] + (["-c", code] if code else ["-m", "kaohe"]) + args
        r = subprocess.run(command, cwd=self.tmp, stdout=stdout, stderr=subprocess.PIPE, env=env, timeout=300)
        out = r.stdout.decode("utf-8") if isinstance(r.stdout, bytes) else ""
        return r.returncode, self.shown(r.stderr.decode("utf-8")), self.shown(out)

    # -- writing ---------------------------------------------------------------------------------------------
    def w(self, line: str = "") -> None:
        self.lines.append(line)

    def block(self, text: str, lang: str = "") -> None:
        self.w(f"```{lang}")
        for line in text.rstrip("\n").split("\n"):
            self.w(line)
        self.w("```")
        self.w("")

    def entry(self, title: str, trigger: str, act: Callable[[], Any], fix: str, *, warning: bool = False) -> None:
        """One error: what triggers it, the message ``act()`` raises (or warns, with ``warning``), the fix."""
        self.w(f"### {title}")
        self.w("")
        self.w(trigger)
        self.w("")
        error, warned, result = self.python(act)
        if warning:
            message = "\n".join(warned) if warned and error is None else None
        else:
            message = error
        if message is None:
            got = error or ("warns " + "; ".join(warned) if warned else "no error is raised")
            if error is None and isinstance(result, str):
                got += f" ({result})"
            self.gap(title, f"expected {'a warning' if warning else 'an error'}, but {got}")
        else:
            self.block(message)
        self.w(f"Fix: {fix}")
        self.w("")

    def cli(self, title: str, trigger: str, args: List[str], fix: str, *, expect: int,
            last_line: bool = False, code: Optional[str] = None, stdout: Any = subprocess.PIPE,
            shown_args: Optional[List[str]] = None) -> None:
        """One command-line error: the command, its standard error and exit code, the fix."""
        self.w(f"### {title}")
        self.w("")
        self.w(trigger)
        self.w("")
        status, err, out = self.run(args, code=code, stdout=stdout)
        if last_line and err:
            err = err.rstrip("\n").split("\n")[-1] + "\n"
        text = "$ kaohe " + " ".join(shown_args if shown_args is not None else args) + "\n" + err + out
        self.block(text + f"[exit {status}]")
        if status != expect:
            self.gap(title, f"expected exit {expect}, got {status}")
        if "Traceback" in err:
            self.gap(title, "the command printed a traceback")
        self.w(f"Fix: {fix}")
        self.w("")

    def gap(self, title: str, what: str) -> None:
        self.gaps.append(f"{title}: {what}")
        self.w(f"**Known gap:** {what}.")
        self.w("")


# -- the sections -------------------------------------------------------------------------------------------------
def hierarchy(c: Catalogue) -> None:
    w = c.w
    w("## The exceptions")
    w("")
    w("Every problem with an input raises a `kaohe.InputError`, which is a `ValueError`, so `except ValueError` "
      "catches them all. The message starts with where the problem is (the file, then `row N`, `column 'X'` and "
      "the JSON path `$.root.children[2]` or framework path `district/rule_of_law`) and ends with why; the same "
      "facts are attributes of the exception: `file`, `row`, `column`, `path`, `reason`, and `problems` (one "
      "message each) when one error reports several problems.")
    w("")
    w("| Python (`kaohe.errors`) | base classes | raised for | C++ (`include/kaohe/error.hpp`) |")
    w("|---|---|---|---|")
    w("| `Error` | `Exception` | base of everything below | — |")
    w("| `InputError` | `Error`, `ValueError` | an input kaohe cannot use | `input_error` (`std::invalid_argument`) |")
    w("| `FrameworkError` | `InputError` | the framework: tree, rules, weights, grading; weight changes and "
      "studies that the framework cannot answer | `framework_error`, `framework_errors` (several problems) |")
    w("| `DataError` | `InputError` | results, units and events tables | `data_error`, `input_errors` "
      "(several problems) |")
    w("| `InternalError` | `Error`, `RuntimeError` | a bug in kaohe | `internal_error` (`std::logic_error`) |")
    w("| `Cancelled` | `Error`, `RuntimeError` | a Monte Carlo or Sobol run whose progress callback returned "
      "`False` (Ctrl-C raises `KeyboardInterrupt` instead) | `cancelled` (`std::runtime_error`) |")
    w("| `LossWarning` | `UserWarning` | a file written without some framework keys (`allow_loss=True`) | — |")
    w("")
    w("The C++ engine throws the classes on the right; the Python extension turns each into the class on the "
      "left with its location and reason. Errors found by the Python layer (file reading, encodings, YAML, flat "
      "tables) use the same classes and the same message layout. Bad numeric *arguments* of a Python call "
      "(`samples=1000.7`) are a plain `ValueError` or `TypeError` naming the argument.")
    w("")
    two_groups = small({"id": "g1", "points": 50, "children": [leaf("a", 30), leaf("b", 30)]},
                       {"id": "g2", "points": 50, "children": [leaf("c", 20), leaf("d", 20)]})
    c.entry("One error, several problems",
            "A framework in which two groups' points do not add up (`g1` has 50 points and children worth 60, "
            "`g2` has 50 and children worth 40) is reported in one error listing both; `exc.problems` holds one "
            "message each:",
            lambda: kaohe.Framework.from_dict(two_groups),
            "fix every problem listed; the list is complete, so a second run finds no new ones.")
    c.entry("`LossWarning`",
            "`write_table(framework.to_table(), \"data/framework.csv\", allow_loss=True)` on the district "
            "framework, whose id, categories, grading … a CSV file cannot hold:",
            lambda: write_table(c.district.to_table(), c.data / "framework.csv", allow_loss=True),
            "write an `.xlsx` workbook (its `meta` sheet keeps every key), or keep the warning in mind and give the "
            "lost keys to `Framework.from_table(...)` when reading the file back.", warning=True)


def exit_codes(c: Catalogue) -> None:
    w = c.w
    fw = ["data/framework.json", "data/results.csv", "--units", "data/units.csv", "--events", "data/events.csv"]
    w("## Exit codes of the `kaohe` command")
    w("")
    w("Errors go to standard error, without a traceback. The codes are the `EXIT_*` constants of `kaohe.cli`:")
    w("")
    w("| code | constant | meaning |")
    w("|---|---|---|")
    for name, meaning in (("EXIT_OK", "success (`validate`: no problems found)"),
                          ("EXIT_INPUT", "bad input: any `InputError`, a file that cannot be read or written, a "
                                         "missing optional dependency (`error: ...`)"),
                          ("EXIT_INTERNAL", "a bug in kaohe (`internal error: ...`; `KAOHE_DEBUG=1` shows the "
                                            "traceback)"),
                          ("EXIT_USAGE", "usage error: unknown command or option, a bad option value, a missing "
                                         "argument (argparse's own 2 is replaced by the BSD `EX_USAGE`)"),
                          ("EXIT_INTERRUPTED", "interrupted (Ctrl-C)"),
                          ("EXIT_PIPE", "standard output closed early (`kaohe score ... \\| head`)")):
        w(f"| {getattr(kaohe.cli, name)} | `{name}` | {meaning} |")
    w("")
    c.cli("0: success", "`kaohe validate` on the shipped framework:", ["validate", "data/framework.json"],
          "nothing to fix.", expect=kaohe.cli.EXIT_OK)
    c.cli("2: bad input", "Every error in the sections below; for instance a framework file with a JSON syntax "
          "error (`kaohe validate` lists every problem it finds):",
          ["validate", str(c.write("broken.json", '{"kaohe": 1,\n "id": "x",\n "root": {]}').relative_to(c.tmp))],
          "fix the file at the place named.", expect=kaohe.cli.EXIT_INPUT)
    boom = ("import sys, kaohe.cli as cli\n"
            "def boom(args): raise RuntimeError('an invariant did not hold')\n"
            "cli._check_outputs = boom\n"
            "sys.exit(cli.main(sys.argv[1:]))")
    c.cli("3: internal error", "Any exception that is not an input error is a bug. None is known; the example "
          "forces one by replacing an internal function with one that raises `RuntimeError`:",
          ["validate", "data/framework.json"], "report it with the command and the input files; `KAOHE_DEBUG=1` "
          "adds the traceback.", expect=kaohe.cli.EXIT_INTERNAL, code=boom)
    c.cli("64: usage error", "An option value of the wrong kind (the usage line printed before the message is left "
          "out here):", ["score", *fw, "--top", "many"],
          "correct the option; `kaohe COMMAND --help` lists the options.", expect=kaohe.cli.EXIT_USAGE,
          last_line=True)
    interrupt = ("import os, signal, sys, kaohe.cli as cli\n"
                 "cli._check_outputs = lambda args: os.kill(os.getpid(), signal.SIGINT)\n"
                 "sys.exit(cli.main(sys.argv[1:]))")
    c.cli("130: interrupted", "Ctrl-C (here a SIGINT the process sends itself as the command starts):",
          ["validate", "data/framework.json"], "nothing to fix; files being written are left as they were (every "
          "output is written to a temporary file and renamed into place).", expect=kaohe.cli.EXIT_INTERRUPTED,
          code=interrupt)
    read_end, write_end = os.pipe()
    os.close(read_end)  # a pipe nobody reads: the first write fails as with `| head` after head exits
    try:
        c.cli("141: standard output closed", "The reader of standard output went away (`kaohe score ... | head -1`); "
              "nothing is printed:", ["score", *fw], "nothing to fix.", expect=kaohe.cli.EXIT_PIPE, stdout=write_end)
    finally:
        os.close(write_end)


def framework_errors(c: Catalogue) -> None:
    w = c.w
    w("## Framework errors (`FrameworkError`)")
    w("")
    c.entry("JSON syntax error",
            "A framework file that is not valid JSON; the message gives the line and column:",
            lambda: kaohe.Framework.load(c.write("broken.json", '{"kaohe": 1,\n "id": "x",\n "root": {]}')),
            "correct the JSON at that place (a missing or extra bracket, comma or quote is the usual cause).")
    c.entry("Unknown key",
            "A misspelt key (`\"pionts\"` on a node of the district framework): the message names it, suggests "
            "the closest allowed key and lists the keys allowed there:",
            lambda: kaohe.Framework.load(c.framework_file(
                lambda d: d["root"]["children"][0].update(pionts=11))),
            "rename the key; [formats.md](formats.md) describes every key.")
    c.entry("Duplicate node id",
            "Two nodes with the id `a`:",
            lambda: kaohe.Framework.from_dict(small(leaf("a", 50), leaf("a", 50))),
            "give every node its own id: ids name nodes in results, events, what-if changes and reports.")
    c.entry("Points that do not add up",
            "A group whose children's points add up to 12 while it has 11 (the first indicator under rule of law "
            "raised from 3 to 4 points). The district weighs departments and towns separately, so the problem is "
            "reported for each category:",
            lambda: kaohe.Framework.load(c.framework_file(
                lambda d: d["root"]["children"][0]["children"][0].update(points=4))),
            "correct the points, or set `\"renormalise\": true` on the group to scale its children to its "
            "points.")
    c.entry("Unknown rule type",
            "A misspelt rule type:",
            lambda: kaohe.Framework.load(c.framework_file(
                lambda d: d["root"]["children"][1]["children"][0]["rule"].update(type="completness"))),
            "use one of the types listed (a close misspelling such as `linaer` gets a \"did you mean\").")
    c.entry("YAML: a key twice in one mapping",
            "YAML itself would keep only the last value; kaohe refuses the file:",
            lambda: kaohe.Framework.load(c.write("twice.yaml", "kaohe: 1\nid: t\nid: u\nroot: {id: r, children: "
                                                              "[{id: a, points: 100, rule: {type: manual}}]}\n")),
            "remove one of the two keys.")
    laughs = "lol0: &lol0 [" + ",".join(['"lol"'] * 9) + "]\n" + "".join(
        f"lol{i}: &lol{i} [" + ",".join([f"*lol{i - 1}"] * 9) + "]\n" for i in range(1, 9))
    tail = "kaohe: 1\nid: t\nroot: {id: r, children: [{id: a, points: 100, rule: {type: manual}}]}\n"
    c.entry("YAML: an alias bomb",
            "A document whose aliases expand to 9^9 values (the \"billion laughs\"), refused before it is "
            "expanded:",
            lambda: kaohe.Framework.load(c.write("bomb.yaml", laughs + tail)),
            "a real framework is far below the limit: write the repeated parts out, or use fewer levels of aliases.")
    c.entry("YAML: nesting limit",
            "A value nested 600 levels deep (the limit is 512):",
            lambda: kaohe.Framework.load(c.write("deep.yaml", "kaohe: 1\nid: t\nnote: " + "[" * 600 + "]" * 600
                                                 + "\nroot: {id: r, children: [{id: a, points: 100, "
                                                   "rule: {type: manual}}]}\n")),
            "flatten the document; no framework needs that depth. (JSON files have the same limit, and "
            "`Framework.from_dict` refuses a dict that contains itself.)")
    c.entry("Flat indicator table (CSV): row and column",
            "A flat table (one row per indicator, as exported from a spreadsheet) with `二十` in a points cell; "
            "the header is row 1:",
            lambda: kaohe.Framework.load(c.write(
                "indicators.csv", "level1,level2,id,points,rule,params\n"
                                  "甲组,指标一,x1,40,completion,\"{\"\"target\"\": 100}\"\n"
                                  "甲组,指标二,x2,二十,manual,\n"
                                  "乙组,指标三,x3,40,linear,\"{\"\"zero_at\"\": 0, \"\"full_at\"\": 100}\"\n")),
            "write the number (`20`) in that cell.")
    c.cli("A CSV conversion that would lose keys",
          "`kaohe convert` to `.csv` of a framework with keys a CSV file cannot hold (the Python form is "
          "`write_table(..., \"x.csv\")`, which raises a `FrameworkError` saying the same):",
          ["convert", "data/framework.json", "data/framework-flat.csv"],
          "convert to `.xlsx` (its `meta` sheet keeps every key), or pass `--allow-loss` and give the lost keys "
          "back when reading the table.", expect=kaohe.cli.EXIT_INPUT)


def data_errors(c: Catalogue) -> None:
    w = c.w
    w("## Data errors (`DataError`)")
    w("")
    w("The examples score the district framework with `framework.score(results, units=..., events=...)`, each "
      "with one table edited as described.")
    w("")
    results = c.text("results.csv")
    units = c.text("units.csv")
    c.entry("Unknown unit",
            "A results row for a unit that is not in the units table (`drc` renamed to `nobody` on row 3):",
            lambda: c.score(c.write("results-edited.csv", results.replace("\ndrc,", "\nnobody,", 1))),
            "add the unit to the units table, or correct its id in the results.")
    c.entry("Unknown indicator column",
            "A results column whose name no indicator reads (`key_projects` misspelt `key_project`); both sides "
            "of the mismatch are listed:",
            lambda: c.score(c.write("results-edited.csv", results.replace("key_projects", "key_project", 1))),
            "rename the column to the indicator's input, or remove it.")
    c.entry("A unit listed twice",
            "The units table lists `gov_office` on rows 2 and 3:",
            lambda: c.score(units=c.write("units-edited.csv", units.replace("\ndrc,", "\ngov_office,", 1))),
            "remove or rename one of the rows.")
    c.entry("A cell that is not a number",
            "`八十五` where the indicator needs a number (text is read as an answer, for the rules that take text; "
            "this one does not):",
            lambda: c.score(c.write("results-edited.csv", results.replace(",85.2,", ",八十五,", 1))),
            "write the number. A percentage such as `86.8%` is refused too, with the number to write instead.")
    c.entry("An ambiguous number",
            "`85,2` in a results cell: a decimal comma (85.2) or a thousands separator (852)? kaohe does not guess:",
            lambda: c.score(c.write("results-edited.csv", results.replace(",85.2,", ",\"85,2\",", 1))),
            "write the number without a separator, or declare the table's format: `decimal=\",\"` or "
            "`thousands=\",\"` (`--decimal`, `--thousands` on the command line).")
    c.entry("A negative value a rule cannot take",
            "`-85.2` for an indicator scored by a completion rule (share of a target reached):",
            lambda: c.score(c.write("results-edited.csv", results.replace(",85.2,", ",-85.2,", 1))),
            "correct the value; if negative values are meaningful for the indicator, score it with a `linear` "
            "rule instead.")
    c.entry("NaN or infinity in a file",
            "`nan`, `NaN`, `inf` or `-Infinity` written in a cell:",
            lambda: c.score(c.write("results-edited.csv", results.replace(",85.2,", ",nan,", 1))),
            "leave the cell empty for a missing value (the indicator's `missing` policy then applies).")

    def infinite() -> None:
        table = pd.read_csv(c.data / "results.csv")
        table.loc[2, "key_projects"] = np.inf
        c.score(table)

    c.entry("NaN or infinity in a DataFrame",
            "A results DataFrame holding `np.inf` (NaN in a DataFrame is a missing value, as an empty cell is):",
            infinite, "replace the value by the real figure, or by NaN if it is missing.")

    def missing() -> None:
        rows = list(csv.reader(io.StringIO(results)))
        for unit, column in (("drc", "key_projects"), ("industry", "livelihood")):
            row = next(r for r in rows if r[0] == unit)
            row[rows[0].index(column)] = ""
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(rows)
        c.score(c.write("results-edited.csv", out.getvalue()))

    c.entry("Missing values",
            "Empty cells (`drc`'s `key_projects`, `industry`'s `livelihood`) for indicators whose `missing` policy "
            "is `error` (the default): every unit and indicator is listed at once:",
            missing, "fill in the values, or set the indicator's `missing` to `zero`, `mean` or `exclude`.")
    c.entry("Wrong encoding declared",
            "A units table saved in GB18030 (as Excel saves CSV on Chinese Windows) read with "
            "`encoding=\"utf-8\"`. Without an encoding, kaohe tries UTF-8 (with or without BOM) and then "
            "GB18030, and reads this file correctly:",
            lambda: c.score(units=c.write("units-gb18030.csv", units, "gb18030"), encoding="utf-8"),
            "leave `encoding` out (`--encoding` on the command line) to detect it, or give the file's real "
            "encoding.")
    c.entry("An encoding that is neither UTF-8 nor GB18030",
            "Bytes that are not valid in either encoding tried (here Latin-1 text):",
            lambda: c.score(units=c.write("units-latin1.csv", "id,name,category\ngov_office,Caf\xe9 \xff\x81,dept\n",
                                          "latin-1")),
            "give the file's encoding (`encoding=\"latin-1\"`, `--encoding latin-1`), or save it as UTF-8.")
    c.entry("A units table is needed",
            "Scoring a framework with unit categories (departments and towns) without a units table, which says "
            "which category each unit is in:",
            lambda: c.district.score(c.data / "results.csv"),
            "pass `units=` (`--units` on the command line) with columns `id`, `name`, `category`.")
    def over_rows() -> Any:
        with kaohe.limits.override(max_rows=20):
            return c.score()

    c.entry("A table over a limit",
            "The district example scored with `kaohe.limits.max_rows` lowered to 20 (the default is 1,000,000; every "
            "limit is listed in [limits.md](limits.md)): the reader stops at the first row over it, so a "
            "hostile or mistaken file fails in bounded time and memory:",
            over_rows,
            "raise the limit for the run that needs it: `with kaohe.limits.override(max_rows=...)` in Python, "
            "`kaohe --limit max_rows=N score ...` on the command line.")
    bonus = kaohe.Framework.from_dict({**small(leaf("a", 100)), "adjustments": [
        {"id": "big", "type": "bonus", "levels": {"x": 1e308, "y": 1e308}}]})
    events = pd.DataFrame({"unit": ["u1", "u1"], "type": ["bonus", "bonus"], "target": ["big", "big"],
                           "level": ["x", "y"], "item": ["p", "q"]})
    c.entry("A total that is not finite",
            "Two bonuses of 1e308 each (a typo in a bonus table, say) add up to more than a floating-point "
            "number can hold:",
            lambda: f"u1's total is {bonus.score(frame({'a': [50, 60]}), events=events).total['u1']}",
            "correct the bonus values; real totals are nowhere near the limit.")


def file_errors(c: Catalogue) -> None:
    w = c.w
    fw = ["data/framework.json", "data/results.csv", "--units", "data/units.csv", "--events", "data/events.csv"]
    w("## Files and outputs")
    w("")
    w("In Python a missing file or a folder is a `DataError` (tables) or `FrameworkError` (frameworks) with the "
      "same text; writers (`to_csv`, `to_excel` …) raise the usual `OSError` naming the file.")
    w("")
    c.cli("A missing file", "A results file that does not exist:",
          ["score", "data/framework.json", "data/nope.csv", *fw[2:]],
          "check the path (it is relative to the current folder).", expect=kaohe.cli.EXIT_INPUT)
    c.cli("A folder given as a file", "A folder where a file is expected:", ["validate", "data"],
          "name the file inside the folder.", expect=kaohe.cli.EXIT_INPUT)
    c.cli("An output that is an input of the run", "`--out` names one of the run's inputs (also through a "
          "symbolic or hard link); refused before any work:", ["score", *fw, "--out", "data/results.csv"],
          "choose another file, or pass `--force` to replace the input with the output.",
          expect=kaohe.cli.EXIT_INPUT)
    c.cli("An output in a missing folder", "`--out` in a folder that does not exist:",
          ["score", *fw, "--out", "data/no-such-folder/card.csv"],
          "create the folder first, or correct the path.", expect=kaohe.cli.EXIT_INPUT)


def argument_errors(c: Catalogue) -> None:
    w = c.w
    w("## Arguments")
    w("")
    w("Numeric arguments of the Python API are checked by name: a `ValueError` for a wrong value, a `TypeError` "
      "for a wrong type, never a silent truncation.")
    w("")
    c.entry("A count that is not whole", "`card.monte_carlo(samples=1000.7)`:",
            lambda: c.card.monte_carlo(samples=1000.7, progress=False), "pass a whole number.")
    c.entry("A negative thread count", "`card.monte_carlo(threads=-1)`:",
            lambda: c.card.monte_carlo(threads=-1, progress=False),
            "pass 0 (every hardware thread) or more; a large count is capped, and results never depend on it.")
    c.cli("A bad option value", "The same on the command line is a usage error (the usage line is left out):",
          ["uncertainty", "data/framework.json", "data/results.csv", "--units", "data/units.csv", "--events",
           "data/events.csv", "--threads", "-1"],
          "pass 0 or more.", expect=kaohe.cli.EXIT_USAGE, last_line=True)


def weight_errors(c: Catalogue) -> None:
    w = c.w
    w("## What-if and weight changes")
    w("")
    w("`card.what_if(changes)`, `framework.with_weights(changes)` and `kaohe whatif --set` apply all the changes "
      "jointly: each named node gets exactly the weight asked for, and only the unnamed siblings absorb the "
      "difference (see [sensitivity.md](sensitivity.md)).")
    w("")
    c.entry("Changes that over-fill their parent",
            "`card.what_if({\"court_rate\": 10, \"normative_docs\": 5})`: two indicators under rule of law, "
            "which has 11 points:",
            lambda: c.card.what_if({"court_rate": 10, "normative_docs": 5}),
            "lower them so that they fit with room for the unnamed siblings, or choose `policy=\"none\"` (the "
            "parent's points rise) or `policy=\"rescale\"` (the changes are scaled to fit).")
    c.entry("Unknown node in a change", "`card.what_if({\"rule_of_lwa\": 15})`:",
            lambda: c.card.what_if({"rule_of_lwa": 15}),
            "use a node id or path from `framework.nodes`.")


def stability_errors(c: Catalogue) -> None:
    w = c.w
    w("## Exact stability")
    w("")
    w("`card.stability(nodes)` solves exactly for the interval of each node's share over which the ranking, the "
      "top k and the grades stay the same. That needs the totals to be linear in the share. They are not when a "
      "sibling is excluded for some unit (`\"missing\": \"exclude\"` re-weights the parent per unit) or when an "
      "aggregation above the node is geometric. Such a node is *skipped*: it is left out of the table, listed "
      "with the reason in `table.attrs[\"skipped\"]`, and a warning names it; the other nodes are solved.")
    w("")
    district = ["data/framework.json", "data/results.csv", "--units", "data/units.csv", "--events",
                "data/events.csv"]
    fw = kaohe.Framework.from_dict(small(leaf("a", 40, missing="exclude"), leaf("b", 30), leaf("c", 30)))
    card = fw.score(frame({"a": [50, np.nan, 70], "b": [60, 50, 40], "c": [10, 90, 50]}))
    c.cli("Nothing solvable",
          "In the district, `court_rate` and `normative_docs` are excluded for units that had no case to count "
          "(`\"missing\": \"exclude\"`), so no share under rule of law is linear. Asking only for such a node "
          "leaves nothing to solve:", ["stability", *district, "--node", "normative_docs"],
          "use `kaohe uncertainty` (`card.monte_carlo`), which handles any framework, or ask about a node "
          "higher up (`rule_of_law` itself is solvable).", expect=kaohe.cli.EXIT_INPUT)
    c.cli("What \"skipped\" means",
          "Asked for several nodes, `kaohe stability` solves those it can and lists the others with the reason "
          "(exit 0):", ["stability", *district, "--node", "rule_of_law", "--node", "normative_docs"],
          "nothing to fix for the solved nodes; for the skipped ones, as above.", expect=kaohe.cli.EXIT_OK)
    c.entry("Skipped nodes in Python",
            "A framework `r` with indicators `a` (40 points, `\"missing\": \"exclude\"`), `b` and `c` (30 each), "
            "and a unit `u2` with no value for `a`. `card.stability()` on every node skips `b` and `c` (a warning "
            "names them, `table.attrs[\"skipped\"]` has the reasons) and solves `a`; "
            "`card.stability([\"b\"])` alone would raise a `FrameworkError` with the same reason:",
            lambda: card.stability(),
            "as above.", warning=True)


def render() -> str:
    """The page."""
    return catalogue()[0]


def catalogue() -> Tuple[str, List[str]]:
    """The page, and the known gaps found while writing it."""
    with tempfile.TemporaryDirectory(prefix="kaohe-errors-") as tmp:
        c = Catalogue(Path(tmp).resolve())
        c.w("# Errors")
        c.w("")
        c.w("<!-- generated by docs/make_errors.py, which triggers every error below; do not edit by hand -->")
        c.w("")
        c.w("Each entry says what triggers the error, shows the message kaohe gives today (the page is generated "
            "by running each example, so the messages are the real ones) and how to fix it. Inputs are shown as "
            "`data/...`: the district example ([examples/district-2019](../examples/district-2019/README.md)) "
            "copied there, with one thing changed, or a small framework written inline.")
        c.w("")
        for section in (hierarchy, exit_codes, framework_errors, data_errors, file_errors, argument_errors,
                        weight_errors, stability_errors):
            section(c)
        while c.lines and c.lines[-1] == "":
            c.lines.pop()
        return "\n".join(c.lines) + "\n", c.gaps


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--check", action="store_true")
    a = p.parse_args()
    text, gaps = catalogue()
    for gap in gaps:
        print(f"known gap: {gap}", file=sys.stderr)
    if a.check:
        if not PAGE.exists() or PAGE.read_text(encoding="utf-8") != text:
            print(f"{PAGE} is stale: run python3 docs/make_errors.py", file=sys.stderr)
            sys.exit(1)
        return
    PAGE.write_text(text, encoding="utf-8")
    print(f"wrote {PAGE}")


if __name__ == "__main__":
    main()
