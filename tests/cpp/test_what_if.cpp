// What-if re-weighting (sensitivity/what_if.hpp, weight_change.hpp): worked arithmetic for each
// renormalisation policy, categories, the district example's rule of law 11 -> 15, and compare().
#include <gtest/gtest.h>

#include <kaohe/io/dataset_io.hpp>
#include <kaohe/io/framework_json.hpp>
#include <kaohe/sensitivity/what_if.hpp>

#include "support.hpp"

namespace kaohe::test {
namespace {

// root 100: A (40: a1, a2 equal shares), B (60: b1). Completion against 100, so a ratio is value / 100.
struct TwoGroups {
    Framework fw;
    std::size_t a = 0, a1 = 0, a2 = 0, b = 0, b1 = 0;
    TwoGroups() {
        TreeBuilder t;
        a = t.group(0, "A", points(40));
        a1 = t.leaf(a, "a1", relative(1), completion("a1"));
        a2 = t.leaf(a, "a2", relative(1), completion("a2"));
        b = t.group(0, "B", points(60));
        b1 = t.leaf(b, "b1", points(60), completion("b1"));
        fw = t.fw;
    }
};

ScoreCard two_group_card(const Framework& fw) {
    return score(fw, dataset({"a1", "a2", "b1"}, {{100, 50, 20}, {0, 0, 100}, {50, 50, 50}}));
}

TEST(WhatIf, ProportionalShrinksTheSiblingsAndKeepsTheParent) {
    TwoGroups g;
    const auto base = two_group_card(g.fw);
    EXPECT_DOUBLE_EQ(at(base.total, 0), 42.0);  // 20 + 10 + 0.2 x 60
    const auto card = what_if(base, {{"A", 50}});
    // A 50 (a1 25, a2 25), B 50: 25 + 12.5 + 0.2 x 50 = 47.5; u2: 0 + 0 + 50 = 50; u3: 25 + 25 = 50
    EXPECT_DOUBLE_EQ(at(card.total, 0), 47.5);
    EXPECT_DOUBLE_EQ(at(card.total, 1), 50.0);
    EXPECT_DOUBLE_EQ(at(card.total, 2), 50.0);
    EXPECT_DOUBLE_EQ(card.weights.max_points[0][0], 100.0);
    EXPECT_DOUBLE_EQ(card.weights.max_points[0][g.b1], 50.0);
    EXPECT_DOUBLE_EQ(card.weights.max_points[0][g.a2], 25.0);
    EXPECT_TRUE(card.warnings.empty());
}

TEST(WhatIf, NoChangeReproducesTheBaseCardBitForBit) {
    TwoGroups g;
    const auto base = two_group_card(g.fw);
    const auto card = reweigh(base, base.weights);
    for (std::size_t u = 0; u < 3; ++u) {
        EXPECT_EQ(at(card.total, u), at(base.total, u));
        EXPECT_EQ(at(card.rank, u), at(base.rank, u));
    }
    EXPECT_EQ(card.explain("u1"), base.explain("u1"));
}

TEST(WhatIf, PolicyNoneChangesTheTotalAndSaysSo) {
    TwoGroups g;
    const auto base = two_group_card(g.fw);
    std::vector<std::string> notes;
    const auto card = what_if(base, {{"A", 50, Renormalise::none}}, &notes);
    EXPECT_DOUBLE_EQ(card.weights.max_points[0][0], 110.0);
    EXPECT_DOUBLE_EQ(at(card.total, 0), 49.5);  // 25 + 12.5 + 12
    ASSERT_EQ(notes.size(), 1u);
    expect_mentions(notes[0], {"root/A", "40 -> 50", "110"});
}

TEST(WhatIf, ShareAndPointsSayTheSameThing) {
    TwoGroups g;
    const auto base = two_group_card(g.fw);
    const auto x = what_if(base, {WeightChange::share_of_parent("A", 0.5)});
    const auto y = what_if(base, {{"root/A", 50}});
    for (std::size_t u = 0; u < 3; ++u) EXPECT_DOUBLE_EQ(at(x.total, u), at(y.total, u));
}

TEST(WhatIf, RelativeWeightsStayOnTheirOwnScale) {
    TwoGroups g;
    const auto base = two_group_card(g.fw);
    // a1 relative 1 -> 3 beside a2's 1: a1 gets 3/4 of A's 40 = 30, a2 10
    const auto card = what_if(base, {{"a1", 3}});
    EXPECT_DOUBLE_EQ(card.weights.max_points[0][g.a1], 30.0);
    EXPECT_DOUBLE_EQ(card.weights.max_points[0][g.a2], 10.0);
    EXPECT_DOUBLE_EQ(at(card.total, 0), 30 + 5 + 12);
}

TEST(WhatIf, ExplicitGivesEverySiblingAndMustAddUp) {
    TwoGroups g;
    const auto base = two_group_card(g.fw);
    const auto card = what_if(base, {{"A", 30, Renormalise::explicit_}, {"B", 70, Renormalise::explicit_}});
    EXPECT_DOUBLE_EQ(at(card.total, 0), 15 + 7.5 + 14);
    expect_mentions(error_message<framework_error>([&] {
                        (void)what_if(base, {{"A", 30, Renormalise::explicit_}, {"B", 60, Renormalise::explicit_}});
                    }),
                    {"root", "add up to 90", "100"});
    expect_mentions(error_message<framework_error>([&] {
                        (void)what_if(base, {{"A", 30, Renormalise::explicit_}});
                    }),
                    {"must give every child", "missing: B"});
}

TEST(WhatIf, BadChangesNameTheChangeAndTheReason) {
    TwoGroups g;
    const auto base = two_group_card(g.fw);
    expect_mentions(error_message<framework_error>([&] {
                        (void)what_if(base, {{"nope", 5}});
                    }),
                    {"weight change [0] 'nope'", "no node"});
    expect_mentions(error_message<framework_error>([&] {
                        (void)what_if(base, {{"A", 120}});
                    }),
                    {"root/A", "120 points is more than the parent's 100", "none"});
    expect_mentions(error_message<framework_error>([&] {
                        (void)what_if(base, {{"b1", 30}});
                    }),
                    {"root/B/b1", "no siblings"});
    expect_mentions(error_message<framework_error>([&] { (void)what_if(base, {{"A", -1}}); }), {"root/A", ">= 0"});
    expect_mentions(error_message<framework_error>([&] { (void)what_if(base, {{"A", NA}}); }), {"root/A", "finite"});
    expect_mentions(error_message<framework_error>([&] { (void)what_if(base, {{"root", 50}}); }), {"root", "total"});
}

TEST(WhatIf, CategorySpecificChangesLeaveOtherCategoriesAlone) {
    TwoGroups g;
    g.fw.categories = {{"dept", "部门"}, {"town", "镇街"}};
    const auto base =
        score(g.fw, dataset({"a1", "a2", "b1"}, {{100, 50, 20}, {100, 50, 20}}, {"d", "t"}, {"dept", "town"}));
    WeightChange c("A", 50);
    c.category = "town";
    const auto card = what_if(base, {c});
    EXPECT_DOUBLE_EQ(at(card.total, 0), 42.0);
    EXPECT_DOUBLE_EQ(at(card.total, 1), 47.5);
    c.category = "city";
    expect_mentions(error_message<framework_error>([&] { (void)what_if(base, {c}); }), {"unknown category 'city'"});
}

TEST(WhatIf, ExplanationsShowTheRuleAndTheReweighting) {
    TwoGroups g;
    const auto base = two_group_card(g.fw);
    const auto card = what_if(base, {{"A", 50}});
    expect_mentions(card.explain("u1"), {"a1: 25 of 25", "re-weighted", "100% of the new maximum 25 (was 20)"});
}

TEST(WhatIf, CompareFindsBandAndQuotaCrossingsAndTheirDrivers) {
    TwoGroups g;
    g.fw.grading.bands = {{"excellent", "", 45}, {"pass", "", -unbounded}};
    g.fw.grading.quotas = {{"excellent", 0.34, QuotaRounding::half_up, std::nullopt}};  // 1 of 3
    g.fw.grading.pool = CohortScope::all;
    const auto base = two_group_card(g.fw);  // 42, 60, 50: u2 excellent, u3 over the quota
    EXPECT_EQ(base.grade[1], "excellent");
    EXPECT_EQ(base.grade[2], "pass");
    const auto card = what_if(base, {{"A", 50}});  // 47.5, 50, 50: tie, quota of 1 goes to u2 (unit order)
    const auto cmp = compare(base, card);
    ASSERT_EQ(cmp.units.size(), 3u);
    const UnitChange& u1 = cmp.units[0];
    EXPECT_EQ(u1.band_before, "pass");
    EXPECT_EQ(u1.band_after, "excellent");
    EXPECT_TRUE(u1.crossed_band);
    EXPECT_FALSE(u1.crossed_quota);
    EXPECT_EQ(u1.grade_after, "pass");  // in the band, but over the quota
    EXPECT_DOUBLE_EQ(u1.total_after - u1.total_before, 5.5);
    ASSERT_GE(u1.drivers.size(), 2u);
    EXPECT_EQ(u1.drivers[0].path, "root/A");  // +7.5, then B -2
    EXPECT_DOUBLE_EQ(u1.drivers[0].change(), 7.5);
    const UnitChange& u3 = cmp.units[2];
    EXPECT_FALSE(u3.crossed_band);
    EXPECT_EQ(u3.rank_before, 2);
    EXPECT_EQ(u3.rank_after, 1);  // tied with u2 at 50
}

TEST(WhatIf, RuleOfLawFrom11To15OnTheDistrictExample) {
    const std::string dir = std::string(KAOHE_SOURCE_DIR) + "/examples/district-2019/";
    const Framework fw = io::read_framework_json(dir + "framework.json");
    const Dataset data = io::load_dataset(dir + "units.csv", dir + "results.csv", dir + "events.csv");
    const auto base = score(fw, data);
    const auto card = what_if(base, {{"rule_of_law", 15}});
    const std::size_t rol = *fw.find("rule_of_law");
    for (std::size_t u = 0; u < base.units.size(); ++u) {
        const std::size_t c = base.unit_category[u];
        EXPECT_DOUBLE_EQ(base.weights.max_points[c][rol], 11.0);
        EXPECT_DOUBLE_EQ(card.weights.max_points[c][rol], 15.0);
        // rule of law scaled by 15/11, the other 89 points by 85/89; adjustments unchanged
        const double r = at(base.node_points, u, rol);
        const double others = at(base.weighted_total, u) - r;
        const double adj = at(base.total, u) - at(base.weighted_total, u);
        EXPECT_NEAR(at(card.total, u), r * 15.0 / 11.0 + others * 85.0 / 89.0 + adj, 1e-9) << base.units[u].id;
    }
}

}  // namespace
}  // namespace kaohe::test
