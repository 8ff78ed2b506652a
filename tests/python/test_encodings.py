"""CSV inputs with Chinese text in UTF-8, UTF-8 with BOM and GB18030 are detected and score identically."""
from __future__ import annotations

from pathlib import Path
from typing import Dict

import numpy as np
import pandas as pd
import pytest

import kaohe
from kaohe.errors import DataError, FrameworkError, LossWarning
from kaohe.tables import write_table
from conftest import assert_same_scores, read_rows, rows_text

ENCODINGS = {"utf-8": "utf-8", "utf-8-bom": "utf-8-sig", "gb18030": "gb18030"}


@pytest.fixture(scope="module")
def chinese_texts(district_files) -> Dict[str, str]:
    """The district units, results and events with every unit id replaced by its Chinese name."""
    units = read_rows(district_files["units"])
    rename = {row[0]: row[1] for row in units[1:]}
    for row in units[1:]:
        row[0] = rename[row[0]]
    results = read_rows(district_files["results"])
    events = read_rows(district_files["events"])
    for table in (results, events):
        assert table[0][0] == "unit"
        for row in table[1:]:
            row[0] = rename[row[0]]
    return {"units": rows_text(units), "results": rows_text(results), "events": rows_text(events)}


def _write(folder: Path, texts: Dict[str, str], encoding: str) -> Dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, text in texts.items():
        path = folder / f"{name}.csv"
        path.write_bytes(text.encode(encoding))
        paths[name] = path
    return paths


def _score(fw: kaohe.Framework, paths: Dict[str, Path], **kwargs) -> kaohe.ScoreCard:
    return fw.score(paths["results"], units=paths["units"], events=paths["events"], **kwargs)


def test_the_encodings_really_differ(chinese_texts, tmp_path):
    files = {label: _write(tmp_path / label, chinese_texts, enc)["units"].read_bytes()
             for label, enc in ENCODINGS.items()}
    assert files["utf-8-bom"].startswith(b"\xef\xbb\xbf") and not files["utf-8"].startswith(b"\xef\xbb\xbf")
    assert files["utf-8-bom"][3:] == files["utf-8"]
    assert files["gb18030"] != files["utf-8"] and "区政府办公室".encode("gb18030") in files["gb18030"]


def test_all_encodings_are_detected_and_score_identically(chinese_texts, district, district_card, tmp_path):
    cards = {}
    for label, encoding in ENCODINGS.items():
        paths = _write(tmp_path / label, chinese_texts, encoding)
        table = kaohe.read_table(paths["units"])
        assert table.attrs["encoding"] == ("gb18030" if label == "gb18030" else "utf-8-sig")
        assert table["id"].iloc[0] == "区政府办公室" and list(table.columns) == ["id", "name", "category", "in_pool"]
        cards[label] = _score(district, paths)
    for label, card in cards.items():
        assert card.unit_ids[0] == "区政府办公室", label
        assert_same_scores(card, cards["utf-8"])
    # the same numbers as the ASCII-id example, unit for unit
    assert np.array_equal(cards["gb18030"].arrays["total"], district_card.arrays["total"])
    assert cards["gb18030"].table().index[0] == "区审计局"
    assert cards["utf-8-bom"].explain("沙头街道").startswith("沙头街道 (沙头街道), 镇街 (town)")


@pytest.mark.parametrize("label,explicit", [("gb18030", "gb18030"), ("gb18030", "GBK"), ("utf-8-bom", "utf-8"),
                                            ("utf-8", "utf-8"), ("utf-8-bom", "utf-8-sig")])
def test_explicit_encoding(label, explicit, chinese_texts, district, tmp_path):
    paths = _write(tmp_path / label, chinese_texts, ENCODINGS[label])
    card = _score(district, paths, encoding=explicit)
    reference = _score(district, _write(tmp_path / "ref", chinese_texts, "utf-8"))
    assert_same_scores(card, reference)
    table = kaohe.read_table(paths["units"], encoding=explicit)
    assert table.attrs["encoding"] == explicit and table["name"].iloc[1] == "区发展和改革局"


def test_wrong_explicit_encoding_names_the_file_and_line(chinese_texts, district, tmp_path):
    paths = _write(tmp_path / "gb", chinese_texts, "gb18030")
    with pytest.raises(DataError) as info:
        _score(district, paths, encoding="utf-8")
    message = str(info.value)
    assert info.value.file == str(paths["units"])
    assert message.startswith(f"{paths['units']}: cannot decode byte 0x")
    assert "at line 2 as utf-8" in message  # the header is ASCII; the first Chinese name is on line 2
    assert "try encoding=None" in message


def test_undecodable_file_without_encoding_asks_for_one(tmp_path):
    path = tmp_path / "units.csv"
    path.write_bytes("id,name\n".encode() + b"a,\x81\x20\xff\n")  # neither UTF-8 nor GB18030
    with pytest.raises(DataError, match=r"units\.csv: cannot decode byte 0x81 at line 2 as utf-8-sig or gb18030; "
                                        r"give the file's encoding"):
        kaohe.read_table(path)
    assert kaohe.read_table(path, encoding="latin-1")["name"].iloc[0] == "\x81 ÿ"


def test_a_framework_table_in_gb18030(district, tmp_path):
    table = district.to_table()
    utf8, gb = tmp_path / "utf8.csv", tmp_path / "gb.csv"
    with pytest.warns(LossWarning):  # the top-level keys, given back below
        write_table(table, utf8, allow_loss=True)
        write_table(table, gb, encoding="gb18030", allow_loss=True)
    assert utf8.read_bytes() != gb.read_bytes()
    meta = table.attrs["meta"]
    detected = kaohe.Framework.from_table(gb, **meta)
    explicit = kaohe.Framework.from_table(gb, encoding="gb18030", **meta)
    assert detected.to_dict() == explicit.to_dict() == kaohe.Framework.from_table(utf8, **meta).to_dict()
    assert detected.to_dict() == district.to_dict()
    with pytest.raises(FrameworkError, match=r"gb\.csv: cannot decode byte 0x[0-9a-f]{2} at line 2 as utf-8"):
        kaohe.Framework.from_table(gb, encoding="utf-8", **meta)


def test_a_framework_json_in_gb18030(district, tmp_path):
    path = tmp_path / "framework.json"
    path.write_bytes(district.to_json().encode("gb18030"))
    assert kaohe.Framework.load(path, encoding="gb18030").to_dict() == district.to_dict()
    with pytest.raises(FrameworkError) as info:
        kaohe.Framework.load(path)
    text = district.to_json()
    first = next(i for i, line in enumerate(text.splitlines(), start=1) if not line.isascii())
    assert first > 1 and '"name"' in text.splitlines()[first - 1]
    assert str(info.value).startswith(f"{path}: line {first}: not valid UTF-8 text")


def test_excel_inputs_need_no_encoding(chinese_texts, district, tmp_path):
    frames = {name: pd.read_csv(pd.io.common.StringIO(text), dtype=str, keep_default_na=False)
              for name, text in chinese_texts.items()}
    paths = {}
    for name, frame in frames.items():
        paths[name] = tmp_path / f"{name}.xlsx"
        frame.to_excel(paths[name], index=False, sheet_name=name)
    card = _score(district, paths)
    reference = _score(district, _write(tmp_path / "ref", chinese_texts, "utf-8"))
    assert_same_scores(card, reference)
