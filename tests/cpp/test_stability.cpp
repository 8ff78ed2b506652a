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

// Ranks in the pools stability works in: within categories when the framework has them (scope auto).
const Eigen::VectorXd& pool_rank(const ScoreCard& c) {
    return c.framework->categories.empty() ? c.rank : c.rank_in_category;
}
std::vector<double> ranks(const ScoreCard& c) {
    const auto& r = pool_rank(c);
    return {r.data(), r.data() + r.size()};
}
std::set<std::string> top(const ScoreCard& c, std::size_t k) {
    std::set<std::string> out;
    for (std::size_t u = 0; u < c.units.size(); ++u)
        if (at(pool_rank(c), u) <= static_cast<double>(k)) out.insert(c.units[u].id);
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
    const auto st = stability(card, o).nodes;
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
// `per_category`: each result is the share in its one category (node@category).
void expect_intervals_match_a_dense_sweep(const ScoreCard& card, const std::vector<WeightStability>& all,
                                          bool per_category = false) {
    const auto base_top = top(card, 5);
    for (const auto& ws : all) {
        auto change = [&](double s) {
            auto ch = WeightChange::share_of_parent(ws.node, s);
            if (per_category) ch.category = ws.categories.at(0);
            return ch;
        };
        const int steps = 2000;
        for (int i = 0; i <= steps; ++i) {
            const double s = static_cast<double>(i) / steps;
            const auto c = what_if(card, {change(s)});
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
            return what_if(card, {change(s)});
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

TEST(Stability, IntervalsMatchADenseSweepWithTheEngine) {
    const auto card = graded_card(25, 3);
    StabilityOptions o;
    o.top_k = 5;
    const auto all = stability(card, o);
    ASSERT_EQ(all.nodes.size(), 6u);  // A, B, a1, a2, b1, b2
    EXPECT_TRUE(all.skipped.empty());
    expect_intervals_match_a_dense_sweep(card, all.nodes);
}

// a2 is `missing: exclude` and missing for every third unit: A re-weights a1 alone for those units, so the
// totals are not linear in a1's share (skipped, with the reason). Every other share is still linear (a2's own
// share does not reach the units it is excluded for; A's effective maximum scales nothing else) and its
// intervals still match the engine.
TEST(Stability, SkipsSharesThatAnExcludedSiblingMakesNonLinearAndSolvesTheRest) {
    Framework fw = graded();
    for (auto& n : fw.nodes)
        if (n.id == "a2") n.missing = MissingPolicy::exclude;
    std::mt19937_64 gen(7);
    std::uniform_real_distribution<double> v(20, 100);
    std::vector<std::vector<double>> rows;
    for (std::size_t u = 0; u < 25; ++u) rows.push_back({v(gen), u % 3 == 0 ? NA : v(gen), v(gen), v(gen)});
    const auto card = score(fw, dataset({"a1", "a2", "b1", "b2"}, rows));
    StabilityOptions o;
    o.top_k = 5;
    const auto all = stability(card, o);
    ASSERT_EQ(all.skipped.size(), 1u);
    EXPECT_EQ(all.skipped[0].node, "root/A/a1");
    expect_mentions(all.skipped[0].reason, {"'root/A/a2' is excluded for unit 'u1'", "9 units in all", "'root/A'",
                                            "not linear", "Monte Carlo"});
    std::vector<std::string> solved;
    for (const auto& ws : all.nodes) solved.push_back(ws.node);
    EXPECT_EQ(solved, (std::vector<std::string>{"root/A", "root/A/a2", "root/B", "root/B/b1", "root/B/b2"}));
    expect_intervals_match_a_dense_sweep(card, all.nodes);
    // Asked for on its own, the skipped node is an error with the same reason.
    o.nodes = {"a1"};
    expect_mentions(error_message<framework_error>([&] { (void)stability(card, o); }),
                    {"root/A/a1", "'root/A/a2' is excluded", "Monte Carlo"});
    o.nodes = {"a1", "b1"};
    const auto two = stability(card, o);
    ASSERT_EQ(two.nodes.size(), 1u);
    EXPECT_EQ(two.nodes[0].node, "root/B/b1");
    ASSERT_EQ(two.skipped.size(), 1u);
}

// A is 40 of 100 for 'x' units and 55 for 'y' units: A's share is two questions, each solved in its own
// category (the other category's totals do not move), and a1 / a2, whose shares of A are the same in both, one.
TEST(Stability, AShareThatDiffersByCategoryIsOneQuestionPerCategory) {
    Framework fw = graded();
    fw.categories = {{"x", "X"}, {"y", "Y"}};
    for (auto& n : fw.nodes) {
        if (n.id == "A") n.weight_by_category["y"] = points(55);
        if (n.id == "B") n.weight_by_category["y"] = points(45);
    }
    std::mt19937_64 gen(11);
    std::uniform_real_distribution<double> v(20, 100);
    std::vector<std::vector<double>> rows;
    std::vector<std::string> ids, cats;
    for (std::size_t u = 0; u < 30; ++u) {
        rows.push_back({v(gen), v(gen), v(gen), v(gen)});
        ids.push_back("u" + std::to_string(u + 1));
        cats.push_back(u % 2 ? "y" : "x");
    }
    const auto card = score(fw, dataset({"a1", "a2", "b1", "b2"}, rows, ids, cats));
    StabilityOptions o;
    o.top_k = 5;
    const auto all = stability(card, o);
    EXPECT_TRUE(all.skipped.empty());
    std::vector<WeightStability> split, shared;
    for (const auto& ws : all.nodes) (ws.categories.size() == 1 ? split : shared).push_back(ws);
    ASSERT_EQ(split.size(), 4u);  // A and B, each in x and in y
    EXPECT_EQ(split[0].node, "root/A");
    EXPECT_EQ(split[0].categories, std::vector<std::string>{"x"});
    EXPECT_DOUBLE_EQ(split[0].share, 0.4);
    EXPECT_EQ(split[1].categories, std::vector<std::string>{"y"});
    EXPECT_DOUBLE_EQ(split[1].share, 0.55);
    ASSERT_EQ(shared.size(), 4u);  // a1, a2, b1, b2
    expect_intervals_match_a_dense_sweep(card, split, true);
    expect_intervals_match_a_dense_sweep(card, shared);
    // overtake needs the one category
    expect_mentions(error_message<framework_error>([&] { (void)overtake(card, "A", "u2", "u1"); }),
                    {"root/A", "differs between categories", "choose one category"});
    EXPECT_DOUBLE_EQ(overtake(card, "A", "u2", "u4", "y").base_share, 0.55);
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
