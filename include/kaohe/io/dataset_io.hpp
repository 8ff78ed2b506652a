// Reading units, results and events from CSV or JSON files (chosen by extension) into a Dataset.
#pragma once

#include <string>
#include <vector>

#include "kaohe/dataset.hpp"

namespace kaohe::io {

// Units: CSV `id,name,category[,in_pool]` or JSON {"units": [...]}. Duplicate ids are errors.
[[nodiscard]] std::vector<Unit> read_units(const std::string& path);
// Results: wide CSV (`unit` + one column per item), long CSV (`unit,item,value`) or JSON. Fills
// dataset.items, dataset.values and dataset.text for the units already in `dataset.units`; a unit not in the
// units table, a duplicate unit/item, NaN/inf or a malformed number is an error naming the row and column.
void read_results(const std::string& path, Dataset& dataset);
// Events: CSV or JSON (docs/formats.md). Units must exist in `dataset.units`.
[[nodiscard]] std::vector<Event> read_events(const std::string& path, const Dataset& dataset);

// Convenience: units + results (+ events when `events_path` is not empty).
[[nodiscard]] Dataset load_dataset(const std::string& units_path, const std::string& results_path,
                                   const std::string& events_path = {});

}  // namespace kaohe::io
