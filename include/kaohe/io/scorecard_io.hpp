// Writing score cards: JSON (everything), CSV (the ranked table) and a plain-text ranked table for terminals.
#pragma once

#include <string>

#include "kaohe/scorecard.hpp"

namespace kaohe::io {

[[nodiscard]] std::string scorecard_to_json(const ScoreCard& card);
// One row per unit in rank order: rank,unit,name,category,total,rank_in_category,grade,<top-level groups>.
// Figures are rounded as the framework's rounding policy says (full precision where it says nothing).
[[nodiscard]] std::string scorecard_to_csv(const ScoreCard& card);
// The same table aligned for a terminal (CJK characters count as two columns).
[[nodiscard]] std::string ranked_table(const ScoreCard& card);

}  // namespace kaohe::io
