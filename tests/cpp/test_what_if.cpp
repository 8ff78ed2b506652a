// What-if re-weighting (sensitivity/what_if.hpp, weight_change.hpp): worked arithmetic for each
// renormalisation policy, categories, the district example's rule of law 11 -> 15, joint changes (named nodes
// exact, unnamed siblings proportional, any order), the scenario's own framework, and compare().
#include <algorithm>
#include <random>

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
    expect_mentions(error_message<framework_error>([&] { (void)what_if(base, {{"A", 30, Renormalise::explicit_}}); }),
                    {"needs every child", "missing: B"});
}

TEST(WhatIf, BadChangesNameTheChangeAndTheReason) {
    TwoGroups g;
    const auto base = two_group_card(g.fw);
    expect_mentions(error_message<framework_error>([&] { (void)what_if(base, {{"nope", 5}}); }),
                    {"weight change [0] 'nope'", "no node"});
    expect_mentions(error_message<framework_error>([&] { (void)what_if(base, {{"A", 120}}); }),
                    {"'root'", "A 120 = 120 points", "more than its 100", "'none'", "'rescale'"});
    expect_mentions(error_message<framework_error>([&] { (void)what_if(base, {{"b1", 30}}); }),
                    {"'root/B'", "no unnamed child is left", "'rescale'"});
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

// Issue 11: two changes under rule_of_law (3 -> 4, 2 -> 1; it still adds up to 11) were applied one after the
// other, so court_rate ended at 4.3243 and every sibling shrank. Jointly, both are exact and nothing else moves.
TEST(WhatIfJoint, TwoChangesUnderOneParentAreBothExactAndTheOthersKeepTheirPoints) {
    const std::string dir = std::string(KAOHE_SOURCE_DIR) + "/examples/district-2019/";
    const Framework fw = io::read_framework_json(dir + "framework.json");
    const Dataset data = io::load_dataset(dir + "units.csv", dir + "results.csv", dir + "events.csv");
    const auto base = score(fw, data);
    const std::size_t court = *fw.find("court_rate"), recon = *fw.find("recon_correction");
    const std::size_t rol = *fw.find("rule_of_law");
    ASSERT_DOUBLE_EQ(base.weights.max_points[0][court], 3.0);
    ASSERT_DOUBLE_EQ(base.weights.max_points[0][recon], 2.0);
    const auto card = what_if(base, {{"court_rate", 4}, {"recon_correction", 1}});
    for (std::size_t c = 0; c < card.weights.categories.size(); ++c) {
        const auto& before = base.weights.max_points[c];
        const auto& after = card.weights.max_points[c];
        EXPECT_EQ(after[court], 4.0);
        EXPECT_EQ(after[recon], 1.0);
        EXPECT_EQ(after[rol], 11.0);
        for (std::size_t n = 0; n < fw.nodes.size(); ++n)
            if (n != court && n != recon) {
                EXPECT_EQ(after[n], before[n]) << fw.path(n);
            }
    }
    // The scenario card carries its framework: the new points are in it, the base framework is untouched.
    EXPECT_EQ(card.framework->nodes[court].weight.value, 4.0);
    EXPECT_EQ(card.framework->nodes[recon].weight.value, 1.0);
    EXPECT_EQ(base.framework->nodes[court].weight.value, 3.0);
    // Each unit with every rule-of-law leaf scored moves by exactly court's ratio x 1 - recon's ratio x 1 (a unit
    // with an excluded leaf has its rule-of-law siblings reweighted: missing: exclude).
    const auto col = [&](std::size_t node) {
        return static_cast<Eigen::Index>(std::find(base.leaves.begin(), base.leaves.end(), node) - base.leaves.begin());
    };
    std::size_t checked = 0;
    for (std::size_t u = 0; u < base.units.size(); ++u) {
        const auto i = static_cast<Eigen::Index>(u);
        bool complete = true;
        for (std::size_t leaf : fw.nodes[rol].children)
            complete = complete && !std::isnan(base.leaf_ratio(i, col(leaf)));
        if (!complete) continue;
        const double want = at(base.total, u) + base.leaf_ratio(i, col(court)) - base.leaf_ratio(i, col(recon));
        EXPECT_NEAR(at(card.total, u), want, 1e-12) << base.units[u].id;
        ++checked;
    }
    EXPECT_GE(checked, 10u);
}

// A random tree of relative, share and points groups; random joint changes, applied in every order.
TEST(WhatIfJoint, AnyOrderGivesTheSameWeightsNamedNodesExactUnnamedProportional) {
    std::mt19937 rng(2026);
    for (int trial = 0; trial < 40; ++trial) {
        TreeBuilder t;
        std::vector<std::size_t> groups, leaves;
        const int ng = 3 + trial % 3;
        for (int gi = 0; gi < ng; ++gi) {
            const std::size_t g = t.group(0, "g" + std::to_string(gi), points(100.0 / ng));
            groups.push_back(g);
            const int nl = 2 + (trial + gi) % 4;
            for (int li = 0; li < nl; ++li) {
                const std::string id = "g" + std::to_string(gi) + "l" + std::to_string(li);
                const Weight w = gi % 3 == 0   ? relative(1.0 + li)
                                 : gi % 3 == 1 ? share(1.0 / nl)
                                               : points(100.0 / ng / nl);
                leaves.push_back(t.leaf(g, id, w, completion(id)));
            }
        }
        const Framework fw = t.fw;
        const ResolvedWeights base = resolve(fw);
        // Named: one top-level group in points, and in one other group a strict subset of its leaves as shares.
        std::vector<WeightChange> changes;
        const std::size_t g0 = groups[static_cast<std::size_t>(trial) % groups.size()];
        changes.push_back(WeightChange::points(fw.nodes[g0].id, base.max_points[0][g0] * 1.3));
        const std::size_t g1 = groups[(static_cast<std::size_t>(trial) + 1) % groups.size()];
        const auto& kids = fw.nodes[g1].children;
        std::vector<double> shares;
        for (std::size_t k = 0; k + 1 < kids.size(); ++k) {
            shares.push_back(0.5 / static_cast<double>(kids.size()) + 0.01 * static_cast<double>(k));
            changes.push_back(WeightChange::share_of_parent(fw.nodes[kids[k]].id, shares.back()));
        }
        const ResolvedWeights first = apply_weight_changes(fw, base, changes);
        for (int perm = 0; perm < 6; ++perm) {
            std::shuffle(changes.begin(), changes.end(), rng);
            const ResolvedWeights again = apply_weight_changes(fw, base, changes);
            ASSERT_EQ(again.max_points, first.max_points) << "trial " << trial << ", permutation " << perm;
        }
        const auto& m = first.max_points[0];
        const auto& b = base.max_points[0];
        EXPECT_EQ(m[0], 100.0);                            // the total is kept
        EXPECT_EQ(m[g0], b[g0] * 1.3);                     // named in points: exact
        for (std::size_t k = 0; k + 1 < kids.size(); ++k)  // named as shares of the (possibly rescaled) parent
            EXPECT_NEAR(m[kids[k]], shares[k] * m[g1], 1e-12 * m[g1]);
        // Unnamed siblings keep their proportions among themselves and fill the rest of their parent.
        double top = 0;
        for (std::size_t g : groups) top += m[g];
        EXPECT_NEAR(top, 100.0, 1e-9);
        std::size_t ref = groups[0] == g0 ? groups[1] : groups[0];
        for (std::size_t g : groups)
            if (g != g0) {
                EXPECT_NEAR(m[g] / m[ref], b[g] / b[ref], 1e-12);
            }
        double inside = 0;
        for (std::size_t k : kids) inside += m[k];
        EXPECT_NEAR(inside, m[g1], 1e-9 * m[g1]);
        // Leaves of unchanged groups keep their shares of their group.
        for (std::size_t g : groups)
            for (std::size_t k : fw.nodes[g].children)
                if (g != g1) {
                    EXPECT_NEAR(m[k] / m[g], b[k] / b[g], 1e-12);
                }
    }
}

TEST(WhatIfJoint, NamedNodesThatCannotFitAreAnErrorNamingThemAndTheSums) {
    TwoGroups g;
    const auto base = two_group_card(g.fw);
    // A 70 + B 50 over-fill the root's 100.
    expect_mentions(error_message<framework_error>([&] { (void)what_if(base, {{"A", 70}, {"B", 50}}); }),
                    {"'root'", "A 70 + B 50 = 120 points", "more than its 100", "'none'"});
    // Every child named, adding up to 90: nothing left to absorb the 10.
    expect_mentions(error_message<framework_error>([&] { (void)what_if(base, {{"A", 30}, {"B", 60}}); }),
                    {"'root'", "A 30 + B 60 = 90 points", "no unnamed child", "'rescale'"});
    // The same node twice.
    expect_mentions(error_message<framework_error>([&] { (void)what_if(base, {{"A", 30}, {"root/A", 35}}); }),
                    {"weight change [0] 'A'", "weight change [1] 'root/A'", "both set 'root/A'"});
    // Mixed policies under one parent.
    expect_mentions(
        error_message<framework_error>([&] { (void)what_if(base, {{"A", 30}, {"B", 70, Renormalise::explicit_}}); }),
        {"different policies", "'proportional'", "'explicit'"});
    // policy none below a named node would move the named node.
    expect_mentions(
        error_message<framework_error>([&] { (void)what_if(base, {{"A", 50}, {"a1", 3, Renormalise::none}}); }),
        {"policy 'none'", "'root/A'", "weight change [0] 'A'"});
}

TEST(WhatIfJoint, RescaleFillsTheParentWithSharesThatDoNotAddUp) {
    TwoGroups g;
    const auto base = two_group_card(g.fw);
    // Shares of A as an MCDA method rounded them: 60.005% + 40% = 100.005%.
    const auto card = what_if(base, {WeightChange::share_of_parent("a1", 0.60005, Renormalise::rescale),
                                     WeightChange::share_of_parent("a2", 0.40, Renormalise::rescale)});
    EXPECT_NEAR(card.weights.max_points[0][g.a1], 40 * 0.60005 / 1.00005, 1e-12);
    EXPECT_NEAR(card.weights.max_points[0][g.a2], 40 * 0.40 / 1.00005, 1e-12);
    EXPECT_EQ(card.weights.max_points[0][g.a], 40.0);
}

TEST(WhatIfJoint, AShareOfAChangedParentIsAShareOfItsNewPoints) {
    TwoGroups g;
    const auto base = two_group_card(g.fw);
    // A 40 -> 50, and a1 = 70% of A: 35 of the new 50 (whatever the order).
    for (const auto& changes : {std::vector<WeightChange>{{"A", 50}, WeightChange::share_of_parent("a1", 0.7)},
                                std::vector<WeightChange>{WeightChange::share_of_parent("a1", 0.7), {"A", 50}}}) {
        const auto card = what_if(base, changes);
        EXPECT_EQ(card.weights.max_points[0][g.a], 50.0);
        EXPECT_NEAR(card.weights.max_points[0][g.a1], 35.0, 1e-12);
        EXPECT_NEAR(card.weights.max_points[0][g.a2], 15.0, 1e-12);
        EXPECT_EQ(card.weights.max_points[0][g.b], 50.0);
    }
}

// The scenario card's framework, re-scored from the data, reproduces the scenario (rules that score a ratio).
TEST(WhatIfJoint, TheScenarioFrameworkRescoredReproducesTheScenarioCard) {
    TwoGroups g;
    const auto base = two_group_card(g.fw);
    const auto card = what_if(base, {{"A", 55}, WeightChange::share_of_parent("a2", 0.25)});
    const auto again = score(*card.framework, dataset({"a1", "a2", "b1"}, {{100, 50, 20}, {0, 0, 100}, {50, 50, 50}}));
    EXPECT_EQ(again.weights.max_points, card.weights.max_points);
    for (std::size_t u = 0; u < 3; ++u) EXPECT_DOUBLE_EQ(at(again.total, u), at(card.total, u));
    EXPECT_DOUBLE_EQ(card.framework->total, 100.0);
    // Relative weights stay relative, on the siblings' scale (1 + 1 = 2).
    EXPECT_EQ(card.framework->nodes[g.a1].weight.kind, WeightKind::relative);
    EXPECT_NEAR(card.framework->nodes[g.a1].weight.value, 1.5, 1e-12);
    EXPECT_NEAR(card.framework->nodes[g.a2].weight.value, 0.5, 1e-12);
}

}  // namespace
}  // namespace kaohe::test
