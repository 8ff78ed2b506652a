// What-if: a score card under other weights or other rule parameters, and the comparison with the base.
//
//   reweigh(base, weights)   leaf ratios kept, tree re-aggregated (rules are not re-scored: a leaf keeps its
//                            ratio of its maximum; it is worth more or fewer points)
//   what_if(base, changes)   the same, from WeightChanges applied jointly (weight_change.hpp); the new card
//                            carries the framework with the new weights
//   rescore(base, changed)   the same data scored on a changed framework (a target, a band edge)
//   compare(before, after)   per unit: totals, ranks, grades before and after, who crossed a grade boundary or
//                            a quota line, and the indicators that drove each change
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include "kaohe/score.hpp"
#include "kaohe/sensitivity/weight_change.hpp"

namespace kaohe {

// The base card re-aggregated with other maxima per node and category (vetoes, ranks and grades run again).
// The new card carries its own framework: the base framework with its weights rewritten to give `weights`
// (framework_with_weights), so card.framework, its exports and card.weights all show the scenario.
[[nodiscard]] inline ScoreCard reweigh(const ScoreCard& base, const ResolvedWeights& weights) {
    if (weights.max_points.size() != base.weights.max_points.size())
        throw internal_error("re-weighting needs maxima for every category of the framework");
    auto framework = std::make_shared<const Framework>(framework_with_weights(*base.framework, base.weights, weights));
    // == weights, up to the last bit of a share's quotient. Rules are not re-scored (each leaf keeps its ratio), so
    // a rule stated in points need not fit its leaf's new maximum.
    ResolvedWeights resolved = resolve(*framework, false);
    return detail::Engine(base, std::move(framework), std::move(resolved)).reweigh(base);
}

// The base card under `changes`, applied jointly (weight_change.hpp). `notes` (optional) says when the maximum
// total changes.
[[nodiscard]] inline ScoreCard what_if(const ScoreCard& base, const std::vector<WeightChange>& changes,
                                       std::vector<std::string>* notes = nullptr) {
    std::vector<std::string> local;
    ScoreCard out = reweigh(base, apply_weight_changes(*base.framework, base.weights, changes, &local));
    for (const auto& n : local) out.warnings.push_back(n);
    if (notes) notes->insert(notes->end(), local.begin(), local.end());
    return out;
}

// The base card's data scored on `changed` (for rule-parameter what-ifs). The units and data are the same.
[[nodiscard]] inline ScoreCard rescore(const ScoreCard& base, const Framework& changed,
                                       const ScoreOptions& options = {}) {
    if (!base.trace || !base.trace->data)
        throw internal_error("a score card without its scoring trace cannot be re-scored");
    return score(changed, base.trace->data, options);
}

// One node's contribution to a unit's change.
struct Driver {
    std::string path;
    double before = 0.0;  // points
    double after = 0.0;
    [[nodiscard]] double change() const { return after - before; }
};

struct UnitChange {
    std::string unit;
    double total_before = 0.0, total_after = 0.0;
    double rank_before = 0.0, rank_after = 0.0;  // NaN when not ranked
    double rank_in_category_before = 0.0, rank_in_category_after = 0.0;
    std::string grade_before, grade_after;
    std::string band_before, band_after;  // the grade its score earns from the bands alone
    bool crossed_band = false;            // moved to another grade band
    bool crossed_quota = false;           // same band, but a quota now lets it in or keeps it out
    std::vector<Driver> drivers;          // leaves and groups whose points changed, largest change first
};

struct ChangeReport {
    std::vector<UnitChange> units;  // in the order of the cards' units
    std::vector<std::string> notes;
    [[nodiscard]] std::size_t moved() const {
        std::size_t n = 0;
        for (const auto& u : units)
            n += u.rank_before != u.rank_after && !(std::isnan(u.rank_before) && std::isnan(u.rank_after));
        return n;
    }
};

namespace detail {
inline std::string band_of(const Framework& fw, double score) {
    for (const auto& b : fw.grading.bands)
        if (score >= b.min) return b.id;
    return {};
}
}  // namespace detail

// Per unit: before and after, boundary crossings and the nodes that drove the change (every node whose
// points changed by more than 1e-9, largest first; at most `max_drivers`, 0 = all).
[[nodiscard]] inline ChangeReport compare(const ScoreCard& before, const ScoreCard& after,
                                          std::size_t max_drivers = 5) {
    if (before.units.size() != after.units.size())
        throw data_error({}, "the score cards have different units (" + std::to_string(before.units.size()) + " and " +
                                 std::to_string(after.units.size()) + ")");
    for (std::size_t u = 0; u < before.units.size(); ++u)
        if (before.units[u].id != after.units[u].id)
            throw data_error({{}, "unit '" + before.units[u].id + "'"},
                             "the score cards list different units (or in another order): '" + before.units[u].id +
                                 "' and '" + after.units[u].id + "'");
    const Framework& fa = *before.framework;
    const Framework& fb = *after.framework;
    ChangeReport out;
    out.notes = after.warnings;
    for (std::size_t u = 0; u < before.units.size(); ++u) {
        const auto i = static_cast<Eigen::Index>(u);
        UnitChange c;
        c.unit = before.units[u].id;
        c.total_before = before.total(i);
        c.total_after = after.total(i);
        c.rank_before = before.rank(i);
        c.rank_after = after.rank(i);
        c.rank_in_category_before = before.rank_in_category(i);
        c.rank_in_category_after = after.rank_in_category(i);
        c.grade_before = before.grade[u];
        c.grade_after = after.grade[u];
        c.band_before = detail::band_of(fa, c.total_before);
        c.band_after = detail::band_of(fb, c.total_after);
        c.crossed_band = c.band_before != c.band_after;
        c.crossed_quota = !c.crossed_band && c.grade_before != c.grade_after;
        if (fa.nodes.size() == fb.nodes.size()) {
            for (std::size_t n = 1; n < fa.nodes.size(); ++n) {
                double a = before.node_points(i, static_cast<Eigen::Index>(n));
                double b = after.node_points(i, static_cast<Eigen::Index>(n));
                a = std::isnan(a) ? 0.0 : a;
                b = std::isnan(b) ? 0.0 : b;
                if (std::abs(b - a) > 1e-9) c.drivers.push_back({fa.path(n), a, b});
            }
            for (Eigen::Index k = 0; k < before.adjustment_points.cols() && k < after.adjustment_points.cols(); ++k) {
                const double a = before.adjustment_points(i, k), b = after.adjustment_points(i, k);
                if (std::abs(b - a) > 1e-9) c.drivers.push_back({fa.adjustments[static_cast<std::size_t>(k)].id, a, b});
            }
            std::stable_sort(c.drivers.begin(), c.drivers.end(), [](const Driver& x, const Driver& y) {
                return std::abs(x.change()) > std::abs(y.change());
            });
            if (max_drivers && c.drivers.size() > max_drivers) c.drivers.resize(max_drivers);
        }
        out.units.push_back(std::move(c));
    }
    return out;
}

}  // namespace kaohe
