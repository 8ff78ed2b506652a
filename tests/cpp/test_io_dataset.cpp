// Units, results and events from CSV and JSON files, and the errors that name file, row and column.
#include <gtest/gtest.h>

#include "support.hpp"

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "kaohe/error.hpp"
#include "kaohe/io/dataset_io.hpp"

namespace {

using kaohe::test::TempDir;

using kaohe::data_error;
using kaohe::Dataset;
using kaohe::EventType;

template <class F>
std::string data_error_message(F&& f) {
    return kaohe::test::error_message<data_error>(std::forward<F>(f));
}

using kaohe::test::expect_mentions;

const char* const units_csv = "id,name,category,in_pool\nfin,财政局,dept,true\ntax,税务局,dept,\ntown1,城关镇,town,0\n";

// A fixture with the three units above already loaded.
class IoDataset : public ::testing::Test {
protected:
    void SetUp() override {
        ds.units_source = dir.write("units.csv", units_csv);
        ds.units = kaohe::io::read_units(ds.units_source);
    }
    Dataset results(const std::string& name, const std::string& content) {
        Dataset copy = ds;
        kaohe::io::read_results(dir.write(name, content), copy);
        return copy;
    }
    std::string results_error(const std::string& name, const std::string& content) {
        const std::string path = dir.write(name, content);
        return data_error_message([&] {
            Dataset copy = ds;
            kaohe::io::read_results(path, copy);
        });
    }
    std::vector<kaohe::Event> events(const std::string& name, const std::string& content) {
        return kaohe::io::read_events(dir.write(name, content), ds);
    }
    std::string events_error(const std::string& name, const std::string& content) {
        const std::string path = dir.write(name, content);
        return data_error_message([&] { static_cast<void>(kaohe::io::read_events(path, ds)); });
    }

    TempDir dir;
    Dataset ds;
};
using IoDatasetErrors = IoDataset;

// ---------------------------------------------------------------------------------------------------------
// Units

TEST_F(IoDataset, ReadsUnitsCsv) {
    ASSERT_EQ(ds.units.size(), 3u);
    EXPECT_EQ(ds.units[0].id, "fin");
    EXPECT_EQ(ds.units[0].name, "财政局");
    EXPECT_EQ(ds.units[2].category, "town");
    EXPECT_TRUE(ds.units[0].in_pool);
    EXPECT_TRUE(ds.units[1].in_pool);  // blank = default true
    EXPECT_FALSE(ds.units[2].in_pool);
}

TEST_F(IoDataset, ReadsUnitsJsonLikeCsv) {
    const auto units = kaohe::io::read_units(dir.write("units.json", R"({"units": [
        {"id": "fin", "name": "财政局", "category": "dept", "in_pool": true},
        {"id": "tax", "name": "税务局", "category": "dept"},
        {"id": "town1", "name": "城关镇", "category": "town", "in_pool": false}]})"));
    ASSERT_EQ(units.size(), ds.units.size());
    for (std::size_t i = 0; i < units.size(); ++i) {
        EXPECT_EQ(units[i].id, ds.units[i].id);
        EXPECT_EQ(units[i].name, ds.units[i].name);
        EXPECT_EQ(units[i].category, ds.units[i].category);
        EXPECT_EQ(units[i].in_pool, ds.units[i].in_pool);
    }
}

TEST_F(IoDataset, UnitsWithoutInPoolColumnAndBlankRows) {
    const auto units = kaohe::io::read_units(dir.write("u.csv", "id,name,category\r\na,A,x\r\n,,\r\nb,B,x\r\n"));
    ASSERT_EQ(units.size(), 2u);
    EXPECT_TRUE(units[1].in_pool);
}

// ---------------------------------------------------------------------------------------------------------
// Results

TEST_F(IoDataset, WideAndLongResultsGiveTheSameMatrix) {
    const Dataset wide = results("wide.csv",
                                 "unit,court_attended,court_required,counsel\n"
                                 "fin,32,55,专职\n"
                                 "town1, 40 ,40,\n");
    const Dataset long_form = results("long.csv",
                                      "unit,item,value\n"
                                      "fin,court_attended,32\n"
                                      "fin,court_required,55\n"
                                      "fin,counsel,专职\n"
                                      "town1,court_attended,40\n"
                                      "town1,court_required,40\n");
    EXPECT_EQ(wide.items, (std::vector<std::string>{"court_attended", "court_required", "counsel"}));
    EXPECT_EQ(long_form.items, wide.items);
    ASSERT_EQ(wide.values.rows(), 3);
    ASSERT_EQ(wide.values.cols(), 3);
    for (Eigen::Index u = 0; u < 3; ++u)
        for (Eigen::Index j = 0; j < 3; ++j) {
            const double a = wide.values(u, j), b = long_form.values(u, j);
            EXPECT_TRUE((std::isnan(a) && std::isnan(b)) || a == b) << u << "," << j;
        }
    EXPECT_EQ(wide.text, long_form.text);
    EXPECT_EQ(*wide.text_at(0, 2), "专职");
    EXPECT_DOUBLE_EQ(wide.values(2, 0), 40.0);   // spaces around a number are fine
    EXPECT_TRUE(std::isnan(wide.values(1, 0)));  // tax has no row: all missing
    EXPECT_TRUE(std::isnan(wide.values(2, 2)));  // empty cell = missing
    EXPECT_EQ(wide.results_source, dir.path("wide.csv"));
}

TEST_F(IoDataset, JsonResultsMatchCsv) {
    const Dataset csv = results("wide.csv", "unit,a,b,c\nfin,1.5,-2e3,yes\ntax,,7,\n");
    const Dataset json = results("r.json", R"({"results": {"fin": {"a": 1.5, "b": -2000, "c": "yes"},
                                                          "tax": {"a": null, "b": 7}}})");
    EXPECT_EQ(json.items, csv.items);
    EXPECT_DOUBLE_EQ(json.values(0, 1), -2000.0);
    EXPECT_DOUBLE_EQ(csv.values(0, 1), -2000.0);
    EXPECT_TRUE(std::isnan(json.values(1, 0)));
    EXPECT_EQ(json.text, csv.text);
}

TEST_F(IoDataset, LongItemsInOrderOfFirstAppearance) {
    const Dataset d = results("long.csv", "value,unit,item\n1,fin,z\n2,fin,a\n3,tax,z\n");
    EXPECT_EQ(d.items, (std::vector<std::string>{"z", "a"}));
    EXPECT_DOUBLE_EQ(d.values(1, 0), 3.0);
}

TEST_F(IoDataset, LoadDatasetReadsAllThree) {
    const Dataset d = kaohe::io::load_dataset(dir.path("units.csv"), dir.write("r.csv", "unit,x\nfin,1\n"),
                                              dir.write("e.csv", "unit,type,target,note,value\nfin,manual,x,评议,3\n"));
    EXPECT_EQ(d.units.size(), 3u);
    EXPECT_EQ(d.items, std::vector<std::string>{"x"});
    ASSERT_EQ(d.events.size(), 1u);
    EXPECT_EQ(d.events_source, dir.path("e.csv"));
    EXPECT_EQ(d.units_source, dir.path("units.csv"));
}

// ---------------------------------------------------------------------------------------------------------
// Events

TEST_F(IoDataset, ReadsEveryEventTypeFromCsv) {
    const auto e = events("events.csv",
                          "unit,type,target,kind,count,item,level,share,evidence,rater,value,note\n"
                          "fin,deduction,complaints,late,2,,,,,,,逾期办理\n"
                          "fin,bonus,innovation,,,\"改革案例\",province,0.5,\"某政发〔2019〕3号\",,,\n"
                          "tax,rating,satisfaction,,,,,,,r1,,不了解\n"
                          "tax,rating,satisfaction,,,,,,,r2,88,\n"
                          "town1,manual,review,,,,,,,,7.5,综合评议\n"
                          "town1,judgement,law_training,,,,,,,,2,部分完成\n"
                          "fin,override,court_rate,,,,,,,,9,复核调整\n"
                          "fin,veto,major_accident,,,,,,,,,发生重大事故\n"
                          "tax,grade,,,,,excellent,,,,,专项晋优\n");
    ASSERT_EQ(e.size(), 9u);
    EXPECT_EQ(e[0].type, EventType::deduction);
    EXPECT_EQ(e[0].kind, "late");
    EXPECT_DOUBLE_EQ(e[0].count, 2.0);
    EXPECT_EQ(e[0].note, "逾期办理");
    EXPECT_EQ(e[1].type, EventType::bonus);
    EXPECT_EQ(e[1].item, "改革案例");
    EXPECT_EQ(e[1].level, "province");
    EXPECT_DOUBLE_EQ(e[1].share, 0.5);
    EXPECT_DOUBLE_EQ(e[1].count, 1.0);  // default
    EXPECT_EQ(e[1].evidence, "某政发〔2019〕3号");
    EXPECT_TRUE(std::isnan(e[2].value));  // blank rating = "don't know"
    EXPECT_EQ(e[3].rater, "r2");
    EXPECT_DOUBLE_EQ(e[3].value, 88.0);
    EXPECT_EQ(e[6].type, EventType::override_);
    EXPECT_EQ(e[7].type, EventType::veto);
    EXPECT_EQ(e[8].type, EventType::grade);
    EXPECT_EQ(e[8].level, "excellent");
    EXPECT_EQ(e[8].source.file, dir.path("events.csv"));
    EXPECT_EQ(e[8].source.row, 10);
}

TEST_F(IoDataset, ReadsEventsJsonWithOnlyRequiredColumns) {
    const auto e = events("events.json", R"({"events": [
        {"unit": "fin", "type": "deduction", "target": "complaints", "kind": "late", "count": 3},
        {"unit": "tax", "type": "rating", "target": "satisfaction", "rater": "r1", "value": null},
        {"unit": "town1", "type": "manual", "target": "review", "value": "6", "note": "评议"}]})");
    ASSERT_EQ(e.size(), 3u);
    EXPECT_DOUBLE_EQ(e[0].count, 3.0);
    EXPECT_TRUE(std::isnan(e[1].value));
    EXPECT_DOUBLE_EQ(e[2].value, 6.0);
    EXPECT_EQ(e[2].source.path, "$.events[2]");
    const auto minimal = events("min.csv", "unit,type,target\nfin,deduction,complaints\n");
    ASSERT_EQ(minimal.size(), 1u);
    EXPECT_DOUBLE_EQ(minimal[0].count, 1.0);
}

// ---------------------------------------------------------------------------------------------------------
// Errors: each names the file, the row (or JSON path) and column, and the reason

TEST_F(IoDatasetErrors, UnitsTable) {
    const auto units_error = [&](const std::string& name, const std::string& content) {
        const std::string path = dir.write(name, content);
        return data_error_message([&] { static_cast<void>(kaohe::io::read_units(path)); });
    };
    expect_mentions(units_error("dup.csv", "id,name,category\na,A,x\nb,B,x\na,A2,x\n"),
                    {"dup.csv: row 4: column 'id'", "unit id 'a' is already used in row 2"});
    expect_mentions(units_error("empty_id.csv", "id,name,category\na,A,x\n ,B,x\n"),
                    {"empty_id.csv: row 3: column 'id'", "empty unit id"});
    expect_mentions(units_error("no_category.csv", "id,name\na,A\n"),
                    {"no_category.csv: row 1", "missing required column 'category'"});
    expect_mentions(units_error("extra.csv", "id,name,category,in-pool\na,A,x,1\n"),
                    {"extra.csv: row 1: column 'in-pool'", "unknown column 'in-pool'",
                     "allowed columns: id, name, category, in_pool"});
    expect_mentions(units_error("pool.csv", "id,name,category,in_pool\na,A,x,yes\n"),
                    {"pool.csv: row 2: column 'in_pool'", "in_pool must be true, false, 1 or 0, got 'yes'"});
    expect_mentions(units_error("dup.json", R"({"units": [{"id": "a"}, {"id": "a"}]})"),
                    {"dup.json: $.units[1].id", "unit id 'a' is already used in $.units[0]"});
    expect_mentions(units_error("type.json", R"({"units": [{"id": 7}]})"),
                    {"type.json: $.units[0].id", "expected a string, got a number"});
    expect_mentions(units_error("key.json", R"({"units": [{"id": "a", "categroy": "x"}]})"),
                    {"key.json: $.units[0].categroy", "unknown key 'categroy'"});
    expect_mentions(units_error("syntax.json", "{\"units\": [\n  {\"id\": \"a\"\n]}"),
                    {"syntax.json: line 3", "invalid JSON"});
}

TEST_F(IoDatasetErrors, ResultsCells) {
    expect_mentions(results_error("nan.csv", "unit,a,b\nfin,1,NaN\n"),
                    {"nan.csv: row 2: column 'b'", "NaN and infinite values are not allowed"});
    expect_mentions(results_error("inf.csv", "unit,a\nfin,1\ntax,-inf\n"),
                    {"inf.csv: row 3: column 'a'", "'-inf'", "NaN and infinite values are not allowed"});
    expect_mentions(results_error("infinity.csv", "unit,a\nfin,Infinity\n"), {"row 2", "not allowed"});
    expect_mentions(results_error("percent.csv", "unit,court_rate\nfin,58.18%\n"),
                    {"percent.csv: row 2: column 'court_rate'", "'58.18%' is a percentage",
                     "write the plain number 58.18 (or the fraction 0.5818)"});
    expect_mentions(results_error("overflow.csv", "unit,a\nfin,1e999\n"),
                    {"overflow.csv: row 2: column 'a'", "out of range", "NaN and infinite values are not allowed"});
    expect_mentions(results_error("div0.csv", "unit,a\nfin,#DIV/0!\n"),
                    {"div0.csv: row 2: column 'a'", "spreadsheet error value"});
    expect_mentions(results_error("nan.json", R"({"results": {"fin": {"a": "nan"}}})"),
                    {"nan.json: $.results.fin.a", "NaN and infinite values are not allowed"});
    expect_mentions(results_error("bool.json", R"({"results": {"fin": {"a": true}}})"),
                    {"bool.json: $.results.fin.a", "expected a number, a text answer or null, got a boolean"});
}

TEST_F(IoDatasetErrors, ResultsRows) {
    expect_mentions(results_error("unknown.csv", "unit,a\nfin,1\nwater,2\n"),
                    {"unknown.csv: row 3: column 'unit'", "unit 'water' is not in the units table", "units.csv"});
    expect_mentions(results_error("dup_wide.csv", "unit,a\nfin,1\ntax,2\nfin,3\n"),
                    {"dup_wide.csv: row 4: column 'unit'", "unit 'fin' already has a row (row 2)"});
    expect_mentions(results_error("dup_long.csv", "unit,item,value\nfin,a,1\nfin,b,2\nfin,a,3\n"),
                    {"dup_long.csv: row 4: column 'item'", "unit 'fin' item 'a' is already given in row 2"});
    expect_mentions(results_error("long_extra.csv", "unit,item,value,note\nfin,a,1,x\n"),
                    {"long_extra.csv: row 1: column 'note'", "unknown column 'note'", "unit, item, value"});
    expect_mentions(results_error("no_unit.csv", "id,a\nfin,1\n"),
                    {"no_unit.csv: row 1", "missing required column 'unit'"});
    expect_mentions(results_error("empty.csv", ""), {"empty.csv", "the file is empty"});
    expect_mentions(results_error("unknown.json", R"({"results": {"水务局": {"a": 1}}})"),
                    {"unknown.json: $.results[\"水务局\"]", "unit '水务局' is not in the units table"});
    expect_mentions(results_error("gbk.csv", "unit,a\nfin,\xb2\xe2\xca\xd4\n"),
                    {"gbk.csv: row 2: column 'a'", "invalid UTF-8", "GB18030"});
}

TEST_F(IoDatasetErrors, Events) {
    const std::string header = "unit,type,target,kind,count,share,value,note\n";
    expect_mentions(events_error("type.csv", header + "fin,deduct,complaints,late,1,,,\n"),
                    {"type.csv: row 2: column 'type'", "unknown event type 'deduct'",
                     "allowed types: deduction, bonus, rating, manual, judgement, override, veto, grade"});
    expect_mentions(
        events_error("unit.csv", header + "fin,deduction,complaints,late,1,,,\nwater,deduction,complaints,late,1,,,\n"),
        {"unit.csv: row 3: column 'unit'", "unit 'water' is not in the units table"});
    expect_mentions(events_error("count.csv", header + "fin,deduction,complaints,late,two,,,\n"),
                    {"count.csv: row 2: column 'count'", "expected a number, got 'two'"});
    expect_mentions(events_error("nan.csv", header + "fin,manual,review,,,,nan,评议\n"),
                    {"nan.csv: row 2: column 'value'", "NaN and infinite values are not allowed"});
    expect_mentions(events_error("note.csv", header + "fin,manual,review,,,,5,\n"),
                    {"note.csv: row 2: column 'note'", "a manual event needs a note"});
    expect_mentions(events_error("points.csv", header + "fin,judgement,law_training,,,,,部分完成\n"),
                    {"points.csv: row 2: column 'value'", "a judgement event needs a value"});
    expect_mentions(events_error("target.csv", header + "fin,veto,,,,,,事故\n"),
                    {"target.csv: row 2: column 'target'", "a veto event needs a target"});
    expect_mentions(events_error("share.csv", header + "fin,bonus,innovation,,,1.5,,\n"),
                    {"share.csv: row 2: column 'share'", "share must be greater than 0 and at most 1"});
    expect_mentions(events_error("missing_col.csv", "unit,type\nfin,veto\n"),
                    {"missing_col.csv: row 1", "missing required column 'target'"});
    expect_mentions(
        events_error("events.json", R"({"events": [{"unit": "fin", "type": "veto", "target": "x", "note": "n"},
                                                                {"unit": "fin", "type": "refund", "target": "x"}]})"),
        {"events.json: $.events[1].type", "unknown event type 'refund'"});
    expect_mentions(
        events_error("key.json", R"({"events": [{"unit": "fin", "type": "veto", "target": "x", "reason": "n"}]})"),
        {"key.json: $.events[0].reason", "unknown key 'reason'"});
}

TEST_F(IoDatasetErrors, Files) {
    expect_mentions(
        data_error_message([&] { static_cast<void>(kaohe::io::read_units(dir.write("units.xlsx", "PK"))); }),
        {"units.xlsx", "unsupported file type '.xlsx'", "expected a .csv or .json file", "CSV UTF-8"});
    expect_mentions(
        data_error_message([&] { static_cast<void>(kaohe::io::read_events(dir.write("events.txt", ""), ds)); }),
        {"events.txt", "unsupported file type '.txt'"});
    const std::string missing = dir.path("nowhere.csv");
    expect_mentions(data_error_message([&] { static_cast<void>(kaohe::io::read_units(missing)); }),
                    {missing, "file not found"});
    expect_mentions(results_error("top.json", R"({"values": {}})"), {"top.json: $.values", "unknown key 'values'"});
}

}  // namespace
