// Reading and writing frameworks as JSON (docs/formats.md, docs/framework.schema.json).
#pragma once

#include <string>
#include <string_view>

#include "kaohe/framework.hpp"

namespace kaohe::io {

// Parses a framework from JSON text and validates it (resolve()). Errors are framework_error naming
// `source`, the JSON path ("$.root.children[1].rule.bands[0].upper") and the reason.
[[nodiscard]] Framework parse_framework_json(std::string_view text, const std::string& source = "<string>");
[[nodiscard]] Framework read_framework_json(const std::string& path);

// Writes a framework as JSON that parse_framework_json reads back to an equal framework.
[[nodiscard]] std::string framework_to_json(const Framework& fw);

}  // namespace kaohe::io
