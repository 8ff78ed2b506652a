// RFC 4180 CSV reader with strict UTF-8 checking (include/kaohe/io/csv.hpp).
//
// Choices beyond RFC 4180, made for files exported from spreadsheets:
//  - a UTF-8 byte-order mark is skipped; CRLF, LF and a lone CR all end a record; CRLF inside a quoted field
//    is read as "\n" so a cell's text does not depend on the platform that saved it;
//  - an empty line is kept as a row of empty cells, so that row numbers in errors match what the user sees;
//    empty lines at the end of the file are dropped;
//  - a quote inside an unquoted field is kept literally (5" display), but text after a closing quote is an
//    error, because it means the quoting is broken and the rest of the file would be mis-read.
#include "kaohe/io/csv.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "kaohe/error.hpp"

namespace kaohe::io {

namespace detail {

namespace {

bool is_continuation(unsigned char c) noexcept {
    return (c & 0xC0U) == 0x80U;
}

// Length of the valid UTF-8 sequence starting at text[pos], or 0 if it is not valid (overlong forms,
// surrogates and code points above U+10FFFF are invalid).
std::size_t utf8_sequence_length(std::string_view text, std::size_t pos) noexcept {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[pos + i]); };
    const unsigned char c = byte(0);
    if (c < 0x80U) return 1;
    std::size_t len = 0;
    unsigned char lo = 0x80U, hi = 0xBFU;  // allowed range of the second byte
    if (c >= 0xC2U && c <= 0xDFU) {
        len = 2;
    } else if (c >= 0xE0U && c <= 0xEFU) {
        len = 3;
        if (c == 0xE0U) lo = 0xA0U;  // overlong
        if (c == 0xEDU) hi = 0x9FU;  // UTF-16 surrogates
    } else if (c >= 0xF0U && c <= 0xF4U) {
        len = 4;
        if (c == 0xF0U) lo = 0x90U;  // overlong
        if (c == 0xF4U) hi = 0x8FU;  // above U+10FFFF
    } else {
        return 0;
    }
    if (pos + len > text.size()) return 0;
    if (byte(1) < lo || byte(1) > hi) return 0;
    for (std::size_t i = 2; i < len; ++i)
        if (!is_continuation(byte(i))) return 0;
    return len;
}

}  // namespace

std::size_t invalid_utf8_offset(std::string_view text) noexcept {
    std::size_t pos = 0;
    while (pos < text.size()) {
        const std::size_t len = utf8_sequence_length(text, pos);
        if (len == 0) return pos;
        pos += len;
    }
    return std::string_view::npos;
}

std::string non_utf8_hint() {
    return "the file is not UTF-8; it may be GB18030/GBK-encoded (as Excel and WPS save files on Chinese "
           "Windows): save it as UTF-8 (\"CSV UTF-8\" in Excel) or read it with the Python loader's encoding= "
           "argument (e.g. encoding=\"gb18030\")";
}

}  // namespace detail

namespace {

constexpr std::string_view utf8_bom = "\xEF\xBB\xBF";

std::string_view trim(std::string_view s) {
    const auto first = s.find_first_not_of(" \t");
    if (first == std::string_view::npos) return {};
    const auto last = s.find_last_not_of(" \t");
    return s.substr(first, last - first + 1);
}

bool only_blank_lines(std::string_view text) {
    return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

std::string hex_byte(unsigned char c) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "0x%02X", static_cast<unsigned>(c));
    return buf;
}

// Splits CSV text into records of raw fields, checking UTF-8 as it goes so that the error names the row.
class CsvParser {
public:
    CsvParser(std::string_view text, const std::string& source) : text_(text), source_(source) {}

    std::vector<std::vector<std::string>> records() {
        std::vector<std::vector<std::string>> out;
        while (pos_ < text_.size()) {
            out.push_back(record());
            if (out.size() == 1) header_ = out.front();
            ++row_;
        }
        while (!out.empty() && out.back().empty()) out.pop_back();  // trailing empty lines
        return out;
    }

private:
    [[noreturn]] void fail(long row, const std::string& reason) const {
        throw data_error(Location{source_, {}, row, current_column()}, reason);
    }
    std::string current_column() const {
        if (row_ < 2 || field_ >= header_.size()) return {};
        return std::string(trim(header_[field_]));
    }
    bool at_end() const { return pos_ >= text_.size(); }
    char peek() const { return text_[pos_]; }

    // One record; an empty line gives an empty vector.
    std::vector<std::string> record() {
        std::vector<std::string> fields;
        field_ = 0;
        if (peek() == '\n' || peek() == '\r') {
            end_of_line();
            return fields;
        }
        for (;;) {
            fields.push_back(peek() == '"' ? quoted_field() : plain_field());
            if (at_end()) break;
            if (peek() == ',') {
                ++pos_;
                ++field_;
                if (!at_end()) continue;
                fields.emplace_back();  // "a,b," at the very end of the text: the last field is empty
                break;
            }
            end_of_line();
            break;
        }
        return fields;
    }

    void end_of_line() {
        if (peek() == '\r') ++pos_;
        if (!at_end() && peek() == '\n') ++pos_;
        ++line_;
    }

    std::string plain_field() {
        std::string out;
        while (!at_end() && peek() != ',' && peek() != '\n' && peek() != '\r') append_char(out);
        return out;
    }

    std::string quoted_field() {
        const long start_row = row_, start_line = line_;
        ++pos_;  // opening quote
        std::string out;
        for (;;) {
            if (at_end())
                fail(start_row, "unterminated quoted field: the quote opened on line " + std::to_string(start_line) +
                                    " is never closed (a quote inside a quoted field must be doubled: \"\")");
            const char c = peek();
            if (c == '"') {
                if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '"') {
                    out += '"';
                    pos_ += 2;
                    continue;
                }
                ++pos_;
                break;
            }
            if (c == '\r' || c == '\n') {
                end_of_line();
                out += '\n';
                continue;
            }
            append_char(out);
        }
        if (!at_end() && peek() != ',' && peek() != '\n' && peek() != '\r')
            fail(row_, std::string("unexpected character '") + peek() +
                           "' after the closing quote of a quoted field on line " + std::to_string(line_) +
                           " (a quote inside a quoted field must be doubled: \"\")");
        return out;
    }

    // Appends one character (a whole UTF-8 sequence) at pos_ to `out`.
    void append_char(std::string& out) {
        const std::size_t len = detail::utf8_sequence_length(text_, pos_);
        if (len == 0) {
            fail(row_, "invalid UTF-8 byte " + hex_byte(static_cast<unsigned char>(peek())) + " on line " +
                           std::to_string(line_) + " (byte offset " + std::to_string(pos_) +
                           "): " + detail::non_utf8_hint());
        }
        out.append(text_.substr(pos_, len));
        pos_ += len;
    }

    std::string_view text_;
    const std::string& source_;
    std::size_t pos_ = 0;
    long row_ = 1;   // table row of the record being read (header = 1)
    long line_ = 1;  // physical line, for messages about multi-line fields
    std::size_t field_ = 0;
    std::vector<std::string> header_;
};

std::vector<std::string> checked_header(const std::vector<std::string>& raw, const std::string& source) {
    std::vector<std::string> header;
    for (std::size_t i = 0; i < raw.size(); ++i) {
        std::string name(trim(raw[i]));
        const Location where{source, {}, 1, {}};
        if (name.empty())
            throw data_error(where, "column " + std::to_string(i + 1) + " of the header has an empty name");
        for (std::size_t j = 0; j < header.size(); ++j)
            if (header[j] == name)
                throw data_error(Location{source, {}, 1, name}, "column name '" + name + "' appears twice (columns " +
                                                                    std::to_string(j + 1) + " and " +
                                                                    std::to_string(i + 1) + ")");
        header.push_back(std::move(name));
    }
    return header;
}

void check_row_width(const std::vector<std::string>& row, std::size_t width, long row_number,
                     const std::string& source) {
    if (row.size() == width) return;
    std::string reason = "the row has " + std::to_string(row.size()) + " fields but the header has " +
                         std::to_string(width) + " columns";
    if (row.size() > width) reason += " (a value containing a comma must be quoted: \"1,234\")";
    throw data_error(Location{source, {}, row_number, {}}, reason);
}

}  // namespace

long CsvTable::column(std::string_view name) const {
    for (std::size_t i = 0; i < header.size(); ++i)
        if (header[i] == name) return static_cast<long>(i);
    return -1;
}

CsvTable parse_csv(std::string_view text, const std::string& source) {
    if (text.substr(0, utf8_bom.size()) == utf8_bom) text.remove_prefix(utf8_bom.size());
    if (only_blank_lines(text))
        throw data_error(Location{source, {}, -1, {}}, "the file is empty: expected a header row of column names");
    auto records = CsvParser(text, source).records();
    if (records.front().empty())
        throw data_error(Location{source, {}, 1, {}},
                         "the header row is empty: the first line must list the column names");
    CsvTable table;
    table.source = source;
    table.header = checked_header(records.front(), source);
    const std::size_t width = table.header.size();
    for (std::size_t i = 1; i < records.size(); ++i) {
        auto& row = records[i];
        if (row.empty()) row.resize(width);  // an empty line: a row of empty cells
        check_row_width(row, width, static_cast<long>(i) + 1, source);
        table.rows.push_back(std::move(row));
    }
    return table;
}

CsvTable read_csv(const std::string& path) {
    return parse_csv(read_file(path), path);
}

std::string read_file(const std::string& path) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const Location where{path, {}, -1, {}};
    if (!fs::exists(fs::path(path), ec)) throw data_error(where, "file not found");
    if (fs::is_directory(fs::path(path), ec)) throw data_error(where, "is a directory, not a file");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw data_error(where, std::string("cannot open the file: ") + std::strerror(errno));
    std::ostringstream buffer;
    buffer << in.rdbuf();
    if (in.bad()) throw data_error(where, "error while reading the file");
    return buffer.str();
}

}  // namespace kaohe::io
