// VIKOR (Opricovic 1998; Opricovic & Tzeng 2004, 2007): compromise ranking by group utility S, individual
// regret R and their blend Q (lower is better for all three).
//
//   f*_j = best value of criterion j (max for benefit, min for cost), f-_j = worst
//   t_ij = w_j (f*_j - x_ij) / (f*_j - f-_j)
//   S_i = sum_j t_ij, R_i = max_j t_ij
//   Q_i = v (S_i - S*) / (S- - S*) + (1 - v) (R_i - R*) / (R- - R*)      (S* = min S, S- = max S; same for R)
//
// Named parameters:
//   v        weight of the "majority of criteria" strategy, in [0, 1] (0.5 usual; Papathanasiou 2018 uses 0.625)
//   weights  WeightScaling::normalise (default) divides the weights by their sum first, as Opricovic & Tzeng 2007
//            did with their weight sets (1,...,2,...,3.2) and as every reference case reproduces; as_given keeps
//            them (S and R then scale with the weights; Q does not change).
//   ranking  by_q: ranks by Q alone; compromise_first: the compromise set shares rank 1 and the others follow by
//            Q (scikit-criteria's `rank` with use_compromise_set=True).
//   ties     how equal Q values rank (default dense, as scikit-criteria's published ranks).
//
// Compromise conditions, with alternatives sorted by Q (a1 best, a2 second) and DQ = 1/(m - 1):
//   C1 acceptable advantage: Q(a2) - Q(a1) >= DQ
//   C2 acceptable stability: a1 is also best (possibly tied) by S or by R
//   compromise set: {a1} if C1 and C2; {a1, a2} if only C2 fails; if C1 fails, every a_k with Q(a_k) - Q(a1) < DQ.
// Sorting by Q is stable, so equal Q keep row order.
//
// Degenerate data (documented values, never NaN): a constant column has f* = f- and contributes t = 0 (it cannot
// discriminate); if every S is equal the S term of Q is 0, and likewise for R. Fewer than 2 alternatives is an
// error (DQ = 1/(m - 1) is undefined).
#pragma once

#include <algorithm>
#include <numeric>
#include <string>
#include <vector>

#include "kaohe/mcda/decision_matrix.hpp"

namespace kaohe::mcda {

enum class VikorRanking { by_q, compromise_first };
[[nodiscard]] inline const char* to_string(VikorRanking r) {
    return r == VikorRanking::compromise_first ? "compromise_first" : "by_q";
}

struct VikorOptions : RunOptions {
    double v = 0.5;
    WeightScaling weights = WeightScaling::normalise;
    VikorRanking ranking = VikorRanking::by_q;
    TieMethod ties = TieMethod::dense;
};

struct VikorResult {
    Vector S, R, Q;
    std::vector<double> ranking;          // 1 = best
    std::vector<std::size_t> order;       // row indices sorted by Q (stable)
    std::vector<std::size_t> compromise;  // row indices of the compromise set, ascending
    bool acceptable_advantage = false;    // C1
    bool acceptable_stability = false;    // C2
    double dq = 0;                        // 1 / (m - 1)
    std::string variant;
};

[[nodiscard]] inline VikorResult vikor(const MatrixRef& x, const Vector& weights, const CriterionTypes& types,
                                       const VikorOptions& options = {}) {
    namespace d = kaohe::detail::mcda;
    const Labels& labels = options.labels;
    d::check_shape(x, types, true, labels, "VIKOR", 2, 1);
    d::check_weights(weights, x.cols(), "VIKOR");
    if (!(options.v >= 0 && options.v <= 1))
        throw data_error(Location({}, "v"), "VIKOR: v is " + d::fmt(options.v) + "; it must be within [0, 1]");
    const Eigen::Index m = x.rows(), n = x.cols();
    const d::ColumnStats s = d::checked_column_stats(x, options.threads, false, labels);
    const Vector w = options.weights == WeightScaling::normalise ? Vector(weights / weights.sum()) : weights;

    Vector best(n), coef(n);  // t_ij = coef_j * (best_j - x_ij); coef = w / (f* - f-), 0 for a constant column
    for (Eigen::Index j = 0; j < n; ++j) {
        const bool cost = d::is_cost(types, j);
        best(j) = cost ? s.min(j) : s.max(j);
        const double span = cost ? s.min(j) - s.max(j) : s.max(j) - s.min(j);
        coef(j) = span != 0 ? w(j) / span : 0.0;
    }
    VikorResult out;
    out.S.resize(m);
    out.R.resize(m);
    d::for_each_block(m, options.threads, [&](Eigen::Index, Eigen::Index begin, Eigen::Index end) {
        for (Eigen::Index i = begin; i < end; ++i) {
            double sum = 0, mx = 0;
            for (Eigen::Index j = 0; j < n; ++j) {
                const double t = coef(j) * (best(j) - x(i, j));
                sum += t;
                mx = std::max(mx, t);
            }
            out.S(i) = sum;
            out.R(i) = mx;
        }
    });
    const double s_min = out.S.minCoeff(), s_max = out.S.maxCoeff();
    const double r_min = out.R.minCoeff(), r_max = out.R.maxCoeff();
    out.Q.resize(m);
    for (Eigen::Index i = 0; i < m; ++i) {
        const double qs = s_max > s_min ? (out.S(i) - s_min) / (s_max - s_min) : 0.0;
        const double qr = r_max > r_min ? (out.R(i) - r_min) / (r_max - r_min) : 0.0;
        out.Q(i) = options.v * qs + (1 - options.v) * qr;
    }

    out.order.resize(d::to_size(m));
    std::iota(out.order.begin(), out.order.end(), std::size_t{0});
    std::stable_sort(out.order.begin(), out.order.end(),
                     [&](std::size_t a, std::size_t b) { return out.Q(d::to_index(a)) < out.Q(d::to_index(b)); });
    out.dq = 1.0 / static_cast<double>(m - 1);
    const auto a1 = d::to_index(out.order[0]), a2 = d::to_index(out.order[1]);
    out.acceptable_advantage = out.Q(a2) - out.Q(a1) >= out.dq;
    out.acceptable_stability = out.S(a1) == s_min || out.R(a1) == r_min;
    if (out.acceptable_advantage) {
        out.compromise.push_back(out.order[0]);
        if (!out.acceptable_stability) out.compromise.push_back(out.order[1]);
    } else {
        for (std::size_t k : out.order)
            if (out.Q(d::to_index(k)) - out.Q(a1) < out.dq) out.compromise.push_back(k);
    }
    std::sort(out.compromise.begin(), out.compromise.end());

    if (options.ranking == VikorRanking::by_q) {
        out.ranking = rank_scores(out.Q, false, options.ties);
    } else {
        // Compromise members share rank 1; the others are ranked by Q after them.
        Vector key = out.Q;
        for (std::size_t k : out.compromise) key(d::to_index(k)) = -1.0;  // Q >= 0, so -1 is below every Q
        out.ranking = rank_scores(key, false, options.ties);
    }
    out.variant = "v=" + d::fmt(options.v) + ", weights=" + to_string(options.weights) +
                  ", ranking=" + to_string(options.ranking) + ", ties=" + to_string(options.ties);
    return out;
}

}  // namespace kaohe::mcda
