// Which weights are uncertain, and how they are sampled: the input of Monte Carlo and Sobol studies.
//
// A WeightUncertainty samples the weights of one node's children (their shares of the node) around the
// framework's weights; the node keeps its points. Several nodes may be uncertain at once; each leaf's maximum
// is then scaled by the product of the factors on its path. Where children have category-specific weights,
// each distinct set of base shares is sampled separately; categories with the same shares share a draw.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace kaohe {

enum class WeightDistribution {
    dirichlet,  // shares ~ Dirichlet(concentration x children x base share): mean = the base shares
    uniform     // each child's weight x U(1 - spread, 1 + spread), then renormalised to fill the node
};

struct WeightUncertainty {
    static WeightUncertainty dirichlet(std::string node_ = {}, double concentration_ = 50.0) {
        WeightUncertainty w;
        w.node = std::move(node_);
        w.concentration = concentration_;
        return w;
    }
    static WeightUncertainty uniform(std::string node_ = {}, double spread_ = 0.25) {
        WeightUncertainty w;
        w.node = std::move(node_);
        w.distribution = WeightDistribution::uniform;
        w.spread = spread_;
        return w;
    }

    std::string node;  // id or path of the node whose children's weights are sampled ("" = the root)
    WeightDistribution distribution = WeightDistribution::dirichlet;
    // Dirichlet: alpha_k = concentration x (number of children) x base share_k, as in COINr-style studies
    // and the numpy baseline; larger values keep the samples closer to the base weights.
    double concentration = 50.0;
    double spread = 0.25;  // uniform: the relative half-width of each child's weight factor
};

// One independent random input of a study: a child's gamma draw (Dirichlet) or uniform factor, for a set of
// categories. Sobol indices are reported per input.
struct UncertainInput {
    std::string node;                     // the child node whose weight this input moves (its path)
    std::vector<std::string> categories;  // the categories this draw applies to (empty when none are declared)
};

}  // namespace kaohe
