// Every rule type against the worked arithmetic of shared/domain/assessment-practice.md (R1-R12) and the
// seed report's district figures. Each expected number is derived in the comment beside it.
#include <gtest/gtest.h>

#include "support.hpp"

using namespace kaohe;
using namespace kaohe::test;

namespace {

double leaf_points(const Framework& fw, const Dataset& d, std::size_t unit) {
    return total_of(score(fw, d), unit);
}

std::vector<double> all_points(const Framework& fw, const Dataset& d) {
    const ScoreCard card = score(fw, d);
    return {card.total.data(), card.total.data() + card.total.size()};
}

Dataset units_only(std::size_t n) {
    std::vector<std::vector<double>> rows(n);
    return dataset({}, rows);
}

std::string error_of(const Framework& fw, const Dataset& d) {
    try {
        (void)score(fw, d);
    } catch (const input_error& e) {
        return e.what();
    }
    return "no error";
}

}  // namespace

// R1 Shicheng: sewage treatment rate >= 80% or nothing, item worth 10.
TEST(Rules, ThresholdAllOrNothing) {
    ThresholdRule r;
    r.input = input("sewage");
    r.op = Comparison::ge;
    r.value = Reference::fixed(80);
    EXPECT_EQ(all_points(one_leaf(10, r), column("sewage", {80.0, 79.9, 95})), (std::vector<double>{10, 0, 10}));
    r.op = Comparison::gt;  // the comparison is explicit: 80 is not > 80
    EXPECT_EQ(all_points(one_leaf(10, r), column("sewage", {80.0, 80.1})), (std::vector<double>{0, 10}));
}

// R1 law-based administration: fully met = full, partly met = judged partial points with a reason, else 0.
TEST(Rules, ThresholdJudgedPartialNeedsReason) {
    ThresholdRule r;
    r.input = input("met");
    r.value = Reference::fixed(1);
    Dataset d = column("met", {1, 0, 0});
    Event j = event(EventType::judgement, "u2", "x");
    j.value = 1.5;
    j.note = "部分未达到要求，酌情扣分";
    d.events.push_back(j);
    const ScoreCard card = score(one_leaf(3, r), d);
    EXPECT_DOUBLE_EQ(total_of(card, 0), 3.0);
    EXPECT_DOUBLE_EQ(total_of(card, 1), 1.5);
    EXPECT_DOUBLE_EQ(total_of(card, 2), 0.0);
    EXPECT_NE(card.explain("u2").find("酌情扣分"), std::string::npos);

    d.events[0].note.clear();
    EXPECT_NE(error_of(one_leaf(3, r), d).find("a note giving the reason is required"), std::string::npos);
    d.events[0].note = "reason";
    d.events[0].unit = "u1";  // u1 met the threshold: a judgement there is a data error
    EXPECT_NE(error_of(one_leaf(3, r), d).find("threshold is met"), std::string::npos);
}

// R2 Anhui: dedicated legal office 3, some office 2, else 0; a text answer looked up in a table.
TEST(Rules, LookupCategoricalAnswer) {
    LookupRule r;
    r.input = input("office");
    r.table = {{"专门机构", 3}, {"有机构负责", 2}};
    r.otherwise = 0;
    Dataset d = dataset({"office"}, {{NA}, {NA}, {NA}});
    d.text[{0, 0}] = "专门机构";
    d.text[{1, 0}] = "有机构负责";
    d.text[{2, 0}] = "无";
    EXPECT_EQ(all_points(one_leaf(3, r), d), (std::vector<double>{3, 2, 0}));
    r.otherwise.reset();  // without `otherwise` an unknown answer is an error naming it
    const std::string err = error_of(one_leaf(3, r), d);
    EXPECT_NE(err.find("answer '无' is not in the lookup table"), std::string::npos) << err;
    EXPECT_NE(err.find("unit 'u3'"), std::string::npos) << err;
}

// A number where a text answer is expected is matched by its text ("1" -> table entry "1").
TEST(Rules, LookupMatchesNumbersByText) {
    LookupRule r;
    r.input = input("level");
    r.table = {{"1", 2}, {"2", 1}};
    EXPECT_EQ(all_points(one_leaf(2, r), column("level", {1, 2})), (std::vector<double>{2, 1}));
}

// R3 Shicheng: >= 10 illegal-fishing cases, otherwise in proportion; 15 points. 7 -> 10.5, 12 -> 15 (capped).
TEST(Rules, CompletionProportionalCapped) {
    CompletionRule r;
    r.input = input("cases");
    r.target = Reference::fixed(10);
    EXPECT_EQ(all_points(one_leaf(15, r), column("cases", {7, 12, 10, 0})), (std::vector<double>{10.5, 15, 15, 0}));
    // Reservoirs: 60% converted of a 4-point item -> 2.4.
    EXPECT_DOUBLE_EQ(leaf_points(one_leaf(4, r), column("cases", {6}), 0), 2.4);
    r.cap = false;  // uncapped: 12/10 x 15 = 18
    EXPECT_DOUBLE_EQ(leaf_points(one_leaf(15, r), column("cases", {12}), 0), 18.0);
}

// Seed report: head-of-agency court appearances 32 of 55 first-instance cases = 58.18%; reconsideration
// corrections 109 of 192 closed cases = 56.77%. A ratio input of two data items.
TEST(Rules, RatioInputUsesSeedFigures) {
    CompletionRule r;
    r.input.item = "attended";
    r.input.denominator = "required";
    r.input.scale = 100;
    r.target = Reference::fixed(100);
    const Dataset d = dataset({"attended", "required"}, {{32, 55}, {109, 192}});
    const ScoreCard card = score(one_leaf(100, r), d);
    EXPECT_NEAR(total_of(card, 0), 58.181818181818, 1e-9);  // 32/55 x 100
    EXPECT_DOUBLE_EQ(round_half_up(total_of(card, 0), 2), 58.18);
    EXPECT_DOUBLE_EQ(round_half_up(total_of(card, 1), 2), 56.77);  // 109/192 = 56.7708...
    EXPECT_NE(card.explain("u1").find("attended/required = 32/55 x 100 = 58.1818"), std::string::npos)
        << card.explain("u1");
}

// A zero denominator (a unit with no court cases) has no rate: it is missing, not 0 or infinite.
TEST(Rules, RatioWithZeroDenominatorIsMissing) {
    CompletionRule r;
    r.input.item = "attended";
    r.input.denominator = "required";
    r.target = Reference::fixed(1);
    const Dataset d = dataset({"attended", "required"}, {{3, 4}, {0, 0}});
    const std::string err = error_of(one_leaf(10, r), d);
    EXPECT_NE(err.find("unit 'u2', root/x: missing (denominator 'required' is 0)"), std::string::npos) << err;
}

// Linear between a zero point and a full point, in either direction, clamped to [0, M].
TEST(Rules, LinearBothDirections) {
    LinearRule up;
    up.input = input("v");
    up.zero_at = Reference::fixed(50);
    up.full_at = Reference::fixed(90);
    EXPECT_EQ(all_points(one_leaf(10, up), column("v", {40, 50, 70, 90, 99})), (std::vector<double>{0, 0, 5, 10, 10}));
    LinearRule down;  // lower is better: correction rate 60% -> 0, 20% -> full
    down.input = input("v");
    down.zero_at = Reference::fixed(60);
    down.full_at = Reference::fixed(20);
    // 56.77% corrections: (56.77 - 60)/(20 - 60) = 0.08075 of 5 points = 0.40375
    EXPECT_NEAR(leaf_points(one_leaf(5, down), column("v", {56.77}), 0), 0.40375, 1e-12);
}

// R4 cadres aged <= 35: >= 20% gives 1 point, each 1% below deducts 0.05. At 11.3%: continuous 0.565,
// completed steps 1 - 0.05 x 8 = 0.60, started steps 1 - 0.05 x 9 = 0.55.
TEST(Rules, ShortfallCadreShareThreeReadings) {
    ShortfallRule r;
    r.input = input("share");
    r.reference = Reference::fixed(20);
    r.step = 1;
    r.deduct = 0.05;
    r.granularity = StepGranularity::continuous;
    EXPECT_NEAR(leaf_points(one_leaf(1, r), column("share", {11.3}), 0), 0.565, 1e-12);
    r.granularity = StepGranularity::completed;
    EXPECT_NEAR(leaf_points(one_leaf(1, r), column("share", {11.3}), 0), 0.60, 1e-12);
    r.granularity = StepGranularity::started;
    EXPECT_NEAR(leaf_points(one_leaf(1, r), column("share", {11.3}), 0), 0.55, 1e-12);
}

// R4 case-closure rate >= 90%, each 10 points below deducts 1, item 3. At 75%: pro rata 1.5, completed
// steps 2, started steps 1; explanation names the reading used.
TEST(Rules, ShortfallClosureRateReadings) {
    ShortfallRule r;
    r.input = input("closure");
    r.reference = Reference::fixed(90);
    r.step = 10;
    r.deduct = 1;
    const std::vector<std::pair<StepGranularity, double>> cases{
        {StepGranularity::continuous, 1.5}, {StepGranularity::completed, 2.0}, {StepGranularity::started, 1.0}};
    for (const auto& [g, expected] : cases) {
        r.granularity = g;
        const ScoreCard card = score(one_leaf(3, r), column("closure", {75, 95, 10}));
        EXPECT_NEAR(total_of(card, 0), expected, 1e-12);
        EXPECT_DOUBLE_EQ(total_of(card, 1), 3.0);  // above the reference: full marks
        EXPECT_DOUBLE_EQ(total_of(card, 2), 0.0);  // 8 steps short: floored at 0, never negative
    }
    r.granularity = StepGranularity::completed;
    EXPECT_NE(score(one_leaf(3, r), column("closure", {75})).explain("u1").find("completed steps only"),
              std::string::npos);
}

// R4 average age: <= the city-department average gives 2; each year over deducts 0.5. The reference is the
// cohort mean, not a fixed number. Units 34.6, 42.0, 47.0 (mean 41.2): 2, 2 - 0.5 x 0.8 = 1.6, 2 - 0.5 x 5.8 = -0.9 ->
// 0.
TEST(Rules, ShortfallAgainstCohortMean) {
    ShortfallRule r;
    r.input = input("age");
    r.reference.cohort = CohortStat::mean;
    r.side = ShortfallSide::above;
    r.step = 1;
    r.deduct = 0.5;
    const auto p = all_points(one_leaf(2, r), column("age", {34.6, 42.0, 47.0}));
    EXPECT_DOUBLE_EQ(p[0], 2.0);
    EXPECT_NEAR(p[1], 1.6, 1e-12);
    EXPECT_DOUBLE_EQ(p[2], 0.0);
}

// R5 township investment bonus bands, written half-open: [10, 50) -> 2, [50, 100) -> 3, [100, inf) -> 4.
// The source's overlapping boundary (50 in two bands) resolves to the upper band.
TEST(Rules, StepBandsHalfOpen) {
    BandsRule r;
    r.input = input("invest");
    r.bands = {{10, 50, 2, "1000万-5000万"},
               {50, 100, 3, "5000万-1亿"},
               {100, unbounded, 4, "1亿以上"},
               {-unbounded, 10, 0, ""}};
    EXPECT_EQ(all_points(one_leaf(4, r), column("invest", {9.99, 10, 49.99, 50, 100, 1e6})),
              (std::vector<double>{0, 2, 2, 3, 4, 4}));
}

TEST(Rules, StepBandsRejectGapsAndOverlaps) {
    BandsRule r;
    r.input = input("v");
    r.bands = {{0, 50, 1, ""}, {60, 100, 2, ""}};
    try {
        (void)resolve(one_leaf(4, r));
        FAIL() << "a gap must be rejected";
    } catch (const framework_error& e) {
        EXPECT_NE(std::string(e.what()).find("gap between bands"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("root/x/rule"), std::string::npos) << e.what();
    }
    r.bands = {{0, 55, 1, ""}, {50, 100, 2, ""}};
    EXPECT_THROW((void)resolve(one_leaf(4, r)), framework_error);
    r.bands = {{0, 50, 1, ""}, {50, 100, 2, ""}};  // tiled [0, 100): a value outside is a data error
    EXPECT_NE(error_of(one_leaf(4, r), column("v", {100})).find("falls in no band"), std::string::npos);
}

// R5 "ABCD" targets: levels D/C/B/A give 1/2/3/4, below D 0, above A 4, linear in between.
TEST(Rules, InterpolatedBands) {
    BandsRule r;
    r.input = input("v");
    r.mode = BandMode::interpolate;
    r.breakpoints = {{60, 1}, {70, 2}, {80, 3}, {90, 4}};
    r.below = 0;
    EXPECT_EQ(all_points(one_leaf(4, r), column("v", {50, 60, 65, 80, 85, 90, 120})),
              (std::vector<double>{0, 1, 1.5, 3, 3.5, 4, 4}));
}

// R6 efficacy coefficient: x = 5.81%, satisfactory 12%, unacceptable 6% -> 60 + 40 x (-0.19/6) = 58.7333.
TEST(Rules, EfficacyCoefficientAndClamping) {
    EfficacyRule r;
    r.input = input("roe");
    r.satisfactory = Reference::fixed(12);
    r.unacceptable = Reference::fixed(6);
    const auto p = all_points(one_leaf(100, r), column("roe", {5.81, 13}));
    EXPECT_NEAR(p[0], 58.733333333333, 1e-9);
    EXPECT_DOUBLE_EQ(round_half_up(p[0], 2), 58.73);
    EXPECT_NEAR(p[1], 106.666666666667, 1e-9);  // no clamping: above satisfactory passes 100
    r.clamp = std::make_pair(0.0, 100.0);
    EXPECT_DOUBLE_EQ(all_points(one_leaf(100, r), column("roe", {13}))[0], 100.0);
    EXPECT_NEAR(all_points(one_leaf(10, r), column("roe", {9}))[0], 8.0, 1e-12);  // 60 + 40 x 0.5 = 80 of 100 x 10
}

// R7 fixed ladder: ranks 1-5 get 20/19/18/17/16, beyond the ladder 0; competition ties share the better place.
TEST(Rules, RankLadderWithTies) {
    RankRule r;
    r.input = input("v");
    r.ladder = {20, 19, 18, 17, 16};
    EXPECT_EQ(all_points(one_leaf(20, r), column("v", {90, 80, 80, 70, 60, 50, 40})),
              (std::vector<double>{20, 19, 19, 17, 16, 0, 0}));
    r.ties = TieMethod::average;  // tied 2nd/3rd share the mean of 19 and 18
    EXPECT_EQ(all_points(one_leaf(20, r), column("v", {90, 80, 80})), (std::vector<double>{20, 18.5, 18.5}));
    r.ties = TieMethod::dense;  // 1, 2, 2, 3
    EXPECT_EQ(all_points(one_leaf(20, r), column("v", {90, 80, 80, 70})), (std::vector<double>{20, 19, 19, 18}));
}

// R7 proportional to the leader: #1's ratio 0.80 gets 6; a unit at 0.72 gets 6 x 0.72/0.80 = 5.4. Lower is
// better inverts the ratio.
TEST(Rules, RankProportionalToLeader) {
    RankRule r;
    r.input = input("v");
    r.scoring = RankScoring::proportional;
    auto p = all_points(one_leaf(6, r), column("v", {0.80, 0.72}));
    EXPECT_DOUBLE_EQ(p[0], 6.0);
    EXPECT_NEAR(p[1], 5.4, 1e-12);
    r.direction = Direction::lower_is_better;
    p = all_points(one_leaf(6, r), column("v", {2.0, 4.0}));
    EXPECT_DOUBLE_EQ(p[0], 6.0);
    EXPECT_DOUBLE_EQ(p[1], 3.0);
}

// R7 from the bottom: last, 2nd-last, 3rd-last get 2, 1.9, 1.8; each place up deducts 0.1 more:
// k-th from the bottom gets 2.1 - 0.1k, floored at 0 (with 25 units the top ranks would go negative).
TEST(Rules, RankFromBottomFloored) {
    RankRule r;
    r.input = input("v");
    r.scoring = RankScoring::from_bottom;
    r.bottom = 2.0;
    r.step = -0.1;
    r.floor = 0;
    std::vector<std::vector<double>> rows;
    for (int i = 25; i >= 1; --i) rows.push_back({static_cast<double>(i)});  // u1 best ... u25 last
    const auto p = all_points(one_leaf(2, r), dataset({"v"}, rows));
    EXPECT_DOUBLE_EQ(p[24], 2.0);               // last
    EXPECT_NEAR(p[23], 1.9, 1e-12);             // 2nd from the bottom
    EXPECT_NEAR(p[22], 1.8, 1e-12);             // 3rd from the bottom
    EXPECT_NEAR(p[15], 2.1 - 0.1 * 10, 1e-12);  // 10th from the bottom: 1.1
    EXPECT_NEAR(p[5], 0.1, 1e-12);              // 20th from the bottom: 2.1 - 2.0
    EXPECT_DOUBLE_EQ(p[4], 0.0);                // 21st from the bottom: 0
    EXPECT_DOUBLE_EQ(p[0], 0.0);                // 25th from the bottom: -0.4 floored at 0
}

// R8 Shicheng monthly report: 5 points, each missed report -0.5, deduct until exhausted. 3 missed -> 3.5;
// 12 missed -> max(0, 5 - 6) = 0, not -1.
TEST(Rules, DeductionFlooredAtZero) {
    DeductionRule r;
    r.price = {{"missed", 0.5}};
    Dataset d = units_only(3);
    Event e = event(EventType::deduction, "u1", "x");
    e.kind = "missed";
    e.count = 3;
    d.events.push_back(e);
    e.unit = "u2";
    e.count = 12;
    d.events.push_back(e);
    EXPECT_EQ(all_points(one_leaf(5, r), d), (std::vector<double>{3.5, 0, 5}));
}

// R8 Daxing: late report -0.5, missing report -1, within a 3-point item; unknown kinds are errors.
TEST(Rules, DeductionPricesPerKind) {
    DeductionRule r;
    r.price = {{"late", 0.5}, {"missing", 1}};
    Dataset d = units_only(1);
    Event late = event(EventType::deduction, "u1", "x");
    late.kind = "late";
    Event missing = late;
    missing.kind = "missing";
    d.events = {late, missing, late};
    EXPECT_DOUBLE_EQ(all_points(one_leaf(3, r), d)[0], 1.0);  // 3 - 0.5 - 1 - 0.5
    Event other = late;
    other.kind = "forged";
    d.events = {other};
    EXPECT_NE(error_of(one_leaf(3, r), d).find("deduction kind 'forged' has no price"), std::string::npos);
}

// R8 escalation: one finding -0.5; two or more findings: the item scores 0 (item worth 1.5).
TEST(Rules, DeductionEscalation) {
    DeductionRule r;
    r.price = {{"finding", 0.5}};
    r.escalation = {{2, 0.0}};
    Dataset d = units_only(3);
    Event f = event(EventType::deduction, "u1", "x");
    f.kind = "finding";
    d.events.push_back(f);
    f.unit = "u2";
    f.count = 2;
    d.events.push_back(f);
    EXPECT_EQ(all_points(one_leaf(1.5, r), d), (std::vector<double>{1.0, 0.0, 1.5}));
}

// R8 class multiplier: units with only city/district supervised items get deductions doubled (5 -> 10).
TEST(Rules, DeductionMultiplier) {
    DeductionRule r;
    r.price = {{"overdue", 5}};
    r.multiplier = 2;
    Dataset d = units_only(1);
    Event e = event(EventType::deduction, "u1", "x");
    e.kind = "overdue";
    d.events.push_back(e);
    EXPECT_DOUBLE_EQ(all_points(one_leaf(25, r), d)[0], 15.0);
}

// R9 Zunyi: city +1, province +3, national +5 per item, each item counted once at its highest level. One
// innovation recognised by city and province -> +3 (not +4); two different city items -> +2; capped at 5.
TEST(Rules, BonusHighestLevelPerItemAndCap) {
    BonusRule r;
    r.levels = {{"city", 1}, {"province", 3}, {"national", 5}};
    r.cap = 5;
    Dataset d = units_only(3);
    auto award = [](std::string unit, std::string item, std::string level) {
        Event e = event(EventType::bonus, std::move(unit), "x");
        e.item = std::move(item);
        e.level = std::move(level);
        e.evidence = "遵府办发〔2010〕194号";
        return e;
    };
    d.events = {award("u1", "innovation", "city"), award("u1", "innovation", "province"), award("u2", "a", "city"),
                award("u2", "b", "city"),          award("u3", "a", "national"),          award("u3", "b", "province")};
    EXPECT_EQ(all_points(one_leaf(5, r), d), (std::vector<double>{3, 2, 5}));  // u3: 5 + 3 capped at 5
}

// R9 Yanzhou shared credit: 0.5 per article, co-authored pieces split by author count -> 0.25 each.
// Zhuzhou: no document as evidence, no bonus (it is listed as not counted, not silently dropped).
TEST(Rules, BonusSharedCreditAndEvidence) {
    BonusRule r;
    r.levels = {{"article", 0.5}};
    r.highest_per_item = false;
    r.require_evidence = true;
    Dataset d = units_only(1);
    Event e = event(EventType::bonus, "u1", "x");
    e.item = "piece-1";
    e.level = "article";
    e.share = 0.5;
    e.evidence = "信息专报第12期";
    Event no_doc = e;
    no_doc.item = "piece-2";
    no_doc.share = 1;
    no_doc.evidence.clear();
    d.events = {e, no_doc};
    const ScoreCard card = score(one_leaf(2, r), d);
    EXPECT_DOUBLE_EQ(total_of(card, 0), 0.25);
    EXPECT_NE(card.explain("u1").find("not counted, no evidence: piece-2"), std::string::npos) << card.explain("u1");
}

// R12: more than 5 raters: drop the highest and lowest. 95, 88, 86, 85, 84, 80, 62 -> (88+86+85+84+80)/5 = 84.6
// (the plain mean would be 82.857). "Don't know" is excluded from the count and the denominator.
TEST(Rules, TrimmedMeanOfRaters) {
    TrimmedMeanRule r;
    Dataset d = units_only(2);
    for (double s : {95, 88, 86, 85, 84, 80, 62}) {
        Event e = event(EventType::rating, "u1", "x");
        e.value = s;
        d.events.push_back(e);
    }
    Event dk = event(EventType::rating, "u1", "x");  // value NaN: don't know
    d.events.push_back(dk);
    for (double s : {90, 80, 70, 60, 50}) {  // 5 raters: no trimming, plain mean 70
        Event e = event(EventType::rating, "u2", "x");
        e.value = s;
        d.events.push_back(e);
    }
    const auto p = all_points(one_leaf(100, r), d);
    EXPECT_NEAR(p[0], 84.6, 1e-12);
    EXPECT_DOUBLE_EQ(p[1], 70.0);
    EXPECT_NEAR(all_points(one_leaf(10, r), d)[0], 8.46, 1e-12);  // 84.6 of 100 x 10 points
}

// A manual score needs points within [0, M] and a reason.
TEST(Rules, ManualScoreWithReason) {
    Dataset d = units_only(1);
    Event m = event(EventType::manual, "u1", "x");
    m.value = 7.5;
    m.note = "年度考核组评定";
    d.events.push_back(m);
    EXPECT_DOUBLE_EQ(all_points(one_leaf(10, ManualRule{}), d)[0], 7.5);
    d.events[0].value = 11;
    EXPECT_NE(error_of(one_leaf(10, ManualRule{}), d).find("outside the indicator's [0, 10]"), std::string::npos);
    d.events[0].value = 5;
    d.events[0].note.clear();
    EXPECT_NE(error_of(one_leaf(10, ManualRule{}), d).find("a note giving the reason is required"), std::string::npos);
}

// An override (appeal/review) replaces the computed points, keeping both in the explanation.
TEST(Rules, OverrideReplacesComputedPoints) {
    CompletionRule r;
    r.input = input("v");
    r.target = Reference::fixed(10);
    Dataset d = column("v", {5});
    Event o = event(EventType::override_, "u1", "x");
    o.value = 9;
    o.note = "复核：数据漏报，予以更正";
    d.events.push_back(o);
    const ScoreCard card = score(one_leaf(10, r), d);
    EXPECT_DOUBLE_EQ(total_of(card, 0), 9.0);
    EXPECT_NE(card.explain("u1").find("points set to 9 (computed: 5)"), std::string::npos) << card.explain("u1");
}

// Composite-index normalisations over the cohort; lower-is-better indicators are reversed.
TEST(Rules, NormaliseMinMaxAndDirection) {
    NormaliseRule r;
    r.input = input("v");
    EXPECT_EQ(all_points(one_leaf(100, r), column("v", {10, 20, 30})), (std::vector<double>{0, 50, 100}));
    r.direction = Direction::lower_is_better;
    EXPECT_EQ(all_points(one_leaf(100, r), column("v", {10, 20, 30})), (std::vector<double>{100, 50, 0}));
    r.direction = Direction::higher_is_better;
    r.lo = 1;  // COINr pipeline G uses [1, 100]
    EXPECT_EQ(all_points(one_leaf(100, r), column("v", {10, 20, 30})), (std::vector<double>{1, 50.5, 100}));
}

TEST(Rules, NormaliseGoalpostsZscoreTargetPercentile) {
    NormaliseRule g;
    g.input = input("v");
    g.method = NormaliseMethod::goalposts;
    g.lower = 20;
    g.upper = 85;  // HDI-style life expectancy goalposts: 72.6 -> (72.6-20)/65 = 0.80923
    EXPECT_NEAR(all_points(one_leaf(100, g), column("v", {72.6}))[0], 100 * 52.6 / 65, 1e-12);
    EXPECT_DOUBLE_EQ(all_points(one_leaf(100, g), column("v", {90}))[0], 100.0);  // truncated
    g.log = true;
    g.lower = 100;
    g.upper = 75000;  // HDI income goalposts on log10: 10000 -> log(100)/log(750) = 0.69571
    EXPECT_NEAR(all_points(one_leaf(100, g), column("v", {10000}))[0], 100 * std::log10(100.0) / std::log10(750.0),
                1e-10);

    NormaliseRule z;
    z.input = input("v");
    z.method = NormaliseMethod::zscore;
    z.mean_out = 50;
    z.sd_out = 10;  // values 2, 4, 6: mean 4, sample sd 2 -> 40, 50, 60
    EXPECT_EQ(all_points(one_leaf(100, z), column("v", {2, 4, 6})), (std::vector<double>{40, 50, 60}));

    NormaliseRule t;
    t.input = input("v");
    t.method = NormaliseMethod::distance_to_target;
    t.target = Reference::fixed(80);  // min 20: (50-20)/(80-20) = 50%, 100 capped at 100%
    EXPECT_EQ(all_points(one_leaf(100, t), column("v", {20, 50, 100})), (std::vector<double>{0, 50, 100}));

    NormaliseRule pr;
    pr.input = input("v");
    pr.method = NormaliseMethod::percentile_rank;  // ranks 1, 2, 2, 4 of 4 -> 0, 1/3, 1/3, 1
    const auto p = all_points(one_leaf(100, pr), column("v", {1, 5, 5, 9}));
    EXPECT_DOUBLE_EQ(p[0], 0.0);
    EXPECT_NEAR(p[1], 100.0 / 3, 1e-12);
    EXPECT_NEAR(p[2], 100.0 / 3, 1e-12);
    EXPECT_DOUBLE_EQ(p[3], 100.0);
}

// R13 Qingyuan: internal assessment 70% + social evaluation 30% + bonus/deductions after weighting.
// Internal 90, social 85 -> 63 + 25.5 = 88.5, then a +2 commendation takes it to 90.5; a -5 criticism on a
// weak unit can take a total below zero.
TEST(Rules, WeightedCompositeWithAdjustmentsOutsideTheTree) {
    TreeBuilder b(100);
    LinearRule pct;
    pct.zero_at = Reference::fixed(0);
    pct.full_at = Reference::fixed(100);
    pct.input = input("internal");
    b.leaf(0, "internal", share(0.7), pct);
    pct.input = input("social");
    b.leaf(0, "social", share(0.3), pct);
    Adjustment bonus;
    bonus.id = "commendation";
    bonus.kind = AdjustmentKind::bonus;
    bonus.points = {{"city", 2}};
    Adjustment penalty;
    penalty.id = "criticism";
    penalty.kind = AdjustmentKind::penalty;
    penalty.points = {{"province", 5}};
    b.fw.adjustments = {bonus, penalty};
    Dataset d = dataset({"internal", "social"}, {{90, 85}, {2, 3}});
    Event c = event(EventType::bonus, "u1", "commendation");
    c.level = "city";
    c.item = "通报表扬";
    Event p = event(EventType::deduction, "u2", "criticism");
    p.kind = "province";
    d.events = {c, p};
    const ScoreCard card = score(b.fw, d);
    EXPECT_NEAR(card.weighted_total(0), 88.5, 1e-12);
    EXPECT_NEAR(total_of(card, 0), 90.5, 1e-12);
    EXPECT_NEAR(total_of(card, 1), 0.7 * 2 + 0.3 * 3 - 5, 1e-12);  // -2.7: below zero is allowed
}

// National civilised-city title: three annual scores weighted 15%, 25%, 60% -> 80, 85, 90 give 87.25.
TEST(Rules, MultiPeriodWeights) {
    TreeBuilder b(100);
    LinearRule pct;
    pct.zero_at = Reference::fixed(0);
    pct.full_at = Reference::fixed(100);
    for (auto [id, s] : std::vector<std::pair<std::string, double>>{{"y1", 0.15}, {"y2", 0.25}, {"y3", 0.60}}) {
        pct.input = input(id);
        b.leaf(0, id, share(s), pct);
    }
    EXPECT_NEAR(all_points(b.fw, dataset({"y1", "y2", "y3"}, {{80, 85, 90}}))[0], 87.25, 1e-12);
}
