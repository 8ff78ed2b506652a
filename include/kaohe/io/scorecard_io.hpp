// Writing score cards: JSON (everything), CSV (the ranked table) and a plain-text ranked table for terminals.
#pragma once

#include <string>

#include "kaohe/scorecard.hpp"

namespace kaohe::io {

[[nodiscard]] std::string scorecard_to_json(const ScoreCard& card);
// One row per unit in rank order: rank,unit,name,category,total,rank_in_category,grade,<top-level groups>.
// Figures are rounded as the framework's rounding policy says (full precision where it says nothing).
// Text cells (unit ids, names, categories, grades, group ids) that a spreadsheet would run as a formula get a
// leading ' (neutralise_csv_text) unless raw is true.
[[nodiscard]] std::string scorecard_to_csv(const ScoreCard& card, bool raw = false);
// OWASP's CSV-injection advice: text starting (after any quotes) with = + - @ TAB or CR gets a leading ',
// unless it is a plain number ("-3.5"); quotes already there get one more, so removing one quote gives the
// text back. Other text is returned unchanged. The same rule as kaohe._cells.neutralise in Python.
[[nodiscard]] std::string neutralise_csv_text(const std::string& text);
// The same table aligned for a terminal (CJK characters count as two columns).
[[nodiscard]] std::string ranked_table(const ScoreCard& card);

}  // namespace kaohe::io
