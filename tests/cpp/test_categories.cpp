// Unit categories (分类考核): one indicator tree with category-specific weights (统一指标、分类赋权), indicators
// that apply to some categories only, category-specific rule parameters (R8 扣分分值加倍), effective weights,
// and the errors for inconsistent category weights or unknown categories.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "support.hpp"

namespace {

using namespace kaohe;
using namespace kaohe::test;

std::vector<Category> dept_town() {
    return {{"dept", "区直部门"}, {"town", "镇街"}};
}

// The district scheme: rule_of_law is 11 of 100 for departments and 15 for towns; economy fills the rest
// (89 / 85). court_rate = court_attended / court_required x 100, completion against 100 (R3).
struct District {
    Framework fw;
    std::size_t rule_of_law = 0, court_rate = 0, economy = 0, gdp = 0;
};
District district() {
    District d;
    TreeBuilder b;
    b.fw.categories = dept_town();
    d.rule_of_law = b.group(0, "rule_of_law", points(11));
    b.node(d.rule_of_law).weight_by_category["town"] = points(15);
    Input court;
    court.item = "court_attended";
    court.denominator = "court_required";
    court.scale = 100;
    d.court_rate =
        b.leaf(d.rule_of_law, "court_rate", share(1.0), CompletionRule{court, Reference::fixed(100.0), true});
    d.economy = b.group(0, "economy", points(89));
    b.node(d.economy).weight_by_category["town"] = points(85);
    d.gdp = b.leaf(d.economy, "gdp", share(1.0), completion("gdp"));
    d.fw = b.fw;
    return d;
}

TEST(Categories, WeightByCategory) {
    const District d = district();
    // court 32 of 55 = 58.1818%. Departments: 11 x 32/55 = 6.4; towns: 15 x 32/55 = 8.727272...
    // gdp at 100%: 89 for departments, 85 for towns.
    const Dataset data =
        dataset({"court_attended", "court_required", "gdp"}, {{32, 55, 100}, {32, 55, 100}, {55, 55, 50}, {55, 55, 50}},
                {"d1", "t1", "d2", "t2"}, {"dept", "town", "dept", "town"});
    const ScoreCard card = score(d.fw, data);
    EXPECT_NEAR(at(card.node_points, 0, d.rule_of_law), 6.4, 1e-12);
    EXPECT_NEAR(at(card.node_points, 1, d.rule_of_law), 15.0 * 32 / 55, 1e-12);
    EXPECT_NEAR(at(card.node_points, 0, d.economy), 89.0, 1e-12);
    EXPECT_NEAR(at(card.node_points, 1, d.economy), 85.0, 1e-12);
    // d1: 6.4 + 89 = 95.4; t1: 8.727272... + 85 = 93.727272...
    EXPECT_NEAR(at(card.total, 0), 95.4, 1e-12);
    EXPECT_NEAR(at(card.total, 1), 85.0 + 15.0 * 32 / 55, 1e-12);
    // d2: 11 + 89 x 0.5 = 55.5; t2: 15 + 85 x 0.5 = 57.5.
    EXPECT_NEAR(at(card.total, 2), 55.5, 1e-12);
    EXPECT_NEAR(at(card.total, 3), 57.5, 1e-12);
    // Same ratio, different maximum: the leaf ratio is the same 0.581818... for both categories.
    EXPECT_NEAR(card.leaf_ratio(0, 0), 32.0 / 55, 1e-15);
    EXPECT_NEAR(card.leaf_ratio(1, 0), 32.0 / 55, 1e-15);
    // leaf_points() multiplies back by the unit's own maximum.
    EXPECT_NEAR(card.leaf_points()(1, 0), 15.0 * 32 / 55, 1e-12);
}

TEST(Categories, EffectiveWeights) {
    const District d = district();
    const ResolvedWeights w = resolve(d.fw);
    ASSERT_EQ(w.categories, (std::vector<std::string>{"dept", "town"}));
    // dept: court_rate 11/100, gdp 89/100; town: 15/100, 85/100.
    EXPECT_NEAR(w.effective_weight(0, d.court_rate), 0.11, 1e-15);
    EXPECT_NEAR(w.effective_weight(0, d.gdp), 0.89, 1e-15);
    EXPECT_NEAR(w.effective_weight(1, d.court_rate), 0.15, 1e-15);
    EXPECT_NEAR(w.effective_weight(1, d.gdp), 0.85, 1e-15);
    EXPECT_EQ(w.max_points[0][d.rule_of_law], 11.0);
    EXPECT_EQ(w.max_points[1][d.rule_of_law], 15.0);
    EXPECT_EQ(w.max_points[1][0], 100.0);
}

TEST(Categories, EffectiveWeightsWithRelativeAndShareWeightsPerCategory) {
    // Root 200: A (weight 1; town weight 3) and B (weight 1). dept: A 100, B 100; town: A 150, B 50.
    // A's children share 40% / 60% for every category: dept a1 40, a2 60; town a1 60, a2 90.
    TreeBuilder b(200);
    b.fw.categories = dept_town();
    const std::size_t a = b.group(0, "A", relative(1));
    b.node(a).weight_by_category["town"] = relative(3);
    const std::size_t a1 = b.leaf(a, "a1", share(0.4), completion("a1"));
    const std::size_t a2 = b.leaf(a, "a2", share(0.6), completion("a2"));
    const std::size_t bb = b.group(0, "B", relative(1));
    const std::size_t b1 = b.leaf(bb, "b1", relative(1), completion("b1"));
    const ResolvedWeights w = resolve(b.fw);
    EXPECT_NEAR(w.effective_weight(0, a1), 0.2, 1e-15);   // 40 / 200
    EXPECT_NEAR(w.effective_weight(0, a2), 0.3, 1e-15);   // 60 / 200
    EXPECT_NEAR(w.effective_weight(0, b1), 0.5, 1e-15);   // 100 / 200
    EXPECT_NEAR(w.effective_weight(1, a1), 0.3, 1e-15);   // 60 / 200
    EXPECT_NEAR(w.effective_weight(1, a2), 0.45, 1e-15);  // 90 / 200
    EXPECT_NEAR(w.effective_weight(1, b1), 0.25, 1e-15);  // 50 / 200
    EXPECT_NEAR(w.max_points[1][a2], 90.0, 1e-12);
}

// economy = gdp + land_use; land_use (15) is scored for towns only. For towns gdp is 70 (70 + 15 = 85);
// departments keep gdp at 89 (their economy group).
District with_land_use(double town_gdp_points = 70) {
    District d = district();
    Framework& fw = d.fw;
    fw.nodes[d.gdp].weight = points(89);
    fw.nodes[d.gdp].weight_by_category["town"] = points(town_gdp_points);
    Node land;
    land.id = "land_use";
    land.weight = points(15);
    land.applies_to = {"town"};
    land.rule = completion("land_use");
    land.parent = static_cast<std::ptrdiff_t>(d.economy);
    fw.nodes.push_back(land);
    fw.nodes[d.economy].children.push_back(fw.nodes.size() - 1);
    return d;
}

TEST(Categories, AppliesToWithSiblingsCompensated) {
    const District d = with_land_use();
    const std::size_t land = d.fw.nodes.size() - 1;
    // d1: rule_of_law 11 x 40/50 = 8.8; economy = gdp 89 x 0.9 = 80.1 -> 88.9. land_use is not read for d1.
    // t1: rule_of_law 15 x 40/50 = 12; gdp 70 x 0.9 = 63, land_use 15 x 0.6 = 9 -> economy 72 -> 84.
    const Dataset data = dataset({"court_attended", "court_required", "gdp", "land_use"},
                                 {{40, 50, 90, NA}, {40, 50, 90, 60}}, {"d1", "t1"}, {"dept", "town"});
    const ScoreCard card = score(d.fw, data);
    EXPECT_NEAR(at(card.total, 0), 88.9, 1e-12);
    EXPECT_NEAR(at(card.total, 1), 84.0, 1e-12);
    EXPECT_NEAR(at(card.node_points, 1, d.economy), 72.0, 1e-12);
    // Not applicable: 0 points (not NaN) and a NaN ratio; its maximum is 0 and its effective weight 0.
    EXPECT_EQ(at(card.node_points, 0, land), 0.0);
    EXPECT_TRUE(std::isnan(card.leaf_ratio(0, 2)));
    EXPECT_EQ(card.weights.effective_weight(0, land), 0.0);
    EXPECT_NEAR(card.weights.effective_weight(1, land), 0.15, 1e-15);
    EXPECT_NEAR(card.weights.effective_weight(0, d.gdp), 0.89, 1e-15);
    EXPECT_NEAR(card.weights.effective_weight(1, d.gdp), 0.70, 1e-15);
    // The department's explanation does not list the indicator; the town's does.
    bool dept_lists = false, town_lists = false;
    for (const auto& l : card.explain_lines(0)) dept_lists = dept_lists || contains(l.path, "land_use");
    for (const auto& l : card.explain_lines(1)) town_lists = town_lists || contains(l.path, "land_use");
    EXPECT_FALSE(dept_lists);
    EXPECT_TRUE(town_lists);
}

TEST(Categories, EventOnAnIndicatorThatDoesNotApplyIsAnError) {
    const District d = with_land_use();
    Dataset data = dataset({"court_attended", "court_required", "gdp", "land_use"},
                           {{40, 50, 90, NA}, {40, 50, 90, 60}}, {"d1", "t1"}, {"dept", "town"});
    Event e = event(EventType::override_, "d1", "land_use");
    e.value = 10;
    e.note = "复核";
    data.events = {e};
    try {
        (void)score(d.fw, data);
        FAIL() << "an override on an indicator that does not apply to the unit was accepted";
    } catch (const input_errors& err) {
        ASSERT_EQ(err.problems().size(), 1u) << err.what();
        EXPECT_TRUE(contains(err.problems()[0], "'d1'")) << err.problems()[0];
        EXPECT_TRUE(contains(err.problems()[0], "does not apply to the unit's category")) << err.problems()[0];
    }
}

TEST(Categories, PointsThatDoNotAddUpInACategoryAreAFrameworkError) {
    // Towns: gdp 70 + land_use 10 = 80, but economy has 85 points for towns.
    District d = with_land_use();
    d.fw.nodes.back().weight = points(10);
    try {
        (void)resolve(d.fw);
        FAIL() << "mismatched category points were accepted";
    } catch (const framework_error& e) {
        const std::string what = e.what();
        EXPECT_EQ(e.where().path, "root/economy") << what;
        EXPECT_TRUE(contains(what, "root/economy")) << what;
        EXPECT_TRUE(contains(what, "category 'town'")) << what;
        EXPECT_TRUE(contains(what, "add up to 80")) << what;
        EXPECT_TRUE(contains(what, "85 points")) << what;
    }
    // score() reports the same error.
    EXPECT_THROW((void)score(d.fw, Dataset{}), framework_error);
    // Departments alone are fine: the mismatch is in the town column only. Give towns 75 + 10 and it resolves.
    District ok = with_land_use(75);
    ok.fw.nodes.back().weight = points(10);
    EXPECT_NO_THROW((void)resolve(ok.fw));
}

TEST(Categories, SharesThatDoNotAddUpInACategoryAreAFrameworkError) {
    // Towns: a1 0.5 + a2 0.4 = 0.9 (90%) instead of 1.
    TreeBuilder b;
    b.fw.categories = dept_town();
    const std::size_t a1 = b.leaf(0, "a1", share(0.5), completion("a1"));
    b.leaf(0, "a2", share(0.5), completion("a2"));
    b.node(a1).weight_by_category["town"] = share(0.4);
    try {
        (void)resolve(b.fw);
        FAIL() << "mismatched category shares were accepted";
    } catch (const framework_error& e) {
        const std::string what = e.what();
        EXPECT_TRUE(contains(what, "root")) << what;
        EXPECT_TRUE(contains(what, "category 'town'")) << what;
        EXPECT_TRUE(contains(what, "0.9")) << what;
        EXPECT_TRUE(contains(what, "90%")) << what;
    }
}

TEST(Categories, GroupWithNoApplicableChildIsAFrameworkError) {
    // Group G has one leaf that applies to towns only: for departments G would be empty.
    TreeBuilder b;
    b.fw.categories = dept_town();
    const std::size_t g = b.group(0, "G", relative(1));
    const std::size_t x = b.leaf(g, "x", relative(1), completion("x"));
    b.node(x).applies_to = {"town"};
    b.leaf(0, "y", relative(1), completion("y"));
    try {
        (void)resolve(b.fw);
        FAIL() << "a group without applicable children was accepted";
    } catch (const framework_error& e) {
        EXPECT_TRUE(contains(e.what(), "root/G")) << e.what();
        EXPECT_TRUE(contains(e.what(), "category 'dept'")) << e.what();
    }
    // Marking the group itself as town-only fixes it: departments get y alone (100 points).
    b.node(g).applies_to = {"town"};
    const ResolvedWeights w = resolve(b.fw);
    EXPECT_EQ(w.max_points[0][g], 0.0);
    EXPECT_EQ(w.max_points[0][x], 0.0);
    EXPECT_EQ(w.max_points[0][b.fw.nodes.size() - 1], 100.0);
    EXPECT_EQ(w.max_points[1][x], 50.0);
}

TEST(Categories, UnknownCategoryInTheFrameworkIsAFrameworkError) {
    District d = district();
    d.fw.nodes[d.economy].weight_by_category["village"] = points(85);
    EXPECT_THROW((void)resolve(d.fw), framework_error);
    d = district();
    d.fw.nodes[d.gdp].applies_to = {"village"};
    EXPECT_THROW((void)resolve(d.fw), framework_error);
}

// R8 (扣分分值加倍): a 5-point supervision item, 1 point per missed report; units of class "listed" (仅有市、区
// 两级政府列督事项的部门) have every deduction doubled.
Framework supervision() {
    TreeBuilder b;
    b.fw.categories = {{"normal", "一般单位"}, {"listed", "列督单位"}};
    b.leaf(0, "work", points(95), completion("work"));
    DeductionRule rule;
    rule.price = {{"missed", 1.0}};
    const std::size_t s = b.leaf(0, "supervision", points(5), rule);
    DeductionRule doubled = rule;
    doubled.multiplier = 2;
    b.node(s).rule_by_category["listed"] = doubled;
    return b.fw;
}

Event missed(const std::string& unit, double count) {
    Event e = event(EventType::deduction, unit, "supervision");
    e.kind = "missed";
    e.count = count;
    return e;
}

TEST(Categories, RuleByCategoryDoublesDeductions) {
    // Two missed reports: normal 5 - 2 x 1 = 3; listed 5 - 2 x 1 x 2 = 1. Three for a listed unit:
    // 5 - 6 < 0 -> 0 (扣完为止). work is 95 x 100% for everyone.
    Dataset data = dataset({"work"}, {{100}, {100}, {100}}, {"n1", "l1", "l2"}, {"normal", "listed", "listed"});
    data.events = {missed("n1", 1), missed("n1", 1), missed("l1", 2), missed("l2", 3)};
    const ScoreCard card = score(supervision(), data);
    EXPECT_NEAR(at(card.node_points, 0, 2), 3.0, 1e-12);
    EXPECT_NEAR(at(card.node_points, 1, 2), 1.0, 1e-12);
    EXPECT_EQ(at(card.node_points, 2, 2), 0.0);
    EXPECT_NEAR(at(card.total, 0), 98.0, 1e-12);
    EXPECT_NEAR(at(card.total, 1), 96.0, 1e-12);
    EXPECT_NEAR(at(card.total, 2), 95.0, 1e-12);
    // The listed unit's explanation shows the multiplier.
    bool shown = false;
    for (const auto& l : card.explain_lines(1))
        if (l.path == "root/supervision") {
            shown = true;
            EXPECT_TRUE(contains(l.note, "x2")) << l.note;
            EXPECT_TRUE(contains(l.note, "5 - 4")) << l.note;
        }
    EXPECT_TRUE(shown);
}

// A category may change a rule's parameters but not the data it reads (nor its type): a category rule
// reading another item is rejected when the framework is resolved, naming the node and both items.
TEST(Categories, RuleByCategoryCannotChangeTheInput) {
    TreeBuilder b;
    b.fw.categories = dept_town();
    const std::size_t q = b.leaf(0, "quality", points(100), completion("dept_q"));
    b.node(q).rule_by_category["town"] = completion("town_q");
    try {
        (void)resolve(b.fw);
        FAIL() << "a category rule with another input was accepted";
    } catch (const framework_error& e) {
        EXPECT_TRUE(contains(e.what(), "root/quality")) << e.what();
        EXPECT_TRUE(contains(e.what(), "reads 'town_q' but the base rule reads 'dept_q'")) << e.what();
    }
    b.node(q).rule_by_category["town"] = ManualRule{};
    EXPECT_THROW((void)resolve(b.fw), framework_error);  // nor the rule type
}

TEST(Categories, UnknownUnitCategoryIsAnError) {
    const District d = district();
    const Dataset data = dataset({"court_attended", "court_required", "gdp"}, {{1, 2, 3}, {1, 2, 3}, {1, 2, 3}},
                                 {"d1", "v1", "x1"}, {"dept", "village", ""});
    try {
        (void)score(d.fw, data);
        FAIL() << "unknown unit categories were accepted";
    } catch (const input_errors& e) {
        // Both bad units are listed: v1's unknown category and x1's missing one.
        ASSERT_EQ(e.problems().size(), 2u) << e.what();
        EXPECT_TRUE(contains(e.problems()[0], "unit 'v1' has unknown category 'village'")) << e.problems()[0];
        EXPECT_TRUE(contains(e.problems()[1], "unit 'x1' has unknown category ''")) << e.problems()[1];
    }
}

TEST(Categories, UnknownUnitCategoryMessageListsTheCategories) {
    const District d = district();
    const Dataset data = dataset({"court_attended", "court_required", "gdp"}, {{1, 2, 3}}, {"v1"}, {"village"});
    try {
        (void)score(d.fw, data);
        FAIL() << "an unknown unit category was accepted";
    } catch (const input_errors& e) {
        ASSERT_EQ(e.problems().size(), 1u) << e.what();
        EXPECT_TRUE(contains(e.problems()[0], "(framework categories: 'dept', 'town')")) << e.problems()[0];
    }
}

TEST(Categories, UnitCategoryWithoutFrameworkCategoriesIsAnError) {
    // The framework declares no categories; a unit that names one is an error, a unit without one is fine.
    const Framework fw = one_leaf(100, completion("x"));
    const Dataset data = dataset({"x"}, {{90}, {80}}, {"u1", "u2"}, {"", "dept"});
    try {
        (void)score(fw, data);
        FAIL() << "a unit category was accepted without framework categories";
    } catch (const input_errors& e) {
        ASSERT_EQ(e.problems().size(), 1u) << e.what();
        EXPECT_TRUE(contains(e.problems()[0], "unit 'u2' has category 'dept' but the framework declares no categories"))
            << e.problems()[0];
    }
    const ScoreCard card = score(fw, dataset({"x"}, {{90}}, {"u1"}, {""}));
    EXPECT_EQ(at(card.total, 0), 90.0);
}

TEST(Categories, CategoriesAreRankedAndPooledSeparately) {
    // Same scheme, ranks and mean imputation per category: t2 has no gdp value (missing: mean) and gets the
    // town mean ratio (t1's 0.6), not the all-unit mean: economy 85 x 0.6 = 51.
    District d = district();
    d.fw.nodes[d.gdp].missing = MissingPolicy::mean;
    const Dataset data =
        dataset({"court_attended", "court_required", "gdp"}, {{10, 10, 100}, {10, 10, 60}, {10, 10, NA}},
                {"d1", "t1", "t2"}, {"dept", "town", "town"});
    const ScoreCard card = score(d.fw, data);
    EXPECT_NEAR(at(card.node_points, 2, d.economy), 51.0, 1e-12);
    EXPECT_NEAR(at(card.total, 2), 66.0, 1e-12);  // 15 + 51
    EXPECT_EQ(at(card.rank_in_category, 0), 1);
    EXPECT_EQ(at(card.rank_in_category, 1), 1);  // t1 = t2 = 66: tied
    EXPECT_EQ(at(card.rank_in_category, 2), 1);
}

}  // namespace

// `kaohe validate` reports every problem at once: independent mistakes in the tree (two groups whose points do
// not add up, a bad band in a third) come in one framework_errors, each named by its node path.
TEST(Categories, IndependentFrameworkProblemsAreReportedTogether) {
    TreeBuilder b(100);
    const std::size_t g1 = b.group(0, "g1", points(50));
    const std::size_t g2 = b.group(0, "g2", points(50));
    b.leaf(g1, "a", points(20), completion("a"));  // 20 != 50
    b.leaf(g2, "b", points(25), completion("b"));  // 25 + 20 != 50
    BandsRule bands;
    bands.input = input("c");
    bands.bands = {{0, 10, 1, ""}, {20, 30, 2, ""}};  // gap [10, 20)
    b.leaf(g2, "c", points(20), bands);
    try {
        (void)resolve(b.fw);
        FAIL() << "the framework was accepted";
    } catch (const framework_errors& e) {
        ASSERT_EQ(e.problems().size(), 3u) << e.what();
        EXPECT_TRUE(contains(e.problems()[0], "root/g1: children's points add up to 20 but the node has 50"))
            << e.what();
        EXPECT_TRUE(contains(e.problems()[1], "root/g2: children's points add up to 45 but the node has 50"))
            << e.what();
        EXPECT_TRUE(contains(e.problems()[2], "root/g2/c/rule")) << e.what();
        EXPECT_TRUE(contains(e.problems()[2], "gap between bands")) << e.what();
    }
}
