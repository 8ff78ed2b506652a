// Weighted sum (WSM, SAW) and weighted product (WPM) models.
//
//   WSM  score_i = sum_j w_j r_ij          WPM  score_i = prod_j r_ij ^ w_j          (higher is better)
//
// r is the matrix normalised by `normalisation` (normalisation.hpp), which also decides how cost criteria enter
// (default `sum`: benefit x / sum x, cost (1/x) / sum(1/x), pymcdm's default for both models). With
// normalisation `none` there is no orientation step: WSM then refuses cost criteria (it cannot orient them),
// and WPM uses the classic exponent -w_j for a cost criterion (Bridgman 1922; Miller & Starr 1969).
// `weights`: as_given (pymcdm) or normalise (divided by their sum: scikit-criteria's SumScaler target="both").
// The published cases: Kracka et al. 2010 (sum normalisation + normalised weights), pymcdm's WSM test (sum
// normalisation, weights summing to 2 used as given).
//
// WPM needs r >= 0: a negative normalised value is an error naming the cell; r = 0 with w > 0 gives score 0
// (documented), and r^0 = 1 for a criterion of weight 0.
#pragma once

#include <string>
#include <vector>

#include "kaohe/mcda/normalisation.hpp"

namespace kaohe::mcda {

struct WeightedSumOptions : RunOptions {
    Normalisation normalisation = Normalisation::sum;
    WeightScaling weights = WeightScaling::as_given;
    TieMethod ties = TieMethod::competition;
    bool rank = true;
};

struct ScoreResult {
    Vector scores;                // higher is better
    std::vector<double> ranking;  // 1 = best (empty unless rank)
    std::string method;           // "wsm" or "wpm"
    std::string variant;
};

}  // namespace kaohe::mcda

namespace kaohe::detail::mcda {
inline std::string wsm_variant(const kaohe::mcda::WeightedSumOptions& o) {
    using kaohe::mcda::to_string;
    return std::string("normalisation=") + to_string(o.normalisation) + ", weights=" + to_string(o.weights) +
           ", ties=" + to_string(o.ties);
}
}  // namespace kaohe::detail::mcda

namespace kaohe::mcda {

[[nodiscard]] inline ScoreResult weighted_sum(const MatrixRef& x, const Vector& weights, const CriterionTypes& types,
                                              const WeightedSumOptions& options = {}) {
    namespace d = kaohe::detail::mcda;
    d::check_shape(x, types, true, options.labels, "weighted sum");
    d::check_weights(weights, x.cols(), "weighted sum");
    if (options.normalisation == Normalisation::none)
        for (Eigen::Index j = 0; j < x.cols(); ++j)
            if (d::is_cost(types, j))
                d::column_error(options.labels, j,
                                "weighted sum with normalisation 'none' cannot orient a cost criterion; choose a "
                                "normalisation (sum, minmax, max, vector, linear)");
    const Vector w = options.weights == WeightScaling::normalise ? Vector(weights / weights.sum()) : weights;
    ScoreResult out;
    if (options.normalisation == Normalisation::none) {
        d::checked_column_stats(x, options.threads, false, options.labels);
        out.scores = x * w;
    } else {
        out.scores = normalise(x, types, options.normalisation, options) * w;
    }
    out.method = "wsm";
    out.variant = d::wsm_variant(options);
    if (options.rank) out.ranking = rank_scores(out.scores, true, options.ties);
    return out;
}

[[nodiscard]] inline ScoreResult weighted_product(const MatrixRef& x, const Vector& weights,
                                                  const CriterionTypes& types, const WeightedSumOptions& options = {}) {
    namespace d = kaohe::detail::mcda;
    d::check_shape(x, types, true, options.labels, "weighted product");
    d::check_weights(weights, x.cols(), "weighted product");
    const Vector w = options.weights == WeightScaling::normalise ? Vector(weights / weights.sum()) : weights;
    const bool raw = options.normalisation == Normalisation::none;
    RowMatrix r;
    if (raw)
        d::checked_column_stats(x, options.threads, false, options.labels);
    else
        r = normalise(x, types, options.normalisation, options);
    const Eigen::Index m = x.rows(), n = x.cols();
    ScoreResult out;
    out.scores.resize(m);
    for (Eigen::Index i = 0; i < m; ++i) {
        double log_sum = 0;
        bool zero = false;
        for (Eigen::Index j = 0; j < n; ++j) {
            const double v = raw ? x(i, j) : r(i, j);
            if (w(j) == 0) continue;
            if (v < 0 || (v == 0 && raw && d::is_cost(types, j)))
                d::cell_error(options.labels, i, j, v,
                              raw ? "cannot be raised to a (negative for cost) weight: WPM needs values > 0 here"
                                  : "is negative after normalisation: WPM needs values >= 0");
            if (v == 0) {
                zero = true;
                continue;
            }
            log_sum += (raw && d::is_cost(types, j) ? -w(j) : w(j)) * std::log(v);
        }
        out.scores(i) = zero ? 0.0 : std::exp(log_sum);
    }
    out.method = "wpm";
    out.variant = d::wsm_variant(options);
    if (options.rank) out.ranking = rank_scores(out.scores, true, options.ties);
    return out;
}

}  // namespace kaohe::mcda
