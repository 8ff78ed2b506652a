// ScoreCard's member functions: rank order, explanations and published (rounded) figures.
// Included at the end of scorecard.hpp.
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

#include "kaohe/aggregation.hpp"
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

namespace detail {
inline std::vector<std::size_t> parents_first(const Framework& fw) {
    std::vector<std::size_t> out = post_order(fw);
    std::reverse(out.begin(), out.end());
    return out;
}
// One unit's effective maxima (aggregation.hpp: effective_maxima), from its excluded (NaN) node points.
inline void unit_maxima(const ScoreCard& card, std::size_t unit, const std::vector<std::size_t>& order,
                        std::vector<double>& eff) {
    const auto u = static_cast<Eigen::Index>(unit);
    effective_maxima(
        *card.framework, card.weights.max_points[card.unit_category[unit]], order,
        [&](std::size_t n) { return std::isnan(card.node_points(u, static_cast<Eigen::Index>(n))); }, eff);
}
}  // namespace detail

inline std::vector<double> ScoreCard::unit_scores(std::size_t unit) const {
    std::vector<double> eff, out(framework->nodes.size());
    detail::unit_maxima(*this, unit, detail::parents_first(*framework), eff);
    const auto u = static_cast<Eigen::Index>(unit);
    for (std::size_t n = 0; n < out.size(); ++n)
        out[n] = eff[n] == 0.0 ? std::numeric_limits<double>::quiet_NaN()
                               : node_points(u, static_cast<Eigen::Index>(n)) / eff[n] * framework->score_scale;
    return out;
}

inline Eigen::MatrixXd ScoreCard::node_scores() const {
    Eigen::MatrixXd out(node_points.rows(), node_points.cols());
    for (std::size_t unit = 0; unit < units.size(); ++unit) {
        const std::vector<double> row = unit_scores(unit);
        for (Eigen::Index n = 0; n < out.cols(); ++n)
            out(static_cast<Eigen::Index>(unit), n) = row[static_cast<std::size_t>(n)];
    }
    return out;
}

inline std::vector<ExplainLine> ScoreCard::explain_lines(std::size_t unit) const {
    std::vector<ExplainLine> out;
    const Framework& fw = *framework;
    const std::size_t cat = unit_category.at(unit);
    const auto& maxes = weights.max_points[cat];
    const auto u = static_cast<Eigen::Index>(unit);
    std::vector<double> eff;  // the unit's maxima after excluded nodes are reweighted away
    detail::unit_maxima(*this, unit, detail::parents_first(fw), eff);
    const double scale = fw.score_scale;
    auto score_of = [&](std::size_t n) {
        return eff[n] == 0.0 ? std::numeric_limits<double>::quiet_NaN()
                             : node_points(u, static_cast<Eigen::Index>(n)) / eff[n] * scale;
    };
    auto of_max = [&](std::size_t n, double pts) {  // "2.4 of 3 points, score 80" (+ the reweighting)
        if (std::isnan(pts)) return "excluded of " + detail::num(maxes[n]);
        std::string s = detail::num(pts) + " of " + detail::num(eff[n]) + ", score " + detail::num(score_of(n));
        if (eff[n] != maxes[n])
            s += " (reweighted from " + detail::num(maxes[n]) + ": an excluded indicator's points are shared)";
        return s;
    };
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
            std::string note = of_max(n, pts);
            if (node.aggregation == Aggregation::geometric && !std::isnan(pts)) {
                // Points of a geometric group's children do not add up to it; their scores combine.
                double total_w = 0;
                for (std::size_t k : node.children)
                    if (eff[k] != 0.0 && !std::isnan(node_points(u, static_cast<Eigen::Index>(k)))) total_w += eff[k];
                std::string parts;
                for (std::size_t k : node.children) {
                    if (eff[k] == 0.0 || std::isnan(node_points(u, static_cast<Eigen::Index>(k)))) continue;
                    parts += (parts.empty() ? "" : ", ") + fw.nodes[k].id + " " + detail::num(score_of(k)) +
                             " (weight " + detail::num(eff[k] / total_w) + ")";
                }
                note += ": the weighted geometric mean of its children's scores, " + parts +
                        "; its points are its score x " + detail::num(eff[n]) + " / " + detail::num(scale) +
                        ", so its children's points do not add up to it";
            }
            out.push_back({fw.path(n), "group", std::isnan(pts) ? 0.0 : pts, note});
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
                how += "; re-weighted: " + detail::num(100 * leaf_ratio(u, static_cast<Eigen::Index>(column_of[n]))) +
                       "% of the new maximum " + detail::num(maxes[n]) + " (was " + detail::num(scored) + ")";
        }
        out.push_back({fw.path(n), std::string("rule:") + rule_name(node.rule_for(weights.categories[cat])),
                       std::isnan(pts) ? 0.0 : pts, of_max(n, pts) + ": " + how});
    }
    for (const auto& line : explanations.at(unit)) out.push_back(line);
    // Why published parts may not add up to the published total (R13, the Jining case). Only where rounding is
    // the cause: an arithmetic root's parts add up to its total at full precision (a geometric root's do not,
    // and its line above says why).
    const auto& r = fw.rounding;
    if (r.total && r.nodes && !fw.root().children.empty() && fw.root().aggregation == Aggregation::arithmetic) {
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
