// Exceptions thrown by kaohe.
//
// Every problem with user input is an `input_error` (a std::invalid_argument, so pybind11 maps it to
// ValueError) that says *where* (file, JSON path or row/column, unit, indicator) and *why*. Bugs in kaohe
// itself are `internal_error` (std::logic_error). Nothing in kaohe aborts the process.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace kaohe {

// Where a problem was found. Every field is optional; `to_string` prints the ones that are set.
struct Location {
    Location() = default;
    Location(std::string file_, std::string path_ = {}, long row_ = -1, std::string column_ = {})
        : file(std::move(file_)), path(std::move(path_)), row(row_), column(std::move(column_)) {}

    std::string file;    // file name as given by the caller
    std::string path;    // JSON path ("$.root.children[2].rule.bands[1]") or framework node path ("root/law/court")
    long row = -1;       // 1-based data row in a table file (header is row 1), -1 when not applicable
    std::string column;  // column name in a table file

    [[nodiscard]] std::string to_string() const {
        std::string out;
        auto add = [&out](const std::string& part) {
            if (part.empty()) return;
            if (!out.empty()) out += ": ";
            out += part;
        };
        add(file);
        if (row >= 0) add("row " + std::to_string(row));
        if (!column.empty()) add("column '" + column + "'");
        add(path);
        return out;
    }
};

namespace detail {
// The problems as "\n  - ..." lines for what(): the first 100, then a count of the rest, so that a table with a
// bad column in a million rows gives a readable message of bounded size (problems() keeps them all).
inline std::string listed(const std::vector<std::string>& problems) {
    constexpr std::size_t shown = 100;
    std::string out;
    for (std::size_t i = 0; i < problems.size() && i < shown; ++i) out += "\n  - " + problems[i];
    if (problems.size() > shown)
        out += "\n  ... and " + std::to_string(problems.size() - shown) + " more (fix these and run again)";
    return out;
}
}  // namespace detail

// A problem with the caller's input: framework, results, units or events.
class input_error : public std::invalid_argument {
public:
    input_error(Location where, std::string reason)
        : std::invalid_argument(compose(where, reason)), where_(std::move(where)), reason_(std::move(reason)) {}

    [[nodiscard]] const Location& where() const noexcept { return where_; }
    [[nodiscard]] const std::string& reason() const noexcept { return reason_; }

private:
    static std::string compose(const Location& where, const std::string& reason) {
        std::string loc = where.to_string();
        return loc.empty() ? reason : loc + ": " + reason;
    }
    Location where_;
    std::string reason_;
};

// The framework (indicator tree, rules, grades) is malformed or inconsistent.
class framework_error : public input_error {
public:
    using input_error::input_error;
};

// Results, units or events are malformed or refer to things the framework does not know.
class data_error : public input_error {
public:
    using input_error::input_error;
};

// Several problems found in one pass (e.g. every missing unit x indicator). `what()` lists them all.
class input_errors : public data_error {
public:
    input_errors(std::vector<std::string> problems, std::string summary, Location where = {})
        : data_error(std::move(where), summary + detail::listed(problems)), problems_(std::move(problems)) {}
    [[nodiscard]] const std::vector<std::string>& problems() const noexcept { return problems_; }

private:
    std::vector<std::string> problems_;
};

// Several independent problems in one framework (e.g. points that do not add up in two groups, and a bad
// band in a third). `what()` lists them all; `problems()` has one message each.
class framework_errors : public framework_error {
public:
    framework_errors(std::vector<std::string> problems, Location where)
        : framework_error(std::move(where), std::to_string(problems.size()) + " problems:" + detail::listed(problems)),
          problems_(std::move(problems)) {}
    [[nodiscard]] const std::vector<std::string>& problems() const noexcept { return problems_; }

private:
    std::vector<std::string> problems_;
};

// A long run (Monte Carlo, Sobol) stopped because its progress callback asked it to. Python maps it to
// KeyboardInterrupt when the request came from Ctrl-C.
class cancelled : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A bug in kaohe: an invariant that should have been guaranteed by validation did not hold.
class internal_error : public std::logic_error {
public:
    using std::logic_error::logic_error;
};

}  // namespace kaohe
