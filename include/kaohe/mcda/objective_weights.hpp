// Objective (data-driven) criterion weights: entropy (熵权法), CRITIC, standard deviation, MEREC and equal weights.
//
// Every function returns weights that sum to 1, the variant it used (recorded in `WeightResult::variant`), and
// its intermediate per-criterion quantities as diagnostics. Conventions, and which published values each one
// reproduces (shared/reference/mcda_reference_vectors.json):
//
// entropy   p_ij = x_ij / sum_i x_ij, E_j = -sum_i p_ij ln p_ij / ln m, d_j = 1 - E_j, w = d / sum d; 0 ln 0 = 0.
//           `cost = ignore` (default) uses every column as given, as every published case does (Elsayed 2017,
//           Xu 2004, Zavadskas 2016, Ersoy 2021, Lee 2018; pymcdm, scikit-criteria, pyrepo-mcda);
//           `cost = reciprocal` first maps cost columns to 1/x (pyDecision). Entropy weights are invariant to
//           scaling a column. Negative values, an all-zero column and m < 2 are errors; a constant column has
//           E = 1 and weight 0 (d is clamped at 0 against rounding); every column constant is an error.
// CRITIC    c_j = s_j * sum_k (1 - r_jk), w = c / sum c, where s_j is the standard deviation of the normalised
//           column and r the correlation matrix. `normalisation`: minmax (Diakoulaki 1995: (x - worst) /
//           (best - worst), oriented by criterion type), minmax_all_benefit (every column as a benefit, types
//           ignored: pymcdm, reproduces Tus & Adali 2019), none (raw values, scikit-criteria scale=False).
//           `correlation`: pearson, or spearman (Pearson on average ranks; the standard deviation stays that of
//           the values). ddof cancels in the weights. A constant column is an error (its correlation is
//           undefined); so are m < 2 and n < 2.
// std       w_j = s_j / sum s; `normalisation` none (raw values: pymcdm, scikit-criteria, pyrepo-mcda) or minmax
//           (s_j / (max - min)). ddof cancels. A constant column gets weight 0; every column constant is an error.
// MEREC     Keshavarz-Ghorabaee et al. 2021: r = min/x (benefit), x/max (cost); S_i = ln(1 + mean_j |ln r_ij|),
//           S'_ij the same without criterion j, E_j = sum_i |S'_ij - S_i|, w = E / sum E. Needs x > 0 (the
//           logarithm): a value <= 0 is an error naming the cell.
#pragma once

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "kaohe/mcda/decision_matrix.hpp"
#include "kaohe/mcda/detail/xlogx.hpp"
#include "kaohe/mcda/normalisation.hpp"

namespace kaohe::mcda {

struct WeightResult {
    Vector weights;       // one per criterion, sum 1
    std::string method;   // "entropy", "critic", "std", "merec", "equal", "combined"
    std::string variant;  // e.g. "normalisation=minmax, correlation=pearson"
    // Per-criterion intermediate values (entropy, divergence, std, information, removal effect, ...).
    std::vector<std::pair<std::string, Vector>> diagnostics;
};

// ---- entropy --------------------------------------------------------------------------------------------------

enum class EntropyCost {
    ignore,     // cost columns used as given (every published case)
    reciprocal  // cost columns replaced by 1/x first (pyDecision)
};
[[nodiscard]] inline const char* to_string(EntropyCost c) {
    return c == EntropyCost::reciprocal ? "reciprocal" : "ignore";
}

struct EntropyOptions : RunOptions {
    EntropyCost cost = EntropyCost::ignore;
};

[[nodiscard]] inline WeightResult entropy_weights(const MatrixRef& x, const CriterionTypes& types = {},
                                                  const EntropyOptions& options = {}) {
    namespace d = kaohe::detail::mcda;
    const Labels& labels = options.labels;
    d::check_shape(x, types, false, labels, "entropy weights", 2, 1);
    if (options.cost == EntropyCost::reciprocal && types.empty())
        d::matrix_error("entropy weights: cost=reciprocal needs the criterion types");
    const Eigen::Index m = x.rows(), n = x.cols();
    std::vector<char> recip(d::to_size(n), 0);
    if (options.cost == EntropyCost::reciprocal)
        for (Eigen::Index j = 0; j < n; ++j) recip[d::to_size(j)] = d::is_cost(types, j) ? 1 : 0;

    // One pass: per column sum(y), sum(y ln y), min(x) and max(x), with y = x (or 1/x). Then
    // H = -sum p ln p = ln S - (sum y ln y) / S, with S = sum y.
    const Eigen::Index blocks = d::block_count(m);
    RowMatrix part(blocks, 4 * n);
    const Eigen::Index stride = x.outerStride();
    const bool any_recip = std::find(recip.begin(), recip.end(), 1) != recip.end();
    d::for_each_block(m, options.threads, [&](Eigen::Index b, Eigen::Index begin, Eigen::Index end) {
        double* p = part.row(b).data();
        if (!any_recip) {
            for (Eigen::Index j = 0; j < n; ++j) {
                p[j] = p[n + j] = 0;
                p[2 * n + j] = p[3 * n + j] = x(begin, j);
            }
            d::xlogx_block(x.data() + begin * stride, end - begin, n, stride, p, p + n, p + 2 * n, p + 3 * n);
            return;
        }
        // Column by column within the block (the block stays in cache): scalar accumulators in registers.
        for (Eigen::Index j = 0; j < n; ++j) {
            const double* c = x.data() + begin * stride + j;
            const bool r = recip[d::to_size(j)] != 0;
            double s = 0, t = 0, mn = c[0], mx = c[0];
            for (Eigen::Index i = 0; i < end - begin; ++i) {
                double v = c[i * stride];
                mn = v < mn ? v : mn;
                mx = v > mx ? v : mx;
                if (r) v = 1.0 / v;
                s += v;
                t += v > 0 ? v * std::log(v) : 0.0;  // 0 ln 0 = 0 (negative values are rejected below)
            }
            p[j] = s;
            p[n + j] = t;
            p[2 * n + j] = mn;
            p[3 * n + j] = mx;
        }
    });
    Vector sum = part.block(0, 0, 1, n).transpose(), tlog = part.block(0, n, 1, n).transpose(),
           mins = part.block(0, 2 * n, 1, n).transpose(), maxs = part.block(0, 3 * n, 1, n).transpose();
    for (Eigen::Index b = 1; b < blocks; ++b)
        for (Eigen::Index j = 0; j < n; ++j) {
            sum(j) += part(b, j);
            tlog(j) += part(b, n + j);
            mins(j) = std::min(mins(j), part(b, 2 * n + j));
            maxs(j) = std::max(maxs(j), part(b, 3 * n + j));
        }
    for (Eigen::Index j = 0; j < n; ++j) {
        if (!std::isfinite(sum(j)) && !recip[d::to_size(j)]) d::non_finite_error(x, j, labels);
        const bool r = recip[d::to_size(j)] != 0;
        if (r ? !(mins(j) > 0) : mins(j) < 0) {
            for (Eigen::Index i = 0; i < m; ++i)
                if (r ? !(x(i, j) > 0) : x(i, j) < 0)
                    d::cell_error(labels, i, j, x(i, j),
                                  r ? "is not > 0: entropy with cost=reciprocal takes 1/x of cost criteria"
                                    : "is negative: entropy weights need non-negative values (p = x / sum x)");
        }
        if (!std::isfinite(sum(j))) d::non_finite_error(x, j, labels);
        if (!(sum(j) > 0))
            d::column_error(labels, j, "entropy weights: every value is zero, so p = x / sum x is undefined");
    }
    const double lnm = std::log(static_cast<double>(m));
    Vector entropy(n), divergence(n);
    for (Eigen::Index j = 0; j < n; ++j) {
        const double h = std::log(sum(j)) - tlog(j) / sum(j);
        entropy(j) = h / lnm;
        // A constant column has E = 1 exactly (set, not left to rounding); clamp others against rounding.
        if (!(maxs(j) > mins(j))) entropy(j) = 1.0;
        divergence(j) = std::max(0.0, 1.0 - entropy(j));
    }
    const double total = divergence.sum();
    if (!(total > 0))
        d::matrix_error(
            "entropy weights: every criterion has maximal entropy (every column is constant), so no "
            "criterion discriminates between alternatives");
    WeightResult out{divergence / total, "entropy", std::string("cost=") + to_string(options.cost), {}};
    out.diagnostics = {{"entropy", entropy}, {"divergence", divergence}};
    return out;
}

// ---- CRITIC ---------------------------------------------------------------------------------------------------

enum class CriticNormalisation {
    minmax,              // (x - worst) / (best - worst), oriented by type (Diakoulaki et al. 1995; scikit-criteria)
    minmax_all_benefit,  // (x - min) / (max - min) for every column, types ignored (pymcdm; Tus & Adali 2019)
    none                 // raw values (scikit-criteria scale=False)
};
[[nodiscard]] inline const char* to_string(CriticNormalisation n) {
    switch (n) {
        case CriticNormalisation::minmax:
            return "minmax";
        case CriticNormalisation::minmax_all_benefit:
            return "minmax_all_benefit";
        case CriticNormalisation::none:
            return "none";
    }
    return "?";
}

enum class Correlation { pearson, spearman };
[[nodiscard]] inline const char* to_string(Correlation c) {
    return c == Correlation::spearman ? "spearman" : "pearson";
}

struct CriticOptions : RunOptions {
    CriticNormalisation normalisation = CriticNormalisation::minmax;
    Correlation correlation = Correlation::pearson;
};

}  // namespace kaohe::mcda

namespace kaohe::detail::mcda {

// Sum over rows of (x_i - mean)(x_i - mean)^T, upper triangle (j <= k) filled, in one blocked pass. With
// `diagonal_only` just the sums of squared deviations. Two-pass (mean first) for accuracy on offset data.
inline RowMatrix centred_cross_products(const MatrixRef& x, const Vector& mean, unsigned threads, bool diagonal_only) {
    const Eigen::Index n = x.cols();
    const Eigen::Index width = diagonal_only ? n : n * (n + 1) / 2;
    const Eigen::Index blocks = block_count(x.rows());
    RowMatrix part = RowMatrix::Zero(blocks, width);
    for_each_block(x.rows(), threads, [&](Eigen::Index b, Eigen::Index begin, Eigen::Index end) {
        double* acc = part.row(b).data();
        std::vector<double> dev(to_size(n));
        const double* mu = mean.data();
        for (Eigen::Index i = begin; i < end; ++i) {
            const double* r = x.row(i).data();
            for (Eigen::Index j = 0; j < n; ++j) dev[to_size(j)] = r[j] - mu[j];
            if (diagonal_only) {
                for (Eigen::Index j = 0; j < n; ++j) acc[j] += dev[to_size(j)] * dev[to_size(j)];
            } else {
                double* a = acc;
                for (Eigen::Index j = 0; j < n; ++j) {
                    const double dj = dev[to_size(j)];
                    for (Eigen::Index k = j; k < n; ++k) *a++ += dj * dev[to_size(k)];
                }
            }
        }
    });
    Eigen::RowVectorXd total = part.row(0);
    for (Eigen::Index b = 1; b < blocks; ++b) total += part.row(b);
    RowMatrix out = RowMatrix::Zero(n, n);
    if (diagonal_only) {
        for (Eigen::Index j = 0; j < n; ++j) out(j, j) = total(j);
    } else {
        Eigen::Index idx = 0;
        for (Eigen::Index j = 0; j < n; ++j)
            for (Eigen::Index k = j; k < n; ++k) out(j, k) = out(k, j) = total(idx++);
    }
    return out;
}

}  // namespace kaohe::detail::mcda

namespace kaohe::mcda {

[[nodiscard]] inline WeightResult critic_weights(const MatrixRef& x, const CriterionTypes& types = {},
                                                 const CriticOptions& options = {}) {
    namespace d = kaohe::detail::mcda;
    const Labels& labels = options.labels;
    d::check_shape(x, types, false, labels, "CRITIC weights", 2, 2);
    const Eigen::Index m = x.rows(), n = x.cols();
    const d::ColumnStats s = d::checked_column_stats(x, options.threads, false, labels);
    for (Eigen::Index j = 0; j < n; ++j)
        if (!(s.max(j) > s.min(j)))
            d::column_error(labels, j,
                            "CRITIC: the column is constant (" + d::fmt(s.min(j)) +
                                "), so its correlation with the other criteria is undefined; remove the criterion");
    const Vector mean = s.sum / static_cast<double>(m);
    RowMatrix cross = d::centred_cross_products(x, mean, options.threads, false);

    Vector sd(n), sign = Vector::Ones(n);
    for (Eigen::Index j = 0; j < n; ++j) {
        sd(j) = std::sqrt(cross(j, j) / static_cast<double>(m));  // population sd; ddof cancels in the weights
        if (options.normalisation != CriticNormalisation::none) sd(j) /= s.max(j) - s.min(j);
        // Orienting a cost column as (max - x) / (max - min) negates it: its correlations change sign.
        if (options.normalisation == CriticNormalisation::minmax && d::is_cost(types, j)) sign(j) = -1;
    }
    RowMatrix corr(n, n);
    if (options.correlation == Correlation::pearson) {
        for (Eigen::Index j = 0; j < n; ++j)
            for (Eigen::Index k = 0; k < n; ++k)
                corr(j, k) = j == k ? 1.0 : cross(j, k) / std::sqrt(cross(j, j) * cross(k, k));
    } else {
        // Spearman: Pearson correlation of the average ranks of each column.
        RowMatrix ranks(m, n);
        std::vector<double> col(d::to_size(m));
        for (Eigen::Index j = 0; j < n; ++j) {
            for (Eigen::Index i = 0; i < m; ++i) col[d::to_size(i)] = x(i, j);
            const std::vector<double> r = d::average_ranks(col);
            for (Eigen::Index i = 0; i < m; ++i) ranks(i, j) = r[d::to_size(i)];
        }
        const Vector rank_mean = Vector::Constant(n, (static_cast<double>(m) + 1.0) / 2.0);
        const RowMatrix rc = d::centred_cross_products(ranks, rank_mean, options.threads, false);
        for (Eigen::Index j = 0; j < n; ++j)
            for (Eigen::Index k = 0; k < n; ++k) corr(j, k) = j == k ? 1.0 : rc(j, k) / std::sqrt(rc(j, j) * rc(k, k));
    }
    Vector conflict(n), information(n);
    for (Eigen::Index j = 0; j < n; ++j) {
        double c = 0;
        for (Eigen::Index k = 0; k < n; ++k) c += 1.0 - sign(j) * sign(k) * corr(j, k);
        conflict(j) = c;
        information(j) = sd(j) * c;
    }
    const double total = information.sum();
    if (!(total > 0))
        d::matrix_error(
            "CRITIC weights: every criterion carries zero information (all criteria perfectly "
            "correlated)");
    WeightResult out{information / total,
                     "critic",
                     std::string("normalisation=") + to_string(options.normalisation) +
                         ", correlation=" + to_string(options.correlation),
                     {}};
    out.diagnostics = {{"std", sd}, {"conflict", conflict}, {"information", information}};
    return out;
}

// ---- standard deviation ---------------------------------------------------------------------------------------

struct StdOptions : RunOptions {
    Normalisation normalisation = Normalisation::none;  // none or minmax
};

[[nodiscard]] inline WeightResult std_weights(const MatrixRef& x, const CriterionTypes& types = {},
                                              const StdOptions& options = {}) {
    namespace d = kaohe::detail::mcda;
    const Labels& labels = options.labels;
    d::check_shape(x, types, false, labels, "standard-deviation weights", 2, 1);
    if (options.normalisation != Normalisation::none && options.normalisation != Normalisation::minmax)
        d::matrix_error(std::string("standard-deviation weights: normalisation must be none or minmax, not ") +
                        to_string(options.normalisation));
    const Eigen::Index m = x.rows(), n = x.cols();
    const d::ColumnStats s = d::checked_column_stats(x, options.threads, false, labels);
    const Vector mean = s.sum / static_cast<double>(m);
    const RowMatrix sq = d::centred_cross_products(x, mean, options.threads, true);
    Vector sd(n);
    for (Eigen::Index j = 0; j < n; ++j) {
        const double range = s.max(j) - s.min(j);
        // A constant column has sd 0 and gets weight 0 (whatever the scaling).
        sd(j) = range > 0 ? std::sqrt(sq(j, j) / static_cast<double>(m)) : 0.0;
        if (options.normalisation == Normalisation::minmax && range > 0) sd(j) /= range;
    }
    const double total = sd.sum();
    if (!(total > 0)) d::matrix_error("standard-deviation weights: every column is constant");
    WeightResult out{sd / total, "std", std::string("normalisation=") + to_string(options.normalisation), {}};
    out.diagnostics = {{"std", sd}};
    return out;
}

// ---- MEREC ----------------------------------------------------------------------------------------------------

[[nodiscard]] inline WeightResult merec_weights(const MatrixRef& x, const CriterionTypes& types,
                                                const RunOptions& options = {}) {
    namespace d = kaohe::detail::mcda;
    const Labels& labels = options.labels;
    d::check_shape(x, types, true, labels, "MEREC weights", 1, 1);
    const Eigen::Index m = x.rows(), n = x.cols();
    const d::ColumnStats s = d::checked_column_stats(x, options.threads, false, labels);
    for (Eigen::Index j = 0; j < n; ++j)
        if (!(s.min(j) > 0))
            for (Eigen::Index i = 0; i < m; ++i)
                if (!(x(i, j) > 0))
                    d::cell_error(labels, i, j, x(i, j), "is not > 0: MEREC takes the logarithm of min/x or x/max");
    // |ln r_ij| = a_j * ln(x) + b_j: benefit ln(x) - ln(min), cost ln(max) - ln(x) (both >= 0).
    Vector sgn(n), off(n);
    for (Eigen::Index j = 0; j < n; ++j) {
        const bool cost = d::is_cost(types, j);
        sgn(j) = cost ? -1.0 : 1.0;
        off(j) = cost ? std::log(s.max(j)) : -std::log(s.min(j));
    }
    const double inv_n = 1.0 / static_cast<double>(n);
    const Eigen::Index blocks = d::block_count(m);
    RowMatrix part = RowMatrix::Zero(blocks, n);
    d::for_each_block(m, options.threads, [&](Eigen::Index b, Eigen::Index begin, Eigen::Index end) {
        double* e = part.row(b).data();
        std::vector<double> a(d::to_size(n));
        for (Eigen::Index i = begin; i < end; ++i) {
            const double* r = x.row(i).data();
            double total = 0;
            for (Eigen::Index j = 0; j < n; ++j) {
                const double v = std::max(0.0, sgn(j) * std::log(r[j]) + off(j));
                a[d::to_size(j)] = v;
                total += v;
            }
            const double si = std::log1p(total * inv_n);
            for (Eigen::Index j = 0; j < n; ++j)
                e[j] += std::abs(std::log1p(std::max(0.0, total - a[d::to_size(j)]) * inv_n) - si);
        }
    });
    Vector effect = part.row(0).transpose();
    for (Eigen::Index b = 1; b < blocks; ++b) effect += part.row(b).transpose();
    const double total = effect.sum();
    if (!(total > 0))
        d::matrix_error("MEREC weights: removing any criterion changes nothing (every column is constant)");
    WeightResult out{effect / total, "merec", "normalisation=linear (benefit min/x, cost x/max)", {}};
    out.diagnostics = {{"removal_effect", effect}};
    return out;
}

// ---- equal ----------------------------------------------------------------------------------------------------

[[nodiscard]] inline WeightResult equal_weights(Eigen::Index n) {
    if (n < 1) throw data_error(Location({}, "weights"), "equal weights need at least one criterion");
    return WeightResult{Vector::Constant(n, 1.0 / static_cast<double>(n)), "equal", "1/n", {}};
}

}  // namespace kaohe::mcda
