// Half-up rounding on the decimal value, and the Jining case (R13): published parts that do not add up to
// the published total, explained.
#include <gtest/gtest.h>

#include "support.hpp"

using namespace kaohe;
using namespace kaohe::test;

TEST(Rounding, HalfUpOnTheDecimalValue) {
    EXPECT_DOUBLE_EQ(round_half_up(2.675, 2), 2.68);  // stored as 2.67499999..., a naive round gives 2.67
    EXPECT_DOUBLE_EQ(round_half_up(1.005, 2), 1.01);
    EXPECT_DOUBLE_EQ(round_half_up(14.4975, 2), 14.50);
    EXPECT_DOUBLE_EQ(round_half_up(83.266, 2), 83.27);
    EXPECT_DOUBLE_EQ(round_half_up(97.7635, 2), 97.76);
    EXPECT_DOUBLE_EQ(round_half_up(0.5, 0), 1.0);
    EXPECT_DOUBLE_EQ(round_half_up(-2.5, 0), -3.0);  // half away from zero
    EXPECT_DOUBLE_EQ(round_half_up(-0.125, 2), -0.13);
    EXPECT_DOUBLE_EQ(round_half_up(99.995, 2), 100.0);
    EXPECT_DOUBLE_EQ(round_half_up(0.0004, 2), 0.0);
    EXPECT_DOUBLE_EQ(round_half_up(123456.5, 0), 123457.0);
    EXPECT_DOUBLE_EQ(round_half_up(58.181818181818, 2), 58.18);
    EXPECT_TRUE(std::isnan(round_half_up(std::nan(""), 2)));
}

// Jining 2017, 济阳街道: field inspection 97.96 x 0.85 = 83.266 (shown 83.27), survey 96.65 x 0.15 = 14.4975
// (shown 14.50). The published total 97.76 is rounded from 97.7635; the shown parts add up to 97.77.
TEST(Rounding, JiningPartsDoNotAddUpAndTheExplanationSaysWhy) {
    TreeBuilder b(100);
    LinearRule pct;
    pct.zero_at = Reference::fixed(0);
    pct.full_at = Reference::fixed(100);
    pct.input = input("field");
    b.leaf(0, "field", share(0.85), pct);
    pct.input = input("survey");
    b.leaf(0, "survey", share(0.15), pct);
    b.fw.rounding.total = 2;
    b.fw.rounding.nodes = 2;
    const ScoreCard card =
        score(b.fw, dataset({"field", "survey"}, {{97.96, 96.65}, {96.76, 96.72}}, {"jiyang", "guanghe"}));
    EXPECT_NEAR(total_of(card, 0), 97.7635, 1e-12);
    EXPECT_DOUBLE_EQ(card.published(total_of(card, 0), "total"), 97.76);
    EXPECT_DOUBLE_EQ(card.published(card.node_points(0, 1), "nodes"), 83.27);
    EXPECT_DOUBLE_EQ(card.published(card.node_points(0, 2), "nodes"), 14.50);
    const std::string why = card.explain("jiyang");
    EXPECT_NE(why.find("add up to 97.77 but the published total is 97.76"), std::string::npos) << why;
    EXPECT_NE(why.find("97.7635"), std::string::npos) << why;
    // 洸河街道: 82.246 + 14.508 = 96.754 -> 96.75, parts 82.25 + 14.51 = 96.76: also explained.
    EXPECT_DOUBLE_EQ(card.published(total_of(card, 1), "total"), 96.75);
    EXPECT_NE(card.explain("guanghe").find("add up to 96.76 but the published total is 96.75"), std::string::npos);
}

// Without declared rounding nothing is rounded, and no rounding note appears.
TEST(Rounding, NothingRoundedUnlessDeclared) {
    TreeBuilder b(100);
    LinearRule pct;
    pct.zero_at = Reference::fixed(0);
    pct.full_at = Reference::fixed(100);
    pct.input = input("field");
    b.leaf(0, "field", share(0.85), pct);
    pct.input = input("survey");
    b.leaf(0, "survey", share(0.15), pct);
    const ScoreCard card = score(b.fw, dataset({"field", "survey"}, {{97.96, 96.65}}));
    EXPECT_DOUBLE_EQ(card.published(total_of(card, 0), "total"), total_of(card, 0));
    EXPECT_EQ(card.explain("u1").find("[rounding]"), std::string::npos);
}
