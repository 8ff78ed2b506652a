// Exact stability intervals (sensitivity/stability.hpp), checked against a dense sweep of the share with the
// full engine (what_if), plus worked arithmetic for a two-unit case and the overtake query.
#include <gtest/gtest.h>

#include <random>
#include <set>

#include <kaohe/sensitivity/stability.hpp>
#include <kaohe/sensitivity/what_if.hpp>

#include "support.hpp"

namespace kaohe::test {
namespace {

// root 100: A 40 (a1, a2), B 60 (b1, b2); bands 70 / 50, excellent quota 30% of all units.
Framework graded() {
    TreeBuilder t;
    const auto a = t.group(0, "A", points(40));
    t.leaf(a, "a1", relative(1), completion("a1"));
    t.leaf(a, "a2", relative(2), completion("a2"));
    const auto b = t.group(0, "B", points(60));
    t.leaf(b, "b1", relative(1), completion("b1"));
    t.leaf(b, "b2", relative(1), completion("b2"));
    t.fw.grading.bands = {{"excellent", "", 70}, {"good", "", 50}, {"pass", "", -unbounded}};
    t.fw.grading.quotas = {{"excellent", 0.3, QuotaRounding::half_up, std::nullopt}};
    t.fw.grading.pool = CohortScope::all;
    return t.fw;
}

ScoreCard graded_card(std::size_t units, std::uint64_t seed) {
    std::mt19937_64 gen(seed);
    std::uniform_real_distribution<double> v(20, 100);
    std::vector<std::vector<double>> rows;
    for (std::size_t u = 0; u < units; ++u) rows.push_back({v(gen), v(gen), v(gen), v(gen)});
    return score(graded(), dataset({"a1", "a2", "b1", "b2"}, rows));
}

std::vector<double> ranks(const ScoreCard& c) {
    return {c.rank.data(), c.rank.data() + c.rank.size()};
}
std::set<std::string> top(const ScoreCard& c, std::size_t k) {
    std::set<std::string> out;
    for (std::size_t u = 0; u < c.units.size(); ++u)
        if (at(c.rank, u) <= static_cast<double>(k)) out.insert(c.units[u].id);
    return out;
}

// Two units: u1 strong on A, u2 strong on B. total(s) for A's share s: u1 = 100 s x 1.0 + 100 (1 - s) x 0.2,
// u2 = 100 s x 0.2 + 100 (1 - s) x 0.6 -> equal at 20 + 80 s = 60 - 40 s, s = 1/3.
TEST(Stability, TwoUnitsCrossWhereTheArithmeticSays) {
    TreeBuilder t;
    const auto a = t.group(0, "A", points(40));
    t.leaf(a, "a1", relative(1), completion("a1"));
    const auto b = t.group(0, "B", points(60));
    t.leaf(b, "b1", relative(1), completion("b1"));
    const auto card = score(t.fw, dataset({"a1", "b1"}, {{100, 20}, {20, 60}}));
    EXPECT_DOUBLE_EQ(at(card.total, 0), 52.0);
    EXPECT_DOUBLE_EQ(at(card.total, 1), 44.0);
    StabilityOptions o;
    o.nodes = {"A"};
    const auto st = stability(card, o);
    ASSERT_EQ(st.size(), 1u);
    EXPECT_DOUBLE_EQ(st[0].share, 0.4);
    EXPECT_NEAR(st[0].ranking.lower, 1.0 / 3.0, 1e-15);
    EXPECT_DOUBLE_EQ(st[0].ranking.upper, 1.0);
    ASSERT_TRUE(st[0].ranking.at_lower);
    EXPECT_FALSE(st[0].ranking.at_upper);
    EXPECT_EQ(st[0].ranking.at_lower->above, "u1");
    EXPECT_EQ(st[0].ranking.at_lower->below, "u2");
    const auto o2 = overtake(card, "A", "u2", "u1");
    ASSERT_TRUE(o2.share);
    EXPECT_NEAR(*o2.share, 1.0 / 3.0, 1e-15);
    EXPECT_TRUE(overtake(card, "A", "u1", "u2").already_above);
    // B's share is 1 - A's: the same crossing at B = 2/3
    const auto ob = overtake(card, "B", "u2", "u1");
    ASSERT_TRUE(ob.share);
    EXPECT_NEAR(*ob.share, 2.0 / 3.0, 1e-15);
}

TEST(Stability, OvertakeSaysWhenNoShareIsEnough) {
    TreeBuilder t;
    const auto a = t.group(0, "A", points(50));
    t.leaf(a, "a1", relative(1), completion("a1"));
    const auto b = t.group(0, "B", points(50));
    t.leaf(b, "b1", relative(1), completion("b1"));
    const auto card = score(t.fw, dataset({"a1", "b1"}, {{90, 90}, {80, 80}}));  // u1 dominates
    const auto o = overtake(card, "A", "u2", "u1");
    EXPECT_FALSE(o.share);
    expect_mentions(o.note, {"no share", "root/A", "'u2' above 'u1'"});
}

// The intervals agree with the engine on a dense sweep: inside, nothing changes; just past an end that
// names a swap, the ranking (top-k set, grades) differs.
TEST(Stability, IntervalsMatchADenseSweepWithTheEngine) {
    const auto card = graded_card(25, 3);
    StabilityOptions o;
    o.top_k = 5;
    const auto all = stability(card, o);
    ASSERT_EQ(all.size(), 6u);  // A, B, a1, a2, b1, b2
    const auto base_top = top(card, 5);
    for (const auto& ws : all) {
        const int steps = 2000;
        for (int i = 0; i <= steps; ++i) {
            const double s = static_cast<double>(i) / steps;
            const auto c = what_if(card, {WeightChange::share_of_parent(ws.node, s)});
            const bool in_ranking = s > ws.ranking.lower && s < ws.ranking.upper;
            const bool in_top = s > ws.top_k.lower && s < ws.top_k.upper;
            const bool in_grades = s > ws.grades.lower && s < ws.grades.upper;
            if (in_ranking) {
                EXPECT_EQ(ranks(c), ranks(card)) << ws.node << " s=" << s;
            }
            if (in_top) {
                EXPECT_EQ(top(c, 5), base_top) << ws.node << " s=" << s;
            }
            if (in_grades) {
                EXPECT_EQ(c.grade, card.grade) << ws.node << " s=" << s;
            }
        }
        // Just beyond each end that names a swap, the property no longer holds.
        auto beyond = [&](const Interval& iv, bool upper) -> std::optional<ScoreCard> {
            const auto& sw = upper ? iv.at_upper : iv.at_lower;
            if (!sw) return std::nullopt;
            const double s = upper ? iv.upper + 1e-7 : iv.lower - 1e-7;
            if (s < 0 || s > 1) return std::nullopt;
            return what_if(card, {WeightChange::share_of_parent(ws.node, s)});
        };
        for (bool upper : {false, true}) {
            if (auto c = beyond(ws.ranking, upper)) {
                EXPECT_NE(ranks(*c), ranks(card)) << ws.node;
            }
            if (auto c = beyond(ws.top_k, upper)) {
                EXPECT_NE(top(*c, 5), base_top) << ws.node;
            }
            if (auto c = beyond(ws.grades, upper)) {
                EXPECT_NE(c->grade, card.grade) << ws.node;
            }
        }
        EXPECT_LT(ws.ranking.lower, ws.ranking.upper) << ws.node;  // a real interval, so the sweep tests something
        EXPECT_LE(ws.ranking.lower, ws.share);
        EXPECT_GE(ws.ranking.upper, ws.share);
        // The ranking changes no later than the top-k set does.
        EXPECT_LE(ws.top_k.lower, ws.ranking.lower);
        EXPECT_GE(ws.top_k.upper, ws.ranking.upper);
    }
}

TEST(Stability, RefusesWhatItCannotSolveExactly) {
    Framework fw = graded();
    fw.nodes[0].aggregation = Aggregation::geometric;
    const auto card = score(fw, dataset({"a1", "a2", "b1", "b2"}, {{50, 60, 70, 80}, {40, 50, 60, 90}}));
    StabilityOptions o;
    o.nodes = {"A"};
    expect_mentions(error_message<framework_error>([&] { (void)stability(card, o); }),
                    {"root/A", "arithmetic", "geometric", "Monte Carlo"});
    o.nodes = {"root"};
    expect_mentions(error_message<framework_error>([&] { (void)stability(card, o); }), {"root", "cannot change"});
    o.nodes = {"nope"};
    expect_mentions(error_message<framework_error>([&] { (void)stability(card, o); }), {"'nope'", "no node"});
}

}  // namespace
}  // namespace kaohe::test
