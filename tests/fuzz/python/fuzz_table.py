"""atheris target: kaohe.Framework.from_table on CSV bytes (flat indicator tables; encoding detection, cells,
rule parameters as JSON/YAML). A framework that parses is turned back into a table (a DataFrame, which keeps
the top-level keys a CSV file cannot) and re-read, so the DataFrame path of from_table is fuzzed too.
Corpus: tests/fuzz/corpus/fuzz_table.
"""
import os
import tempfile

from _harness import kaohe, run


def one_input(data: bytes) -> None:
    # A folder per input, removed with it: libFuzzer ends the process with exit(), which skips Python's atexit.
    with tempfile.TemporaryDirectory(prefix="kaohe-fuzz-table-") as folder:
        path = os.path.join(folder, "framework.csv")
        with open(path, "wb") as handle:
            handle.write(data)
        fw = kaohe.Framework.from_table(path)
    kaohe.Framework.from_table(fw.to_table())


if __name__ == "__main__":
    run(one_input)
