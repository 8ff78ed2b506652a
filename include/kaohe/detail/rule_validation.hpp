// Checks that a rule's parameters make sense for a leaf with maximum `max` points. Called by resolve().
#pragma once

#include <algorithm>
#include <cmath>
#include <set>
#include <string>
#include <variant>

#include "kaohe/error.hpp"
#include "kaohe/rule.hpp"

namespace kaohe {
namespace detail {

struct RuleChecker {
    Location where;
    double max;

    [[noreturn]] void fail(const std::string& reason) const { throw framework_error(where, reason); }
    void finite(double v, const char* what) const {
        if (!std::isfinite(v)) fail(std::string(what) + " must be a finite number");
    }
    void points(double v, const char* what) const {
        if (!std::isfinite(v) || v < 0 || v > max * (1 + 1e-12))
            fail(std::string(what) + " = " + fmt(v) + " is outside the leaf's [0, " + fmt(max) + "] points");
    }
    void reference(const Reference& r, const char* what) const {
        if (!r.cohort) finite(r.value, what);
    }
    void input(const Input& in) const {
        if (in.item.empty()) fail("input item is empty");
        if (in.is_ratio() && (!std::isfinite(in.scale) || in.scale == 0))
            fail("ratio scale must be a finite non-zero number");
    }

    void operator()(const ThresholdRule& r) const {
        input(r.input);
        reference(r.value, "threshold value");
    }
    void operator()(const LookupRule& r) const {
        input(r.input);
        if (r.table.empty()) fail("lookup table is empty");
        std::set<std::string> keys;
        for (const auto& kv : r.table) {
            if (!keys.insert(kv.first).second) fail("lookup answer '" + kv.first + "' is listed twice");
            points(kv.second, ("points for '" + kv.first + "'").c_str());
        }
        if (r.otherwise) points(*r.otherwise, "otherwise");
    }
    void operator()(const CompletionRule& r) const {
        input(r.input);
        reference(r.target, "target");
        if (!r.target.cohort && !(r.target.value > 0)) fail("completion target must be > 0");
    }
    void operator()(const LinearRule& r) const {
        input(r.input);
        reference(r.zero_at, "zero_at");
        reference(r.full_at, "full_at");
        if (!r.zero_at.cohort && !r.full_at.cohort && r.zero_at.value == r.full_at.value)
            fail("zero_at and full_at must differ");
    }
    void operator()(const ShortfallRule& r) const {
        input(r.input);
        reference(r.reference, "reference");
        if (!(r.step > 0) || !std::isfinite(r.step)) fail("step must be a finite number > 0");
        if (!(r.deduct >= 0) || !std::isfinite(r.deduct)) fail("deduct must be a finite number >= 0");
        points(r.floor, "floor");
    }
    void operator()(const BandsRule& r) const {
        input(r.input);
        if (r.mode == BandMode::step) {
            if (r.bands.empty()) fail("no bands");
            auto bands = r.bands;
            std::sort(bands.begin(), bands.end(), [](const Band& a, const Band& b) { return a.lower < b.lower; });
            for (std::size_t i = 0; i < bands.size(); ++i) {
                const Band& b = bands[i];
                if (std::isnan(b.lower) || std::isnan(b.upper) || !(b.lower < b.upper))
                    fail("band [" + fmt(b.lower) + ", " + fmt(b.upper) + ") is empty or invalid");
                points(b.points, "band points");
                if (i == 0) continue;
                const Band& prev = bands[i - 1];
                if (prev.upper > b.lower)
                    fail("bands [" + fmt(prev.lower) + ", " + fmt(prev.upper) + ") and [" + fmt(b.lower) + ", " +
                         fmt(b.upper) + ") overlap; bands are half-open [lower, upper)");
                if (prev.upper < b.lower)
                    fail("gap between bands: values in [" + fmt(prev.upper) + ", " + fmt(b.lower) +
                         ") fall in no band");
            }
        } else {
            if (r.breakpoints.size() < 2) fail("interpolated bands need at least two breakpoints");
            for (std::size_t i = 0; i < r.breakpoints.size(); ++i) {
                finite(r.breakpoints[i].first, "breakpoint value");
                points(r.breakpoints[i].second, "breakpoint points");
                if (i > 0 && !(r.breakpoints[i].first > r.breakpoints[i - 1].first))
                    fail("breakpoint values must be strictly increasing");
            }
            if (r.below) points(*r.below, "below");
            if (r.above) points(*r.above, "above");
        }
    }
    void operator()(const EfficacyRule& r) const {
        input(r.input);
        reference(r.unacceptable, "unacceptable");
        reference(r.satisfactory, "satisfactory");
        if (!r.unacceptable.cohort && !r.satisfactory.cohort && r.unacceptable.value == r.satisfactory.value)
            fail("satisfactory and unacceptable values must differ");
        finite(r.base, "base");
        finite(r.span, "span");
        if (r.clamp && !(r.clamp->first < r.clamp->second)) fail("clamp must be [min, max] with min < max");
    }
    void operator()(const RankRule& r) const {
        input(r.input);
        if (r.ties == TieMethod::ordinal) fail("rank scoring cannot use ordinal ties: tied units must score alike");
        if (r.scoring == RankScoring::ladder) {
            if (r.ladder.empty()) fail("rank ladder is empty");
            for (double p : r.ladder) points(p, "ladder points");
            points(r.beyond, "beyond");
        }
        if (r.scoring == RankScoring::from_bottom) {
            points(r.bottom, "bottom");
            finite(r.step, "step");
            points(r.floor, "floor");
        }
    }
    void operator()(const DeductionRule& r) const {
        if (r.price.empty() && !r.default_price) fail("deduction lists no kinds with a price");
        for (const auto& kv : r.price)
            if (!std::isfinite(kv.second) || kv.second < 0) fail("price for '" + kv.first + "' must be >= 0");
        if (!std::isfinite(r.multiplier) || r.multiplier < 0) fail("multiplier must be >= 0");
        points(r.floor, "floor");
        for (const auto& e : r.escalation) {
            if (!(e.at_count > 0)) fail("escalation at_count must be > 0");
            points(e.points, "escalation points");
        }
    }
    void operator()(const BonusRule& r) const {
        if (r.levels.empty()) fail("bonus lists no levels");
        for (const auto& kv : r.levels)
            if (!std::isfinite(kv.second) || kv.second < 0) fail("points for level '" + kv.first + "' must be >= 0");
        if (r.cap) points(*r.cap, "cap");
    }
    void operator()(const TrimmedMeanRule& r) const {
        if (r.trim_above < 0 || r.drop_high < 0 || r.drop_low < 0) fail("trim counts must be >= 0");
        if (r.trim_above + 1 - r.drop_high - r.drop_low < 1)
            fail("trimming would drop every rating: need trim_above >= drop_high + drop_low");
        if (!(r.scale > 0) || !std::isfinite(r.scale)) fail("scale must be > 0");
    }
    void operator()(const ManualRule&) const {}
    void operator()(const NormaliseRule& r) const {
        input(r.input);
        switch (r.method) {
            case NormaliseMethod::minmax:
                finite(r.lo, "range lower");
                finite(r.hi, "range upper");
                if (!(r.lo < r.hi)) fail("minmax range must be [lo, hi] with lo < hi");
                break;
            case NormaliseMethod::goalposts:
                finite(r.lower, "lower goalpost");
                finite(r.upper, "upper goalpost");
                if (r.lower == r.upper) fail("goalposts must differ");
                if (r.log && !(r.lower > 0 && r.upper > 0)) fail("log goalposts must be > 0");
                break;
            case NormaliseMethod::zscore:
                if (!(r.sd_out > 0)) fail("zscore output sd must be > 0");
                finite(r.mean_out, "zscore output mean");
                break;
            case NormaliseMethod::distance_to_target:
                reference(r.target, "target");
                break;
            case NormaliseMethod::percentile_rank:
                break;
        }
    }
};

template <class Fw>
void validate_rule(const Fw& fw, std::size_t node, const std::string& category, const Rule& rule, double max) {
    std::string path = fw.path(node) + "/rule";
    if (!category.empty()) path += " (category '" + category + "')";
    std::visit(RuleChecker{Location{fw.source, path, -1, {}}, max}, rule);
}

}  // namespace detail
}  // namespace kaohe
