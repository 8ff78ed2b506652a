// Property tests over random frameworks and datasets (fixed-seed std::mt19937, so every run checks the same
// cases): monotonicity, permutation invariance, weight scaling, renormalisation of excluded leaves,
// determinism, effective weights and additivity.
//
// The random framework has 2-3 levels of groups above 10-30 leaves, weights stated as points, shares or
// relative weights (chosen per sibling group), two unit categories with category-specific relative weights
// and a category-only leaf, and leaves scored by completion, linear, shortfall, interpolated bands, efficacy
// (clamped) and min-max normalisation. Every rule reads one data item and is higher-is-better.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <limits>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "support.hpp"

namespace {

using namespace kaohe;
using namespace kaohe::test;

// Bit-identical comparison that also accepts NaN == NaN.
bool same_bits(double a, double b) {
    return std::memcmp(&a, &b, sizeof a) == 0;
}
bool same_bits(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
    if (a.rows() != b.rows() || a.cols() != b.cols()) return false;
    for (Eigen::Index i = 0; i < a.rows(); ++i)
        for (Eigen::Index j = 0; j < a.cols(); ++j)
            if (!same_bits(a(i, j), b(i, j))) return false;
    return true;
}

bool near_rel(double a, double b, double tol) {
    return std::abs(a - b) <= tol * std::max({1.0, std::abs(a), std::abs(b)});
}

struct GenOptions {
    bool cohort = true;      // include min-max normalised leaves (their points depend on the other units)
    bool geometric = false;  // let some groups aggregate geometrically
};

struct World {
    Framework fw;
    Dataset data;
    std::vector<std::size_t> leaves;  // leaf node indices; each leaf reads the data item named like itself
};

class Rng {
public:
    explicit Rng(std::uint32_t seed) : gen_(seed) {}
    double uniform(double a, double b) { return std::uniform_real_distribution<double>(a, b)(gen_); }
    int integer(int a, int b) { return std::uniform_int_distribution<int>(a, b)(gen_); }
    std::size_t index(std::size_t n) { return static_cast<std::size_t>(integer(0, static_cast<int>(n) - 1)); }
    bool coin(double p) { return std::bernoulli_distribution(p)(gen_); }
    std::mt19937& engine() { return gen_; }

private:
    std::mt19937 gen_;
};

double half_steps(Rng& rng) {
    return std::round(rng.uniform(1, 10) * 2) / 2;
}  // 1, 1.5, ..., 10

// A random rule for a leaf whose smallest maximum over the categories it applies to is `mmin`.
Rule random_rule(Rng& rng, const std::string& item, double mmin, bool cohort, bool force_normalise) {
    const int type = force_normalise ? 5 : rng.integer(0, cohort ? 5 : 4);
    switch (type) {
        case 0:
            return CompletionRule{input(item), Reference::fixed(rng.uniform(50, 150)), rng.coin(0.7)};
        case 1:
            return LinearRule{input(item), Reference::fixed(rng.uniform(0, 50)),
                              Reference::fixed(rng.uniform(100, 180))};
        case 2: {
            ShortfallRule r;
            r.input = input(item);
            r.reference = Reference::fixed(rng.uniform(80, 150));
            const double steps[] = {1, 5, 10};
            r.step = steps[rng.index(3)];
            r.deduct = mmin * rng.uniform(0.005, 0.05) * r.step;
            const StepGranularity g[] = {StepGranularity::continuous, StepGranularity::completed,
                                         StepGranularity::started};
            r.granularity = g[rng.index(3)];
            r.floor = rng.coin(0.5) ? 0.0 : 0.1 * mmin;
            return r;
        }
        case 3: {
            BandsRule r;
            r.input = input(item);
            r.mode = BandMode::interpolate;
            const int n = rng.integer(3, 4);
            std::vector<double> xs, ps;
            for (int i = 0; i < n; ++i) {
                xs.push_back(std::round(rng.uniform(0, 200)));
                ps.push_back(rng.uniform(0, 1));
            }
            std::sort(xs.begin(), xs.end());
            xs.erase(std::unique(xs.begin(), xs.end()), xs.end());
            if (xs.size() < 2) xs = {20, 150};
            std::sort(ps.begin(), ps.end());  // non-decreasing points: higher is better
            for (std::size_t i = 0; i < xs.size(); ++i) r.breakpoints.emplace_back(xs[i], ps[i] * mmin);
            return r;
        }
        case 4: {
            EfficacyRule r;
            r.input = input(item);
            r.unacceptable = Reference::fixed(rng.uniform(0, 60));
            r.satisfactory = Reference::fixed(rng.uniform(100, 160));
            r.clamp = std::make_pair(rng.coin(0.5) ? 0.0 : 20.0, 100.0);
            return r;
        }
        default: {
            NormaliseRule r;
            r.input = input(item);
            r.method = NormaliseMethod::minmax;
            r.scope = CohortScope::all;
            return r;
        }
    }
}

World make_world(std::uint32_t seed, const GenOptions& opt) {
    Rng rng(seed);
    World w;
    TreeBuilder b(rng.coin(0.5) ? 100.0 : 1000.0);
    b.fw.categories = {{"a", "区直部门"}, {"b", "镇街"}};
    // Structure: root -> 2-4 groups (-> 2-3 subgroups each when 3 levels) -> leaves, at least 2 per group.
    const int levels = rng.integer(2, 3);
    std::vector<std::size_t> bottom;
    const int top = rng.integer(2, 4);
    for (int g = 0; g < top; ++g) {
        const std::size_t gi = b.group(0, "g" + std::to_string(g), relative(1));
        if (levels == 2) {
            bottom.push_back(gi);
        } else {
            const int subs = rng.integer(2, 3);
            for (int s = 0; s < subs; ++s)
                bottom.push_back(b.group(gi, "g" + std::to_string(g) + "_" + std::to_string(s), relative(1)));
        }
    }
    const std::size_t leaf_count =
        std::max<std::size_t>(static_cast<std::size_t>(rng.integer(10, 30)), 2 * bottom.size());
    std::vector<std::size_t> per_group(bottom.size(), 2);
    for (std::size_t extra = 2 * bottom.size(); extra < leaf_count; ++extra) ++per_group[rng.index(bottom.size())];
    int next_leaf = 0;
    for (std::size_t k = 0; k < bottom.size(); ++k)
        for (std::size_t i = 0; i < per_group[k]; ++i) {
            const std::string id = "x" + std::to_string(next_leaf++);
            w.leaves.push_back(
                b.leaf(bottom[k], id, relative(1), CompletionRule{input(id), Reference::fixed(100.0), true}));
        }
    // Weights, top-down: each sibling group states its weights one way. Category-specific weights and
    // category-only leaves are put on leaves in relative groups, so that every group's maximum is the same
    // for both categories (points and shares below it must add up in each category).
    std::function<void(std::size_t, double)> assign = [&](std::size_t n, double max) {
        const std::vector<std::size_t> kids = b.fw.nodes[n].children;
        if (kids.empty()) return;
        const int kind = rng.integer(0, 2);
        std::vector<double> raw;
        double sum = 0;
        for (std::size_t i = 0; i < kids.size(); ++i) {
            raw.push_back(half_steps(rng));
            sum += raw.back();
        }
        bool leaf_children = true;
        for (std::size_t i = 0; i < kids.size(); ++i) {
            const double child_max = raw[i] / sum * max;
            Node& k = b.fw.nodes[kids[i]];
            leaf_children = leaf_children && k.is_leaf();
            if (kind == 0)
                k.weight = points(child_max);
            else if (kind == 1)
                k.weight = share(raw[i] / sum);
            else
                k.weight = relative(raw[i]);
            if (kind == 2 && k.is_leaf() && rng.coin(0.4)) k.weight_by_category["b"] = relative(half_steps(rng));
        }
        if (kind == 2 && leaf_children && kids.size() >= 3 && rng.coin(0.5))
            b.fw.nodes[kids[rng.index(kids.size())]].applies_to = {"a"};
        if (opt.geometric && n != 0 && rng.coin(0.3)) b.fw.nodes[n].aggregation = Aggregation::geometric;
        for (std::size_t i = 0; i < kids.size(); ++i) assign(kids[i], raw[i] / sum * max);
    };
    assign(0, b.fw.total);
    // Rules, now that every leaf's maximum per category is known.
    const ResolvedWeights rw = resolve(b.fw);
    for (std::size_t j = 0; j < w.leaves.size(); ++j) {
        const std::size_t leaf = w.leaves[j];
        double mmin = std::numeric_limits<double>::infinity();
        for (const auto& m : rw.max_points)
            if (m[leaf] > 0) mmin = std::min(mmin, m[leaf]);
        b.fw.nodes[leaf].rule = random_rule(rng, b.fw.nodes[leaf].id, mmin, opt.cohort, opt.cohort && j == 0);
    }
    w.fw = b.fw;
    // Units: 20-60, at least 3 per category; values in [0, 200] with two decimals.
    const std::size_t units = static_cast<std::size_t>(rng.integer(20, 60));
    std::vector<std::string> items, ids, cats;
    for (std::size_t leaf : w.leaves) items.push_back(w.fw.nodes[leaf].id);
    std::vector<std::vector<double>> rows;
    for (std::size_t u = 0; u < units; ++u) {
        ids.push_back("unit" + std::to_string(u));
        cats.push_back(u < 3 ? "a" : u < 6 ? "b" : (rng.coin(0.5) ? "a" : "b"));
        std::vector<double> row;
        for (std::size_t j = 0; j < items.size(); ++j) row.push_back(std::round(rng.uniform(0, 200) * 100) / 100);
        rows.push_back(row);
    }
    w.data = dataset(items, rows, ids, cats);
    return w;
}

std::size_t item_of(const World& w, std::size_t leaf) {
    return *w.data.item_index(w.fw.nodes[leaf].id);
}

// Multiplies the rule parameters that are stated in points (shortfall deduction and floor, interpolated
// band points) by k; the other generated rules give a ratio of the leaf's maximum whatever it is.
void scale_rule_points(Rule& rule, double k) {
    if (auto* s = std::get_if<ShortfallRule>(&rule)) {
        s->deduct *= k;
        s->floor *= k;
    }
    if (auto* bands = std::get_if<BandsRule>(&rule))
        for (auto& bp : bands->breakpoints) bp.second *= k;
}

// The same framework stated in k times the points: the total, points weights and every rule parameter that
// is in points.
Framework scaled_points(Framework fw, double k) {
    fw.total *= k;
    for (Node& n : fw.nodes) {
        if (n.weight.kind == WeightKind::points) n.weight.value *= k;
        for (auto& kv : n.weight_by_category)
            if (kv.second.kind == WeightKind::points) kv.second.value *= k;
        if (n.rule) scale_rule_points(*n.rule, k);
    }
    return fw;
}

// The framework without leaf `drop`; its parent rescales the remaining children to fill its points.
Framework without(const Framework& fw, std::size_t drop) {
    Framework out = fw;
    out.nodes.clear();
    std::function<void(std::size_t, std::ptrdiff_t)> copy = [&](std::size_t n, std::ptrdiff_t parent) {
        if (n == drop) return;
        Node c = fw.nodes[n];
        c.parent = parent;
        c.children.clear();
        if (!fw.nodes[n].is_leaf() &&
            std::find(fw.nodes[n].children.begin(), fw.nodes[n].children.end(), drop) != fw.nodes[n].children.end())
            c.renormalise = true;
        out.nodes.push_back(c);
        const std::size_t me = out.nodes.size() - 1;
        if (parent >= 0) out.nodes[static_cast<std::size_t>(parent)].children.push_back(me);
        for (std::size_t k : fw.nodes[n].children) copy(k, static_cast<std::ptrdiff_t>(me));
    };
    copy(0, -1);
    return out;
}

constexpr std::uint32_t kSeeds = 25;

// ------------------------------------------------------------------------------------------------------
// (a) Monotonicity

TEST(Properties, RaisingAnInputNeverLowersTheTotalAndLeavesOthersAlone) {
    // No cohort rules: a unit's points depend on its own data only. Raising one of its inputs (every rule is
    // higher-is-better) never lowers its total and leaves every other unit's total bit-identical.
    int raised = 0, checks = 0;
    for (std::uint32_t seed = 1; seed <= kSeeds; ++seed) {
        GenOptions opt;
        opt.cohort = false;
        opt.geometric = seed % 2 == 0;
        const World w = make_world(seed, opt);
        const ScoreCard before = score(w.fw, w.data);
        Rng rng(seed * 7919u);
        for (int trial = 0; trial < 8; ++trial) {
            const std::size_t u = rng.index(w.data.units.size());
            const std::size_t leaf = w.leaves[rng.index(w.leaves.size())];
            Dataset d = w.data;
            d.values(static_cast<Eigen::Index>(u), static_cast<Eigen::Index>(item_of(w, leaf))) += rng.uniform(0.5, 80);
            const ScoreCard after = score(w.fw, d);
            ++checks;
            EXPECT_GE(at(after.total, u), at(before.total, u)) << "seed " << seed << " unit " << u << " leaf " << leaf;
            if (at(after.total, u) > at(before.total, u)) ++raised;
            for (std::size_t v = 0; v < d.units.size(); ++v)
                if (v != u) {
                    EXPECT_TRUE(same_bits(at(after.total, v), at(before.total, v))) << "seed " << seed << " unit " << v;
                }
        }
    }
    EXPECT_EQ(checks, 8 * static_cast<int>(kSeeds));
    // Not vacuous: most raises do raise the total (they miss only when a rule is already capped or floored).
    EXPECT_GT(raised, checks / 4) << raised << " of " << checks;
}

TEST(Properties, RaisingAnInputNeverWorsensTheRankWithCohortRules) {
    // With min-max normalised leaves, raising a unit's input can lower other units' points (a new maximum),
    // but the unit's own rank (competition) never gets worse.
    int others_moved = 0, checks = 0;
    for (std::uint32_t seed = 1; seed <= kSeeds; ++seed) {
        GenOptions opt;
        opt.cohort = true;
        opt.geometric = seed % 3 == 0;
        const World w = make_world(seed, opt);
        const ScoreCard before = score(w.fw, w.data);
        Rng rng(seed * 104729u);
        for (int trial = 0; trial < 8; ++trial) {
            const std::size_t u = rng.index(w.data.units.size());
            // Half the time the first leaf, which is min-max normalised; raise it far enough to become the max.
            const std::size_t leaf = trial % 2 == 0 ? w.leaves[0] : w.leaves[rng.index(w.leaves.size())];
            Dataset d = w.data;
            d.values(static_cast<Eigen::Index>(u), static_cast<Eigen::Index>(item_of(w, leaf))) +=
                rng.uniform(0.5, 250);
            const ScoreCard after = score(w.fw, d);
            ++checks;
            EXPECT_LE(at(after.rank, u), at(before.rank, u)) << "seed " << seed << " unit " << u << " leaf " << leaf;
            EXPECT_LE(at(after.rank_in_category, u), at(before.rank_in_category, u))
                << "seed " << seed << " unit " << u;
            for (std::size_t v = 0; v < d.units.size(); ++v)
                if (v != u && !same_bits(at(after.total, v), at(before.total, v))) {
                    ++others_moved;
                    break;
                }
        }
    }
    EXPECT_EQ(checks, 8 * static_cast<int>(kSeeds));
    // The cohort effect really happens, so the rank check is meaningful.
    EXPECT_GT(others_moved, 0);
}

// ------------------------------------------------------------------------------------------------------
// (b) Permutation invariance

Dataset permuted(const Dataset& d, const std::vector<std::size_t>& perm) {
    Dataset out = d;
    for (std::size_t i = 0; i < perm.size(); ++i) {
        out.units[i] = d.units[perm[i]];
        out.values.row(static_cast<Eigen::Index>(i)) = d.values.row(static_cast<Eigen::Index>(perm[i]));
    }
    return out;
}

// Per unit id, the values of `a` and `b` that are not bit-identical (totals, ranks, every node's points).
struct Mismatches {
    int count = 0;
    double max_diff = 0;
    std::string first;
};
Mismatches compare_per_unit(const ScoreCard& a, const ScoreCard& b) {
    Mismatches m;
    auto check = [&m](double x, double y, const std::string& what) {
        if (same_bits(x, y)) return;
        if (m.count++ == 0) {
            char buf[64];
            std::snprintf(buf, sizeof buf, "%.17g vs %.17g", x, y);
            m.first = what + ": " + buf;
        }
        if (!std::isnan(x) && !std::isnan(y)) m.max_diff = std::max(m.max_diff, std::abs(x - y));
    };
    for (std::size_t u = 0; u < a.unit_count(); ++u) {
        const std::size_t v = b.find_unit(a.units[u].id);
        const std::string id = a.units[u].id;
        check(at(a.total, u), at(b.total, v), id + " total");
        check(at(a.rank, u), at(b.rank, v), id + " rank");
        check(at(a.rank_in_category, u), at(b.rank_in_category, v), id + " rank in category");
        for (Eigen::Index n = 0; n < a.node_points.cols(); ++n)
            check(a.node_points(static_cast<Eigen::Index>(u), n), b.node_points(static_cast<Eigen::Index>(v), n),
                  id + " node " + a.framework->nodes[static_cast<std::size_t>(n)].id);
    }
    return m;
}

TEST(Properties, ShufflingTheUnitsChangesNothingPerUnit) {
    for (std::uint32_t seed = 1; seed <= kSeeds; ++seed) {
        GenOptions opt;
        opt.geometric = seed % 2 == 1;
        const World w = make_world(seed, opt);
        std::vector<std::size_t> perm(w.data.units.size());
        std::iota(perm.begin(), perm.end(), std::size_t{0});
        Rng rng(seed + 99u);
        std::shuffle(perm.begin(), perm.end(), rng.engine());
        const ScoreCard a = score(w.fw, w.data);
        const ScoreCard b = score(w.fw, permuted(w.data, perm));
        const Mismatches m = compare_per_unit(a, b);
        EXPECT_EQ(m.count, 0) << "seed " << seed << ", first: " << m.first << ", max |diff| " << m.max_diff;
    }
}

TEST(Properties, ShufflingTheUnitsChangesNothingWithMeanImputation) {
    // The imputed mean (missing: mean) is summed in sorted order, so the order of the units table does not
    // change a single bit of any total.
    int imputed = 0, mismatches = 0;
    double max_diff = 0;
    std::string first;
    for (std::uint32_t seed = 1; seed <= kSeeds; ++seed) {
        GenOptions opt;
        opt.cohort = false;
        World w = make_world(seed, opt);
        Rng rng(seed + 4242u);
        // Every leaf imputes the category mean; a tenth of the values are missing (at least one unit per
        // category keeps a value, units 0-2 are "a" and 3-5 are "b" and keep theirs).
        for (std::size_t leaf : w.leaves) w.fw.nodes[leaf].missing = MissingPolicy::mean;
        for (Eigen::Index u = 6; u < w.data.values.rows(); ++u)
            for (Eigen::Index j = 0; j < w.data.values.cols(); ++j)
                if (rng.coin(0.1)) {
                    w.data.values(u, j) = NA;
                    ++imputed;
                }
        std::vector<std::size_t> perm(w.data.units.size());
        std::iota(perm.begin(), perm.end(), std::size_t{0});
        std::shuffle(perm.begin(), perm.end(), rng.engine());
        const ScoreCard a = score(w.fw, w.data);
        const ScoreCard b = score(w.fw, permuted(w.data, perm));
        const Mismatches m = compare_per_unit(a, b);
        mismatches += m.count;
        if (m.count > 0 && first.empty()) first = "seed " + std::to_string(seed) + ", " + m.first;
        max_diff = std::max(max_diff, m.max_diff);
    }
    EXPECT_GT(imputed, 0);
    EXPECT_EQ(mismatches, 0) << "values that differ in the last bits after shuffling; first: " << first
                             << "; max |diff| " << max_diff;
}

// ------------------------------------------------------------------------------------------------------
// (c) Scaling

TEST(Properties, ScalingTheRelativeWeightsOfASiblingGroupChangesNothing) {
    int groups = 0;
    for (std::uint32_t seed = 1; seed <= kSeeds; ++seed) {
        GenOptions opt;
        opt.geometric = seed % 2 == 0;
        const World w = make_world(seed, opt);
        const ScoreCard base = score(w.fw, w.data);
        for (std::size_t n = 0; n < w.fw.nodes.size(); ++n) {
            const Node& node = w.fw.nodes[n];
            if (node.is_leaf() || w.fw.nodes[node.children[0]].weight.kind != WeightKind::relative) continue;
            ++groups;
            for (double c : {7.3, 1e-3}) {
                Framework fw = w.fw;
                for (std::size_t k : node.children) {
                    fw.nodes[k].weight.value *= c;
                    for (auto& kv : fw.nodes[k].weight_by_category) kv.second.value *= c;
                }
                const ScoreCard card = score(fw, w.data);
                for (std::size_t u = 0; u < card.unit_count(); ++u)
                    EXPECT_TRUE(near_rel(at(card.total, u), at(base.total, u), 1e-12))
                        << "seed " << seed << " group " << node.id << " x" << c << " unit " << u << ": "
                        << at(card.total, u) << " vs " << at(base.total, u);
            }
        }
    }
    EXPECT_GT(groups, 0);
}

TEST(Properties, ScalingTheTotalScalesEveryTotal) {
    for (std::uint32_t seed = 1; seed <= kSeeds; ++seed) {
        GenOptions opt;
        opt.geometric = seed % 2 == 1;
        const World w = make_world(seed, opt);
        const ScoreCard base = score(w.fw, w.data);
        for (double k : {10.0, 0.37}) {
            const ScoreCard card = score(scaled_points(w.fw, k), w.data);
            for (std::size_t u = 0; u < card.unit_count(); ++u)
                EXPECT_TRUE(near_rel(at(card.total, u), k * at(base.total, u), 1e-12))
                    << "seed " << seed << " k " << k << " unit " << u << ": " << at(card.total, u) << " vs "
                    << k * at(base.total, u);
            // Ranks do not change.
            for (std::size_t u = 0; u < card.unit_count(); ++u)
                EXPECT_EQ(at(card.rank, u), at(base.rank, u)) << "seed " << seed;
        }
    }
}

// ------------------------------------------------------------------------------------------------------
// (d) Renormalisation of an excluded leaf

TEST(Properties, ExcludingALeafEqualsAFrameworkWithoutIt) {
    int checks = 0;
    ScoreOptions lenient;
    lenient.unused_items_are_errors = false;  // the framework without the leaf does not read its column
    for (std::uint32_t seed = 1; seed <= kSeeds; ++seed) {
        GenOptions opt;
        opt.geometric = seed % 2 == 0;
        const World w = make_world(seed, opt);
        const ResolvedWeights rw = resolve(w.fw);
        Rng rng(seed * 31u);
        for (int trial = 0; trial < 4; ++trial) {
            const std::size_t u = rng.index(w.data.units.size());
            const std::size_t cat = *w.fw.category_index(w.data.units[u].category);
            const std::size_t leaf = w.leaves[rng.index(w.leaves.size())];
            if (rw.max_points[cat][leaf] == 0) continue;  // does not apply to the unit
            // Every category must keep a child in the parent once the leaf is gone.
            const Node& parent = w.fw.nodes[static_cast<std::size_t>(w.fw.nodes[leaf].parent)];
            bool keeps = true;
            for (std::size_t c = 0; c < rw.max_points.size(); ++c) {
                bool other = false;
                for (std::size_t k : parent.children) other = other || (k != leaf && rw.max_points[c][k] > 0);
                keeps = keeps && other;
            }
            if (!keeps) continue;
            Framework excluded = w.fw;
            excluded.nodes[leaf].missing = MissingPolicy::exclude;
            Dataset d = w.data;
            d.values(static_cast<Eigen::Index>(u), static_cast<Eigen::Index>(item_of(w, leaf))) = NA;
            const ScoreCard a = score(excluded, d);
            // Without the leaf its siblings have larger maxima. Rules with parameters in points (a deduction of
            // 0.05 per step, band points) mean the same thing to the siblings only when those are restated for
            // the new maximum, as exclusion does by reweighting their ratios: restate them for u's category.
            Framework removed = without(w.fw, leaf);
            const ResolvedWeights rw2 = resolve(removed);
            for (std::size_t k : parent.children) {
                if (k == leaf || rw.max_points[cat][k] == 0) continue;
                const std::size_t k2 = *removed.find(w.fw.nodes[k].id);
                Rule restated = *w.fw.nodes[k].rule;
                scale_rule_points(restated, rw2.max_points[cat][k2] / rw.max_points[cat][k]);
                removed.nodes[k2].rule_by_category[w.data.units[u].category] = restated;
            }
            const ScoreCard b = score(removed, w.data, lenient);
            ++checks;
            EXPECT_TRUE(near_rel(at(a.total, u), at(b.total, u), 1e-12))
                << "seed " << seed << " unit " << u << " leaf " << w.fw.nodes[leaf].id << ": " << at(a.total, u)
                << " vs " << at(b.total, u);
            // The top-level groups agree as well.
            for (std::size_t g : w.fw.root().children) {
                const std::size_t g2 = *removed.find(w.fw.nodes[g].id);
                EXPECT_TRUE(near_rel(at(a.node_points, u, g), at(b.node_points, u, g2), 1e-12))
                    << "seed " << seed << " group " << w.fw.nodes[g].id;
            }
            // The other units keep their totals: the leaf is excluded for u only.
            const ScoreCard full = score(w.fw, w.data);
            for (std::size_t v = 0; v < d.units.size(); ++v)
                if (v != u && !std::holds_alternative<NormaliseRule>(*w.fw.nodes[leaf].rule)) {  // not a cohort rule
                    EXPECT_TRUE(same_bits(at(a.total, v), at(full.total, v))) << "seed " << seed << " unit " << v;
                }
        }
    }
    EXPECT_GT(checks, static_cast<int>(kSeeds));
}

// ------------------------------------------------------------------------------------------------------
// (e) Determinism

TEST(Properties, ScoringTwiceIsBitIdentical) {
    for (std::uint32_t seed = 1; seed <= kSeeds; ++seed) {
        GenOptions opt;
        opt.geometric = seed % 2 == 0;
        World w = make_world(seed, opt);
        w.fw.grading.bands = {{"excellent", "优秀", 0.8 * w.fw.total},
                              {"good", "良好", 0.6 * w.fw.total},
                              {"fail", "不达标", -unbounded}};
        Quota q;
        q.grade = "excellent";
        q.max_share = 0.3;
        w.fw.grading.quotas = {q};
        const ScoreCard a = score(w.fw, w.data);
        const ScoreCard b = score(w.fw, w.data);
        EXPECT_TRUE(same_bits(a.leaf_ratio, b.leaf_ratio)) << "seed " << seed;
        EXPECT_TRUE(same_bits(a.node_points, b.node_points)) << "seed " << seed;
        EXPECT_TRUE(same_bits(a.total, b.total)) << "seed " << seed;
        EXPECT_TRUE(same_bits(a.weighted_total, b.weighted_total)) << "seed " << seed;
        EXPECT_TRUE(same_bits(a.rank, b.rank)) << "seed " << seed;
        EXPECT_TRUE(same_bits(a.rank_in_category, b.rank_in_category)) << "seed " << seed;
        EXPECT_EQ(a.grade, b.grade) << "seed " << seed;
        EXPECT_EQ(a.warnings, b.warnings) << "seed " << seed;
        for (std::size_t u = 0; u < a.unit_count(); u += 7)
            EXPECT_EQ(a.explain(a.units[u].id), b.explain(b.units[u].id));
    }
}

// ------------------------------------------------------------------------------------------------------
// (f) Effective weights

TEST(Properties, EffectiveWeightsSumToOnePerCategory) {
    for (std::uint32_t seed = 1; seed <= kSeeds; ++seed) {
        const World w = make_world(seed, GenOptions{});
        const ResolvedWeights rw = resolve(w.fw);
        ASSERT_EQ(rw.categories.size(), 2u);
        for (std::size_t c = 0; c < rw.categories.size(); ++c) {
            double sum = 0;
            std::size_t applicable = 0;
            for (std::size_t leaf : w.leaves) {
                const double e = rw.effective_weight(c, leaf);
                EXPECT_GE(e, 0.0);
                sum += e;
                applicable += e > 0 ? 1 : 0;
            }
            EXPECT_NEAR(sum, 1.0, 1e-12) << "seed " << seed << " category " << rw.categories[c];
            EXPECT_GE(applicable, 5u);  // >= 10 leaves, at most one category-only leaf per group of >= 3 leaves
            // Every group's maximum is the sum of its applicable children's maxima.
            for (std::size_t n = 0; n < w.fw.nodes.size(); ++n) {
                if (w.fw.nodes[n].is_leaf() || rw.max_points[c][n] == 0) continue;
                double kids = 0;
                for (std::size_t k : w.fw.nodes[n].children) kids += rw.max_points[c][k];
                EXPECT_TRUE(near_rel(kids, rw.max_points[c][n], 1e-12))
                    << "seed " << seed << " node " << w.fw.nodes[n].id;
            }
        }
    }
}

// ------------------------------------------------------------------------------------------------------
// (g) Additivity

TEST(Properties, TotalIsTheSumOfTheTopLevelGroupsForArithmeticTrees) {
    for (std::uint32_t seed = 1; seed <= kSeeds; ++seed) {
        GenOptions opt;
        opt.geometric = false;
        const World w = make_world(seed, opt);
        bool uncapped = false;
        for (std::size_t leaf : w.leaves)
            if (const auto* c = std::get_if<CompletionRule>(&*w.fw.nodes[leaf].rule)) uncapped = uncapped || !c->cap;
        const ScoreCard card = score(w.fw, w.data);
        const Eigen::MatrixXd leaf_pts = card.leaf_points();
        for (std::size_t u = 0; u < card.unit_count(); ++u) {
            double groups = 0;
            for (std::size_t g : w.fw.root().children) groups += at(card.node_points, u, g);
            EXPECT_NEAR(at(card.total, u), groups, 1e-9) << "seed " << seed << " unit " << u;
            EXPECT_NEAR(at(card.total, u), leaf_pts.row(static_cast<Eigen::Index>(u)).sum(), 1e-9) << "seed " << seed;
            EXPECT_EQ(at(card.total, u), at(card.weighted_total, u));  // no adjustments
            // Every group is the sum of its children.
            for (std::size_t n = 0; n < w.fw.nodes.size(); ++n) {
                if (w.fw.nodes[n].is_leaf()) continue;
                double kids = 0;
                for (std::size_t k : w.fw.nodes[n].children) kids += at(card.node_points, u, k);
                EXPECT_NEAR(at(card.node_points, u, n), kids, 1e-9) << "seed " << seed << " node " << w.fw.nodes[n].id;
            }
            // Points stay within [0, maximum] (an uncapped completion may exceed its maximum).
            EXPECT_GE(at(card.total, u), 0.0);
            if (!uncapped) {
                EXPECT_LE(at(card.total, u), w.fw.total * (1 + 1e-12));
            }
        }
    }
}

TEST(Properties, GeneratorCoversTheIntendedShapes) {
    // The properties above are only as good as the random worlds: check that the seeds cover every rule
    // type, every weight kind, both depths, geometric groups, category weights and category-only leaves.
    std::vector<int> rules(13, 0);
    int points_kind = 0, share_kind = 0, relative_kind = 0, by_category = 0, only_a = 0, geometric = 0;
    int depth3 = 0, min_leaves = 1000, max_leaves = 0, min_units = 1000, max_units = 0;
    for (std::uint32_t seed = 1; seed <= kSeeds; ++seed) {
        GenOptions opt;
        opt.geometric = true;
        const World w = make_world(seed, opt);
        for (const Node& n : w.fw.nodes) {
            if (n.rule) ++rules[n.rule->index()];
            if (n.parent >= 0) {
                points_kind += n.weight.kind == WeightKind::points;
                share_kind += n.weight.kind == WeightKind::share;
                relative_kind += n.weight.kind == WeightKind::relative;
            }
            by_category += !n.weight_by_category.empty();
            only_a += !n.applies_to.empty();
            geometric += n.aggregation == Aggregation::geometric;
        }
        const auto& first = w.fw.nodes[w.fw.root().children[0]];
        depth3 += !w.fw.nodes[first.children[0]].is_leaf();
        min_leaves = std::min(min_leaves, static_cast<int>(w.leaves.size()));
        max_leaves = std::max(max_leaves, static_cast<int>(w.leaves.size()));
        min_units = std::min(min_units, static_cast<int>(w.data.units.size()));
        max_units = std::max(max_units, static_cast<int>(w.data.units.size()));
    }
    for (std::size_t type : {2u, 3u, 4u, 5u, 6u, 12u}) EXPECT_GT(rules[type], 0) << "rule type " << type;
    EXPECT_GT(points_kind, 0);
    EXPECT_GT(share_kind, 0);
    EXPECT_GT(relative_kind, 0);
    EXPECT_GT(by_category, 0);
    EXPECT_GT(only_a, 0);
    EXPECT_GT(geometric, 0);
    EXPECT_GT(depth3, 0);
    EXPECT_LT(depth3, static_cast<int>(kSeeds));
    EXPECT_GE(min_leaves, 10);
    EXPECT_LE(max_leaves, 30);
    EXPECT_GE(min_units, 20);
    EXPECT_LE(max_units, 60);
}

}  // namespace
