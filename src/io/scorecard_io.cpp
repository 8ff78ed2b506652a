// Score cards as JSON (everything, full precision), CSV (the ranked table with published figures) and an
// aligned text table for terminals (include/kaohe/io/scorecard_io.hpp).
#include "kaohe/io/scorecard_io.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "kaohe/error.hpp"
#include "kaohe/io/framework_json.hpp"

namespace kaohe::io {
namespace {

namespace json = boost::json;

// ---------------------------------------------------------------------------------------------------------
// Shape checks: the writers index every matrix by unit, node and adjustment

void require(bool ok, const std::string& what) {
    if (!ok) throw internal_error("score card is inconsistent: " + what);
}

void check_shapes(const ScoreCard& card) {
    require(card.framework != nullptr, "it has no framework");
    require(card.unit_category.size() == card.units.size() && card.explanations.size() == card.units.size(),
            "categories or explanations do not have one entry per unit");
    require(!card.weights.max_points.empty(), "it has no resolved weights");
    const auto n = static_cast<Eigen::Index>(card.units.size());
    const auto nodes = static_cast<Eigen::Index>(card.framework->nodes.size());
    const auto adjustments = static_cast<Eigen::Index>(card.framework->adjustments.size());
    require(card.total.size() == n && card.weighted_total.size() == n, "totals do not have one entry per unit");
    require(card.rank.size() == n && card.rank_in_category.size() == n, "ranks do not have one entry per unit");
    require(card.grade.size() == card.units.size(), "grades do not have one entry per unit");
    require(card.node_points.rows() == n && card.node_points.cols() == nodes, "node points are not units x nodes");
    require(adjustments == 0 || (card.adjustment_points.rows() == n && card.adjustment_points.cols() == adjustments),
            "adjustment points are not units x adjustments");
}

Eigen::Index idx(std::size_t i) {
    return static_cast<Eigen::Index>(i);
}

// Children of the root: the columns of the ranked table.
const std::vector<std::size_t>& top_level_groups(const ScoreCard& card) {
    return card.framework->root().children;
}

// ---------------------------------------------------------------------------------------------------------
// Numbers as published

std::string full_precision(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.10g", v);
    return buf;
}

// A figure as published: rounded half-up to the framework's decimals for `what` ("total", "nodes") and
// printed with exactly that many decimals (95.50, not 95.5); full precision where the framework does not
// say. Missing figures are blank.
std::string published(const ScoreCard& card, double v, const char* what) {
    if (!std::isfinite(v)) return {};
    const RoundingPolicy& r = card.framework->rounding;
    const std::optional<int>& decimals = std::string(what) == "total" ? r.total : r.nodes;
    if (!decimals) return full_precision(v);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", *decimals, card.published(v, what));
    return buf;
}

std::string rank_text(double rank) {
    return std::isnan(rank) ? std::string() : full_precision(rank);
}

json::value number_or_null(double v) {
    return std::isfinite(v) ? json::value(v) : json::value(nullptr);
}

// ---------------------------------------------------------------------------------------------------------
// JSON

json::array explain_json(const std::vector<ExplainLine>& lines) {
    json::array out;
    for (const auto& line : lines)
        out.push_back(json::object{
            {"path", line.path}, {"kind", line.kind}, {"points", number_or_null(line.points)}, {"note", line.note}});
    return out;
}

json::object unit_json(const ScoreCard& card, std::size_t u) {
    const Framework& fw = *card.framework;
    const Unit& unit = card.units[u];
    json::object nodes, scores, adjustments;
    const std::vector<double> unit_scores = card.unit_scores(u);
    for (std::size_t i = 0; i < fw.nodes.size(); ++i) {
        nodes[fw.nodes[i].id] = number_or_null(card.node_points(idx(u), idx(i)));
        scores[fw.nodes[i].id] = number_or_null(unit_scores[i]);
    }
    for (std::size_t a = 0; a < fw.adjustments.size(); ++a)
        adjustments[fw.adjustments[a].id] = number_or_null(card.adjustment_points(idx(u), idx(a)));
    json::object out{{"id", unit.id},
                     {"name", unit.name},
                     {"category", unit.category},
                     {"total", number_or_null(card.total(idx(u)))},
                     {"weighted_total", number_or_null(card.weighted_total(idx(u)))},
                     {"rank", number_or_null(card.rank(idx(u)))},
                     {"rank_in_category", number_or_null(card.rank_in_category(idx(u)))},
                     {"grade", card.grade[u].empty() ? json::value(nullptr) : json::value(card.grade[u])},
                     {"disqualified", u < card.disqualified.size() && card.disqualified[u]}};
    out["nodes"] = std::move(nodes);
    out["scores"] = std::move(scores);  // each node's ratio x the framework's score_scale
    out["adjustments"] = std::move(adjustments);
    out["explain"] = explain_json(card.explain_lines(u));
    return out;
}

// ---------------------------------------------------------------------------------------------------------
// CSV

// "-3.5", "+2", "1e-3": text that is a plain number, which no spreadsheet runs as a formula.
bool is_plain_number(const std::string& s) {
    std::size_t i = 0;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    std::size_t digits = 0;
    bool point = false;
    for (; i < s.size(); ++i) {
        if (s[i] >= '0' && s[i] <= '9') {
            ++digits;
        } else if (s[i] == '.' && !point) {
            point = true;
        } else {
            break;
        }
    }
    if (digits == 0) return false;
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
        std::size_t exponent = 0;
        for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) ++exponent;
        if (exponent == 0) return false;
    }
    return i == s.size();
}

std::string csv_field(const std::string& s) {
    const bool quote =
        s.find_first_of(",\"\r\n") != std::string::npos || (!s.empty() && (s.front() == ' ' || s.back() == ' '));
    if (!quote) return s;
    std::string out = "\"";
    for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

std::string csv_line(const std::vector<std::string>& fields) {
    std::string out;
    for (std::size_t i = 0; i < fields.size(); ++i) out += (i ? "," : "") + csv_field(fields[i]);
    return out + "\n";
}

// One row of the ranked table, figures as published.
std::vector<std::string> ranked_row(const ScoreCard& card, std::size_t u) {
    const Unit& unit = card.units[u];
    std::vector<std::string> row{rank_text(card.rank(idx(u))),
                                 unit.id,
                                 unit.name,
                                 unit.category,
                                 published(card, card.total(idx(u)), "total"),
                                 rank_text(card.rank_in_category(idx(u))),
                                 card.grade[u]};
    for (auto g : top_level_groups(card)) row.push_back(published(card, card.node_points(idx(u), idx(g)), "nodes"));
    return row;
}

// ---------------------------------------------------------------------------------------------------------
// Terminal table

// Decodes the UTF-8 code point at s[i] and advances i; a stray byte counts as one character.
char32_t next_code_point(const std::string& s, std::size_t& i) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t len = c < 0x80U ? 1 : c < 0xE0U ? 2 : c < 0xF0U ? 3 : 4;
    if (c >= 0x80U && c < 0xC0U) {
        ++i;
        return c;
    }
    char32_t cp = len == 1 ? c : len == 2 ? (c & 0x1FU) : len == 3 ? (c & 0x0FU) : (c & 0x07U);
    std::size_t k = 1;
    for (; k < len && i + k < s.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3FU);
    i += k;
    return cp;
}

bool is_wide(char32_t cp) {
    return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) || (cp >= 0xAC00 && cp <= 0xD7A3) ||
           (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
           (cp >= 0xFFE0 && cp <= 0xFFE6);
}

// Columns the text takes in a terminal: CJK and fullwidth characters take two.
std::size_t display_width(const std::string& s) {
    std::size_t width = 0;
    for (std::size_t i = 0; i < s.size();) width += is_wide(next_code_point(s, i)) ? 2 : 1;
    return width;
}

std::string padded(const std::string& s, std::size_t width, bool right) {
    const std::string pad(width - std::min(width, display_width(s)), ' ');
    return right ? pad + s : s + pad;
}

std::string display_name(const std::string& name, const std::string& id) {
    return name.empty() ? id : name;
}

std::string category_name(const Framework& fw, const std::string& id) {
    for (const auto& c : fw.categories)
        if (c.id == id) return display_name(c.name, c.id);
    return id;
}

std::string grade_name(const Framework& fw, const std::string& id) {
    for (const auto& g : fw.grading.bands)
        if (g.id == id) return display_name(g.name, g.id);
    return id;
}

std::vector<std::string> table_header(const ScoreCard& card) {
    std::vector<std::string> header{"rank", "unit", "name", "category", "total", "rank_in_category", "grade"};
    for (auto g : top_level_groups(card))
        header.push_back(display_name(card.framework->nodes[g].name, card.framework->nodes[g].id));
    return header;
}

std::string table_line(const std::vector<std::string>& cells, const std::vector<std::size_t>& widths,
                       const std::vector<bool>& right) {
    std::string line;
    for (std::size_t c = 0; c < cells.size(); ++c) line += (c ? "  " : "") + padded(cells[c], widths[c], right[c]);
    while (!line.empty() && line.back() == ' ') line.pop_back();
    return line + "\n";
}

}  // namespace

std::string neutralise_csv_text(const std::string& text) {
    const std::size_t first = text.find_first_not_of('\'');
    if (first == std::string::npos) return text;
    const char c = text[first];
    const bool formula = c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
    if (!formula || is_plain_number(text)) return text;
    return "'" + text;
}

std::string scorecard_to_json(const ScoreCard& card) {
    check_shapes(card);
    json::array units, warnings;
    for (std::size_t u = 0; u < card.units.size(); ++u) units.push_back(unit_json(card, u));
    for (const auto& w : card.warnings) warnings.push_back(json::value(w));
    const json::object out{
        {"framework", card.framework->id}, {"units", std::move(units)}, {"warnings", std::move(warnings)}};
    return detail::write_json(out);
}

std::string scorecard_to_csv(const ScoreCard& card, bool raw) {
    check_shapes(card);
    const auto text = [raw](const std::string& s) { return raw ? s : neutralise_csv_text(s); };
    std::vector<std::string> header{"rank", "unit", "name", "category", "total", "rank_in_category", "grade"};
    for (auto g : top_level_groups(card)) header.push_back(text(card.framework->nodes[g].id));
    std::string out = csv_line(header);
    for (auto u : card.order()) {
        auto row = ranked_row(card, u);  // rank, unit, name, category, total, rank_in_category, grade, groups
        row[1] = text(row[1]);           // the figures are numbers and stay as they are
        row[2] = text(row[2]);
        row[3] = text(row[3]);
        row[6] = text(row[6]);
        out += csv_line(row);
    }
    return out;
}

std::string ranked_table(const ScoreCard& card) {
    check_shapes(card);
    const Framework& fw = *card.framework;
    std::vector<std::vector<std::string>> rows{table_header(card)};
    for (auto u : card.order()) {
        auto row = ranked_row(card, u);
        row[3] = category_name(fw, row[3]);
        row[6] = grade_name(fw, row[6]);
        rows.push_back(std::move(row));
    }
    std::vector<bool> right(rows.front().size(), true);  // figures right-aligned, text left-aligned
    right[1] = right[2] = right[3] = right[6] = false;
    std::vector<std::size_t> widths(right.size(), 0);
    for (const auto& row : rows)
        for (std::size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], display_width(row[c]));
    std::string out = table_line(rows.front(), widths, right);
    std::size_t rule = 0;
    for (auto w : widths) rule += w;
    out += std::string(rule + 2 * (widths.size() - 1), '-') + "\n";
    for (std::size_t r = 1; r < rows.size(); ++r) out += table_line(rows[r], widths, right);
    return out;
}

}  // namespace kaohe::io
