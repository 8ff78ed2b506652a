// The scoring rules: how one leaf indicator turns a unit's raw result into points.
//
// Each rule is a plain parameter struct; `Rule` is a std::variant of them. The catalogue follows the rule
// types found in real assessment schemes (R1-R14 in shared/domain/assessment-practice.md) plus the
// normalisations used by composite indices. Evaluation lives in leaf_scoring.hpp; this header only says
// what each rule *means*, so that the JSON reader, the docs and the evaluator share one vocabulary.
//
// Points convention: a leaf with maximum M (its points in the unit's category) scores points in [0, M] for
// the assessment rules. Normalisations produce a score out of 100 that is mapped to points as score/100*M.
#pragma once

#include <limits>
#include <optional>
#include <type_traits>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace kaohe {

inline constexpr double unbounded = std::numeric_limits<double>::infinity();

// ---------------------------------------------------------------------------------------------------------
// Shared vocabulary

enum class Direction { higher_is_better, lower_is_better };
enum class Comparison { ge, gt, le, lt, eq };
// Which units a cohort statistic (rank, min-max, group average) is taken over.
enum class CohortScope { category, all };
enum class CohortStat { mean, median, min, max };

// How a tie in the ranking is broken.
enum class TieMethod {
    competition,  // 1,2,2,4 ("min", the usual published ranking)
    dense,        // 1,2,2,3
    average,      // 1,2.5,2.5,4
    ordinal       // 1,2,3,4 with the framework's tie-break chain, then unit order
};

// The raw value a rule reads: one data item, or the ratio of two (e.g. 32 court appearances of 55 cases).
struct Input {
    std::string item;         // data item (results column); defaults to the leaf id
    std::string denominator;  // when set, value = item / denominator * scale
    double scale = 1.0;       // e.g. 100 to express a ratio in percent
    [[nodiscard]] bool is_ratio() const noexcept { return !denominator.empty(); }
};

// A number that is either fixed or computed from the cohort (e.g. "the city-department average").
struct Reference {
    double value = 0.0;
    std::optional<CohortStat> cohort;  // set: use this statistic of the input over the cohort
    CohortScope scope = CohortScope::category;
    [[nodiscard]] static Reference fixed(double v) { return Reference{v, std::nullopt, CohortScope::category}; }
};

// ---------------------------------------------------------------------------------------------------------
// Assessment rules (R1-R12)

// R1: full marks when `input op value` holds, otherwise 0. A unit that is not met may receive a judged
// partial score through a `judgement` event, which must carry a reason (酌情扣分).
struct ThresholdRule {
    Input input;
    Comparison op = Comparison::ge;
    Reference value;
    bool allow_judgement = true;
};

// R2: a categorical answer looked up in a table of points ("专职" -> 2, "兼职" -> 1).
struct LookupRule {
    Input input;
    std::vector<std::pair<std::string, double>> table;
    std::optional<double> otherwise;  // points for an answer not in the table; unset = error
};

// R3: points = M * x / target, capped at M unless cap = false (按完成比例得分).
struct CompletionRule {
    Input input;
    Reference target;
    bool cap = true;
};

// Points rise linearly from 0 at `zero_at` to M at `full_at` and are clamped to [0, M]. If zero_at > full_at
// the indicator is lower-is-better.
struct LinearRule {
    Input input;
    Reference zero_at;
    Reference full_at;
};

// R4: full marks at the reference; each `step` short of it costs `deduct` points (每低1%扣0.05分).
enum class StepGranularity {
    continuous,  // pro rata: 15 short with step 10 costs 1.5 steps
    completed,   // only completed steps count: floor(15/10) = 1
    started      // any started step counts: ceil(15/10) = 2
};
enum class ShortfallSide { below, above };  // below: x < reference is short; above: x > reference is over
struct ShortfallRule {
    Input input;
    Reference reference;
    ShortfallSide side = ShortfallSide::below;
    double step = 1.0;
    double deduct = 0.0;
    StepGranularity granularity = StepGranularity::continuous;
    double floor = 0.0;  // points never fall below this (the rule text usually omits it; 0 by default)
};

// R5: value bands (档次). Step bands are half-open [lower, upper) and must tile their range without gaps or
// overlaps; a value outside every band is an error. Interpolated bands are breakpoints (x, points) with
// linear interpolation between them and constant points beyond the first and last breakpoint.
enum class BandMode { step, interpolate };
struct Band {
    double lower = -unbounded;
    double upper = unbounded;
    double points = 0.0;
    std::string label;
};
struct BandsRule {
    Input input;
    BandMode mode = BandMode::step;
    std::vector<Band> bands;                             // step mode
    std::vector<std::pair<double, double>> breakpoints;  // interpolate mode: (x, points), x increasing
    std::optional<double> below;                         // interpolate: points below the first breakpoint
    std::optional<double> above;                         // interpolate: points above the last breakpoint
};

// R6: efficacy coefficient (功效系数法): score = base + span * (x - unacceptable) / (satisfactory - unacceptable),
// out of 100, mapped to points as score/100 * M. The clamping policy must be stated: none, or [min, max].
struct EfficacyRule {
    Input input;
    Reference unacceptable;
    Reference satisfactory;
    double base = 60.0;
    double span = 40.0;
    std::optional<std::pair<double, double>> clamp;  // unset = no clamping (score may fall below 60 or pass 100)
};

// R7: rank-based scoring (排名赋分) within the cohort.
enum class RankScoring {
    ladder,        // rank k gets ladder[k-1] points; ranks beyond the ladder get `beyond`
    proportional,  // points = M * x / best (higher is better) or M * best / x (lower is better)
    from_bottom    // k-th from the bottom gets bottom + step*(k-1), never below `floor`
};
struct RankRule {
    Input input;
    Direction direction = Direction::higher_is_better;
    RankScoring scoring = RankScoring::ladder;
    std::vector<double> ladder;
    double beyond = 0.0;
    double bottom = 0.0;
    double step = 0.0;
    double floor = 0.0;
    TieMethod ties = TieMethod::competition;  // ordinal is not allowed: tied units must score alike
    CohortScope scope = CohortScope::category;
};

// R8: deductions per event from full marks (扣分制), floored ("扣完为止"). `price` maps an event kind to its
// unit price; an escalation step sets the item's points once the event count reaches a threshold
// ("two or more findings: 0"). `multiplier` doubles deductions for a class of unit (set per category).
struct Escalation {
    double at_count = 0.0;  // total count of events at or above which...
    double points = 0.0;    // ...the item scores exactly this many points
};
struct DeductionRule {
    std::vector<std::pair<std::string, double>> price;  // kind -> points per occurrence
    std::optional<double> default_price;                // for kinds not listed; unset = error
    std::vector<Escalation> escalation;
    double multiplier = 1.0;
    double floor = 0.0;
};

// R9: bonus points by recognition level (加分项). With `highest_per_item`, an item recognised at several
// levels counts once, at its highest level. Points are capped at `cap` (default: the leaf's maximum).
// `require_evidence` rejects bonus events without an evidence reference (无表彰文件佐证的，暂未实施加分).
struct BonusRule {
    std::vector<std::pair<std::string, double>> levels;  // level -> points
    bool highest_per_item = true;
    std::optional<double> cap;
    bool require_evidence = false;
};

// R12: mean of rater scores, trimming the highest and lowest when there are more than `trim_above` raters.
// Ratings without a score ("don't know", 不了解) are excluded from the count and the denominator.
struct TrimmedMeanRule {
    int trim_above = 5;  // trim only when the number of valid ratings is greater than this
    int drop_high = 1;
    int drop_low = 1;
    double scale = 100.0;  // rating scale; points = mean / scale * M
};

// Manual score (e.g. 酌情 judgement) given as a `manual` event with points in [0, M] and a mandatory reason.
struct ManualRule {};

// ---------------------------------------------------------------------------------------------------------
// Composite-index normalisations (R13/R14, COINr's normalisers). Each produces a score out of 100.

enum class NormaliseMethod {
    minmax,              // (x - min)/(max - min) * (hi - lo) + lo over the cohort
    goalposts,           // (x - lower)/(upper - lower) * 100, optional log10 first, optionally truncated
    zscore,              // (x - mean)/sd * sd_out + mean_out, sample sd (n - 1)
    distance_to_target,  // 100 * (x - min)/(target - min), capped at 100 when `cap`
    percentile_rank      // 100 * (rank - 1)/(n - 1), ties share the lowest rank
};
struct NormaliseRule {
    Input input;
    NormaliseMethod method = NormaliseMethod::minmax;
    Direction direction = Direction::higher_is_better;
    CohortScope scope = CohortScope::all;
    double lo = 0.0, hi = 100.0;          // minmax output range
    double lower = 0.0, upper = 100.0;    // goalposts
    bool log = false;                     // goalposts: compare log10(x)
    bool truncate = true;                 // goalposts: clip to [0, 100]
    double mean_out = 0.0, sd_out = 1.0;  // zscore output location and scale
    Reference target;                     // distance_to_target
    bool cap = true;                      // distance_to_target: cap at 100
};

using Rule = std::variant<ThresholdRule, LookupRule, CompletionRule, LinearRule, ShortfallRule, BandsRule, EfficacyRule,
                          RankRule, DeductionRule, BonusRule, TrimmedMeanRule, ManualRule, NormaliseRule>;

// The rule's name as written in framework files ("threshold", "lookup", ...), in variant order.
[[nodiscard]] inline const char* rule_name(const Rule& rule) {
    static constexpr const char* names[] = {"threshold",    "lookup",   "completion", "linear",    "shortfall",
                                            "bands",        "efficacy", "rank",       "deduction", "bonus",
                                            "trimmed_mean", "manual",   "normalise"};
    return names[rule.index()];
}

namespace detail {
template <class T, class = void>
struct has_input : std::false_type {};
template <class T>
struct has_input<T, std::void_t<decltype(std::declval<T>().input)>> : std::true_type {};
}  // namespace detail

// The rule's data input, for rules that read the results table (events-driven rules have none).
[[nodiscard]] inline const Input* rule_input(const Rule& rule) {
    return std::visit(
        [](const auto& r) -> const Input* {
            if constexpr (detail::has_input<std::decay_t<decltype(r)>>::value)
                return &r.input;
            else
                return nullptr;
        },
        rule);
}

}  // namespace kaohe
