"""kaohe.limits: every reader refuses an input over a documented limit with a located error naming the limit, and
a limit can be raised for one block (Python) or one run (the CLI's --limit)."""
from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import kaohe
from kaohe import cli
from kaohe.errors import DataError, FrameworkError

DEFAULTS = dict(max_table_bytes=512 * 1024 * 1024, max_framework_bytes=64 * 1024 * 1024, max_rows=1_000_000,
                max_cells=10_000_000, max_cell_chars=100_000, max_xlsx_bytes=128 * 1024 * 1024, max_nodes=100_000)


def names_limit(name: str) -> str:
    """The part every over-limit message has: the limit's name and how to raise it."""
    return (rf"\(kaohe\.limits\.{name}\).*kaohe\.limits\.override\({name}=\.\.\.\).*kaohe --limit {name}=N")


@pytest.fixture(autouse=True)
def untouched_limits():
    before = kaohe.limits.__dict__.copy()
    yield
    assert kaohe.limits.__dict__ == before, "a test left a limit changed"


def test_the_defaults_are_the_documented_ones():
    assert {name: getattr(kaohe.limits, name) for name in DEFAULTS} == DEFAULTS
    assert isinstance(kaohe.limits, kaohe.Limits)
    assert "limits" in dir(kaohe) and "Limits" in kaohe.__all__


def test_override_sets_for_the_block_and_restores_even_after_an_error():
    with kaohe.limits.override(max_rows=5, max_cells=50) as inside:
        assert inside is kaohe.limits
        assert (kaohe.limits.max_rows, kaohe.limits.max_cells) == (5, 50)
    assert kaohe.limits.max_rows == 1_000_000
    with pytest.raises(RuntimeError):
        with kaohe.limits.override(max_rows=7):
            raise RuntimeError("inside the block")
    assert kaohe.limits.max_rows == 1_000_000


@pytest.mark.parametrize("change, error, message", [
    (dict(max_rowz=5), TypeError, r"unknown limit\(s\) max_rowz \(kaohe\.limits has: max_cell_chars, max_cells"),
    (dict(max_rows=0), ValueError, r"kaohe\.limits\.max_rows"),
    (dict(max_rows=2.5), (TypeError, ValueError), r"kaohe\.limits\.max_rows"),
    (dict(max_rows="10"), TypeError, r"kaohe\.limits\.max_rows"),
])
def test_bad_overrides_are_refused_and_change_nothing(change, error, message):
    with pytest.raises(error, match=message):
        with kaohe.limits.override(**change):
            pass  # pragma: no cover - never entered


def test_setting_an_attribute_checks_the_name_and_the_value():
    with pytest.raises(AttributeError, match=r"kaohe\.limits has no limit 'max_row'"):
        kaohe.limits.max_row = 5
    with pytest.raises(ValueError, match=r"kaohe\.limits\.max_nodes"):
        kaohe.limits.max_nodes = -1
    saved = kaohe.limits.max_nodes
    try:
        kaohe.limits.max_nodes = 12
        assert kaohe.limits.max_nodes == 12
    finally:
        kaohe.limits.max_nodes = saved


# -- tables ---------------------------------------------------------------------------------------------------
def write_units(path: Path, n: int, blank_after: int = -1) -> Path:
    lines = ["id,name,category,in_pool"]
    for i in range(n):
        lines.append(f"u{i},单位{i},dept,true")
        if i == blank_after:
            lines.append("")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_table_over_the_row_limit_names_the_file_and_the_first_row_over_it(tmp_path):
    path = write_units(tmp_path / "units.csv", 11)
    with kaohe.limits.override(max_rows=10):
        with pytest.raises(DataError, match=r"units\.csv: row 12: the table has more than 10 rows " + names_limit("max_rows")):
            kaohe.data.to_units(str(path))
        assert len(kaohe.data.to_units(str(write_units(tmp_path / "ten.csv", 10))).ids) == 10  # at the limit: read


def test_the_cell_limit_counts_rows_times_columns(tmp_path):
    path = write_units(tmp_path / "units.csv", 30)  # 4 columns: the 26th row makes 104 cells
    with kaohe.limits.override(max_cells=100):
        with pytest.raises(DataError, match=r"units\.csv: row 27: the table \(4 columns\) has more than 100 cells "
                                            + names_limit("max_cells")):
            kaohe.data.to_units(str(path))


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path):
    path = write_units(tmp_path / "units.csv", 3)
    size = path.stat().st_size
    with kaohe.limits.override(max_table_bytes=size - 1):
        with pytest.raises(DataError, match=rf"units\.csv: the file has {size:,} bytes, over the limit of {size - 1:,} "
                                            + names_limit("max_table_bytes")):
            kaohe.read_table(path)
    with kaohe.limits.override(max_table_bytes=size):
        assert len(kaohe.read_table(path)) == 3


def test_a_sparse_file_of_two_gibibytes_is_refused_at_once(tmp_path):
    path = tmp_path / "results.csv"
    with open(path, "wb") as handle:  # no disk used: a hole, as a hostile upload could declare
        handle.truncate(2 * 1024 ** 3)
    with pytest.raises(DataError, match=r"results\.csv: the file has 2,147,483,648 bytes, over the limit of "
                                        r"536,870,912 " + names_limit("max_table_bytes")):
        kaohe.read_table(path)


def test_rows_after_blank_lines_keep_their_line_numbers(tmp_path):
    path = tmp_path / "units.csv"
    path.write_text("id,name,category,in_pool\nu0,a,dept,true\n\n\nu1,b,dept,maybe\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"units\.csv: row 5: column 'in_pool'"):
        kaohe.data.to_units(str(path))


def test_a_long_cell_is_measured_as_a_cell_not_as_its_line(tmp_path):
    path = tmp_path / "units.csv"
    path.write_text("id,name,category,in_pool\nu0," + "名" * 30 + ",dept,true\n", encoding="utf-8")
    with kaohe.limits.override(max_cell_chars=29):
        with pytest.raises(DataError, match=r"units\.csv: row 2: a cell has 30 characters, over the limit of 29 "
                                            + names_limit("max_cell_chars")):
            kaohe.data.to_units(str(path))
    with kaohe.limits.override(max_cell_chars=30):  # the line is longer than 30, the cell is not
        assert kaohe.data.to_units(str(path)).names == ["名" * 30]


def write_xlsx(path: Path, rows: int) -> Path:
    frame = pd.DataFrame({"id": [f"u{i}" for i in range(rows)], "name": [f"单位{i}" for i in range(rows)],
                          "category": "dept", "in_pool": True})
    frame.to_excel(path, index=False)
    return path


def test_a_workbook_over_the_row_limit_and_the_uncompressed_size_limit(tmp_path):
    path = write_xlsx(tmp_path / "units.xlsx", 12)
    with kaohe.limits.override(max_rows=11):
        with pytest.raises(DataError, match=r"units\.xlsx: the sheet has 12 rows, over the limit of 11 "
                                            + names_limit("max_rows")):
            kaohe.data.to_units(str(path))
    with zipfile.ZipFile(path) as archive:
        declared = sum(info.file_size for info in archive.infolist())
    with kaohe.limits.override(max_xlsx_bytes=declared - 1):
        with pytest.raises(DataError, match=rf"units\.xlsx: the workbook, uncompressed, has {declared:,} bytes, over "
                                            rf"the limit of {declared - 1:,} " + names_limit("max_xlsx_bytes")):
            kaohe.data.to_units(str(path))
    with kaohe.limits.override(max_xlsx_bytes=declared):
        assert len(kaohe.data.to_units(str(path)).ids) == 12


def test_a_zip_bomb_is_refused_from_its_directory_without_being_uncompressed(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as part:  # 256 MiB of zeros, ~250 KB compressed
            block = b"\0" * (1 << 20)
            for _ in range(256):
                part.write(block)
    assert path.stat().st_size < 2 * 1024 * 1024
    with pytest.raises(DataError, match=r"bomb\.xlsx: the workbook, uncompressed, has 268,435,4\d\d bytes, over "
                                        r"the limit of 134,217,728 " + names_limit("max_xlsx_bytes")):
        kaohe.read_table(path)


def test_a_file_named_xlsx_that_is_not_a_zip_archive(tmp_path):
    path = tmp_path / "results.xlsx"
    path.write_text("unit,a\nx,1\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"results\.xlsx: not a readable \.xlsx workbook \(it is not a zip archive"):
        kaohe.read_table(path)


# -- frameworks -----------------------------------------------------------------------------------------------
def flat_framework(n: int) -> dict:
    return {"id": "flat", "name": "flat", "total": 100, "root": {"id": "r", "name": "r", "children": [
        {"id": f"i{k}", "name": f"i{k}", "points": 100 / n, "rule": {"type": "manual"}} for k in range(n)]}}


def test_a_framework_over_the_node_limit_from_every_source(tmp_path):
    data = flat_framework(20)  # 21 nodes with the root
    path = tmp_path / "flat.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    over = r"the framework has 21 nodes, over the limit of 20 " + names_limit("max_nodes")
    with kaohe.limits.override(max_nodes=20):
        with pytest.raises(FrameworkError, match=r"flat\.json: " + over):
            kaohe.Framework.load(path)
        with pytest.raises(FrameworkError, match=r"<dict>: " + over):
            kaohe.Framework.from_dict(data)
        with pytest.raises(FrameworkError, match=r"inline: " + over):
            kaohe.Framework.from_yaml(json.dumps(data), source="inline")  # JSON is YAML
    with kaohe.limits.override(max_nodes=21):
        assert len(kaohe.Framework.load(path).nodes) == 21


def test_the_default_node_limit_refuses_a_framework_of_two_hundred_thousand_leaves():
    text = json.dumps(flat_framework(200_000))
    with pytest.raises(FrameworkError, match=r"big: the framework has 200,001 nodes, over the limit of 100,000"):
        kaohe.Framework.from_json(text, source="big")


def test_framework_text_and_files_over_the_size_limit(tmp_path, district_files):
    path = district_files["framework"]
    size = path.stat().st_size
    with kaohe.limits.override(max_framework_bytes=size - 1):
        with pytest.raises(FrameworkError, match=rf"framework\.json: the file has {size:,} bytes, over the limit of "
                                                 rf"{size - 1:,} " + names_limit("max_framework_bytes")):
            kaohe.Framework.load(path)
        text = path.read_text(encoding="utf-8")
        # Chinese names are three bytes each in UTF-8: the limit counts bytes, not characters.
        assert len(text) < size
        with pytest.raises(FrameworkError, match=rf"<string>: the framework text has {size:,} bytes"):
            kaohe.Framework.from_json(text)
        with pytest.raises(FrameworkError, match=rf"<string>: the framework text has {size:,} bytes"):
            kaohe.Framework.from_yaml(text)
    with kaohe.limits.override(max_framework_bytes=size):
        assert kaohe.Framework.load(path).id == "district-2019"


# -- the command line -----------------------------------------------------------------------------------------
def test_the_cli_reports_a_limit_with_exit_2_and_raises_it_with_limit(tmp_path, district_files, capsys):
    units = write_units(tmp_path / "units.csv", 80)  # the results (52 rows) are under the limit below
    args = ["validate", str(district_files["framework"]), str(district_files["results"]), "--units", str(units)]
    assert cli.main(["--limit", "max_rows=60"] + args) == cli.EXIT_INPUT
    err = capsys.readouterr().err
    assert re.search(r"units\.csv: row 62: the table has more than 60 rows " + names_limit("max_rows"), err), err
    assert kaohe.limits.max_rows == 1_000_000  # the run's limit ends with the run
    # Raised, the row limit no longer stops the read (the made-up units are then unknown to the results).
    assert cli.main(["--limit", "max_rows=80", "--limit", "max_cells=5000"] + args) == cli.EXIT_INPUT
    err = capsys.readouterr().err
    assert "kaohe.limits" not in err and "u0" in err, err


@pytest.mark.parametrize("value, message", [
    ("max_rows", r"'max_rows' is not NAME=N"),
    ("max_rowz=5", r"unknown limit 'max_rowz' \(the limits are: max_cell_chars, max_cells"),
    ("max_rows=abc", r"'abc' is not a whole number \(--limit max_rows=N\)"),
    ("max_rows=0", r"--limit max_rows=0: must be at least 1"),
    ("override=5", r"unknown limit 'override'"),
])
def test_bad_limit_options_are_usage_errors(value, message, district_files, capsys):
    code = cli.main(["--limit", value, "validate", str(district_files["framework"])])
    assert code == cli.EXIT_USAGE
    assert re.search(message, capsys.readouterr().err)


def test_the_cli_lists_the_first_hundred_problems_and_counts_the_rest(tmp_path, district_files, capsys):
    results = pd.read_csv(district_files["results"], dtype=str, keep_default_na=False)
    for column in results.columns[1:]:
        results[column] = "abc"  # a text answer where every number is needed: one problem per unit x indicator
    path = tmp_path / "results.csv"
    results.to_csv(path, index=False)
    code = cli.main(["score", str(district_files["framework"]), str(path), "--units", str(district_files["units"])])
    err = capsys.readouterr().err
    assert code == cli.EXIT_INPUT, err
    total = int(re.search(r"error: (\d+) problems found in", err).group(1))
    assert total > 500, err
    listed = [line for line in err.splitlines() if line.startswith("  - ")]
    assert len(listed) == cli.MAX_LISTED == 100
    assert all("text answer 'abc' where a number is needed" in line for line in listed)
    assert err.rstrip().endswith(f"  ... and {total - 100:,} more (fix these and run again)")
    # The Python exception keeps every problem.
    fw = kaohe.Framework.load(district_files["framework"])
    with pytest.raises(DataError) as caught:
        fw.score(path, units=district_files["units"])
    assert len(caught.value.problems) == total
    assert str(caught.value).count("\n  - ") == 100
