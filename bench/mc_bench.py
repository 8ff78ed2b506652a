#!/usr/bin/env python3
"""Monte Carlo benchmark: kaohe vs the numpy baseline vs a bare GEMM, on the same workload, in the same run.

Workload (../shared/bench/mc_numpy_baseline.py): 1,000 units x 100 leaf indicators x 100,000 Dirichlet weight
samples (concentration 50), with full rank histograms. Runs, one after the other:

1. ``kaohe_mc_bench`` (bench/mc_bench.cpp): kaohe::monte_carlo through the public C++ API, then bare Eigen
   GEMMs of the same shapes on the same threads, in double precision (the issue's baseline) and in single
   precision (what kaohe's ranking path multiplies in); reports the times and the peak RSS of that process;
2. the same study through the Python API (``ScoreCard.monte_carlo``), with its peak RSS;
3. the numpy baseline script, unchanged;
4. with ``--native-build``, the same ``kaohe_mc_bench`` from a ``KAOHE_NATIVE=ON`` build (between 1 and 3), so the
   portable build's runtime dispatch is compared with ``-march=native`` in the same run.

Prints one JSON object with the times, the ratios (numpy / kaohe, kaohe / each GEMM) and peak memory; record it in
bench/RESULTS.md with the command line. Machines are noisy: compare ratios from one run, not absolute times.

    python3 bench/mc_bench.py --build build/release [--native-build build/native] [--samples 100000] [--repeat 3]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BASELINE = HERE.parent.parent / "shared" / "bench" / "mc_numpy_baseline.py"

PYTHON_RUN = r"""
import json, resource, sys, time
import numpy as np, pandas as pd, kaohe
units, leaves, samples, seed, threads = map(int, sys.argv[1:6])
rng = np.random.default_rng(seed)
scores = rng.random((units, leaves)) * 100.0
w0 = rng.uniform(0.5, 1.5, leaves)
fw = kaohe.Framework.from_dict({"kaohe": 1, "id": "bench", "total": 100, "root": {"id": "root", "children": [
    {"id": f"i{j}", "weight": float(w0[j]), "rule": {"type": "linear", "input": f"i{j}", "zero_at": 0, "full_at": 100}}
    for j in range(leaves)]}})
results = pd.DataFrame(scores, columns=[f"i{j}" for j in range(leaves)])
results.insert(0, "unit", [f"u{u}" for u in range(units)])
card = fw.score(results)
t0 = time.perf_counter()
mc = card.monte_carlo(kaohe.Dirichlet("", 50.0), samples=samples, seed=seed, threads=threads, progress=False,
                      grades=False)
seconds = time.perf_counter() - t0
print(json.dumps({"seconds": seconds, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "mean_abs_rank_shift": mc.mean_abs_shift}))
"""


def run_json(cmd: list[str], env: dict | None = None) -> dict:
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--build", default="build/release", help="CMake build directory with bench/kaohe_mc_bench")
    p.add_argument("--units", type=int, default=1000)
    p.add_argument("--indicators", type=int, default=100)
    p.add_argument("--samples", type=int, default=100_000)
    p.add_argument("--threads", type=int, default=0, help="0 = all cores")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--repeat", type=int, default=1, help="take the best of N runs of each")
    p.add_argument("--no-python", action="store_true", help="skip the Python API run")
    p.add_argument("--native-build", help="also run this build's kaohe_mc_bench (configured with -DKAOHE_NATIVE=ON) "
                                          "in each repetition and report the portable build's time relative to it")
    a = p.parse_args()
    binary = Path(a.build) / "bench" / "kaohe_mc_bench"
    if not binary.exists():
        sys.exit(f"{binary} not found: cmake -S . -B {a.build} -DCMAKE_BUILD_TYPE=Release && "
                 f"cmake --build {a.build} --target kaohe_mc_bench")
    threads = a.threads or os.cpu_count() or 1
    shape = ["--units", str(a.units), "--indicators", str(a.indicators), "--samples", str(a.samples)]
    best: dict = {}
    for _ in range(a.repeat):
        cpp = run_json([str(binary), *shape, "--threads", str(threads), "--seed", str(a.seed)])
        native = (run_json([str(Path(a.native_build) / "bench" / "kaohe_mc_bench"), *shape, "--threads",
                            str(threads), "--seed", str(a.seed)]) if a.native_build else None)
        numpy = run_json([sys.executable, str(BASELINE), *shape, "--seed", str(a.seed)])
        py = None if a.no_python else run_json([sys.executable, "-c", PYTHON_RUN, str(a.units), str(a.indicators),
                                               str(a.samples), str(a.seed), str(threads)])
        # ratios within this repetition: the three ran back to back on the same machine state
        rep = {
            "kaohe_cpp_seconds": cpp["kaohe_seconds"], "gemm_seconds": cpp["gemm_seconds"],
            "numpy_seconds": numpy["seconds"],
            "speedup_vs_numpy": numpy["seconds"] / cpp["kaohe_seconds"],
            "ratio_to_gemm": cpp["kaohe_seconds"] / cpp["gemm_seconds"],
            "gemm_float_seconds": cpp["gemm_float_seconds"],
            "ratio_to_gemm_float": cpp["kaohe_seconds"] / cpp["gemm_float_seconds"],
            "cpp_peak_rss_mb": cpp["peak_rss_mb"], "linear_path": cpp["linear_path"],
            "kernel_level": cpp.get("kernel_level"), "build": cpp.get("build"),
        }
        if native:
            if native["checksum"] != cpp["checksum"]:
                sys.exit(f"the native build's checksum {native['checksum']} differs from {cpp['checksum']}")
            rep.update({"native_cpp_seconds": native["kaohe_seconds"],
                        "portable_vs_native": cpp["kaohe_seconds"] / native["kaohe_seconds"]})
        if py:
            rep.update({"kaohe_python_seconds": py["seconds"], "python_peak_rss_mb": py["peak_rss_mb"],
                        "python_speedup_vs_numpy": numpy["seconds"] / py["seconds"]})
        if not best or rep["speedup_vs_numpy"] > best["speedup_vs_numpy"]:
            best = rep
    best.update({"units": a.units, "indicators": a.indicators, "samples": a.samples, "threads": threads,
                 "repeat": a.repeat})
    print(json.dumps(best, indent=1))


if __name__ == "__main__":
    main()
