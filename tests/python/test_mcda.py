"""kaohe.mcda against every non-AHP case of shared/reference/mcda_reference_vectors.json (loaded from the file),
each to its source's tolerance with the reproducing convention named; plus input forms, labels, properties and
errors."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, List

import numpy as np
import pandas as pd
import pytest

import kaohe
import kaohe.mcda as mcda


@pytest.fixture(scope="module")
def cases(shared_reference: Path) -> List[Dict[str, Any]]:
    return json.loads((shared_reference / "mcda_reference_vectors.json").read_text(encoding="utf-8"))


def of(cases: List[Dict[str, Any]], method: str) -> List[Dict[str, Any]]:
    return [c for c in cases if c["method"] == method]


def by_id(cases: List[Dict[str, Any]], case_id: str) -> Dict[str, Any]:
    return next(c for c in cases if c["id"] == case_id)


def assert_within(actual: Any, expected: Any, tol: Dict[str, Any], what: str, key: str = "") -> None:
    actual = np.asarray(actual, dtype=float)
    expected = np.asarray(expected, dtype=float)
    kind = tol["kind"]
    if kind == "round":
        allowed = tol["abs"] * (1 + 1e-9)
    elif kind == "allclose":
        allowed = tol["atol"] + tol["rtol"] * np.abs(expected)
    elif kind == "assertAlmostEqual":
        allowed = 0.5 * 10.0 ** -tol[f"{key}_places" if key else "places"]
    else:
        raise AssertionError(f"unknown tolerance {kind}")
    assert actual.shape == expected.shape, what
    assert np.all(np.abs(actual - expected) <= allowed), f"{what}: {actual} vs {expected}"


# ---- reference cases --------------------------------------------------------------------------------------------

def test_entropy_weights_with_types_ignored(cases: List[Dict[str, Any]]) -> None:
    entropy = of(cases, "entropy_weights")
    assert len(entropy) == 6
    for c in entropy:
        w = mcda.entropy_weights(c["matrix"])  # cost="ignore": every published case
        assert w.attrs["variant"] == "cost=ignore"
        assert_within(w, c["expected"]["weights"], c["tolerance"], c["id"])


CRITIC_CONVENTION = {
    "critic-tus2019": ("minmax_all_benefit", "pearson"),  # pymcdm: types ignored although C1 is a cost
    "critic-diakoulaki1995-scaled-pearson": ("minmax", "pearson"),
    "critic-diakoulaki1995-raw-pearson": ("none", "pearson"),
    "critic-diakoulaki1995-scaled-spearman": ("minmax", "spearman"),
    "critic-diakoulaki1995-raw-spearman": ("none", "spearman"),
}


def test_critic_weights_named_conventions(cases: List[Dict[str, Any]]) -> None:
    critic = of(cases, "critic_weights")
    assert {c["id"] for c in critic} == set(CRITIC_CONVENTION)
    for c in critic:
        normalisation, correlation = CRITIC_CONVENTION[c["id"]]
        w = mcda.critic_weights(c["matrix"], c["types"], normalisation=normalisation, correlation=correlation)
        assert w.attrs["variant"] == f"normalisation={normalisation}, correlation={correlation}"
        assert_within(w, c["expected"]["weights"], c["tolerance"], c["id"])
    tus = by_id(cases, "critic-tus2019")
    oriented = mcda.critic_weights(tus["matrix"], tus["types"], normalisation="minmax")
    np.testing.assert_allclose(oriented, tus["derived"]["weights_if_C1_oriented_as_cost"], atol=1e-6)


def test_std_and_merec_weights(cases: List[Dict[str, Any]]) -> None:
    for c in of(cases, "std_weights"):
        assert_within(mcda.std_weights(c["matrix"]), c["expected"]["weights"], c["tolerance"], c["id"])
    for c in of(cases, "merec_weights"):
        assert_within(mcda.merec_weights(c["matrix"], c["types"]), c["expected"]["weights"], c["tolerance"], c["id"])
    assert len(of(cases, "std_weights")) == 3 and len(of(cases, "merec_weights")) == 1


def test_normalisation_cost_conventions(cases: List[Dict[str, Any]]) -> None:
    norm = [c for c in cases if c["method"].startswith("normalization:")]
    assert len(norm) == 5
    for c in norm:
        out = mcda.normalise(c["matrix"], c["types"], how=c["method"].split(":")[1])
        assert_within(np.asarray(out).ravel(), c["expected"]["normalized_flat"], c["tolerance"], c["id"])


TOPSIS_CONVENTION = {"topsis-opricovic2004-minmax": "minmax", "topsis-pymcdm-readme": "minmax",
                     "topsis-tzeng2011": "vector", "topsis-skc-unnormalised": "none", "topsis-ersoy2021": "vector"}


def test_topsis_named_normalisation(cases: List[Dict[str, Any]]) -> None:
    topsis = of(cases, "topsis")
    assert {c["id"] for c in topsis} == set(TOPSIS_CONVENTION)
    for c in topsis:
        r = mcda.topsis(c["matrix"], c["weights"], c["types"], normalisation=TOPSIS_CONVENTION[c["id"]])
        e = c["expected"]
        assert_within(r.scores, e.get("preference", e.get("similarity")), c["tolerance"], c["id"])
        for key in ("rank", "ranking"):
            if key in e:
                assert r.ranking.tolist() == e[key], c["id"]
        if "ideal" in e:
            assert_within(r.ideal, e["ideal"], c["tolerance"], c["id"])
            assert_within(r.anti_ideal, e["anti_ideal"], c["tolerance"], c["id"])
        assert r.variant.startswith(f"normalisation={TOPSIS_CONVENTION[c['id']]}")


def test_vikor_cases(cases: List[Dict[str, Any]]) -> None:
    vikor = of(cases, "vikor")
    assert len(vikor) == 10
    for c in vikor:
        p, e = c["params"], c["expected"]
        ranking = "by_q" if p.get("use_compromise_set") is False else "compromise_first"
        r = mcda.vikor(c["matrix"], c["weights"], c["types"], v=p["v"], weight_scaling="normalise",
                       ranking=ranking, ties="dense")
        for key in ("S", "R", "Q"):
            if key in e:
                assert_within(getattr(r, key), e[key], c["tolerance"], f"{c['id']} {key}")
        if "rank" in e:
            assert r.ranking.tolist() == e["rank"], c["id"]
        if "compromise_set_index" in e:
            assert r.compromise == e["compromise_set_index"], c["id"]
            assert r.acceptable_advantage == e["acceptable_advantage"], c["id"]
            assert r.acceptable_stability == e["acceptable_stability"], c["id"]
        if "rank_with_compromise_set" in e:
            with_set = mcda.vikor(c["matrix"], c["weights"], c["types"], v=p["v"], ranking="compromise_first")
            without = mcda.vikor(c["matrix"], c["weights"], c["types"], v=p["v"], ranking="by_q")
            assert with_set.ranking.tolist() == e["rank_with_compromise_set"]
            assert without.ranking.tolist() == e["rank_without_compromise_set"]
        np.testing.assert_allclose(r.Q, c["derived"]["Q_full"], atol=1e-12)


def test_weighted_sum_named_weight_scaling(cases: List[Dict[str, Any]]) -> None:
    scaling = {"wsm-kracka2010": "normalise", "wsm-pymcdm-self": "as_given"}
    wsm = of(cases, "weighted_sum")
    assert {c["id"] for c in wsm} == set(scaling)
    for c in wsm:
        r = mcda.weighted_sum(c["matrix"], c["weights"], c["types"], normalisation="sum",
                              weight_scaling=scaling[c["id"]])
        e = c["expected"]
        assert_within(r.scores, e.get("score", e.get("preference")), c["tolerance"], c["id"])
        if "rank" in e:
            assert r.ranking.tolist() == e["rank"]


def test_rank_comparison_cases(cases: List[Dict[str, Any]]) -> None:
    rc = of(cases, "rank_correlation")
    assert len(rc) == 3
    for c in rc:
        x, y, e = c["params"]["x"], c["params"]["y"], c["expected"]
        if c["tolerance"]["kind"] == "mixed":
            assert mcda.spearman(x, y) == e["r_s"]  # the closed form gives exactly 0.9
            assert abs(mcda.weighted_spearman(x, y) - e["r_w"]) <= 0.5e-4
            assert abs(mcda.ws_similarity(x, y) - e["WS"]) <= 0.5e-4
        else:
            for key, f in (("r_s", mcda.spearman), ("r_w", mcda.weighted_spearman), ("WS", mcda.ws_similarity)):
                if key in e:
                    assert_within(f(x, y), e[key], c["tolerance"], f"{c['id']} {key}")
        assert abs(mcda.kendall_tau_b(x, y) - c["derived"]["kendall_tau"]) <= 1e-6  # derived, not published
    (draws,) = of(cases, "draWS_distance")
    for ranking, expected in draws["params"]["cases"]:
        assert_within(mcda.draws_distance(draws["params"]["reference"], ranking), expected, draws["tolerance"], "draWS")
    (dist,) = of(cases, "ranking_distance")
    for ranking, kemeny, frobenius in dist["params"]["cases"]:
        ref = dist["params"]["reference"]
        assert_within(mcda.kemeny_distance(ref, ranking), kemeny, dist["tolerance"], "kemeny", "kemeny")
        assert_within(mcda.frobenius_distance(ref, ranking), frobenius, dist["tolerance"], "frobenius", "frobenius")


def test_every_non_ahp_case_is_covered(cases: List[Dict[str, Any]]) -> None:
    covered = {"entropy_weights", "critic_weights", "std_weights", "merec_weights", "topsis", "vikor",
               "weighted_sum", "rank_correlation", "draWS_distance", "ranking_distance"}
    for c in cases:
        if not c["method"].startswith(("ahp_", "normalization:")):
            assert c["method"] in covered, c["method"]


# ---- input forms and labels -------------------------------------------------------------------------------------

def test_dataframe_labels_flow_into_results() -> None:
    df = pd.DataFrame({"price": [250, 200, 300, 275], "storage": [16, 16, 32, 32], "camera": [12, 8, 16, 8]},
                      index=["p1", "p2", "p3", "p4"])
    types = {"price": "cost", "storage": "benefit", "camera": "benefit"}
    w = mcda.entropy_weights(df)
    assert list(w.index) == ["price", "storage", "camera"] and w.attrs["method"] == "entropy"
    assert list(w.attrs["diagnostics"]["entropy"].index) == list(w.index)
    t = mcda.topsis(df, w, pd.Series(types)[["camera", "price", "storage"]], normalisation="minmax")
    assert list(t.scores.index) == ["p1", "p2", "p3", "p4"]
    # a types Series is aligned by label: same as the list in column order
    t2 = mcda.topsis(df, w.to_numpy(), ["cost", "benefit", "benefit"], normalisation="minmax")
    np.testing.assert_array_equal(t.scores.to_numpy(), t2.scores.to_numpy())
    v = mcda.vikor(df, w, [-1, 1, 1])
    assert set(v.compromise) <= set(df.index) and v.order[0] in df.index
    comb = mcda.combine_weights(pd.Series([0.5, 0.3, 0.2], index=["camera", "price", "storage"]), w, alpha=0.4)
    assert list(comb.index) == ["camera", "price", "storage"]
    assert comb["price"] == pytest.approx(0.4 * 0.3 + 0.6 * w["price"])
    assert mcda.equal_weights(df).index.tolist() == list(df.columns)
    assert mcda.equal_weights(4).tolist() == [0.25] * 4


def test_numpy_lists_and_dataframes_agree_and_inputs_are_not_modified() -> None:
    rng = np.random.default_rng(3)
    x = rng.uniform(1, 10, size=(30, 4))
    before = x.copy()
    types = [1, -1, 1, -1]
    weights = [0.1, 0.2, 0.3, 0.4]
    a = mcda.topsis(x, weights, types).scores.to_numpy()
    b = mcda.topsis(x.tolist(), weights, types).scores.to_numpy()
    c = mcda.topsis(pd.DataFrame(x), weights, types).scores.to_numpy()
    d = mcda.topsis(np.asfortranarray(x), weights, types).scores.to_numpy()
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a, c)
    np.testing.assert_array_equal(a, d)
    np.testing.assert_array_equal(x, before)
    assert mcda.critic_weights(x, types).sum() == pytest.approx(1.0)


def test_lazy_ranking_and_tie_methods() -> None:
    r = mcda.weighted_sum([[1, 1], [2, 2], [1, 1]], [0.5, 0.5], [1, 1], normalisation="max", ties="average")
    assert r.ranking.tolist() == [2.5, 1.0, 2.5]
    assert mcda.rank([3, 1, 3], ties="dense").tolist() == [1, 2, 1]
    assert mcda.rank([3, 1, 3], higher_is_better=False, ties="competition").tolist() == [2, 1, 2]
    p = mcda.weighted_product([[4, 2], [9, 3]], [0.5, 1.0], [1, -1], normalisation="none")
    np.testing.assert_allclose(p.scores, [1.0, 1.0])


# ---- properties -------------------------------------------------------------------------------------------------

def test_weights_sum_to_one_and_entropy_is_scale_invariant() -> None:
    rng = np.random.default_rng(5)
    x = rng.uniform(1, 100, size=(50, 5))
    types = [1, -1, 1, 1, -1]
    for w in (mcda.entropy_weights(x), mcda.critic_weights(x, types), mcda.critic_weights(x, correlation="spearman"),
              mcda.std_weights(x), mcda.merec_weights(x, types)):
        assert w.sum() == pytest.approx(1.0, abs=1e-12) and (w >= 0).all()
    scaled = x.copy()
    scaled[:, 1] *= 1e4
    np.testing.assert_allclose(mcda.entropy_weights(scaled), mcda.entropy_weights(x), atol=1e-12)


def test_topsis_duplicate_alternative() -> None:
    rng = np.random.default_rng(6)
    x = rng.uniform(1, 100, size=(10, 4))
    dup = np.vstack([x, x[3]])
    w, t = [0.25] * 4, [1, -1, 1, 1]
    mm = mcda.topsis(x, w, t, normalisation="minmax").scores.to_numpy()
    mm_dup = mcda.topsis(dup, w, t, normalisation="minmax").scores.to_numpy()
    np.testing.assert_allclose(mm_dup[:10], mm, atol=1e-15)  # min-max: unchanged
    vec = mcda.topsis(x, w, t).scores.to_numpy()
    vec_dup = mcda.topsis(dup, w, t).scores.to_numpy()
    assert np.max(np.abs(vec_dup[:10] - vec)) > 1e-6  # vector: the column norms change (documented)


def test_permutation_and_identical_rankings() -> None:
    rng = np.random.default_rng(8)
    x = rng.uniform(1, 100, size=(20, 3))
    perm = rng.permutation(20)
    w, t = [0.2, 0.5, 0.3], [1, 1, -1]
    a, b = mcda.vikor(x, w, t), mcda.vikor(x[perm], w, t)
    np.testing.assert_allclose(b.Q.to_numpy(), a.Q.to_numpy()[perm], atol=1e-14)
    r = [4, 2, 1, 3, 5]
    assert mcda.spearman(r, r) == 1.0 and mcda.weighted_spearman(r, r) == 1.0
    assert mcda.ws_similarity(r, r) == 1.0 and mcda.kendall_tau_b(r, r) == 1.0


def test_thread_count_does_not_change_results() -> None:
    rng = np.random.default_rng(9)
    x = rng.uniform(0.1, 1, size=(40000, 6))
    t = [1, -1, 1, 1, -1, 1]
    w = [1 / 6] * 6
    for f in (lambda k: mcda.topsis(x, w, t, threads=k).scores, lambda k: mcda.entropy_weights(x, threads=k),
              lambda k: mcda.critic_weights(x, t, threads=k)):
        np.testing.assert_array_equal(f(1).to_numpy(), f(2).to_numpy())


# ---- errors -----------------------------------------------------------------------------------------------------

def test_errors_name_the_row_and_criterion() -> None:
    df = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [4.0, -5.0, 6.0]}, index=["x", "y", "z"])
    with pytest.raises(kaohe.DataError) as err:
        mcda.entropy_weights(df)
    assert err.value.row == 2 and err.value.column == "b"
    assert "alternative 'y'" in str(err.value) and "negative" in str(err.value)
    df.iloc[1, 1] = np.nan
    with pytest.raises(kaohe.DataError, match="not a finite number"):
        mcda.topsis(df, [0.5, 0.5], [1, 1])
    with pytest.raises(kaohe.DataError, match="constant"):
        mcda.critic_weights(pd.DataFrame({"a": [1, 2, 3], "b": [5, 5, 5]}))
    with pytest.raises(kaohe.DataError, match="not > 0"):
        mcda.merec_weights([[1, 0], [2, 3]], [1, -1])
    with pytest.raises(kaohe.DataError, match="at least 2 alternatives"):
        mcda.vikor([[1, 2]], [0.5, 0.5], [1, 1])
    with pytest.raises(kaohe.DataError, match="criterion type 2"):
        mcda.topsis([[1, 2], [3, 4]], [0.5, 0.5], [1, "max"])
    with pytest.raises(kaohe.DataError, match="2-D"):
        mcda.topsis([1, 2, 3], [1], [1])
    with pytest.raises(kaohe.DataError, match="unknown TOPSIS normalisation"):
        mcda.topsis([[1, 2], [3, 4]], [0.5, 0.5], [1, 1], normalisation="l2")
    with pytest.raises(kaohe.DataError, match="needs the criterion types"):
        mcda.topsis([[1, 2], [3, 4]], [0.5, 0.5], None)
    with pytest.raises(kaohe.DataError, match="different lengths"):
        mcda.kendall_tau_b([1, 2, 3], [1, 2])
    with pytest.raises(kaohe.DataError, match="alpha"):
        mcda.combine_weights([0.5, 0.5], [0.2, 0.8], alpha=2)
    assert issubclass(kaohe.DataError, ValueError)
