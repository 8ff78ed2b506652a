// Reading and writing frameworks as JSON (docs/formats.md, docs/framework.schema.json).
#pragma once

#include <string>
#include <string_view>

#include <boost/json/fwd.hpp>

#include "kaohe/framework.hpp"

namespace kaohe::io {

// Parses a framework from JSON text and validates it (resolve()). Errors are framework_error naming
// `source`, the JSON path ("$.root.children[1].rule.bands[0].upper") and the reason.
[[nodiscard]] Framework parse_framework_json(std::string_view text, const std::string& source = "<string>");
[[nodiscard]] Framework read_framework_json(const std::string& path);

// Writes a framework as JSON that parse_framework_json reads back to an equal framework.
[[nodiscard]] std::string framework_to_json(const Framework& fw);

namespace detail {
// Which exception a JSON syntax error becomes: framework_error or data_error.
enum class JsonFile { framework, data };
// Parses JSON text strictly: invalid UTF-8, syntax errors, duplicate keys and numbers beyond the range of a
// double are errors naming `source` and the line and column. Used by every kaohe JSON reader.
[[nodiscard]] boost::json::value parse_json(std::string_view text, const std::string& source, JsonFile kind);
// Writes JSON indented for reading, with numbers in their shortest exact form ("0.11", not "1.1E-1") and
// non-finite doubles as null. Used by every kaohe JSON writer.
[[nodiscard]] std::string write_json(const boost::json::value& value);
// A JSON value's kind and value ("a number (5)", "an object"), for "expected X, got Y" messages.
[[nodiscard]] std::string describe_json(const boost::json::value& value);
}  // namespace detail

}  // namespace kaohe::io
