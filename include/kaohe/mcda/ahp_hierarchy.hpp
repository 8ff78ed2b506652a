// Whole-hierarchy AHP: comparison matrices at every node of a goal -> criteria -> ... -> leaves structure give
// every leaf a global weight, with the consistency of every node.
//
// A node's children are compared pairwise; its local priorities say what share of the node each child gets. A
// node's global weight is the sum over its parents of (parent's global weight x its local priority under that
// parent): along a tree this is the product of the local priorities on the path from the goal; when the same
// alternatives are compared under every criterion (the classic goal -> criteria -> alternatives hierarchy) it is
// Saaty's distributive synthesis sum_c w_c x w_alternative|c. Leaves are the nodes without comparisons; their
// global weights add up to 1.
//
// For a kaohe framework the hierarchy is a subtree of the indicator tree (ids = node ids): shares() gives each
// child's share of its parent, and apply_shares() writes them into the framework as `share` weights.
#pragma once

#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <Eigen/Dense>

#include "kaohe/framework.hpp"
#include "kaohe/mcda/ahp.hpp"

namespace kaohe::ahp {

// The judgements at one node: its children, compared pairwise in this order.
struct Comparison {
    std::string parent;
    std::vector<std::string> children;
    Eigen::MatrixXd matrix;  // NaN = missing judgement
};

class Hierarchy {
public:
    explicit Hierarchy(std::string goal) : goal_(std::move(goal)) {
        if (goal_.empty()) throw data_error({}, "AHP hierarchy: the goal needs an id");
    }
    // Adds the comparison of `parent`'s children; each node is compared once.
    Hierarchy& compare(std::string parent, std::vector<std::string> children, Eigen::MatrixXd matrix) {
        if (parent.empty()) throw data_error({}, "AHP hierarchy: a compared node needs an id");
        for (const auto& c : comparisons_)
            if (c.parent == parent)
                throw data_error({}, "AHP hierarchy: node '" + parent + "' has two sets of comparisons");
        for (const auto& child : children)
            if (child == parent)
                throw data_error({}, "AHP hierarchy: node '" + parent + "' lists itself as its own child");
        comparisons_.push_back({std::move(parent), std::move(children), std::move(matrix)});
        return *this;
    }
    [[nodiscard]] const std::string& goal() const noexcept { return goal_; }
    [[nodiscard]] const std::vector<Comparison>& comparisons() const noexcept { return comparisons_; }

private:
    std::string goal_;
    std::vector<Comparison> comparisons_;
};

struct HierarchyResult {
    std::string goal;
    std::vector<std::string> leaves;         // nodes without comparisons, in depth-first order from the goal
    Eigen::VectorXd global;                  // global weight of each leaf (sum 1)
    std::vector<std::string> nodes;          // every node, depth-first from the goal (goal first)
    Eigen::VectorXd node_global;             // global weight of each node in `nodes` (goal = 1)
    std::map<std::string, AhpResult> local;  // each compared node's priorities and consistency
    std::map<std::string, std::vector<std::string>> parents;  // node -> the nodes it is compared under

    // Every node's CR within the threshold.
    [[nodiscard]] bool consistent(double threshold = 0.1) const {
        for (const auto& [id, r] : local)
            if (!r.consistent(threshold)) return false;
        return true;
    }
    [[nodiscard]] double global_of(const std::string& node) const {
        for (std::size_t i = 0; i < nodes.size(); ++i)
            if (nodes[i] == node) return node_global(static_cast<Eigen::Index>(i));
        throw data_error({}, "AHP hierarchy: no node '" + node + "'");
    }
    // child id -> its local priority (share of its parent), for every compared child. Needs a tree: a node
    // compared under two parents has no single share.
    [[nodiscard]] std::map<std::string, double> shares() const {
        std::map<std::string, double> out;
        for (const auto& [node, ps] : parents)
            if (ps.size() > 1)
                throw data_error({}, "AHP hierarchy: node '" + node + "' is compared under '" + ps[0] + "' and '" +
                                         ps[1] + "'; framework share weights need a tree (each node has one parent)");
        for (const auto& [parent, r] : local)
            for (std::size_t i = 0; i < r.size(); ++i) out[r.names[i]] = r.weights(static_cast<Eigen::Index>(i));
        return out;
    }
};

inline HierarchyResult synthesise(const Hierarchy& h, const Options& options = {}) {
    HierarchyResult out;
    out.goal = h.goal();
    std::map<std::string, const Comparison*> by_parent;
    for (const auto& c : h.comparisons()) by_parent[c.parent] = &c;
    if (by_parent.find(h.goal()) == by_parent.end())
        throw data_error({}, "AHP hierarchy: the goal '" + h.goal() + "' has no comparisons");
    // Local priorities, each matrix validated with its node in the messages.
    for (const auto& c : h.comparisons()) {
        Location where({}, "AHP hierarchy node '" + c.parent + "'");
        if (c.children.empty()) throw data_error(where, "no children to compare");
        out.local.emplace(c.parent, priorities(PairwiseMatrix(c.matrix, c.children, options.checks, where), options));
    }
    // Depth-first order from the goal; unreachable comparisons and cycles are errors.
    std::map<std::string, int> state;  // 1 = on the current path, 2 = done
    std::vector<std::string> post;
    std::vector<std::pair<std::string, std::size_t>> stack{{h.goal(), 0}};
    state[h.goal()] = 1;
    out.nodes.push_back(h.goal());
    while (!stack.empty()) {
        auto& [node, next] = stack.back();
        auto it = by_parent.find(node);
        if (it == by_parent.end() || next == it->second->children.size()) {
            state[node] = 2;
            post.push_back(node);
            stack.pop_back();
            continue;
        }
        const std::string child = it->second->children[next++];
        auto& parents = out.parents[child];
        parents.push_back(node);
        const int s = state[child];
        if (s == 1)
            throw data_error({},
                             "AHP hierarchy: node '" + child + "' is below itself (a cycle through '" + node + "')");
        if (s == 2) continue;
        state[child] = 1;
        out.nodes.push_back(child);
        stack.emplace_back(child, 0);
    }
    for (const auto& c : h.comparisons())
        if (state[c.parent] == 0)
            throw data_error({}, "AHP hierarchy: node '" + c.parent + "' has comparisons but is not below the goal '" +
                                     h.goal() + "'");
    // Reverse post-order is a topological order: every parent before its children.
    std::map<std::string, double> global{{h.goal(), 1.0}};
    for (auto node = post.rbegin(); node != post.rend(); ++node) {
        auto it = by_parent.find(*node);
        if (it == by_parent.end()) continue;
        const AhpResult& r = out.local.at(*node);
        for (std::size_t i = 0; i < r.size(); ++i)
            global[it->second->children[i]] += global[*node] * r.weights(static_cast<Eigen::Index>(i));
    }
    out.node_global.resize(static_cast<Eigen::Index>(out.nodes.size()));
    std::vector<double> leaf_weights;
    for (std::size_t i = 0; i < out.nodes.size(); ++i) {
        const double g = global[out.nodes[i]];
        out.node_global(static_cast<Eigen::Index>(i)) = g;
        if (by_parent.find(out.nodes[i]) == by_parent.end()) {
            out.leaves.push_back(out.nodes[i]);
            leaf_weights.push_back(g);
        }
    }
    out.global = Eigen::Map<const Eigen::VectorXd>(leaf_weights.data(), static_cast<Eigen::Index>(leaf_weights.size()));
    return out;
}

// Writes the hierarchy's local priorities into the framework as `share` weights: for every compared node, the
// framework node with that id must have exactly the compared children (in any order), and each child's weight
// becomes {share: local priority}. Other nodes, and weight_by_category overrides, are left as they are.
inline void apply_shares(Framework& fw, const HierarchyResult& h) {
    const std::map<std::string, double> shares = h.shares();
    for (const std::string& parent : h.nodes) {  // top-down, so the first problem reported is the highest
        auto compared = h.local.find(parent);
        if (compared == h.local.end()) continue;
        const AhpResult& r = compared->second;
        const auto index = fw.find(parent);
        if (!index)
            throw framework_error({}, "AHP hierarchy node '" + parent + "' is not a node of the framework" +
                                          (fw.id.empty() ? "" : " '" + fw.id + "'"));
        const Node& node = fw.nodes[*index];
        std::set<std::string> have, want(r.names.begin(), r.names.end());
        for (std::size_t c : node.children) have.insert(fw.nodes[c].id);
        if (have != want) {
            std::string missing, extra;
            for (const auto& id : want)
                if (!have.count(id)) missing += (missing.empty() ? "" : ", ") + id;
            for (const auto& id : have)
                if (!want.count(id)) extra += (extra.empty() ? "" : ", ") + id;
            throw framework_error({{}, fw.path(*index)},
                                  "the AHP comparisons of '" + parent + "' do not match the node's children" +
                                      (missing.empty() ? "" : "; compared but not children: " + missing) +
                                      (extra.empty() ? "" : "; children not compared: " + extra));
        }
        for (std::size_t c : node.children) fw.nodes[c].weight = Weight{WeightKind::share, shares.at(fw.nodes[c].id)};
    }
}

}  // namespace kaohe::ahp
