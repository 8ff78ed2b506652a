// Reading and writing frameworks as JSON: every rule type, defaults, the share/percent and null forms,
// rule_by_category merging, the round trip, and the errors for malformed or inconsistent frameworks.
#include <gtest/gtest.h>

#include "support.hpp"

#include <boost/json.hpp>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include "kaohe/io/framework_json.hpp"

namespace {

using kaohe::test::TempDir;

using kaohe::Framework;
using kaohe::framework_error;
using kaohe::io::framework_to_json;
using kaohe::io::parse_framework_json;

// A district framework using every rule type, categories, weights in all three forms, adjustments, vetoes,
// grading, ranking and rounding.
const char* const district_json = R"({
  "kaohe": 1,
  "id": "district-2019",
  "name": "某区2019年度机关绩效考核",
  "total": 100,
  "categories": [{"id": "dept", "name": "区直部门"}, {"id": "town", "name": "镇街"}],
  "root": {
    "id": "district", "name": "绩效考核总分",
    "children": [
      {"id": "rule_of_law", "name": "依法行政", "points": 30, "children": [
        {"id": "court_rate", "name": "行政机关负责人出庭应诉率", "points": 10, "missing": "exclude",
         "weight_by_category": {"town": {"points": 5}},
         "rule": {"type": "completion", "input": {"ratio": ["court_attended", "court_required"], "scale": 100},
                  "target": 100}},
        {"id": "correction_rate", "name": "行政复议纠错率", "points": 10, "weight_by_category": {"town": {"points": 15}},
         "rule": {"type": "linear", "zero_at": 20, "full_at": 0.0}},
        {"id": "law_training", "name": "法治培训", "points": 5,
         "rule": {"type": "threshold", "input": {"item": "training_hours"}, "op": ">=", "value": 12,
                  "allow_judgement": false}},
        {"id": "legal_counsel", "name": "法律顾问", "points": 5,
         "rule": {"type": "lookup", "table": {"专职": 5, "兼职": 3, "无": 0}, "otherwise": 0}}
      ]},
      {"id": "service", "name": "公共服务", "points": 30, "children": [
        {"id": "satisfaction", "name": "群众满意度", "share": "40%",
         "rule": {"type": "trimmed_mean", "trim_above": 5.0, "drop_high": 1, "drop_low": 1, "scale": 100}},
        {"id": "complaints", "name": "投诉处理", "share": 0.2,
         "rule": {"type": "deduction", "price": {"late": 1, "missing": 2}, "default_price": 0.5,
                  "escalation": [{"at_count": 5, "points": 0}], "floor": 0},
         "rule_by_category": {"town": {"multiplier": 2}}},
        {"id": "innovation", "name": "创新加分", "share": 0.2,
         "rule": {"type": "bonus", "levels": {"national": 6, "province": 4, "city": 2}, "cap": 6,
                  "require_evidence": true}},
        {"id": "review", "name": "综合评议", "share": 0.2, "note": "酌情评分", "rule": {"type": "manual"}}
      ]},
      {"id": "economy", "name": "经济发展", "points": 40, "aggregation": "geometric", "renormalise": true, "children": [
        {"id": "gdp_growth", "name": "GDP增速", "weight": 2,
         "rule": {"type": "bands", "bands": [{"lower": null, "upper": 5, "points": 4, "label": "低"},
                                             {"lower": 5, "upper": 8, "points": 8},
                                             {"lower": 8, "upper": null, "points": 11, "label": "高"}]}},
        {"id": "revenue", "name": "财政收入", "weight": 1,
         "rule": {"type": "bands", "mode": "interpolate", "breakpoints": [[0, 0], [10, 5]], "below": 0, "above": 5}},
        {"id": "investment", "name": "固定资产投资", "weight": 1,
         "rule": {"type": "efficacy", "unacceptable": {"cohort": "min", "scope": "category"},
                  "satisfactory": {"cohort": "max"}, "clamp": [0, 100]}},
        {"id": "exports", "name": "出口", "weight": 1,
         "rule": {"type": "rank", "scoring": "ladder", "ladder": [5, 4, 3], "beyond": 2, "ties": "average",
                  "scope": "all"}},
        {"id": "efficiency", "name": "能耗", "weight": 1, "applies_to": ["dept"],
         "rule": {"type": "normalise", "method": "goalposts", "direction": "lower", "lower": 0, "upper": 200,
                  "log": false, "truncate": true}},
        {"id": "backlog", "name": "积压", "weight": 1,
         "rule": {"type": "shortfall", "reference": 100, "side": "below", "step": 10, "deduct": 0.5,
                  "granularity": "started"}}
      ]}
    ]
  },
  "adjustments": [
    {"id": "commendation", "name": "通报表扬", "type": "bonus", "levels": {"province": 10, "city": 5},
     "highest_per_item": true, "cap": 10, "require_evidence": true},
    {"id": "criticism", "name": "通报批评", "type": "penalty", "price": {"province": 5, "city": 3}, "cap": 10}
  ],
  "vetoes": [
    {"id": "major_accident", "name": "重大安全事故", "effect": "fail"},
    {"id": "criticised", "name": "受到通报批评", "effect": "cap", "cap_grade": "good"},
    {"id": "office_demoted", "name": "降低一个等次", "effect": "demote", "demote_by": 1},
    {"id": "ineligible", "name": "取消评优资格", "effect": "disqualify"},
    {"id": "below_pass", "name": "考核未达80分", "effect": "fail", "when": {"item": "total", "op": "<", "value": 80}}
  ],
  "grading": {
    "bands": [{"id": "excellent", "name": "优秀", "min": 95}, {"id": "good", "name": "良好", "min": 90},
              {"id": "pass", "name": "达标", "min": 80}, {"id": "fail", "name": "不达标", "min": null}],
    "quotas": [{"grade": "excellent", "max_share": 0.3, "rounding": "half_up"},
               {"grade": "good", "max_share": "50%", "rounding": "down", "max_count": 4}],
    "pool": "category"
  },
  "ranking": {"ties": "competition", "tie_break": ["rule_of_law"], "on_rounded_total": false},
  "rounding": {"total": 2, "nodes": 2, "leaves": 2}
})";

const kaohe::Node& node(const Framework& fw, const std::string& id) {
    const auto i = fw.find(id);
    if (!i) throw std::runtime_error("no node " + id);
    return fw.nodes[*i];
}

template <class R>
const R& rule_of(const Framework& fw, const std::string& id) {
    return std::get<R>(*node(fw, id).rule);
}

template <class F>
std::string framework_error_message(F&& f) {
    return kaohe::test::error_message<framework_error>(std::forward<F>(f));
}

using kaohe::test::expect_mentions;

// A small framework with categories dept/town whose root has `children`; `top` adds top-level keys.
std::string framework_with(const std::string& children, const std::string& top = "") {
    return R"({"kaohe": 1, "id": "t", "name": "t", "total": 100,
               "categories": [{"id": "dept", "name": "部门"}, {"id": "town", "name": "镇街"}],)" +
           top + R"( "root": {"id": "district", "name": "总分", "children": [)" + children + "]}}";
}

std::string leaf(const std::string& id, const std::string& weight = R"("points": 100)") {
    return R"({"id": ")" + id + R"(", )" + weight + R"(, "rule": {"type": "threshold", "value": 1}})";
}

const std::string grading_ok = R"("grading": {"bands": [{"id": "good", "min": 90}, {"id": "fail", "min": null}]},)";

// ---------------------------------------------------------------------------------------------------------
// Reading

TEST(IoFramework, ReadsTopLevelFieldsAndTree) {
    const Framework fw = parse_framework_json(district_json, "district.json");
    EXPECT_EQ(fw.source, "district.json");
    EXPECT_EQ(fw.id, "district-2019");
    EXPECT_EQ(fw.name, "某区2019年度机关绩效考核");
    EXPECT_DOUBLE_EQ(fw.total, 100.0);
    ASSERT_EQ(fw.categories.size(), 2u);
    EXPECT_EQ(fw.categories[1].name, "镇街");
    ASSERT_EQ(fw.nodes.size(), 18u);
    EXPECT_EQ(fw.root().id, "district");
    EXPECT_EQ(fw.root().children.size(), 3u);
    EXPECT_EQ(fw.path(*fw.find("court_rate")), "district/rule_of_law/court_rate");
    EXPECT_EQ(node(fw, "court_rate").missing, kaohe::MissingPolicy::exclude);
    EXPECT_EQ(node(fw, "economy").aggregation, kaohe::Aggregation::geometric);
    EXPECT_TRUE(node(fw, "economy").renormalise);
    EXPECT_EQ(node(fw, "review").note, "酌情评分");
    EXPECT_EQ(node(fw, "efficiency").applies_to, std::vector<std::string>{"dept"});
}

TEST(IoFramework, ReadsWeightsInEveryForm) {
    const Framework fw = parse_framework_json(district_json, "district.json");
    EXPECT_EQ(node(fw, "rule_of_law").weight.kind, kaohe::WeightKind::points);
    EXPECT_DOUBLE_EQ(node(fw, "rule_of_law").weight.value, 30.0);
    EXPECT_DOUBLE_EQ(node(fw, "court_rate").weight_for("town").value, 5.0);
    EXPECT_DOUBLE_EQ(node(fw, "court_rate").weight_for("dept").value, 10.0);
    EXPECT_EQ(node(fw, "satisfaction").weight.kind, kaohe::WeightKind::share);
    EXPECT_DOUBLE_EQ(node(fw, "satisfaction").weight.value, 0.4);  // "40%"
    EXPECT_EQ(node(fw, "gdp_growth").weight.kind, kaohe::WeightKind::relative);
    EXPECT_DOUBLE_EQ(node(fw, "gdp_growth").weight.value, 2.0);
}

TEST(IoFramework, ReadsDataRules) {
    const Framework fw = parse_framework_json(district_json, "district.json");
    const auto& court = rule_of<kaohe::CompletionRule>(fw, "court_rate");
    EXPECT_EQ(court.input.item, "court_attended");
    EXPECT_EQ(court.input.denominator, "court_required");
    EXPECT_DOUBLE_EQ(court.input.scale, 100.0);
    EXPECT_DOUBLE_EQ(court.target.value, 100.0);
    EXPECT_TRUE(court.cap);
    const auto& correction = rule_of<kaohe::LinearRule>(fw, "correction_rate");
    EXPECT_EQ(correction.input.item, "correction_rate");  // input defaults to the leaf id
    EXPECT_DOUBLE_EQ(correction.zero_at.value, 20.0);
    const auto& training = rule_of<kaohe::ThresholdRule>(fw, "law_training");
    EXPECT_EQ(training.input.item, "training_hours");
    EXPECT_EQ(training.op, kaohe::Comparison::ge);
    EXPECT_FALSE(training.allow_judgement);
    const auto& counsel = rule_of<kaohe::LookupRule>(fw, "legal_counsel");
    ASSERT_EQ(counsel.table.size(), 3u);
    EXPECT_EQ(counsel.table[0].first, "专职");  // file order is kept
    EXPECT_DOUBLE_EQ(counsel.table[1].second, 3.0);
    EXPECT_EQ(counsel.otherwise, 0.0);
    const auto& backlog = rule_of<kaohe::ShortfallRule>(fw, "backlog");
    EXPECT_EQ(backlog.granularity, kaohe::StepGranularity::started);
    EXPECT_DOUBLE_EQ(backlog.deduct, 0.5);
    EXPECT_DOUBLE_EQ(backlog.floor, 0.0);
}

TEST(IoFramework, ReadsBandsEfficacyRankAndNormalise) {
    const Framework fw = parse_framework_json(district_json, "district.json");
    const auto& gdp = rule_of<kaohe::BandsRule>(fw, "gdp_growth");
    ASSERT_EQ(gdp.bands.size(), 3u);
    EXPECT_EQ(gdp.bands[0].lower, -kaohe::unbounded);  // null = unbounded
    EXPECT_EQ(gdp.bands[2].upper, kaohe::unbounded);
    EXPECT_EQ(gdp.bands[2].label, "高");
    const auto& revenue = rule_of<kaohe::BandsRule>(fw, "revenue");
    EXPECT_EQ(revenue.mode, kaohe::BandMode::interpolate);
    ASSERT_EQ(revenue.breakpoints.size(), 2u);
    EXPECT_DOUBLE_EQ(revenue.breakpoints[1].second, 5.0);
    EXPECT_EQ(revenue.above, 5.0);
    const auto& investment = rule_of<kaohe::EfficacyRule>(fw, "investment");
    EXPECT_EQ(investment.unacceptable.cohort, kaohe::CohortStat::min);
    EXPECT_EQ(investment.satisfactory.cohort, kaohe::CohortStat::max);
    EXPECT_EQ(investment.satisfactory.scope, kaohe::CohortScope::category);
    ASSERT_TRUE(investment.clamp.has_value());
    EXPECT_DOUBLE_EQ(investment.clamp->second, 100.0);
    EXPECT_DOUBLE_EQ(investment.base, 60.0);
    const auto& exports = rule_of<kaohe::RankRule>(fw, "exports");
    EXPECT_EQ(exports.ladder, (std::vector<double>{5, 4, 3}));
    EXPECT_EQ(exports.ties, kaohe::TieMethod::average);
    EXPECT_EQ(exports.scope, kaohe::CohortScope::all);
    const auto& efficiency = rule_of<kaohe::NormaliseRule>(fw, "efficiency");
    EXPECT_EQ(efficiency.method, kaohe::NormaliseMethod::goalposts);
    EXPECT_EQ(efficiency.direction, kaohe::Direction::lower_is_better);
    EXPECT_DOUBLE_EQ(efficiency.upper, 200.0);
}

TEST(IoFramework, ReadsEventRulesAndCategoryMerge) {
    const Framework fw = parse_framework_json(district_json, "district.json");
    const auto& satisfaction = rule_of<kaohe::TrimmedMeanRule>(fw, "satisfaction");
    EXPECT_EQ(satisfaction.trim_above, 5);  // 5.0 is accepted as an integer
    const auto& complaints = rule_of<kaohe::DeductionRule>(fw, "complaints");
    EXPECT_DOUBLE_EQ(complaints.multiplier, 1.0);
    EXPECT_EQ(complaints.default_price, 0.5);
    ASSERT_EQ(complaints.escalation.size(), 1u);
    EXPECT_DOUBLE_EQ(complaints.escalation[0].at_count, 5.0);
    const auto& town = std::get<kaohe::DeductionRule>(node(fw, "complaints").rule_for("town"));
    EXPECT_DOUBLE_EQ(town.multiplier, 2.0);   // from the partial rule
    EXPECT_EQ(town.price, complaints.price);  // from the base rule
    EXPECT_EQ(town.escalation.size(), 1u);
    const auto& innovation = rule_of<kaohe::BonusRule>(fw, "innovation");
    EXPECT_EQ(innovation.cap, 6.0);
    EXPECT_TRUE(innovation.require_evidence);
    EXPECT_TRUE(innovation.highest_per_item);
    EXPECT_TRUE(std::holds_alternative<kaohe::ManualRule>(*node(fw, "review").rule));
}

TEST(IoFramework, ReadsAdjustmentsVetoesGradingRankingRounding) {
    const Framework fw = parse_framework_json(district_json, "district.json");
    ASSERT_EQ(fw.adjustments.size(), 2u);
    EXPECT_EQ(fw.adjustments[1].kind, kaohe::AdjustmentKind::penalty);
    EXPECT_EQ(fw.adjustments[1].points[0], (std::pair<std::string, double>{"province", 5.0}));
    EXPECT_EQ(fw.adjustments[0].cap, 10.0);
    ASSERT_EQ(fw.vetoes.size(), 5u);
    EXPECT_EQ(fw.vetoes[1].cap_grade, "good");
    EXPECT_EQ(fw.vetoes[3].effect, kaohe::VetoEffect::disqualify);
    ASSERT_TRUE(fw.vetoes[4].when.has_value());
    EXPECT_EQ(fw.vetoes[4].when->op, kaohe::Comparison::lt);
    EXPECT_DOUBLE_EQ(fw.vetoes[4].when->value, 80.0);
    ASSERT_EQ(fw.grading.bands.size(), 4u);
    EXPECT_EQ(fw.grading.bands[3].min, -kaohe::unbounded);
    EXPECT_DOUBLE_EQ(fw.grading.quotas[1].max_share, 0.5);
    EXPECT_EQ(fw.grading.quotas[1].rounding, kaohe::QuotaRounding::down);
    EXPECT_EQ(fw.grading.quotas[1].max_count, 4);
    EXPECT_EQ(fw.ranking.tie_break, std::vector<std::string>{"rule_of_law"});
    EXPECT_EQ(fw.rounding.total, 2);
    EXPECT_EQ(fw.rounding.leaves, 2);
}

TEST(IoFramework, AppliesDefaults) {
    const Framework fw = parse_framework_json(R"({"root": {"id": "r", "children": [
        {"id": "a", "rule": {"type": "rank", "scoring": "proportional"}, "missing": "zero"},
        {"id": "b", "rule": {"type": "manual"}}]}})",
                                              "min.json");
    EXPECT_DOUBLE_EQ(fw.total, 100.0);
    EXPECT_TRUE(fw.categories.empty());
    EXPECT_EQ(node(fw, "b").weight.kind, kaohe::WeightKind::relative);
    EXPECT_DOUBLE_EQ(node(fw, "b").weight.value, 1.0);
    EXPECT_EQ(fw.ranking.ties, kaohe::TieMethod::competition);
    EXPECT_FALSE(fw.rounding.total.has_value());
}

// ---------------------------------------------------------------------------------------------------------
// Writing and the round trip

TEST(IoFramework, RoundTripGivesAnEqualFramework) {
    const Framework original = parse_framework_json(district_json, "district.json");
    const std::string text = framework_to_json(original);
    const Framework again = parse_framework_json(text, "again.json");
    EXPECT_EQ(framework_to_json(again), text);  // every field the writer knows survives
    ASSERT_EQ(again.nodes.size(), original.nodes.size());
    for (std::size_t i = 0; i < original.nodes.size(); ++i) {
        const auto& a = original.nodes[i];
        const auto& b = again.nodes[i];
        EXPECT_EQ(a.id, b.id);
        EXPECT_EQ(a.name, b.name);
        EXPECT_EQ(a.parent, b.parent);
        EXPECT_EQ(a.children, b.children);
        EXPECT_EQ(a.weight.kind, b.weight.kind) << a.id;
        EXPECT_DOUBLE_EQ(a.weight.value, b.weight.value) << a.id;
        EXPECT_EQ(a.applies_to, b.applies_to);
        EXPECT_EQ(a.missing, b.missing);
        EXPECT_EQ(a.rule.has_value(), b.rule.has_value());
        if (a.rule) {
            EXPECT_EQ(a.rule->index(), b.rule->index()) << a.id;
        }
        EXPECT_EQ(a.rule_by_category.size(), b.rule_by_category.size());
    }
    EXPECT_DOUBLE_EQ(std::get<kaohe::DeductionRule>(node(again, "complaints").rule_for("town")).multiplier, 2.0);
    EXPECT_EQ(std::get<kaohe::BandsRule>(*node(again, "gdp_growth").rule).bands[0].lower, -kaohe::unbounded);
    EXPECT_EQ(again.grading.bands.back().min, -kaohe::unbounded);
    EXPECT_EQ(again.vetoes[4].when->item, "total");
    EXPECT_EQ(again.rounding.nodes, 2);
}

TEST(IoFramework, WriterUsesPlainNumbersAndKeepsUtf8) {
    const std::string text = framework_to_json(parse_framework_json(district_json, "district.json"));
    EXPECT_NE(text.find("\"share\": 0.4"), std::string::npos) << text;
    EXPECT_NE(text.find("\"total\": 100,"), std::string::npos);
    EXPECT_NE(text.find("\"依法行政\""), std::string::npos);
    EXPECT_EQ(text.find("E-1"), std::string::npos);  // not Boost's 4E-1
}

TEST(IoFramework, RoundTripUnsetsOptionalParametersPerCategory) {
    const Framework fw = parse_framework_json(framework_with(R"({"id": "a", "points": 100,
        "rule": {"type": "lookup", "table": {"yes": 100, "no": 0}, "otherwise": 50},
        "rule_by_category": {"town": {"otherwise": null}}})"),
                                              "t.json");
    EXPECT_FALSE(std::get<kaohe::LookupRule>(node(fw, "a").rule_for("town")).otherwise.has_value());
    const Framework again = parse_framework_json(framework_to_json(fw), "again.json");
    EXPECT_FALSE(std::get<kaohe::LookupRule>(node(again, "a").rule_for("town")).otherwise.has_value());
    EXPECT_EQ(std::get<kaohe::LookupRule>(node(again, "a").rule_for("dept")).otherwise, 50.0);
}

TEST(IoFramework, ReadsAFile) {
    TempDir dir;
    const std::string path = dir.write("district.json", district_json);
    const Framework fw = kaohe::io::read_framework_json(path);
    EXPECT_EQ(fw.source, path);
    EXPECT_EQ(fw.nodes.size(), 18u);
}

TEST(IoFramework, SchemaDefinesEveryRuleType) {
    std::ifstream in(std::string(KAOHE_SOURCE_DIR) + "/docs/framework.schema.json");
    ASSERT_TRUE(in) << "docs/framework.schema.json is missing";
    std::stringstream text;
    text << in.rdbuf();
    const auto schema = boost::json::parse(text.str());
    const auto& defs = schema.at("$defs").as_object();
    const auto& types = defs.at("rule").at("properties").at("type").at("enum").as_array();
    const std::vector<kaohe::Rule> every = {kaohe::ThresholdRule{}, kaohe::LookupRule{},      kaohe::CompletionRule{},
                                            kaohe::LinearRule{},    kaohe::ShortfallRule{},   kaohe::BandsRule{},
                                            kaohe::EfficacyRule{},  kaohe::RankRule{},        kaohe::DeductionRule{},
                                            kaohe::BonusRule{},     kaohe::TrimmedMeanRule{}, kaohe::ManualRule{},
                                            kaohe::NormaliseRule{}};
    ASSERT_EQ(types.size(), every.size());
    for (std::size_t i = 0; i < every.size(); ++i) {
        EXPECT_EQ(types[i].as_string(), kaohe::rule_name(every[i]));
        EXPECT_TRUE(defs.contains("rule_" + std::string(kaohe::rule_name(every[i]))));
    }
    EXPECT_FALSE(defs.at("node").at("additionalProperties").as_bool());
}

// ---------------------------------------------------------------------------------------------------------
// Errors: each names the file, where (JSON path, node path or line:column) and why

struct BadFramework {
    const char* what;
    std::string text;
    std::vector<std::string> mentions;
};

void expect_rejected(const std::vector<BadFramework>& cases) {
    for (const auto& c : cases) {
        SCOPED_TRACE(c.what);
        const std::string message =
            framework_error_message([&] { static_cast<void>(parse_framework_json(c.text, "bad.json")); });
        expect_mentions(message, c.mentions);
        expect_mentions(message, {"bad.json: "});
    }
}

TEST(IoFrameworkErrors, JsonSyntaxAndTypes) {
    expect_rejected({
        {"syntax error", "{\n  \"id\": \"x\",\n  \"total\": 100,,\n}", {"line 3, column 16", "invalid JSON"}},
        {"truncated", "{\"id\": \"x\", \"root\": {", {"line 1", "ends before the JSON is complete"}},
        {"text after the JSON",
         "{\"root\": {\"id\": \"r\", \"rule\": {\"type\": \"manual\"}}} x",
         {"line 1", "unexpected text after the end"}},
        {"duplicate key",
         framework_with(R"({"id": "a", "points": 50, "points": 100, "rule": {"type": "manual"}})"),
         {"line 2", "the key \"points\" appears twice"}},
        {"number out of range", framework_with(leaf("a", R"("points": 1e999)")), {"line 2", "too large"}},
        {"not UTF-8", framework_with(leaf("\xb2\xe2\xca\xd4")), {"line 2", "invalid UTF-8 byte 0xB2", "GB18030"}},
        {"empty", "  \n", {"the file is empty"}},
        {"top level is not an object", "[1, 2]", {"$: expected an object, got an array"}},
        {"total as a string",
         R"({"total": "100", "root": {"id": "r", "rule": {"type": "manual"}}})",
         {"$.total", "expected a number, got a string (\"100\")"}},
        {"children not an array",
         R"({"root": {"id": "r", "children": {}}})",
         {"$.root.children", "expected an array, got an object"}},
        {"bool as a string",
         framework_with(R"({"id": "a", "points": 100, "renormalise": "yes", "rule": {"type": "manual"}})"),
         {"$.root.children[0].renormalise", "expected true or false, got a string"}},
        {"fractional integer",
         framework_with(leaf("a"), R"("rounding": {"total": 1.5},)"),
         {"$.rounding.total", "expected an integer, got a number (1.5)"}},
    });
}

TEST(IoFrameworkErrors, KeysAndValues) {
    expect_rejected({
        {"unknown key",
         framework_with(R"({"id": "a", "pionts": 100, "rule": {"type": "manual"}})"),
         {"$.root.children[0].pionts", "unknown key 'pionts'", "did you mean 'points'?",
          "allowed keys here: id, name"}},
        {"unknown top-level key", framework_with(leaf("a"), R"("grades": {},)"), {"$.grades", "unknown key 'grades'"}},
        {"missing root", R"({"id": "x", "total": 100})", {"bad.json: $: missing required key 'root'"}},
        {"node without id",
         framework_with(R"({"points": 100, "rule": {"type": "manual"}})"),
         {"$.root.children[0]", "missing required key 'id'"}},
        {"unknown rule type",
         framework_with(R"({"id": "a", "points": 100, "rule": {"type": "treshold", "value": 1}})"),
         {"$.root.children[0].rule.type", "unknown rule type 'treshold'", "did you mean 'threshold'?", "normalise"}},
        {"unknown enum value",
         framework_with(R"({"id": "a", "points": 100, "missing": "skip", "rule": {"type": "manual"}})"),
         {"$.root.children[0].missing", "unknown value 'skip' for 'missing'",
          "expected one of: error, zero, mean, exclude"}},
        {"rule parameter of another type",
         framework_with(R"({"id": "a", "points": 100, "rule": {"type": "manual", "value": 3}})"),
         {"$.root.children[0].rule.value", "unknown key 'value'", "allowed keys here: type"}},
        {"missing rule parameter",
         framework_with(R"({"id": "a", "points": 100, "rule": {"type": "threshold"}})"),
         {"$.root.children[0].rule", "missing required key 'value'"}},
        {"efficacy without clamp",
         framework_with(
             R"({"id": "a", "points": 100, "rule": {"type": "efficacy", "unacceptable": 0, "satisfactory": 10}})"),
         {"$.root.children[0].rule", "missing required key 'clamp'", "\"none\" or [min, max]"}},
        {"breakpoints in step mode",
         framework_with(R"({"id": "a", "points": 100, "rule": {"type": "bands", "breakpoints": [[0, 0], [1, 100]]}})"),
         {"$.root.children[0].rule.breakpoints", "only with \"mode\": \"interpolate\""}},
        {"scale on a plain input",
         framework_with(
             R"({"id": "a", "points": 100, "rule": {"type": "threshold", "input": {"item": "x", "scale": 100}, "value": 1}})"),
         {"$.root.children[0].rule.input.scale", "applies only to a ratio input"}},
        {"normalise key of another method",
         framework_with(R"({"id": "a", "points": 100, "rule": {"type": "normalise", "method": "minmax", "lower": 3}})"),
         {"$.root.children[0].rule.lower", "unknown key 'lower'", "range"}},
        {"bad share string",
         framework_with(leaf("a", R"("share": "all")")),
         {"$.root.children[0].share", "a number or a percentage string like \"11%\""}},
        {"cap_grade without cap effect",
         framework_with(leaf("a"), grading_ok + R"("vetoes": [{"id": "v", "effect": "fail", "cap_grade": "good"}],)"),
         {"$.vetoes[0].cap_grade", "applies only to \"effect\": \"cap\""}},
        {"unsupported version",
         R"({"kaohe": 2, "root": {"id": "r", "rule": {"type": "manual"}}})",
         {"$.kaohe", "unsupported format version"}},
        {"weight on the root",
         R"({"root": {"id": "r", "points": 100, "rule": {"type": "manual"}}})",
         {"$.root", "the root's maximum is the framework's 'total'"}},
        {"rule_by_category unknown key",
         framework_with(
             R"({"id": "a", "points": 100, "rule": {"type": "threshold", "value": 1}, "rule_by_category": {"town": {"valeu": 2}}})"),
         {"$.root.children[0].rule_by_category.town.valeu", "unknown key 'valeu'"}},
        {"rule_by_category changes the type",
         framework_with(R"({"id": "a", "points": 100, "rule": {"type": "threshold", "value": 1},
                            "rule_by_category": {"town": {"type": "completion", "target": 10}}})"),
         {"$.root.children[0].rule_by_category.town.type", "may change a rule's parameters, not its type",
          "the base rule is \"threshold\""}},
        {"rule_by_category changes the input",
         framework_with(R"({"id": "a", "points": 100, "rule": {"type": "threshold", "value": 1},
                            "rule_by_category": {"town": {"input": "other"}}})"),
         {"district/a", "rule_by_category 'town' reads 'other'", "not the input"}},
        {"rounding out of range",
         framework_with(leaf("a"), R"("rounding": {"total": 20},)"),
         {"$.rounding.total", "from 0 to 12"}},
    });
}

TEST(IoFrameworkErrors, WeightsAndTree) {
    expect_rejected({
        {"points do not add up",
         framework_with(leaf("a", R"("points": 60)") + "," + leaf("b", R"("points": 30)")),
         {"bad.json: district: ", "children's points add up to 90 but the node has 100 points"}},
        {"shares do not add up",
         framework_with(leaf("a", R"("share": 0.5)") + "," + leaf("b", R"("share": "40%")")),
         {"district: ", "children's shares add up to 0.9 (90%) instead of 1 (100%)"}},
        {"mixed points and shares",
         framework_with(leaf("a", R"("points": 50)") + "," + leaf("b", R"("share": 0.5)")),
         {"district/b", "given as 'share' but its first sibling 'a' uses 'points'"}},
        {"weight stated twice",
         framework_with(leaf("a", R"("points": 100, "share": 1)")),
         {"$.root.children[0].share", "stated twice, as 'points' and as 'share'"}},
        {"negative weight",
         framework_with(leaf("a", R"("points": 110)") + "," + leaf("b", R"("points": -10)")),
         {"$.root.children[1].points", "negative weight", "got -10"}},
        {"duplicate node id",
         framework_with(leaf("a", R"("points": 50)") + "," + leaf("a", R"("points": 50)")),
         {"district/a", "node id 'a' is used twice"}},
        {"leaf without rule",
         framework_with(R"({"id": "a", "points": 100})"),
         {"district/a", "leaf indicator has no scoring rule"}},
        {"slash in id", framework_with(leaf("a/b")), {"must not contain '/'"}},
        {"unknown category in applies_to",
         framework_with(leaf("a", R"("points": 100, "applies_to": ["village"])")),
         {"district/a", "applies_to names unknown category 'village'"}},
        {"unknown category in rule_by_category",
         framework_with(
             R"({"id": "a", "points": 100, "rule": {"type": "threshold", "value": 1}, "rule_by_category": {"village": {}}})"),
         {"district/a", "rule_by_category names unknown category 'village'"}},
    });
}

TEST(IoFrameworkErrors, RuleParameters) {
    const auto bands = [](const std::string& list) {
        return framework_with(R"({"id": "a", "points": 100, "rule": {"type": "bands", "bands": [)" + list + "]}}");
    };
    expect_rejected({
        {"bands with a gap",
         bands(R"({"lower": null, "upper": 50, "points": 0}, {"lower": 60, "upper": null, "points": 100})"),
         {"district/a/rule", "gap between bands"}},
        {"overlapping bands",
         bands(R"({"lower": null, "upper": 60, "points": 0}, {"lower": 50, "upper": null, "points": 100})"),
         {"district/a/rule", "overlap"}},
        {"band points above the maximum",
         bands(R"({"points": 120})"),
         {"district/a/rule", "outside the leaf's [0, 100"}},
        {"band upper as a string",
         bands(R"({"lower": 0, "upper": "50", "points": 1})"),
         {"$.root.children[0].rule.bands[0].upper", "expected a number, got a string"}},
        {"rank with empty ladder",
         framework_with(R"({"id": "a", "points": 100, "rule": {"type": "rank", "ladder": []}})"),
         {"district/a/rule", "rank ladder is empty"}},
        {"bad cohort statistic",
         framework_with(R"({"id": "a", "points": 100, "rule": {"type": "completion", "target": {"cohort": "avg"}}})"),
         {"$.root.children[0].rule.target.cohort", "unknown value 'avg' for 'cohort'", "mean, median, min, max"}},
    });
}

TEST(IoFrameworkErrors, GradingAndRanking) {
    expect_rejected({
        {"quota for unknown grade",
         framework_with(leaf("a"), R"("grading": {"bands": [{"id": "good", "min": 90}, {"id": "fail", "min": null}],
                                                "quotas": [{"grade": "best", "max_share": 0.3}]},)"),
         {"$.grading.quotas[0]", "quota names unknown grade 'best'"}},
        {"grade bands not decreasing",
         framework_with(leaf("a"), R"("grading": {"bands": [{"id": "good", "min": 80}, {"id": "excellent", "min": 90},
                                                          {"id": "fail", "min": null}]},)"),
         {"$.grading.bands[1]", "strictly decreasing 'min'", "'excellent' min 90 is not below 'good' min 80"}},
        {"last grade band with a min",
         framework_with(leaf("a"), R"("grading": {"bands": [{"id": "good", "min": 80}, {"id": "pass", "min": 60}]},)"),
         {"$.grading.bands[1]", "the last grade band must have no lower bound"}},
        {"veto caps to unknown grade",
         framework_with(leaf("a"), grading_ok + R"("vetoes": [{"id": "v", "effect": "cap", "cap_grade": "great"}],)"),
         {"$.vetoes.v", "cap_grade 'great' is not a defined grade"}},
        {"tie_break names unknown node",
         framework_with(leaf("a"), R"("ranking": {"tie_break": ["law"]},)"),
         {"$.ranking.tie_break", "unknown node 'law'"}},
        {"ordinal ties in a rank rule",
         framework_with(R"({"id": "a", "points": 100, "rule": {"type": "rank", "ladder": [1], "ties": "ordinal"}})"),
         {"$.root.children[0].rule.ties", "unknown value 'ordinal' for 'ties'", "competition, dense, average"}},
    });
}

TEST(IoFrameworkErrors, MissingFileIsAFrameworkError) {
    TempDir dir;
    const std::string path = dir.path("nowhere.json");
    const std::string message =
        framework_error_message([&] { static_cast<void>(kaohe::io::read_framework_json(path)); });
    expect_mentions(message, {path, "file not found"});
}

}  // namespace
