// Frameworks as JSON (docs/formats.md): a strict reader that names the JSON path of every problem, and a
// writer whose output the reader turns back into an equal framework. Also the JSON text parser and writer
// shared by every kaohe JSON file (detail::parse_json, detail::write_json).
#include "kaohe/io/framework_json.hpp"

#include <boost/json.hpp>
#include <boost/json/basic_parser_impl.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "kaohe/error.hpp"
#include "kaohe/io/csv.hpp"

namespace kaohe::io {

namespace json = boost::json;
// Boost.JSON's own error_code alias is gone in newer Boost (1.88+); the parser handler takes this type.
using error_code = boost::system::error_code;

// =========================================================================================================
// JSON text: strict parsing with line/column errors, and readable writing
// =========================================================================================================
namespace detail {
namespace {

// Builds a json::value the way Boost's own parser does, but also rejects two things Boost accepts
// silently: a repeated key in one object (the last value would win unnoticed) and a number too large for a
// double (Boost reads it as infinity).
class StrictHandler {
public:
    static constexpr std::size_t max_object_size = json::object::max_size();
    static constexpr std::size_t max_array_size = json::array::max_size();
    static constexpr std::size_t max_key_size = json::string::max_size();
    static constexpr std::size_t max_string_size = json::string::max_size();

    json::value_stack st;
    std::string problem;  // why a callback stopped the parser

    bool on_document_begin(error_code&) { return true; }
    bool on_document_end(error_code&) { return true; }
    bool on_object_begin(error_code&) {
        keys_.emplace_back();
        return true;
    }
    bool on_object_end(std::size_t n, error_code&) {
        keys_.pop_back();
        st.push_object(n);
        return true;
    }
    bool on_array_begin(error_code&) { return true; }
    bool on_array_end(std::size_t n, error_code&) {
        st.push_array(n);
        return true;
    }
    bool on_key_part(json::string_view s, std::size_t, error_code&) {
        key_.append(s.data(), s.size());
        st.push_chars(s);
        return true;
    }
    bool on_key(json::string_view s, std::size_t, error_code& ec) {
        key_.append(s.data(), s.size());
        if (!keys_.back().insert(key_).second)
            return reject(ec, "the key \"" + key_ + "\" appears twice in the same object");
        key_.clear();
        st.push_key(s);
        return true;
    }
    bool on_string_part(json::string_view s, std::size_t, error_code&) {
        st.push_chars(s);
        return true;
    }
    bool on_string(json::string_view s, std::size_t, error_code&) {
        st.push_string(s);
        return true;
    }
    bool on_number_part(json::string_view, error_code&) { return true; }
    bool on_int64(std::int64_t i, json::string_view, error_code&) {
        st.push_int64(i);
        return true;
    }
    bool on_uint64(std::uint64_t u, json::string_view, error_code&) {
        st.push_uint64(u);
        return true;
    }
    bool on_double(double d, json::string_view, error_code& ec) {
        if (!std::isfinite(d)) return reject(ec, "a number is too large to be represented");
        st.push_double(d);
        return true;
    }
    bool on_bool(bool b, error_code&) {
        st.push_bool(b);
        return true;
    }
    bool on_null(error_code&) {
        st.push_null();
        return true;
    }
    bool on_comment_part(json::string_view, error_code&) { return true; }
    bool on_comment(json::string_view, error_code&) { return true; }

private:
    bool reject(error_code& ec, std::string why) {
        problem = std::move(why);
        ec = json::error::syntax;
        return false;
    }
    std::vector<std::set<std::string>> keys_;  // keys seen in each open object
    std::string key_;                          // the key being read
};

// "line 3, column 14" of a byte offset; columns count characters, not bytes, as editors do.
std::string line_column(std::string_view text, std::size_t offset) {
    std::size_t line = 1, column = 1;
    for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == '\n') {
            ++line;
            column = 1;
        } else if ((c & 0xC0U) != 0x80U) {
            ++column;
        }
    }
    return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

// The text at the error, up to the end of its line, so the message shows what the parser choked on.
std::string text_near(std::string_view text, std::size_t offset) {
    if (offset >= text.size()) return "at the end of the text";
    std::string_view rest = text.substr(offset, 24);
    rest = rest.substr(0, rest.find_first_of("\r\n"));
    return "near '" + std::string(rest) + "'";
}

std::string syntax_reason(const error_code& ec, std::string_view text, std::size_t offset) {
    if (ec == json::error::incomplete)
        return "invalid JSON: the text ends before the JSON is complete (a missing '}', ']' or '\"'?)";
    if (ec == json::error::extra_data)
        return "invalid JSON: unexpected text after the end of the JSON value, " + text_near(text, offset);
    return "invalid JSON (" + ec.message() + ") " + text_near(text, offset);
}

[[noreturn]] void json_fail(JsonFile kind, const std::string& source, const std::string& path,
                            const std::string& reason) {
    if (kind == JsonFile::framework) throw framework_error(Location{source, path, -1, {}}, reason);
    throw data_error(Location{source, path, -1, {}}, reason);
}

// Shortest decimal text that reads back as exactly `v` ("0.11", "95.5", "100").
std::string number_text(double v) {
    if (!std::isfinite(v)) return "null";
    if (v == std::floor(v) && std::abs(v) < 1e15) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.0f", v == 0.0 ? 0.0 : v);
        return buf;
    }
    char buf[40];
    for (int digits = 15; digits <= 17; ++digits) {
        std::snprintf(buf, sizeof buf, "%.*g", digits, v);
        if (std::strtod(buf, nullptr) == v) break;
    }
    return buf;
}

std::string scalar_text(const json::value& v) {
    switch (v.kind()) {
        case json::kind::double_:
            return number_text(v.get_double());
        case json::kind::int64:
            return std::to_string(v.get_int64());
        case json::kind::uint64:
            return std::to_string(v.get_uint64());
        default:
            return json::serialize(v);  // strings (escaped), booleans, null
    }
}

bool is_container(const json::value& v) {
    return v.is_object() || v.is_array();
}

// Single-line form, used for arrays of scalars and small objects.
std::string inline_text(const json::value& v) {
    std::string out;
    if (v.is_array()) {
        out = "[";
        for (const auto& e : v.get_array()) out += (out.size() > 1 ? ", " : "") + inline_text(e);
        return out + "]";
    }
    if (v.is_object()) {
        out = "{";
        for (const auto& kv : v.get_object())
            out +=
                (out.size() > 1 ? ", " : "") + json::serialize(json::value(kv.key())) + ": " + inline_text(kv.value());
        return out + "}";
    }
    return scalar_text(v);
}

// Arrays of scalars, and objects of scalars that fit on a line, are written inline.
bool fits_inline(const json::value& v) {
    if (v.is_array()) {
        for (const auto& e : v.get_array())
            if (is_container(e)) return false;
        return true;
    }
    if (v.is_object()) {
        for (const auto& kv : v.get_object())
            if (kv.value().is_object() || (kv.value().is_array() && !fits_inline(kv.value()))) return false;
        return inline_text(v).size() <= 100;
    }
    return true;
}

void write_indented(std::string& out, const json::value& v, std::size_t indent) {
    if (fits_inline(v)) {
        out += inline_text(v);
        return;
    }
    const std::string pad(indent + 2, ' ');
    const bool object = v.is_object();
    out += object ? "{\n" : "[\n";
    bool first = true;
    auto separate = [&] {
        out += first ? "" : ",\n";
        first = false;
        out += pad;
    };
    if (object) {
        for (const auto& kv : v.get_object()) {
            separate();
            out += json::serialize(json::value(kv.key())) + ": ";
            write_indented(out, kv.value(), indent + 2);
        }
    } else {
        for (const auto& e : v.get_array()) {
            separate();
            write_indented(out, e, indent + 2);
        }
    }
    out += "\n" + std::string(indent, ' ') + (object ? "}" : "]");
}

}  // namespace

json::value parse_json(std::string_view text, const std::string& source, JsonFile kind) {
    constexpr std::string_view bom = "\xEF\xBB\xBF";
    if (text.substr(0, bom.size()) == bom) text.remove_prefix(bom.size());
    if (const auto bad = invalid_utf8_offset(text); bad != std::string_view::npos) {
        char byte[8];
        std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned>(static_cast<unsigned char>(text[bad])));
        json_fail(kind, source, line_column(text, bad),
                  std::string("invalid UTF-8 byte ") + byte + ": " + non_utf8_hint());
    }
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos)
        json_fail(kind, source, {}, "the file is empty: expected a JSON object");
    json::parse_options options;
    options.max_depth = 512;  // deep indicator trees nest two levels per tree level
    json::basic_parser<StrictHandler> parser(options);
    parser.handler().st.reset();
    error_code ec;
    std::size_t consumed = parser.write_some(false, text.data(), text.size(), ec);
    // The parser stops after one complete value; anything but whitespace after it is an error.
    if (!ec && consumed < text.size()) {
        consumed = std::max(consumed, text.find_first_not_of(" \t\r\n", consumed));
        if (consumed < text.size()) ec = json::error::extra_data;
    }
    if (ec) {
        const std::string& problem = parser.handler().problem;
        json_fail(kind, source, line_column(text, consumed),
                  problem.empty() ? syntax_reason(ec, text, consumed) : "invalid JSON: " + problem);
    }
    return parser.handler().st.release();
}

std::string write_json(const json::value& value) {
    std::string out;
    write_indented(out, value, 0);
    out += '\n';
    return out;
}

// A JSON value's kind with the value itself, for "expected X, got Y" messages.
std::string describe_json(const json::value& v) {
    switch (v.kind()) {
        case json::kind::string:
            return "a string (" + json::serialize(v) + ")";
        case json::kind::int64:
        case json::kind::uint64:
        case json::kind::double_:
            return "a number (" + detail::number_text(v.to_number<double>()) + ")";
        case json::kind::bool_:
            return std::string("a boolean (") + (v.get_bool() ? "true" : "false") + ")";
        case json::kind::null:
            return "null";
        case json::kind::array:
            return "an array";
        case json::kind::object:
            return "an object";
    }
    return "?";
}

}  // namespace detail

// =========================================================================================================
// Reading a framework
// =========================================================================================================
namespace {

// Names of enum values as written in framework files; one table serves the reader and the writer.
template <class E>
struct Named {
    std::string_view name;
    E value;
};

constexpr Named<Aggregation> aggregations[] = {{"arithmetic", Aggregation::arithmetic},
                                               {"geometric", Aggregation::geometric}};
constexpr Named<MissingPolicy> missing_policies[] = {{"error", MissingPolicy::error},
                                                     {"zero", MissingPolicy::zero},
                                                     {"mean", MissingPolicy::mean},
                                                     {"exclude", MissingPolicy::exclude}};
constexpr Named<Direction> directions[] = {{"higher", Direction::higher_is_better},
                                           {"lower", Direction::lower_is_better}};
constexpr Named<Comparison> comparisons[] = {{">=", Comparison::ge},
                                             {">", Comparison::gt},
                                             {"<=", Comparison::le},
                                             {"<", Comparison::lt},
                                             {"==", Comparison::eq}};
constexpr Named<CohortScope> scopes[] = {{"category", CohortScope::category}, {"all", CohortScope::all}};
constexpr Named<CohortStat> cohort_stats[] = {
    {"mean", CohortStat::mean}, {"median", CohortStat::median}, {"min", CohortStat::min}, {"max", CohortStat::max}};
// Rank rules may not use ordinal ties (tied units must score alike); the ranking policy may.
constexpr Named<TieMethod> rule_ties[] = {
    {"competition", TieMethod::competition}, {"dense", TieMethod::dense}, {"average", TieMethod::average}};
constexpr Named<TieMethod> ranking_ties[] = {{"competition", TieMethod::competition},
                                             {"dense", TieMethod::dense},
                                             {"average", TieMethod::average},
                                             {"ordinal", TieMethod::ordinal}};
constexpr Named<ShortfallSide> sides[] = {{"below", ShortfallSide::below}, {"above", ShortfallSide::above}};
constexpr Named<StepGranularity> granularities[] = {{"continuous", StepGranularity::continuous},
                                                    {"completed", StepGranularity::completed},
                                                    {"started", StepGranularity::started}};
constexpr Named<BandMode> band_modes[] = {{"step", BandMode::step}, {"interpolate", BandMode::interpolate}};
constexpr Named<RankScoring> rank_scorings[] = {{"ladder", RankScoring::ladder},
                                                {"proportional", RankScoring::proportional},
                                                {"from_bottom", RankScoring::from_bottom}};
constexpr Named<NormaliseMethod> normalise_methods[] = {{"minmax", NormaliseMethod::minmax},
                                                        {"goalposts", NormaliseMethod::goalposts},
                                                        {"zscore", NormaliseMethod::zscore},
                                                        {"distance_to_target", NormaliseMethod::distance_to_target},
                                                        {"percentile_rank", NormaliseMethod::percentile_rank}};
constexpr Named<AdjustmentKind> adjustment_kinds[] = {{"bonus", AdjustmentKind::bonus},
                                                      {"penalty", AdjustmentKind::penalty}};
constexpr Named<VetoEffect> veto_effects[] = {{"fail", VetoEffect::fail},
                                              {"cap", VetoEffect::cap},
                                              {"demote", VetoEffect::demote},
                                              {"disqualify", VetoEffect::disqualify}};
constexpr Named<QuotaRounding> quota_roundings[] = {
    {"half_up", QuotaRounding::half_up}, {"up", QuotaRounding::up}, {"down", QuotaRounding::down}};

template <class E, std::size_t N>
std::string_view name_of(const Named<E> (&table)[N], E value) {
    for (const auto& entry : table)
        if (entry.value == value) return entry.name;
    throw internal_error("an enum value has no name in the framework format");
}

template <class E, std::size_t N>
std::string names_of(const Named<E> (&table)[N]) {
    std::string out;
    for (const auto& entry : table) out += (out.empty() ? "" : ", ") + std::string(entry.name);
    return out;
}

std::string joined(const std::vector<std::string_view>& words) {
    std::string out;
    for (auto w : words) out += (out.empty() ? "" : ", ") + std::string(w);
    return out;
}

// "$.root.children[1]" + "rule" -> "$.root.children[1].rule"; keys that are not identifiers are quoted.
std::string member_path(const std::string& path, std::string_view key) {
    bool identifier = !key.empty() && !std::isdigit(static_cast<unsigned char>(key[0]));
    for (char c : key)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) identifier = false;
    if (identifier) return path + "." + std::string(key);
    return path + "[" + json::serialize(json::value(json::string_view(key.data(), key.size()))) + "]";
}

std::string element_path(const std::string& path, std::size_t index) {
    return path + "[" + std::to_string(index) + "]";
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

// " (did you mean 'points'?)" for a likely misspelling, else "".
std::string suggestion(std::string_view key, const std::vector<std::string_view>& allowed) {
    std::string_view best;
    std::size_t best_distance = 3;
    for (auto a : allowed) {
        const std::size_t d = edit_distance(key, a);
        if (d < best_distance) {
            best = a;
            best_distance = d;
        }
    }
    return best.empty() ? std::string() : " (did you mean '" + std::string(best) + "'?)";
}

[[noreturn]] void fail(const std::string& source, const std::string& path, const std::string& reason) {
    throw framework_error(Location{source, path, -1, {}}, reason);
}

[[noreturn]] void wrong_type(const std::string& source, const std::string& path, const std::string& expected,
                             const json::value& got) {
    fail(source, path, "expected " + expected + ", got " + detail::describe_json(got));
}

double as_number(const std::string& source, const json::value& v, const std::string& path) {
    if (!v.is_number()) wrong_type(source, path, "a number", v);
    return v.to_number<double>();
}

std::string as_string(const std::string& source, const json::value& v, const std::string& path) {
    if (!v.is_string()) wrong_type(source, path, "a string", v);
    return std::string(v.get_string());
}

// An integer, written as a JSON integer or as a double with no fractional part (2 or 2.0).
int as_integer(const std::string& source, const json::value& v, const std::string& path) {
    const double d = as_number(source, v, path);
    if (d != std::floor(d) || std::abs(d) > std::numeric_limits<int>::max())
        fail(source, path, "expected an integer, got " + detail::describe_json(v));
    return static_cast<int>(d);
}

// A JSON object being read: it knows its path and rejects keys it does not allow.
class ObjectReader {
public:
    ObjectReader(const std::string& source, const json::value& value, std::string path)
        : source_(source), path_(std::move(path)) {
        if (!value.is_object()) wrong_type(source_, path_, "an object", value);
        object_ = &value.get_object();
    }
    ObjectReader(const std::string& source, const json::object& object, std::string path)
        : source_(source), object_(&object), path_(std::move(path)) {}

    const std::string& source() const { return source_; }
    const std::string& path() const { return path_; }
    const json::object& raw() const { return *object_; }
    std::string at(std::string_view key) const { return member_path(path_, key); }
    [[noreturn]] void fail_at(std::string_view key, const std::string& reason) const { fail(source_, at(key), reason); }
    [[noreturn]] void fail_here(const std::string& reason) const { fail(source_, path_, reason); }

    void allow(const std::vector<std::string_view>& keys) const {
        for (const auto& kv : *object_) {
            const std::string_view key(kv.key().data(), kv.key().size());
            if (std::find(keys.begin(), keys.end(), key) == keys.end())
                fail_at(key, "unknown key '" + std::string(key) + "'" + suggestion(key, keys) +
                                 "; allowed keys here: " + joined(keys));
        }
    }
    const json::value* find(std::string_view key) const {
        return object_->if_contains(json::string_view(key.data(), key.size()));
    }
    bool has(std::string_view key) const { return find(key) != nullptr; }
    // Present and not null: null stands for "not set" where a key is optional.
    bool is_set(std::string_view key) const {
        const json::value* v = find(key);
        return v && !v->is_null();
    }
    const json::value& required(std::string_view key) const {
        if (const json::value* v = find(key)) return *v;
        fail_here("missing required key '" + std::string(key) + "'");
    }

    std::string string(std::string_view key) const { return as_string(source_, required(key), at(key)); }
    std::string string_or(std::string_view key, const std::string& fallback) const {
        return has(key) ? string(key) : fallback;
    }
    double number(std::string_view key) const { return as_number(source_, required(key), at(key)); }
    double number_or(std::string_view key, double fallback) const { return has(key) ? number(key) : fallback; }
    std::optional<double> optional_number(std::string_view key) const {
        return is_set(key) ? std::optional<double>(number(key)) : std::nullopt;
    }
    int integer_or(std::string_view key, int fallback) const {
        return has(key) ? as_integer(source_, required(key), at(key)) : fallback;
    }
    bool boolean_or(std::string_view key, bool fallback) const {
        if (!has(key)) return fallback;
        const json::value& v = required(key);
        if (!v.is_bool()) wrong_type(source_, at(key), "true or false", v);
        return v.get_bool();
    }
    ObjectReader object(std::string_view key) const { return ObjectReader(source_, required(key), at(key)); }
    const json::array& array(std::string_view key) const {
        const json::value& v = required(key);
        if (!v.is_array()) wrong_type(source_, at(key), "an array", v);
        return v.get_array();
    }
    template <class E, std::size_t N>
    E choice(std::string_view key, const Named<E> (&table)[N]) const {
        const std::string word = string(key);
        for (const auto& entry : table)
            if (entry.name == word) return entry.value;
        fail_at(key,
                "unknown value '" + word + "' for '" + std::string(key) + "'; expected one of: " + names_of(table));
    }
    template <class E, std::size_t N>
    E choice_or(std::string_view key, const Named<E> (&table)[N], E fallback) const {
        return has(key) ? choice(key, table) : fallback;
    }

private:
    const std::string& source_;
    const json::object* object_ = nullptr;
    std::string path_;
};

std::vector<std::string> string_list(const ObjectReader& o, std::string_view key) {
    std::vector<std::string> out;
    if (!o.has(key)) return out;
    const auto& items = o.array(key);
    for (std::size_t i = 0; i < items.size(); ++i)
        out.push_back(as_string(o.source(), items[i], element_path(o.at(key), i)));
    return out;
}

std::vector<double> number_list(const ObjectReader& o, std::string_view key) {
    std::vector<double> out;
    if (!o.has(key)) return out;
    const auto& items = o.array(key);
    for (std::size_t i = 0; i < items.size(); ++i)
        out.push_back(as_number(o.source(), items[i], element_path(o.at(key), i)));
    return out;
}

// {"key": number, ...} in file order, e.g. a lookup table or a price list.
std::vector<std::pair<std::string, double>> number_table(const ObjectReader& o, std::string_view key) {
    std::vector<std::pair<std::string, double>> out;
    const ObjectReader table = o.object(key);
    for (const auto& kv : table.raw()) {
        const std::string name(kv.key());
        out.emplace_back(name, as_number(o.source(), kv.value(), table.at(name)));
    }
    return out;
}

// [a, b] with two numbers (a band range, a clamp, a breakpoint).
std::pair<double, double> number_pair(const std::string& source, const json::value& v, const std::string& path) {
    if (!v.is_array() || v.get_array().size() != 2) wrong_type(source, path, "an array of two numbers [a, b]", v);
    const auto& a = v.get_array();
    return {as_number(source, a[0], element_path(path, 0)), as_number(source, a[1], element_path(path, 1))};
}

// A band or grade bound: a number, or null/absent for "unbounded".
double bound_or(const ObjectReader& o, std::string_view key, double unbounded_value) {
    return o.is_set(key) ? o.number(key) : unbounded_value;
}

// A fraction written as a number (0.11) or as a percentage string ("11%").
double fraction(const ObjectReader& o, std::string_view key) {
    const json::value& v = o.required(key);
    if (v.is_number()) return v.to_number<double>();
    if (v.is_string()) {
        const std::string text(v.get_string());
        char* end = nullptr;
        const double percent = std::strtod(text.c_str(), &end);
        const std::string rest = end ? std::string(end) : std::string();
        if (end != text.c_str() && (rest == "%" || rest == " %") && std::isfinite(percent)) return percent / 100.0;
    }
    wrong_type(o.source(), o.at(key), "a number or a percentage string like \"11%\"", v);
}

// ---------------------------------------------------------------------------------------------------------
// Rules

Input input_of(const ObjectReader& r, const std::string& leaf_id) {
    const json::value* v = r.find("input");
    if (!v) return Input{leaf_id, {}, 1.0};
    if (v->is_string()) return Input{std::string(v->get_string()), {}, 1.0};
    if (!v->is_object())
        wrong_type(r.source(), r.at("input"),
                   "a data item id, {\"item\": id} or {\"ratio\": [numerator, denominator], \"scale\": 100}", *v);
    const ObjectReader in(r.source(), *v, r.at("input"));
    in.allow({"item", "ratio", "scale"});
    if (in.has("item") && in.has("ratio")) in.fail_here("give either 'item' or 'ratio', not both");
    if (!in.has("ratio")) {
        if (in.has("scale")) in.fail_at("scale", "'scale' applies only to a ratio input {\"ratio\": [a, b]}");
        return Input{in.string("item"), {}, 1.0};
    }
    const auto& ratio = in.array("ratio");
    if (ratio.size() != 2)
        in.fail_at("ratio", "expected [numerator, denominator] (two data item ids), got " +
                                std::to_string(ratio.size()) + " items");
    return Input{as_string(r.source(), ratio[0], element_path(in.at("ratio"), 0)),
                 as_string(r.source(), ratio[1], element_path(in.at("ratio"), 1)), in.number_or("scale", 1.0)};
}

// A number, or a cohort statistic {"cohort": "mean", "scope": "category"}.
Reference reference_of(const ObjectReader& r, std::string_view key) {
    const json::value& v = r.required(key);
    if (v.is_number()) return Reference::fixed(v.to_number<double>());
    if (!v.is_object())
        wrong_type(r.source(), r.at(key),
                   "a number or a cohort statistic {\"cohort\": \"mean\", \"scope\": \"category\"}", v);
    const ObjectReader ref(r.source(), v, r.at(key));
    ref.allow({"cohort", "scope"});
    Reference out;
    out.cohort = ref.choice("cohort", cohort_stats);
    out.scope = ref.choice_or("scope", scopes, CohortScope::category);
    return out;
}

Rule threshold_rule(const ObjectReader& r, const std::string& leaf) {
    r.allow({"type", "input", "op", "value", "allow_judgement"});
    ThresholdRule out;
    out.input = input_of(r, leaf);
    out.op = r.choice_or("op", comparisons, Comparison::ge);
    out.value = reference_of(r, "value");
    out.allow_judgement = r.boolean_or("allow_judgement", true);
    return out;
}

Rule lookup_rule(const ObjectReader& r, const std::string& leaf) {
    r.allow({"type", "input", "table", "otherwise"});
    LookupRule out;
    out.input = input_of(r, leaf);
    out.table = number_table(r, "table");
    out.otherwise = r.optional_number("otherwise");
    return out;
}

Rule completion_rule(const ObjectReader& r, const std::string& leaf) {
    r.allow({"type", "input", "target", "cap"});
    CompletionRule out;
    out.input = input_of(r, leaf);
    out.target = reference_of(r, "target");
    out.cap = r.boolean_or("cap", true);
    return out;
}

Rule linear_rule(const ObjectReader& r, const std::string& leaf) {
    r.allow({"type", "input", "zero_at", "full_at"});
    LinearRule out;
    out.input = input_of(r, leaf);
    out.zero_at = reference_of(r, "zero_at");
    out.full_at = reference_of(r, "full_at");
    return out;
}

Rule shortfall_rule(const ObjectReader& r, const std::string& leaf) {
    r.allow({"type", "input", "reference", "side", "step", "deduct", "granularity", "floor"});
    ShortfallRule out;
    out.input = input_of(r, leaf);
    out.reference = reference_of(r, "reference");
    out.side = r.choice_or("side", sides, ShortfallSide::below);
    out.step = r.number_or("step", 1.0);
    out.deduct = r.number("deduct");
    out.granularity = r.choice_or("granularity", granularities, StepGranularity::continuous);
    out.floor = r.number_or("floor", 0.0);
    return out;
}

Band band_of(const ObjectReader& b) {
    b.allow({"lower", "upper", "points", "label"});
    Band out;
    out.lower = bound_or(b, "lower", -unbounded);
    out.upper = bound_or(b, "upper", unbounded);
    out.points = b.number("points");
    out.label = b.string_or("label", "");
    return out;
}

Rule bands_rule(const ObjectReader& r, const std::string& leaf) {
    BandsRule out;
    out.mode = r.choice_or("mode", band_modes, BandMode::step);
    if (out.mode == BandMode::step) {
        for (auto key : {"breakpoints", "below", "above"})
            if (r.has(key)) r.fail_at(key, "'" + std::string(key) + "' is used only with \"mode\": \"interpolate\"");
        r.allow({"type", "input", "mode", "bands"});
    } else {
        if (r.has("bands")) r.fail_at("bands", "interpolated bands are given as 'breakpoints': [[x, points], ...]");
        r.allow({"type", "input", "mode", "breakpoints", "below", "above"});
    }
    out.input = input_of(r, leaf);
    if (out.mode == BandMode::step) {
        const auto& bands = r.array("bands");
        for (std::size_t i = 0; i < bands.size(); ++i)
            out.bands.push_back(band_of(ObjectReader(r.source(), bands[i], element_path(r.at("bands"), i))));
        return out;
    }
    const auto& points = r.array("breakpoints");
    for (std::size_t i = 0; i < points.size(); ++i)
        out.breakpoints.push_back(number_pair(r.source(), points[i], element_path(r.at("breakpoints"), i)));
    out.below = r.optional_number("below");
    out.above = r.optional_number("above");
    return out;
}

Rule efficacy_rule(const ObjectReader& r, const std::string& leaf) {
    r.allow({"type", "input", "unacceptable", "satisfactory", "base", "span", "clamp"});
    EfficacyRule out;
    out.input = input_of(r, leaf);
    out.unacceptable = reference_of(r, "unacceptable");
    out.satisfactory = reference_of(r, "satisfactory");
    out.base = r.number_or("base", 60.0);
    out.span = r.number_or("span", 40.0);
    // The clamp must be stated: schemes differ on whether a score may fall below 60 or exceed 100.
    if (!r.has("clamp"))
        r.fail_here(
            "missing required key 'clamp': an efficacy rule must state its clamping policy, \"none\" or "
            "[min, max] (e.g. [0, 100])");
    const json::value& clamp = r.required("clamp");
    if (clamp.is_string() && clamp.get_string() == "none") return out;
    if (!clamp.is_array()) wrong_type(r.source(), r.at("clamp"), "\"none\" or [min, max]", clamp);
    out.clamp = number_pair(r.source(), clamp, r.at("clamp"));
    return out;
}

Rule rank_rule(const ObjectReader& r, const std::string& leaf) {
    r.allow({"type", "input", "direction", "scoring", "ladder", "beyond", "bottom", "step", "floor", "ties", "scope"});
    RankRule out;
    out.input = input_of(r, leaf);
    out.direction = r.choice_or("direction", directions, Direction::higher_is_better);
    out.scoring = r.choice_or("scoring", rank_scorings, RankScoring::ladder);
    out.ladder = number_list(r, "ladder");
    out.beyond = r.number_or("beyond", 0.0);
    out.bottom = r.number_or("bottom", 0.0);
    out.step = r.number_or("step", 0.0);
    out.floor = r.number_or("floor", 0.0);
    out.ties = r.choice_or("ties", rule_ties, TieMethod::competition);
    out.scope = r.choice_or("scope", scopes, CohortScope::category);
    return out;
}

Rule deduction_rule(const ObjectReader& r, const std::string&) {
    r.allow({"type", "price", "default_price", "escalation", "multiplier", "floor"});
    DeductionRule out;
    if (r.has("price")) out.price = number_table(r, "price");
    out.default_price = r.optional_number("default_price");
    if (r.has("escalation")) {
        const auto& steps = r.array("escalation");
        for (std::size_t i = 0; i < steps.size(); ++i) {
            const ObjectReader e(r.source(), steps[i], element_path(r.at("escalation"), i));
            e.allow({"at_count", "points"});
            out.escalation.push_back(Escalation{e.number("at_count"), e.number("points")});
        }
    }
    out.multiplier = r.number_or("multiplier", 1.0);
    out.floor = r.number_or("floor", 0.0);
    return out;
}

Rule bonus_rule(const ObjectReader& r, const std::string&) {
    r.allow({"type", "levels", "highest_per_item", "cap", "require_evidence"});
    BonusRule out;
    out.levels = number_table(r, "levels");
    out.highest_per_item = r.boolean_or("highest_per_item", true);
    out.cap = r.optional_number("cap");
    out.require_evidence = r.boolean_or("require_evidence", false);
    return out;
}

Rule trimmed_mean_rule(const ObjectReader& r, const std::string&) {
    r.allow({"type", "trim_above", "drop_high", "drop_low", "scale"});
    TrimmedMeanRule out;
    out.trim_above = r.integer_or("trim_above", 5);
    out.drop_high = r.integer_or("drop_high", 1);
    out.drop_low = r.integer_or("drop_low", 1);
    out.scale = r.number_or("scale", 100.0);
    return out;
}

Rule manual_rule(const ObjectReader& r, const std::string&) {
    r.allow({"type"});
    return ManualRule{};
}

// Keys a normalisation accepts besides the common ones, by method.
std::vector<std::string_view> normalise_keys(NormaliseMethod method) {
    std::vector<std::string_view> keys{"type", "input", "method", "direction", "scope"};
    switch (method) {
        case NormaliseMethod::minmax:
            keys.push_back("range");
            break;
        case NormaliseMethod::goalposts:
            keys.insert(keys.end(), {"lower", "upper", "log", "truncate"});
            break;
        case NormaliseMethod::zscore:
            keys.insert(keys.end(), {"mean", "sd"});
            break;
        case NormaliseMethod::distance_to_target:
            keys.insert(keys.end(), {"target", "cap"});
            break;
        case NormaliseMethod::percentile_rank:
            break;
    }
    return keys;
}

Rule normalise_rule(const ObjectReader& r, const std::string& leaf) {
    NormaliseRule out;
    out.method = r.choice_or("method", normalise_methods, NormaliseMethod::minmax);
    r.allow(normalise_keys(out.method));
    out.input = input_of(r, leaf);
    out.direction = r.choice_or("direction", directions, Direction::higher_is_better);
    out.scope = r.choice_or("scope", scopes, CohortScope::all);
    if (r.has("range")) std::tie(out.lo, out.hi) = number_pair(r.source(), r.required("range"), r.at("range"));
    out.lower = r.number_or("lower", 0.0);
    out.upper = r.number_or("upper", 100.0);
    out.log = r.boolean_or("log", false);
    out.truncate = r.boolean_or("truncate", true);
    out.mean_out = r.number_or("mean", 0.0);
    out.sd_out = r.number_or("sd", 1.0);
    if (out.method == NormaliseMethod::distance_to_target) out.target = reference_of(r, "target");
    out.cap = r.boolean_or("cap", true);
    return out;
}

struct RuleParser {
    std::string_view type;
    Rule (*parse)(const ObjectReader&, const std::string& leaf_id);
};
// In the order of the Rule variant, so that rule_name() and this table agree.
constexpr RuleParser rule_parsers[] = {{"threshold", threshold_rule},       {"lookup", lookup_rule},
                                       {"completion", completion_rule},     {"linear", linear_rule},
                                       {"shortfall", shortfall_rule},       {"bands", bands_rule},
                                       {"efficacy", efficacy_rule},         {"rank", rank_rule},
                                       {"deduction", deduction_rule},       {"bonus", bonus_rule},
                                       {"trimmed_mean", trimmed_mean_rule}, {"manual", manual_rule},
                                       {"normalise", normalise_rule}};

Rule rule_of(const ObjectReader& r, const std::string& leaf_id) {
    const std::string type = r.string("type");
    for (const auto& parser : rule_parsers)
        if (parser.type == type) return parser.parse(r, leaf_id);
    std::vector<std::string_view> types;
    for (const auto& parser : rule_parsers) types.push_back(parser.type);
    r.fail_at("type",
              "unknown rule type '" + type + "'" + suggestion(type, types) + "; expected one of: " + joined(types));
}

// A category's rule: the partial object merged key-wise over the base rule. Only parameters may differ
// (resolve() also holds the input fixed); a change of type is named here, where the reader can point at
// it, rather than surfacing as the base's keys being unknown to the new type.
Rule category_rule(const ObjectReader& base, const json::value& partial, const std::string& path,
                   const std::string& leaf_id) {
    const ObjectReader over(base.source(), partial, path);
    const json::value* type = over.find("type");
    if (type && *type != base.raw().at("type"))
        over.fail_at("type", "a category may change a rule's parameters, not its type (the base rule is " +
                                 json::serialize(base.raw().at("type")) + ", this is " + json::serialize(*type) + ")");
    json::object merged = base.raw();
    for (const auto& kv : over.raw()) merged[kv.key()] = kv.value();
    return rule_of(ObjectReader(base.source(), merged, path), leaf_id);
}

// ---------------------------------------------------------------------------------------------------------
// Nodes

std::optional<Weight> stated_weight(const ObjectReader& o) {
    constexpr std::pair<std::string_view, WeightKind> kinds[] = {
        {"points", WeightKind::points}, {"share", WeightKind::share}, {"weight", WeightKind::relative}};
    std::optional<Weight> out;
    std::string_view found;
    for (const auto& [key, kind] : kinds) {
        if (!o.has(key)) continue;
        if (out)
            o.fail_at(key, "the weight is stated twice, as '" + std::string(found) + "' and as '" + std::string(key) +
                               "'; a node states its weight one way: points, share or weight");
        const double value = kind == WeightKind::share ? fraction(o, key) : o.number(key);
        if (value < 0)
            o.fail_at(key, "negative weight: " + std::string(key) + " must be >= 0, got " + kaohe::detail::fmt(value));
        out = Weight{kind, value};
        found = key;
    }
    return out;
}

std::map<std::string, Weight> weights_by_category(const ObjectReader& node) {
    std::map<std::string, Weight> out;
    if (!node.has("weight_by_category")) return out;
    const ObjectReader table = node.object("weight_by_category");
    for (const auto& kv : table.raw()) {
        const std::string category(kv.key());
        const ObjectReader w(node.source(), kv.value(), table.at(category));
        w.allow({"points", "share", "weight"});
        const auto weight = stated_weight(w);
        if (!weight) w.fail_here("state the category's weight as {\"points\": x}, {\"share\": x} or {\"weight\": x}");
        out[category] = *weight;
    }
    return out;
}

constexpr std::string_view node_keys[] = {
    "id",         "name",        "points",      "share",    "weight", "weight_by_category",
    "applies_to", "renormalise", "aggregation", "children", "rule",   "rule_by_category",
    "missing",    "note"};

Node node_fields(const ObjectReader& o, bool is_root) {
    o.allow(std::vector<std::string_view>(std::begin(node_keys), std::end(node_keys)));
    Node n;
    n.id = o.string("id");
    n.name = o.string_or("name", "");
    const auto weight = stated_weight(o);
    if (weight && is_root)
        o.fail_here("the root's maximum is the framework's 'total'; remove points/share/weight from the root");
    if (weight) n.weight = *weight;
    n.weight_by_category = weights_by_category(o);
    n.applies_to = string_list(o, "applies_to");
    n.renormalise = o.boolean_or("renormalise", false);
    n.aggregation = o.choice_or("aggregation", aggregations, Aggregation::arithmetic);
    n.missing = o.choice_or("missing", missing_policies, MissingPolicy::error);
    n.note = o.string_or("note", "");
    if (o.has("rule")) n.rule = rule_of(o.object("rule"), n.id);
    if (o.has("rule_by_category")) {
        if (!o.has("rule")) o.fail_at("rule_by_category", "rule_by_category needs a base 'rule' to merge over");
        const ObjectReader table = o.object("rule_by_category");
        for (const auto& kv : table.raw()) {
            const std::string category(kv.key());
            n.rule_by_category[category] = category_rule(o.object("rule"), kv.value(), table.at(category), n.id);
        }
    }
    return n;
}

// Adds the node and its subtree in pre-order (the root is nodes[0]); returns the node's index.
std::size_t add_node(Framework& fw, const ObjectReader& o, std::ptrdiff_t parent) {
    Node n = node_fields(o, parent < 0);
    n.parent = parent;
    const std::size_t index = fw.nodes.size();
    fw.nodes.push_back(std::move(n));
    if (!o.has("children")) return index;
    const auto& children = o.array("children");
    for (std::size_t i = 0; i < children.size(); ++i) {
        const ObjectReader child(o.source(), children[i], element_path(o.at("children"), i));
        const std::size_t c = add_node(fw, child, static_cast<std::ptrdiff_t>(index));
        fw.nodes[index].children.push_back(c);
    }
    return index;
}

// ---------------------------------------------------------------------------------------------------------
// Outside the tree: categories, adjustments, vetoes, grading, ranking, rounding

template <class F>
void for_each_object(const ObjectReader& o, std::string_view key, F&& read) {
    if (!o.has(key)) return;
    const auto& items = o.array(key);
    for (std::size_t i = 0; i < items.size(); ++i) read(ObjectReader(o.source(), items[i], element_path(o.at(key), i)));
}

Category category_of(const ObjectReader& o) {
    o.allow({"id", "name"});
    return Category{o.string("id"), o.string_or("name", "")};
}

Adjustment adjustment_of(const ObjectReader& o) {
    Adjustment a;
    a.kind = o.choice("type", adjustment_kinds);
    if (a.kind == AdjustmentKind::bonus)
        o.allow({"id", "name", "type", "levels", "highest_per_item", "cap", "require_evidence"});
    else
        o.allow({"id", "name", "type", "price", "cap"});
    a.id = o.string("id");
    a.name = o.string_or("name", "");
    a.points = number_table(o, a.kind == AdjustmentKind::bonus ? "levels" : "price");
    a.highest_per_item = o.boolean_or("highest_per_item", true);
    a.cap = o.optional_number("cap");
    a.require_evidence = o.boolean_or("require_evidence", false);
    return a;
}

Condition condition_of(const ObjectReader& o) {
    o.allow({"item", "op", "value"});
    return Condition{o.string("item"), o.choice("op", comparisons), o.number("value")};
}

Veto veto_of(const ObjectReader& o) {
    o.allow({"id", "name", "effect", "cap_grade", "demote_by", "when"});
    Veto v;
    v.id = o.string("id");
    v.name = o.string_or("name", "");
    v.effect = o.choice("effect", veto_effects);
    if (o.has("cap_grade") && v.effect != VetoEffect::cap)
        o.fail_at("cap_grade", "'cap_grade' applies only to \"effect\": \"cap\"");
    if (o.has("demote_by") && v.effect != VetoEffect::demote)
        o.fail_at("demote_by", "'demote_by' applies only to \"effect\": \"demote\"");
    if (v.effect == VetoEffect::cap) v.cap_grade = o.string("cap_grade");
    v.demote_by = o.integer_or("demote_by", 1);
    if (o.has("when")) v.when = condition_of(o.object("when"));
    return v;
}

Grading grading_of(const ObjectReader& o) {
    o.allow({"bands", "quotas", "pool"});
    Grading g;
    for_each_object(o, "bands", [&](const ObjectReader& b) {
        b.allow({"id", "name", "min"});
        g.bands.push_back(GradeBand{b.string("id"), b.string_or("name", ""), bound_or(b, "min", -unbounded)});
    });
    for_each_object(o, "quotas", [&](const ObjectReader& q) {
        q.allow({"grade", "max_share", "rounding", "max_count"});
        Quota quota;
        quota.grade = q.string("grade");
        quota.max_share = fraction(q, "max_share");
        quota.rounding = q.choice_or("rounding", quota_roundings, QuotaRounding::half_up);
        if (q.is_set("max_count")) quota.max_count = q.integer_or("max_count", 0);
        g.quotas.push_back(std::move(quota));
    });
    g.pool = o.choice_or("pool", scopes, CohortScope::category);
    return g;
}

RankingPolicy ranking_of(const ObjectReader& o) {
    o.allow({"ties", "tie_break", "on_rounded_total"});
    RankingPolicy r;
    r.ties = o.choice_or("ties", ranking_ties, TieMethod::competition);
    r.tie_break = string_list(o, "tie_break");
    r.on_rounded_total = o.boolean_or("on_rounded_total", false);
    return r;
}

std::optional<int> decimals(const ObjectReader& o, std::string_view key) {
    if (!o.is_set(key)) return std::nullopt;
    const int d = o.integer_or(key, 0);
    if (d < 0 || d > 12) o.fail_at(key, "decimals must be an integer from 0 to 12, got " + std::to_string(d));
    return d;
}

RoundingPolicy rounding_of(const ObjectReader& o) {
    o.allow({"total", "nodes", "leaves"});
    return RoundingPolicy{decimals(o, "total"), decimals(o, "nodes"), decimals(o, "leaves")};
}

Framework framework_of(const ObjectReader& top) {
    top.allow({"kaohe", "id", "name", "total", "score_scale", "categories", "root", "adjustments", "vetoes", "grading",
               "ranking", "rounding"});
    if (top.has("kaohe") && as_integer(top.source(), top.required("kaohe"), top.at("kaohe")) != 1)
        top.fail_at("kaohe", "unsupported format version; this version of kaohe reads \"kaohe\": 1");
    Framework fw;
    fw.source = top.source();
    fw.id = top.string_or("id", "");
    fw.name = top.string_or("name", "");
    fw.total = top.number_or("total", 100.0);
    fw.score_scale = top.number_or("score_scale", 100.0);
    for_each_object(top, "categories", [&](const ObjectReader& c) { fw.categories.push_back(category_of(c)); });
    add_node(fw, top.object("root"), -1);
    for_each_object(top, "adjustments", [&](const ObjectReader& a) { fw.adjustments.push_back(adjustment_of(a)); });
    for_each_object(top, "vetoes", [&](const ObjectReader& v) { fw.vetoes.push_back(veto_of(v)); });
    if (top.has("grading")) fw.grading = grading_of(top.object("grading"));
    if (top.has("ranking")) fw.ranking = ranking_of(top.object("ranking"));
    if (top.has("rounding")) fw.rounding = rounding_of(top.object("rounding"));
    return fw;
}

// =========================================================================================================
// Writing a framework
// =========================================================================================================

json::value bound_json(double v) {
    return std::isinf(v) ? json::value(nullptr) : json::value(v);
}

json::value reference_json(const Reference& r) {
    if (!r.cohort) return json::value(r.value);
    return json::object{{"cohort", name_of(cohort_stats, *r.cohort)}, {"scope", name_of(scopes, r.scope)}};
}

json::value input_json(const Input& in) {
    if (!in.is_ratio()) return json::value(in.item);
    return json::object{{"ratio", json::array{json::value(in.item), json::value(in.denominator)}}, {"scale", in.scale}};
}

json::object table_json(const std::vector<std::pair<std::string, double>>& table) {
    json::object out;
    for (const auto& [key, value] : table) out[key] = value;
    return out;
}

json::array pair_json(const std::pair<double, double>& p) {
    return json::array{p.first, p.second};
}

// Every parameter of a rule, so the file says exactly what the reader will use.
struct RuleWriter {
    json::object out;

    void start(const Rule& rule, const Input* input) {
        out["type"] = rule_name(rule);
        if (input) out["input"] = input_json(*input);
    }
    void operator()(const ThresholdRule& r) {
        out["op"] = name_of(comparisons, r.op);
        out["value"] = reference_json(r.value);
        out["allow_judgement"] = r.allow_judgement;
    }
    void operator()(const LookupRule& r) {
        out["table"] = table_json(r.table);
        if (r.otherwise) out["otherwise"] = *r.otherwise;
    }
    void operator()(const CompletionRule& r) {
        out["target"] = reference_json(r.target);
        out["cap"] = r.cap;
    }
    void operator()(const LinearRule& r) {
        out["zero_at"] = reference_json(r.zero_at);
        out["full_at"] = reference_json(r.full_at);
    }
    void operator()(const ShortfallRule& r) {
        out["reference"] = reference_json(r.reference);
        out["side"] = name_of(sides, r.side);
        out["step"] = r.step;
        out["deduct"] = r.deduct;
        out["granularity"] = name_of(granularities, r.granularity);
        out["floor"] = r.floor;
    }
    void operator()(const BandsRule& r) {
        out["mode"] = name_of(band_modes, r.mode);
        if (r.mode == BandMode::interpolate) {
            json::array points;
            for (const auto& p : r.breakpoints) points.push_back(pair_json(p));
            out["breakpoints"] = std::move(points);
            if (r.below) out["below"] = *r.below;
            if (r.above) out["above"] = *r.above;
            return;
        }
        json::array bands;
        for (const auto& b : r.bands) {
            json::object band{{"lower", bound_json(b.lower)}, {"upper", bound_json(b.upper)}, {"points", b.points}};
            if (!b.label.empty()) band["label"] = b.label;
            bands.push_back(std::move(band));
        }
        out["bands"] = std::move(bands);
    }
    void operator()(const EfficacyRule& r) {
        out["unacceptable"] = reference_json(r.unacceptable);
        out["satisfactory"] = reference_json(r.satisfactory);
        out["base"] = r.base;
        out["span"] = r.span;
        out["clamp"] = r.clamp ? json::value(pair_json(*r.clamp)) : json::value("none");
    }
    void operator()(const RankRule& r) {
        out["direction"] = name_of(directions, r.direction);
        out["scoring"] = name_of(rank_scorings, r.scoring);
        out["ladder"] = json::array(r.ladder.begin(), r.ladder.end());
        out["beyond"] = r.beyond;
        out["bottom"] = r.bottom;
        out["step"] = r.step;
        out["floor"] = r.floor;
        out["ties"] = name_of(rule_ties, r.ties);
        out["scope"] = name_of(scopes, r.scope);
    }
    void operator()(const DeductionRule& r) {
        out["price"] = table_json(r.price);
        if (r.default_price) out["default_price"] = *r.default_price;
        json::array steps;
        for (const auto& e : r.escalation)
            steps.push_back(json::object{{"at_count", e.at_count}, {"points", e.points}});
        out["escalation"] = std::move(steps);
        out["multiplier"] = r.multiplier;
        out["floor"] = r.floor;
    }
    void operator()(const BonusRule& r) {
        out["levels"] = table_json(r.levels);
        out["highest_per_item"] = r.highest_per_item;
        if (r.cap) out["cap"] = *r.cap;
        out["require_evidence"] = r.require_evidence;
    }
    void operator()(const TrimmedMeanRule& r) {
        out["trim_above"] = r.trim_above;
        out["drop_high"] = r.drop_high;
        out["drop_low"] = r.drop_low;
        out["scale"] = r.scale;
    }
    void operator()(const ManualRule&) {}
    void operator()(const NormaliseRule& r) {
        out["method"] = name_of(normalise_methods, r.method);
        out["direction"] = name_of(directions, r.direction);
        out["scope"] = name_of(scopes, r.scope);
        switch (r.method) {
            case NormaliseMethod::minmax:
                out["range"] = json::array{r.lo, r.hi};
                break;
            case NormaliseMethod::goalposts:
                out["lower"] = r.lower;
                out["upper"] = r.upper;
                out["log"] = r.log;
                out["truncate"] = r.truncate;
                break;
            case NormaliseMethod::zscore:
                out["mean"] = r.mean_out;
                out["sd"] = r.sd_out;
                break;
            case NormaliseMethod::distance_to_target:
                out["target"] = reference_json(r.target);
                out["cap"] = r.cap;
                break;
            case NormaliseMethod::percentile_rank:
                break;
        }
    }
};

json::object rule_json(const Rule& rule) {
    RuleWriter writer;
    writer.start(rule, rule_input(rule));
    std::visit(writer, rule);
    return std::move(writer.out);
}

// The keys in which a category's rule differs from the base rule (of the same type); null unsets an
// optional parameter that only the base has.
json::object category_rule_json(const Rule& base, const Rule& category) {
    const json::object b = rule_json(base);
    const json::object c = rule_json(category);
    json::object diff;
    for (const auto& kv : c) {
        const json::value* in_base = b.if_contains(kv.key());
        if (!in_base || *in_base != kv.value()) diff[kv.key()] = kv.value();
    }
    for (const auto& kv : b)
        if (!c.contains(kv.key())) diff[kv.key()] = nullptr;
    return diff;
}

json::object weight_json(const Weight& w) {
    switch (w.kind) {
        case WeightKind::points:
            return json::object{{"points", w.value}};
        case WeightKind::share:
            return json::object{{"share", w.value}};
        case WeightKind::relative:
            return json::object{{"weight", w.value}};
    }
    return {};
}

json::object node_json(const Framework& fw, std::size_t index) {
    const Node& n = fw.nodes[index];
    json::object out{{"id", n.id}, {"name", n.name}};
    if (n.parent >= 0)
        for (const auto& kv : weight_json(n.weight)) out[kv.key()] = kv.value();
    if (!n.weight_by_category.empty()) {
        json::object by_category;
        for (const auto& [category, w] : n.weight_by_category) by_category[category] = weight_json(w);
        out["weight_by_category"] = std::move(by_category);
    }
    if (!n.applies_to.empty()) out["applies_to"] = json::array(n.applies_to.begin(), n.applies_to.end());
    if (n.renormalise) out["renormalise"] = true;
    if (n.aggregation != Aggregation::arithmetic) out["aggregation"] = name_of(aggregations, n.aggregation);
    if (n.missing != MissingPolicy::error) out["missing"] = name_of(missing_policies, n.missing);
    if (!n.note.empty()) out["note"] = n.note;
    if (n.rule) out["rule"] = rule_json(*n.rule);
    if (n.rule && !n.rule_by_category.empty()) {
        json::object by_category;
        for (const auto& [category, rule] : n.rule_by_category)
            by_category[category] = category_rule_json(*n.rule, rule);
        out["rule_by_category"] = std::move(by_category);
    }
    if (!n.children.empty()) {
        json::array children;
        for (auto c : n.children) children.push_back(node_json(fw, c));
        out["children"] = std::move(children);
    }
    return out;
}

json::object adjustment_json(const Adjustment& a) {
    const bool bonus = a.kind == AdjustmentKind::bonus;
    json::object out{{"id", a.id}, {"name", a.name}, {"type", name_of(adjustment_kinds, a.kind)}};
    out[bonus ? "levels" : "price"] = table_json(a.points);
    if (bonus) {
        out["highest_per_item"] = a.highest_per_item;
        out["require_evidence"] = a.require_evidence;
    }
    if (a.cap) out["cap"] = *a.cap;
    return out;
}

json::object veto_json(const Veto& v) {
    json::object out{{"id", v.id}, {"name", v.name}, {"effect", name_of(veto_effects, v.effect)}};
    if (v.effect == VetoEffect::cap) out["cap_grade"] = v.cap_grade;
    if (v.effect == VetoEffect::demote) out["demote_by"] = v.demote_by;
    if (v.when)
        out["when"] =
            json::object{{"item", v.when->item}, {"op", name_of(comparisons, v.when->op)}, {"value", v.when->value}};
    return out;
}

json::object grading_json(const Grading& g) {
    json::array bands, quotas;
    for (const auto& b : g.bands)
        bands.push_back(json::object{{"id", b.id}, {"name", b.name}, {"min", bound_json(b.min)}});
    for (const auto& q : g.quotas) {
        json::object quota{
            {"grade", q.grade}, {"max_share", q.max_share}, {"rounding", name_of(quota_roundings, q.rounding)}};
        if (q.max_count) quota["max_count"] = *q.max_count;
        quotas.push_back(std::move(quota));
    }
    return json::object{{"bands", std::move(bands)}, {"quotas", std::move(quotas)}, {"pool", name_of(scopes, g.pool)}};
}

json::object rounding_json(const RoundingPolicy& r) {
    json::object out;
    if (r.total) out["total"] = *r.total;
    if (r.nodes) out["nodes"] = *r.nodes;
    if (r.leaves) out["leaves"] = *r.leaves;
    return out;
}

}  // namespace

Framework parse_framework_json(std::string_view text, const std::string& source) {
    const json::value doc = detail::parse_json(text, source, detail::JsonFile::framework);
    Framework fw = framework_of(ObjectReader(source, doc, "$"));
    static_cast<void>(resolve(fw));  // structural errors (sums, ids, grades) surface at load
    return fw;
}

Framework read_framework_json(const std::string& path) {
    std::string text;
    try {
        text = read_file(path);
    } catch (const data_error& e) {
        throw framework_error(e.where(), e.reason());
    }
    return parse_framework_json(text, path);
}

std::string framework_to_json(const Framework& fw) {
    if (fw.nodes.empty())
        throw framework_error(Location{fw.source, "$.root", -1, {}}, "the framework has no root node");
    json::array categories, adjustments, vetoes;
    for (const auto& c : fw.categories) categories.push_back(json::object{{"id", c.id}, {"name", c.name}});
    for (const auto& a : fw.adjustments) adjustments.push_back(adjustment_json(a));
    for (const auto& v : fw.vetoes) vetoes.push_back(veto_json(v));
    json::object out{{"kaohe", 1}, {"id", fw.id}, {"name", fw.name}, {"total", fw.total}};
    if (fw.score_scale != 100.0) out["score_scale"] = fw.score_scale;  // written only when it is not the default
    out["categories"] = std::move(categories);
    out["root"] = node_json(fw, 0);
    out["adjustments"] = std::move(adjustments);
    out["vetoes"] = std::move(vetoes);
    out["grading"] = grading_json(fw.grading);
    out["ranking"] = json::object{{"ties", name_of(ranking_ties, fw.ranking.ties)},
                                  {"tie_break", json::array(fw.ranking.tie_break.begin(), fw.ranking.tie_break.end())},
                                  {"on_rounded_total", fw.ranking.on_rounded_total}};
    out["rounding"] = rounding_json(fw.rounding);
    return detail::write_json(out);
}

}  // namespace kaohe::io
