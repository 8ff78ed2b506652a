// TOPSIS (Hwang & Yoon 1981): closeness of each alternative to the ideal and away from the anti-ideal.
//
//   r_ij = normalised x_ij, v_ij = w_j r_ij, ideal v+_j = best v_ij, anti-ideal v-_j = worst v_ij
//   D+_i = ||v_i - v+||_2, D-_i = ||v_i - v-||_2, score C_i = D-_i / (D+_i + D-_i)   (higher is better)
//
// `normalisation` is the named variant that decides which published numbers come out:
//   vector  r = x / ||x_j||_2 (Hwang & Yoon; reproduces Tzeng & Huang 2011 and Ersoy 2021)
//   minmax  r = (x - min_j) / (max_j - min_j) (pymcdm's default; reproduces Opricovic & Tzeng 2004 and the pymcdm
//           README example)
//   none    r = x (scikit-criteria's TOPSIS, which expects a matrix scaled beforehand)
// Cost criteria enter through the ideal: for a cost column the ideal is the smallest v and the anti-ideal the
// largest. (pymcdm instead flips cost columns to (max - x)/(max - min) or 1 - x/||x|| and takes the largest v;
// both give the same distances, so the same scores. `ideal`/`anti_ideal` below are in kaohe's unflipped space.)
//
// Weights are used as given: the score is invariant to multiplying all weights by a constant.
//
// Degenerate data: a constant column (every alternative equal) is at once ideal and anti-ideal and contributes
// 0 to both distances, under every normalisation (for min-max it would otherwise be 0/0). If every criterion
// with a positive weight is constant, or there is one alternative, no alternative can be told apart and the
// closeness is 0/0: that is a data_error.
//
// Duplicating an alternative: with min-max or no normalisation the scores of the other alternatives do not
// change (min, max, ideal and anti-ideal are the same). With vector normalisation they DO change slightly,
// because the duplicate enlarges ||x_j|| by a different factor in each column, which re-weights the criteria
// relative to one another; rankings can even change. (The tests check both facts.)
//
// Performance: two passes over the row-major matrix (column statistics; then one fused pass computing D+, D-
// and the score of each row), no normalised matrix is materialised, both passes are split over threads in
// fixed row blocks (results do not depend on the thread count).
#pragma once

#include <string>
#include <vector>

#include "kaohe/mcda/decision_matrix.hpp"

namespace kaohe::mcda {

enum class TopsisNormalisation { vector, minmax, none };
[[nodiscard]] inline const char* to_string(TopsisNormalisation n) {
    switch (n) {
        case TopsisNormalisation::vector:
            return "vector";
        case TopsisNormalisation::minmax:
            return "minmax";
        case TopsisNormalisation::none:
            return "none";
    }
    return "?";
}

struct TopsisOptions : RunOptions {
    TopsisNormalisation normalisation = TopsisNormalisation::vector;
    TieMethod ties = TieMethod::competition;
    bool rank = true;            // compute `ranking` (a sort: skip it when only scores are wanted)
    bool keep_distances = true;  // fill d_plus / d_minus
};

struct TopsisResult {
    Vector scores;                // closeness C_i in [0, 1], higher is better
    Vector d_plus, d_minus;       // distances to ideal and anti-ideal (empty unless keep_distances)
    Vector ideal, anti_ideal;     // per criterion, weighted normalised space (cost ideal = smallest value)
    std::vector<double> ranking;  // 1 = best (empty unless rank)
    std::string variant;          // "normalisation=vector, ties=competition"
};

[[nodiscard]] inline TopsisResult topsis(const MatrixRef& x, const Vector& weights, const CriterionTypes& types,
                                         const TopsisOptions& options = {}) {
    namespace d = kaohe::detail::mcda;
    const Labels& labels = options.labels;
    d::check_shape(x, types, true, labels, "TOPSIS");
    d::check_weights(weights, x.cols(), "TOPSIS");
    const Eigen::Index m = x.rows(), n = x.cols();
    const d::ColumnStats s =
        d::checked_column_stats(x, options.threads, options.normalisation == TopsisNormalisation::vector, labels);

    TopsisResult out;
    out.variant =
        std::string("normalisation=") + to_string(options.normalisation) + ", ties=" + to_string(options.ties);
    Vector c2(n), best(n), worst(n);  // squared weighted scale; ideal and anti-ideal in raw units
    out.ideal.resize(n);
    out.anti_ideal.resize(n);
    bool any = false;
    for (Eigen::Index j = 0; j < n; ++j) {
        const bool cost = d::is_cost(types, j);
        best(j) = cost ? s.min(j) : s.max(j);
        worst(j) = cost ? s.max(j) : s.min(j);
        double scale = 1.0, shift = 0.0;
        if (options.normalisation == TopsisNormalisation::vector) {
            const double norm = std::sqrt(s.sumsq(j));
            scale = norm > 0 ? 1.0 / norm : 0.0;
        } else if (options.normalisation == TopsisNormalisation::minmax) {
            const double range = s.max(j) - s.min(j);
            scale = range > 0 ? 1.0 / range : 0.0;
            shift = s.min(j);
        }
        const bool constant = !(s.max(j) > s.min(j));
        const double cw = constant ? 0.0 : weights(j) * scale;
        c2(j) = cw * cw;
        out.ideal(j) = weights(j) * scale * (best(j) - shift);
        out.anti_ideal(j) = weights(j) * scale * (worst(j) - shift);
        if (c2(j) > 0) any = true;
    }
    if (!any)
        d::matrix_error(m < 2 ? "TOPSIS needs at least 2 alternatives to compare"
                              : "TOPSIS: every criterion with a positive weight is constant, so the alternatives "
                                "cannot be told apart (closeness would be 0/0)");

    out.scores.resize(m);
    if (options.keep_distances) {
        out.d_plus.resize(m);
        out.d_minus.resize(m);
    }
    double* score = out.scores.data();
    double* dp_out = options.keep_distances ? out.d_plus.data() : nullptr;
    double* dm_out = options.keep_distances ? out.d_minus.data() : nullptr;
    const double* cc = c2.data();
    const double* bb = best.data();
    const double* ww = worst.data();
    d::for_each_block(m, options.threads, [&](Eigen::Index, Eigen::Index begin, Eigen::Index end) {
        for (Eigen::Index i = begin; i < end; ++i) {
            const double* r = x.row(i).data();
            double dp = 0, dm = 0;
            for (Eigen::Index j = 0; j < n; ++j) {
                const double a = r[j] - bb[j];
                const double b = r[j] - ww[j];
                dp += cc[j] * a * a;
                dm += cc[j] * b * b;
            }
            dp = std::sqrt(dp);
            dm = std::sqrt(dm);
            // dp + dm > 0: some weighted column is not constant, and no value is both its max and its min.
            score[i] = dm / (dp + dm);
            if (dp_out) {
                dp_out[i] = dp;
                dm_out[i] = dm;
            }
        }
    });
    if (options.rank) out.ranking = rank_scores(out.scores, true, options.ties);
    return out;
}

}  // namespace kaohe::mcda
