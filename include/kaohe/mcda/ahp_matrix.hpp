// AHP (层次分析法) pairwise comparison matrices: what a valid judgement matrix is, and the errors that say
// which judgement is wrong and why.
//
// a(i, j) says how much criterion i is preferred to criterion j on Saaty's 1-9 scale (1 equal, 3 moderate,
// 5 strong, 7 very strong, 9 extreme; 1/3 ... 1/9 the reverse). A valid matrix is square, positive and finite,
// has 1 on the diagonal and is reciprocal: a(j, i) = 1 / a(i, j). A missing judgement is NaN on *both* sides
// (a(i, j) and a(j, i)); 0 is never a missing-value marker because a zero typed by mistake must not silently
// become "not compared".
#pragma once

#include <cmath>
#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <Eigen/Dense>

#include "kaohe/detail/format.hpp"
#include "kaohe/error.hpp"

namespace kaohe::ahp {

// What a matrix must satisfy besides being square, positive and finite.
struct Checks {
    // Judgements must lie in [1/9, 9] (Saaty's scale, widened by `reciprocal_tolerance` so that 0.11 for 1/9
    // passes). Turn off for ratio data or for other scales (e.g. 1-5 or exponential scales beyond 9).
    bool scale = true;
    // |a(i, j) * a(j, i) - 1| and |a(i, i) - 1| must not exceed this. 0.05 accepts reciprocals rounded to two
    // decimals (the worst is 1/8 written 0.13, 4% off) and rejects every pair of distinct scale values
    // (the closest, 8 and 1/9 or 9 and 1/8, are 11% off), so a judgement entered on the wrong side or twice is
    // always caught. The matrix is used as given: entries are not symmetrised.
    double reciprocal_tolerance = 0.05;
    // NaN marks a missing judgement (incomplete matrix). When false, NaN is an error.
    bool allow_missing = true;
};

// One judgement "`more` is preferred to `less` by `value`" (a(more, less) = value, a(less, more) = 1/value).
struct Judgement {
    std::string more;
    std::string less;
    double value = 1.0;
};

// A validated pairwise comparison matrix with optional criterion names (used in every message).
class PairwiseMatrix {
public:
    // Validates `values` (NaN = missing judgement) and throws data_error naming every bad entry by row, column
    // and criterion name. `where` prefixes the messages (file name, hierarchy node).
    explicit PairwiseMatrix(Eigen::MatrixXd values, std::vector<std::string> names = {}, const Checks& checks = {},
                            Location where = {})
        : values_(std::move(values)), names_(std::move(names)), where_(std::move(where)) {
        validate(checks);
    }

    // A matrix from judgements between named criteria, in the order of `names`; pairs without a judgement are
    // missing. Each pair may be judged once (in either direction).
    static PairwiseMatrix from_judgements(std::vector<std::string> names, const std::vector<Judgement>& judgements,
                                          const Checks& checks = {}, Location where = {}) {
        const auto n = static_cast<Eigen::Index>(names.size());
        Eigen::MatrixXd a = Eigen::MatrixXd::Constant(n, n, std::nan(""));
        a.diagonal().setOnes();
        std::map<std::string, Eigen::Index> index;
        for (Eigen::Index i = 0; i < n; ++i) {
            const auto& name = names[static_cast<std::size_t>(i)];
            if (!index.emplace(name, i).second)
                throw data_error(where, "criterion '" + name + "' is listed twice in the comparison order");
        }
        auto find = [&](const std::string& name, const Judgement& j) {
            auto it = index.find(name);
            if (it == index.end())
                throw data_error(where, "judgement '" + j.more + "' > '" + j.less + "': '" + name +
                                            "' is not one of the criteria being compared");
            return it->second;
        };
        for (const auto& j : judgements) {
            const Eigen::Index i = find(j.more, j);
            const Eigen::Index k = find(j.less, j);
            if (i == k)
                throw data_error(where,
                                 "judgement '" + j.more + "' > '" + j.less + "' compares a criterion with itself");
            if (!std::isnan(a(i, k)))
                throw data_error(where, "the pair '" + j.more + "', '" + j.less + "' is judged more than once");
            a(i, k) = j.value;
            a(k, i) = 1.0 / j.value;
        }
        return PairwiseMatrix(std::move(a), std::move(names), checks, std::move(where));
    }

    [[nodiscard]] std::size_t size() const noexcept { return static_cast<std::size_t>(values_.rows()); }
    [[nodiscard]] const Eigen::MatrixXd& values() const noexcept { return values_; }
    // Criterion names as given (may be empty).
    [[nodiscard]] const std::vector<std::string>& names() const noexcept { return names_; }
    [[nodiscard]] const Location& where() const noexcept { return where_; }
    // Missing judgements as pairs (i, j) with i < j, row by row.
    [[nodiscard]] const std::vector<std::pair<std::size_t, std::size_t>>& missing() const noexcept { return missing_; }
    [[nodiscard]] bool complete() const noexcept { return missing_.empty(); }

    // "row 2 ('transport'), column 5 ('yard')" or "row 2, column 5" without names (1-based, like a table).
    [[nodiscard]] std::string position(std::size_t i, std::size_t j) const {
        return "row " + std::to_string(i + 1) + label(i) + ", column " + std::to_string(j + 1) + label(j);
    }
    // The criterion's name, or its 1-based number.
    [[nodiscard]] std::string name(std::size_t i) const { return names_.empty() ? std::to_string(i + 1) : names_[i]; }

private:
    [[nodiscard]] std::string label(std::size_t i) const { return names_.empty() ? "" : " ('" + names_[i] + "')"; }

    void validate(const Checks& checks) {
        const Eigen::Index rows = values_.rows();
        const Eigen::Index cols = values_.cols();
        if (rows == 0 || cols == 0) throw data_error(where_, "the comparison matrix is empty");
        if (rows != cols)
            throw data_error(where_, "the comparison matrix must be square: it has " + std::to_string(rows) +
                                         " rows and " + std::to_string(cols) + " columns");
        const auto n = static_cast<std::size_t>(rows);
        if (!names_.empty() && names_.size() != n)
            throw data_error(where_, "the comparison matrix is " + std::to_string(n) + " x " + std::to_string(n) +
                                         " but " + std::to_string(names_.size()) + " criterion names were given");
        if (!names_.empty()) {
            std::set<std::string> seen;
            for (const auto& s : names_)
                if (!seen.insert(s).second) throw data_error(where_, "criterion '" + s + "' is listed twice");
        }
        const double tol = checks.reciprocal_tolerance;
        if (!(tol >= 0.0) || !std::isfinite(tol))
            throw data_error(where_, "the reciprocal tolerance must be a finite number >= 0, not " + detail::fmt(tol));
        const double low = 1.0 / 9.0 / (1.0 + tol);
        const double high = 9.0 * (1.0 + tol);

        std::vector<std::string> problems;
        auto at = [this](std::size_t i, std::size_t j) {
            return values_(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j));
        };
        // Entry by entry: finite, positive, on the scale; the diagonal is 1.
        for (std::size_t i = 0; i < n; ++i) {
            for (std::size_t j = 0; j < n; ++j) {
                const double a = at(i, j);
                const std::string pos = position(i, j);
                if (std::isnan(a)) {
                    if (i == j)
                        problems.push_back(pos + ": the diagonal must be 1, not missing");
                    else if (!checks.allow_missing)
                        problems.push_back(pos + ": the judgement is missing (NaN)");
                    continue;
                }
                if (!std::isfinite(a)) {
                    problems.push_back(pos + ": " + detail::fmt(a) + " is not a finite number");
                } else if (a <= 0.0) {
                    problems.push_back(pos + ": " + detail::fmt(a) +
                                       " is not positive (judgements are ratios; mark a missing judgement with NaN, "
                                       "not 0)");
                } else if (i == j) {
                    if (std::abs(a - 1.0) > tol)
                        problems.push_back(pos + ": the diagonal must be 1, not " + detail::fmt(a));
                } else if (checks.scale && (a < low || a > high)) {
                    problems.push_back(pos + ": " + detail::fmt(a) +
                                       " is outside Saaty's 1-9 scale [1/9, 9] (turn the scale check off for other "
                                       "scales or ratio data)");
                }
            }
        }
        // Pair by pair: both judged or both missing, and reciprocal.
        for (std::size_t i = 0; i < n; ++i) {
            for (std::size_t j = i + 1; j < n; ++j) {
                const double a = at(i, j);
                const double b = at(j, i);
                if (std::isnan(a) != std::isnan(b)) {
                    const bool upper_missing = std::isnan(a);
                    problems.push_back(
                        position(upper_missing ? i : j, upper_missing ? j : i) + " is missing but its reciprocal at " +
                        position(upper_missing ? j : i, upper_missing ? i : j) + " is " +
                        detail::fmt(upper_missing ? b : a) + ": a missing judgement must be NaN on both sides");
                    continue;
                }
                if (std::isnan(a)) {
                    if (checks.allow_missing) missing_.emplace_back(i, j);
                    continue;
                }
                if (!(a > 0.0) || !(b > 0.0) || !std::isfinite(a) || !std::isfinite(b)) continue;  // reported above
                if (std::abs(a * b - 1.0) > tol)
                    problems.push_back(position(i, j) + " is " + detail::fmt(a) + " but " + position(j, i) + " is " +
                                       detail::fmt(b) + ": the matrix must be reciprocal, a(j, i) = 1/a(i, j) = " +
                                       detail::fmt(1.0 / a) + " (tolerance " + detail::fmt(tol * 100.0) + "%)");
            }
        }
        if (problems.size() == 1) throw data_error(where_, "comparison matrix: " + problems.front());
        if (!problems.empty())
            throw input_errors(problems,
                               "comparison matrix: " + std::to_string(problems.size()) + " problems:", where_);
        if (!missing_.empty()) check_connected();
    }

    // Missing judgements are only recoverable when the judged pairs connect every criterion (directly or
    // through others); otherwise the relative weight of the separate groups is not determined by any judgement.
    void check_connected() const {
        const std::size_t n = size();
        std::vector<std::size_t> group(n, n);
        std::size_t groups = 0;
        for (std::size_t start = 0; start < n; ++start) {
            if (group[start] != n) continue;
            std::vector<std::size_t> stack{start};
            group[start] = groups;
            while (!stack.empty()) {
                const std::size_t i = stack.back();
                stack.pop_back();
                for (std::size_t j = 0; j < n; ++j) {
                    if (group[j] != n ||
                        std::isnan(values_(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j))))
                        continue;
                    group[j] = groups;
                    stack.push_back(j);
                }
            }
            ++groups;
        }
        if (groups == 1) return;
        std::string listed;
        for (std::size_t g = 0; g < groups; ++g) {
            listed += g == 0 ? "" : (g + 1 == groups ? " and " : ", ");
            std::string members;
            for (std::size_t i = 0; i < n; ++i)
                if (group[i] == g) members += (members.empty() ? "" : ", ") + name(i);
            listed += "{" + members + "}";
        }
        throw data_error(where_, "comparison matrix: the judgements do not connect all criteria: " + listed +
                                     " are never compared with each other, directly or through other criteria; "
                                     "add a judgement between the groups");
    }

    Eigen::MatrixXd values_;
    std::vector<std::string> names_;
    Location where_;
    std::vector<std::pair<std::size_t, std::size_t>> missing_;
};

}  // namespace kaohe::ahp
