"""Output files (issue 16 item 3): a command never replaces one of its inputs unless --force, every file is written
atomically (an interrupted or failed write leaves the previous file as it was, and no temporary file behind), and a
file that cannot be written or read is an input error (exit 2) naming it and the reason, never a traceback."""
from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path
from typing import Dict, List

import pandas as pd
import pytest

import kaohe
from kaohe import cli

ROOT = Path(__file__).resolve().parents[2]
DISTRICT = ROOT / "examples" / "district-2019"
MATRIX = "criterion,price,quality,service\nprice,1,3,5\nquality,1/3,1,3\nservice,1/5,1/3,1\n"

# role -> how the refusal names it, per command ("convert" reads its framework as SOURCE)
ROLE = {"framework": "FRAMEWORK", "results": "RESULTS", "units": "UNITS (--units)", "events": "EVENTS (--events)",
        "matrix": "MATRIX"}
COMMANDS: Dict[str, List[str]] = {  # command -> the inputs it reads
    "score": ["framework", "results", "units", "events"],
    "whatif": ["framework", "results", "units", "events"],
    "stability": ["framework", "results", "units", "events"],
    "uncertainty": ["framework", "results", "units", "events"],
    "weights-entropy": ["results"],
    "weights-ahp": ["matrix"],
    "convert": ["framework"],
}
CASES = [(command, role) for command, roles in COMMANDS.items() for role in roles]


@pytest.fixture
def inputs(tmp_path: Path) -> Dict[str, Path]:
    """Copies of the district example's files and a small AHP matrix, in a folder of their own."""
    folder = tmp_path / "in"
    folder.mkdir()
    files = {}
    for role in ("framework", "results", "units", "events"):
        name = "framework.json" if role == "framework" else f"{role}.csv"
        files[role] = folder / name
        shutil.copyfile(DISTRICT / name, files[role])
    files["matrix"] = folder / "matrix.csv"
    files["matrix"].write_text(MATRIX, encoding="utf-8")
    return files


def argv(command: str, files: Dict[str, Path], out: object) -> List[str]:
    """The command line of ``command`` on ``files`` writing ``out``."""
    data = [files["framework"], files["results"], "--units", files["units"], "--events", files["events"]]
    line: List[object]
    if command == "convert":
        return [str(a) for a in ("convert", files["framework"], out)]
    if command == "score":
        line = ["score", *data]
    elif command == "whatif":
        line = ["whatif", *data, "--set", "rule_of_law=15"]
    elif command == "stability":
        line = ["stability", *data, "--node", "rule_of_law", "--top-k", "5"]
    elif command == "uncertainty":
        line = ["uncertainty", *data, "--samples", "50", "--quiet"]
    elif command == "weights-entropy":
        line = ["weights", "entropy", files["results"], "--columns", "key_projects,livelihood,budget_execution"]
    else:
        line = ["weights", "ahp", files["matrix"]]
    return [str(a) for a in line + ["--out", out]]


def option(command: str) -> str:
    return "DEST" if command == "convert" else "--out"


def role_name(command: str, role: str) -> str:
    return "SOURCE" if command == "convert" else ROLE[role]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def digests(files: Dict[str, Path]) -> Dict[str, str]:
    return {role: digest(path) for role, path in files.items()}


def run(capsys: pytest.CaptureFixture, line: List[str]):
    code = cli.main(line)
    out, err = capsys.readouterr()
    return code, out, err


def assert_clean_error(code: int, err: str, *names: str) -> None:
    assert code == cli.EXIT_INPUT, err
    assert err.startswith("error: "), err
    assert "Traceback" not in err and "internal error" not in err, err
    for name in names:
        assert name in err, (name, err)


def leftovers(folder: Path) -> List[str]:
    return sorted(p.name for p in folder.iterdir() if ".tmp" in p.name or ".kaohe-" in p.name)


# -- an input as the output ----------------------------------------------------------------------------------
@pytest.mark.parametrize("command,role", CASES)
def test_an_input_as_the_output_is_refused_naming_its_role(capsys, inputs, command, role):
    before = digests(inputs)
    code, out, err = run(capsys, argv(command, inputs, inputs[role]))
    assert_clean_error(code, err, f"{option(command)} {inputs[role]} is the {role_name(command, role)} input of "
                                  "this run", "--force")
    assert out == ""  # refused before any work: nothing printed
    assert digests(inputs) == before  # every input byte for byte as it was
    assert leftovers(inputs["framework"].parent) == []


@pytest.mark.parametrize("command,role", CASES)
def test_a_symbolic_link_to_an_input_is_refused(capsys, inputs, tmp_path, command, role):
    link = tmp_path / f"link{inputs[role].suffix}"
    link.symlink_to(inputs[role])
    before = digests(inputs)
    code, _, err = run(capsys, argv(command, inputs, link))
    assert_clean_error(code, err, f"{link} is the {role_name(command, role)} input",
                       f"({inputs[role]}, the same file)")
    assert digests(inputs) == before and link.is_symlink()


@pytest.mark.parametrize("command,role", CASES)
def test_a_hard_link_to_an_input_is_refused(capsys, inputs, tmp_path, command, role):
    link = tmp_path / f"hard{inputs[role].suffix}"
    os.link(inputs[role], link)
    before = digests(inputs)
    code, _, err = run(capsys, argv(command, inputs, link))
    assert_clean_error(code, err, f"{link} is the {role_name(command, role)} input")
    assert digests(inputs) == before


def test_the_same_input_spelled_differently_is_refused(capsys, inputs):
    results = inputs["results"]
    spelled = results.parent / ".." / results.parent.name / "." / results.name
    before = digest(results)
    code, _, err = run(capsys, argv("score", inputs, spelled))
    assert_clean_error(code, err, "is the RESULTS input of this run")
    assert digest(results) == before


def test_the_refusal_comes_before_any_work(capsys, inputs, monkeypatch):
    def no_work(*args, **kwargs):
        raise AssertionError("the framework was loaded before the output was checked")

    monkeypatch.setattr(kaohe.Framework, "load", no_work)
    for command in ("score", "uncertainty", "convert"):
        code, _, err = run(capsys, argv(command, inputs, inputs["framework"]))
        assert_clean_error(code, err, "is the ")


@pytest.mark.parametrize("command,role", [(c, r) for c, r in CASES if r in ("results", "events", "matrix")]
                         + [("convert", "framework"), ("score", "framework")])
def test_force_replaces_the_input_with_the_complete_output(capsys, inputs, tmp_path, command, role):
    expected = tmp_path / f"expected{inputs[role].suffix}"  # the same run writing elsewhere
    code, _, err = run(capsys, argv(command, inputs, expected))
    assert code == 0, err
    code, _, err = run(capsys, argv(command, inputs, inputs[role]) + ["--force"])
    assert code == 0, err
    assert f"wrote {inputs[role]}" in err
    assert inputs[role].read_bytes() == expected.read_bytes()  # every input was read before it was replaced
    assert leftovers(inputs[role].parent) == []


def test_force_on_convert_rewrites_the_source_in_place(capsys, inputs):
    before = kaohe.Framework.load(inputs["framework"]).to_dict()
    code, _, err = run(capsys, ["convert", str(inputs["framework"]), str(inputs["framework"]), "--force"])
    assert code == 0, err
    assert kaohe.Framework.load(inputs["framework"]).to_dict() == before


def test_an_output_that_is_not_an_input_is_written_as_before(capsys, inputs, tmp_path):
    out = tmp_path / "card.csv"
    out.write_text("an older card\n", encoding="utf-8")
    code, _, err = run(capsys, argv("score", inputs, out))
    assert code == 0, err
    assert out.read_text(encoding="utf-8-sig").startswith("unit,")


def test_a_symbolic_link_output_is_written_through(capsys, inputs, tmp_path):
    target = tmp_path / "target.csv"
    target.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    code, _, err = run(capsys, argv("whatif", inputs, link))
    assert code == 0, err
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text(encoding="utf-8-sig").startswith("unit,")


def test_a_replaced_file_keeps_its_mode_and_a_new_one_gets_the_umask(capsys, inputs, tmp_path):
    old = tmp_path / "old.csv"
    old.write_text("x\n", encoding="utf-8")
    os.chmod(old, 0o640)
    code, _, err = run(capsys, argv("stability", inputs, old))
    assert code == 0, err
    assert (old.stat().st_mode & 0o777) == 0o640
    new = tmp_path / "new.csv"
    code, _, err = run(capsys, argv("stability", inputs, new))
    assert code == 0, err
    umask = os.umask(0)
    os.umask(umask)
    assert (new.stat().st_mode & 0o777) == 0o666 & ~umask  # as open() would create it, not a private temp's 0600


# -- outputs that cannot be written --------------------------------------------------------------------------
@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_folder_as_the_output_is_an_input_error(capsys, inputs, tmp_path, command):
    folder = tmp_path / ("out.json" if command == "convert" else "out.csv")
    folder.mkdir()
    code, _, err = run(capsys, argv(command, inputs, folder))
    assert_clean_error(code, err, f"{folder}: cannot write the file (it is a folder)")
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize("command", list(COMMANDS))
def test_an_output_in_a_missing_folder_is_an_input_error(capsys, inputs, tmp_path, command):
    out = tmp_path / "no" / "such" / ("out.json" if command == "convert" else "out.csv")
    code, _, err = run(capsys, argv(command, inputs, out))
    assert_clean_error(code, err, f"{out}: cannot write the file", f"there is no folder {out.parent}")
    assert not (tmp_path / "no").exists()


@pytest.mark.parametrize("command", list(COMMANDS))
def test_an_output_under_a_regular_file_is_an_input_error(capsys, inputs, tmp_path, command):
    out = inputs["results"] / ("out.json" if command == "convert" else "out.csv")  # fails even for root
    before = digest(inputs["results"])
    code, _, err = run(capsys, argv(command, inputs, out))
    assert_clean_error(code, err, f"{out}: cannot write the file", f"{inputs['results']} is not a folder")
    assert digest(inputs["results"]) == before


@pytest.mark.parametrize("command", ["score", "convert", "weights-ahp"])
def test_a_folder_without_write_permission_is_an_input_error(capsys, inputs, tmp_path, monkeypatch, command):
    # the tests run as root, whom chmod does not stop: refuse the temporary file's creation as the OS would
    real_open = os.open

    def denied(path, flags, *args, **kwargs):
        if ".kaohe-" in os.fspath(path):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", denied)
    out = tmp_path / ("out.json" if command == "convert" else "out.csv")
    code, _, err = run(capsys, argv(command, inputs, out))
    assert_clean_error(code, err, f"error: {out}: cannot write the file (Permission denied)")
    assert ".kaohe-" not in err and not out.exists()


def test_an_os_error_while_writing_names_the_output_not_the_temporary_file(capsys, inputs, tmp_path, monkeypatch):
    out = tmp_path / "card.csv"

    def full_disk(self, path, *args, **kwargs):
        raise OSError(28, "No space left on device", str(path))

    monkeypatch.setattr(pd.core.generic.NDFrame, "to_csv", full_disk)
    code, _, err = run(capsys, argv("uncertainty", inputs, out))
    assert_clean_error(code, err, f"error: {out}: cannot write the file (No space left on device)")
    assert ".tmp" not in err and leftovers(tmp_path) == [] and not out.exists()


# -- interrupted writes --------------------------------------------------------------------------------------
def _interrupt_after_a_part(monkeypatch, method: str, seen: List[str]) -> None:
    """Make pandas' ``method`` raise Ctrl-C midway: to_csv after writing a part of the file it is given,
    to_excel after writing its sheet into the workbook."""
    real = getattr(pd.core.generic.NDFrame, method)

    def interrupted(self, path, *args, **kwargs):
        if method == "to_excel":  # path: the ExcelWriter
            seen.append(type(path).__name__)
            real(self, path, *args, **kwargs)
        else:
            seen.append(os.fspath(path))
            with open(path, "w", encoding="utf-8") as handle:
                handle.write("unit,par")
        raise KeyboardInterrupt

    monkeypatch.setattr(pd.core.generic.NDFrame, method, interrupted)


class _HalfWrite:
    """A file whose write() writes half the text, then raises Ctrl-C."""

    def __init__(self, handle) -> None:
        self.handle = handle

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.handle.close()

    def write(self, text: str) -> int:
        self.handle.write(text[: len(text) // 2])
        self.handle.flush()
        raise KeyboardInterrupt


@pytest.mark.parametrize("command,suffix", [("score", ".csv"), ("score", ".xlsx"), ("score", ".json"),
                                            ("whatif", ".csv"), ("stability", ".csv"), ("uncertainty", ".csv"),
                                            ("weights-entropy", ".csv"), ("weights-ahp", ".csv"),
                                            ("convert", ".json"), ("convert", ".yaml"), ("convert", ".xlsx")])
def test_an_interrupted_write_leaves_the_previous_file_intact(capsys, inputs, tmp_path, monkeypatch, command,
                                                               suffix):
    if suffix == ".xlsx":
        pytest.importorskip("openpyxl")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / f"previous{suffix}"
    out.write_bytes(b"the previous run's file\n")
    before = digest(out)
    seen: List[str] = []
    if suffix in (".json", ".yaml"):  # written as text by kaohe._output.write_text
        real_open = open

        def half_open(path, mode="r", *args, **kwargs):
            seen.append(os.fspath(path))
            return _HalfWrite(real_open(path, mode, *args, **kwargs))

        monkeypatch.setattr(kaohe._output, "open", half_open, raising=False)
    else:
        _interrupt_after_a_part(monkeypatch, "to_excel" if suffix == ".xlsx" else "to_csv", seen)
    code, _, err = run(capsys, argv(command, inputs, out))
    assert code == cli.EXIT_INTERRUPTED, err
    assert "interrupted" in err
    assert seen and str(out) not in seen  # the writer was given a temporary file, never the output itself
    assert digest(out) == before
    assert sorted(p.name for p in out_dir.iterdir()) == [out.name]  # no temporary file left


def test_a_new_output_is_not_created_by_an_interrupted_write(capsys, inputs, tmp_path, monkeypatch):
    out = tmp_path / "new.csv"
    _interrupt_after_a_part(monkeypatch, "to_csv", [])
    code, _, _ = run(capsys, argv("score", inputs, out))
    assert code == cli.EXIT_INTERRUPTED
    assert not out.exists() and leftovers(tmp_path) == []


# -- the Python API writes atomically ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def card() -> kaohe.ScoreCard:
    return kaohe.Framework.load(DISTRICT / "framework.json").score(
        DISTRICT / "results.csv", units=DISTRICT / "units.csv", events=DISTRICT / "events.csv")


@pytest.mark.parametrize("writer", ["card.to_csv", "card.to_excel", "framework.write_table_csv",
                                    "framework.write_table_xlsx"])
def test_api_table_writers_leave_the_previous_file_when_interrupted(card, tmp_path, monkeypatch, writer):
    from kaohe.tables import write_table

    suffix = ".xlsx" if writer.endswith(("excel", "xlsx")) else ".csv"
    if suffix == ".xlsx":
        pytest.importorskip("openpyxl")
    out = tmp_path / f"previous{suffix}"
    out.write_bytes(b"previous\n")
    seen: List[str] = []
    _interrupt_after_a_part(monkeypatch, "to_excel" if suffix == ".xlsx" else "to_csv", seen)
    with pytest.raises(KeyboardInterrupt):
        if writer == "card.to_csv":
            card.to_csv(out)
        elif writer == "card.to_excel":
            card.to_excel(out)
        else:
            write_table(card.framework.to_table(), out, allow_loss=True)
    assert seen and str(out) not in seen
    assert out.read_bytes() == b"previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name]


@pytest.mark.parametrize("writer", ["card.to_json", "framework.to_json", "framework.to_yaml"])
def test_api_text_writers_leave_the_previous_file_when_interrupted(card, tmp_path, monkeypatch, writer):
    out = tmp_path / ("previous.yaml" if writer.endswith("yaml") else "previous.json")
    out.write_bytes(b"previous\n")
    real_open = open

    def half_open(path, mode="r", *args, **kwargs):
        return _HalfWrite(real_open(path, mode, *args, **kwargs))

    monkeypatch.setattr(kaohe._output, "open", half_open, raising=False)
    with pytest.raises(KeyboardInterrupt):
        if writer == "card.to_json":
            card.to_json(out)
        elif writer == "framework.to_json":
            card.framework.to_json(out)
        else:
            card.framework.to_yaml(out)
    assert out.read_bytes() == b"previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name]


def test_api_writers_raise_os_errors_naming_the_requested_file(card, tmp_path):
    folder = tmp_path / "card.csv"
    folder.mkdir()
    with pytest.raises(IsADirectoryError) as caught:
        card.to_csv(folder)
    assert caught.value.filename == str(folder)
    missing = tmp_path / "no" / "card.json"
    with pytest.raises(FileNotFoundError) as caught:
        card.to_json(missing)
    assert caught.value.filename == str(missing)
    assert leftovers(tmp_path) == []


def test_api_writers_still_write_buffers(card):
    import io

    buffer = io.StringIO()
    card.to_csv(buffer)
    assert buffer.getvalue().splitlines()[0].startswith("unit,")
    book = io.BytesIO()
    pytest.importorskip("openpyxl")
    card.to_excel(book)
    assert book.getvalue()[:2] == b"PK"


# -- inputs that cannot be read ------------------------------------------------------------------------------
@pytest.mark.parametrize("role", ["framework", "results", "units", "events"])
@pytest.mark.parametrize("kind", ["folder", "missing"])
def test_a_folder_or_a_missing_file_as_an_input_is_an_input_error(capsys, inputs, tmp_path, role, kind):
    bad = tmp_path / ("bad.json" if role == "framework" else "bad.csv")
    if kind == "folder":
        bad.mkdir()
    files = dict(inputs, **{role: bad})
    for command in ("score", "validate"):
        line = argv("score", files, tmp_path / "card.csv")[:-2]  # without --out
        line[0] = command
        code, out, err = run(capsys, line)
        reason = "it is a folder" if kind == "folder" else ("No such file" if role == "framework" else "no such file")
        assert code == cli.EXIT_INPUT, err
        assert "Traceback" not in err and "internal error" not in err, err
        assert f"{bad}: " in err and reason in err, err


@pytest.mark.parametrize("line", [["weights", "ahp", "{folder}"], ["weights", "entropy", "{folder}"],
                                  ["convert", "{folder}", "{tmp}/x.json"], ["convert", "{folder_xlsx}", "{tmp}/x.json"],
                                  ["score", "{folder_xlsx}", "{results}"]])
def test_a_folder_as_any_other_input_is_an_input_error(capsys, inputs, tmp_path, line):
    (tmp_path / "d.csv").mkdir()
    (tmp_path / "d.xlsx").mkdir()
    values = {"folder": tmp_path / "d.csv", "folder_xlsx": tmp_path / "d.xlsx", "tmp": tmp_path,
              "results": inputs["results"]}
    code, _, err = run(capsys, [part.format(**values) for part in line])
    assert_clean_error(code, err, "cannot read the file (it is a folder)")
