// Exact stability of the ranking under one weight: the interval of a node's share over which the ranking,
// the top-k set and the grades stay as they are, with the first pair of units to swap at each end.
//
// When node X's share s of its parent P changes with proportional renormalisation (X's subtree scaled to
// s x P's points, X's siblings shrinking or growing in proportion), every unit's total is linear in s:
//
//   total_u(s) = total_u(s0) + (s - s0) x M_P x (r_X,u - S_u)
//
// where r_X,u is X's ratio for the unit and S_u the points-weighted mean ratio of X's siblings. This holds
// when P and its ancestors aggregate arithmetically and no sibling of X is excluded for the unit. Crossings
// are then solved exactly: the full ranking first changes where two units adjacent in the current order meet
// (a kinetic-sorting argument), the top-k set where a unit inside meets one outside, and grades where a
// total meets a band edge or a veto threshold, or where a quota's top-q set changes.
//
// A node for which the totals are not linear in its share (geometric aggregation above it, a sibling
// excluded for some unit so that the parent re-weights per unit) is skipped with the reason; the study
// fails only when nothing asked for can be solved, because then there is nothing to show.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "kaohe/detail/format.hpp"
#include "kaohe/detail/reweighting_model.hpp"
#include "kaohe/grading.hpp"
#include "kaohe/scorecard.hpp"
#include "kaohe/sensitivity/monte_carlo.hpp"

namespace kaohe {

struct StabilityOptions {
    std::vector<std::string> nodes;  // ids or paths; empty = every node that has a sibling with points
    std::string category;            // "" = every category the node applies to (with the same base share)
    std::size_t top_k = 10;
    RankScope scope = RankScope::automatic;
};

// Where a unit pair first meets when the share moves away from its base value.
struct Swap {
    double share = std::numeric_limits<double>::quiet_NaN();  // the share at which they tie
    std::string above;                                        // the unit above at the base share ...
    std::string below;                                        // ... and the one that reaches it there
    std::string what;  // "ranking", "top-k", "band 'good' at 80", "quota 'excellent' (top 3)", "veto 'x' at 60"
};

struct Interval {
    double lower = 0.0, upper = 1.0;         // shares; the property holds strictly inside, and at the base share
    std::optional<Swap> at_lower, at_upper;  // empty: nothing changes down to 0 / up to 1
};

struct WeightStability {
    std::string node;    // path
    double share = 0.0;  // base share of its parent
    std::vector<std::string> categories;
    std::vector<double> parent_points;  // per category in `categories`: the share's points = share x this
    Interval ranking, top_k, grades;
};

// A node the study could not solve exactly, and why (e.g. "'x' is excluded for unit 'u' ...").
struct SkippedNode {
    std::string node;                     // path
    std::vector<std::string> categories;  // where the node's share differs by category: the ones skipped
    std::string reason;
};

struct StabilityReport {
    std::vector<WeightStability> nodes;  // in the order asked for (default: framework order)
    std::vector<SkippedNode> skipped;
};

namespace detail {

struct LinearInShare {
    std::vector<double> slope;  // per unit: d total / d share (0 for units the change does not reach)
    double share = 0.0;
    std::vector<std::string> categories;
    std::vector<double> parent_points;
    std::string not_linear;  // non-empty: why the totals are not linear in the share (slope is then unset)
};

inline LinearInShare cannot_solve(std::string reason) {
    LinearInShare out;
    out.not_linear = std::move(reason);
    return out;
}

// The categories in which `node` has points (only `category` when given), grouped by the node's share of its
// parent: one group when the share is the same everywhere. Each group is one question ("X's share in these
// categories"), since a share that differs between categories cannot move as one number.
inline std::vector<std::vector<std::size_t>> share_groups(const ScoreCard& card, std::size_t node,
                                                          const std::string& category) {
    const Framework& fw = *card.framework;
    const auto parent = static_cast<std::size_t>(fw.nodes[node].parent);
    std::vector<std::vector<std::size_t>> groups;
    std::vector<double> shares;
    for (std::size_t c = 0; c < card.weights.categories.size(); ++c) {
        const auto& m = card.weights.max_points[c];
        if (m[node] == 0.0) continue;
        if (!category.empty() && card.weights.categories[c] != category) continue;
        const double s = m[node] / m[parent];
        std::size_t g = 0;
        while (g < shares.size() && std::abs(s - shares[g]) > 1e-12) ++g;
        if (g == shares.size()) {
            shares.push_back(s);
            groups.emplace_back();
        }
        groups[g].push_back(c);
    }
    return groups;
}

// Throws for what is never a question (the root's share); returns the reason when the node cannot be solved.
// `cats`: the categories whose share moves (one of share_groups()), all with the same base share.
inline LinearInShare linear_in_share(const ScoreCard& card, std::size_t node, const std::vector<std::size_t>& cats) {
    const Framework& fw = *card.framework;
    const std::string path = fw.path(node);
    if (node == 0) throw framework_error({fw.source, path}, "the root's share cannot change");
    const auto parent = static_cast<std::size_t>(fw.nodes[node].parent);
    for (auto a = static_cast<std::ptrdiff_t>(parent); a >= 0; a = fw.nodes[static_cast<std::size_t>(a)].parent)
        if (fw.nodes[static_cast<std::size_t>(a)].aggregation != Aggregation::arithmetic)
            return cannot_solve("exact stability needs arithmetic aggregation above the node, but '" +
                                fw.path(static_cast<std::size_t>(a)) +
                                "' is geometric (totals are not linear in the share); use Monte Carlo instead");
    LinearInShare out;
    out.slope.assign(card.units.size(), 0.0);
    std::vector<bool> chosen(card.weights.categories.size(), false);
    for (std::size_t c : cats) {
        const auto& m = card.weights.max_points[c];
        out.share = m[node] / m[parent];
        chosen[c] = true;
        out.categories.push_back(card.weights.categories[c]);
        out.parent_points.push_back(m[parent]);
    }
    std::size_t excluded_units = 0;  // units for which a sibling is excluded
    std::string first_excluded, first_unit;
    for (std::size_t u = 0; u < card.units.size(); ++u) {
        const std::size_t c = card.unit_category[u];
        if (!chosen[c]) continue;
        const auto& m = card.weights.max_points[c];
        const auto i = static_cast<Eigen::Index>(u);
        const double px = card.node_points(i, static_cast<Eigen::Index>(node));
        if (std::isnan(px)) continue;  // X excluded: P re-weights its other children, whatever X's share
        double sib_points = 0, sib_max = 0;
        bool excluded = false;
        for (std::size_t s : fw.nodes[parent].children) {
            if (s == node || m[s] == 0.0) continue;
            const double p = card.node_points(i, static_cast<Eigen::Index>(s));
            if (std::isnan(p)) {
                if (!excluded && excluded_units++ == 0) {
                    first_excluded = fw.path(s);
                    first_unit = card.units[u].id;
                }
                excluded = true;
                continue;
            }
            sib_points += p;
            sib_max += m[s];
        }
        if (excluded || sib_max == 0.0) continue;  // (no sibling: nothing to trade points with)
        out.slope[u] = m[parent] * (px / m[node] - sib_points / sib_max);
    }
    if (excluded_units > 0)
        return cannot_solve("exact stability needs every sibling scored, but '" + first_excluded +
                            "' is excluded for unit '" + first_unit + "'" +
                            (excluded_units > 1
                                 ? " (a sibling is excluded for " + std::to_string(excluded_units) + " units in all)"
                                 : "") +
                            ": '" + fw.path(parent) +
                            "' then re-weights its other children per unit, so totals are not linear in this share; "
                            "use Monte Carlo instead");
    return out;
}

// The first share on each side of s0 at which line a (above at s0) meets line b.
inline void first_meeting(double s0, double ta, double sa, double tb, double sb, Interval& iv, const std::string& above,
                          const std::string& below, const std::string& what) {
    const double gap = ta - tb, closing = sb - sa;  // gap(s) = gap - (s - s0) x closing
    if (closing == 0.0) return;
    const double s = s0 + gap / closing;
    if (closing > 0 && s <= iv.upper) {
        if (s < iv.upper || !iv.at_upper) iv.at_upper = Swap{s, above, below, what};
        iv.upper = s;
    } else if (closing < 0 && s >= iv.lower) {
        if (s > iv.lower || !iv.at_lower) iv.at_lower = Swap{s, above, below, what};
        iv.lower = s;
    }
}

// Where a total meets a fixed threshold (band edge, veto condition).
inline void first_threshold(double s0, double t, double slope, double edge, Interval& iv, const std::string& unit,
                            const std::string& what) {
    if (slope == 0.0) return;
    const double s = s0 + (edge - t) / slope;
    if (s > s0 && s <= iv.upper) {
        if (s < iv.upper || !iv.at_upper) iv.at_upper = Swap{s, unit, "", what};
        iv.upper = s;
    } else if (s < s0 && s >= iv.lower) {
        if (s > iv.lower || !iv.at_lower) iv.at_lower = Swap{s, unit, "", what};
        iv.lower = s;
    } else if (s == s0) {  // exactly on the edge (score >= min is in the band): moving down the slope leaves it
        if (slope > 0) {
            iv.lower = s0;
            iv.at_lower = Swap{s, unit, "", what};
        } else {
            iv.upper = s0;
            iv.at_upper = Swap{s, unit, "", what};
        }
    }
}

// The top `k` (by position in `order`) stay the top k while no unit inside meets one outside.
inline void set_stability(double s0, const std::vector<std::size_t>& order, std::size_t k,
                          const std::vector<double>& total, const std::vector<double>& slope, const ScoreCard& card,
                          Interval& iv, const std::string& what) {
    if (k == 0 || k >= order.size()) return;
    for (std::size_t a = 0; a < k; ++a)
        for (std::size_t b = k; b < order.size(); ++b) {
            const std::size_t u = order[a], v = order[b];
            first_meeting(s0, total[u], slope[u], total[v], slope[v], iv, card.units[u].id, card.units[v].id, what);
        }
}

// One weight's intervals, given the totals' slopes in its share: the ranking in each rank pool, the top-k set,
// band edges and vetoes on the total, and quota lines in each grading pool.
inline WeightStability stability_of(const ScoreCard& card, std::size_t node, const LinearInShare& lin,
                                    const std::vector<double>& total,
                                    const std::vector<std::vector<std::size_t>>& pools,
                                    const std::vector<std::vector<std::size_t>>& grade_pools, std::size_t top_k) {
    const Framework& fw = *card.framework;
    const std::size_t units = card.units.size();
    const double s0 = lin.share;
    WeightStability ws;
    ws.node = fw.path(node);
    ws.share = s0;
    ws.categories = lin.categories;
    ws.parent_points = lin.parent_points;
    for (const auto& p : pools) {
        for (std::size_t i = 0; i + 1 < p.size(); ++i)
            first_meeting(s0, total[p[i]], lin.slope[p[i]], total[p[i + 1]], lin.slope[p[i + 1]], ws.ranking,
                          card.units[p[i]].id, card.units[p[i + 1]].id, "ranking");
        set_stability(s0, p, top_k, total, lin.slope, card, ws.top_k, "top " + std::to_string(top_k));
    }
    // Grades: band edges, vetoes on the total, quota lines.
    for (std::size_t u = 0; u < units; ++u) {
        if (lin.slope[u] == 0.0 || card.disqualified[u]) continue;
        for (const auto& b : fw.grading.bands)
            if (std::isfinite(b.min))
                first_threshold(s0, total[u], lin.slope[u], b.min, ws.grades, card.units[u].id,
                                "band '" + b.id + "' at " + num(b.min));
        for (const auto& v : fw.vetoes)
            if (v.when && v.when->item == "total")
                first_threshold(s0, total[u], lin.slope[u], v.when->value, ws.grades, card.units[u].id,
                                "veto '" + v.id + "' at " + num(v.when->value));
    }
    for (const auto& q : fw.grading.quotas) {
        std::size_t band = 0;
        while (band < fw.grading.bands.size() && fw.grading.bands[band].id != q.grade) ++band;
        for (const auto& p : grade_pools) {
            // Units whose band is this grade or better compete for its places.
            std::vector<std::size_t> eligible;
            for (std::size_t u : p) {
                std::size_t b = 0;
                while (b + 1 < fw.grading.bands.size() && total[u] < fw.grading.bands[b].min) ++b;
                if (b <= band) eligible.push_back(u);
            }
            std::size_t places = quota_count(q, p.size());
            if (q.max_count) places = std::min(places, static_cast<std::size_t>(std::max(0, *q.max_count)));
            set_stability(s0, eligible, places, total, lin.slope, card, ws.grades,
                          "quota '" + q.grade + "' (" + std::to_string(places) + " places)");
        }
    }
    for (Interval* iv : {&ws.ranking, &ws.top_k, &ws.grades}) {
        iv->lower = std::max(iv->lower, 0.0);
        iv->upper = std::min(iv->upper, 1.0);
    }
    return ws;
}

}  // namespace detail

// Stability intervals of each weight in `options.nodes`; nodes that cannot be solved exactly are listed in
// `skipped` with the reason. Throws framework_error when no node asked for can be solved (naming each reason),
// for the root, and for unknown nodes.
[[nodiscard]] inline StabilityReport stability(const ScoreCard& card, const StabilityOptions& options = {}) {
    const Framework& fw = *card.framework;
    std::vector<std::size_t> nodes;
    if (options.nodes.empty()) {
        for (std::size_t n = 1; n < fw.nodes.size(); ++n) {
            const auto parent = static_cast<std::size_t>(fw.nodes[n].parent);
            std::size_t with_points = 0;
            for (std::size_t s : fw.nodes[parent].children) {
                bool any = false;
                for (const auto& m : card.weights.max_points) any = any || m[s] != 0.0;
                with_points += any;
            }
            if (with_points >= 2) nodes.push_back(n);
        }
    } else {
        for (const auto& id : options.nodes)
            nodes.push_back(detail::node_by_id_or_path(fw, id, "stability of '" + id + "'"));
    }
    const bool by_category = detail::rank_by_category(card, options.scope);
    const std::size_t units = card.units.size();
    std::vector<double> total(units);
    for (std::size_t u = 0; u < units; ++u) total[u] = card.total(static_cast<Eigen::Index>(u));
    // Ranked units per pool, best first (the order does not depend on the weight analysed).
    std::vector<std::vector<std::size_t>> pools;
    const std::size_t npools = by_category ? card.weights.categories.size() : 1;
    pools.resize(npools);
    for (std::size_t u = 0; u < units; ++u)
        if (!std::isnan(card.rank(static_cast<Eigen::Index>(u))))
            pools[by_category ? card.unit_category[u] : 0].push_back(u);
    for (auto& p : pools)
        std::stable_sort(p.begin(), p.end(), [&](std::size_t a, std::size_t b) { return total[a] > total[b]; });
    // Grading pools for quotas (units that compete for each quota), best first.
    std::vector<std::vector<std::size_t>> grade_pools;
    if (!fw.grading.quotas.empty()) {
        const std::size_t gp = fw.grading.pool == CohortScope::all ? 1 : card.weights.categories.size();
        grade_pools.resize(gp);
        for (std::size_t u = 0; u < units; ++u)
            if (!card.disqualified[u] && card.units[u].in_pool)
                grade_pools[fw.grading.pool == CohortScope::all ? 0 : card.unit_category[u]].push_back(u);
        for (auto& p : grade_pools)
            std::stable_sort(p.begin(), p.end(), [&](std::size_t a, std::size_t b) { return total[a] > total[b]; });
    }

    StabilityReport out;
    for (std::size_t node : nodes) {
        if (node == 0) throw framework_error({fw.source, fw.path(node)}, "the root's share cannot change");
        const auto groups = detail::share_groups(card, node, options.category);
        if (groups.empty() && !options.nodes.empty())  // (chosen by default: only nodes in the category)
            out.skipped.push_back({fw.path(node),
                                   {},
                                   options.category.empty()
                                       ? "the node has no points in any category"
                                       : "the node has no points in category '" + options.category + "'"});
        for (const auto& cats : groups) {
            const auto lin = detail::linear_in_share(card, node, cats);
            if (lin.not_linear.empty()) {
                out.nodes.push_back(detail::stability_of(card, node, lin, total, pools, grade_pools, options.top_k));
                continue;
            }
            SkippedNode skip{fw.path(node), {}, lin.not_linear};
            if (groups.size() > 1)
                for (std::size_t c : cats) skip.categories.push_back(card.weights.categories[c]);
            out.skipped.push_back(std::move(skip));
        }
    }
    if (out.nodes.empty() && !out.skipped.empty()) {
        std::string why;
        for (const auto& sk : out.skipped) why += (why.empty() ? "" : "; ") + sk.node + ": " + sk.reason;
        throw framework_error({fw.source, out.skipped.size() == 1 ? out.skipped[0].node : std::string{}},
                              out.skipped.size() == 1 ? out.skipped[0].reason
                                                      : "no weight asked for can be solved exactly (" + why + ")");
    }
    return out;
}

// The smallest change of `node`'s share that puts unit `a` level with unit `b` (beyond it, `a` is above),
// or nothing when no share in [0, 1] does. `share` is the share at which they tie.
struct Overtake {
    bool already_above = false;
    std::optional<double> share;
    double base_share = 0.0;
    std::string note;
};

[[nodiscard]] inline Overtake overtake(const ScoreCard& card, const std::string& node_id, const std::string& a,
                                       const std::string& b, const std::string& category = {}) {
    const Framework& fw = *card.framework;
    const std::size_t node = detail::node_by_id_or_path(fw, node_id, "overtake: node '" + node_id + "'");
    if (node == 0) throw framework_error({fw.source, fw.path(node)}, "the root's share cannot change");
    const auto groups = detail::share_groups(card, node, category);
    if (groups.empty())
        throw framework_error({fw.source, fw.path(node)},
                              category.empty() ? "the node has no points in any category"
                                               : "the node has no points in category '" + category + "'");
    if (groups.size() > 1)
        throw framework_error({fw.source, fw.path(node)},
                              "the node's share differs between categories ('" + card.weights.categories[groups[0][0]] +
                                  "' and '" + card.weights.categories[groups[1][0]] + "'); choose one category");
    const auto lin = detail::linear_in_share(card, node, groups[0]);
    if (!lin.not_linear.empty()) throw framework_error({fw.source, fw.path(node)}, lin.not_linear);
    const std::size_t ua = card.find_unit(a), ub = card.find_unit(b);
    const double ta = card.total(static_cast<Eigen::Index>(ua)), tb = card.total(static_cast<Eigen::Index>(ub));
    Overtake out;
    out.base_share = lin.share;
    if (ta > tb) {
        out.already_above = true;
        out.note = "'" + a + "' is already above '" + b + "' (" + detail::num(ta) + " > " + detail::num(tb) + ")";
        return out;
    }
    const double closing = lin.slope[ua] - lin.slope[ub];  // gap b - a shrinks by this per unit of share
    if (closing != 0.0) {
        const double s = lin.share + (tb - ta) / closing;
        if (s >= 0.0 && s <= 1.0) {
            out.share = s;
            out.note = "'" + a + "' draws level with '" + b + "' at a share of " + detail::num(s) + " (base " +
                       detail::num(lin.share) + ") and is above it " + (closing > 0 ? "beyond" : "below") + " that";
            return out;
        }
    }
    out.note = "no share of '" + fw.path(node) + "' in [0, 1] puts '" + a + "' above '" + b + "'";
    return out;
}

}  // namespace kaohe
