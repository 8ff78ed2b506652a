// The result of scoring: points per leaf and node, adjustments, totals, ranks, grades and an explanation
// per unit. Leaf ratios are kept as a units x leaves matrix so that re-weighting (what-if, Monte Carlo) can
// re-aggregate without re-scoring the rules.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "kaohe/dataset.hpp"
#include "kaohe/framework.hpp"

namespace kaohe {
namespace detail {
struct ScoringTrace;  // the inputs kept to explain leaf points (leaf_scoring.hpp)
}

// One line of a unit's explanation.
struct ExplainLine {
    std::string path;     // node path, adjustment or veto id, or "grade"/"rank"/"total"
    std::string kind;     // "rule", "deduction", "bonus", "rating", "missing", "override", "adjustment",
                          // "veto", "grade", "rounding"
    double points = 0.0;  // points contributed or changed (0 when not applicable)
    std::string note;     // human-readable explanation, with the event's note or reason
};

struct ScoreCard {
    std::shared_ptr<const Framework> framework;
    ResolvedWeights weights;
    std::vector<Unit> units;
    std::vector<std::size_t> unit_category;  // index into weights.categories
    std::vector<std::size_t> leaves;         // framework node index of each leaf column

    // units x leaves. ratio = points / leaf maximum; NaN where the leaf does not apply or was excluded.
    Eigen::MatrixXd leaf_ratio;
    // units x nodes: points of every node (0 where it does not apply, NaN where excluded).
    Eigen::MatrixXd node_points;
    // units x adjustments: points added (bonus) or subtracted (penalty, negative).
    Eigen::MatrixXd adjustment_points;
    Eigen::VectorXd weighted_total;    // root points
    Eigen::VectorXd total;             // weighted total + adjustments
    Eigen::VectorXd rank;              // 1 = best; NaN when disqualified
    Eigen::VectorXd rank_in_category;  // NaN when disqualified or outside every pool
    std::vector<std::string> grade;    // grade id, "" when not graded
    std::vector<bool> disqualified;
    std::vector<std::vector<ExplainLine>> explanations;  // per unit, in scoring order
    std::vector<std::string> warnings;
    std::shared_ptr<const detail::ScoringTrace> trace;  // shared, immutable: copies of a card are cheap

    [[nodiscard]] std::size_t unit_count() const noexcept { return units.size(); }
    [[nodiscard]] std::size_t find_unit(const std::string& id) const {
        for (std::size_t i = 0; i < units.size(); ++i)
            if (units[i].id == id) return i;
        throw data_error({{}, "unit '" + id + "'"}, "no such unit in this score card");
    }
    // Leaf points (units x leaves); 0 where the leaf does not apply or is excluded. A leaf beside an excluded
    // sibling has the points it contributes after the reweighting (node_points).
    [[nodiscard]] Eigen::MatrixXd leaf_points() const {
        Eigen::MatrixXd out(leaf_ratio.rows(), leaf_ratio.cols());
        for (Eigen::Index j = 0; j < out.cols(); ++j) {
            const auto n = static_cast<Eigen::Index>(leaves[static_cast<std::size_t>(j)]);
            for (Eigen::Index u = 0; u < out.rows(); ++u) {
                const double p = node_points(u, n);
                out(u, j) = std::isnan(p) ? 0.0 : p;
            }
        }
        return out;
    }
    // Every node's score (units x nodes): its ratio on the framework's score_scale (0-100 by default), the figure
    // a reader of a composite index expects for a group. NaN where the node does not apply or is excluded.
    [[nodiscard]] Eigen::MatrixXd node_scores() const;
    // One unit's row of node_scores(), by node index.
    [[nodiscard]] std::vector<double> unit_scores(std::size_t unit) const;
    // Unit indices sorted by rank (ties in unit order; disqualified units last).
    [[nodiscard]] std::vector<std::size_t> order() const;
    // Explanation lines of one unit: every leaf's rule arithmetic, missing-data handling, overrides,
    // deductions, bonuses, adjustments, vetoes, grade steps and rounding notes.
    [[nodiscard]] std::vector<ExplainLine> explain_lines(std::size_t unit) const;
    // A readable, multi-line breakdown of one unit's score.
    [[nodiscard]] std::string explain(const std::string& unit) const;
    // A published figure: `value` rounded half-up to the decimals the framework declares for `what`
    // ("total", "nodes", "leaves"), unchanged when it declares none.
    [[nodiscard]] double published(double value, const char* what) const;
};

}  // namespace kaohe

#include "kaohe/detail/scorecard_impl.hpp"
