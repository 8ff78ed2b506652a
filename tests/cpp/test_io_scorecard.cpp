// Writing score cards: JSON (full precision, NaN as null), the ranked CSV (published figures) and the
// terminal table (CJK characters two columns wide).
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <limits>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "kaohe/io/dataset_io.hpp"
#include "kaohe/io/framework_json.hpp"
#include "kaohe/io/scorecard_io.hpp"
#include "kaohe/score.hpp"

namespace {

constexpr double NA = std::numeric_limits<double>::quiet_NaN();

const char* const framework_text = R"({
  "id": "district-2019", "name": "考核", "total": 100,
  "categories": [{"id": "dept", "name": "区直部门"}, {"id": "town", "name": "镇街"}],
  "root": {"id": "district", "name": "总分", "children": [
    {"id": "law", "name": "依法行政", "points": 40, "children": [
      {"id": "court", "name": "出庭应诉", "points": 40, "rule": {"type": "manual"}}]},
    {"id": "service", "name": "公共服务", "points": 60, "rule": {"type": "manual"}}]},
  "adjustments": [{"id": "praise", "name": "表扬", "type": "bonus", "levels": {"city": 2}}],
  "grading": {"bands": [{"id": "excellent", "name": "优秀", "min": 95}, {"id": "fail", "name": "不达标", "min": null}]},
  "rounding": {"total": 2, "nodes": 1}
})";

// Four units: two ranked in each category order, one disqualified (rank NaN, no grade).
kaohe::ScoreCard sample_card(const std::string& framework_json = framework_text) {
    kaohe::ScoreCard card;
    card.framework =
        std::make_shared<const kaohe::Framework>(kaohe::io::parse_framework_json(framework_json, "fw.json"));
    card.weights = kaohe::resolve(*card.framework);
    card.leaves = card.framework->leaves();
    card.unit_category = {0, 1, 0, 1};
    card.units = {{"fin", "财政局", "dept", true},
                  {"chengguan", "城关镇街道办事处", "town", true},
                  {"tax", "税务局, 第一分局", "dept", true},
                  {"water", "水务局", "town", true}};
    card.node_points.resize(4, 4);                     // district, law, court, service
    card.node_points << 95.125, 38.25, 38.25, 56.875,  //
        97.5, 40, 40, 57.5,                            //
        88, 30, 30, 58,                                //
        70, 20, 20, 50;
    card.adjustment_points = Eigen::MatrixXd::Zero(4, 1);
    card.adjustment_points(1, 0) = 2.0;
    card.weighted_total = card.node_points.col(0);
    card.total = card.weighted_total + card.adjustment_points.col(0);
    card.total(1) = 97.5;
    card.rank.resize(4);
    card.rank << 2, 1, 3, NA;
    card.rank_in_category.resize(4);
    card.rank_in_category << 1, 1, 2, NA;
    card.grade = {"excellent", "excellent", "fail", ""};
    card.disqualified = {false, false, false, true};
    card.explanations.resize(4);
    card.explanations[3].push_back({"ineligible", "veto", 0.0, "取消评优资格"});
    card.warnings = {"unit 'water' was disqualified"};
    return card;
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

// Terminal columns of UTF-8 text, CJK (U+2E80-U+A4CF, U+FF00-U+FF60) counted as two.
std::size_t columns(const std::string& s) {
    std::size_t width = 0;
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        const std::size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        unsigned cp = len == 1 ? c : len == 2 ? (c & 0x1FU) : len == 3 ? (c & 0x0FU) : (c & 0x07U);
        for (std::size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3FU);
        width += ((cp >= 0x2E80 && cp <= 0xA4CF) || (cp >= 0xFF00 && cp <= 0xFF60)) ? 2 : 1;
        i += len;
    }
    return width;
}

TEST(IoScorecard, CsvIsSortedByRankWithPublishedFigures) {
    const auto lines = lines_of(kaohe::io::scorecard_to_csv(sample_card()));
    ASSERT_EQ(lines.size(), 5u);
    EXPECT_EQ(lines[0], "rank,unit,name,category,total,rank_in_category,grade,law,service");
    EXPECT_EQ(lines[1], "1,chengguan,城关镇街道办事处,town,97.50,1,excellent,40.0,57.5");
    EXPECT_EQ(lines[2], "2,fin,财政局,dept,95.13,1,excellent,38.3,56.9");  // half-up: 95.125 -> 95.13
    EXPECT_EQ(lines[3], "3,tax,\"税务局, 第一分局\",dept,88.00,2,fail,30.0,58.0");
    EXPECT_EQ(lines[4], ",water,水务局,town,70.00,,,20.0,50.0");  // disqualified: last, no rank or grade
}

TEST(IoScorecard, CsvPrintsFullPrecisionWithoutARoundingPolicy) {
    std::string text = framework_text;
    text.replace(text.find(R"("rounding": {"total": 2, "nodes": 1})"), 36, R"("rounding": {})");
    auto card = sample_card(text);
    card.total(0) = 100.0 / 3.0;
    card.node_points(0, 1) = NA;  // an excluded group is blank
    const auto lines = lines_of(kaohe::io::scorecard_to_csv(card));
    EXPECT_EQ(lines[2], "2,fin,财政局,dept,33.33333333,1,excellent,,56.875");
}

TEST(IoScorecard, CsvOrdersTiedUnitsByUnitOrder) {
    auto card = sample_card();
    card.rank << 1, 1, 1, 1;
    const auto lines = lines_of(kaohe::io::scorecard_to_csv(card));
    EXPECT_EQ(lines[1].substr(0, 6), "1,fin,");
    EXPECT_EQ(lines[4].substr(0, 8), "1,water,");
}

TEST(IoScorecard, NeutraliseCsvTextQuotesFormulaTextOnly) {
    using kaohe::io::neutralise_csv_text;
    for (const std::string formula : {"=cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0",
                                      "=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-2+3", "\t=1", "\r=1", "'=x", "''-x"})
        EXPECT_EQ(neutralise_csv_text(formula), "'" + formula) << formula;
    for (const std::string plain : {"-3.5", "+2", "1e-3", "-.5", "fin", "a=b", "'quoted", "'", ""})
        EXPECT_EQ(neutralise_csv_text(plain), plain) << plain;
}

TEST(IoScorecard, CsvNeutralisesTextCellsButNotFiguresUnlessRaw) {
    auto card = sample_card();
    card.units[0].name = "=cmd|' /C calc'!A0";  // fin, ranked second
    card.units[0].id = "@SUM(1+1)";
    card.grade[0] = "+1+1";
    card.total(0) = -3.5;  // a figure: published as -3.50, not quoted
    const auto lines = lines_of(kaohe::io::scorecard_to_csv(card));
    EXPECT_EQ(lines[2], "2,'@SUM(1+1),'=cmd|' /C calc'!A0,dept,-3.50,1,'+1+1,38.3,56.9");
    const auto raw = lines_of(kaohe::io::scorecard_to_csv(card, true));
    EXPECT_EQ(raw[2], "2,@SUM(1+1),=cmd|' /C calc'!A0,dept,-3.50,1,+1+1,38.3,56.9");
}

TEST(IoScorecard, JsonHoldsEverythingAtFullPrecision) {
    const auto doc = boost::json::parse(kaohe::io::scorecard_to_json(sample_card()));
    EXPECT_EQ(doc.at("framework").as_string(), "district-2019");
    const auto& units = doc.at("units").as_array();
    ASSERT_EQ(units.size(), 4u);
    const auto& fin = units[0].as_object();
    EXPECT_EQ(fin.at("id").as_string(), "fin");
    EXPECT_EQ(fin.at("name").as_string(), "财政局");
    EXPECT_DOUBLE_EQ(fin.at("total").to_number<double>(), 95.125);
    EXPECT_DOUBLE_EQ(fin.at("rank").to_number<double>(), 2.0);
    EXPECT_EQ(fin.at("grade").as_string(), "excellent");
    EXPECT_DOUBLE_EQ(fin.at("nodes").at("court").to_number<double>(), 38.25);
    EXPECT_DOUBLE_EQ(units[1].at("adjustments").at("praise").to_number<double>(), 2.0);
    EXPECT_DOUBLE_EQ(units[1].at("weighted_total").to_number<double>(), 97.5);
    const auto& water = units[3].as_object();
    EXPECT_TRUE(water.at("rank").is_null());  // NaN -> null
    EXPECT_TRUE(water.at("rank_in_category").is_null());
    EXPECT_TRUE(water.at("grade").is_null());
    EXPECT_TRUE(water.at("disqualified").as_bool());
    const auto& explain = water.at("explain").as_array();  // the tree's lines, then the stored ones
    ASSERT_FALSE(explain.empty());
    EXPECT_EQ(explain.back().at("kind").as_string(), "veto");
    EXPECT_EQ(explain.back().at("note").as_string(), "取消评优资格");
    EXPECT_EQ(explain.front().at("path").as_string(), "district");
    EXPECT_EQ(doc.at("warnings").as_array().size(), 1u);
}

TEST(IoScorecard, RankedTableAlignsCjkText) {
    const std::string table = kaohe::io::ranked_table(sample_card());
    const auto lines = lines_of(table);
    ASSERT_EQ(lines.size(), 6u);  // header, rule, four units
    EXPECT_NE(lines[0].find("依法行政"), std::string::npos);
    EXPECT_EQ(lines[1].find_first_not_of('-'), std::string::npos);
    EXPECT_NE(lines[2].find("城关镇街道办事处"), std::string::npos);
    EXPECT_NE(lines[2].find("镇街"), std::string::npos);  // category and grade by name
    EXPECT_NE(lines[2].find("优秀"), std::string::npos);
    // The last column is right-aligned, so every line ends at the same terminal column.
    for (const auto& line : lines) EXPECT_EQ(columns(line), columns(lines[1])) << line;
    // The name column starts at the same terminal column on every unit line.
    const auto name_column = [](const std::string& line, const std::string& name) {
        return columns(line.substr(0, line.find(name)));
    };
    EXPECT_EQ(name_column(lines[2], "城关镇"), name_column(lines[3], "财政局"));
    EXPECT_EQ(name_column(lines[3], "财政局"), name_column(lines[5], "水务局"));
}

TEST(IoScorecard, RejectsAnInconsistentCard) {
    auto card = sample_card();
    card.rank.resize(2);
    EXPECT_THROW(static_cast<void>(kaohe::io::scorecard_to_csv(card)), kaohe::internal_error);
    card = sample_card();
    card.framework.reset();
    EXPECT_THROW(static_cast<void>(kaohe::io::scorecard_to_json(card)), kaohe::internal_error);
}

// Files in, score card out: the readers feed the engine and the writers publish its result.
TEST(IoScorecard, EndToEndFromFiles) {
    std::random_device rd;
    const auto dir =
        std::filesystem::temp_directory_path() /
        ("kaohe_io_scorecard_" + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()) + "_" +
         std::to_string(rd()));
    std::filesystem::create_directories(dir);
    const auto write = [&dir](const std::string& name, const std::string& content) {
        std::ofstream((dir / name).string(), std::ios::binary) << content;
        return (dir / name).string();
    };
    const auto fw = kaohe::io::read_framework_json(write("fw.json", R"({"id": "e2e", "root": {"id": "all", "children": [
        {"id": "court", "points": 60, "rule": {"type": "completion", "input": {"ratio": ["attended", "required"], "scale": 100},
                                               "target": 100}},
        {"id": "counsel", "points": 40, "rule": {"type": "lookup", "table": {"专职": 40, "兼职": 20}}}]},
        "rounding": {"total": 2, "nodes": 2}})"));
    const auto data =
        kaohe::io::load_dataset(write("units.csv", "id,name,category\na,财政局,\nb,税务局,\n"),
                                write("results.csv", "unit,attended,required,counsel\na,32,55,专职\nb,55,55,兼职\n"));
    const auto lines = lines_of(kaohe::io::scorecard_to_csv(kaohe::score(fw, data)));
    std::filesystem::remove_all(dir);
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_EQ(lines[0], "rank,unit,name,category,total,rank_in_category,grade,court,counsel");
    EXPECT_EQ(lines[1], "1,b,税务局,,80.00,1,,60.00,20.00");  // 60 + 20
    EXPECT_EQ(lines[2], "2,a,财政局,,74.91,2,,34.91,40.00");  // 60 x 32/55 + 40 = 74.909...
}

}  // namespace
