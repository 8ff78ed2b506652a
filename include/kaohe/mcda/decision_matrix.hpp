// The decision matrix of multi-criteria decision analysis (MCDA): alternatives in rows, criteria in columns,
// each criterion a benefit (more is better) or a cost (less is better).
//
// Every MCDA function takes the matrix as `MatrixRef`, a read-only Eigen::Ref to a *row-major* matrix, so that
// a numpy C-order array (or any row-major buffer wrapped in an Eigen::Map) is read in place without a copy. A
// column-major Eigen::MatrixXd is accepted too; Eigen then makes one temporary row-major copy.
//
// Validation is part of every method and costs almost nothing: the column statistics a method needs anyway
// (sums, minima, maxima) turn non-finite on any NaN/inf cell, and only then is the matrix scanned again to name
// the first offending cell. Errors are `data_error`s whose Location has the 1-based row (alternative) and the
// criterion's name (or its 1-based column number), and whose message says why.
#pragma once

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <exception>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "kaohe/detail/format.hpp"
#include "kaohe/detail/parallel_blocks.hpp"
#include "kaohe/error.hpp"
#include "kaohe/ranking.hpp"

namespace kaohe::mcda {

using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using MatrixRef = Eigen::Ref<const RowMatrix>;
using Vector = Eigen::VectorXd;
using kaohe::TieMethod;  // competition, dense, average, ordinal (rule.hpp)

// Whether more (benefit) or less (cost) of a criterion is better.
enum class CriterionType { benefit, cost };
using CriterionTypes = std::vector<CriterionType>;

[[nodiscard]] inline const char* to_string(CriterionType t) {
    return t == CriterionType::cost ? "cost" : "benefit";
}

// The usual +1 / -1 coding of criterion types (pymcdm, pyrepo-mcda): 1 = benefit, -1 = cost.
[[nodiscard]] inline CriterionTypes criterion_types(const std::vector<int>& signs) {
    CriterionTypes out;
    out.reserve(signs.size());
    for (std::size_t j = 0; j < signs.size(); ++j) {
        if (signs[j] == 1)
            out.push_back(CriterionType::benefit);
        else if (signs[j] == -1)
            out.push_back(CriterionType::cost);
        else
            throw data_error(Location({}, "types", -1, std::to_string(j + 1)),
                             "criterion type " + std::to_string(signs[j]) + " is neither 1 (benefit) nor -1 (cost)");
    }
    return out;
}

// Names of the alternatives (rows) and criteria (columns), used only in error messages. Either may be empty.
struct Labels {
    std::vector<std::string> alternatives;
    std::vector<std::string> criteria;
};

// Options every matrix method shares.
struct RunOptions {
    Labels labels;
    // Worker threads for the row passes; 0 = std::thread::hardware_concurrency(). Results are bit-identical
    // whatever the count: rows are split into fixed blocks and partial sums are combined in block order.
    unsigned threads = 0;
};

// How given criterion weights are used.
enum class WeightScaling {
    as_given,  // exactly as passed (pymcdm)
    normalise  // divided by their sum first (Opricovic & Tzeng 2007, scikit-criteria's SumScaler on weights)
};
[[nodiscard]] inline const char* to_string(WeightScaling s) {
    return s == WeightScaling::normalise ? "normalise" : "as_given";
}

[[nodiscard]] inline const char* to_string(TieMethod t) {
    switch (t) {
        case TieMethod::competition:
            return "competition";
        case TieMethod::dense:
            return "dense";
        case TieMethod::average:
            return "average";
        case TieMethod::ordinal:
            return "ordinal";
    }
    return "?";
}

[[nodiscard]] inline TieMethod parse_ties(const std::string& name) {
    for (auto t : {TieMethod::competition, TieMethod::dense, TieMethod::average, TieMethod::ordinal})
        if (name == to_string(t)) return t;
    throw data_error(Location({}, "ties"),
                     "unknown tie method '" + name + "' (known: competition, dense, average, ordinal)");
}

// Ranks (1 = best) of `scores`. Ties are exact equality, broken by `ties` (ordinal: by row order).
[[nodiscard]] inline std::vector<double> rank_scores(const Vector& scores, bool higher_is_better,
                                                     TieMethod ties = TieMethod::competition) {
    std::vector<double> v(static_cast<std::size_t>(scores.size()));
    std::vector<std::size_t> members(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) {
        const double s = scores(static_cast<Eigen::Index>(i));
        v[i] = higher_is_better ? s : -s;
        members[i] = i;
    }
    return rank_members(v, members, ties);
}

}  // namespace kaohe::mcda

namespace kaohe::detail::mcda {

using kaohe::detail::fmt;
using kaohe::mcda::CriterionType;
using kaohe::mcda::CriterionTypes;
using kaohe::mcda::Labels;
using kaohe::mcda::MatrixRef;
using kaohe::mcda::RowMatrix;
using kaohe::mcda::Vector;

inline std::size_t to_size(Eigen::Index i) {
    return static_cast<std::size_t>(i);
}
inline Eigen::Index to_index(std::size_t i) {
    return static_cast<Eigen::Index>(i);
}

// The criterion's name when there is one, else its 1-based column number (the Location column).
inline std::string criterion_column(const Labels& labels, Eigen::Index j) {
    const auto k = to_size(j);
    return k < labels.criteria.size() ? labels.criteria[k] : std::to_string(k + 1);
}
// "criterion 'price' (column 2)" or "criterion column 2", for messages.
inline std::string criterion_text(const Labels& labels, Eigen::Index j) {
    const auto k = to_size(j);
    if (k < labels.criteria.size())
        return "criterion '" + labels.criteria[k] + "' (column " + std::to_string(k + 1) + ")";
    return "criterion column " + std::to_string(k + 1);
}
inline std::string alternative_text(const Labels& labels, Eigen::Index i) {
    const auto k = to_size(i);
    if (k < labels.alternatives.size())
        return "alternative '" + labels.alternatives[k] + "' (row " + std::to_string(k + 1) + ")";
    return "alternative row " + std::to_string(k + 1);
}

[[noreturn]] inline void column_error(const Labels& labels, Eigen::Index j, const std::string& reason) {
    throw data_error(Location({}, "decision matrix", -1, criterion_column(labels, j)),
                     criterion_text(labels, j) + ": " + reason);
}
[[noreturn]] inline void cell_error(const Labels& labels, Eigen::Index i, Eigen::Index j, double value,
                                    const std::string& reason) {
    throw data_error(
        Location({}, "decision matrix", static_cast<long>(i) + 1, criterion_column(labels, j)),
        alternative_text(labels, i) + ", " + criterion_text(labels, j) + ": value " + fmt(value) + " " + reason);
}
[[noreturn]] inline void matrix_error(const std::string& reason) {
    throw data_error(Location({}, "decision matrix"), reason);
}

// Shape checks shared by every method: at least `min_rows` alternatives and `min_cols` criteria, types (when
// `need_types`, or when given) one per criterion, labels (when given) one per row/column.
inline void check_shape(const MatrixRef& x, const CriterionTypes& types, bool need_types, const Labels& labels,
                        const char* method, Eigen::Index min_rows = 1, Eigen::Index min_cols = 1) {
    const std::string m(method);
    if (x.rows() < min_rows)
        matrix_error(m + " needs at least " + std::to_string(min_rows) + " alternative" + (min_rows > 1 ? "s" : "") +
                     " (rows); the matrix has " + std::to_string(x.rows()));
    if (x.cols() < min_cols)
        matrix_error(m + " needs at least " + std::to_string(min_cols) + " criteri" + (min_cols > 1 ? "a" : "on") +
                     " (columns); the matrix has " + std::to_string(x.cols()));
    if ((need_types || !types.empty()) && types.size() != to_size(x.cols()))
        matrix_error(m + ": " + std::to_string(types.size()) + " criterion types given for " +
                     std::to_string(x.cols()) + " criteria (columns)");
    if (!labels.criteria.empty() && labels.criteria.size() != to_size(x.cols()))
        matrix_error(m + ": " + std::to_string(labels.criteria.size()) + " criterion names for " +
                     std::to_string(x.cols()) + " columns");
    if (!labels.alternatives.empty() && labels.alternatives.size() != to_size(x.rows()))
        matrix_error(m + ": " + std::to_string(labels.alternatives.size()) + " alternative names for " +
                     std::to_string(x.rows()) + " rows");
}

inline bool is_cost(const CriterionTypes& types, Eigen::Index j) {
    return !types.empty() && types[to_size(j)] == CriterionType::cost;
}

// Throws naming the first non-finite cell of column j (called only once a column statistic came out non-finite,
// so the common case never pays for the scan). If every cell is finite the statistic overflowed.
[[noreturn]] inline void non_finite_error(const MatrixRef& x, Eigen::Index j, const Labels& labels) {
    for (Eigen::Index i = 0; i < x.rows(); ++i)
        if (!std::isfinite(x(i, j))) cell_error(labels, i, j, x(i, j), "is not a finite number");
    column_error(labels, j, "the values are too large: their sum overflows");
}

// Weights: one per criterion, finite, non-negative, not all zero.
inline void check_weights(const Vector& w, Eigen::Index n, const char* method) {
    if (w.size() != n)
        throw data_error(Location({}, "weights"), std::string(method) + ": " + std::to_string(w.size()) +
                                                      " weights given for " + std::to_string(n) + " criteria");
    double sum = 0;
    for (Eigen::Index j = 0; j < n; ++j) {
        if (!std::isfinite(w(j)) || w(j) < 0)
            throw data_error(Location({}, "weights", -1, std::to_string(j + 1)),
                             std::string(method) + ": weight " + std::to_string(j + 1) + " is " + fmt(w(j)) +
                                 "; weights must be finite and non-negative");
        sum += w(j);
    }
    if (!(sum > 0)) throw data_error(Location({}, "weights"), std::string(method) + ": every weight is zero");
}

// ---- deterministic parallel passes over rows ------------------------------------------------------------------

// Rows per block. Fixed (not derived from the thread count) so that per-block partial results, combined in block
// order, are the same whatever the number of threads.
inline constexpr Eigen::Index block_rows = 4096;

inline Eigen::Index block_count(Eigen::Index rows) {
    return (rows + block_rows - 1) / block_rows;
}

inline unsigned worker_count(unsigned requested, Eigen::Index blocks) {
    return kaohe::detail::thread_count(requested, static_cast<std::size_t>(std::max<Eigen::Index>(0, blocks)));
}

// Calls f(block, begin_row, end_row) for every block, blocks spread over `threads` workers (worker k takes
// blocks k, k + T, ...). `f` must only write to data owned by its block. The first exception is rethrown.
template <class F>
void for_each_block(Eigen::Index rows, unsigned threads, F&& f) {
    const Eigen::Index blocks = block_count(rows);
    const unsigned t = worker_count(threads, blocks);
    auto run = [&](unsigned worker, std::exception_ptr& error) {
        try {
            for (Eigen::Index b = worker; b < blocks; b += static_cast<Eigen::Index>(t))
                f(b, b * block_rows, std::min(rows, (b + 1) * block_rows));
        } catch (...) {
            error = std::current_exception();
        }
    };
    std::vector<std::exception_ptr> errors(t);
    auto worker = [&](unsigned k) { run(k, errors[k]); };
    kaohe::detail::ThreadGroup group(t, worker);
    worker(0);
    group.run_refused(worker);  // blocks are dealt out by worker number: a refused thread's share runs here
    group.join();
    for (auto& e : errors)
        if (e) std::rethrow_exception(e);
}

// Per-column statistics of the raw matrix in one pass: minimum, maximum, sum and (when asked) sum of squares.
// A NaN anywhere in a column makes its sum NaN, which `checked_column_stats` turns into an error naming the cell.
struct ColumnStats {
    Vector min, max, sum, sumsq;
};

inline ColumnStats column_stats(const MatrixRef& x, unsigned threads, bool squares) {
    const Eigen::Index n = x.cols();
    const Eigen::Index blocks = block_count(x.rows());
    // One row of partials per block: min | max | sum | sumsq.
    RowMatrix part(blocks, 4 * n);
    for_each_block(x.rows(), threads, [&](Eigen::Index b, Eigen::Index begin, Eigen::Index end) {
        double* p = part.row(b).data();
        double* mn = p;
        double* mx = p + n;
        double* s = p + 2 * n;
        double* q = p + 3 * n;
        const double* r0 = x.row(begin).data();
        for (Eigen::Index j = 0; j < n; ++j) {
            mn[j] = r0[j];
            mx[j] = r0[j];
            s[j] = 0;
            q[j] = 0;
        }
        for (Eigen::Index i = begin; i < end; ++i) {
            const double* r = x.row(i).data();
            for (Eigen::Index j = 0; j < n; ++j) {
                const double v = r[j];
                mn[j] = v < mn[j] ? v : mn[j];
                mx[j] = v > mx[j] ? v : mx[j];
                s[j] += v;
            }
            if (squares)
                for (Eigen::Index j = 0; j < n; ++j) q[j] += r[j] * r[j];
        }
    });
    ColumnStats out{part.block(0, 0, 1, n).transpose(), part.block(0, n, 1, n).transpose(),
                    part.block(0, 2 * n, 1, n).transpose(), part.block(0, 3 * n, 1, n).transpose()};
    for (Eigen::Index b = 1; b < blocks; ++b)
        for (Eigen::Index j = 0; j < n; ++j) {
            out.min(j) = std::min(out.min(j), part(b, j));
            out.max(j) = std::max(out.max(j), part(b, n + j));
            out.sum(j) += part(b, 2 * n + j);
            out.sumsq(j) += part(b, 3 * n + j);
        }
    return out;
}

inline ColumnStats checked_column_stats(const MatrixRef& x, unsigned threads, bool squares, const Labels& labels) {
    ColumnStats s = column_stats(x, threads, squares);
    for (Eigen::Index j = 0; j < x.cols(); ++j)
        if (!std::isfinite(s.sum(j)) || (squares && !std::isfinite(s.sumsq(j)))) non_finite_error(x, j, labels);
    return s;
}

// Average (fractional) ranks of v, ascending: the smallest value gets rank 1; ties share the mean of their ranks.
inline std::vector<double> average_ranks(const std::vector<double>& v) {
    std::vector<std::size_t> order(v.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return v[a] < v[b]; });
    std::vector<double> out(v.size());
    std::size_t i = 0;
    while (i < order.size()) {
        std::size_t k = i;
        while (k + 1 < order.size() && v[order[k + 1]] == v[order[i]]) ++k;
        const double r = (static_cast<double>(i + 1) + static_cast<double>(k + 1)) / 2.0;
        for (std::size_t q = i; q <= k; ++q) out[order[q]] = r;
        i = k + 1;
    }
    return out;
}

}  // namespace kaohe::detail::mcda
