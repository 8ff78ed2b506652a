// What-if weight changes: "rule of law is worth 15 instead of 11". A change sets one node's maximum points in
// one or every category and says what happens to the rest of the tree:
//
//   proportional  the node's siblings shrink or grow in proportion, so the parent keeps its points;
//   explicit      the caller gives every sibling (changes with this policy are applied together per parent,
//                 and must add up to the parent's points);
//   none          nothing else changes: the parent and every ancestor gain or lose the difference, so the
//                 maximum total changes (reported in `notes`).
//
// Changes act on the resolved maxima (ResolvedWeights), after the framework's own weights are validated:
// a node's whole subtree is scaled with it, so the shares inside it are kept.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "kaohe/detail/format.hpp"
#include "kaohe/detail/reweighting_model.hpp"
#include "kaohe/error.hpp"
#include "kaohe/framework.hpp"

namespace kaohe {

enum class Renormalise { proportional, explicit_, none };

struct WeightChange {
    WeightChange() = default;
    WeightChange(std::string node_, double value_, Renormalise policy_ = Renormalise::proportional)
        : node(std::move(node_)), value(value_), policy(policy_) {}
    // The node's share of its parent (0.15 for 15%), whatever its weight kind.
    static WeightChange share_of_parent(std::string node_, double share,
                                        Renormalise policy_ = Renormalise::proportional) {
        WeightChange c(std::move(node_), share, policy_);
        c.as_share = true;
        return c;
    }

    std::string node;  // id or path
    // The new weight, in the node's own terms in the category: points for a points weight, a share of the
    // parent (0.15) for a share weight, a relative value for a relative weight. With `as_share`, always the
    // node's share of its parent, whatever its weight kind ("15%" on the command line).
    double value = 0.0;
    bool as_share = false;
    std::string category;  // "" = every category the node applies to
    Renormalise policy = Renormalise::proportional;
};

namespace detail {

inline void scale_subtree(const Framework& fw, std::vector<double>& max, std::size_t node, double factor) {
    std::vector<std::size_t> stack{node};
    while (!stack.empty()) {
        const std::size_t n = stack.back();
        stack.pop_back();
        max[n] *= factor;
        for (std::size_t c : fw.nodes[n].children) stack.push_back(c);
    }
}

// The new maximum points of `node` in category `c` that `change` asks for.
inline double target_points(const Framework& fw, const ResolvedWeights& w, const WeightChange& change, std::size_t node,
                            std::size_t c, const std::string& where) {
    const Node& n = fw.nodes[node];
    const auto parent = static_cast<std::size_t>(n.parent);
    const auto& max = w.max_points[c];
    const double v = change.value;
    if (!std::isfinite(v) || v < 0)
        throw framework_error({fw.source, fw.path(node)},
                              where + ": the new weight must be a finite number >= 0, got " + fmt(v));
    if (change.as_share) return v * max[parent];
    const Weight& wt = n.weight_for(w.categories[c]);
    switch (wt.kind) {
        case WeightKind::points:
            return v;
        case WeightKind::share:
            return v * max[parent];
        case WeightKind::relative: {
            // The same relative scale as the siblings: its share is v / (v + the others' relative values).
            double others = 0;
            for (std::size_t s : fw.nodes[parent].children)
                if (s != node && max[s] != 0.0) others += fw.nodes[s].weight_for(w.categories[c]).value;
            return v + others > 0 ? max[parent] * v / (v + others) : 0.0;
        }
    }
    return v;
}

}  // namespace detail

// Applies `changes` in order to `weights` (the framework's resolved maxima). Throws framework_error naming
// the change, the node path and the category when a change cannot be applied. `notes` receives one line per
// change that alters the maximum total (policy none).
[[nodiscard]] inline ResolvedWeights apply_weight_changes(const Framework& fw, ResolvedWeights weights,
                                                          const std::vector<WeightChange>& changes,
                                                          std::vector<std::string>* notes = nullptr) {
    const double tolerance = 1e-9;
    struct Resolved {
        std::size_t node;
        std::vector<std::size_t> categories;
        std::string where;
    };
    std::vector<Resolved> resolved;
    for (std::size_t i = 0; i < changes.size(); ++i) {
        const WeightChange& ch = changes[i];
        const std::string where = "weight change [" + std::to_string(i) + "] '" + ch.node + "'";
        const std::size_t node = detail::node_by_id_or_path(fw, ch.node, where);
        if (node == 0)
            throw framework_error({fw.source, fw.path(node)},
                                  where + ": the root's points are the framework total; change `total` instead");
        std::vector<std::size_t> cats;
        if (ch.category.empty()) {
            for (std::size_t c = 0; c < weights.categories.size(); ++c)
                if (weights.max_points[c][node] != 0.0) cats.push_back(c);
        } else {
            auto c = fw.category_index(ch.category);
            if (!c)
                throw framework_error({fw.source, fw.path(node)}, where + ": unknown category '" + ch.category + "'");
            if (!fw.nodes[node].applies(ch.category))
                throw framework_error({fw.source, fw.path(node)},
                                      where + ": the node does not apply to category '" + ch.category + "'");
            cats.push_back(*c);
        }
        if (cats.empty())
            throw framework_error({fw.source, fw.path(node)}, where + ": the node has no weight in any category");
        resolved.push_back({node, cats, where});
    }
    auto in_category = [&](std::size_t c) {
        return fw.categories.empty() ? std::string() : " in category '" + weights.categories[c] + "'";
    };
    // Explicit changes are applied together per (parent, category), where the first of them stands, with the
    // targets computed then (an earlier change may have rescaled the parent).
    std::vector<bool> done(changes.size(), false);
    for (std::size_t i = 0; i < changes.size(); ++i) {
        if (done[i]) continue;
        const WeightChange& ch = changes[i];
        const std::size_t node = resolved[i].node;
        const auto parent = static_cast<std::size_t>(fw.nodes[node].parent);
        if (ch.policy == Renormalise::explicit_) {
            for (std::size_t c : resolved[i].categories) {
                auto& max = weights.max_points[c];
                std::vector<std::pair<std::size_t, double>> set;
                for (std::size_t k = i; k < changes.size(); ++k) {
                    if (changes[k].policy != Renormalise::explicit_ ||
                        static_cast<std::size_t>(fw.nodes[resolved[k].node].parent) != parent)
                        continue;
                    const auto& ks = resolved[k].categories;
                    if (std::find(ks.begin(), ks.end(), c) == ks.end()) continue;
                    set.emplace_back(resolved[k].node, detail::target_points(fw, weights, changes[k], resolved[k].node,
                                                                             c, resolved[k].where));
                    done[k] = true;
                }
                double sum = 0;
                for (const auto& e : set) sum += e.second;
                std::string missing;
                for (std::size_t s : fw.nodes[parent].children) {
                    bool given = false;
                    for (const auto& e : set) given = given || e.first == s;
                    if (!given && max[s] != 0.0) missing += (missing.empty() ? "" : ", ") + fw.nodes[s].id;
                }
                const std::string under = "explicit weight changes under '" + fw.path(parent) + "'" + in_category(c);
                if (!missing.empty())
                    throw framework_error({fw.source, fw.path(parent)},
                                          under + " must give every child; missing: " + missing);
                if (std::abs(sum - max[parent]) > tolerance * std::max(1.0, max[parent]))
                    throw framework_error({fw.source, fw.path(parent)}, under + " add up to " + detail::num(sum) +
                                                                            " points but the node has " +
                                                                            detail::num(max[parent]));
                for (const auto& [n, target] : set) {
                    const double old = max[n];
                    if (old == 0.0 && target != 0.0)
                        throw framework_error({fw.source, fw.path(n)},
                                              "explicit weight change of '" + fw.path(n) + "'" + in_category(c) +
                                                  ": the node has weight 0 in the framework, so it was not scored; "
                                                  "give it a weight there and score again");
                    if (old != 0.0) detail::scale_subtree(fw, max, n, target / old);
                    max[n] = target;
                }
            }
            continue;
        }
        const std::string& where = resolved[i].where;
        for (std::size_t c : resolved[i].categories) {
            auto& max = weights.max_points[c];
            const double target = detail::target_points(fw, weights, ch, node, c, where);
            const double old = max[node];
            if (old == 0.0 && target != 0.0)
                throw framework_error({fw.source, fw.path(node)},
                                      where + in_category(c) +
                                          ": the node has no points to scale (its weight is 0); give every sibling "
                                          "with policy 'explicit'");
            if (ch.policy == Renormalise::proportional) {
                const double p = max[parent];
                if (target > p * (1 + tolerance))
                    throw framework_error({fw.source, fw.path(node)},
                                          where + in_category(c) + ": " + detail::num(target) +
                                              " points is more than the parent's " + detail::num(p) +
                                              "; use policy 'none' to raise the total");
                const double rest = p - old;
                if (rest <= 0.0 && std::abs(target - old) > tolerance * p)
                    throw framework_error({fw.source, fw.path(node)},
                                          where + in_category(c) +
                                              ": the node has no siblings to give or take points; use policy 'none'");
                if (old != 0.0) detail::scale_subtree(fw, max, node, target / old);
                if (rest > 0.0)
                    for (std::size_t s : fw.nodes[parent].children)
                        if (s != node) detail::scale_subtree(fw, max, s, (p - target) / rest);
                max[node] = target;  // exactly the requested value, not old x (target / old)
            } else {
                if (old != 0.0) detail::scale_subtree(fw, max, node, target / old);
                max[node] = target;
                for (auto a = fw.nodes[node].parent; a >= 0; a = fw.nodes[static_cast<std::size_t>(a)].parent)
                    max[static_cast<std::size_t>(a)] += target - old;
                if (notes && target != old)
                    notes->push_back(fw.path(node) + in_category(c) + ": " + detail::num(old) + " -> " +
                                     detail::num(target) + " points; the maximum total is now " + detail::num(max[0]));
            }
        }
    }
    return weights;
}

}  // namespace kaohe
