#!/usr/bin/env python3
"""Python benchmark: score 10,000 units x 500 leaves from a pandas DataFrame with kaohe, against a
straightforward pandas/numpy implementation of the same weighted scoring, measured in the same run.

Prints one JSON line: kaohe's time (best of --repeat), the time inside the C++ engine, the Python-side
overhead (conversion of the DataFrame and results), the pandas/numpy baseline's time, and the ratio.
Record the figures in bench/RESULTS.md.
"""
from __future__ import annotations

import argparse
import json
import time

import numpy as np
import pandas as pd

import kaohe
from kaohe import _core

TARGET = 80.0


def framework(leaves: int, groups: int = 10) -> kaohe.Framework:
    per = leaves // groups
    children = []
    for g in range(groups):
        kids = [{"id": f"i{g * per + k}", "weight": 1,
                 "rule": {"type": "completion", "target": TARGET}} for k in range(per)]
        children.append({"id": f"g{g}", "points": 100 / groups, "children": kids})
    return kaohe.Framework.from_dict({"kaohe": 1, "id": "bench", "total": 100,
                                      "root": {"id": "root", "children": children}})


def baseline(df: pd.DataFrame, leaves: int) -> pd.DataFrame:
    """What an analyst writes with pandas/numpy: capped completion ratio x equal leaf points, summed, ranked."""
    points = np.minimum(df.to_numpy(dtype=float) / TARGET, 1.0) * (100.0 / leaves)
    total = points.sum(axis=1)
    out = pd.DataFrame({"total": total}, index=df.index)
    out["rank"] = out["total"].rank(method="min", ascending=False)
    return out.sort_values("rank")


def best_of(repeat: int, fn):
    best, result = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--units", type=int, default=10_000)
    p.add_argument("--leaves", type=int, default=500)
    p.add_argument("--repeat", type=int, default=3)
    a = p.parse_args()
    rng = np.random.default_rng(2019)
    fw = framework(a.leaves)
    items = [f"i{j}" for j in range(a.leaves)]
    df = pd.DataFrame(rng.uniform(0, 100, (a.units, a.leaves)), columns=items,
                      index=pd.Index([f"u{i}" for i in range(a.units)], name="unit"))

    core_seconds = []
    original = _core.score

    def timed_core(*args, **kwargs):
        t0 = time.perf_counter()
        out = original(*args, **kwargs)
        core_seconds.append(time.perf_counter() - t0)
        return out

    _core.score = timed_core
    try:
        t_kaohe, card = best_of(a.repeat, lambda: fw.score(df))
    finally:
        _core.score = original
    t_base, base = best_of(a.repeat, lambda: baseline(df, a.leaves))
    t_core = min(core_seconds)
    diff = float(np.max(np.abs(card.total.to_numpy() - base["total"].reindex(card.total.index).to_numpy())))
    print(json.dumps({"units": a.units, "leaves": a.leaves, "kaohe_s": round(t_kaohe, 4), "engine_s": round(t_core, 4),
                      "python_overhead_s": round(t_kaohe - t_core, 4), "pandas_numpy_s": round(t_base, 4),
                      "ratio_kaohe_over_baseline": round(t_kaohe / t_base, 2), "max_abs_diff": diff}))


if __name__ == "__main__":
    main()
