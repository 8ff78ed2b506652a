// What a score card keeps of the scoring run to explain leaf points later with the same code.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "kaohe/dataset.hpp"
#include "kaohe/framework.hpp"
#include "kaohe/leaf_scoring.hpp"

namespace kaohe::detail {

struct ScoringTrace {
    std::shared_ptr<const Dataset> data;          // the engine's own copy: the caller's dataset is never referenced
    std::vector<LeafColumn> columns;              // one per leaf, in ScoreCard::leaves order
    std::vector<std::vector<double>> scored_max;  // the maxima [category][node] the rules were scored with
    std::vector<std::size_t> leaf_lines;          // per unit: explanation lines written while scoring leaves
    // What grading needs besides the totals, so that Monte Carlo can grade sampled totals the same way:
    std::vector<std::vector<FiredVeto>> fixed_vetoes;  // per unit: vetoes fired by events or data items
    std::vector<const Veto*> total_vetoes;             // vetoes whose condition reads the total
    std::vector<const Event*> grade_overrides;         // per unit: a `grade` event, or null
};

}  // namespace kaohe::detail
