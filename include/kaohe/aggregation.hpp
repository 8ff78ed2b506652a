// Weighted aggregation of leaf ratios up the indicator tree.
//
// Every node's ratio (points / maximum) is the maximum-weighted arithmetic or geometric mean of its
// children's ratios; its points are ratio x its maximum. Children that are excluded for a unit (NaN) drop
// out and the remaining children are reweighted, so a group's maximum is always filled (R13 re-normalisation,
// COINr's NA-skipping means). Leaf scoring stays separate, so re-weighting only repeats this step.
#pragma once

#include <cmath>
#include <algorithm>
#include <cstddef>
#include <limits>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "kaohe/framework.hpp"

namespace kaohe {

// Nodes in post-order (every child before its parent).
[[nodiscard]] inline std::vector<std::size_t> post_order(const Framework& fw) {
    std::vector<std::size_t> out;
    out.reserve(fw.nodes.size());
    std::vector<std::pair<std::size_t, std::size_t>> stack{{0, 0}};  // (node, next child)
    while (!stack.empty()) {
        auto& [node, next] = stack.back();
        if (next < fw.nodes[node].children.size()) {
            const std::size_t child = fw.nodes[node].children[next++];
            stack.emplace_back(child, 0);
        } else {
            out.push_back(node);
            stack.pop_back();
        }
    }
    return out;
}

// Node ratios (units x nodes) from leaf ratios (units x leaves, column j is node `leaf_nodes[j]`).
// `max_points[c][n]` is node n's maximum in category c; a node with maximum 0 does not apply. A NaN ratio
// means the node is excluded for that unit. Problems (a negative value under a geometric mean, a unit whose
// every indicator is excluded) are appended to `problems`.
//
// The loops run child column by child column over all units (contiguous in Eigen's column-major storage),
// so aggregation streams through memory once per tree level.
[[nodiscard]] inline Eigen::MatrixXd aggregate_ratios(
    const Framework& fw, const std::vector<std::vector<double>>& max_points,
    const std::vector<std::size_t>& unit_category, const std::vector<std::size_t>& leaf_nodes,
    const Eigen::MatrixXd& leaf_ratio, const std::vector<std::string>& unit_ids, std::vector<std::string>& problems) {
    const std::size_t units = unit_category.size();
    Eigen::MatrixXd ratio(static_cast<Eigen::Index>(units), static_cast<Eigen::Index>(fw.nodes.size()));
    for (std::size_t j = 0; j < leaf_nodes.size(); ++j)
        ratio.col(static_cast<Eigen::Index>(leaf_nodes[j])) = leaf_ratio.col(static_cast<Eigen::Index>(j));
    std::vector<double> weight(units), acc(units);
    std::vector<unsigned char> zero(units);
    // Units grouped by category, so that a child's weight is looked up once per category, not per unit.
    std::size_t categories = 0;
    for (std::size_t c : unit_category) categories = std::max(categories, c + 1);
    std::vector<std::vector<std::size_t>> members(categories);
    for (std::size_t u = 0; u < units; ++u) members[unit_category[u]].push_back(u);
    std::vector<std::vector<double>> child_weight(fw.nodes.size(), std::vector<double>(categories));  // [node][c]
    for (std::size_t n = 0; n < fw.nodes.size(); ++n)
        for (std::size_t c = 0; c < categories; ++c) child_weight[n][c] = max_points[c][n];
    for (std::size_t node : post_order(fw)) {
        const Node& n = fw.nodes[node];
        if (n.is_leaf()) continue;
        const bool geometric = n.aggregation == Aggregation::geometric;
        std::fill(weight.begin(), weight.end(), 0.0);
        std::fill(acc.begin(), acc.end(), 0.0);
        std::fill(zero.begin(), zero.end(), 0);
        for (std::size_t child : n.children) {
            const double* r = ratio.col(static_cast<Eigen::Index>(child)).data();
            if (!geometric) {
                // Arithmetic: a branch-free loop over all units that the compiler vectorises; an excluded
                // (NaN) child or one that does not apply to the unit's category adds nothing.
                const std::vector<double>& w_all = child_weight[child];
                for (std::size_t u = 0; u < units; ++u) {
                    const double w = categories == 1 ? w_all[0] : w_all[unit_category[u]];
                    const bool use = w != 0.0 && !std::isnan(r[u]);
                    weight[u] += use ? w : 0.0;
                    acc[u] += use ? w * r[u] : 0.0;
                }
                continue;
            }
            for (std::size_t c = 0; c < categories; ++c) {
                const double w = max_points[c][child];
                if (w == 0.0) continue;
                for (std::size_t u : members[c]) {
                    if (std::isnan(r[u])) continue;
                    weight[u] += w;
                    if (!geometric) {
                        acc[u] += w * r[u];
                    } else if (r[u] > 0) {
                        acc[u] += w * std::log(r[u]);
                    } else {
                        zero[u] = 1;  // the weighted geometric mean tends to 0 as any child does
                        if (r[u] < 0)
                            problems.push_back("unit '" + unit_ids[u] + "', " + fw.path(node) +
                                               ": geometric mean of a negative value (" + fw.nodes[child].id +
                                               " ratio " + detail::fmt(r[u]) +
                                               "); use a normalisation with a positive range such as [1, 100]");
                    }
                }
            }
        }
        double* out = ratio.col(static_cast<Eigen::Index>(node)).data();
        for (std::size_t u = 0; u < units; ++u) {
            if (max_points[unit_category[u]][node] == 0.0 || weight[u] == 0.0) {
                out[u] = std::numeric_limits<double>::quiet_NaN();  // not applicable, or every child excluded
                continue;
            }
            out[u] = geometric ? (zero[u] ? 0.0 : std::exp(acc[u] / weight[u])) : acc[u] / weight[u];
        }
    }
    for (std::size_t u = 0; u < units; ++u)
        if (std::isnan(ratio(static_cast<Eigen::Index>(u), 0)))
            problems.push_back("unit '" + unit_ids[u] +
                               "': every indicator is excluded or missing, so it has no total");
    return ratio;
}

// Each node's maximum for one unit once its excluded nodes are dropped: an excluded child's points go to its
// scored siblings in proportion to their maxima (the reweighting of missing: exclude), down the tree. Equal to
// `max` (exactly) where nothing below is excluded. `excluded(n)` says whether node n is excluded for the unit;
// `parents_first` lists the nodes with every parent before its children (reverse post-order).
template <class Excluded>
void effective_maxima(const Framework& fw, const std::vector<double>& max,
                      const std::vector<std::size_t>& parents_first, Excluded&& excluded, std::vector<double>& eff) {
    eff.assign(max.begin(), max.end());
    for (std::size_t n : parents_first) {
        const Node& node = fw.nodes[n];
        if (node.is_leaf() || max[n] == 0.0 || excluded(n)) continue;
        double scored = 0.0;
        bool any_excluded = false;
        for (std::size_t k : node.children) {
            if (max[k] == 0.0) continue;
            if (excluded(k))
                any_excluded = true;
            else
                scored += max[k];
        }
        if (!any_excluded && eff[n] == max[n]) continue;
        const double factor = any_excluded ? eff[n] / scored : eff[n] / max[n];
        for (std::size_t k : node.children)
            if (max[k] != 0.0) eff[k] = max[k] * factor;
    }
}

// Converts node ratios to points in place: ratio x the node's maximum in the unit's category (0 where the
// node does not apply; NaN stays NaN where it is excluded). For a unit with excluded nodes, a node's points
// are its ratio x its effective maximum (effective_maxima), so that the points shown for a group's children add
// up to the group's points.
inline void ratios_to_points(const Framework& fw, Eigen::MatrixXd& ratio,
                             const std::vector<std::vector<double>>& max_points,
                             const std::vector<std::size_t>& unit_category) {
    const std::size_t units = unit_category.size();
    std::vector<unsigned char> partial(units, 0);
    for (Eigen::Index n = 0; n < ratio.cols(); ++n) {
        double* col = ratio.col(n).data();
        for (std::size_t u = 0; u < units; ++u) {
            const double m = max_points[unit_category[u]][static_cast<std::size_t>(n)];
            partial[u] |= static_cast<unsigned char>(m != 0.0 && std::isnan(col[u]));
            col[u] = m == 0.0 ? 0.0 : col[u] * m;
        }
    }
    std::vector<std::size_t> parents_first = post_order(fw);
    std::reverse(parents_first.begin(), parents_first.end());
    std::vector<double> eff;
    for (std::size_t u = 0; u < units; ++u) {
        if (!partial[u]) continue;
        const auto& max = max_points[unit_category[u]];
        const auto row = static_cast<Eigen::Index>(u);
        effective_maxima(
            fw, max, parents_first, [&](std::size_t n) { return std::isnan(ratio(row, static_cast<Eigen::Index>(n))); },
            eff);
        for (std::size_t n = 0; n < max.size(); ++n)
            if (eff[n] != max[n]) ratio(row, static_cast<Eigen::Index>(n)) *= eff[n] / max[n];
    }
}

}  // namespace kaohe
