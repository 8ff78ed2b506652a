// Missing data (R13 N/A handling): the four policies error / zero / mean / exclude, zero denominators, and
// the explanation lines that record which policy was applied.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "support.hpp"

namespace {

using namespace kaohe;
using namespace kaohe::test;

// root 100 = g (60: a 20 + b 40) + h (40: c 40); every leaf is completion against 100.
struct Tree {
    Framework fw;
    std::size_t g = 0, a = 0, b = 0, h = 0, c = 0;
};
Tree tree(MissingPolicy pa, MissingPolicy pb = MissingPolicy::error, MissingPolicy pc = MissingPolicy::error) {
    Tree t;
    TreeBuilder b;
    t.g = b.group(0, "g", points(60));
    t.a = b.leaf(t.g, "a", points(20), completion("a"), pa);
    t.b = b.leaf(t.g, "b", points(40), completion("b"), pb);
    t.h = b.group(0, "h", points(40));
    t.c = b.leaf(t.h, "c", points(40), completion("c"), pc);
    t.fw = b.fw;
    return t;
}

// The "missing" explanation lines of a unit for a node path.
std::vector<ExplainLine> missing_lines(const ScoreCard& card, std::size_t unit, const std::string& path) {
    std::vector<ExplainLine> out;
    for (const auto& l : card.explain_lines(unit))
        if (l.kind == "missing" && l.path == path) out.push_back(l);
    return out;
}

TEST(Missing, ErrorListsEveryMissingUnitAndIndicator) {
    // u1 misses a; u2 misses a and c; u3 misses b; u4 is complete: 4 problems in one error.
    const Tree t = tree(MissingPolicy::error);
    const Dataset data = dataset({"a", "b", "c"}, {{NA, 50, 100}, {NA, 50, NA}, {80, NA, 100}, {80, 50, 100}});
    try {
        (void)score(t.fw, data);
        FAIL() << "missing values were accepted under the error policy";
    } catch (const input_errors& e) {
        const auto& p = e.problems();
        ASSERT_EQ(p.size(), 4u) << e.what();
        const std::vector<std::string> expected{
            "unit 'u1', root/g/a: missing (no value for 'a')", "unit 'u2', root/g/a: missing (no value for 'a')",
            "unit 'u3', root/g/b: missing (no value for 'b')", "unit 'u2', root/h/c: missing (no value for 'c')"};
        for (const auto& want : expected)
            EXPECT_NE(std::find(p.begin(), p.end(), want), p.end()) << "not listed: " << want << "\n" << e.what();
        // what() lists every one of them too, and nothing about u4.
        const std::string what = e.what();
        for (const auto& want : expected) EXPECT_TRUE(contains(what, want)) << what;
        EXPECT_FALSE(contains(what, "'u4'")) << what;
    }
}

TEST(Missing, ErrorIsTheDefaultPolicy) {
    TreeBuilder b;
    b.leaf(0, "x", points(100), completion("x"));
    EXPECT_EQ(b.fw.nodes[1].missing, MissingPolicy::error);
    EXPECT_THROW((void)score(b.fw, column("x", {NA})), input_errors);
}

TEST(Missing, ZeroScoresNothing) {
    // u1 has no a: a = 0; b 50% of 40 = 20; c 100% of 40 = 40 -> g 20, total 60.
    const Tree t = tree(MissingPolicy::zero);
    const ScoreCard card = score(t.fw, dataset({"a", "b", "c"}, {{NA, 50, 100}, {100, 50, 100}}));
    EXPECT_EQ(card.leaf_ratio(0, 0), 0.0);
    EXPECT_NEAR(at(card.node_points, 0, t.g), 20.0, 1e-12);
    EXPECT_NEAR(at(card.total, 0), 60.0, 1e-12);
    EXPECT_NEAR(at(card.total, 1), 80.0, 1e-12);
    const auto l = missing_lines(card, 0, "root/g/a");
    ASSERT_EQ(l.size(), 1u);
    EXPECT_EQ(l[0].note, "no value for 'a': scored 0 (missing: zero)");
    EXPECT_TRUE(missing_lines(card, 1, "root/g/a").empty());
}

TEST(Missing, MeanOfTheUnitsOfTheSameCategory) {
    // a is missing for p3 (category p) and q2 (category q).
    // p: p1 a 80 (ratio 0.8), p2 a 60 (0.6) -> p3 gets (0.8 + 0.6) / 2 = 0.7 of 20 = 14.
    // q: q1 a 20 (0.2) -> q2 gets 0.2 of 20 = 4. (The all-unit mean would be 0.5333.)
    // b and c are 100 for everyone: p3 = 14 + 40 + 40 = 94, q2 = 4 + 80 = 84.
    Tree t = tree(MissingPolicy::mean);
    t.fw.categories = {{"p", ""}, {"q", ""}};
    const Dataset data =
        dataset({"a", "b", "c"}, {{80, 100, 100}, {60, 100, 100}, {NA, 100, 100}, {20, 100, 100}, {NA, 100, 100}},
                {"p1", "p2", "p3", "q1", "q2"}, {"p", "p", "p", "q", "q"});
    const ScoreCard card = score(t.fw, data);
    EXPECT_NEAR(card.leaf_ratio(2, 0), 0.7, 1e-15);
    EXPECT_NEAR(card.leaf_ratio(4, 0), 0.2, 1e-15);
    EXPECT_NEAR(at(card.total, 2), 94.0, 1e-12);
    EXPECT_NEAR(at(card.total, 4), 84.0, 1e-12);
    // Units with a value are unchanged: p1 = 16 + 80 = 96.
    EXPECT_NEAR(at(card.total, 0), 96.0, 1e-12);
    const auto l = missing_lines(card, 2, "root/g/a");
    ASSERT_EQ(l.size(), 1u);
    EXPECT_EQ(l[0].note, "no value: scored the mean of 2 units in its category, 70% of the maximum (missing: mean)");
    const auto lq = missing_lines(card, 4, "root/g/a");
    ASSERT_EQ(lq.size(), 1u);
    EXPECT_TRUE(contains(lq[0].note, "mean of 1 units in its category, 20% of the maximum (missing: mean)"))
        << lq[0].note;
}

TEST(Missing, MeanUsesTheRatioSoCategoryMaximaMayDiffer) {
    // Root 90 with relative weights x : y = 1 : 2 for category p and 2 : 1 for category q.
    TreeBuilder b(90);
    b.fw.categories = {{"p", ""}, {"q", ""}};
    const std::size_t x = b.leaf(0, "x", relative(1), completion("x"), MissingPolicy::mean);
    b.node(x).weight_by_category["q"] = relative(2);
    const std::size_t y = b.leaf(0, "y", relative(2), completion("y"));
    b.node(y).weight_by_category["q"] = relative(1);
    // p (90): x 30, y 60. q (90): x 60, y 30.
    // q1: x 50% -> 30, y 100% -> 30: 60. q2: x missing -> mean ratio of q units = 0.5 -> 30; y 30: 60.
    // p1: x 100% -> 30, y 100% -> 60: 90 (a p unit's ratio must not leak into q's mean).
    const Dataset data = dataset({"x", "y"}, {{100, 100}, {50, 100}, {NA, 100}}, {"p1", "q1", "q2"}, {"p", "q", "q"});
    const ScoreCard card = score(b.fw, data);
    EXPECT_NEAR(at(card.node_points, 2, x), 30.0, 1e-12);
    EXPECT_NEAR(at(card.total, 2), 60.0, 1e-12);
    EXPECT_NEAR(at(card.total, 0), 90.0, 1e-12);
}

TEST(Missing, MeanWithNoValueInTheCategoryIsAnError) {
    // Category q has no unit with a value for a: there is no mean to impute.
    Tree t = tree(MissingPolicy::mean);
    t.fw.categories = {{"p", ""}, {"q", ""}};
    const Dataset data =
        dataset({"a", "b", "c"}, {{80, 100, 100}, {NA, 100, 100}, {NA, 100, 100}}, {"p1", "q1", "q2"}, {"p", "q", "q"});
    try {
        (void)score(t.fw, data);
        FAIL() << "a mean over an empty cohort was accepted";
    } catch (const input_errors& e) {
        ASSERT_EQ(e.problems().size(), 2u) << e.what();
        EXPECT_EQ(e.problems()[0], "unit 'q1', root/g/a: missing, and no unit of its category has a value to average");
        EXPECT_EQ(e.problems()[1], "unit 'q2', root/g/a: missing, and no unit of its category has a value to average");
    }
}

TEST(Missing, ExcludeReweightsTheSiblings) {
    // u1 has no a: g is filled by b alone, 60 x 50% = 30 (not 20 + 0 as with zero); h 40 -> 70.
    const Tree t = tree(MissingPolicy::exclude);
    const ScoreCard card = score(t.fw, dataset({"a", "b", "c"}, {{NA, 50, 100}, {100, 50, 100}}));
    EXPECT_TRUE(std::isnan(card.leaf_ratio(0, 0)));
    EXPECT_TRUE(std::isnan(at(card.node_points, 0, t.a)));
    // b fills g alone: it shows the 30 points it contributes (50% of g's 60), so g's children add up to g.
    EXPECT_NEAR(at(card.node_points, 0, t.b), 30.0, 1e-12);
    EXPECT_NEAR(at(card.node_points, 0, t.g), 30.0, 1e-12);
    EXPECT_NEAR(card.leaf_points()(0, 1), 30.0, 1e-12);
    EXPECT_NEAR(card.node_scores()(0, static_cast<Eigen::Index>(t.b)), 50.0, 1e-12);  // its score is its ratio
    EXPECT_NEAR(at(card.total, 0), 70.0, 1e-12);
    // u2 is complete: g 20 + 20, h 40 -> 80.
    EXPECT_NEAR(at(card.total, 1), 80.0, 1e-12);
    const auto l = missing_lines(card, 0, "root/g/a");
    ASSERT_EQ(l.size(), 1u);
    EXPECT_EQ(l[0].note, "no value for 'a': excluded, its siblings are reweighted (missing: exclude)");
    // The tree line of the excluded leaf says so.
    bool tree_line = false;
    for (const auto& line : card.explain_lines(0))
        if (line.path == "root/g/a" && line.kind == "rule:completion") {
            tree_line = true;
            EXPECT_EQ(line.note, "excluded of 20: no value for 'a'");
        }
    EXPECT_TRUE(tree_line);
}

TEST(Missing, ExcludeOfEveryChildExcludesTheGroup) {
    // u1 has neither a nor b: g is excluded too and h fills the root: 100 x 80% = 80.
    const Tree t = tree(MissingPolicy::exclude, MissingPolicy::exclude);
    const ScoreCard card = score(t.fw, dataset({"a", "b", "c"}, {{NA, NA, 80}, {100, 100, 80}}));
    EXPECT_TRUE(std::isnan(at(card.node_points, 0, t.g)));
    EXPECT_NEAR(at(card.node_points, 0, t.h), 80.0, 1e-12);  // h fills the root: 80% of 100
    EXPECT_NEAR(at(card.total, 0), 80.0, 1e-12);
    // u2: 60 + 32 = 92.
    EXPECT_NEAR(at(card.total, 1), 92.0, 1e-12);
    // The group line says "excluded".
    bool group_line = false;
    for (const auto& line : card.explain_lines(0))
        if (line.path == "root/g" && line.kind == "group") {
            group_line = true;
            EXPECT_EQ(line.note, "excluded of 60");
        }
    EXPECT_TRUE(group_line);
}

TEST(Missing, ExcludeOfEverythingIsAnErrorNamingTheUnit) {
    const Tree t = tree(MissingPolicy::exclude, MissingPolicy::exclude, MissingPolicy::exclude);
    try {
        (void)score(t.fw, dataset({"a", "b", "c"}, {{100, 50, 80}, {NA, NA, NA}, {NA, 10, NA}}));
        FAIL() << "a unit without any value got a total";
    } catch (const input_errors& e) {
        ASSERT_EQ(e.problems().size(), 1u) << e.what();
        EXPECT_EQ(e.problems()[0], "unit 'u2': every indicator is excluded or missing, so it has no total");
    }
}

TEST(Missing, ZeroDenominatorIsMissing) {
    // court = court_attended / court_required x 100. u1 has 0 cases to attend (0/0), u2 3/0: both missing.
    // u3 has no denominator at all. u4 32/55 is fine.
    Input court;
    court.item = "court_attended";
    court.denominator = "court_required";
    court.scale = 100;
    TreeBuilder b;
    b.leaf(0, "court", points(100), CompletionRule{court, Reference::fixed(100.0), true});
    const Dataset data = dataset({"court_attended", "court_required"}, {{0, 0}, {3, 0}, {3, NA}, {32, 55}});
    try {
        (void)score(b.fw, data);
        FAIL() << "a zero denominator was scored";
    } catch (const input_errors& e) {
        ASSERT_EQ(e.problems().size(), 3u) << e.what();
        EXPECT_EQ(e.problems()[0], "unit 'u1', root/court: missing (denominator 'court_required' is 0)");
        EXPECT_EQ(e.problems()[1], "unit 'u2', root/court: missing (denominator 'court_required' is 0)");
        EXPECT_EQ(e.problems()[2], "unit 'u3', root/court: missing (no value for 'court_required')");
    }
}

TEST(Missing, ZeroDenominatorUnderExclude) {
    // court (30) and other (70). u1 has 0/0 court cases: court is excluded and other fills 100:
    // 100 x 90% = 90. u2 32/55 -> 30 x 58.18% = 17.4545..., other 63 -> 80.4545...
    Input court;
    court.item = "court_attended";
    court.denominator = "court_required";
    court.scale = 100;
    TreeBuilder b;
    const std::size_t c =
        b.leaf(0, "court", points(30), CompletionRule{court, Reference::fixed(100.0), true}, MissingPolicy::exclude);
    b.leaf(0, "other", points(70), completion("other"));
    const ScoreCard card =
        score(b.fw, dataset({"court_attended", "court_required", "other"}, {{0, 0, 90}, {32, 55, 90}}));
    EXPECT_TRUE(std::isnan(at(card.node_points, 0, c)));
    EXPECT_NEAR(at(card.total, 0), 90.0, 1e-12);
    EXPECT_NEAR(at(card.total, 1), 30.0 * 32 / 55 + 63, 1e-12);
    const auto l = missing_lines(card, 0, "root/court");
    ASSERT_EQ(l.size(), 1u);
    EXPECT_EQ(l[0].note, "denominator 'court_required' is 0: excluded, its siblings are reweighted (missing: exclude)");
}

TEST(Missing, ZeroDenominatorDoesNotEnterTheMean) {
    // Under "mean", u1 (0/0) gets the mean of u2 (10/20 = 50%) and u3 (30/40 = 75%): 62.5% of 100.
    // (Were 0/0 counted as a 0% value, u1 would score 0 and the mean would not apply.)
    Input rate;
    rate.item = "num";
    rate.denominator = "den";
    rate.scale = 100;
    TreeBuilder b;
    b.leaf(0, "rate", points(100), CompletionRule{rate, Reference::fixed(100.0), true}, MissingPolicy::mean);
    const ScoreCard card = score(b.fw, dataset({"num", "den"}, {{0, 0}, {10, 20}, {30, 40}}));
    EXPECT_NEAR(at(card.total, 0), 62.5, 1e-12);
    const auto l = missing_lines(card, 0, "root/rate");
    ASSERT_EQ(l.size(), 1u);
    EXPECT_TRUE(contains(l[0].note, "mean of 2 units")) << l[0].note;
    EXPECT_TRUE(contains(l[0].note, "(missing: mean)")) << l[0].note;
}

TEST(Missing, EventDrivenRulesCanBeMissingToo) {
    // A manual leaf (40) without a manual event is missing; under exclude the other leaf (60) fills 100.
    TreeBuilder b;
    const std::size_t m = b.leaf(0, "judged", points(40), ManualRule{}, MissingPolicy::exclude);
    b.leaf(0, "x", points(60), completion("x"));
    Dataset data = column("x", {50, 50});
    Event e = event(EventType::manual, "u2", "judged");
    e.value = 30;
    e.note = "现场检查";
    data.events = {e};
    const ScoreCard card = score(b.fw, data);
    // u1: 100 x 50% = 50. u2: 30 + 60 x 50% = 60.
    EXPECT_TRUE(std::isnan(at(card.node_points, 0, m)));
    EXPECT_NEAR(at(card.total, 0), 50.0, 1e-12);
    EXPECT_NEAR(at(card.total, 1), 60.0, 1e-12);
    const auto l = missing_lines(card, 0, "root/judged");
    ASSERT_EQ(l.size(), 1u);
    EXPECT_EQ(l[0].note, "no manual score given: excluded, its siblings are reweighted (missing: exclude)");
}

TEST(Missing, AnOverrideSuppliesAMissingValue) {
    // Error policy, but u1's missing a is overridden with 15 points (with a reason): no error, no policy line.
    const Tree t = tree(MissingPolicy::error);
    Dataset data = dataset({"a", "b", "c"}, {{NA, 50, 100}});
    Event e = event(EventType::override_, "u1", "a");
    e.value = 15;
    e.note = "复核补录";
    data.events = {e};
    const ScoreCard card = score(t.fw, data);
    // 15 + 20 + 40 = 75.
    EXPECT_NEAR(at(card.total, 0), 75.0, 1e-12);
    EXPECT_TRUE(missing_lines(card, 0, "root/g/a").empty());
}

TEST(Missing, PoliciesAreIndependentPerLeaf) {
    // a: zero, b: exclude, c: mean. u1 misses all three.
    // a = 0 (ratio 0); b is excluded, so g is a's ratio x 60 = 0; c gets the mean of u2's ratio 1 -> 40.
    // Total 0 + 40 = 40.
    const Tree t = tree(MissingPolicy::zero, MissingPolicy::exclude, MissingPolicy::mean);
    const ScoreCard card = score(t.fw, dataset({"a", "b", "c"}, {{NA, NA, NA}, {100, 100, 100}}));
    EXPECT_EQ(at(card.node_points, 0, t.g), 0.0);
    EXPECT_NEAR(at(card.total, 0), 40.0, 1e-12);
    EXPECT_EQ(missing_lines(card, 0, "root/g/a").size(), 1u);
    EXPECT_EQ(missing_lines(card, 0, "root/g/b").size(), 1u);
    EXPECT_EQ(missing_lines(card, 0, "root/h/c").size(), 1u);
    EXPECT_TRUE(contains(missing_lines(card, 0, "root/g/a")[0].note, "(missing: zero)"));
    EXPECT_TRUE(contains(missing_lines(card, 0, "root/g/b")[0].note, "(missing: exclude)"));
    EXPECT_TRUE(contains(missing_lines(card, 0, "root/h/c")[0].note, "(missing: mean)"));
    // The readable explanation shows the lines too.
    const std::string text = card.explain("u1");
    EXPECT_TRUE(contains(text, "(missing: zero)")) << text;
    EXPECT_TRUE(contains(text, "(missing: exclude)")) << text;
    EXPECT_TRUE(contains(text, "(missing: mean)")) << text;
}

}  // namespace
