// kaohe._core: what-if, stability, Monte Carlo and Sobol studies on a score card. Long runs release the GIL;
// their progress callback takes it back on the calling thread only (detail::run_blocks), checks for Ctrl-C
// and calls the Python progress function, so a notebook can interrupt a study cleanly.
#include <atomic>

#include "bindings.hpp"
#include "kaohe/sensitivity/monte_carlo.hpp"
#include "kaohe/sensitivity/sobol.hpp"
#include "kaohe/sensitivity/stability.hpp"
#include "kaohe/sensitivity/what_if.hpp"

namespace kaohe::python {
namespace {

using ChangeRow =
    std::tuple<std::string, double, std::string, std::string, std::string>;  // node, value, unit, category, policy
using UncertainRow = std::tuple<std::string, std::string, double, double>;  // node, distribution, concentration, spread

const ScoreCard& card_of(const CardHandle& h) {
    return *h.card;
}

Renormalise policy_of(const std::string& p) {
    if (p == "proportional") return Renormalise::proportional;
    if (p == "explicit") return Renormalise::explicit_;
    if (p == "rescale") return Renormalise::rescale;
    if (p == "none") return Renormalise::none;
    throw framework_error({},
                          "unknown renormalisation policy '" + p + "' (known: proportional, explicit, rescale, none)");
}

WeightUnit unit_of(const std::string& u) {
    if (u == "own") return WeightUnit::own;
    if (u == "share") return WeightUnit::share;
    if (u == "points") return WeightUnit::points;
    throw framework_error({}, "unknown weight unit '" + u + "' (known: own, share, points)");
}

RankScope scope_of(const std::string& s) {
    if (s == "auto") return RankScope::automatic;
    if (s == "overall") return RankScope::overall;
    if (s == "category") return RankScope::category;
    throw data_error({}, "unknown rank scope '" + s + "' (known: auto, overall, category)");
}

std::vector<WeightChange> changes_of(const std::vector<ChangeRow>& rows) {
    std::vector<WeightChange> out;
    for (const auto& [node, value, unit, category, policy] : rows) {
        WeightChange c(node, value, policy_of(policy));
        c.unit = unit_of(unit);
        c.category = category;
        out.push_back(std::move(c));
    }
    return out;
}

std::vector<WeightUncertainty> uncertain_of(const std::vector<UncertainRow>& rows) {
    std::vector<WeightUncertainty> out;
    for (const auto& [node, distribution, concentration, spread] : rows) {
        WeightUncertainty w;
        w.node = node;
        if (distribution == "dirichlet")
            w.distribution = WeightDistribution::dirichlet;
        else if (distribution == "uniform")
            w.distribution = WeightDistribution::uniform;
        else
            throw framework_error({{}, node},
                                  "unknown weight distribution '" + distribution + "' (known: dirichlet, uniform)");
        w.concentration = concentration;
        w.spread = spread;
        out.push_back(std::move(w));
    }
    return out;
}

// A progress function for the engine that forwards to Python and stops on Ctrl-C or when Python returns False.
struct Progress {
    py::object callback;  // None or callable(done, total) -> bool | None
    bool interrupted = false;
    std::function<bool(std::size_t, std::size_t)> make() {
        return [this](std::size_t done, std::size_t total) {
            py::gil_scoped_acquire gil;
            if (PyErr_CheckSignals() != 0) {
                PyErr_Clear();
                interrupted = true;
                return false;
            }
            if (callback.is_none()) return true;
            py::object r = callback(done, total);
            return r.is_none() || r.cast<bool>();
        };
    }
};

// Runs `f` without the GIL; turns a Ctrl-C cancellation into KeyboardInterrupt.
template <class F>
auto run_released(Progress& progress, F&& f) {
    try {
        py::gil_scoped_release release;
        return f();
    } catch (const cancelled&) {
        if (progress.interrupted) {
            PyErr_SetNone(PyExc_KeyboardInterrupt);
            throw py::error_already_set();
        }
        throw;
    }
}

// A read-only int64 view of a count matrix owned by `base`.
py::array counts_view(const CountMatrix& c, py::handle base) {
    const auto s = static_cast<py::ssize_t>(sizeof(std::int64_t));
    py::array out(py::dtype::of<std::int64_t>(), {c.rows(), c.cols()}, {s, s * c.rows()}, c.data(), base);
    py::detail::array_proxy(out.ptr())->flags &= ~py::detail::npy_api::NPY_ARRAY_WRITEABLE_;
    return out;
}

struct MonteCarloHandle {
    MonteCarloResult result;
};
struct SobolHandle {
    SobolResult result;
};

py::dict interval_dict(const Interval& iv) {
    py::dict d;
    d["lower"] = iv.lower;
    d["upper"] = iv.upper;
    for (const auto& [key, swap] :
         {std::pair<const char*, const std::optional<Swap>*>{"at_lower", &iv.at_lower}, {"at_upper", &iv.at_upper}}) {
        if (!*swap) {
            d[key] = py::none();
            continue;
        }
        py::dict s;
        s["share"] = (*swap)->share;
        s["above"] = (*swap)->above;
        s["below"] = (*swap)->below;
        s["what"] = (*swap)->what;
        d[key] = s;
    }
    return d;
}

py::list inputs_list(const std::vector<UncertainInput>& inputs) {
    py::list out;
    for (const auto& in : inputs) out.append(py::make_tuple(in.node, in.categories));
    return out;
}

}  // namespace

void register_sensitivity(py::module_& m) {
    m.def(
        "what_if",
        [](const CardHandle& base, const std::vector<ChangeRow>& rows) {
            std::vector<std::string> notes;
            const auto changes = changes_of(rows);
            py::gil_scoped_release release;
            auto card = std::make_shared<const ScoreCard>(what_if(card_of(base), changes, &notes));
            return std::make_pair(CardHandle{std::move(card)}, notes);
        },
        py::arg("base"), py::arg("changes"),
        "Re-weight a score card: changes are (node, value, unit, category, policy) tuples, applied jointly.");
    m.def(
        "with_weights",
        [](const FrameworkHandle& fw, const std::vector<ChangeRow>& rows) {
            std::vector<std::string> notes;
            auto out = std::make_shared<const Framework>(with_weights(*fw.framework, changes_of(rows), &notes));
            ResolvedWeights weights = resolve(*out, false);  // score() checks the rules against the new maxima
            return std::make_pair(FrameworkHandle{std::move(out), std::move(weights)}, notes);
        },
        py::arg("framework"), py::arg("changes"),
        "The framework with changed weights: (node, value, unit, category, policy) tuples, applied jointly.");
    m.def(
        "card_framework",
        [](const CardHandle& card) { return FrameworkHandle{card.card->framework, card.card->weights}; },
        py::arg("card"), "The framework a score card was scored with (a scenario card's own).");
    m.def(
        "rescore",
        [](const CardHandle& base, const FrameworkHandle& fw) {
            py::gil_scoped_release release;
            return CardHandle{std::make_shared<const ScoreCard>(rescore(card_of(base), *fw.framework))};
        },
        py::arg("base"), py::arg("framework"), "Score the base card's data on another framework.");
    m.def(
        "compare",
        [](const CardHandle& before, const CardHandle& after, std::size_t max_drivers) {
            const auto report = compare(card_of(before), card_of(after), max_drivers);
            py::list units;
            for (const auto& u : report.units) {
                py::dict d;
                d["unit"] = u.unit;
                d["total_before"] = u.total_before;
                d["total_after"] = u.total_after;
                d["rank_before"] = u.rank_before;
                d["rank_after"] = u.rank_after;
                d["rank_in_category_before"] = u.rank_in_category_before;
                d["rank_in_category_after"] = u.rank_in_category_after;
                d["grade_before"] = u.grade_before;
                d["grade_after"] = u.grade_after;
                d["band_before"] = u.band_before;
                d["band_after"] = u.band_after;
                d["crossed_band"] = u.crossed_band;
                d["crossed_quota"] = u.crossed_quota;
                py::list drivers;
                for (const auto& dr : u.drivers) drivers.append(py::make_tuple(dr.path, dr.before, dr.after));
                d["drivers"] = drivers;
                units.append(d);
            }
            return std::make_pair(units, report.notes);
        },
        py::arg("before"), py::arg("after"), py::arg("max_drivers") = 5);
    m.def(
        "stability",
        [](const CardHandle& card, const std::vector<std::string>& nodes, const std::string& category,
           std::size_t top_k, const std::string& scope) {
            StabilityOptions o;
            o.nodes = nodes;
            o.category = category;
            o.top_k = top_k;
            o.scope = scope_of(scope);
            StabilityReport result;
            {
                py::gil_scoped_release release;
                result = stability(card_of(card), o);
            }
            py::list out;
            for (const auto& ws : result.nodes) {
                py::dict d;
                d["node"] = ws.node;
                d["share"] = ws.share;
                d["categories"] = ws.categories;
                d["parent_points"] = ws.parent_points;
                d["ranking"] = interval_dict(ws.ranking);
                d["top_k"] = interval_dict(ws.top_k);
                d["grades"] = interval_dict(ws.grades);
                out.append(d);
            }
            py::list skipped;
            for (const auto& sk : result.skipped) skipped.append(py::make_tuple(sk.node, sk.categories, sk.reason));
            return std::make_pair(out, skipped);
        },
        py::arg("card"), py::arg("nodes"), py::arg("category") = "", py::arg("top_k") = 10, py::arg("scope") = "auto");
    m.def(
        "overtake",
        [](const CardHandle& card, const std::string& node, const std::string& a, const std::string& b,
           const std::string& category) {
            const auto o = overtake(card_of(card), node, a, b, category);
            py::dict d;
            d["already_above"] = o.already_above;
            d["share"] = o.share ? py::object(py::float_(*o.share)) : py::object(py::none());
            d["base_share"] = o.base_share;
            d["note"] = o.note;
            return d;
        },
        py::arg("card"), py::arg("node"), py::arg("a"), py::arg("b"), py::arg("category") = "");

    py::class_<MonteCarloHandle>(m, "MonteCarloResult")
        .def_property_readonly("unit_ids", [](const MonteCarloHandle& h) { return h.result.unit_ids; })
        .def_property_readonly("samples", [](const MonteCarloHandle& h) { return h.result.samples; })
        .def_property_readonly("seed", [](const MonteCarloHandle& h) { return h.result.seed; })
        .def_property_readonly("by_category", [](const MonteCarloHandle& h) { return h.result.by_category; })
        .def_property_readonly("linear", [](const MonteCarloHandle& h) { return h.result.linear; })
        .def_property_readonly("inputs", [](const MonteCarloHandle& h) { return inputs_list(h.result.inputs); })
        .def_property_readonly(
            "base_rank",
            [](py::handle self) { return vector_view(self.cast<const MonteCarloHandle&>().result.base_rank, self); })
        .def_property_readonly(
            "rank_counts",
            [](py::handle self) { return counts_view(self.cast<const MonteCarloHandle&>().result.rank_counts, self); })
        .def_property_readonly("grade_ids", [](const MonteCarloHandle& h) { return h.result.grade_ids; })
        .def_property_readonly("alternative_samples",
                               [](const MonteCarloHandle& h) { return h.result.alternative_samples; })
        .def_property_readonly("grade_counts", [](py::handle self) {
            return counts_view(self.cast<const MonteCarloHandle&>().result.grade_counts, self);
        });
    m.def(
        "monte_carlo",
        [](const CardHandle& card, const std::vector<UncertainRow>& rows, std::size_t samples, std::uint64_t seed,
           unsigned threads, std::size_t block, const std::string& scope, py::object progress, bool grades,
           const std::vector<CardHandle>& alternatives) {
            MonteCarloOptions o;
            o.grades = grades;
            for (const auto& a : alternatives) o.alternatives.push_back(a.card);
            o.samples = samples;
            o.seed = seed;
            o.threads = threads;
            o.block = block;
            o.scope = scope_of(scope);
            Progress p{std::move(progress)};
            o.progress = p.make();
            const auto uncertain = uncertain_of(rows);
            return run_released(p, [&] { return MonteCarloHandle{monte_carlo(card_of(card), uncertain, o)}; });
        },
        py::arg("card"), py::arg("uncertain"), py::arg("samples") = 10000, py::arg("seed") = 1, py::arg("threads") = 0,
        py::arg("block") = MonteCarloOptions{}.block, py::arg("scope") = "auto", py::arg("progress") = py::none(),
        py::arg("grades") = true, py::arg("alternatives") = std::vector<CardHandle>{},
        "Monte Carlo rank histograms. Runs without the GIL; Ctrl-C stops it (KeyboardInterrupt).");

    py::class_<SobolHandle>(m, "SobolResult")
        .def_property_readonly("unit_ids", [](const SobolHandle& h) { return h.result.unit_ids; })
        .def_property_readonly("inputs", [](const SobolHandle& h) { return inputs_list(h.result.inputs); })
        .def_property_readonly("base_samples", [](const SobolHandle& h) { return h.result.base_samples; })
        .def_property_readonly("runs", [](const SobolHandle& h) { return h.result.runs; })
        .def_property_readonly(
            "first", [](py::handle self) { return matrix_view(self.cast<const SobolHandle&>().result.first, self); })
        .def_property_readonly(
            "total", [](py::handle self) { return matrix_view(self.cast<const SobolHandle&>().result.total, self); })
        .def_property_readonly(
            "first_shift",
            [](py::handle self) { return vector_view(self.cast<const SobolHandle&>().result.first_shift, self); })
        .def_property_readonly(
            "total_shift",
            [](py::handle self) { return vector_view(self.cast<const SobolHandle&>().result.total_shift, self); })
        .def_property_readonly("rank_variance", [](py::handle self) {
            return vector_view(self.cast<const SobolHandle&>().result.rank_variance, self);
        });
    m.def(
        "sobol",
        [](const CardHandle& card, const std::vector<UncertainRow>& rows, std::size_t base_samples, std::uint64_t seed,
           unsigned threads, std::size_t block, const std::string& scope, py::object progress) {
            SobolOptions o;
            o.base_samples = base_samples;
            o.seed = seed;
            o.threads = threads;
            o.block = block;
            o.scope = scope_of(scope);
            Progress p{std::move(progress)};
            o.progress = p.make();
            const auto uncertain = uncertain_of(rows);
            return run_released(p, [&] { return SobolHandle{sobol(card_of(card), uncertain, o)}; });
        },
        py::arg("card"), py::arg("uncertain"), py::arg("base_samples") = 1024, py::arg("seed") = 1,
        py::arg("threads") = 0, py::arg("block") = SobolOptions{}.block, py::arg("scope") = "auto",
        py::arg("progress") = py::none(),
        "Sobol indices of each uncertain weight on each unit's rank. Runs without the GIL.");
}

}  // namespace kaohe::python
