"""atheris target: kaohe's results/units/events readers (kaohe.data) from CSV bytes and from DataFrames, scored
on the district-2019 example framework.

As for the C++ fuzz_dataset target, the input is split at lines "====" into units, results and (optional)
events. Each input is read twice: as CSV files (kaohe's own decoding and text cells), and as DataFrames that
pandas built with its type inference (ints, floats, NaN, bools in cells), which is how a notebook passes them.
Corpus: tests/fuzz/corpus/fuzz_dataset, shared with the C++ target (its JSON seeds exercise the CSV errors).
"""
import io
import os
import tempfile

import pandas as pd

from _harness import REPO, kaohe, run

FRAMEWORK = kaohe.Framework.load(os.path.join(REPO, "examples", "district-2019", "framework.json"))
SEPARATOR = b"\n====\n"


def frame(part: bytes):
    """The DataFrame pandas makes of a part, or None when pandas itself cannot read it (not kaohe's input)."""
    try:
        return pd.read_csv(io.BytesIO(part))
    except Exception:  # pandas's own parse errors (ParserError, EmptyDataError, UnicodeDecodeError ...)
        return None


def one_input(data: bytes) -> None:
    # A folder per input, removed with it: libFuzzer ends the process with exit(), which skips Python's atexit.
    with tempfile.TemporaryDirectory(prefix="kaohe-fuzz-data-") as folder:
        read(data, folder)


def read(data: bytes, folder: str) -> None:
    parts = data.split(SEPARATOR, 2)
    units, results = parts[0], parts[1] if len(parts) > 1 else b""
    events = parts[2] if len(parts) > 2 else None
    paths = []
    for name, part in (("units", units), ("results", results), ("events", events)):
        if part is None:
            paths.append(None)
            continue
        path = os.path.join(folder, name + ".csv")
        with open(path, "wb") as handle:
            handle.write(part)
        paths.append(path)
    try:
        FRAMEWORK.score(paths[1], units=paths[0], events=paths[2])
    except kaohe.InputError:
        pass
    frames = [None if part is None else frame(part) for part in (units, results, events)]
    if frames[0] is None or frames[1] is None or (events is not None and frames[2] is None):
        return
    # The readers one by one too: score() may stop at the first table it refuses.
    got = kaohe.data.to_units(frames[0])
    kaohe.data.to_results(frames[1], got)
    kaohe.data.to_events(frames[2], got)
    FRAMEWORK.score(frames[1], units=frames[0], events=frames[2])


if __name__ == "__main__":
    run(one_input)
