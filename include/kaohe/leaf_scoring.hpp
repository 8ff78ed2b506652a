// Leaf scoring: turns one leaf's raw inputs (a column of the results table, or the unit's events) into
// points, for every unit at once.
//
// Scoring runs in two phases so that the explanation of a unit's points is produced by the very code that
// computed them: `build_column` gathers the leaf's inputs and cohort statistics once; `score_unit` computes
// one unit's points from them and, when asked, writes down how.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <numeric>
#include <string>
#include <unordered_map>
#include <vector>

#include "kaohe/dataset.hpp"
#include "kaohe/detail/format.hpp"
#include "kaohe/framework.hpp"
#include "kaohe/rule.hpp"

namespace kaohe {
namespace detail {

inline constexpr double nan = std::numeric_limits<double>::quiet_NaN();

inline const char* op_text(Comparison op) {
    switch (op) {
        case Comparison::ge:
            return ">=";
        case Comparison::gt:
            return ">";
        case Comparison::le:
            return "<=";
        case Comparison::lt:
            return "<";
        case Comparison::eq:
            return "==";
    }
    return "?";
}

inline bool compare(double x, Comparison op, double v) {
    switch (op) {
        case Comparison::ge:
            return x >= v;
        case Comparison::gt:
            return x > v;
        case Comparison::le:
            return x <= v;
        case Comparison::lt:
            return x < v;
        case Comparison::eq:
            return x == v;
    }
    return false;
}

// Statistics of a leaf's input over one cohort (the units of a category, or all units) that have a value.
struct Cohort {
    std::vector<double> sorted;  // ascending; kept only when a rank-type rule needs it
    std::size_t n = 0;
    double min = nan, max = nan, mean = nan, median = nan, sd = nan;

    // Computes the statistics. Min and max are always computed; sorting (needed for ranks, the median, and
    // for sums that do not depend on the order of the units) is done only when the leaf's rule or references
    // use them, because it costs more than everything else together.
    void finish(bool need_sorted) {
        n = sorted.size();
        if (n == 0) return;
        if (!need_sorted) {
            const auto [lo, hi] = std::minmax_element(sorted.begin(), sorted.end());
            min = *lo;
            max = *hi;
            std::vector<double>().swap(sorted);
            return;
        }
        std::sort(sorted.begin(), sorted.end());
        min = sorted.front();
        max = sorted.back();
        mean = std::accumulate(sorted.begin(), sorted.end(), 0.0) / static_cast<double>(n);
        median = n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
        finish_spread();
    }

private:
    void finish_spread() {
        if (n > 1) {
            double ss = 0;
            for (double v : sorted) ss += (v - mean) * (v - mean);
            sd = std::sqrt(ss / static_cast<double>(n - 1));
        }
    }

public:
    [[nodiscard]] double stat(CohortStat s) const {
        switch (s) {
            case CohortStat::mean:
                return mean;
            case CohortStat::median:
                return median;
            case CohortStat::min:
                return min;
            case CohortStat::max:
                return max;
        }
        return nan;
    }
    // Number of members strictly greater / smaller than v, and equal to v.
    [[nodiscard]] std::size_t above(double v) const {
        return static_cast<std::size_t>(sorted.end() - std::upper_bound(sorted.begin(), sorted.end(), v));
    }
    [[nodiscard]] std::size_t below(double v) const {
        return static_cast<std::size_t>(std::lower_bound(sorted.begin(), sorted.end(), v) - sorted.begin());
    }
    [[nodiscard]] std::size_t distinct_above(double v) const {
        std::size_t count = 0;
        for (auto it = std::upper_bound(sorted.begin(), sorted.end(), v); it != sorted.end();) {
            ++count;
            it = std::upper_bound(it, sorted.end(), *it);
        }
        return count;
    }
    [[nodiscard]] std::size_t distinct_below(double v) const {
        std::size_t count = 0;
        auto end = std::lower_bound(sorted.begin(), sorted.end(), v);
        for (auto it = sorted.begin(); it != end;) {
            ++count;
            it = std::upper_bound(it, end, *it);
        }
        return count;
    }
};

// One leaf's inputs for all units, plus the cohorts its rule and references are computed over. Kept compact
// (a double per unit; text answers and events are sparse) because a score card keeps every column so that
// explanations can be produced later by the same code.
struct LeafColumn {
    std::size_t node = 0;
    const Input* input = nullptr;  // the rule's input (null for event-driven rules)
    const Dataset* data = nullptr;
    long item = -1, denominator_item = -1;  // dataset item indices of the input
    // Numeric input per unit (NaN = none): a pointer to the dataset's own column when the input is a plain
    // item (no copy), or to `computed` for ratio inputs and event-driven rules. Columns are built in place
    // and never copied, so the pointer stays valid.
    const double* x = nullptr;
    std::vector<double> computed;
    std::vector<Cohort> by_category;                                    // cohort per category index
    Cohort all;                                                         // cohort of all applicable units
    std::unordered_map<std::size_t, std::vector<const Event*>> events;  // unit -> events targeting this leaf

    LeafColumn() = default;
    LeafColumn(const LeafColumn&) = delete;
    LeafColumn& operator=(const LeafColumn&) = delete;
    LeafColumn(LeafColumn&&) = default;
    LeafColumn& operator=(LeafColumn&&) = default;

    [[nodiscard]] double raw(long it, std::size_t unit) const {
        return it < 0 ? nan : data->values(static_cast<Eigen::Index>(unit), it);
    }
    [[nodiscard]] std::string text(std::size_t unit) const {
        if (item < 0) return {};
        const std::string* t = data->text_at(unit, static_cast<std::size_t>(item));
        return t ? *t : std::string();
    }
    // Why a unit has no numeric input.
    [[nodiscard]] std::string why_missing(std::size_t unit) const {
        if (!input) return "no input";
        if (std::isnan(raw(item, unit))) return "no value for '" + input->item + "'";
        if (input->is_ratio()) {
            const double d = raw(denominator_item, unit);
            if (std::isnan(d)) return "no value for '" + input->denominator + "'";
            if (d == 0) return "denominator '" + input->denominator + "' is 0";
        }
        return "no value";
    }
    [[nodiscard]] const std::vector<const Event*>& events_of(std::size_t unit) const {
        static const std::vector<const Event*> none;
        auto it = events.find(unit);
        return it == events.end() ? none : it->second;
    }
};

// Numeric kernels: the arithmetic of the numeric rules, shared by UnitScorer (one unit, with explanations)
// and the engine's column loop (all units, no bookkeeping), so that both give bit-identical points.
// A kernel returns NaN when the value cannot be scored (the careful path then says why).
namespace kernel {

inline double completion(const CompletionRule& r, double x, double target, double max) {
    double ratio = x / target;
    if (r.cap && ratio > 1.0) ratio = 1.0;
    return ratio * max;
}

inline double linear(double x, double zero_at, double full_at, double max) {
    return std::clamp((x - zero_at) / (full_at - zero_at), 0.0, 1.0) * max;
}

// Steps short of (or over) the reference, read as the rule's granularity says; 0 when not short.
inline double shortfall_steps(const ShortfallRule& r, double x, double reference) {
    const double gap = r.side == ShortfallSide::below ? reference - x : x - reference;
    if (gap <= 0) return 0.0;
    double steps = gap / r.step;
    // Tolerate binary noise so that 20 - 11.3 = 8.7000000000000011 does not start a 9th step.
    const double snapped = std::round(steps);
    if (std::abs(steps - snapped) < 1e-9) steps = snapped;
    if (r.granularity == StepGranularity::completed) steps = std::floor(steps);
    if (r.granularity == StepGranularity::started) steps = std::ceil(steps);
    return steps;
}

inline double shortfall(const ShortfallRule& r, double steps, double max) {
    return std::max(r.floor, max - r.deduct * steps);
}

inline const Band* step_band(const BandsRule& r, double x) {
    for (const auto& b : r.bands)
        if (x >= b.lower && x < b.upper) return &b;
    return nullptr;
}

// Interpolated bands: constant beyond the first and last breakpoints, linear between them.
inline double interpolate(const BandsRule& r, double x) {
    const auto& bp = r.breakpoints;
    if (x < bp.front().first) return r.below.value_or(bp.front().second);
    if (x >= bp.back().first) return x == bp.back().first ? bp.back().second : r.above.value_or(bp.back().second);
    std::size_t i = 1;
    while (bp[i].first <= x) ++i;
    const auto& a = bp[i - 1];
    const auto& b = bp[i];
    return a.second + (b.second - a.second) * (x - a.first) / (b.first - a.first);
}

// The efficacy score out of 100 before clamping.
inline double efficacy_score(const EfficacyRule& r, double x, double bad, double good) {
    return r.base + r.span * (x - bad) / (good - bad);
}

inline double efficacy(const EfficacyRule& r, double score, double max) {
    if (r.clamp) score = std::clamp(score, r.clamp->first, r.clamp->second);
    return score / 100.0 * max;
}

// Direction-adjusted cohort bounds for normalisation (lower-is-better values are negated, as COINr does).
struct Bounds {
    double sign, lo, hi;
};
inline Bounds bounds(const NormaliseRule& r, const Cohort& c) {
    const double sign = r.direction == Direction::lower_is_better ? -1.0 : 1.0;
    return {sign, sign > 0 ? c.min : -c.max, sign > 0 ? c.max : -c.min};
}

// The normalised score out of 100 (minmax: within [lo, hi]); NaN when the cohort cannot normalise.
inline double normalised(const NormaliseRule& r, double x, const Cohort& c, double target) {
    const Bounds b = bounds(r, c);
    const double v = b.sign * x;
    switch (r.method) {
        case NormaliseMethod::minmax:
            if (!(b.hi > b.lo)) return nan;
            return (v - b.lo) / (b.hi - b.lo) * (r.hi - r.lo) + r.lo;
        case NormaliseMethod::goalposts: {
            double xv = x, l = r.lower, u = r.upper;
            if (r.log) {
                if (!(xv > 0)) return nan;
                xv = std::log10(xv);
                l = std::log10(l);
                u = std::log10(u);
            }
            const double t = b.sign > 0 ? (xv - l) / (u - l) : (xv - u) / (l - u);
            return 100.0 * (r.truncate ? std::clamp(t, 0.0, 1.0) : t);
        }
        case NormaliseMethod::zscore:
            if (!(c.sd > 0)) return nan;
            return (v - b.sign * c.mean) / c.sd * r.sd_out + r.mean_out;
        case NormaliseMethod::distance_to_target: {
            const double t_adj = b.sign * target;
            if (std::isnan(t_adj) || t_adj == b.lo) return nan;
            const double t = (v - b.lo) / (t_adj - b.lo);
            return 100.0 * (r.cap ? std::min(t, 1.0) : t);
        }
        case NormaliseMethod::percentile_rank: {
            if (c.n < 2) return nan;
            const std::size_t worse = b.sign > 0 ? c.below(x) : c.above(x);
            return 100.0 * static_cast<double>(worse) / static_cast<double>(c.n - 1);
        }
    }
    return nan;
}

}  // namespace kernel

// What scoring one unit on one leaf needs to know about the unit.
struct UnitView {
    std::size_t unit = 0;
    std::size_t category = 0;
    double max = 0;  // the leaf's maximum points in the unit's category
};

// The outcome for one unit: points (NaN when missing, with the reason), or a data problem.
struct Outcome {
    double points = nan;
    std::string missing;  // why the unit could not be scored (missing-data policy applies)
    std::string problem;  // invalid data: scoring fails, listing every problem
};

// With a single category, "all units" and "the unit's category" are the same cohort, kept once.
inline const Cohort& cohort_for(const LeafColumn& col, CohortScope scope, std::size_t category) {
    return scope == CohortScope::all && col.by_category.size() > 1 ? col.all : col.by_category[category];
}

// Evaluates one rule for one unit. When `explain` is not null, appends how the points came about.
class UnitScorer {
public:
    UnitScorer(const LeafColumn& col, const UnitView& unit, std::string* explain)
        : col_(col), u_(unit), explain_(explain) {}

    Outcome operator()(const ThresholdRule& r) {
        if (!number()) return missing_or_problem();
        const double v = ref(r.value);
        if (std::isnan(v)) return missing_cohort();
        const bool met = compare(x(), r.op, v);
        const Event* judgement = find_event(EventType::judgement);
        if (met) {
            if (judgement)
                return problem("a judgement event is given but the threshold is met (" + num(x()) + " " +
                               op_text(r.op) + " " + num(v) + ")");
            if (explain_) say(num(x()) + " " + op_text(r.op) + " " + num(v) + ": met, full marks " + num(u_.max));
            return points(u_.max);
        }
        if (judgement && r.allow_judgement) {
            if (explain_)
                say(num(x()) + " " + op_text(r.op) + " " + num(v) + " not met; judged partial score " +
                    num(judgement->value) + " (" + judgement->note + ")");
            return points(judgement->value);
        }
        if (explain_) say(num(x()) + " " + op_text(r.op) + " " + num(v) + " not met: 0");
        return points(0.0);
    }

    Outcome operator()(const LookupRule& r) {
        std::string answer = col_.text(u_.unit);
        if (answer.empty() && !std::isnan(x())) answer = num(x());
        if (answer.empty()) return missing_or_problem();
        for (const auto& kv : r.table)
            if (kv.first == answer) {
                if (explain_) say("answer '" + answer + "' -> " + num(kv.second));
                return points(kv.second);
            }
        if (r.otherwise) {
            if (explain_) say("answer '" + answer + "' is not in the table -> otherwise " + num(*r.otherwise));
            return points(*r.otherwise);
        }
        std::string known;
        for (const auto& kv : r.table) known += (known.empty() ? "'" : ", '") + kv.first + "'";
        return problem("answer '" + answer + "' is not in the lookup table (" + known + ")");
    }

    Outcome operator()(const CompletionRule& r) {
        if (!number()) return missing_or_problem();
        const double target = ref(r.target);
        if (std::isnan(target)) return missing_cohort();
        if (!(target > 0)) return problem("completion target is " + num(target) + "; it must be > 0");
        const double p = kernel::completion(r, x(), target, u_.max);
        if (explain_)
            say(input_text() + " of target " + num(target) + " = " + num(100 * x() / target) + "%" +
                (r.cap && x() > target ? ", capped at 100%" : "") + " x " + num(u_.max) + " = " + num(p));
        return points(p);
    }

    Outcome operator()(const LinearRule& r) {
        if (!number()) return missing_or_problem();
        const double z = ref(r.zero_at), f = ref(r.full_at);
        if (std::isnan(z) || std::isnan(f)) return missing_cohort();
        if (z == f) return problem("zero_at and full_at are both " + num(z));
        const double p = kernel::linear(x(), z, f, u_.max);
        if (explain_)
            say(input_text() + " between " + num(z) + " (0) and " + num(f) + " (full) -> " + num(100 * p / u_.max) +
                "% x " + num(u_.max) + " = " + num(p));
        return points(p);
    }

    Outcome operator()(const ShortfallRule& r) {
        if (!number()) return missing_or_problem();
        const double reference = ref(r.reference);
        if (std::isnan(reference)) return missing_cohort();
        const double steps = kernel::shortfall_steps(r, x(), reference);
        const double p = kernel::shortfall(r, steps, u_.max);
        if (!explain_) return points(p);
        const bool below = r.side == ShortfallSide::below;
        const double gap = below ? reference - x() : x() - reference;
        if (gap <= 0) {
            say(input_text() + (below ? " >= " : " <= ") + num(reference) + ": full marks " + num(u_.max));
            return points(p);
        }
        const char* reading = r.granularity == StepGranularity::completed ? "completed steps only"
                              : r.granularity == StepGranularity::started ? "every started step"
                                                                          : "pro rata";
        say(input_text() + (below ? " is " : " exceeds ") + num(gap) + (below ? " short of " : " over ") +
            num(reference) + " = " + num(steps) + " step(s) of " + num(r.step) + " (" + reading + ") x " +
            num(r.deduct) + " = -" + num(r.deduct * steps) + " from " + num(u_.max) +
            (u_.max - r.deduct * steps < r.floor ? ", floored at " + num(r.floor) : std::string()) + " -> " + num(p));
        return points(p);
    }

    Outcome operator()(const BandsRule& r) {
        if (!number()) return missing_or_problem();
        if (r.mode == BandMode::step) {
            const Band* b = kernel::step_band(r, x());
            if (!b) return problem("value " + num(x()) + " falls in no band");
            if (explain_)
                say(input_text() + " in band [" + num(b->lower) + ", " + num(b->upper) + ")" +
                    (b->label.empty() ? std::string() : " '" + b->label + "'") + " -> " + num(b->points));
            return points(b->points);
        }
        const double p = kernel::interpolate(r, x());
        if (explain_) {
            const auto& bp = r.breakpoints;
            if (x() < bp.front().first)
                say(input_text() + " below the first breakpoint " + num(bp.front().first) + " -> " + num(p));
            else if (x() >= bp.back().first)
                say(input_text() + " at or above the last breakpoint " + num(bp.back().first) + " -> " + num(p));
            else
                say(input_text() + " interpolated between breakpoints -> " + num(p));
        }
        return points(p);
    }

    Outcome operator()(const EfficacyRule& r) {
        if (!number()) return missing_or_problem();
        const double bad = ref(r.unacceptable), good = ref(r.satisfactory);
        if (std::isnan(bad) || std::isnan(good)) return missing_cohort();
        if (bad == good) return problem("satisfactory and unacceptable values are both " + num(bad));
        const double score = kernel::efficacy_score(r, x(), bad, good);
        const double p = kernel::efficacy(r, score, u_.max);
        if (explain_)
            say(num(r.base) + " + " + num(r.span) + " x (" + num(x()) + " - " + num(bad) + ") / (" + num(good) + " - " +
                num(bad) + ") = " + num(score) +
                (p / u_.max * 100 != score ? ", clamped to " + num(p / u_.max * 100) : std::string()) + " of 100 x " +
                num(u_.max) + " = " + num(p));
        return points(p);
    }

    Outcome operator()(const RankRule& r) {
        if (!number()) return missing_or_problem();
        const Cohort& c = cohort_for(col_, r.scope, u_.category);
        const bool higher = r.direction == Direction::higher_is_better;
        const std::size_t n = c.n;
        // Position from the top (1 = best) for the first and last of the tied group.
        const std::size_t better = higher ? c.above(x()) : c.below(x());
        const std::size_t worse = higher ? c.below(x()) : c.above(x());
        const std::size_t first = better + 1, last = n - worse;
        auto points_at = [&](std::size_t k) -> double {  // k = 1-based position from the top
            switch (r.scoring) {
                case RankScoring::ladder:
                    return k <= r.ladder.size() ? r.ladder[k - 1] : r.beyond;
                case RankScoring::from_bottom: {
                    const double from_bottom = static_cast<double>(n - k + 1);
                    return std::max(r.floor, r.bottom + r.step * (from_bottom - 1));
                }
                case RankScoring::proportional:
                    return 0;  // handled below
            }
            return 0;
        };
        if (r.scoring == RankScoring::proportional) {
            const double best = higher ? c.max : c.min;
            const double ratio = higher ? x() / best : best / x();
            if (!std::isfinite(ratio) || ratio < 0)
                return problem("proportional rank scoring needs positive values; best = " + num(best) +
                               ", value = " + num(x()));
            if (explain_)
                say(input_text() + (higher ? " / best " : ", best ") + num(best) + (higher ? "" : " / value") + " = " +
                    num(ratio) + " x " + num(u_.max) + " = " + num(ratio * u_.max));
            return points(ratio * u_.max);
        }
        double rank = 0, p = 0;
        switch (r.ties) {
            case TieMethod::competition:
                rank = static_cast<double>(first);
                p = points_at(first);
                break;
            case TieMethod::dense: {
                const std::size_t d = (higher ? c.distinct_above(x()) : c.distinct_below(x())) + 1;
                rank = static_cast<double>(d);
                p = points_at(d);
                break;
            }
            case TieMethod::average:
            case TieMethod::ordinal: {
                rank = (static_cast<double>(first) + static_cast<double>(last)) / 2.0;
                for (std::size_t k = first; k <= last; ++k) p += points_at(k);
                p /= static_cast<double>(last - first + 1);
                break;
            }
        }
        if (explain_)
            say(input_text() + " ranks " + num(rank) + " of " + std::to_string(n) +
                (last > first ? " (tied with " + std::to_string(last - first) + " other(s))" : std::string()) + " -> " +
                num(p));
        return points(p);
    }

    Outcome operator()(const DeductionRule& r) {
        double count = 0, total = 0;
        std::string lines;
        for (const Event* e : events(EventType::deduction)) {
            const double* price = lookup(r.price, e->kind);
            if (!price && !r.default_price)
                return problem(
                    event_problem(*e, "deduction kind '" + e->kind + "' has no price" + known_keys(r.price)));
            const double each = price ? *price : *r.default_price;
            count += e->count;
            total += e->count * each * r.multiplier;
            lines += "; " + num(e->count) + " x " + (e->kind.empty() ? std::string("event") : e->kind) + " @ " +
                     num(each) + (r.multiplier != 1 ? " x" + num(r.multiplier) : std::string()) +
                     (e->note.empty() ? "" : " (" + e->note + ")");
        }
        const Escalation* esc = nullptr;
        for (const auto& e : r.escalation)
            if (count >= e.at_count && (!esc || e.at_count > esc->at_count)) esc = &e;
        if (esc) {
            if (explain_)
                say(num(count) + " occurrence(s) reach the escalation at " + num(esc->at_count) + " -> " +
                    num(esc->points) + lines);
            return points(esc->points);
        }
        const double raw = u_.max - total;
        const double p = std::max(r.floor, raw);
        if (!explain_) {
        } else if (count == 0)
            say("no deductions: full marks " + num(u_.max));
        else
            say(num(u_.max) + " - " + num(total) + (raw < r.floor ? " floored at " + num(r.floor) : std::string()) +
                " = " + num(p) + lines);
        return points(p);
    }

    Outcome operator()(const BonusRule& r) {
        const double cap = r.cap.value_or(u_.max);
        std::map<std::string, std::pair<double, const Event*>> best;  // item -> (points, event)
        std::string lines;
        double sum = 0;
        int anonymous = 0;
        for (const Event* e : events(EventType::bonus)) {
            const double* level = lookup(r.levels, e->level);
            if (!level)
                return problem(
                    event_problem(*e, "bonus level '" + e->level + "' is not defined" + known_keys(r.levels)));
            if (r.require_evidence && e->evidence.empty()) {
                lines += "; not counted, no evidence: " + e->item + " (" + e->level + ")";
                continue;
            }
            const double p = *level * e->share;
            const std::string key =
                r.highest_per_item && !e->item.empty() ? e->item : "#" + std::to_string(anonymous++);
            auto it = best.find(key);
            if (it == best.end() || p > it->second.first) best[key] = {p, e};
        }
        for (const auto& kv : best) {
            const Event* e = kv.second.second;
            sum += kv.second.first;
            lines += "; +" + num(kv.second.first) + " " + (e->item.empty() ? std::string("award") : e->item) + " (" +
                     e->level + (e->share != 1 ? ", share " + num(e->share) : std::string()) +
                     (e->evidence.empty() ? "" : ", " + e->evidence) + ")";
        }
        const double p = std::min(sum, cap);
        if (explain_)
            say("bonus " + num(sum) + (sum > cap ? " capped at " + num(cap) : std::string()) + " = " + num(p) + lines);
        return points(p);
    }

    Outcome operator()(const TrimmedMeanRule& r) {
        std::vector<double> scores;
        int dont_know = 0;
        for (const Event* e : events(EventType::rating)) {
            if (std::isnan(e->value))
                ++dont_know;
            else
                scores.push_back(e->value);
        }
        if (scores.empty()) {
            Outcome o;
            o.missing =
                "no valid ratings" + (dont_know ? " (" + std::to_string(dont_know) + " don't know)" : std::string());
            return o;
        }
        for (double s : scores)
            if (s < 0 || s > r.scale) return problem("rating " + num(s) + " is outside [0, " + num(r.scale) + "]");
        std::sort(scores.begin(), scores.end());
        const bool trim = static_cast<int>(scores.size()) > r.trim_above;
        auto lo = scores.begin() + (trim ? r.drop_low : 0);
        auto hi = scores.end() - (trim ? r.drop_high : 0);
        const double mean = std::accumulate(lo, hi, 0.0) / static_cast<double>(hi - lo);
        if (explain_)
            say(std::to_string(scores.size()) + " rating(s)" +
                (dont_know ? " + " + std::to_string(dont_know) + " don't know (excluded)" : std::string()) +
                (trim ? ", dropping the " + std::to_string(r.drop_high) + " highest and " + std::to_string(r.drop_low) +
                            " lowest"
                      : ", no trimming") +
                ": mean " + num(mean) + " of " + num(r.scale) + " x " + num(u_.max) + " = " +
                num(mean / r.scale * u_.max));
        return points(mean / r.scale * u_.max);
    }

    Outcome operator()(const ManualRule&) {
        const Event* e = find_event(EventType::manual);
        if (!e) {
            Outcome o;
            o.missing = "no manual score given";
            return o;
        }
        if (explain_) say("manual score " + num(e->value) + " (" + e->note + ")");
        return points(e->value);
    }

    Outcome operator()(const NormaliseRule& r) {
        if (!number()) return missing_or_problem();
        const Cohort& c = cohort_for(col_, r.scope, u_.category);
        const double target = r.method == NormaliseMethod::distance_to_target ? ref(r.target) : nan;
        const double score = kernel::normalised(r, x(), c, target);
        if (std::isnan(score)) return problem(normalise_problem(r, c, target));
        const double p = score / 100.0 * u_.max;
        if (explain_)
            say(input_text() + ", " + normalise_text(r, c, target) + " -> " + num(score) + " of 100 x " + num(u_.max) +
                " = " + num(p));
        return points(p);
    }

private:
    [[nodiscard]] std::string normalise_problem(const NormaliseRule& r, const Cohort& c, double target) const {
        switch (r.method) {
            case NormaliseMethod::minmax:
                return "min-max normalisation needs at least two distinct values in the cohort";
            case NormaliseMethod::goalposts:
                return "log goalposts need a value > 0, got " + num(x());
            case NormaliseMethod::zscore:
                return "z-score needs a cohort with a non-zero standard deviation";
            case NormaliseMethod::distance_to_target:
                return std::isnan(target) ? "the cohort target cannot be computed"
                                          : "target " + num(target) + " equals the cohort's worst value";
            case NormaliseMethod::percentile_rank:
                return "percentile rank needs at least two units in the cohort (has " + std::to_string(c.n) + ")";
        }
        return "cannot normalise";
    }
    [[nodiscard]] static std::string normalise_text(const NormaliseRule& r, const Cohort& c, double target) {
        const char* lower = r.direction == Direction::lower_is_better ? " (lower is better)" : "";
        switch (r.method) {
            case NormaliseMethod::minmax:
                return "min-max over " + std::to_string(c.n) + " units [" + num(c.min) + ", " + num(c.max) + "]" +
                       lower + " to [" + num(r.lo) + ", " + num(r.hi) + "]";
            case NormaliseMethod::goalposts:
                return "goalposts [" + num(r.lower) + ", " + num(r.upper) + "]" + (r.log ? " on log10" : "") + lower;
            case NormaliseMethod::zscore:
                return "z-score (mean " + num(c.mean) + ", sd " + num(c.sd) + ")" + lower;
            case NormaliseMethod::distance_to_target:
                return "distance to target " + num(target) + lower;
            case NormaliseMethod::percentile_rank:
                return "percentile rank among " + std::to_string(c.n) + lower;
        }
        return {};
    }
    [[nodiscard]] double x() const { return col_.x[u_.unit]; }
    [[nodiscard]] bool number() const { return std::isfinite(x()); }
    // "court_attended/court_required = 32/55 x 100 = 58.1818" or "caseload = 12".
    [[nodiscard]] std::string input_text() const {
        if (!col_.input) return num(x());
        const Input& in = *col_.input;
        if (!in.is_ratio()) return in.item + " = " + num(x());
        return in.item + "/" + in.denominator + " = " + num(col_.raw(col_.item, u_.unit)) + "/" +
               num(col_.raw(col_.denominator_item, u_.unit)) + (in.scale != 1 ? " x " + num(in.scale) : std::string()) +
               " = " + num(x());
    }
    Outcome points(double p) const {
        Outcome o;
        o.points = p;
        return o;
    }
    static Outcome problem(std::string why) {
        Outcome o;
        o.problem = std::move(why);
        return o;
    }
    Outcome missing_or_problem() const {
        if (std::isinf(x())) return problem("value is infinite");
        const std::string t = col_.text(u_.unit);
        if (!t.empty()) return problem("text answer '" + t + "' where a number is needed");
        Outcome o;
        o.missing = col_.why_missing(u_.unit);
        return o;
    }
    static Outcome missing_cohort() {
        Outcome o;
        o.missing = "the cohort reference cannot be computed (no unit in the cohort has a value)";
        return o;
    }
    [[nodiscard]] double ref(const Reference& r) const {
        if (!r.cohort) return r.value;
        return cohort_for(col_, r.scope, u_.category).stat(*r.cohort);
    }
    void say(const std::string& text) {
        if (explain_) *explain_ = text;
    }
    [[nodiscard]] std::vector<const Event*> events(EventType type) const {
        std::vector<const Event*> out;
        for (const Event* e : col_.events_of(u_.unit))
            if (e->type == type) out.push_back(e);
        return out;
    }
    [[nodiscard]] const Event* find_event(EventType type) const {
        for (const Event* e : col_.events_of(u_.unit))
            if (e->type == type) return e;
        return nullptr;
    }
    static const double* lookup(const std::vector<std::pair<std::string, double>>& table, const std::string& key) {
        for (const auto& kv : table)
            if (kv.first == key) return &kv.second;
        return nullptr;
    }
    static std::string known_keys(const std::vector<std::pair<std::string, double>>& table) {
        std::string out;
        for (const auto& kv : table) out += (out.empty() ? " (known: '" : "', '") + kv.first;
        return out.empty() ? out : out + "')";
    }
    static std::string event_problem(const Event& e, const std::string& why) {
        const std::string where = e.source.to_string();
        return where.empty() ? why : why + " [" + where + "]";
    }

    const LeafColumn& col_;
    UnitView u_;
    std::string* explain_;
};

}  // namespace detail
}  // namespace kaohe
