// Variance-based sensitivity: first-order and total Sobol indices of each uncertain input on each unit's rank
// and on the mean absolute rank shift.
//
// Estimators (Saltelli et al. 2010, "Variance based sensitivity analysis of model output", Table 2):
//   first order  S_i  = mean( f(B) (f(A_B^i) - f(A)) ) / V            (Saltelli 2010)
//   total        ST_i = mean( (f(A) - f(A_B^i))^2 ) / (2 V)            (Jansen 1999)
// with A, B two independent N x d sample matrices, A_B^i = A with column i from B, and V the variance of f
// over A and B. Cost: N (d + 2) model runs. Where V = 0 (the output never moves) both indices are 0.
//
// For ranks the sums are integers, accumulated exactly in 64 bits, so results do not depend on the thread
// count. `sobol_indices` is the same estimator for any model (used to check it against analytic indices).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "kaohe/detail/bucket_rank.hpp"
#include "kaohe/detail/parallel_blocks.hpp"
#include "kaohe/detail/random.hpp"
#include "kaohe/detail/reweighting_model.hpp"
#include "kaohe/sensitivity/monte_carlo.hpp"

namespace kaohe {

struct SobolOptions {
    std::size_t base_samples = 1024;  // N: the model runs N (inputs + 2) times
    std::uint64_t seed = 1;
    unsigned threads = 0;
    std::size_t block = 8;  // base samples per block (each block runs block x (inputs + 2) re-weightings)
    RankScope scope = RankScope::automatic;
    std::function<bool(std::size_t, std::size_t)> progress;
};

struct SobolResult {
    std::vector<UncertainInput> inputs;
    std::vector<std::string> unit_ids;
    std::size_t base_samples = 0;
    std::size_t runs = 0;
    // inputs x units, indices on each unit's rank (NaN for units that are not ranked)
    Eigen::MatrixXd first, total;
    // per input, indices on the mean absolute rank shift of all ranked units
    Eigen::VectorXd first_shift, total_shift;
    Eigen::VectorXd rank_variance;  // per unit: the variance V of its rank
};

namespace detail {

// Integer or floating sums of the estimators for `outputs` outputs and `inputs` inputs.
template <class T>
struct SobolSums {
    std::size_t inputs = 0, outputs = 0;
    std::vector<T> s, s2, first, total;  // s, s2: over A and B; first, total: inputs x outputs
    SobolSums(std::size_t d, std::size_t m) : inputs(d), outputs(m), s(m), s2(m), first(d * m), total(d * m) {}
    // fa, fb, fab[i]: one output vector each (length `outputs`).
    void add(const T* fa, const T* fb, const std::vector<const T*>& fab) {
        for (std::size_t o = 0; o < outputs; ++o) {
            s[o] += fa[o] + fb[o];
            s2[o] += fa[o] * fa[o] + fb[o] * fb[o];
        }
        for (std::size_t i = 0; i < inputs; ++i) {
            T* f = first.data() + i * outputs;
            T* t = total.data() + i * outputs;
            const T* fi = fab[i];
            for (std::size_t o = 0; o < outputs; ++o) {
                f[o] += fb[o] * (fi[o] - fa[o]);
                const T d = fa[o] - fi[o];
                t[o] += d * d;
            }
        }
    }
    void merge(const SobolSums& other) {
        for (std::size_t k = 0; k < s.size(); ++k) {
            s[k] += other.s[k];
            s2[k] += other.s2[k];
        }
        for (std::size_t k = 0; k < first.size(); ++k) {
            first[k] += other.first[k];
            total[k] += other.total[k];
        }
    }
    // Indices (inputs x outputs) and the variance per output, for N base samples.
    void finish(std::size_t n, Eigen::MatrixXd& s_first, Eigen::MatrixXd& s_total, Eigen::VectorXd& variance) const {
        const auto N = static_cast<double>(n);
        s_first.resize(static_cast<Eigen::Index>(inputs), static_cast<Eigen::Index>(outputs));
        s_total.resize(static_cast<Eigen::Index>(inputs), static_cast<Eigen::Index>(outputs));
        variance.resize(static_cast<Eigen::Index>(outputs));
        for (std::size_t o = 0; o < outputs; ++o) {
            const double mean = static_cast<double>(s[o]) / (2 * N);
            const double v = std::max(0.0, static_cast<double>(s2[o]) / (2 * N) - mean * mean);
            variance(static_cast<Eigen::Index>(o)) = v;
            for (std::size_t i = 0; i < inputs; ++i) {
                const auto r = static_cast<Eigen::Index>(i), c = static_cast<Eigen::Index>(o);
                s_first(r, c) = v > 0 ? static_cast<double>(first[i * outputs + o]) / N / v : 0.0;
                s_total(r, c) = v > 0 ? static_cast<double>(total[i * outputs + o]) / (2 * N) / v : 0.0;
            }
        }
    }
};

// Columns A (m), B (m), then A_B^i for each input (m each), from raw draws a and b (inputs x m).
inline void saltelli_columns(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b, Eigen::MatrixXd& x) {
    const Eigen::Index d = a.rows(), m = a.cols();
    x.resize(d, m * (d + 2));
    x.leftCols(m) = a;
    x.middleCols(m, m) = b;
    for (Eigen::Index i = 0; i < d; ++i) {
        auto block = x.middleCols(m * (2 + i), m);
        block = a;
        block.row(i) = b.row(i);
    }
}

}  // namespace detail

// Sobol indices of a generic model with independent inputs: draw(rng, column) fills one column of `inputs`
// draws; model(X, Y) maps draws (inputs x runs) to outputs (outputs x runs). Single-threaded; for checking
// the estimator and for small models.
struct SobolIndices {
    Eigen::MatrixXd first, total;  // inputs x outputs
    Eigen::VectorXd variance;      // per output
};
template <class Draw, class Model>
[[nodiscard]] SobolIndices sobol_indices(std::size_t inputs, std::size_t outputs, std::size_t base_samples,
                                         std::uint64_t seed, Draw&& draw, Model&& model) {
    detail::SobolSums<double> sums(inputs, outputs);
    detail::Xoshiro256pp rng(seed, 0);
    Eigen::MatrixXd a(static_cast<Eigen::Index>(inputs), 1), b(static_cast<Eigen::Index>(inputs), 1), x, y;
    std::vector<const double*> fab(inputs);
    for (std::size_t n = 0; n < base_samples; ++n) {
        draw(rng, a.col(0));
        draw(rng, b.col(0));
        detail::saltelli_columns(a, b, x);
        y.resize(static_cast<Eigen::Index>(outputs), x.cols());
        model(x, y);
        for (std::size_t i = 0; i < inputs; ++i) fab[i] = y.col(static_cast<Eigen::Index>(2 + i)).data();
        sums.add(y.col(0).data(), y.col(1).data(), fab);
    }
    SobolIndices out;
    sums.finish(base_samples, out.first, out.total, out.variance);
    return out;
}

// Sobol indices of every uncertain input on every ranked unit's rank and on the mean absolute rank shift.
[[nodiscard]] inline SobolResult sobol(const ScoreCard& card, const std::vector<WeightUncertainty>& uncertain,
                                       const SobolOptions& options = {}) {
    if (options.base_samples < 2) throw data_error({}, "Sobol analysis needs at least 2 base samples");
    if (options.block == 0) throw data_error({}, "Sobol block size must be at least 1");
    const bool by_category = detail::rank_by_category(card, options.scope);
    const detail::ReweightingModel model(card, uncertain, by_category);
    const std::size_t d = model.inputs(), n = model.ranked();
    const std::vector<std::int32_t> base = detail::base_ranks(card, model);  // for the rank shift
    const std::size_t blocks = (options.base_samples + options.block - 1) / options.block;
    const unsigned threads = detail::thread_count(options.threads, blocks);
    struct Thread {
        detail::ModelWorkspace ws;
        Eigen::MatrixXd a, b;
        std::vector<detail::BucketRanker> rankers;
        std::vector<std::int64_t> y;  // (n + 1) outputs x runs: ranks, then the summed absolute shift
        detail::SobolSums<std::int64_t> sums;
        Thread(std::size_t inputs, std::size_t outputs) : sums(inputs, outputs) {}
    };
    std::vector<Thread> state;
    for (unsigned t = 0; t < threads; ++t) {
        state.emplace_back(d, n + 1);
        state.back().rankers = detail::make_rankers(model);
    }
    detail::run_blocks(
        blocks, threads,
        [&](unsigned ti, std::size_t blk) {
            Thread& t = state[ti];
            const std::size_t first = blk * options.block;
            const auto m = static_cast<Eigen::Index>(std::min(options.block, options.base_samples - first));
            detail::Xoshiro256pp rng(options.seed, blk);
            model.draw(rng, t.ws, m);
            t.a = t.ws.x;
            model.draw(rng, t.ws, m);
            t.b = t.ws.x;
            detail::saltelli_columns(t.a, t.b, t.ws.x);
            model.evaluate(t.ws, true);  // ranks only: exact single-precision keys on the fast path
            const auto runs = static_cast<std::size_t>(t.ws.x.cols());
            const std::size_t outputs = n + 1;
            t.y.assign(outputs * runs, 0);
            std::vector<std::int32_t> rank(n);
            for (std::size_t r = 0; r < runs; ++r) {
                detail::rank_pools(model, t.ws, static_cast<Eigen::Index>(r), t.rankers, rank.data());
                std::int64_t* y = t.y.data() + r * outputs;
                std::int64_t shift = 0;
                for (std::size_t i = 0; i < n; ++i) {
                    y[i] = rank[i];
                    shift += std::abs(rank[i] - base[i]);
                }
                y[n] = shift;
            }
            std::vector<const std::int64_t*> fab(d);
            const auto M = static_cast<std::size_t>(m);
            for (std::size_t j = 0; j < M; ++j) {
                for (std::size_t i = 0; i < d; ++i) fab[i] = t.y.data() + (M * (2 + i) + j) * outputs;
                t.sums.add(t.y.data() + j * outputs, t.y.data() + (M + j) * outputs, fab);
            }
        },
        options.progress);
    for (std::size_t t = 1; t < state.size(); ++t) state[0].sums.merge(state[t].sums);

    Eigen::MatrixXd first, total;
    Eigen::VectorXd variance;
    state[0].sums.finish(options.base_samples, first, total, variance);
    SobolResult out;
    out.inputs = model.input_labels();
    for (const auto& u : card.units) out.unit_ids.push_back(u.id);
    out.base_samples = options.base_samples;
    out.runs = options.base_samples * (d + 2);
    const auto units = static_cast<Eigen::Index>(card.units.size());
    const double nan = std::numeric_limits<double>::quiet_NaN();
    out.first = Eigen::MatrixXd::Constant(static_cast<Eigen::Index>(d), units, nan);
    out.total = out.first;
    out.rank_variance = Eigen::VectorXd::Constant(units, nan);
    for (std::size_t i = 0; i < n; ++i) {
        const auto u = static_cast<Eigen::Index>(model.ranked_units()[i]);
        out.first.col(u) = first.col(static_cast<Eigen::Index>(i));
        out.total.col(u) = total.col(static_cast<Eigen::Index>(i));
        out.rank_variance(u) = variance(static_cast<Eigen::Index>(i));
    }
    out.first_shift = first.col(static_cast<Eigen::Index>(n));
    out.total_shift = total.col(static_cast<Eigen::Index>(n));
    return out;
}

}  // namespace kaohe
