// Validation of a framework and resolution of its weights into maximum points per node and category.
// Included by framework.hpp; not a public header on its own.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "kaohe/detail/rule_validation.hpp"
#include "kaohe/framework.hpp"

namespace kaohe {
namespace detail {

inline std::string category_suffix(const std::string& category) {
    return category.empty() ? std::string() : " (category '" + category + "')";
}

inline const char* weight_kind_name(WeightKind k) {
    switch (k) {
        case WeightKind::points:
            return "points";
        case WeightKind::share:
            return "share";
        case WeightKind::relative:
            return "weight";
    }
    return "?";
}

// Problems found while resolving; resolve() reports them together so that one run shows every mistake.
struct Collector {
    std::vector<std::string> problems;
    std::optional<framework_error> first;
    void add(const framework_error& e) {
        for (const auto& p : problems)
            if (p == e.what()) return;  // the same problem seen again for another category
        if (!first) first = e;
        problems.emplace_back(e.what());
    }
};

inline void resolve_children(const Framework& fw, std::size_t node, const std::string& category,
                             std::vector<double>& max_points, Collector& collect) {
    const Node& n = fw.nodes[node];
    const double m = max_points[node];
    std::vector<std::size_t> kids;
    for (auto k : n.children)
        if (fw.nodes[k].applies(category)) kids.push_back(k);
    if (kids.empty()) {
        if (!n.is_leaf())
            throw framework_error({fw.source, fw.path(node)},
                                  "no child of this group applies" + category_suffix(category));
        return;
    }
    const WeightKind kind = fw.nodes[kids[0]].weight_for(category).kind;
    double sum = 0.0;
    for (auto k : kids) {
        const Weight& w = fw.nodes[k].weight_for(category);
        if (w.kind != kind)
            throw framework_error({fw.source, fw.path(k)},
                                  std::string("weight is given as '") + weight_kind_name(w.kind) +
                                      "' but its first sibling '" + fw.nodes[kids[0]].id + "' uses '" +
                                      weight_kind_name(kind) + "'; siblings must state weights the same way");
        if (!std::isfinite(w.value) || w.value < 0)
            throw framework_error({fw.source, fw.path(k)}, "weight must be a finite number >= 0, got " + fmt(w.value) +
                                                               category_suffix(category));
        sum += w.value;
    }
    if (!(sum > 0))
        throw framework_error({fw.source, fw.path(node)},
                              "the weights of its children add up to 0" + category_suffix(category));
    double scale = 1.0;  // child max = weight * scale
    switch (kind) {
        case WeightKind::points:
            if (!close(sum, m) && !n.renormalise)
                collect.add(framework_error({fw.source, fw.path(node)},
                                            "children's points add up to " + fmt(sum) + " but the node has " + fmt(m) +
                                                " points" + category_suffix(category) +
                                                "; fix the points or set \"renormalise\": true"));
            scale = n.renormalise ? m / sum : 1.0;  // after a mismatch, children keep their stated points
            break;
        case WeightKind::share:
            if (!close(sum, 1.0) && !n.renormalise)
                collect.add(framework_error({fw.source, fw.path(node)},
                                            "children's shares add up to " + fmt(sum) + " (" + fmt(sum * 100) +
                                                "%) instead of 1 (100%)" + category_suffix(category) +
                                                "; fix the shares or set \"renormalise\": true"));
            scale = n.renormalise ? m / sum : m;  // after a mismatch, children keep their stated shares
            break;
        case WeightKind::relative:
            scale = m / sum;
            break;
    }
    for (auto k : kids) {
        max_points[k] = fw.nodes[k].weight_for(category).value * scale;
        try {
            resolve_children(fw, k, category, max_points, collect);
        } catch (const framework_error& e) {
            collect.add(e);  // this subtree cannot be resolved; its siblings still can
        }
    }
}

inline void validate_structure(const Framework& fw) {
    const std::string& src = fw.source;
    if (fw.nodes.empty()) throw framework_error({src, "$.root"}, "the framework has no root node");
    if (!std::isfinite(fw.total) || !(fw.total > 0))
        throw framework_error({src, "$.total"}, "total points must be a finite number > 0, got " + fmt(fw.total));
    if (!std::isfinite(fw.score_scale) || !(fw.score_scale > 0))
        throw framework_error({src, "$.score_scale"},
                              "score_scale must be a finite number > 0, got " + fmt(fw.score_scale));
    std::set<std::string> cats;
    for (const auto& c : fw.categories) {
        if (c.id.empty()) throw framework_error({src, "$.categories"}, "a category has an empty id");
        if (!cats.insert(c.id).second)
            throw framework_error({src, "$.categories"}, "category id '" + c.id + "' is defined twice");
    }
    auto check_category = [&](const std::string& c, std::size_t node, const char* what) {
        if (!cats.count(c))
            throw framework_error({src, fw.path(node)}, std::string(what) + " names unknown category '" + c + "'");
    };
    std::set<std::string> ids;
    for (std::size_t i = 0; i < fw.nodes.size(); ++i) {
        const Node& n = fw.nodes[i];
        if (n.id.empty()) throw framework_error({src, fw.path(i)}, "a node has an empty id");
        if (n.id.find('/') != std::string::npos)
            throw framework_error({src, fw.path(i)}, "node id '" + n.id + "' must not contain '/'");
        if (!ids.insert(n.id).second)
            throw framework_error({src, fw.path(i)}, "node id '" + n.id + "' is used twice; ids must be unique");
        for (const auto& c : n.applies_to) check_category(c, i, "applies_to");
        for (const auto& kv : n.weight_by_category) check_category(kv.first, i, "weight_by_category");
        for (const auto& kv : n.rule_by_category) check_category(kv.first, i, "rule_by_category");
        if (n.is_leaf() && !n.rule) throw framework_error({src, fw.path(i)}, "leaf indicator has no scoring rule");
        if (!n.is_leaf() && n.rule)
            throw framework_error({src, fw.path(i)}, "a group with children cannot have its own rule");
        if (n.is_leaf() && (n.aggregation != Aggregation::arithmetic || n.renormalise))
            throw framework_error({src, fw.path(i)},
                                  "aggregation and renormalise apply to groups, not to a leaf indicator");
        if (!n.is_leaf() && n.missing != MissingPolicy::error)
            throw framework_error({src, fw.path(i)},
                                  "missing applies to leaf indicators; a group is excluded when all its "
                                  "children are");
        if (!n.rule_by_category.empty() && !n.rule)
            throw framework_error({src, fw.path(i)}, "rule_by_category needs a base rule");
        for (const auto& [category, rule] : n.rule_by_category) {
            // A category may change a rule's parameters, not what the indicator is: the type and the data it
            // reads stay the same, so that cohorts and explanations compare like with like.
            if (rule.index() != n.rule->index())
                throw framework_error({src, fw.path(i)}, std::string("rule_by_category '") + category +
                                                             "' changes the rule type from '" + rule_name(*n.rule) +
                                                             "' to '" + rule_name(rule) +
                                                             "'; only parameters may differ");
            const Input* base = rule_input(*n.rule);
            const Input* own = rule_input(rule);
            if (base && own &&
                (base->item != own->item || base->denominator != own->denominator || base->scale != own->scale))
                throw framework_error({src, fw.path(i)}, "rule_by_category '" + category + "' reads '" + own->item +
                                                             "' but the base rule reads '" + base->item +
                                                             "'; a category may change parameters, not the input");
        }
    }
    for (const auto& a : fw.adjustments) {
        if (a.id.empty()) throw framework_error({src, "$.adjustments"}, "an adjustment has an empty id");
        if (!ids.insert(a.id).second)
            throw framework_error({src, "$.adjustments"},
                                  "adjustment id '" + a.id + "' is already used by a node or adjustment");
        if (a.points.empty())
            throw framework_error({src, "$.adjustments." + a.id}, "adjustment lists no levels or kinds with points");
        if (a.cap && !(*a.cap >= 0)) throw framework_error({src, "$.adjustments." + a.id}, "cap must be >= 0");
    }
    const auto& bands = fw.grading.bands;
    std::set<std::string> grades;
    for (std::size_t i = 0; i < bands.size(); ++i) {
        const std::string where = "$.grading.bands[" + std::to_string(i) + "]";
        if (bands[i].id.empty()) throw framework_error({src, where}, "grade has an empty id");
        if (!grades.insert(bands[i].id).second)
            throw framework_error({src, where}, "grade '" + bands[i].id + "' is defined twice");
        if (std::isnan(bands[i].min)) throw framework_error({src, where}, "grade min is not a number");
        if (i > 0 && !(bands[i].min < bands[i - 1].min))
            throw framework_error({src, where},
                                  "grade bands must be listed from best to worst with strictly decreasing 'min' ('" +
                                      bands[i].id + "' min " + fmt(bands[i].min) + " is not below '" + bands[i - 1].id +
                                      "' min " + fmt(bands[i - 1].min) + ")");
    }
    if (!bands.empty() && bands.back().min != -unbounded)
        throw framework_error({src, "$.grading.bands[" + std::to_string(bands.size() - 1) + "]"},
                              "the last grade band must have no lower bound (min: null) so that every score has a "
                              "grade; a score below " +
                                  fmt(bands.back().min) + " would otherwise fall in a gap");
    for (std::size_t i = 0; i < fw.grading.quotas.size(); ++i) {
        const auto& q = fw.grading.quotas[i];
        const std::string where = "$.grading.quotas[" + std::to_string(i) + "]";
        if (!grades.count(q.grade)) throw framework_error({src, where}, "quota names unknown grade '" + q.grade + "'");
        if (!(q.max_share >= 0 && q.max_share <= 1))
            throw framework_error({src, where}, "max_share must be in [0, 1], got " + fmt(q.max_share));
        if (q.max_count && *q.max_count < 0) throw framework_error({src, where}, "max_count must be >= 0");
    }
    for (const auto& v : fw.vetoes) {
        const std::string where = "$.vetoes." + v.id;
        if (v.id.empty()) throw framework_error({src, "$.vetoes"}, "a veto has an empty id");
        if (!ids.insert(v.id).second)
            throw framework_error({src, where}, "veto id '" + v.id + "' is already used by a node, adjustment or veto");
        if (v.effect == VetoEffect::cap && !grades.count(v.cap_grade))
            throw framework_error({src, where}, "cap_grade '" + v.cap_grade + "' is not a defined grade");
        if ((v.effect == VetoEffect::cap || v.effect == VetoEffect::demote || v.effect == VetoEffect::fail) &&
            bands.empty())
            throw framework_error({src, where}, "a veto that changes grades needs grading bands");
        if (v.effect == VetoEffect::demote && v.demote_by < 1)
            throw framework_error({src, where}, "demote_by must be >= 1");
    }
    for (const auto& t : fw.ranking.tie_break)
        if (!fw.find(t))
            throw framework_error({src, "$.ranking.tie_break"}, "tie_break names unknown node '" + t + "'");
}

}  // namespace detail

inline ResolvedWeights resolve(const Framework& fw, bool check_rules) {
    detail::validate_structure(fw);  // ids, categories, grades: later checks rely on them, so stop at the first
    detail::Collector collect;
    ResolvedWeights out;
    out.categories = fw.category_ids();
    for (const auto& category : out.categories) {
        std::vector<double> max_points(fw.nodes.size(), 0.0);
        max_points[0] = fw.total;
        try {
            detail::resolve_children(fw, 0, category, max_points, collect);
        } catch (const framework_error& e) {
            collect.add(e);
        }
        for (std::size_t i = 0; i < fw.nodes.size(); ++i) {
            const Node& n = fw.nodes[i];
            // A leaf that applies but sits under a group that does not is not scored either.
            if (!check_rules || !n.is_leaf() || !n.applies(category) || max_points[i] == 0.0) continue;
            try {
                detail::validate_rule(fw, i, category, n.rule_for(category), max_points[i]);
            } catch (const framework_error& e) {
                collect.add(e);
            }
        }
        out.max_points.push_back(std::move(max_points));
    }
    if (collect.problems.size() == 1) throw *collect.first;
    if (collect.problems.size() > 1) throw framework_errors(collect.problems, Location(fw.source));
    return out;
}

}  // namespace kaohe
