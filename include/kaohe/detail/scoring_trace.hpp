// What a score card keeps of the scoring run to explain leaf points later with the same code.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "kaohe/dataset.hpp"
#include "kaohe/leaf_scoring.hpp"

namespace kaohe::detail {

struct ScoringTrace {
    std::shared_ptr<const Dataset> data;          // the engine's own copy: the caller's dataset is never referenced
    std::vector<LeafColumn> columns;              // one per leaf, in ScoreCard::leaves order
    std::vector<std::vector<double>> scored_max;  // the maxima [category][node] the rules were scored with
    std::vector<std::size_t> leaf_lines;          // per unit: explanation lines written while scoring leaves
};

}  // namespace kaohe::detail
