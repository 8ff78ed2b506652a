// Grades (等次): half-open score bands (Zunyi, R5), quota counts and their rounding (Hubei 四舍五入, Korea
// 30/50/20, excellent <= 30%), quota demotion in rank order with cascading, pools, out-of-pool units,
// vetoes (R10) and grade overrides (专项晋优), in the documented order bands -> vetoes -> quotas -> overrides.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "support.hpp"

namespace {

using namespace kaohe;
using namespace kaohe::test;

// Zunyi 2010 bands as half-open intervals: [95, inf) excellent, [90, 95) good, [80, 90) pass, (-inf, 80) fail.
Grading zunyi() {
    Grading g;
    g.bands = {{"excellent", "优秀", 95}, {"good", "良好", 90}, {"pass", "达标", 80}, {"fail", "不达标", -unbounded}};
    return g;
}

// One leaf "x" worth 100: completion against 100, so a unit's total is its x. Zunyi bands.
Framework direct() {
    Framework fw = one_leaf(100, CompletionRule{input("x"), Reference::fixed(100.0), true});
    fw.grading = zunyi();
    return fw;
}

Quota quota(const std::string& grade, double share, QuotaRounding rounding = QuotaRounding::half_up) {
    Quota q;
    q.grade = grade;
    q.max_share = share;
    q.rounding = rounding;
    return q;
}

Veto veto(const std::string& id, const std::string& name, VetoEffect effect) {
    Veto v;
    v.id = id;
    v.name = name;
    v.effect = effect;
    return v;
}

Event veto_event(const std::string& unit, const std::string& veto_id, const std::string& note) {
    Event e = event(EventType::veto, unit, veto_id);
    e.note = note;
    return e;
}

Event grade_event(const std::string& unit, const std::string& level, const std::string& note) {
    Event e = event(EventType::grade, unit, "");
    e.level = level;
    e.note = note;
    return e;
}

std::vector<std::string> grades(const ScoreCard& card) {
    return card.grade;
}

// The explanation lines of a unit with the given kind and path.
std::vector<ExplainLine> lines(const ScoreCard& card, std::size_t unit, const std::string& kind,
                               const std::string& path) {
    std::vector<ExplainLine> out;
    for (const auto& l : card.explain_lines(unit))
        if (l.kind == kind && l.path == path) out.push_back(l);
    return out;
}

// ------------------------------------------------------------------------------------------------------
// Bands

TEST(Grading, BandsAreHalfOpenAtTheBoundaries) {
    // assign_grades on exact scores: 95 -> excellent, 94.999 -> good, 90 -> good, 80 -> pass, 79.99 -> fail,
    // and 94.5 (the Zunyi gap between "90-94" and "95 以上") -> good.
    Framework fw;
    fw.grading = zunyi();
    const std::vector<double> scores{95, 94.999, 90, 80, 79.99, 94.5, 120, -5};
    const std::size_t n = scores.size();
    GradingInput in;
    for (std::size_t u = 0; u < n; ++u) in.unit_ids.push_back("u" + std::to_string(u + 1));
    in.score = scores;
    for (std::size_t u = 0; u < n; ++u) in.rank_order.push_back(u);
    in.rank.assign(n, 1.0);
    in.pool.assign(n, 0);
    in.in_pool.assign(n, true);
    in.disqualified.assign(n, false);
    in.vetoes.assign(n, {});
    in.override_grade.assign(n, nullptr);
    std::vector<std::vector<ExplainLine>> explain(n);
    std::vector<std::string> warnings;
    const auto g = assign_grades(fw, in, explain, warnings);
    EXPECT_EQ(g, (std::vector<std::string>{"excellent", "good", "good", "pass", "fail", "good", "excellent", "fail"}));
    EXPECT_TRUE(warnings.empty());
    // Each unit's explanation names its band; 95 quotes the band's minimum.
    ASSERT_EQ(explain[0].size(), 1u);
    EXPECT_EQ(explain[0][0].kind, "grade");
    EXPECT_TRUE(contains(explain[0][0].note, "score 95 falls in band 优秀 (excellent) (>= 95)")) << explain[0][0].note;
}

TEST(Grading, BandsThroughScore) {
    // Totals equal x: 95 -> excellent, 94.999 -> good, 90 -> good, 80 -> pass, 79.99 -> fail.
    const ScoreCard card = score(direct(), column("x", {95, 94.999, 90, 80, 79.99}));
    EXPECT_EQ(at(card.total, 0), 95.0);
    EXPECT_EQ(at(card.total, 2), 90.0);
    EXPECT_EQ(at(card.total, 3), 80.0);
    EXPECT_EQ(grades(card), (std::vector<std::string>{"excellent", "good", "good", "pass", "fail"}));
}

TEST(Grading, NoBandsMeansNoGrades) {
    Framework fw = direct();
    fw.grading = Grading{};
    const ScoreCard card = score(fw, column("x", {99, 50}));
    EXPECT_EQ(grades(card), (std::vector<std::string>{"", ""}));
}

TEST(Grading, GradedOnThePublishedTotalWhenRankingOnRoundedTotals) {
    // 94.996 publishes as 95.00 (2 decimals). With on_rounded_total the published figure is graded:
    // excellent; without it the full-precision 94.996 is good.
    Framework fw = direct();
    fw.rounding.total = 2;
    const Dataset data = column("x", {94.996});
    EXPECT_EQ(score(fw, data).grade[0], "good");
    fw.ranking.on_rounded_total = true;
    EXPECT_EQ(score(fw, data).grade[0], "excellent");
}

// ------------------------------------------------------------------------------------------------------
// Quota counts

TEST(Grading, QuotaCountRounding) {
    using R = QuotaRounding;
    // 30% of 10 = 3 whichever way it is rounded.
    EXPECT_EQ(quota_count(quota("e", 0.3, R::half_up), 10), 3u);
    EXPECT_EQ(quota_count(quota("e", 0.3, R::up), 10), 3u);
    EXPECT_EQ(quota_count(quota("e", 0.3, R::down), 10), 3u);
    // 30% of 7 = 2.1: half-up 2, up (进一法) 3, down 2.
    EXPECT_EQ(quota_count(quota("e", 0.3, R::half_up), 7), 2u);
    EXPECT_EQ(quota_count(quota("e", 0.3, R::up), 7), 3u);
    EXPECT_EQ(quota_count(quota("e", 0.3, R::down), 7), 2u);
    // 30% of 5 = 1.5: half-up (四舍五入, Hubei) 2, up 2, down 1.
    EXPECT_EQ(quota_count(quota("e", 0.3, R::half_up), 5), 2u);
    EXPECT_EQ(quota_count(quota("e", 0.3, R::up), 5), 2u);
    EXPECT_EQ(quota_count(quota("e", 0.3, R::down), 5), 1u);
    // 15% of 20 = 3 exactly: up must not make it 4.
    EXPECT_EQ(quota_count(quota("e", 0.15, R::up), 20), 3u);
    EXPECT_EQ(quota_count(quota("e", 0.15, R::half_up), 20), 3u);
    // Binary noise: 0.07 x 100 = 7.000000000000001 in doubles; 7% of 100 is 7, also when rounding up.
    ASSERT_GT(0.07 * 100.0, 7.0);
    EXPECT_EQ(quota_count(quota("e", 0.07, R::up), 100), 7u);
    // 0.57 x 100 = 56.99999999999999 in doubles; 57% of 100 is 57, also when rounding down.
    ASSERT_LT(0.57 * 100.0, 57.0);
    EXPECT_EQ(quota_count(quota("e", 0.57, R::down), 100), 57u);
    // 0.35 x 10 = 3.5 (0.35 is stored as 0.34999999999999997...): half-up gives 4.
    EXPECT_EQ(quota_count(quota("e", 0.35, R::half_up), 10), 4u);
    // 29% of 50 = 14.5, but 0.29 x 50 = 14.499999999999998 in doubles: 四舍五入 still gives 15.
    ASSERT_LT(0.29 * 50.0, 14.5);
    EXPECT_EQ(quota_count(quota("e", 0.29, R::half_up), 50), 15u);
    // 70% of 45 = 31.5 (0.7 x 45 = 31.499999999999996): 32.
    EXPECT_EQ(quota_count(quota("e", 0.7, R::half_up), 45), 32u);
    // Korea 2018: 43 agencies, 30% = 12.9 -> 13 half-up; 20% = 8.6 -> 9.
    EXPECT_EQ(quota_count(quota("e", 0.3, R::half_up), 43), 13u);
    EXPECT_EQ(quota_count(quota("e", 0.2, R::half_up), 43), 9u);
    // Empty pool, zero share.
    EXPECT_EQ(quota_count(quota("e", 0.3, R::up), 0), 0u);
    EXPECT_EQ(quota_count(quota("e", 0.0, R::up), 10), 0u);
}

TEST(Grading, QuotaCountMaxCount) {
    // 30% of 20 = 6, but at most 5.
    Quota q = quota("e", 0.3);
    q.max_count = 5;
    EXPECT_EQ(quota_count(q, 20), 5u);
    // 30% of 10 = 3 < 5: the share decides.
    EXPECT_EQ(quota_count(q, 10), 3u);
}

// ------------------------------------------------------------------------------------------------------
// Quota demotion

TEST(Grading, QuotaDemotionCascadesToTheNextGrade) {
    // 10 units: 99 98 97 96 95 | 93 92 91 | 85 | 70.
    // Bands: 5 excellent, 3 good, 1 pass, 1 fail.
    // excellent <= 30% of 10 = 3: 99, 98, 97 keep it; 96 and 95 move down to good.
    // good <= 40% of 10 = 4: the good units in rank order are now 96, 95, 93, 92, 91: 91 moves to pass.
    Framework fw = direct();
    fw.grading.quotas = {quota("excellent", 0.3), quota("good", 0.4)};
    const ScoreCard card = score(fw, column("x", {96, 99, 93, 70, 95, 98, 85, 91, 92, 97}));
    // u1 96, u2 99, u3 93, u4 70, u5 95, u6 98, u7 85, u8 91, u9 92, u10 97.
    EXPECT_EQ(grades(card), (std::vector<std::string>{"good", "excellent", "good", "fail", "good", "excellent", "pass",
                                                      "pass", "good", "excellent"}));
    // The demoted unit's explanation states the quota, the pool and its rank.
    const auto q = lines(card, 0, "grade", "grade");
    ASSERT_EQ(q.size(), 2u);  // band, then quota
    EXPECT_TRUE(contains(q[1].note, "at most 3 of 10 units")) << q[1].note;
    EXPECT_TRUE(contains(q[1].note, "rank 4")) << q[1].note;
    EXPECT_TRUE(contains(q[1].note, "-> 良好 (good)")) << q[1].note;
    // u8 (91, rank 8) is beyond the good quota of 4.
    const auto q8 = lines(card, 7, "grade", "grade");
    ASSERT_EQ(q8.size(), 2u);
    EXPECT_TRUE(contains(q8[1].note, "at most 4 of 10 units")) << q8[1].note;
    EXPECT_TRUE(contains(q8[1].note, "-> 达标 (pass)")) << q8[1].note;
}

TEST(Grading, KoreaForcedDistribution30_50_20) {
    // Korea 2018 우수/보통/미흡 30/50/20 over 10 agencies that all score in the top band.
    // excellent <= 3, then average <= 5: ranks 1-3 excellent, 4-8 average, 9-10 insufficient.
    Framework fw = direct();
    fw.grading.bands = {{"excellent", "우수", 90}, {"average", "보통", 70}, {"insufficient", "미흡", -unbounded}};
    fw.grading.quotas = {quota("excellent", 0.3), quota("average", 0.5)};
    const ScoreCard card = score(fw, column("x", {99, 98, 97, 96, 95, 94, 93, 92, 91, 90}));
    EXPECT_EQ(grades(card),
              (std::vector<std::string>{"excellent", "excellent", "excellent", "average", "average", "average",
                                        "average", "average", "insufficient", "insufficient"}));
}

TEST(Grading, HubeiHalfUpQuota) {
    // 7 units all >= 95; excellent <= 30%: 2.1 -> 2 (四舍五入). With `up` it would be 3.
    Framework fw = direct();
    fw.grading.quotas = {quota("excellent", 0.3)};
    const Dataset data = column("x", {100, 99, 98, 97, 96, 95.5, 95});
    EXPECT_EQ(grades(score(fw, data)),
              (std::vector<std::string>{"excellent", "excellent", "good", "good", "good", "good", "good"}));
    fw.grading.quotas = {quota("excellent", 0.3, QuotaRounding::up)};
    EXPECT_EQ(grades(score(fw, data)),
              (std::vector<std::string>{"excellent", "excellent", "excellent", "good", "good", "good", "good"}));
}

TEST(Grading, QuotaTieAtTheLineIsDecidedByTheTieBreakAndWarned) {
    // Three units at 97 and excellent <= 30% of 5 = 1.5 -> 2. The three tie; ordinal order with tie_break
    // unused falls back to unit order: u1 and u2 keep excellent, u3 is demoted and a warning is issued.
    Framework fw = direct();
    fw.grading.quotas = {quota("excellent", 0.3)};
    const ScoreCard card = score(fw, column("x", {97, 97, 97, 80, 60}));
    EXPECT_EQ(grades(card), (std::vector<std::string>{"excellent", "excellent", "good", "pass", "fail"}));
    bool warned = false;
    for (const auto& w : card.warnings) warned = warned || (contains(w, "'u3'") && contains(w, "quota line"));
    EXPECT_TRUE(warned);
}

TEST(Grading, QuotaPoolsPerCategoryOrAll) {
    // dept: a1 99, a2 98, a3 97, a4 60, a5 60; town: b1 96, b2 95, b3..b5 60. excellent <= 20%.
    Framework fw = direct();
    fw.categories = {{"dept", "区直部门"}, {"town", "镇街"}};
    fw.grading.quotas = {quota("excellent", 0.2)};
    const Dataset data = dataset({"x"}, {{99}, {98}, {97}, {60}, {60}, {96}, {95}, {60}, {60}, {60}},
                                 {"a1", "a2", "a3", "a4", "a5", "b1", "b2", "b3", "b4", "b5"},
                                 {"dept", "dept", "dept", "dept", "dept", "town", "town", "town", "town", "town"});
    {
        // Per category: 20% of 5 = 1 in each: a1 and b1 excellent; a2, a3, b2 good.
        fw.grading.pool = CohortScope::category;
        const ScoreCard card = score(fw, data);
        EXPECT_EQ(grades(card), (std::vector<std::string>{"excellent", "good", "good", "fail", "fail", "excellent",
                                                          "good", "fail", "fail", "fail"}));
    }
    {
        // One pool of 10: 20% = 2: a1 (99) and a2 (98); a3, b1, b2 good.
        fw.grading.pool = CohortScope::all;
        const ScoreCard card = score(fw, data);
        EXPECT_EQ(grades(card), (std::vector<std::string>{"excellent", "excellent", "good", "fail", "fail", "good",
                                                          "good", "fail", "fail", "fail"}));
    }
}

TEST(Grading, OutOfPoolUnitsAreGradedByBandsOnlyAndNotCounted) {
    // Hangzhou 单列: s (100) is outside every pool. 7 pooled units: 99, 98, 97, 70, 70, 70, 70.
    // excellent <= 20% of the 7 pooled units = 1.4 -> 1: only 99. (Counting s would give 20% of 8 = 1.6 -> 2,
    // and letting s take a slot would demote 99.) s keeps excellent from its band.
    Framework fw = direct();
    fw.grading.pool = CohortScope::all;
    fw.grading.quotas = {quota("excellent", 0.2)};
    Dataset data = dataset({"x"}, {{100}, {99}, {98}, {97}, {70}, {70}, {70}, {70}},
                           {"s", "p1", "p2", "p3", "p4", "p5", "p6", "p7"});
    data.units[0].in_pool = false;
    const ScoreCard card = score(fw, data);
    EXPECT_EQ(grades(card),
              (std::vector<std::string>{"excellent", "excellent", "good", "good", "fail", "fail", "fail", "fail"}));
    EXPECT_TRUE(std::isnan(at(card.rank, 0)));
    const auto q = lines(card, 2, "grade", "grade");
    ASSERT_EQ(q.size(), 2u);
    EXPECT_TRUE(contains(q[1].note, "at most 1 of 7 units")) << q[1].note;
}

// ------------------------------------------------------------------------------------------------------
// Vetoes

Framework with_vetoes() {
    Framework fw = direct();
    Veto cap = veto("criticised", "受到通报批评", VetoEffect::cap);
    cap.cap_grade = "good";
    Veto demote = veto("office_demoted", "降低一个等次", VetoEffect::demote);
    Veto demote2 = veto("demoted_twice", "降低两个等次", VetoEffect::demote);
    demote2.demote_by = 2;
    fw.vetoes = {veto("major_accident", "重大安全事故", VetoEffect::fail), cap, demote, demote2,
                 veto("ineligible", "取消评优资格", VetoEffect::disqualify)};
    return fw;
}

TEST(Grading, VetoEffectsThroughEvents) {
    // Six units at 96 (excellent by band), no quota.
    // u1 fail -> fail; u2 cap good -> good; u3 demote 1 -> good; u4 demote 2 -> pass;
    // u5 disqualified -> no grade; u6 untouched -> excellent.
    Dataset data = column("x", {96, 96, 96, 96, 96, 96});
    data.events = {veto_event("u1", "major_accident", "本辖区发生重大事故"),
                   veto_event("u2", "criticised", "受到省政府书面通报批评"),
                   veto_event("u3", "office_demoted", "领导班子降低一个考评等次"),
                   veto_event("u4", "demoted_twice", "连续两年排名末位"),
                   veto_event("u5", "ineligible", "发生重大生产安全事故，取消当年评价资格")};
    const ScoreCard card = score(with_vetoes(), data);
    EXPECT_EQ(grades(card), (std::vector<std::string>{"fail", "good", "good", "pass", "", "excellent"}));
    EXPECT_EQ(card.disqualified, (std::vector<bool>{false, false, false, false, true, false}));
    // Each veto line carries the veto's name, the event's note and the resulting grade.
    struct Expect {
        std::size_t unit;
        const char* veto;
        const char* text;
    };
    for (const Expect& e : {Expect{0, "major_accident", "重大安全事故: 本辖区发生重大事故 -> grade 不达标 (fail)"},
                            Expect{1, "criticised", "受到通报批评: 受到省政府书面通报批评 -> grade 良好 (good)"},
                            Expect{2, "office_demoted", "领导班子降低一个考评等次 -> grade 良好 (good)"},
                            Expect{3, "demoted_twice", "连续两年排名末位 -> grade 达标 (pass)"},
                            Expect{4, "ineligible", "取消当年评价资格 -> disqualified"}}) {
        const auto l = lines(card, e.unit, "veto", e.veto);
        ASSERT_EQ(l.size(), 1u) << e.veto;
        EXPECT_TRUE(contains(l[0].note, e.text)) << l[0].note;
    }
    EXPECT_TRUE(lines(card, 5, "veto", "major_accident").empty());
}

TEST(Grading, CapAndDemoteNeverImproveAGrade) {
    // u1 at 85 (pass) capped at good stays pass; u2 at 75 (fail, the lowest) demoted stays fail.
    Dataset data = column("x", {85, 75});
    data.events = {veto_event("u1", "criticised", "通报批评"), veto_event("u2", "office_demoted", "降等")};
    const ScoreCard card = score(with_vetoes(), data);
    EXPECT_EQ(grades(card), (std::vector<std::string>{"pass", "fail"}));
    const auto l = lines(card, 0, "veto", "criticised");
    ASSERT_EQ(l.size(), 1u);
    EXPECT_TRUE(contains(l[0].note, "grade unchanged")) << l[0].note;
}

TEST(Grading, VetoWhenConditionOnTotal) {
    // A veto on the total (Zunyi: 考核未达80分 as a veto), here "below 85 fails".
    // u1 84 is pass by band, vetoed to fail; u2 85 is not below 85: pass.
    Framework fw = direct();
    Veto v = veto("below_line", "考核未达85分", VetoEffect::fail);
    v.when = Condition{"total", Comparison::lt, 85};
    fw.vetoes = {v};
    const ScoreCard card = score(fw, column("x", {84, 85}));
    EXPECT_EQ(grades(card), (std::vector<std::string>{"fail", "pass"}));
    const auto l = lines(card, 0, "veto", "below_line");
    ASSERT_EQ(l.size(), 1u);
    EXPECT_TRUE(contains(l[0].note, "total = 84 < 85")) << l[0].note;
    EXPECT_TRUE(lines(card, 1, "veto", "below_line").empty());
}

TEST(Grading, VetoOnTotalUsesTheGradedTotalWhenRankingOnRoundedTotals) {
    // A `when` condition on "total" reads the total that grading uses: with on_rounded_total, a unit at
    // 79.996 publishes 80.00, is in the pass band, and "考核未达80分" (total < 80) must not fire on it.
    Framework fw = direct();
    fw.rounding.total = 2;
    fw.ranking.on_rounded_total = true;
    Veto v = veto("below_pass", "考核未达80分", VetoEffect::fail);
    v.when = Condition{"total", Comparison::lt, 80};
    fw.vetoes = {v};
    const ScoreCard card = score(fw, column("x", {79.996, 79.994}));
    // 79.994 publishes 79.99: fail by band and by the veto either way.
    EXPECT_EQ(card.grade[1], "fail");
    EXPECT_EQ(card.grade[0], "pass");
}

TEST(Grading, VetoWhenConditionOnADataItem) {
    // Zunyi: deaths above the control target (2) veto the unit. The item is read only by the veto.
    // u1 3 deaths -> fail despite 99; u2 2 deaths -> excellent; u3 has no value -> not checked, warned.
    Framework fw = direct();
    Veto v = veto("deaths_over_target", "死亡人数超控制指标", VetoEffect::fail);
    v.when = Condition{"deaths", Comparison::gt, 2};
    fw.vetoes = {v};
    const ScoreCard card = score(fw, dataset({"x", "deaths"}, {{99, 3}, {99, 2}, {99, NA}}));
    EXPECT_EQ(grades(card), (std::vector<std::string>{"fail", "excellent", "excellent"}));
    const auto l = lines(card, 0, "veto", "deaths_over_target");
    ASSERT_EQ(l.size(), 1u);
    EXPECT_TRUE(contains(l[0].note, "deaths = 3 > 2")) << l[0].note;
    bool warned = false;
    for (const auto& w : card.warnings) warned = warned || (contains(w, "'u3'") && contains(w, "deaths"));
    EXPECT_TRUE(warned);
}

TEST(Grading, VetoesComeBeforeQuotas) {
    // u1 99 is capped at good (一票否优), so it does not take the single excellent slot (20% of 5 = 1):
    // u2 (98) gets it, u3 and u4 are demoted by the quota, u5 fails by band.
    Framework fw = with_vetoes();
    fw.grading.quotas = {quota("excellent", 0.2)};
    Dataset data = column("x", {99, 98, 97, 96, 60});
    data.events = {veto_event("u1", "criticised", "受到市级通报批评")};
    const ScoreCard card = score(fw, data);
    EXPECT_EQ(grades(card), (std::vector<std::string>{"good", "excellent", "good", "good", "fail"}));
    // Without the veto, u1 takes the slot and u2 is demoted.
    data.events.clear();
    EXPECT_EQ(grades(score(fw, data)), (std::vector<std::string>{"excellent", "good", "good", "good", "fail"}));
}

TEST(Grading, DisqualifiedUnitsLeaveThePool) {
    // u1 (99) is disqualified: it gets no grade and the pool is the other 5 units. excellent <= 30% of 5 =
    // 1.5 -> 2: u2 and u3. (With u1 counted: 30% of 6 = 1.8 -> 2, but u1 would have taken a slot.)
    Framework fw = with_vetoes();
    fw.grading.quotas = {quota("excellent", 0.3)};
    Dataset data = column("x", {99, 98, 97, 96, 95, 60});
    data.events = {veto_event("u1", "ineligible", "取消评优资格")};
    EXPECT_EQ(grades(score(fw, data)),
              (std::vector<std::string>{"", "excellent", "excellent", "good", "good", "fail"}));
}

// ------------------------------------------------------------------------------------------------------
// Overrides

TEST(Grading, GradeOverrideIsTheLastStep) {
    // Quota: excellent <= 20% of 5 = 1 -> only u1. u4 (85, pass) is promoted by decision (专项晋优), after the
    // quota, so there are two excellent units. u2 was demoted by the quota and is then set back by override.
    Framework fw = direct();
    fw.grading.quotas = {quota("excellent", 0.2)};
    Dataset data = column("x", {99, 98, 92, 85, 70});
    data.events = {grade_event("u4", "excellent", "专项晋优：获国务院通报表扬"),
                   grade_event("u2", "excellent", "复核后维持优秀")};
    const ScoreCard card = score(fw, data);
    EXPECT_EQ(grades(card), (std::vector<std::string>{"excellent", "excellent", "good", "excellent", "fail"}));
    const auto l = lines(card, 3, "override", "grade");
    ASSERT_EQ(l.size(), 1u);
    EXPECT_TRUE(contains(l[0].note, "grade set to 优秀 (excellent) by decision: 专项晋优：获国务院通报表扬"))
        << l[0].note;
    EXPECT_TRUE(contains(card.explain("u4"), "专项晋优：获国务院通报表扬"));
    // u2's lines: band (excellent), quota (-> good), override (-> excellent), in that order.
    std::vector<std::string> kinds;
    for (const auto& line : card.explain_lines(1))
        if (line.path == "grade") kinds.push_back(line.kind);
    EXPECT_EQ(kinds, (std::vector<std::string>{"grade", "grade", "override"}));
}

TEST(Grading, OverrideCanAlsoLowerAGrade) {
    Framework fw = direct();
    Dataset data = column("x", {99});
    data.events = {grade_event("u1", "pass", "复核：材料不实")};
    EXPECT_EQ(score(fw, data).grade[0], "pass");
}

// ------------------------------------------------------------------------------------------------------
// Event errors

TEST(Grading, VetoAndGradeEventsNeedANote) {
    Dataset data = column("x", {99, 98});
    data.events = {veto_event("u1", "criticised", ""), grade_event("u2", "excellent", "")};
    try {
        (void)score(with_vetoes(), data);
        FAIL() << "events without a note were accepted";
    } catch (const input_errors& e) {
        ASSERT_EQ(e.problems().size(), 2u) << e.what();
        EXPECT_TRUE(contains(e.problems()[0], "veto event for unit 'u1'")) << e.problems()[0];
        EXPECT_TRUE(contains(e.problems()[0], "a note giving the reason is required")) << e.problems()[0];
        EXPECT_TRUE(contains(e.problems()[1], "grade event for unit 'u2'")) << e.problems()[1];
        EXPECT_TRUE(contains(e.problems()[1], "a note giving the reason is required")) << e.problems()[1];
    }
}

TEST(Grading, UnknownVetoAndGradeIdsAreErrors) {
    Dataset data = column("x", {99, 98});
    data.events = {veto_event("u1", "no_such_veto", "理由"), grade_event("u2", "outstanding", "理由")};
    try {
        (void)score(with_vetoes(), data);
        FAIL() << "unknown veto and grade ids were accepted";
    } catch (const input_errors& e) {
        ASSERT_EQ(e.problems().size(), 2u) << e.what();
        EXPECT_TRUE(contains(e.problems()[0], "'no_such_veto'")) << e.problems()[0];
        EXPECT_TRUE(contains(e.problems()[0], "no veto with this id")) << e.problems()[0];
        EXPECT_TRUE(contains(e.problems()[1], "grade 'outstanding' is not a defined grade")) << e.problems()[1];
    }
}

TEST(Grading, TwoGradeOverridesForOneUnitAreAnError) {
    Dataset data = column("x", {99});
    data.events = {grade_event("u1", "good", "a"), grade_event("u1", "pass", "b")};
    try {
        (void)score(direct(), data);
        FAIL() << "two grade overrides were accepted";
    } catch (const input_errors& e) {
        ASSERT_EQ(e.problems().size(), 1u) << e.what();
        EXPECT_TRUE(contains(e.problems()[0], "already has a grade override")) << e.problems()[0];
    }
}

TEST(Grading, FrameworkChecksOnGrades) {
    // The last band must be unbounded below; bands must decrease; quotas and caps must name real grades.
    Framework fw = direct();
    fw.grading.bands.back().min = 60;
    EXPECT_THROW((void)score(fw, column("x", {99})), framework_error);
    fw = direct();
    fw.grading.quotas = {quota("platinum", 0.1)};
    EXPECT_THROW((void)score(fw, column("x", {99})), framework_error);
    fw = direct();
    Veto v = veto("c", "c", VetoEffect::cap);
    v.cap_grade = "silver";
    fw.vetoes = {v};
    EXPECT_THROW((void)score(fw, column("x", {99})), framework_error);
    fw = direct();
    std::swap(fw.grading.bands[0], fw.grading.bands[1]);
    EXPECT_THROW((void)score(fw, column("x", {99})), framework_error);
}

}  // namespace
