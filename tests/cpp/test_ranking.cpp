// Ranks: kaohe::rank_members with each tie method, and ranks as score() publishes them (tie methods from the
// framework's ranking policy, the tie-break chain, ranking on the rounded total, ranks within a category,
// out-of-pool and disqualified units). Expected ranks are worked by hand in the comments.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "support.hpp"

namespace {

using namespace kaohe;
using namespace kaohe::test;

// One leaf "x" worth `total` points, completion against a target of 100: a unit's total is x (capped at 100).
Framework direct(double total = 100.0) {
    return one_leaf(total, CompletionRule{input("x"), Reference::fixed(100.0), true});
}

std::vector<std::size_t> all_of(std::size_t n) {
    std::vector<std::size_t> out(n);
    for (std::size_t i = 0; i < n; ++i) out[i] = i;
    return out;
}

Event veto_event(const std::string& unit, const std::string& veto, const std::string& note) {
    Event e = event(EventType::veto, unit, veto);
    e.note = note;
    return e;
}

// ------------------------------------------------------------------------------------------------------
// rank_members

TEST(Ranking, CompetitionGives1224) {
    // 100 is first; the two 90s share rank 2; 80 comes after three units: rank 4.
    const auto r = rank_members({100, 90, 90, 80}, all_of(4), TieMethod::competition);
    EXPECT_EQ(r, (std::vector<double>{1, 2, 2, 4}));
}

TEST(Ranking, DenseGives1223) {
    // Dense ranks count distinct values above: 100 -> 1, 90 -> 2, 80 -> 3.
    const auto r = rank_members({100, 90, 90, 80}, all_of(4), TieMethod::dense);
    EXPECT_EQ(r, (std::vector<double>{1, 2, 2, 3}));
}

TEST(Ranking, AverageGivesTheMeanOfTheTiedPositions) {
    // Positions 2 and 3 are tied: (2 + 3) / 2 = 2.5.
    EXPECT_EQ(rank_members({100, 90, 90, 80}, all_of(4), TieMethod::average), (std::vector<double>{1, 2.5, 2.5, 4}));
    // Three units tied at positions 2, 3, 4: (2 + 3 + 4) / 3 = 3; the last is 5.
    EXPECT_EQ(rank_members({100, 90, 90, 90, 80}, all_of(5), TieMethod::average), (std::vector<double>{1, 3, 3, 3, 5}));
}

TEST(Ranking, TiesAreInputOrderIndependent) {
    // The same values listed worst first: 80 -> 4, 90s -> 2, 100 -> 1.
    EXPECT_EQ(rank_members({80, 90, 100, 90}, all_of(4), TieMethod::competition), (std::vector<double>{4, 2, 1, 2}));
    EXPECT_EQ(rank_members({80, 90, 100, 90}, all_of(4), TieMethod::dense), (std::vector<double>{3, 2, 1, 2}));
}

TEST(Ranking, OrdinalBreaksTiesByKeysThenUnitOrder) {
    // Units 0, 2 and 3 tie at 90 behind unit 1 (100); unit 4 (80) is last.
    const std::vector<double> values{90, 100, 90, 90, 80};
    // Without keys the tied units keep unit order: 0 -> 2, 2 -> 3, 3 -> 4.
    EXPECT_EQ(rank_members(values, all_of(5), TieMethod::ordinal), (std::vector<double>{2, 1, 3, 4, 5}));
    // First key (higher first): unit 2 has 7, units 0 and 3 have 5 -> unit 2 is 2nd. Second key decides
    // between 0 (1) and 3 (3): unit 3 is 3rd, unit 0 4th.
    const std::vector<std::vector<double>> keys{{5, 0, 7, 5, 0}, {1, 0, 2, 3, 0}};
    EXPECT_EQ(rank_members(values, all_of(5), TieMethod::ordinal, keys), (std::vector<double>{4, 1, 2, 3, 5}));
    // Keys only break ties: they never reorder units whose values differ (unit 4 has the best keys).
    const std::vector<std::vector<double>> loud{{0, 0, 0, 0, 99}};
    EXPECT_EQ(rank_members(values, all_of(5), TieMethod::ordinal, loud), (std::vector<double>{2, 1, 3, 4, 5}));
    // Keys are ignored by the other methods: competition still gives 2, 1, 2, 2, 5.
    EXPECT_EQ(rank_members(values, all_of(5), TieMethod::competition, keys), (std::vector<double>{2, 1, 2, 2, 5}));
}

TEST(Ranking, NonMembersAreNaN) {
    // Unit 1 (the best value) is not a member: the members rank 100 -> 1, 95 -> 2, 80 -> 3 among themselves.
    const auto r = rank_members({100, 120, 95, 80}, {0, 2, 3}, TieMethod::competition);
    ASSERT_EQ(r.size(), 4u);
    EXPECT_EQ(r[0], 1);
    EXPECT_TRUE(std::isnan(r[1]));
    EXPECT_EQ(r[2], 2);
    EXPECT_EQ(r[3], 3);
    // No members: everything is NaN.
    for (double v : rank_members({1, 2, 3}, {}, TieMethod::dense)) EXPECT_TRUE(std::isnan(v));
}

// ------------------------------------------------------------------------------------------------------
// Through score()

TEST(Ranking, PolicyTieMethodThroughScore) {
    // Totals 90, 95, 95, 80, 95 (u1..u5).
    const Dataset data = column("x", {90, 95, 95, 80, 95});
    struct Case {
        TieMethod ties;
        std::vector<double> expected;
    };
    const std::vector<Case> cases{
        // The three 95s share rank 1; 90 follows three units -> 4; 80 -> 5.
        {TieMethod::competition, {4, 1, 1, 5, 1}},
        // Distinct values 95 > 90 > 80 -> 1, 2, 3.
        {TieMethod::dense, {2, 1, 1, 3, 1}},
        // The 95s occupy positions 1..3: mean 2.
        {TieMethod::average, {4, 2, 2, 5, 2}},
        // Ties in unit order (no tie-break chain): u2 1, u3 2, u5 3.
        {TieMethod::ordinal, {4, 1, 2, 5, 3}},
    };
    for (const auto& c : cases) {
        Framework fw = direct();
        fw.ranking.ties = c.ties;
        const ScoreCard card = score(fw, data);
        for (std::size_t u = 0; u < 5; ++u) {
            EXPECT_EQ(at(card.rank, u), c.expected[u]) << "unit " << u << " method " << static_cast<int>(c.ties);
            // Without categories, the category rank is the overall rank.
            EXPECT_EQ(at(card.rank_in_category, u), c.expected[u]) << "unit " << u;
        }
    }
}

TEST(Ranking, CompetitionIsTheDefault) {
    const ScoreCard card = score(direct(), column("x", {70, 85, 85}));
    EXPECT_EQ(at(card.rank, 0), 3);
    EXPECT_EQ(at(card.rank, 1), 1);
    EXPECT_EQ(at(card.rank, 2), 1);
    // order(): by rank, ties in unit order -> u2, u3, u1.
    EXPECT_EQ(card.order(), (std::vector<std::size_t>{1, 2, 0}));
}

// Root 100 = A (50) + B (25) + C (25), each a completion leaf against 100 reading a, b, c.
Framework three_groups() {
    TreeBuilder b;
    const CompletionRule rule{input("a"), Reference::fixed(100.0), true};
    const std::size_t ga = b.group(0, "A", points(50));
    b.leaf(ga, "a", points(50), rule);
    const std::size_t gb = b.group(0, "B", points(25));
    b.leaf(gb, "b", points(25), CompletionRule{input("b"), Reference::fixed(100.0), true});
    const std::size_t gc = b.group(0, "C", points(25));
    b.leaf(gc, "c", points(25), CompletionRule{input("c"), Reference::fixed(100.0), true});
    return b.fw;
}

TEST(Ranking, TieBreakChainOnNodePoints) {
    // Every unit totals 90:
    //   u1: A 45 (a 90) + B 22.5 (b 90) + C 22.5 (c 90)
    //   u2: A 45 (a 90) + B 25 (b 100) + C 20 (c 80)
    //   u3: A 50 (a 100) + B 20 (b 80) + C 20 (c 80)
    //   u4: identical to u1
    const Dataset data = dataset({"a", "b", "c"}, {{90, 90, 90}, {90, 100, 80}, {100, 80, 80}, {90, 90, 90}});
    Framework fw = three_groups();
    {
        const ScoreCard card = score(fw, data);
        for (std::size_t u = 0; u < 4; ++u) {
            ASSERT_EQ(at(card.total, u), 90.0) << "unit " << u;
            EXPECT_EQ(at(card.rank, u), 1) << "competition: a four-way tie at rank 1, tie_break unused";
        }
    }
    fw.ranking.ties = TieMethod::ordinal;
    fw.ranking.tie_break = {"A", "B"};
    {
        // A: u3 has 50, the others 45 -> u3 first. B among u1, u2, u4: u2 has 25 -> second; u1 and u4 tie on
        // both keys (22.5) -> unit order: u1 third, u4 fourth.
        const ScoreCard card = score(fw, data);
        EXPECT_EQ(at(card.rank, 0), 3);
        EXPECT_EQ(at(card.rank, 1), 2);
        EXPECT_EQ(at(card.rank, 2), 1);
        EXPECT_EQ(at(card.rank, 3), 4);
        EXPECT_EQ(card.order(), (std::vector<std::size_t>{2, 1, 0, 3}));
    }
    fw.ranking.tie_break = {"C"};
    {
        // C: u1 and u4 have 22.5, u2 and u3 20. Ties on C in unit order: u1 1, u4 2, u2 3, u3 4.
        const ScoreCard card = score(fw, data);
        EXPECT_EQ(at(card.rank, 0), 1);
        EXPECT_EQ(at(card.rank, 3), 2);
        EXPECT_EQ(at(card.rank, 1), 3);
        EXPECT_EQ(at(card.rank, 2), 4);
    }
}

TEST(Ranking, UnknownTieBreakNodeIsAFrameworkError) {
    Framework fw = direct();
    fw.ranking.tie_break = {"nope"};
    EXPECT_THROW((void)score(fw, column("x", {1, 2})), framework_error);
}

// Jining 2017 (assessment-practice R13): field inspection 85% + questionnaire 15%.
// 济阳: 85 x 97.96% + 15 x 96.65% = 83.266 + 14.4975 = 97.7635, published 97.76.
// A second unit: 85 x 97.98% + 15 x 96.546% = 83.283 + 14.4819 = 97.7649, also published 97.76.
Framework jining() {
    TreeBuilder b;
    b.leaf(0, "field", points(85), CompletionRule{input("field"), Reference::fixed(100.0), true});
    b.leaf(0, "survey", points(15), CompletionRule{input("survey"), Reference::fixed(100.0), true});
    return b.fw;
}

TEST(Ranking, OnRoundedTotalTiesUnitsThatPublishTheSameTotal) {
    const Dataset data = dataset({"field", "survey"}, {{97.96, 96.65}, {97.98, 96.546}});
    Framework fw = jining();
    fw.rounding.total = 2;
    {
        // Full precision: 97.7649 > 97.7635, so u2 ranks first.
        const ScoreCard card = score(fw, data);
        EXPECT_NEAR(at(card.total, 0), 97.7635, 1e-9);
        EXPECT_NEAR(at(card.total, 1), 97.7649, 1e-9);
        EXPECT_EQ(at(card.rank, 0), 2);
        EXPECT_EQ(at(card.rank, 1), 1);
        EXPECT_EQ(card.published(at(card.total, 0), "total"), 97.76);
        EXPECT_EQ(card.published(at(card.total, 1), "total"), 97.76);
    }
    fw.ranking.on_rounded_total = true;
    {
        // Both publish 97.76: a tie, rank 1 each (competition). The totals themselves stay at full precision.
        const ScoreCard card = score(fw, data);
        EXPECT_EQ(at(card.rank, 0), 1);
        EXPECT_EQ(at(card.rank, 1), 1);
        EXPECT_NEAR(at(card.total, 0), 97.7635, 1e-9);
    }
    fw.ranking.ties = TieMethod::ordinal;
    fw.ranking.tie_break = {"survey"};
    {
        // The rounded tie is broken on the survey points: u1 14.4975 > u2 14.4819 -> u1 first, although its
        // full-precision total is lower.
        const ScoreCard card = score(fw, data);
        EXPECT_EQ(at(card.rank, 0), 1);
        EXPECT_EQ(at(card.rank, 1), 2);
    }
    fw.ranking.tie_break = {"field"};
    {
        // On field points u2 (83.283) beats u1 (83.266).
        const ScoreCard card = score(fw, data);
        EXPECT_EQ(at(card.rank, 0), 2);
        EXPECT_EQ(at(card.rank, 1), 1);
    }
}

TEST(Ranking, OnRoundedTotalWithoutDeclaredRoundingUsesFullPrecision) {
    // on_rounded_total without rounding.total: nothing is rounded, so 97.7649 still beats 97.7635.
    Framework fw = jining();
    fw.ranking.on_rounded_total = true;
    const ScoreCard card = score(fw, dataset({"field", "survey"}, {{97.96, 96.65}, {97.98, 96.546}}));
    EXPECT_EQ(at(card.rank, 0), 2);
    EXPECT_EQ(at(card.rank, 1), 1);
}

TEST(Ranking, RanksWithinCategory) {
    Framework fw = direct();
    fw.categories = {{"dept", "区直部门"}, {"town", "镇街"}};
    // dept: d1 88, d2 93, d3 70; town: t1 91, t2 95.
    const Dataset data = dataset({"x"}, {{88}, {91}, {93}, {95}, {70}}, {"d1", "t1", "d2", "t2", "d3"},
                                 {"dept", "town", "dept", "town", "dept"});
    const ScoreCard card = score(fw, data);
    // Overall: 95 t2, 93 d2, 91 t1, 88 d1, 70 d3.
    EXPECT_EQ(at(card.rank, 0), 4);  // d1
    EXPECT_EQ(at(card.rank, 1), 3);  // t1
    EXPECT_EQ(at(card.rank, 2), 2);  // d2
    EXPECT_EQ(at(card.rank, 3), 1);  // t2
    EXPECT_EQ(at(card.rank, 4), 5);  // d3
    // In category: dept 93 d2, 88 d1, 70 d3; town 95 t2, 91 t1.
    EXPECT_EQ(at(card.rank_in_category, 0), 2);
    EXPECT_EQ(at(card.rank_in_category, 1), 2);
    EXPECT_EQ(at(card.rank_in_category, 2), 1);
    EXPECT_EQ(at(card.rank_in_category, 3), 1);
    EXPECT_EQ(at(card.rank_in_category, 4), 3);
}

TEST(Ranking, OrdinalTieBreakWithinCategory) {
    // dept units d1, d2 tie at 90 overall with t1; within dept the chain decides.
    Framework fw = three_groups();
    fw.categories = {{"dept", ""}, {"town", ""}};
    fw.ranking.ties = TieMethod::ordinal;
    fw.ranking.tie_break = {"B"};
    // d1: 45 + 22.5 + 22.5; t1: 50 + 20 + 20; d2: 45 + 25 + 20. All 90.
    const Dataset data = dataset({"a", "b", "c"}, {{90, 90, 90}, {100, 80, 80}, {90, 100, 80}}, {"d1", "t1", "d2"},
                                 {"dept", "town", "dept"});
    const ScoreCard card = score(fw, data);
    // Overall on B: d2 25, d1 22.5, t1 20 -> d2 1, d1 2, t1 3.
    EXPECT_EQ(at(card.rank, 0), 2);
    EXPECT_EQ(at(card.rank, 1), 3);
    EXPECT_EQ(at(card.rank, 2), 1);
    // Within dept: d2 1, d1 2. t1 is alone in town: 1.
    EXPECT_EQ(at(card.rank_in_category, 0), 2);
    EXPECT_EQ(at(card.rank_in_category, 1), 1);
    EXPECT_EQ(at(card.rank_in_category, 2), 1);
}

TEST(Ranking, OutOfPoolUnitsAreUnranked) {
    // u1 (99) is 单列 (in_pool = false): it is scored but neither ranked nor counted in others' ranks.
    Dataset data = column("x", {99, 80, 90});
    data.units[0].in_pool = false;
    const ScoreCard card = score(direct(), data);
    EXPECT_EQ(at(card.total, 0), 99.0);
    EXPECT_TRUE(std::isnan(at(card.rank, 0)));
    EXPECT_TRUE(std::isnan(at(card.rank_in_category, 0)));
    // The others rank among themselves: 90 -> 1, 80 -> 2 (not 2 and 3).
    EXPECT_EQ(at(card.rank, 1), 2);
    EXPECT_EQ(at(card.rank, 2), 1);
    EXPECT_EQ(at(card.rank_in_category, 2), 1);
    // order(): ranked units first (u3, u2), then the unranked u1.
    EXPECT_EQ(card.order(), (std::vector<std::size_t>{2, 1, 0}));
}

TEST(Ranking, DisqualifiedUnitsAreUnranked) {
    Framework fw = direct();
    Veto v;
    v.id = "ineligible";
    v.name = "取消评优资格";
    v.effect = VetoEffect::disqualify;
    fw.vetoes = {v};
    Dataset data = column("x", {95, 90, 85});
    data.events = {veto_event("u1", "ineligible", "发生重大生产安全事故")};
    const ScoreCard card = score(fw, data);
    EXPECT_TRUE(card.disqualified[0]);
    EXPECT_FALSE(card.disqualified[1]);
    EXPECT_EQ(at(card.total, 0), 95.0);  // still scored
    EXPECT_TRUE(std::isnan(at(card.rank, 0)));
    EXPECT_TRUE(std::isnan(at(card.rank_in_category, 0)));
    // 90 -> 1, 85 -> 2.
    EXPECT_EQ(at(card.rank, 1), 1);
    EXPECT_EQ(at(card.rank, 2), 2);
    EXPECT_EQ(card.order(), (std::vector<std::size_t>{1, 2, 0}));
    // The explanation says why, with the event's note.
    bool found = false;
    for (const auto& line : card.explain_lines(0))
        if (line.kind == "veto" && line.path == "ineligible") {
            found = true;
            EXPECT_NE(line.note.find("发生重大生产安全事故"), std::string::npos) << line.note;
            EXPECT_NE(line.note.find("disqualified"), std::string::npos) << line.note;
        }
    EXPECT_TRUE(found);
}

TEST(Ranking, TieBreakOnAnExcludedNodeRanksLast) {
    // Two groups A (50) and B (50). u1 has no value for a (missing: exclude), so A is excluded and B fills
    // the root: u1 = 100 x 0.9 = 90. u2 = A 45 + B 45 = 90. Ordinal on A: an excluded node counts as
    // -infinity, so u2 (45) comes first although u1 is listed first.
    TreeBuilder b;
    const std::size_t ga = b.group(0, "A", points(50));
    b.leaf(ga, "a", points(50), CompletionRule{input("a"), Reference::fixed(100.0), true}, MissingPolicy::exclude);
    const std::size_t gb = b.group(0, "B", points(50));
    b.leaf(gb, "b", points(50), CompletionRule{input("b"), Reference::fixed(100.0), true});
    b.fw.ranking.ties = TieMethod::ordinal;
    b.fw.ranking.tie_break = {"A"};
    const ScoreCard card = score(b.fw, dataset({"a", "b"}, {{NA, 90}, {90, 90}}));
    ASSERT_EQ(at(card.total, 0), at(card.total, 1));
    EXPECT_EQ(at(card.rank, 0), 2);
    EXPECT_EQ(at(card.rank, 1), 1);
}

}  // namespace
