"""Numbers that overflow (issue 16): a total that is not finite is an error naming the unit and the cause,
never a published `inf`/`nan` (which would also break every comparison of the ranking)."""
from __future__ import annotations

import pandas as pd
import pytest

import kaohe


def framework(adjustments):
    return kaohe.Framework.from_dict({"kaohe": 1, "id": "t", "adjustments": adjustments, "root": {
        "id": "r", "children": [{"id": "a", "points": 100, "rule": {"type": "linear", "zero_at": 0, "full_at": 100}}]}})


RESULTS = pd.DataFrame({"a": [50, 60]}, index=pd.Index(["u1", "u2"], name="unit"))


def events(*rows):
    return pd.DataFrame([dict(zip(("unit", "type", "target", "level", "item"), r)) for r in rows])


def test_a_bonus_that_overflows_names_the_unit_and_the_adjustment():
    fw = framework([{"id": "big", "type": "bonus", "levels": {"x": 1e308, "y": 1e308}}])
    with pytest.raises(kaohe.DataError, match=r"unit 'u1', adjustment 'big': the points are inf, not a finite "
                                              r"number, so the total \(inf\) cannot be published"):
        fw.score(RESULTS, events=events(("u1", "bonus", "big", "x", "p"), ("u1", "bonus", "big", "y", "q")))


def test_a_bonus_and_a_penalty_that_cancel_to_nan_name_both():
    fw = framework([{"id": "big", "type": "bonus", "levels": {"x": 1e308, "y": 1e308}},
                    {"id": "huge", "type": "penalty", "price": {"x": 1e308, "y": 1e308}}])
    ev = pd.concat([events(("u2", "bonus", "big", "x", "p"), ("u2", "bonus", "big", "y", "q")),
                    pd.DataFrame({"unit": ["u2", "u2"], "type": ["deduction"] * 2, "target": ["huge"] * 2,
                                  "kind": ["x", "y"], "count": [1, 1]})], ignore_index=True)
    with pytest.raises(kaohe.DataError) as info:
        fw.score(RESULTS, events=ev)
    message = str(info.value)
    assert "unit 'u2', adjustment 'big': the points are inf, not a finite number, so the total (nan)" in message


def test_large_but_finite_totals_still_score():
    fw = framework([{"id": "big", "type": "bonus", "levels": {"x": 1e300}}])
    card = fw.score(RESULTS, events=events(("u1", "bonus", "big", "x", "p")))
    assert card.total["u1"] == pytest.approx(1e300) and card.rank["u1"] == 1
