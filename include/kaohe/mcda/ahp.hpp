// AHP (层次分析法) priorities and consistency for one pairwise comparison matrix.
//
//   priorities(matrix, options) -> AhpResult: weights (sum 1), lambda_max, CI, CR, the RI used, and the
//   judgements that contribute most to any inconsistency.
//
// Priority methods (named, recorded in the result):
//   eigenvector  Saaty's principal right eigenvector of A, normalised to sum 1. Needed to reproduce Saaty's and
//                AHPy's published numbers.
//   geometric    row geometric mean (RGMM / logarithmic least squares), normalised to sum 1.
//   columns      mean of the rows of the column-normalised matrix (the "approximate" method; pyDecision's default).
// All three give w exactly when A is consistent (a_ij = w_i / w_j).
//
// lambda_max is the principal eigenvalue of A whatever the priority method (Saaty's definition of CI), unless
// LambdaMax::priorities asks for mean_i (A w)_i / w_i with the method's own w (what pyDecision and the
// scikit-criteria prototype report for their approximate methods). CI = (lambda_max - n) / (n - 1) (0 for n = 1),
// CR = CI / RI(n), and CR = 0 for n <= 2 by definition (every 1x1 and reciprocal 2x2 matrix is consistent).
// A matrix accepted within the reciprocal tolerance but not exactly reciprocal can have lambda_max slightly below
// n, hence a slightly negative CI and CR; they are reported as computed.
//
// The principal eigenvector is computed by repeated squaring of A (power iteration on A^(2^k)): A is positive,
// so Perron-Frobenius guarantees a simple dominant real eigenvalue and convergence; products of positive matrices
// have no cancellation (every entry keeps a relative error of a few ulps); and the error falls as
// |lambda_2 / lambda_max|^(2^k), so even a very inconsistent matrix converges in a dozen squarings. Row sums of
// A^(2^k) give the right eigenvector and column sums the left one (needed by the incomplete-matrix completion),
// and lambda_max is the Rayleigh quotient v'Aw / v'w. It agrees with Eigen's EigenSolver to 1e-12 (tested) on the
// reference matrices, without complex arithmetic or picking among complex eigenvalues.
//
// Incomplete matrices (NaN = missing judgement) are completed first, then treated as complete:
//   lambda_max   Bozoki, Fulop & Ronyai (2010): the missing entries minimise lambda_max of the completed matrix
//                (a convex problem in the logs of the entries; unique when the judgements connect all criteria).
//                Reproduces AHPy and the paper's example. Default for the eigenvector and columns methods.
//   llsm         logarithmic least squares on the judged pairs (Kwiesielewicz 1996; BFR 2010): missing a_ij =
//                w_i / w_j with w the incomplete LLSM solution; the row geometric mean of the completed matrix is
//                that w. Default for the geometric method.
// CR of an incomplete matrix is the CR of its completion (as in AHPy and BFR 2010).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include <Eigen/Dense>

#include "kaohe/detail/format.hpp"
#include "kaohe/error.hpp"
#include "kaohe/mcda/ahp_matrix.hpp"
#include "kaohe/mcda/ahp_random_index.hpp"

namespace kaohe::ahp {

enum class PriorityMethod { eigenvector, geometric, columns };
enum class LambdaMax { eigenvalue, priorities };
enum class Completion { automatic, lambda_max, llsm };

inline const char* to_string(PriorityMethod m) {
    switch (m) {
        case PriorityMethod::eigenvector:
            return "eigenvector";
        case PriorityMethod::geometric:
            return "geometric";
        case PriorityMethod::columns:
            return "columns";
    }
    return "?";
}
inline const char* to_string(LambdaMax m) {
    return m == LambdaMax::eigenvalue ? "eigenvalue" : "priorities";
}
inline const char* to_string(Completion c) {
    switch (c) {
        case Completion::automatic:
            return "automatic";
        case Completion::lambda_max:
            return "lambda_max";
        case Completion::llsm:
            return "llsm";
    }
    return "?";
}

struct Options {
    PriorityMethod method = PriorityMethod::eigenvector;
    RandomIndex random_index;  // saaty_1980
    LambdaMax lambda_max = LambdaMax::eigenvalue;
    Completion completion = Completion::automatic;  // lambda_max, or llsm for the geometric method
    Checks checks;
};

// A judgement and what the priorities imply for it: deviation = |ln(a_ij * w_j / w_i)|, 0 when consistent.
struct Inconsistency {
    std::size_t row = 0;
    std::size_t column = 0;
    double judgement = 0.0;  // a_ij as given
    double implied = 0.0;    // w_i / w_j, the judgement that would agree with the priorities
    double deviation = 0.0;
};

struct AhpResult {
    std::vector<std::string> names;  // criterion names as given (may be empty)
    Eigen::VectorXd weights;         // priorities, sum 1
    Eigen::MatrixXd matrix;          // the matrix used: the input with missing judgements completed
    std::vector<std::pair<std::size_t, std::size_t>> completed;  // (i, j), i < j: judgements filled by completion
    PriorityMethod method = PriorityMethod::eigenvector;
    LambdaMax lambda_method = LambdaMax::eigenvalue;
    Completion completion = Completion::automatic;  // the completion used (automatic when nothing was missing)
    double lambda_max = 0.0;
    double ci = 0.0;
    double cr = 0.0;
    double random_index = 0.0;
    std::string ri_table;  // saaty_1980, saaty_2005_alonso_lamata, donegan_dodd_1991 or user
    // Set for a group result aggregated from individual priorities: there is no group matrix, and lambda_max,
    // CI and CR are those of the least consistent member.
    bool from_priorities = false;

    [[nodiscard]] std::size_t size() const noexcept { return static_cast<std::size_t>(weights.size()); }
    // Saaty's rule CR <= 0.1 (some authors use 0.05 for n = 3 and 0.08 for n = 4: pass the threshold).
    [[nodiscard]] bool consistent(double threshold = 0.1) const noexcept { return cr <= threshold; }
    [[nodiscard]] std::string name(std::size_t i) const { return names.empty() ? std::to_string(i + 1) : names[i]; }

    // The `top` judged pairs (i < j; completed entries excluded) that disagree most with the priorities, worst
    // first (ties in matrix order): where to look when CR > 0.1 (Saaty's "most inconsistent judgement").
    [[nodiscard]] std::vector<Inconsistency> inconsistencies(std::size_t top = 5) const {
        if (from_priorities)
            throw data_error({},
                             "a group result aggregated from individual priorities has no group matrix: look at "
                             "each member's inconsistencies");
        std::vector<Inconsistency> out;
        const std::size_t n = size();
        for (std::size_t i = 0; i < n; ++i) {
            for (std::size_t j = i + 1; j < n; ++j) {
                if (std::find(completed.begin(), completed.end(), std::make_pair(i, j)) != completed.end()) continue;
                const double a = matrix(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j));
                const double implied = weights(static_cast<Eigen::Index>(i)) / weights(static_cast<Eigen::Index>(j));
                out.push_back({i, j, a, implied, std::abs(std::log(a / implied))});
            }
        }
        std::stable_sort(out.begin(), out.end(),
                         [](const Inconsistency& x, const Inconsistency& y) { return x.deviation > y.deviation; });
        if (out.size() > top) out.resize(top);
        return out;
    }
};

}  // namespace kaohe::ahp

namespace kaohe::detail::ahp {

// Principal (Perron) eigenpair of a positive matrix: right vector w and left vector v, each summing to 1.
struct Perron {
    Eigen::VectorXd right;
    Eigen::VectorXd left;
    double lambda = 0.0;
};

inline Perron perron(const Eigen::MatrixXd& a) {
    Perron out;
    Eigen::MatrixXd b = a / a.maxCoeff();
    out.right = b.rowwise().sum();
    out.right /= out.right.sum();
    out.left = b.colwise().sum().transpose();
    out.left /= out.left.sum();
    // The error after k squarings is about r^(2^k), r = |lambda_2 / lambda_max| < 1, so once a squaring changes
    // the vectors by less than 1e-12 the remaining error is below rounding; 64 squarings cover any r < 1 - 1e-18.
    bool converged = false;
    for (int k = 0; k < 64 && !converged; ++k) {
        b = (b * b).eval();
        b /= b.maxCoeff();
        Eigen::VectorXd right = b.rowwise().sum();
        right /= right.sum();
        Eigen::VectorXd left = b.colwise().sum().transpose();
        left /= left.sum();
        const double change =
            std::max((right - out.right).cwiseAbs().maxCoeff(), (left - out.left).cwiseAbs().maxCoeff());
        out.right = std::move(right);
        out.left = std::move(left);
        converged = change <= 1e-12;
    }
    if (!converged) throw internal_error("AHP: the principal eigenvector did not converge");
    // Rayleigh quotient with the left vector: second-order accurate in the vectors' error.
    out.lambda = out.left.dot(a * out.right) / out.left.dot(out.right);
    return out;
}

inline Eigen::VectorXd geometric(const Eigen::MatrixXd& a) {
    // In logs, so that a 20 x 20 matrix of 9s cannot overflow.
    Eigen::VectorXd y = a.array().log().rowwise().mean();
    Eigen::VectorXd w = (y.array() - y.maxCoeff()).exp();
    return w / w.sum();
}

inline Eigen::VectorXd columns(const Eigen::MatrixXd& a) {
    const Eigen::RowVectorXd col = a.colwise().sum();
    Eigen::VectorXd w = (a.array().rowwise() / col.array()).rowwise().mean();
    return w / w.sum();
}

// Incomplete LLSM: minimise sum over judged (i, j) of (ln a_ij - y_i + y_j)^2. Normal equations L y = b with L
// the Laplacian of the comparison graph; adding the all-ones matrix pins sum(y) = 0 and makes the system
// positive definite when the graph is connected (checked by PairwiseMatrix).
inline Eigen::VectorXd llsm_logs(const Eigen::MatrixXd& a) {
    const Eigen::Index n = a.rows();
    Eigen::MatrixXd l = Eigen::MatrixXd::Ones(n, n);
    Eigen::VectorXd b = Eigen::VectorXd::Zero(n);
    for (Eigen::Index i = 0; i < n; ++i) {
        for (Eigen::Index j = i + 1; j < n; ++j) {
            if (std::isnan(a(i, j))) continue;
            // Both orientations enter the least squares; for an exactly reciprocal pair this is ln a_ij.
            const double r = 0.5 * (std::log(a(i, j)) - std::log(a(j, i)));
            l(i, i) += 1.0;
            l(j, j) += 1.0;
            l(i, j) -= 1.0;
            l(j, i) -= 1.0;
            b(i) += r;
            b(j) -= r;
        }
    }
    return l.ldlt().solve(b);
}

inline Eigen::MatrixXd complete_llsm(const Eigen::MatrixXd& a,
                                     const std::vector<std::pair<std::size_t, std::size_t>>& missing) {
    const Eigen::VectorXd y = llsm_logs(a);
    Eigen::MatrixXd out = a;
    for (const auto& [ui, uj] : missing) {
        const auto i = static_cast<Eigen::Index>(ui);
        const auto j = static_cast<Eigen::Index>(uj);
        out(i, j) = std::exp(y(i) - y(j));
        out(j, i) = std::exp(y(j) - y(i));
    }
    return out;
}

// Bozoki, Fulop & Ronyai (2010): choose the missing entries to minimise lambda_max. With x = ln a_ij for each
// missing pair, lambda_max(x) is convex (strictly, for a connected comparison graph), and
//   d lambda / d x = (v_i w_j a_ij - v_j w_i a_ji) / v'w
// with w, v the right and left Perron vectors. Cyclic coordinates (as in the paper and AHPy), each one-dimensional
// problem solved exactly by a bracketed root search on that derivative (monotone by convexity), starting from the
// LLSM completion; stops when a sweep moves no entry by more than 1e-12 in log.
inline Eigen::MatrixXd complete_lambda_max(const Eigen::MatrixXd& a,
                                           const std::vector<std::pair<std::size_t, std::size_t>>& missing) {
    Eigen::MatrixXd m = complete_llsm(a, missing);
    auto set = [&m](Eigen::Index i, Eigen::Index j, double x) {
        m(i, j) = std::exp(x);
        m(j, i) = std::exp(-x);
    };
    auto slope = [&m](Eigen::Index i, Eigen::Index j) {
        const Perron p = perron(m);
        return (p.left(i) * p.right(j) * m(i, j) - p.left(j) * p.right(i) * m(j, i)) / p.left.dot(p.right);
    };
    for (int sweep = 0; sweep < 10000; ++sweep) {
        double moved = 0.0;
        for (const auto& [ui, uj] : missing) {
            const auto i = static_cast<Eigen::Index>(ui);
            const auto j = static_cast<Eigen::Index>(uj);
            const double x0 = std::log(m(i, j));
            const double g0 = slope(i, j);
            if (g0 == 0.0) continue;
            // Bracket the root of the slope: step downhill, doubling, until the slope changes sign. lambda_max grows
            // without bound as an entry goes to 0 or infinity (connected judgements), so a few doublings suffice;
            // the cap keeps exp(x) finite.
            double lo = x0, glo = g0, hi = x0, ghi = g0;
            double step = g0 > 0 ? -0.5 : 0.5;
            for (int k = 0; k < 10; ++k) {
                const double x = x0 + step;
                set(i, j, x);
                const double g = slope(i, j);
                if ((g > 0) == (g0 > 0) && g != 0.0) {
                    (g0 > 0 ? hi : lo) = x;
                    (g0 > 0 ? ghi : glo) = g;
                    step *= 2.0;
                    continue;
                }
                (g0 > 0 ? lo : hi) = x;
                (g0 > 0 ? glo : ghi) = g;
                break;
            }
            if ((glo > 0) == (ghi > 0) && glo != 0.0 && ghi != 0.0)
                throw internal_error("AHP: the lambda_max completion found no minimum");
            // Illinois (modified regula falsi): superlinear, and the root stays bracketed.
            double x = lo, previous = hi;
            int side = 0;
            for (int k = 0; k < 200; ++k) {
                if (glo == 0.0) {
                    x = lo;
                    break;
                }
                if (ghi == 0.0) {
                    x = hi;
                    break;
                }
                x = (lo * ghi - hi * glo) / (ghi - glo);
                if (std::abs(x - previous) <= 1e-15 * std::max(1.0, std::abs(x))) break;
                previous = x;
                set(i, j, x);
                const double g = slope(i, j);
                if (g == 0.0) break;
                if ((g > 0) == (glo > 0)) {
                    lo = x;
                    glo = g;
                    if (side == -1) ghi /= 2.0;
                    side = -1;
                } else {
                    hi = x;
                    ghi = g;
                    if (side == +1) glo /= 2.0;
                    side = +1;
                }
            }
            set(i, j, x);
            moved = std::max(moved, std::abs(x - x0));
        }
        if (moved <= 1e-12) return m;
    }
    throw internal_error("AHP: the lambda_max completion did not converge");
}

}  // namespace kaohe::detail::ahp

namespace kaohe::ahp {

// Priorities and consistency of one validated matrix.
inline AhpResult priorities(const PairwiseMatrix& matrix, const Options& options = {}) {
    AhpResult r;
    const std::size_t n = matrix.size();
    r.names = matrix.names();
    r.method = options.method;
    r.lambda_method = options.lambda_max;
    r.ri_table = options.random_index.name();
    r.matrix = matrix.values();
    if (!matrix.complete()) {
        r.completion = options.completion;
        if (r.completion == Completion::automatic)
            r.completion = options.method == PriorityMethod::geometric ? Completion::llsm : Completion::lambda_max;
        r.completed = matrix.missing();
        r.matrix = r.completion == Completion::llsm ? detail::ahp::complete_llsm(r.matrix, r.completed)
                                                    : detail::ahp::complete_lambda_max(r.matrix, r.completed);
    }
    const detail::ahp::Perron p = detail::ahp::perron(r.matrix);
    switch (options.method) {
        case PriorityMethod::eigenvector:
            r.weights = p.right;
            break;
        case PriorityMethod::geometric:
            r.weights = detail::ahp::geometric(r.matrix);
            break;
        case PriorityMethod::columns:
            r.weights = detail::ahp::columns(r.matrix);
            break;
    }
    r.lambda_max =
        options.lambda_max == LambdaMax::eigenvalue ? p.lambda : (r.matrix * r.weights).cwiseQuotient(r.weights).mean();
    const double dn = static_cast<double>(n);
    r.ci = n == 1 ? 0.0 : (r.lambda_max - dn) / (dn - 1.0);
    try {
        r.random_index = options.random_index(n);
    } catch (const data_error& e) {
        throw data_error(matrix.where(), e.reason());
    }
    r.cr = n <= 2 ? 0.0 : r.ci / r.random_index;
    return r;
}

// Validates `values` (NaN = missing) with options.checks, then as above.
inline AhpResult priorities(const Eigen::MatrixXd& values, const std::vector<std::string>& names = {},
                            const Options& options = {}) {
    return priorities(PairwiseMatrix(values, names, options.checks), options);
}

}  // namespace kaohe::ahp
