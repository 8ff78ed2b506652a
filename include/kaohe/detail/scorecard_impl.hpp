// ScoreCard's member functions: rank order, explanations and published (rounded) figures.
// Included at the end of scorecard.hpp.
#pragma once

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <vector>

#include "kaohe/detail/format.hpp"
#include "kaohe/detail/scoring_trace.hpp"
#include "kaohe/rounding.hpp"
#include "kaohe/scorecard.hpp"

namespace kaohe {

inline std::vector<std::size_t> ScoreCard::order() const {
    std::vector<std::size_t> out(units.size());
    std::iota(out.begin(), out.end(), std::size_t{0});
    std::stable_sort(out.begin(), out.end(), [&](std::size_t a, std::size_t b) {
        const double ra = rank(static_cast<Eigen::Index>(a)), rb = rank(static_cast<Eigen::Index>(b));
        if (std::isnan(ra) != std::isnan(rb)) return std::isnan(rb);  // ranked units first
        if (std::isnan(ra)) return total(static_cast<Eigen::Index>(a)) > total(static_cast<Eigen::Index>(b));
        return ra < rb;
    });
    return out;
}

inline double ScoreCard::published(double value, const char* what) const {
    const std::string w(what);
    const auto& r = framework->rounding;
    const std::optional<int>& d = w == "total" ? r.total : w == "nodes" ? r.nodes : r.leaves;
    return d ? round_half_up(value, *d) : value;
}

inline std::vector<ExplainLine> ScoreCard::explain_lines(std::size_t unit) const {
    std::vector<ExplainLine> out;
    const Framework& fw = *framework;
    const std::size_t cat = unit_category.at(unit);
    const auto& maxes = weights.max_points[cat];
    const auto u = static_cast<Eigen::Index>(unit);
    // Tree order (pre-order), so the explanation reads like the indicator table.
    std::vector<std::size_t> column_of(fw.nodes.size(), static_cast<std::size_t>(-1));
    for (std::size_t j = 0; j < leaves.size(); ++j) column_of[leaves[j]] = j;
    std::vector<std::size_t> stack{0};
    while (!stack.empty()) {
        const std::size_t n = stack.back();
        stack.pop_back();
        const Node& node = fw.nodes[n];
        if (maxes[n] == 0.0) continue;
        const double pts = node_points(u, static_cast<Eigen::Index>(n));
        if (!node.is_leaf()) {
            out.push_back(
                {fw.path(n), "group", std::isnan(pts) ? 0.0 : pts,
                 (std::isnan(pts) ? std::string("excluded") : detail::num(pts)) + " of " + detail::num(maxes[n]) +
                     (node.aggregation == Aggregation::geometric ? " (geometric mean of its children)" : "")});
            for (auto it = node.children.rbegin(); it != node.children.rend(); ++it) stack.push_back(*it);
            continue;
        }
        std::string how;
        if (trace) {
            // The rule is explained with the maximum it was scored with; a re-weighted card keeps the leaf's ratio.
            const double scored = trace->scored_max.empty() ? maxes[n] : trace->scored_max[cat][n];
            const detail::LeafColumn& col = trace->columns[column_of[n]];
            detail::UnitScorer scorer(col, detail::UnitView{unit, cat, scored}, &how);
            (void)std::visit(scorer, node.rule_for(weights.categories[cat]));
            if (how.empty()) how = col.why_missing(unit);
            if (scored != maxes[n] && !std::isnan(pts))
                how += "; re-weighted: " + detail::num(100 * pts / maxes[n]) + "% of the new maximum " +
                       detail::num(maxes[n]) + " (was " + detail::num(scored) + ")";
        }
        out.push_back({fw.path(n), std::string("rule:") + rule_name(node.rule_for(weights.categories[cat])),
                       std::isnan(pts) ? 0.0 : pts,
                       (std::isnan(pts) ? std::string("excluded") : detail::num(pts)) + " of " + detail::num(maxes[n]) +
                           ": " + how});
    }
    for (const auto& line : explanations.at(unit)) out.push_back(line);
    // Why published parts may not add up to the published total (R13, the Jining case).
    const auto& r = fw.rounding;
    if (r.total && r.nodes && !fw.root().children.empty()) {
        double parts = 0;
        std::string terms;
        for (std::size_t c : fw.root().children) {
            const double p = node_points(u, static_cast<Eigen::Index>(c));
            if (maxes[c] == 0.0 || std::isnan(p)) continue;
            parts += round_half_up(p, *r.nodes);
            terms += (terms.empty() ? "" : " + ") + detail::num(round_half_up(p, *r.nodes));
        }
        for (Eigen::Index a = 0; a < adjustment_points.cols(); ++a) {
            const double p = adjustment_points(u, a);
            if (p == 0.0) continue;
            parts += round_half_up(p, *r.nodes);
            terms += (p >= 0 ? " + " : " - ") + detail::num(std::abs(round_half_up(p, *r.nodes)));
        }
        const double shown = round_half_up(total(u), *r.total);
        const double shown_parts = round_half_up(parts, *r.total);
        if (shown_parts != shown)
            out.push_back({"total", "rounding", 0.0,
                           "the published parts " + terms + " add up to " + detail::num(shown_parts) +
                               " but the published total is " + detail::num(shown) +
                               ": the total is rounded from its full-precision value " + detail::fmt(total(u)) +
                               ", not summed from rounded parts"});
    }
    return out;
}

inline std::string ScoreCard::explain(const std::string& unit_id) const {
    const std::size_t unit = find_unit(unit_id);
    const auto u = static_cast<Eigen::Index>(unit);
    const Unit& un = units[unit];
    const Framework& fw = *framework;
    std::string cat_name = un.category;
    for (const auto& c : fw.categories)
        if (c.id == un.category && !c.name.empty()) cat_name = c.name + " (" + c.id + ")";
    std::string out = (un.name.empty() ? un.id : un.name + " (" + un.id + ")") +
                      (cat_name.empty() ? std::string() : ", " + cat_name) +
                      (un.in_pool ? "" : ", outside every pool") + "\n";
    const double adj = total(u) - weighted_total(u);
    out += "total " + detail::num(published(total(u), "total")) +
           (adj != 0.0 ? " = weighted " + detail::num(published(weighted_total(u), "nodes")) +
                             (adj > 0 ? " + " : " - ") + detail::num(std::abs(published(adj, "nodes"))) + " adjustments"
                       : std::string()) +
           ", rank " + (std::isnan(rank(u)) ? std::string("-") : detail::num(rank(u))) + ", rank in category " +
           (std::isnan(rank_in_category(u)) ? std::string("-") : detail::num(rank_in_category(u))) + ", grade " +
           (grade[unit].empty() ? std::string("-") : grade[unit]) + "\n";
    for (const auto& line : explain_lines(unit)) {
        const std::size_t depth = static_cast<std::size_t>(std::count(line.path.begin(), line.path.end(), '/'));
        const bool tree = line.kind == "group" || line.kind.rfind("rule:", 0) == 0;
        out += std::string(2 + (tree ? 2 * depth : 0), ' ') +
               (tree ? line.path.substr(line.path.rfind('/') + 1) : "[" + line.kind + "] " + line.path) + ": " +
               line.note + "\n";
    }
    return out;
}

}  // namespace kaohe
