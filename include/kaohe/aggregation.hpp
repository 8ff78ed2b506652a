// Weighted aggregation of leaf ratios up the indicator tree.
//
// Every node's ratio (points / maximum) is the maximum-weighted arithmetic or geometric mean of its
// children's ratios; its points are ratio x its maximum. Children that are excluded for a unit (NaN) drop
// out and the remaining children are reweighted, so a group's maximum is always filled (R13 re-normalisation,
// COINr's NA-skipping means). Leaf scoring stays separate, so re-weighting only repeats this step.
#pragma once

#include <cmath>
#include <cstddef>
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
[[nodiscard]] inline Eigen::MatrixXd aggregate_ratios(const Framework& fw,
                                                      const std::vector<std::vector<double>>& max_points,
                                                      const std::vector<std::size_t>& unit_category,
                                                      const std::vector<std::size_t>& leaf_nodes,
                                                      const Eigen::MatrixXd& leaf_ratio,
                                                      const std::vector<std::string>& unit_ids,
                                                      std::vector<std::string>& problems) {
    const auto units = static_cast<Eigen::Index>(unit_category.size());
    Eigen::MatrixXd ratio = Eigen::MatrixXd::Constant(units, static_cast<Eigen::Index>(fw.nodes.size()),
                                                      std::numeric_limits<double>::quiet_NaN());
    for (std::size_t j = 0; j < leaf_nodes.size(); ++j)
        ratio.col(static_cast<Eigen::Index>(leaf_nodes[j])) = leaf_ratio.col(static_cast<Eigen::Index>(j));
    for (std::size_t node : post_order(fw)) {
        const Node& n = fw.nodes[node];
        if (n.is_leaf()) continue;
        const bool geometric = n.aggregation == Aggregation::geometric;
        for (Eigen::Index u = 0; u < units; ++u) {
            const auto& maxes = max_points[unit_category[static_cast<std::size_t>(u)]];
            if (maxes[node] == 0.0) continue;
            double weight = 0.0, acc = 0.0;
            bool zero = false;
            for (std::size_t child : n.children) {
                const double w = maxes[child];
                const double r = ratio(u, static_cast<Eigen::Index>(child));
                if (w == 0.0 || std::isnan(r)) continue;
                weight += w;
                if (!geometric) {
                    acc += w * r;
                } else if (r > 0) {
                    acc += w * std::log(r);
                } else if (r == 0) {
                    zero = true;  // the weighted geometric mean tends to 0 as any child does
                } else {
                    problems.push_back("unit '" + unit_ids[static_cast<std::size_t>(u)] + "', " + fw.path(node) +
                                       ": geometric mean of a negative value (" + fw.nodes[child].id + " ratio " +
                                       detail::fmt(r) + "); use a normalisation with a positive range such as [1, 100]");
                    zero = true;
                }
            }
            if (weight == 0.0) continue;  // every child excluded: the node is excluded too
            ratio(u, static_cast<Eigen::Index>(node)) = geometric ? (zero ? 0.0 : std::exp(acc / weight)) : acc / weight;
        }
    }
    for (Eigen::Index u = 0; u < units; ++u)
        if (std::isnan(ratio(u, 0)))
            problems.push_back("unit '" + unit_ids[static_cast<std::size_t>(u)] +
                               "': every indicator is excluded or missing, so it has no total");
    return ratio;
}

}  // namespace kaohe
