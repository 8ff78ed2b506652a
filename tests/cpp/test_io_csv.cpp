// The CSV reader: RFC 4180 quoting, BOM, line endings, header checks and refusal of non-UTF-8 text.
#include <gtest/gtest.h>

#include "support.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "kaohe/error.hpp"
#include "kaohe/io/csv.hpp"

namespace {

using kaohe::data_error;
using kaohe::io::parse_csv;

template <class F>
std::string data_error_message(F&& f) {
    return kaohe::test::error_message<data_error>(std::forward<F>(f));
}

using kaohe::test::expect_mentions;

std::string csv_error(const std::string& text) {
    return data_error_message([&] { static_cast<void>(parse_csv(text, "data.csv")); });
}

TEST(IoCsv, ReadsHeaderAndRows) {
    const auto t = parse_csv("id,name,category\nu1,财政局,dept\nu2,城关镇,town\n", "units.csv");
    EXPECT_EQ(t.source, "units.csv");
    EXPECT_EQ(t.header, (std::vector<std::string>{"id", "name", "category"}));
    ASSERT_EQ(t.rows.size(), 2u);
    EXPECT_EQ(t.rows[1], (std::vector<std::string>{"u2", "城关镇", "town"}));
    EXPECT_EQ(t.column("category"), 2);
    EXPECT_EQ(t.column("missing"), -1);
}

TEST(IoCsv, StripsBomAndReadsCrlfAndQuotedMultilineCells) {
    const std::string text =
        "\xEF\xBB\xBFunit,note\r\nu1,\"第一行\r\n第二行, with comma\"\r\nu2,\"say \"\"hi\"\"\"\r\n";
    const auto t = parse_csv(text, "notes.csv");
    EXPECT_EQ(t.header[0], "unit");  // no BOM in the first column name
    ASSERT_EQ(t.rows.size(), 2u);
    EXPECT_EQ(t.rows[0][1], "第一行\n第二行, with comma");  // CRLF inside quotes read as \n
    EXPECT_EQ(t.rows[1][1], "say \"hi\"");
}

TEST(IoCsv, TrimsHeaderNamesButNotCells) {
    const auto t = parse_csv(" unit ,\tvalue \n u1 , 3 \n", "r.csv");
    EXPECT_EQ(t.header, (std::vector<std::string>{"unit", "value"}));
    EXPECT_EQ(t.rows[0][0], " u1 ");
}

TEST(IoCsv, HandlesMissingFinalNewlineEmptyFieldsAndLoneCr) {
    EXPECT_EQ(parse_csv("a,b\n1,", "x.csv").rows[0], (std::vector<std::string>{"1", ""}));
    EXPECT_EQ(parse_csv("a,b\n,2", "x.csv").rows[0], (std::vector<std::string>{"", "2"}));
    const auto old_mac = parse_csv("a,b\r1,2\r3,4", "x.csv");
    ASSERT_EQ(old_mac.rows.size(), 2u);
    EXPECT_EQ(old_mac.rows[1][1], "4");
    EXPECT_EQ(parse_csv("a,b\n\"\",\"\"\n", "x.csv").rows[0], (std::vector<std::string>{"", ""}));
}

TEST(IoCsv, KeepsEmptyLinesAsBlankRowsSoRowNumbersMatch) {
    const auto t = parse_csv("a,b\n1,2\n\n3,4\n\n\n", "x.csv");
    ASSERT_EQ(t.rows.size(), 3u);  // trailing empty lines dropped
    EXPECT_EQ(t.rows[1], (std::vector<std::string>{"", ""}));
    EXPECT_EQ(t.rows[2][0], "3");  // rows[2] is table row 4, as in an editor
}

TEST(IoCsv, KeepsAQuoteInsideAnUnquotedField) {
    EXPECT_EQ(parse_csv("a\n5\" display\n", "x.csv").rows[0][0], "5\" display");
}

TEST(IoCsv, ReadsAFile) {
    std::random_device rd;
    const auto path = std::filesystem::temp_directory_path() /
                      ("kaohe_io_csv_" + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()) +
                       "_" + std::to_string(rd()) + ".csv");
    std::ofstream(path, std::ios::binary) << "a,b\r\n1,2\r\n";
    const auto t = kaohe::io::read_csv(path.string());
    std::filesystem::remove(path);
    EXPECT_EQ(t.source, path.string());
    EXPECT_EQ(t.rows[0][1], "2");
}

// ---------------------------------------------------------------------------------------------------------
// Errors

TEST(IoCsvErrors, EmptyFile) {
    expect_mentions(csv_error(""), {"data.csv", "the file is empty"});
    expect_mentions(csv_error("\xEF\xBB\xBF\r\n\r\n"), {"data.csv", "the file is empty"});
}

TEST(IoCsvErrors, BlankHeaderLine) {
    expect_mentions(csv_error("\na,b\n1,2\n"), {"data.csv: row 1", "the header row is empty"});
}

TEST(IoCsvErrors, RaggedRow) {
    expect_mentions(csv_error("a,b,c\n1,2,3\n4,5\n"), {"data.csv: row 3", "has 2 fields but the header has 3 columns"});
    expect_mentions(csv_error("a,b\n1,2\n1,234,5\n"), {"data.csv: row 3", "has 3 fields", "must be quoted"});
}

TEST(IoCsvErrors, UnterminatedQuote) {
    expect_mentions(csv_error("a,b\n1,2\n3,\"open\n4,5\n"),
                    {"data.csv: row 3", "unterminated quoted field", "opened on line 3"});
}

TEST(IoCsvErrors, TextAfterClosingQuote) {
    expect_mentions(csv_error("a,b\n1,\"x\"y\n"), {"data.csv: row 2", "after the closing quote"});
}

TEST(IoCsvErrors, Gb18030Bytes) {
    // "测试" in GB18030 is B2 E2 CA D4: an Excel export on Chinese Windows.
    const std::string message = csv_error("unit,name\nu1,ok\nu2,\xb2\xe2\xca\xd4\n");
    expect_mentions(message, {"data.csv: row 3: column 'name'", "invalid UTF-8 byte 0xB2", "line 3", "GB18030",
                              "save it as UTF-8", "encoding="});
    expect_mentions(csv_error("\xd7\xe9\xb1\xf0,b\n1,2\n"), {"data.csv: row 1", "0xD7", "GB18030"});
}

TEST(IoCsvErrors, InvalidUtf8Sequences) {
    expect_mentions(csv_error("a\n\xC0\xAF\n"), {"row 2", "0xC0"});      // overlong '/'
    expect_mentions(csv_error("a\n\xED\xA0\x80\n"), {"row 2", "0xED"});  // UTF-16 surrogate
    expect_mentions(csv_error("a\nok\xE6\x88\n"), {"row 2", "0xE6"});    // truncated sequence
}

TEST(IoCsvErrors, EmptyAndDuplicateHeaderNames) {
    expect_mentions(csv_error("unit,,value\n1,2,3\n"), {"data.csv: row 1", "column 2 of the header has an empty name"});
    expect_mentions(csv_error("unit, value,value\n1,2,3\n"),
                    {"data.csv: row 1: column 'value'", "appears twice (columns 2 and 3)"});
}

TEST(IoCsvErrors, MissingFile) {
    const auto path = (std::filesystem::temp_directory_path() / "kaohe_io_csv_no_such_file.csv").string();
    expect_mentions(data_error_message([&] { static_cast<void>(kaohe::io::read_csv(path)); }),
                    {path, "file not found"});
    const auto dir = std::filesystem::temp_directory_path().string();
    expect_mentions(data_error_message([&] { static_cast<void>(kaohe::io::read_file(dir)); }), {dir, "is a directory"});
}

}  // namespace
