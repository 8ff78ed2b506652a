// A small RFC 4180 CSV reader: quoted fields, embedded commas, quotes and newlines, CRLF, a UTF-8 BOM.
// Input must be UTF-8; a file in another encoding (GB18030/GBK exports) is rejected with the row where the
// first invalid byte sits and a hint, never silently mis-read. (The Python layer converts encodings.)
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace kaohe::io {

struct CsvTable {
    std::string source;                          // file name, for error messages
    std::vector<std::string> header;             // column names, trimmed
    std::vector<std::vector<std::string>> rows;  // data rows; rows[i] is table row i + 2 (header is row 1)

    // Index of a column, or -1.
    [[nodiscard]] long column(std::string_view name) const;
};

// Parses CSV text. Throws data_error naming `source`, the row and the reason (ragged rows, unterminated
// quotes, empty or duplicate column names, invalid UTF-8, an empty file).
[[nodiscard]] CsvTable parse_csv(std::string_view text, const std::string& source);
// Reads and parses a CSV file; a file that cannot be opened is a data_error naming it.
[[nodiscard]] CsvTable read_csv(const std::string& path);

// Reads a whole file as bytes; throws data_error naming the path if it cannot be opened.
[[nodiscard]] std::string read_file(const std::string& path);

namespace detail {
// Byte offset of the first byte that is not part of a valid UTF-8 sequence, or std::string_view::npos.
[[nodiscard]] std::size_t invalid_utf8_offset(std::string_view text) noexcept;
// The advice given with every invalid-UTF-8 error: the likely encoding and how to convert it.
[[nodiscard]] std::string non_utf8_hint();
}  // namespace detail

}  // namespace kaohe::io
