"""atheris target: kaohe.Framework.from_yaml (YAML frameworks; PyYAML, the document limits, from_dict).

A framework that parses is written back with to_yaml and re-read: the writer must produce what the reader
accepts. Corpus: tests/fuzz/corpus/fuzz_yaml.
"""
from _harness import kaohe, run


def one_input(data: bytes) -> None:
    # Files are decoded as UTF-8 before from_yaml sees them (Framework.load), so its input is always valid text.
    text = data.decode("utf-8", "replace")
    fw = kaohe.Framework.from_yaml(text, source="fuzz.yaml")
    kaohe.Framework.from_yaml(fw.to_yaml(), source="roundtrip.yaml")


if __name__ == "__main__":
    run(one_input)
