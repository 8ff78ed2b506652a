"""The MCDA methods in one build, for comparing builds (portable vs KAOHE_NATIVE) in the same run:
    for b in release native; do PYTHONPATH=<package dir of build b> python3 bench/mcda_levels.py $b; done
(bench/RESULTS.md, "Why the scoring and MCDA loops are not dispatched")."""
import sys, time, json, numpy as np
import kaohe.mcda as m, kaohe
rng = np.random.default_rng(1); X = rng.uniform(0.01, 1, (1_000_000, 10)); w = np.full(10, .1); t = [1,-1]*5
def best(f, r=5):
    b = 1e9
    for _ in range(r):
        t0 = time.perf_counter(); f(); b = min(b, time.perf_counter() - t0)
    return b
out = {"build": sys.argv[1]}
out["topsis"] = best(lambda: m.topsis(X, w, t))
out["vikor"] = best(lambda: m.vikor(X, w, t))
out["entropy"] = best(lambda: m.entropy_weights(X))
out["critic"] = best(lambda: m.critic_weights(X))
out["weighted_sum"] = best(lambda: m.weighted_sum(X, w, t))
print(json.dumps({k: (round(v, 4) if isinstance(v, float) else v) for k, v in out.items()}))
