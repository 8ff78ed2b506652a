// kaohe._core.mcda_*: the MCDA methods (objective weights, TOPSIS, VIKOR, WSM/WPM, rank comparison). The decision
// matrix arrives as a C-order float64 numpy array mapped row-major in place (no copy; pybind11 converts only
// inputs of another dtype or layout), the computation runs with the GIL released, and result vectors leave as
// numpy arrays that own the C++ buffers (no copy). The pandas work is in python/kaohe/mcda.py.
#include <string>
#include <utility>
#include <vector>

#include "bindings.hpp"
#include "kaohe/mcda/combined_weights.hpp"
#include "kaohe/mcda/normalisation.hpp"
#include "kaohe/mcda/objective_weights.hpp"
#include "kaohe/mcda/rank_correlation.hpp"
#include "kaohe/mcda/topsis.hpp"
#include "kaohe/mcda/vikor.hpp"
#include "kaohe/mcda/weighted_sum.hpp"

namespace kaohe::python {
namespace {

using namespace kaohe::mcda;
using Matrix = py::array_t<double, py::array::c_style | py::array::forcecast>;
using Array = py::array_t<double, py::array::c_style | py::array::forcecast>;

Eigen::Map<const RowMatrix> map_matrix(const Matrix& a) {
    if (a.ndim() != 2)
        throw data_error(
            Location({}, "decision matrix"),
            "the decision matrix must be 2-D (alternatives x criteria), not " + std::to_string(a.ndim()) + "-D");
    return Eigen::Map<const RowMatrix>(a.data(), a.shape(0), a.shape(1));
}

Vector to_vector(const Array& a, const char* what) {
    if (a.ndim() != 1) throw data_error(Location({}, what), std::string(what) + " must be 1-D");
    return Eigen::Map<const Vector>(a.data(), a.shape(0));
}

// A numpy array owning the vector's buffer (moved, not copied).
py::array_t<double> to_numpy(Vector&& v) {
    auto* owned = new Vector(std::move(v));
    py::capsule base(owned, [](void* p) { delete static_cast<Vector*>(p); });
    return py::array_t<double>({owned->size()}, {static_cast<py::ssize_t>(sizeof(double))}, owned->data(), base);
}
py::array_t<double> to_numpy(const std::vector<double>& v) {
    py::array_t<double> out(static_cast<py::ssize_t>(v.size()));
    std::copy(v.begin(), v.end(), out.mutable_data());
    return out;
}

CriterionTypes types_of(const std::vector<int>& signs) {
    return criterion_types(signs);
}

RunOptions run_options(std::vector<std::string> alternatives, std::vector<std::string> criteria, unsigned threads) {
    RunOptions o;
    o.labels.alternatives = std::move(alternatives);
    o.labels.criteria = std::move(criteria);
    o.threads = threads;
    return o;
}

py::dict weight_dict(WeightResult&& r) {
    py::dict out;
    out["weights"] = to_numpy(std::move(r.weights));
    out["method"] = r.method;
    out["variant"] = r.variant;
    py::dict diag;
    for (auto& [name, values] : r.diagnostics) diag[py::str(name)] = to_numpy(std::move(values));
    out["diagnostics"] = diag;
    return out;
}

template <class Options>
Options with_run(const RunOptions& run) {
    Options o;
    static_cast<RunOptions&>(o) = run;
    return o;
}

CriticNormalisation critic_normalisation(const std::string& name) {
    for (auto n : {CriticNormalisation::minmax, CriticNormalisation::minmax_all_benefit, CriticNormalisation::none})
        if (name == to_string(n)) return n;
    throw data_error(Location({}, "normalisation"),
                     "unknown CRITIC normalisation '" + name + "' (known: minmax, minmax_all_benefit, none)");
}
Correlation correlation_of(const std::string& name) {
    if (name == "pearson") return Correlation::pearson;
    if (name == "spearman") return Correlation::spearman;
    throw data_error(Location({}, "correlation"), "unknown correlation '" + name + "' (known: pearson, spearman)");
}
TopsisNormalisation topsis_normalisation(const std::string& name) {
    for (auto n : {TopsisNormalisation::vector, TopsisNormalisation::minmax, TopsisNormalisation::none})
        if (name == to_string(n)) return n;
    throw data_error(Location({}, "normalisation"),
                     "unknown TOPSIS normalisation '" + name + "' (known: vector, minmax, none)");
}
WeightScaling weight_scaling(const std::string& name) {
    if (name == "as_given") return WeightScaling::as_given;
    if (name == "normalise") return WeightScaling::normalise;
    throw data_error(Location({}, "weights"), "unknown weight scaling '" + name + "' (known: as_given, normalise)");
}
EntropyCost entropy_cost(const std::string& name) {
    if (name == "ignore") return EntropyCost::ignore;
    if (name == "reciprocal") return EntropyCost::reciprocal;
    throw data_error(Location({}, "cost"), "unknown entropy cost handling '" + name + "' (known: ignore, reciprocal)");
}

}  // namespace

void register_mcda(py::module_& m) {
    m.def(
        "mcda_entropy_weights",
        [](const Matrix& matrix, const std::vector<int>& types, const std::string& cost,
           std::vector<std::string> alternatives, std::vector<std::string> criteria, unsigned threads) {
            auto o = with_run<EntropyOptions>(run_options(std::move(alternatives), std::move(criteria), threads));
            o.cost = entropy_cost(cost);
            const CriterionTypes t = types_of(types);
            WeightResult r;
            {
                py::gil_scoped_release release;
                r = entropy_weights(map_matrix(matrix), t, o);
            }
            return weight_dict(std::move(r));
        },
        py::arg("matrix"), py::arg("types"), py::arg("cost"), py::arg("alternatives"), py::arg("criteria"),
        py::arg("threads") = 0);
    m.def(
        "mcda_critic_weights",
        [](const Matrix& matrix, const std::vector<int>& types, const std::string& normalisation,
           const std::string& correlation, std::vector<std::string> alternatives, std::vector<std::string> criteria,
           unsigned threads) {
            auto o = with_run<CriticOptions>(run_options(std::move(alternatives), std::move(criteria), threads));
            o.normalisation = critic_normalisation(normalisation);
            o.correlation = correlation_of(correlation);
            const CriterionTypes t = types_of(types);
            WeightResult r;
            {
                py::gil_scoped_release release;
                r = critic_weights(map_matrix(matrix), t, o);
            }
            return weight_dict(std::move(r));
        },
        py::arg("matrix"), py::arg("types"), py::arg("normalisation"), py::arg("correlation"), py::arg("alternatives"),
        py::arg("criteria"), py::arg("threads") = 0);
    m.def(
        "mcda_std_weights",
        [](const Matrix& matrix, const std::vector<int>& types, const std::string& normalisation,
           std::vector<std::string> alternatives, std::vector<std::string> criteria, unsigned threads) {
            auto o = with_run<StdOptions>(run_options(std::move(alternatives), std::move(criteria), threads));
            o.normalisation = parse_normalisation(normalisation);
            const CriterionTypes t = types_of(types);
            WeightResult r;
            {
                py::gil_scoped_release release;
                r = std_weights(map_matrix(matrix), t, o);
            }
            return weight_dict(std::move(r));
        },
        py::arg("matrix"), py::arg("types"), py::arg("normalisation"), py::arg("alternatives"), py::arg("criteria"),
        py::arg("threads") = 0);
    m.def(
        "mcda_merec_weights",
        [](const Matrix& matrix, const std::vector<int>& types, std::vector<std::string> alternatives,
           std::vector<std::string> criteria, unsigned threads) {
            const RunOptions o = run_options(std::move(alternatives), std::move(criteria), threads);
            const CriterionTypes t = types_of(types);
            WeightResult r;
            {
                py::gil_scoped_release release;
                r = merec_weights(map_matrix(matrix), t, o);
            }
            return weight_dict(std::move(r));
        },
        py::arg("matrix"), py::arg("types"), py::arg("alternatives"), py::arg("criteria"), py::arg("threads") = 0);
    m.def(
        "mcda_combine_weights",
        [](const Array& subjective, const Array& objective, double alpha, const std::string& how) {
            Combination c;
            if (how == "linear")
                c = Combination::linear;
            else if (how == "multiplicative")
                c = Combination::multiplicative;
            else
                throw data_error(Location({}, "how"),
                                 "unknown combination '" + how + "' (known: linear, multiplicative)");
            return weight_dict(
                combine_weights(to_vector(subjective, "subjective"), to_vector(objective, "objective"), alpha, c));
        },
        py::arg("subjective"), py::arg("objective"), py::arg("alpha"), py::arg("how"));
    m.def(
        "mcda_normalise",
        [](const Matrix& matrix, const std::vector<int>& types, const std::string& how,
           std::vector<std::string> alternatives, std::vector<std::string> criteria) {
            const RunOptions o = run_options(std::move(alternatives), std::move(criteria), 0);
            const CriterionTypes t = types_of(types);
            const Normalisation n = parse_normalisation(how);
            auto* owned = new RowMatrix();
            py::capsule base(owned, [](void* p) { delete static_cast<RowMatrix*>(p); });
            {
                py::gil_scoped_release release;
                *owned = normalise(map_matrix(matrix), t, n, o);
            }
            const auto s = static_cast<py::ssize_t>(sizeof(double));
            return py::array_t<double>({owned->rows(), owned->cols()}, {s * owned->cols(), s}, owned->data(), base);
        },
        py::arg("matrix"), py::arg("types"), py::arg("how"), py::arg("alternatives"), py::arg("criteria"));
    m.def(
        "mcda_topsis",
        [](const Matrix& matrix, const Array& weights, const std::vector<int>& types, const std::string& normalisation,
           const std::string& ties, bool keep_distances, std::vector<std::string> alternatives,
           std::vector<std::string> criteria, unsigned threads) {
            auto o = with_run<TopsisOptions>(run_options(std::move(alternatives), std::move(criteria), threads));
            o.normalisation = topsis_normalisation(normalisation);
            o.ties = parse_ties(ties);
            o.rank = false;  // the Python result ranks lazily, on first access
            o.keep_distances = keep_distances;
            const CriterionTypes t = types_of(types);
            const Vector w = to_vector(weights, "weights");
            TopsisResult r;
            {
                py::gil_scoped_release release;
                r = topsis(map_matrix(matrix), w, t, o);
            }
            py::dict out;
            out["scores"] = to_numpy(std::move(r.scores));
            out["d_plus"] = to_numpy(std::move(r.d_plus));
            out["d_minus"] = to_numpy(std::move(r.d_minus));
            out["ideal"] = to_numpy(std::move(r.ideal));
            out["anti_ideal"] = to_numpy(std::move(r.anti_ideal));
            out["variant"] = r.variant;
            return out;
        },
        py::arg("matrix"), py::arg("weights"), py::arg("types"), py::arg("normalisation"), py::arg("ties"),
        py::arg("keep_distances"), py::arg("alternatives"), py::arg("criteria"), py::arg("threads") = 0);
    m.def(
        "mcda_vikor",
        [](const Matrix& matrix, const Array& weights, const std::vector<int>& types, double v,
           const std::string& weight_mode, const std::string& ranking, const std::string& ties,
           std::vector<std::string> alternatives, std::vector<std::string> criteria, unsigned threads) {
            auto o = with_run<VikorOptions>(run_options(std::move(alternatives), std::move(criteria), threads));
            o.v = v;
            o.weights = weight_scaling(weight_mode);
            if (ranking == "by_q")
                o.ranking = VikorRanking::by_q;
            else if (ranking == "compromise_first")
                o.ranking = VikorRanking::compromise_first;
            else
                throw data_error(Location({}, "ranking"),
                                 "unknown VIKOR ranking '" + ranking + "' (known: by_q, compromise_first)");
            o.ties = parse_ties(ties);
            const CriterionTypes t = types_of(types);
            const Vector w = to_vector(weights, "weights");
            VikorResult r;
            {
                py::gil_scoped_release release;
                r = vikor(map_matrix(matrix), w, t, o);
            }
            py::dict out;
            out["S"] = to_numpy(std::move(r.S));
            out["R"] = to_numpy(std::move(r.R));
            out["Q"] = to_numpy(std::move(r.Q));
            out["ranking"] = to_numpy(r.ranking);
            out["order"] = r.order;
            out["compromise"] = r.compromise;
            out["acceptable_advantage"] = r.acceptable_advantage;
            out["acceptable_stability"] = r.acceptable_stability;
            out["dq"] = r.dq;
            out["variant"] = r.variant;
            return out;
        },
        py::arg("matrix"), py::arg("weights"), py::arg("types"), py::arg("v"), py::arg("weight_mode"),
        py::arg("ranking"), py::arg("ties"), py::arg("alternatives"), py::arg("criteria"), py::arg("threads") = 0);
    m.def(
        "mcda_weighted",
        [](const Matrix& matrix, const Array& weights, const std::vector<int>& types, bool product,
           const std::string& normalisation, const std::string& weight_mode, const std::string& ties,
           std::vector<std::string> alternatives, std::vector<std::string> criteria, unsigned threads) {
            auto o = with_run<WeightedSumOptions>(run_options(std::move(alternatives), std::move(criteria), threads));
            o.normalisation = parse_normalisation(normalisation);
            o.weights = weight_scaling(weight_mode);
            o.ties = parse_ties(ties);
            o.rank = false;
            const CriterionTypes t = types_of(types);
            const Vector w = to_vector(weights, "weights");
            ScoreResult r;
            {
                py::gil_scoped_release release;
                r = product ? weighted_product(map_matrix(matrix), w, t, o) : weighted_sum(map_matrix(matrix), w, t, o);
            }
            py::dict out;
            out["scores"] = to_numpy(std::move(r.scores));
            out["method"] = r.method;
            out["variant"] = r.variant;
            return out;
        },
        py::arg("matrix"), py::arg("weights"), py::arg("types"), py::arg("product"), py::arg("normalisation"),
        py::arg("weight_mode"), py::arg("ties"), py::arg("alternatives"), py::arg("criteria"), py::arg("threads") = 0);
    m.def(
        "mcda_rank",
        [](const Array& scores, bool higher_is_better, const std::string& ties) {
            const Vector s = to_vector(scores, "scores");
            const TieMethod t = parse_ties(ties);
            std::vector<double> r;
            {
                py::gil_scoped_release release;
                r = rank_scores(s, higher_is_better, t);
            }
            return to_numpy(r);
        },
        py::arg("scores"), py::arg("higher_is_better"), py::arg("ties"));
    m.def(
        "mcda_compare_rankings",
        [](const std::string& measure, const std::vector<double>& x, const std::vector<double>& y) {
            if (measure == "spearman") return spearman(x, y);
            if (measure == "weighted_spearman") return weighted_spearman(x, y);
            if (measure == "ws_similarity") return ws_similarity(x, y);
            if (measure == "kendall_tau_b") return kendall_tau_b(x, y);
            if (measure == "draws_distance") return draws_distance(x, y);
            if (measure == "kemeny_distance") return kemeny_distance(x, y);
            if (measure == "frobenius_distance") return frobenius_distance(x, y);
            throw data_error(Location({}, "measure"), "unknown ranking comparison '" + measure + "'");
        },
        py::arg("measure"), py::arg("x"), py::arg("y"));
}

}  // namespace kaohe::python
