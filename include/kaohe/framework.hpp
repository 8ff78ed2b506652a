// The framework (指标体系): the indicator tree with its weights and rules, the unit categories, the
// adjustments outside the tree (bonus/penalty blocks, vetoes), and the grading, ranking and rounding policy.
//
// A framework is plain data. `resolve()` validates it and computes every node's maximum points per
// category, which is what scoring and re-weighting work with.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "kaohe/detail/format.hpp"
#include "kaohe/error.hpp"
#include "kaohe/rule.hpp"

namespace kaohe {

// How a node's weight is stated.
enum class WeightKind {
    points,   // absolute points (rule of law = 11 of 100); siblings must add up to the parent's points
    share,    // fraction of the parent (11% = 0.11); siblings must add up to 1
    relative  // relative importance; siblings are rescaled to fill the parent (COINr-style weights)
};
struct Weight {
    WeightKind kind = WeightKind::relative;
    double value = 1.0;
};

enum class Aggregation { arithmetic, geometric };

// What to do when a unit has no value for a leaf (or a rule cannot score it).
enum class MissingPolicy {
    error,   // default: scoring fails and lists every missing unit x indicator
    zero,    // the leaf scores 0 points
    mean,    // the leaf scores the cohort's mean points (ratio of maximum) for the unit's category
    exclude  // the leaf is dropped for that unit and its siblings are reweighted to fill the parent
};

struct Node {
    std::string id;    // stable id, unique in the framework, used in paths and data files
    std::string name;  // display name (UTF-8)
    Weight weight;
    std::map<std::string, Weight> weight_by_category;   // overrides `weight` for units of a category
    std::vector<std::string> applies_to;                // categories this node applies to; empty = all
    Aggregation aggregation = Aggregation::arithmetic;  // how this node combines its children
    bool renormalise = false;  // accept children whose points do not add up to this node's; rescale them
    std::optional<Rule> rule;  // leaves only
    std::map<std::string, Rule> rule_by_category;  // category-specific rule parameters
    MissingPolicy missing = MissingPolicy::error;
    std::string note;
    std::ptrdiff_t parent = -1;
    std::vector<std::size_t> children;

    [[nodiscard]] bool is_leaf() const noexcept { return children.empty(); }
    [[nodiscard]] bool applies(const std::string& category) const {
        if (applies_to.empty()) return true;
        for (const auto& c : applies_to)
            if (c == category) return true;
        return false;
    }
    [[nodiscard]] const Weight& weight_for(const std::string& category) const {
        auto it = weight_by_category.find(category);
        return it == weight_by_category.end() ? weight : it->second;
    }
    [[nodiscard]] const Rule& rule_for(const std::string& category) const {
        auto it = rule_by_category.find(category);
        return it == rule_by_category.end() ? *rule : it->second;
    }
};

struct Category {
    std::string id;
    std::string name;
};

// A bonus or penalty block outside the weighted tree (奖扣分项目). Its points are added to the weighted
// total and may push it above the maximum or below zero.
enum class AdjustmentKind { bonus, penalty };
struct Adjustment {
    std::string id;
    std::string name;
    AdjustmentKind kind = AdjustmentKind::bonus;
    std::vector<std::pair<std::string, double>> points;  // bonus: level -> points; penalty: kind -> points
    bool highest_per_item = true;                        // bonus: an item counts once, at its highest level
    std::optional<double> cap;                           // at most this many points in absolute value
    bool require_evidence = false;
};

// A condition on a data item or on the weighted total that triggers a veto automatically.
struct Condition {
    std::string item;  // data item, or "total" for the weighted total after adjustments
    Comparison op = Comparison::gt;
    double value = 0.0;
};

// One-vote veto (一票否决) and its milder forms. Triggered by a `veto` event (with its reason) or a condition.
enum class VetoEffect {
    fail,       // the unit gets the lowest grade
    cap,        // the unit's grade is at most `cap_grade` (一票否优: cap below excellent)
    demote,     // the unit's grade drops `demote_by` grades (降等)
    disqualify  // the unit is not ranked or graded (取消评优资格)
};
struct Veto {
    std::string id;
    std::string name;
    VetoEffect effect = VetoEffect::fail;
    std::string cap_grade;
    int demote_by = 1;
    std::optional<Condition> when;
};

// A veto that fired for a unit, and why.
struct FiredVeto {
    const Veto* veto = nullptr;
    std::string reason;
    bool on_total = false;  // fired by its condition on the total (re-checked when the total changes)
};

// A grade band: a unit whose score is >= `min` (and below the band above) gets this grade. Bands are listed
// from the best grade down; the last band has min = -infinity so that every score has a grade.
struct GradeBand {
    std::string id;
    std::string name;
    double min = -unbounded;
};
enum class QuotaRounding { half_up, up, down };
// At most `max_share` of a pool may get `grade` (e.g. excellent <= 30%). The count is share * pool size,
// rounded as stated. Units beyond the quota, in rank order, move to the next grade down.
struct Quota {
    std::string grade;
    double max_share = 1.0;
    QuotaRounding rounding = QuotaRounding::half_up;
    std::optional<int> max_count;
};
struct Grading {
    std::vector<GradeBand> bands;
    std::vector<Quota> quotas;
    CohortScope pool = CohortScope::category;  // quotas apply per category, or across all units
};

struct RankingPolicy {
    TieMethod ties = TieMethod::competition;
    std::vector<std::string> tie_break;  // node ids compared (higher first) before unit order, for `ordinal`
    bool on_rounded_total = false;       // rank the published (rounded) total rather than full precision
};

// Decimals at which published figures are rounded (half-up). Unset = not rounded.
struct RoundingPolicy {
    std::optional<int> total;
    std::optional<int> nodes;
    std::optional<int> leaves;
};

struct Framework {
    std::string id;
    std::string name;
    double total = 100.0;  // maximum points of the root
    // The scale of every node's score (its ratio x score_scale): 100 reads a group as COINr and index users do
    // (Connectivity 81.16, not its 40.58 points of 50); 1 for indices published on [0, 1] such as the HDI.
    double score_scale = 100.0;
    std::vector<Category> categories;
    std::vector<Node> nodes;  // nodes[0] is the root; children listed by index
    std::vector<Adjustment> adjustments;
    std::vector<Veto> vetoes;
    Grading grading;
    RankingPolicy ranking;
    RoundingPolicy rounding;
    std::string source;  // file name it was read from, for error messages

    [[nodiscard]] const Node& root() const { return nodes.at(0); }
    [[nodiscard]] std::optional<std::size_t> find(const std::string& node_id) const {
        for (std::size_t i = 0; i < nodes.size(); ++i)
            if (nodes[i].id == node_id) return i;
        return std::nullopt;
    }
    // "root/rule_of_law/court_rate"
    [[nodiscard]] std::string path(std::size_t node) const {
        std::string out = nodes.at(node).id;
        for (auto p = nodes[node].parent; p >= 0; p = nodes[static_cast<std::size_t>(p)].parent)
            out = nodes[static_cast<std::size_t>(p)].id + "/" + out;
        return out;
    }
    [[nodiscard]] std::vector<std::size_t> leaves() const {
        std::vector<std::size_t> out;
        for (std::size_t i = 0; i < nodes.size(); ++i)
            if (nodes[i].is_leaf()) out.push_back(i);
        return out;
    }
    // Category ids in a fixed order; a framework without categories has one unnamed category "".
    [[nodiscard]] std::vector<std::string> category_ids() const {
        std::vector<std::string> out;
        for (const auto& c : categories) out.push_back(c.id);
        if (out.empty()) out.emplace_back();
        return out;
    }
    [[nodiscard]] std::optional<std::size_t> category_index(const std::string& category_id) const {
        if (categories.empty()) return category_id.empty() ? std::optional<std::size_t>(0) : std::nullopt;
        for (std::size_t i = 0; i < categories.size(); ++i)
            if (categories[i].id == category_id) return i;
        return std::nullopt;
    }
};

// Maximum points of every node for every category, after validation. max_points[c][n] is 0 for a node
// that does not apply to category c.
struct ResolvedWeights {
    std::vector<std::string> categories;
    std::vector<std::vector<double>> max_points;  // [category][node]

    // A leaf's share of the total for a category (its effective weight).
    [[nodiscard]] double effective_weight(std::size_t category, std::size_t node) const {
        return max_points.at(category).at(node) / max_points.at(category).at(0);
    }
};

// Validate the framework's structure and compute every node's maximum points per category.
// Throws framework_error naming the node path (and category) and the reason. `check_rules = false` skips the
// check that each rule's points fit its leaf's maximum: a what-if card keeps each leaf's ratio, so a rule stated
// in points (a lookup table, a rank ladder) need not fit the scenario's maxima (what_if.hpp).
[[nodiscard]] inline ResolvedWeights resolve(const Framework& fw, bool check_rules = true);

}  // namespace kaohe

#include "kaohe/detail/framework_resolve.hpp"
