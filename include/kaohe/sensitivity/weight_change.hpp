// What-if weight changes: "rule of law is worth 15 instead of 11", "court_rate 4 and recon_correction 1", "these
// entropy weights for the research leaves". A list of changes is ONE joint specification, never a sequence:
//
//   - every named node gets exactly the weight asked for (in points, as a share of its parent, or in the node's
//     own terms), whatever order the changes come in;
//   - the changes under one parent (in one category) are decided together, by the parent's policy:
//       proportional  only the UNNAMED siblings absorb the difference, in proportion to their points, so the
//                     parent keeps its points. Named nodes that over-fill the parent, or leave no unnamed
//                     sibling to absorb a difference, are an error naming them and the sums;
//       explicit      every sibling is named and they add up to the parent's points;
//       rescale       every sibling is named and their weights are scaled together to fill the parent (MCDA or
//                     AHP weights, percentages that add up to 100.005%);
//       none          nothing else changes: the parent and every ancestor gain or lose the difference, so the
//                     maximum total changes (reported in `notes`);
//   - parents are decided top down, so a share of a parent is a share of the parent's NEW points when the
//     parent is changed too ("rule_of_law=15" and "court_rate=30%" gives court_rate 4.5 points).
//
// Changes act on the resolved maxima (ResolvedWeights): a node's whole subtree is scaled with it, so the shares
// inside it are kept. `with_weights` turns the result back into a Framework (what a scenario card carries).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "kaohe/detail/format.hpp"
#include "kaohe/detail/reweighting_model.hpp"
#include "kaohe/error.hpp"
#include "kaohe/framework.hpp"

namespace kaohe {

enum class Renormalise { proportional, explicit_, rescale, none };

// What a WeightChange's value is measured in.
enum class WeightUnit {
    own,    // the node's own terms in the category: points for a points weight, a share (0.15) of the parent for a
            // share weight, a relative value (on its siblings' scale) for a relative weight
    share,  // the node's share of its parent (0.15 for 15%), whatever its weight kind
    points  // maximum points, whatever its weight kind
};

struct WeightChange {
    WeightChange() = default;
    WeightChange(std::string node_, double value_, Renormalise policy_ = Renormalise::proportional)
        : node(std::move(node_)), value(value_), policy(policy_) {}
    // The node's share of its parent (0.15 for 15%), whatever its weight kind.
    static WeightChange share_of_parent(std::string node_, double share,
                                        Renormalise policy_ = Renormalise::proportional) {
        WeightChange c(std::move(node_), share, policy_);
        c.unit = WeightUnit::share;
        return c;
    }
    // The node's maximum points, whatever its weight kind.
    static WeightChange points(std::string node_, double points_, Renormalise policy_ = Renormalise::proportional) {
        WeightChange c(std::move(node_), points_, policy_);
        c.unit = WeightUnit::points;
        return c;
    }

    std::string node;  // id or path
    double value = 0.0;
    WeightUnit unit = WeightUnit::own;
    std::string category;  // "" = every category the node applies to
    Renormalise policy = Renormalise::proportional;
};

namespace detail {

inline const char* policy_name(Renormalise p) {
    switch (p) {
        case Renormalise::proportional:
            return "proportional";
        case Renormalise::explicit_:
            return "explicit";
        case Renormalise::rescale:
            return "rescale";
        case Renormalise::none:
            return "none";
    }
    return "?";
}

inline void scale_subtree(const Framework& fw, std::vector<double>& max, std::size_t node, double factor) {
    std::vector<std::size_t> stack{node};
    while (!stack.empty()) {
        const std::size_t n = stack.back();
        stack.pop_back();
        max[n] *= factor;
        for (std::size_t c : fw.nodes[n].children) stack.push_back(c);
    }
}

inline std::size_t depth_of(const Framework& fw, std::size_t node) {
    std::size_t d = 0;
    for (auto p = fw.nodes[node].parent; p >= 0; p = fw.nodes[static_cast<std::size_t>(p)].parent) ++d;
    return d;
}

// One change resolved to a node and one category.
struct ChangeEntry {
    std::size_t change;  // index in the caller's list
    std::size_t node;
    std::size_t category;
    std::string where;  // "weight change [i] 'node'"
};

}  // namespace detail

// Applies `changes` jointly (see the top of this file) to `weights`, the framework's resolved maxima. Throws
// framework_error naming the changes, the node paths, the category and the sums when they cannot be applied
// together. `notes` receives one line per node whose change alters the maximum total (policy none).
[[nodiscard]] inline ResolvedWeights apply_weight_changes(const Framework& fw, ResolvedWeights weights,
                                                          const std::vector<WeightChange>& changes,
                                                          std::vector<std::string>* notes = nullptr) {
    using detail::num;
    const double tolerance = 1e-9;
    auto in_category = [&](std::size_t c) {
        return fw.categories.empty() ? std::string() : " in category '" + weights.categories[c] + "'";
    };

    // 1. Each change -> (node, category) entries; the same node twice in a category is an error.
    std::vector<detail::ChangeEntry> entries;
    for (std::size_t i = 0; i < changes.size(); ++i) {
        const WeightChange& ch = changes[i];
        const std::string where = "weight change [" + std::to_string(i) + "] '" + ch.node + "'";
        const std::size_t node = detail::node_by_id_or_path(fw, ch.node, where);
        if (node == 0)
            throw framework_error({fw.source, fw.path(node)},
                                  where + ": the root's points are the framework total; change `total` instead");
        if (!std::isfinite(ch.value) || ch.value < 0)
            throw framework_error(
                {fw.source, fw.path(node)},
                where + ": the new weight must be a finite number >= 0, got " + detail::fmt(ch.value));
        std::size_t added = 0;
        if (ch.category.empty()) {
            for (std::size_t c = 0; c < weights.categories.size(); ++c)
                if (weights.max_points[c][node] != 0.0) {
                    entries.push_back({i, node, c, where});
                    ++added;
                }
        } else {
            auto c = fw.category_index(ch.category);
            if (!c)
                throw framework_error({fw.source, fw.path(node)}, where + ": unknown category '" + ch.category + "'");
            if (!fw.nodes[node].applies(ch.category))
                throw framework_error({fw.source, fw.path(node)},
                                      where + ": the node does not apply to category '" + ch.category + "'");
            entries.push_back({i, node, *c, where});
            ++added;
        }
        if (added == 0)
            throw framework_error({fw.source, fw.path(node)}, where + ": the node has no weight in any category");
    }
    for (std::size_t a = 0; a < entries.size(); ++a)
        for (std::size_t b = a + 1; b < entries.size(); ++b)
            if (entries[a].node == entries[b].node && entries[a].category == entries[b].category &&
                entries[a].change != entries[b].change)
                throw framework_error({fw.source, fw.path(entries[a].node)},
                                      entries[a].where + " and " + entries[b].where + " both set '" +
                                          fw.path(entries[a].node) + "'" + in_category(entries[a].category) +
                                          "; give each node once");

    // 2. Group by (parent, category); decide parents top down (shallow first), so the result does not depend on
    // the order of the changes.
    using GroupKey = std::tuple<std::size_t, std::size_t, std::size_t>;  // depth of parent, parent, category
    std::map<GroupKey, std::vector<std::size_t>> groups;                 // -> entry indices
    for (std::size_t e = 0; e < entries.size(); ++e) {
        const auto parent = static_cast<std::size_t>(fw.nodes[entries[e].node].parent);
        groups[{detail::depth_of(fw, parent), parent, entries[e].category}].push_back(e);
    }
    // Within a group, in tree order: the sums below are then the same to the last bit whatever the changes' order.
    for (auto& [key, members] : groups)
        std::sort(members.begin(), members.end(),
                  [&](std::size_t x, std::size_t y) { return entries[x].node < entries[y].node; });
    auto named_in = [&](std::size_t node, std::size_t c) {
        for (const auto& e : entries)
            if (e.node == node && e.category == c) return &e;
        return static_cast<const detail::ChangeEntry*>(nullptr);
    };

    for (const auto& [key, members] : groups) {
        const std::size_t parent = std::get<1>(key), c = std::get<2>(key);
        auto& max = weights.max_points[c];
        const std::string under = "'" + fw.path(parent) + "'" + in_category(c);
        const Renormalise policy = changes[entries[members[0]].change].policy;
        std::string listed;  // "court_rate (change [0]), recon_correction (change [1])"
        for (std::size_t e : members) {
            const auto& en = entries[e];
            listed += (listed.empty() ? "" : ", ") + fw.nodes[en.node].id;
            if (changes[en.change].policy != policy)
                throw framework_error({fw.source, fw.path(parent)},
                                      "the weight changes under " + under + " use different policies ('" +
                                          detail::policy_name(policy) + "' for " + entries[members[0]].where + ", '" +
                                          detail::policy_name(changes[en.change].policy) + "' for " + en.where +
                                          "); changes under one parent are decided together");
        }
        if (policy == Renormalise::none)  // the parent and its ancestors move: none of them may be named
            for (auto a = static_cast<std::ptrdiff_t>(parent); a > 0; a = fw.nodes[static_cast<std::size_t>(a)].parent)
                if (const auto* n = named_in(static_cast<std::size_t>(a), c))
                    throw framework_error({fw.source, fw.path(parent)},
                                          "policy 'none' under " + under + " changes the points of '" +
                                              fw.path(static_cast<std::size_t>(a)) + "', which " + n->where +
                                              " sets; use policy 'proportional' below a named node");

        // Targets, in points, against the parent's current (possibly just changed) points.
        const double p = max[parent];
        std::vector<double> target(members.size(), 0.0);
        double fixed = 0.0, relative_named = 0.0;
        bool any_relative = false;
        for (std::size_t k = 0; k < members.size(); ++k) {
            const auto& en = entries[members[k]];
            const WeightChange& ch = changes[en.change];
            const Weight& wt = fw.nodes[en.node].weight_for(weights.categories[c]);
            if (ch.unit == WeightUnit::points || (ch.unit == WeightUnit::own && wt.kind == WeightKind::points))
                target[k] = ch.value;
            else if (ch.unit == WeightUnit::share || wt.kind == WeightKind::share)
                target[k] = ch.value * p;
            else {
                any_relative = true;
                relative_named += ch.value;
                continue;
            }
            fixed += target[k];
        }
        std::vector<std::size_t> unnamed;
        double rest = 0.0;
        for (std::size_t s : fw.nodes[parent].children) {
            bool named = false;
            for (std::size_t e : members) named = named || entries[e].node == s;
            if (!named && max[s] != 0.0) {
                unnamed.push_back(s);
                rest += max[s];
            }
        }
        if (any_relative) {
            // Relative values share what the other named nodes leave with the unnamed siblings, on the siblings'
            // own relative scale.
            double others = 0.0;
            for (std::size_t s : unnamed) others += fw.nodes[s].weight_for(weights.categories[c]).value;
            const double pool = relative_named + others;
            for (std::size_t k = 0; k < members.size(); ++k) {
                const auto& en = entries[members[k]];
                const WeightChange& ch = changes[en.change];
                if (ch.unit != WeightUnit::own ||
                    fw.nodes[en.node].weight_for(weights.categories[c]).kind != WeightKind::relative)
                    continue;
                target[k] = pool > 0 ? std::max(0.0, p - fixed) * ch.value / pool : 0.0;
            }
        }
        double asked = 0.0;
        std::string sums;  // "court_rate 4 + recon_correction 1"
        for (std::size_t k = 0; k < members.size(); ++k) {
            asked += target[k];
            sums += (sums.empty() ? "" : " + ") + fw.nodes[entries[members[k]].node].id + " " + num(target[k]);
        }
        std::string unnamed_ids;
        for (std::size_t s : unnamed) unnamed_ids += (unnamed_ids.empty() ? "" : ", ") + fw.nodes[s].id;

        switch (policy) {
            case Renormalise::proportional:
                if (asked > p * (1 + tolerance) + tolerance)
                    throw framework_error({fw.source, fw.path(parent)},
                                          "the weight changes under " + under + " ask for " + sums + " = " +
                                              num(asked) + " points, more than its " + num(p) +
                                              "; lower them, use policy 'none' to raise its points, or 'rescale' to "
                                              "scale them to fit");
                if (unnamed.empty() && std::abs(asked - p) > tolerance * std::max(1.0, p))
                    throw framework_error({fw.source, fw.path(parent)},
                                          "the weight changes under " + under + " name every child (" + sums + " = " +
                                              num(asked) + " points) but it has " + num(p) +
                                              " and no unnamed child is left to absorb the difference; use policy "
                                              "'rescale' to scale them to fill it, or 'none' to change its points");
                for (std::size_t s : unnamed) detail::scale_subtree(fw, max, s, std::max(0.0, p - asked) / rest);
                break;
            case Renormalise::explicit_:
            case Renormalise::rescale:
                if (!unnamed.empty())
                    throw framework_error({fw.source, fw.path(parent)},
                                          std::string("policy '") + detail::policy_name(policy) + "' under " + under +
                                              " needs every child with a weight; missing: " + unnamed_ids);
                if (policy == Renormalise::rescale) {
                    if (!(asked > 0))
                        throw framework_error({fw.source, fw.path(parent)},
                                              "the weight changes under " + under + " add up to 0; nothing to rescale");
                    for (double& t : target) t *= p / asked;
                } else if (std::abs(asked - p) > tolerance * std::max(1.0, p)) {
                    throw framework_error({fw.source, fw.path(parent)},
                                          "explicit weight changes under " + under + " add up to " + num(asked) +
                                              " points (" + sums + ") but the node has " + num(p) +
                                              "; use policy 'rescale' to scale them to fill it");
                }
                break;
            case Renormalise::none:
                break;
        }
        double gained = 0.0;
        std::vector<std::string> moved;  // policy none: "root/A: 40 -> 50 points"
        for (std::size_t k = 0; k < members.size(); ++k) {
            const auto& en = entries[members[k]];
            const double old = max[en.node];
            if (old == 0.0 && target[k] != 0.0)
                throw framework_error({fw.source, fw.path(en.node)},
                                      en.where + in_category(c) +
                                          ": the node has weight 0 here, so it was not scored; give it a weight in "
                                          "the framework and score again");
            if (old != 0.0) detail::scale_subtree(fw, max, en.node, target[k] / old);
            max[en.node] = target[k];  // exactly the requested value, not old x (target / old)
            gained += target[k] - old;
            if (target[k] != old)
                moved.push_back(fw.path(en.node) + in_category(c) + ": " + num(old) + " -> " + num(target[k]) +
                                " points");
        }
        if (policy == Renormalise::none && gained != 0.0) {
            for (auto a = static_cast<std::ptrdiff_t>(parent); a >= 0; a = fw.nodes[static_cast<std::size_t>(a)].parent)
                max[static_cast<std::size_t>(a)] += gained;
            if (notes)
                for (const auto& m : moved) notes->push_back(m + "; the maximum total is now " + num(max[0]));
        }
    }
    return weights;
}

// The framework with every node's weight rewritten so that resolve() gives `after` (to the last bit for points
// weights; shares and relative values are the quotients of `after`'s points). Nodes whose points and whose
// parent's points did not change keep their weights exactly; a parent whose children are rewritten no longer
// needs `renormalise`. Throws framework_error when `after` changes the root in one category only (a framework
// has one total).
[[nodiscard]] inline Framework framework_with_weights(const Framework& fw, const ResolvedWeights& before,
                                                      const ResolvedWeights& after) {
    Framework out = fw;
    const std::size_t nc = after.categories.size();
    for (std::size_t c = 1; c < nc; ++c)
        if (after.max_points[c][0] != after.max_points[0][0])
            throw framework_error({fw.source, fw.path(0)},
                                  "the changed weights give category '" + after.categories[0] + "' a total of " +
                                      detail::num(after.max_points[0][0]) + " points and '" + after.categories[c] +
                                      "' " + detail::num(after.max_points[c][0]) +
                                      "; a framework has one total: change the weights in every category, or use "
                                      "policy 'proportional'");
    out.total = after.max_points[0][0];
    std::vector<bool> touched(fw.nodes.size(), false);
    for (std::size_t parent = 0; parent < fw.nodes.size(); ++parent) {
        const Node& pn = fw.nodes[parent];
        if (pn.is_leaf()) continue;
        std::vector<bool> changed(nc, false);
        bool any = false;
        for (std::size_t c = 0; c < nc; ++c) {
            const auto& a = after.max_points[c];
            const auto& b = before.max_points[c];
            for (std::size_t k : pn.children) changed[c] = changed[c] || a[k] != b[k];
            changed[c] = changed[c] || a[parent] != b[parent];
            any = any || changed[c];
        }
        if (!any) continue;
        // A renormalised parent's children are rewritten in every category: their stated weights no longer
        // need rescaling, so `renormalise` goes.
        if (pn.renormalise) changed.assign(nc, true);
        bool emptied = false;  // the parent has 0 points in some category
        for (std::size_t c = 0; c < nc; ++c) {
            if (!changed[c]) continue;
            const std::string& cat = after.categories[c];
            const auto& a = after.max_points[c];
            if (a[parent] == 0.0) {
                // Children's weights would all be 0 (which resolve() refuses): they keep their weights and the
                // parent renormalises them to its 0 points.
                emptied = true;
                continue;
            }
            double relative_scale = 0.0;  // keep the siblings' relative scale (1, 1, 2 stays on a sum of 4)
            for (std::size_t k : pn.children)
                if (fw.nodes[k].applies(cat)) relative_scale += fw.nodes[k].weight_for(cat).value;
            for (std::size_t k : pn.children) {
                if (!fw.nodes[k].applies(cat)) continue;
                const Weight& old = fw.nodes[k].weight_for(cat);
                Weight w = old;
                switch (old.kind) {
                    case WeightKind::points:
                        w.value = a[k];
                        break;
                    case WeightKind::share:
                        w.value = a[parent] > 0 ? a[k] / a[parent] : 0.0;
                        break;
                    case WeightKind::relative:
                        w.value = a[parent] > 0 ? a[k] / a[parent] * relative_scale : 0.0;
                        break;
                }
                Node& node = out.nodes[k];
                if (fw.categories.empty())
                    node.weight = w;
                else
                    node.weight_by_category[cat] = w;
                touched[k] = true;
            }
        }
        out.nodes[parent].renormalise = emptied;
    }
    // A rewritten node with the same weight in every category it applies to needs no per-category overrides.
    for (std::size_t k = 0; k < out.nodes.size(); ++k) {
        Node& node = out.nodes[k];
        if (!touched[k] || node.weight_by_category.empty()) continue;
        std::vector<Weight> seen;
        bool all = true;
        for (const auto& cat : after.categories) {
            if (!node.applies(cat)) continue;
            auto it = node.weight_by_category.find(cat);
            if (it == node.weight_by_category.end()) {
                all = false;
                break;
            }
            seen.push_back(it->second);
        }
        if (!all || seen.empty()) continue;
        bool same = true;
        for (const Weight& w : seen) same = same && w.kind == seen[0].kind && w.value == seen[0].value;
        if (same) {
            node.weight = seen[0];
            node.weight_by_category.clear();
        }
    }
    return out;
}

// The framework under `changes` (applied jointly, as apply_weight_changes does). `notes` as there. Rules keep
// their parameters: scoring the result checks that rules stated in points fit the leaves' new maxima.
[[nodiscard]] inline Framework with_weights(const Framework& fw, const std::vector<WeightChange>& changes,
                                            std::vector<std::string>* notes = nullptr) {
    const ResolvedWeights before = resolve(fw, false);
    return framework_with_weights(fw, before, apply_weight_changes(fw, before, changes, notes));
}

}  // namespace kaohe
