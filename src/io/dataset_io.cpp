// Units, results and events from CSV or JSON files (docs/formats.md) into a Dataset.
//
// Every value is checked where it is read, so that an error can name the file, the row (or JSON path) and
// the column: a misread number found later by the engine could only name the unit and the indicator.
// Rows whose cells are all blank (spreadsheet exports often end with some) are skipped.
#include "kaohe/io/dataset_io.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <limits>
#include <map>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "kaohe/error.hpp"
#include "kaohe/io/csv.hpp"
#include "kaohe/io/framework_json.hpp"

namespace kaohe::io {
namespace {

namespace json = boost::json;

constexpr double missing_value = std::numeric_limits<double>::quiet_NaN();

// ---------------------------------------------------------------------------------------------------------
// Text helpers

std::string trimmed(std::string_view s) {
    const auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) return {};
    const auto last = s.find_last_not_of(" \t\r\n");
    return std::string(s.substr(first, last - first + 1));
}

std::string lowercase(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::string joined(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& w : words) out += (out.empty() ? "" : ", ") + w;
    return out;
}

Location at_cell(const std::string& file, long row, const std::string& column) {
    return Location{file, {}, row, column};
}
Location at_path(const std::string& file, const std::string& path) {
    return Location{file, path, -1, {}};
}

// ---------------------------------------------------------------------------------------------------------
// Cells: blank, a number, or a text answer

enum class CellKind { missing, number, text };
struct Cell {
    CellKind kind = CellKind::missing;
    double value = missing_value;
    std::string text;
};

// [+-]digits[.digits][e[+-]digits]: what a spreadsheet writes for a number, and nothing else (no hex,
// no "inf", no thousands separators).
bool is_decimal_number(std::string_view s) {
    std::size_t i = 0, digits = 0;
    auto skip_digits = [&] {
        std::size_t n = 0;
        while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++n;
        return n;
    };
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    digits += skip_digits();
    if (i < s.size() && s[i] == '.') {
        ++i;
        digits += skip_digits();
    }
    if (digits == 0) return false;
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
        if (skip_digits() == 0) return false;
    }
    return i == s.size();
}

bool is_nan_or_inf(const std::string& text) {
    std::string word = lowercase(text);
    if (!word.empty() && (word[0] == '+' || word[0] == '-')) word.erase(0, 1);
    return word.rfind("nan", 0) == 0 || word == "inf" || word == "infinity" || word == "1.#inf" || word == "1.#ind";
}

bool is_spreadsheet_error(const std::string& text) {
    static const char* const errors[] = {"#DIV/0!", "#N/A", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!"};
    for (const char* e : errors)
        if (text == e) return true;
    return false;
}

double decimal_value(const std::string& text, const Location& where) {
    const char* first = text.data() + (text[0] == '+' ? 1 : 0);
    double value = 0.0;
    const auto result = std::from_chars(first, text.data() + text.size(), value);
    if (result.ec == std::errc::result_out_of_range || !std::isfinite(value))
        throw data_error(where, "the number " + text + " is out of range (NaN and infinite values are not allowed)");
    return value;
}

// "58.18%" is refused rather than read as 58.18 or 0.5818: either guess would be wrong for some rules.
void refuse_percentage(const std::string& text, const Location& where) {
    const std::string number = trimmed(std::string_view(text).substr(0, text.size() - 1));
    if (!is_decimal_number(number)) return;  // not a number: a text answer such as "100%完成"
    char fraction[32];
    std::snprintf(fraction, sizeof fraction, "%.10g", std::strtod(number.c_str(), nullptr) / 100.0);
    throw data_error(where, "'" + text + "' is a percentage; percent signs are not accepted: write the plain number " +
                                number + " (or the fraction " + fraction +
                                "), in the unit the rule's thresholds and targets use");
}

// Reads one cell. Blank is missing; NaN, infinities, percentages and spreadsheet error values are refused
// because each would otherwise be scored as something the user did not mean.
Cell read_cell(std::string_view raw, const Location& where) {
    Cell cell;
    const std::string text = trimmed(raw);
    if (text.empty()) return cell;
    if (is_nan_or_inf(text))
        throw data_error(where, "'" + text +
                                    "': NaN and infinite values are not allowed; leave the cell empty for a "
                                    "missing value");
    if (is_spreadsheet_error(text))
        throw data_error(where, "'" + text +
                                    "' is a spreadsheet error value; fix the formula, or leave the cell empty "
                                    "for a missing value");
    if (text.back() == '%') refuse_percentage(text, where);
    if (is_decimal_number(text)) {
        cell.kind = CellKind::number;
        cell.value = decimal_value(text, where);
        return cell;
    }
    cell.kind = CellKind::text;
    cell.text = text;
    return cell;
}

double read_number(std::string_view raw, const Location& where, double fallback) {
    const Cell cell = read_cell(raw, where);
    if (cell.kind == CellKind::text) throw data_error(where, "expected a number, got '" + cell.text + "'");
    return cell.kind == CellKind::missing ? fallback : cell.value;
}

bool all_blank(const std::vector<std::string>& row) {
    return std::all_of(row.begin(), row.end(), [](const std::string& c) { return trimmed(c).empty(); });
}

// ---------------------------------------------------------------------------------------------------------
// Files: format by extension, CSV columns, JSON values

enum class Format { csv, json };

Format format_of(const std::string& path) {
    const std::string ext = lowercase(std::filesystem::path(path).extension().string());
    if (ext == ".csv") return Format::csv;
    if (ext == ".json") return Format::json;
    std::string reason = "unsupported file type '" + ext + "': expected a .csv or .json file";
    if (ext == ".xlsx" || ext == ".xls" || ext == ".et") reason += " (save the sheet as \"CSV UTF-8\")";
    throw data_error(at_path(path, {}), reason);
}

void check_columns(const CsvTable& t, const std::vector<std::string>& required, const std::vector<std::string>& allowed,
                   const std::string& table) {
    for (const auto& name : required)
        if (t.column(name) < 0)
            throw data_error(at_cell(t.source, 1, {}), "missing required column '" + name + "'; the " + table +
                                                           " table needs columns " + joined(required));
    for (const auto& name : t.header)
        if (std::find(allowed.begin(), allowed.end(), name) == allowed.end())
            throw data_error(at_cell(t.source, 1, name), "unknown column '" + name + "' in the " + table +
                                                             " table; allowed columns: " + joined(allowed));
}

// The cell of `column` in `row`, or "" when the table has no such column.
std::string_view cell_of(const CsvTable& t, const std::vector<std::string>& row, std::string_view column) {
    const long c = t.column(column);
    return c < 0 ? std::string_view() : std::string_view(row[static_cast<std::size_t>(c)]);
}

long row_number(std::size_t index) {
    return static_cast<long>(index) + 2;
}  // rows[0] is table row 2

std::string member_path(const std::string& path, const std::string& key) {
    bool identifier = !key.empty() && !std::isdigit(static_cast<unsigned char>(key[0]));
    for (char c : key)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) identifier = false;
    return identifier ? path + "." + key : path + "[" + json::serialize(json::value(key)) + "]";
}

[[noreturn]] void wrong_type(const std::string& file, const std::string& path, const std::string& expected,
                             const json::value& got) {
    throw data_error(at_path(file, path), "expected " + expected + ", got " + detail::describe_json(got));
}

const json::object& object_at(const json::value& v, const std::string& file, const std::string& path,
                              const std::vector<std::string>& allowed) {
    if (!v.is_object()) wrong_type(file, path, "an object", v);
    for (const auto& kv : v.get_object()) {
        const std::string key(kv.key());
        if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), key) == allowed.end())
            throw data_error(at_path(file, member_path(path, key)),
                             "unknown key '" + key + "'; allowed keys here: " + joined(allowed));
    }
    return v.get_object();
}

// The one array member of a top-level {"units": [...]} / {"events": [...]} document.
const json::array& top_level_array(const json::value& doc, const std::string& file, const std::string& key) {
    const json::object& top = object_at(doc, file, "$", {key});
    const json::value* v = top.if_contains(key);
    if (!v) throw data_error(at_path(file, "$"), "missing required key '" + key + "'");
    if (!v->is_array()) wrong_type(file, "$." + key, "an array", *v);
    return v->get_array();
}

// A JSON scalar as the text a CSV cell would hold: strings as is, numbers exactly, null as blank.
std::string cell_text(const json::value& v, const std::string& file, const std::string& path) {
    if (v.is_string()) return std::string(v.get_string());
    if (v.is_null()) return {};
    if (v.is_number()) return trimmed(detail::write_json(v));
    wrong_type(file, path, "a string, a number or null", v);
}

json::value parse_data_json(const std::string& path) {
    return detail::parse_json(read_file(path), path, detail::JsonFile::data);
}

// ---------------------------------------------------------------------------------------------------------
// Units

bool in_pool_value(std::string_view raw, const Location& where) {
    const std::string word = lowercase(trimmed(raw));
    if (word.empty() || word == "true" || word == "1") return true;
    if (word == "false" || word == "0") return false;
    throw data_error(where, "in_pool must be true, false, 1 or 0, got '" + std::string(raw) + "'");
}

// Checks a unit's id as it is added; `first_seen` maps ids to where they were first given.
void add_unit(std::vector<Unit>& units, Unit unit, const Location& where,
              std::unordered_map<std::string, std::string>& first_seen, const std::string& here) {
    if (unit.id.empty()) throw data_error(where, "empty unit id");
    const auto [it, fresh] = first_seen.emplace(unit.id, here);
    if (!fresh)
        throw data_error(where,
                         "unit id '" + unit.id + "' is already used in " + it->second + "; unit ids must be unique");
    units.push_back(std::move(unit));
}

std::vector<Unit> units_from_csv(const CsvTable& t) {
    check_columns(t, {"id", "name", "category"}, {"id", "name", "category", "in_pool"}, "units");
    std::vector<Unit> units;
    std::unordered_map<std::string, std::string> first_seen;
    for (std::size_t i = 0; i < t.rows.size(); ++i) {
        const auto& row = t.rows[i];
        if (all_blank(row)) continue;
        const long r = row_number(i);
        Unit u{trimmed(cell_of(t, row, "id")), trimmed(cell_of(t, row, "name")), trimmed(cell_of(t, row, "category")),
               in_pool_value(cell_of(t, row, "in_pool"), at_cell(t.source, r, "in_pool"))};
        add_unit(units, std::move(u), at_cell(t.source, r, "id"), first_seen, "row " + std::to_string(r));
    }
    return units;
}

std::string optional_string(const json::object& o, const std::string& key, const std::string& file,
                            const std::string& path) {
    const json::value* v = o.if_contains(key);
    if (!v || v->is_null()) return {};
    if (!v->is_string()) wrong_type(file, member_path(path, key), "a string", *v);
    return std::string(v->get_string());
}

std::vector<Unit> units_from_json(const json::value& doc, const std::string& file) {
    const json::array& list = top_level_array(doc, file, "units");
    std::vector<Unit> units;
    std::unordered_map<std::string, std::string> first_seen;
    for (std::size_t i = 0; i < list.size(); ++i) {
        const std::string path = "$.units[" + std::to_string(i) + "]";
        const json::object& o = object_at(list[i], file, path, {"id", "name", "category", "in_pool"});
        Unit u{optional_string(o, "id", file, path), optional_string(o, "name", file, path),
               optional_string(o, "category", file, path), true};
        if (const json::value* pool = o.if_contains("in_pool")) {
            if (!pool->is_bool()) wrong_type(file, path + ".in_pool", "true or false", *pool);
            u.in_pool = pool->get_bool();
        }
        add_unit(units, std::move(u), at_path(file, path + ".id"), first_seen, path);
    }
    return units;
}

// ---------------------------------------------------------------------------------------------------------
// Results

// Collects cells by unit and item, then builds the units x items matrix.
class ResultsBuilder {
public:
    explicit ResultsBuilder(const Dataset& ds) : units_source_(ds.units_source) {
        for (std::size_t i = 0; i < ds.units.size(); ++i) unit_index_.emplace(ds.units[i].id, i);
        unit_count_ = ds.units.size();
    }

    std::size_t unit(std::string_view raw_id, const Location& where) const {
        const std::string id = trimmed(raw_id);
        if (id.empty()) throw data_error(where, "empty unit id");
        const auto it = unit_index_.find(id);
        if (it == unit_index_.end())
            throw data_error(where, "unit '" + id + "' is not in the units table" +
                                        (units_source_.empty() ? std::string() : " (" + units_source_ + ")"));
        return it->second;
    }
    std::size_t item(const std::string& id) {
        const auto [it, fresh] = item_index_.emplace(id, items_.size());
        if (fresh) items_.push_back(id);
        return it->second;
    }
    // Returns false if the unit already has a cell for the item.
    bool set(std::size_t unit, std::size_t item, Cell cell) {
        return cells_.emplace(std::make_pair(unit, item), std::move(cell)).second;
    }
    void finish(Dataset& ds) {
        ds.items = items_;
        ds.values = Eigen::MatrixXd::Constant(static_cast<Eigen::Index>(unit_count_),
                                              static_cast<Eigen::Index>(items_.size()), missing_value);
        ds.text.clear();
        for (auto& [key, cell] : cells_) {
            if (cell.kind == CellKind::number)
                ds.values(static_cast<Eigen::Index>(key.first), static_cast<Eigen::Index>(key.second)) = cell.value;
            if (cell.kind == CellKind::text) ds.text[key] = std::move(cell.text);
        }
    }

private:
    std::string units_source_;
    std::unordered_map<std::string, std::size_t> unit_index_;
    std::size_t unit_count_ = 0;
    std::vector<std::string> items_;
    std::unordered_map<std::string, std::size_t> item_index_;
    std::map<std::pair<std::size_t, std::size_t>, Cell> cells_;
};

void wide_results(const CsvTable& t, ResultsBuilder& b) {
    const auto unit_column = static_cast<std::size_t>(t.column("unit"));
    std::vector<std::pair<std::size_t, std::size_t>> columns;  // (csv column, item index)
    for (std::size_t c = 0; c < t.header.size(); ++c)
        if (c != unit_column) columns.emplace_back(c, b.item(t.header[c]));
    std::unordered_map<std::size_t, long> unit_rows;
    for (std::size_t i = 0; i < t.rows.size(); ++i) {
        const auto& row = t.rows[i];
        if (all_blank(row)) continue;
        const long r = row_number(i);
        const std::size_t u = b.unit(row[unit_column], at_cell(t.source, r, "unit"));
        const auto [seen, fresh] = unit_rows.emplace(u, r);
        if (!fresh)
            throw data_error(at_cell(t.source, r, "unit"),
                             "unit '" + trimmed(row[unit_column]) + "' already has a row (row " +
                                 std::to_string(seen->second) + "); wide results have one row per unit");
        for (const auto& [c, item] : columns) b.set(u, item, read_cell(row[c], at_cell(t.source, r, t.header[c])));
    }
}

void long_results(const CsvTable& t, ResultsBuilder& b) {
    check_columns(t, {"unit", "item", "value"}, {"unit", "item", "value"}, "long-format results");
    std::map<std::pair<std::size_t, std::size_t>, long> entry_rows;
    for (std::size_t i = 0; i < t.rows.size(); ++i) {
        const auto& row = t.rows[i];
        if (all_blank(row)) continue;
        const long r = row_number(i);
        const std::size_t u = b.unit(cell_of(t, row, "unit"), at_cell(t.source, r, "unit"));
        const std::string item = trimmed(cell_of(t, row, "item"));
        if (item.empty()) throw data_error(at_cell(t.source, r, "item"), "empty item id");
        const std::size_t it = b.item(item);
        const auto [seen, fresh] = entry_rows.emplace(std::make_pair(u, it), r);
        if (!fresh)
            throw data_error(at_cell(t.source, r, "item"), "unit '" + trimmed(cell_of(t, row, "unit")) + "' item '" +
                                                               item + "' is already given in row " +
                                                               std::to_string(seen->second) +
                                                               "; each unit and item may appear once");
        b.set(u, it, read_cell(cell_of(t, row, "value"), at_cell(t.source, r, "value")));
    }
}

void results_from_csv(const CsvTable& t, ResultsBuilder& b) {
    if (t.column("unit") < 0)
        throw data_error(at_cell(t.source, 1, {}),
                         "missing required column 'unit': results are wide (a 'unit' column "
                         "and one column per data item) or long (columns unit,item,value)");
    if (t.column("item") >= 0)
        long_results(t, b);
    else
        wide_results(t, b);
}

void results_from_json(const json::value& doc, const std::string& file, ResultsBuilder& b) {
    const json::object& top = object_at(doc, file, "$", {"results"});
    const json::value* results = top.if_contains("results");
    if (!results) throw data_error(at_path(file, "$"), "missing required key 'results'");
    for (const auto& [unit_key, items] : object_at(*results, file, "$.results", {})) {
        const std::string unit_path = member_path("$.results", std::string(unit_key));
        const std::size_t u = b.unit(std::string_view(unit_key.data(), unit_key.size()), at_path(file, unit_path));
        for (const auto& [item_key, value] : object_at(items, file, unit_path, {})) {
            const std::string item_path = member_path(unit_path, std::string(item_key));
            if (!(value.is_number() || value.is_string() || value.is_null()))
                wrong_type(file, item_path, "a number, a text answer or null", value);
            b.set(u, b.item(std::string(item_key)),
                  read_cell(cell_text(value, file, item_path), at_path(file, item_path)));
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// Events

const std::vector<std::string> event_columns = {"unit",  "type",  "target",   "kind",  "count", "item",
                                                "level", "share", "evidence", "rater", "value", "note"};

constexpr EventType event_types[] = {EventType::deduction, EventType::bonus,     EventType::rating, EventType::manual,
                                     EventType::judgement, EventType::override_, EventType::veto,   EventType::grade};

EventType event_type_of(const std::string& word, const Location& where) {
    std::vector<std::string> names;
    for (auto t : event_types) {
        if (word == event_type_name(t)) return t;
        names.emplace_back(event_type_name(t));
    }
    throw data_error(where, "unknown event type '" + word + "'; allowed types: " + joined(names));
}

bool needs_points(EventType t) {
    return t == EventType::manual || t == EventType::judgement || t == EventType::override_;
}
bool needs_note(EventType t) {
    return needs_points(t) || t == EventType::veto || t == EventType::grade;
}

// One event's fields as text, whatever file they came from, and where each field sits.
struct EventFields {
    std::map<std::string, std::string> values;
    std::function<Location(const std::string& field)> where;
    Location source;

    std::string text(const std::string& field) const {
        const auto it = values.find(field);
        return it == values.end() ? std::string() : trimmed(it->second);
    }
    double number(const std::string& field, double fallback) const {
        const auto it = values.find(field);
        return it == values.end() ? fallback : read_number(it->second, where(field), fallback);
    }
};

void check_event_fields(const Event& e, const EventFields& f) {
    const std::string type = event_type_name(e.type);
    if (e.type != EventType::grade && e.target.empty())
        throw data_error(f.where("target"), "a " + type + " event needs a target (the leaf, adjustment or veto id)");
    if (e.type == EventType::grade && !e.target.empty())
        throw data_error(f.where("target"), "a grade event has no target; put the grade id in 'level'");
    if (e.type == EventType::grade && e.level.empty())
        throw data_error(f.where("level"), "a grade event needs the grade id in 'level'");
    if (!(e.count >= 0)) throw data_error(f.where("count"), "count must be >= 0, got " + f.text("count"));
    if (!(e.share > 0 && e.share <= 1))
        throw data_error(f.where("share"), "share must be greater than 0 and at most 1, got " + f.text("share"));
    if (needs_points(e.type) && std::isnan(e.value))
        throw data_error(f.where("value"), "a " + type + " event needs a value (the points)");
    if (needs_note(e.type) && e.note.empty())
        throw data_error(f.where("note"), "a " + type + " event needs a note giving the reason");
}

Event event_of(const EventFields& f, const ResultsBuilder& units) {
    Event e;
    e.source = f.source;
    e.unit = f.text("unit");
    static_cast<void>(units.unit(e.unit, f.where("unit")));
    e.type = event_type_of(f.text("type"), f.where("type"));
    e.target = f.text("target");
    e.kind = f.text("kind");
    e.item = f.text("item");
    e.level = f.text("level");
    e.rater = f.text("rater");
    e.evidence = f.text("evidence");
    e.note = f.text("note");
    e.count = f.number("count", 1.0);
    e.share = f.number("share", 1.0);
    e.value = f.number("value", missing_value);
    check_event_fields(e, f);
    return e;
}

std::vector<Event> events_from_csv(const CsvTable& t, const Dataset& ds) {
    check_columns(t, {"unit", "type", "target"}, event_columns, "events");
    const ResultsBuilder units(ds);
    std::vector<Event> events;
    for (std::size_t i = 0; i < t.rows.size(); ++i) {
        const auto& row = t.rows[i];
        if (all_blank(row)) continue;
        const long r = row_number(i);
        EventFields f;
        for (std::size_t c = 0; c < t.header.size(); ++c) f.values[t.header[c]] = row[c];
        f.where = [&t, r](const std::string& field) { return at_cell(t.source, r, field); };
        f.source = at_cell(t.source, r, {});
        events.push_back(event_of(f, units));
    }
    return events;
}

std::vector<Event> events_from_json(const json::value& doc, const std::string& file, const Dataset& ds) {
    const json::array& list = top_level_array(doc, file, "events");
    const ResultsBuilder units(ds);
    std::vector<Event> events;
    for (std::size_t i = 0; i < list.size(); ++i) {
        const std::string path = "$.events[" + std::to_string(i) + "]";
        EventFields f;
        for (const auto& [key, value] : object_at(list[i], file, path, event_columns))
            f.values[std::string(key)] = cell_text(value, file, member_path(path, std::string(key)));
        f.where = [&file, path](const std::string& field) { return at_path(file, member_path(path, field)); };
        f.source = at_path(file, path);
        events.push_back(event_of(f, units));
    }
    return events;
}

}  // namespace

std::vector<Unit> read_units(const std::string& path) {
    if (format_of(path) == Format::csv) return units_from_csv(read_csv(path));
    return units_from_json(parse_data_json(path), path);
}

void read_results(const std::string& path, Dataset& dataset) {
    const Format format = format_of(path);
    ResultsBuilder builder(dataset);
    if (format == Format::csv)
        results_from_csv(read_csv(path), builder);
    else
        results_from_json(parse_data_json(path), path, builder);
    builder.finish(dataset);
    dataset.results_source = path;
}

std::vector<Event> read_events(const std::string& path, const Dataset& dataset) {
    if (format_of(path) == Format::csv) return events_from_csv(read_csv(path), dataset);
    return events_from_json(parse_data_json(path), path, dataset);
}

Dataset load_dataset(const std::string& units_path, const std::string& results_path, const std::string& events_path) {
    Dataset ds;
    ds.units = read_units(units_path);
    ds.units_source = units_path;
    read_results(results_path, ds);
    if (!events_path.empty()) {
        ds.events = read_events(events_path, ds);
        ds.events_source = events_path;
    }
    return ds;
}

}  // namespace kaohe::io
