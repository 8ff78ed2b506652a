// Monte Carlo weight uncertainty (sensitivity/monte_carlo.hpp): the sampler's moments, the ranker against
// rank_members, the model against the engine, determinism across thread counts, and the histogram summaries.
#include <gtest/gtest.h>

#include <random>

#include <kaohe/cpu.hpp>
#include <kaohe/ranking.hpp>
#include <kaohe/sensitivity/monte_carlo.hpp>
#include <kaohe/sensitivity/what_if.hpp>

#include "support.hpp"

namespace kaohe::test {
namespace {

// Gamma(shape) draws have mean = variance = shape; checked to 5 standard errors over 200,000 draws.
TEST(MonteCarloSampling, GammaDrawsHaveTheRightMeanAndVariance) {
    for (double shape : {0.3, 1.0, 2.5, 50.0}) {
        detail::Xoshiro256pp rng(7, 3);
        boost::random::normal_distribution<double> normal;
        const detail::GammaSampler gamma(shape);
        const int n = 200000;
        double s = 0, s2 = 0;
        for (int i = 0; i < n; ++i) {
            const double x = gamma(rng, normal);
            ASSERT_GE(x, 0.0);
            s += x;
            s2 += x * x;
        }
        const double mean = s / n, var = s2 / n - mean * mean;
        EXPECT_NEAR(mean, shape, 5 * std::sqrt(shape / n)) << shape;
        // var of the sample variance of a gamma: ~ (mu4 - sigma^4) / n with mu4 = 3k^2 + 6k
        EXPECT_NEAR(var, shape, 5 * std::sqrt((3 * shape * shape + 6 * shape - shape * shape) / n)) << shape;
    }
}

TEST(MonteCarloSampling, StreamsAreReproducibleAndDistinct) {
    detail::Xoshiro256pp a(1, 0), b(1, 0), c(1, 1), d(2, 0);
    const auto x = a();
    EXPECT_EQ(x, b());
    EXPECT_NE(x, c());
    EXPECT_NE(x, d());
}

TEST(MonteCarloRanking, BucketRanksEqualCompetitionRanks) {
    std::mt19937_64 gen(11);
    for (std::size_t n : {1u, 2u, 7u, 100u, 1000u}) {
        std::uniform_int_distribution<int> coarse(0, static_cast<int>(n / 3 + 1));  // many ties
        std::normal_distribution<double> fine(50, 3);
        for (int round = 0; round < 20; ++round) {
            std::vector<double> t(n);
            for (auto& x : t) x = round % 2 ? fine(gen) : coarse(gen);
            std::vector<std::size_t> all(n);
            for (std::size_t i = 0; i < n; ++i) all[i] = i;
            const auto expected = rank_members(t, all, TieMethod::competition);
            detail::BucketRanker ranker(n);
            std::vector<std::int32_t> got(n);
            ranker.rank(t.data(), got.data());
            for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(got[i], expected[i]) << "n=" << n << " i=" << i;
        }
    }
}

// Approximate keys (within tol of the exact values, up to one shared constant) give exactly the competition ranks
// of the exact values, ties and near ties included; for float keys both item layouts are exercised (pools under
// 65,536 rows carry the keys in the sorted items, larger ones read them from the column).
TEST(MonteCarloRanking, ApproximateKeysGiveTheExactRanks) {
    std::mt19937_64 gen(21);
    const double tol = 1e-3;
    for (std::size_t n : {1u, 2u, 7u, 100u, 1000u, 70000u}) {
        std::uniform_int_distribution<int> level(0, static_cast<int>(n / 4 + 1));
        std::uniform_real_distribution<double> near(-0.6 * tol, 0.6 * tol), noise(-0.45 * tol, 0.45 * tol);
        for (int round = 0; round < (n > 10000 ? 2 : 20); ++round) {
            // exact values on a coarse grid (exact ties), some nudged by less than 2 tol (near ties)
            std::vector<double> exact(n);
            for (auto& x : exact) x = 50 + 0.01 * level(gen) + (round % 2 && gen() % 3 == 0 ? near(gen) : 0.0);
            std::vector<float> keys(n);
            std::vector<double> dkeys(n);
            for (std::size_t i = 0; i < n; ++i) {
                dkeys[i] = exact[i] - 7 + noise(gen);  // the shared constant: -7
                keys[i] = static_cast<float>(dkeys[i]);
            }
            std::vector<std::size_t> all(n);
            for (std::size_t i = 0; i < n; ++i) all[i] = i;
            const auto expected = rank_members(exact, all, TieMethod::competition);
            detail::BucketRanker ranker(n);
            std::vector<std::int32_t> got(n);
            const auto exact_of = [&](std::uint32_t i) { return exact[i]; };
            ranker.rank(keys.data(), tol, exact_of, got.data());
            for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(got[i], expected[i]) << "float n=" << n << " i=" << i;
            ranker.rank(dkeys.data(), tol, exact_of, got.data());
            for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(got[i], expected[i]) << "double n=" << n << " i=" << i;
        }
    }
}

// Keys so close that the quantisation scale would overflow: one cluster, ranked on the exact values.
TEST(MonteCarloRanking, KeysCloserThanTheQuantisationAreRankedExactly) {
    const std::vector<float> keys{1.0f, std::nextafter(1.0f, 2.0f), 1.0f};
    const std::vector<double> exact{3.0, 1.0, 2.0};
    detail::BucketRanker ranker(3);
    std::vector<std::int32_t> got(3);
    ranker.rank(keys.data(), 1e-6, [&](std::uint32_t i) { return exact[i]; }, got.data());
    EXPECT_EQ(got, (std::vector<std::int32_t>{1, 3, 2}));
    const std::vector<double> tiny{0.0, 1e-320, 0.0};  // 65535 / 1e-320 overflows a double
    ranker.rank(tiny.data(), got.data());
    EXPECT_EQ(got, (std::vector<std::int32_t>{2, 1, 2}));
}

// root 100: A (40: a1, a2), B (60: b1, b2), C (geometric when asked).
Framework nested(Aggregation b_aggregation = Aggregation::arithmetic) {
    TreeBuilder t;
    const auto a = t.group(0, "A", points(40));
    t.leaf(a, "a1", relative(1), completion("a1"));
    t.leaf(a, "a2", relative(2), completion("a2"));
    const auto b = t.group(0, "B", points(60), b_aggregation);
    t.leaf(b, "b1", relative(1), completion("b1"));
    t.leaf(b, "b2", relative(1), completion("b2"), MissingPolicy::exclude);
    return t.fw;
}

Dataset nested_data(std::size_t units, std::uint64_t seed, bool with_missing = false) {
    std::mt19937_64 gen(seed);
    std::uniform_real_distribution<double> v(1, 100);
    std::vector<std::vector<double>> rows;
    for (std::size_t u = 0; u < units; ++u)
        rows.push_back({v(gen), v(gen), v(gen), with_missing && u % 3 == 0 ? NA : v(gen)});
    return dataset({"a1", "a2", "b1", "b2"}, rows);
}

// The model's totals for sampled draws equal the engine's totals re-weighted to the sampled shares, on the
// fast (matrix product) path and on the general path (geometric group, excluded leaves).
void expect_model_matches_engine(const Framework& fw, const Dataset& data, bool expect_linear) {
    const auto card = score(fw, data);
    const std::vector<WeightUncertainty> uncertain{WeightUncertainty::dirichlet("", 20.0),
                                                   WeightUncertainty::uniform("B", 0.3)};
    const detail::ReweightingModel model(card, uncertain, false);
    EXPECT_EQ(model.linear(), expect_linear);
    ASSERT_EQ(model.inputs(), 4u);  // A, B at the root; b1, b2 in B
    detail::ModelWorkspace ws;
    detail::Xoshiro256pp rng(5, 0);
    model.draw(rng, ws, 6);
    model.totals(ws);
    for (Eigen::Index s = 0; s < 6; ++s) {
        const double ga = ws.x(0, s), gb = ws.x(1, s), u1 = ws.x(2, s), u2 = ws.x(3, s);
        const double share_a = ga / (ga + gb);
        const double share_b1 = u1 * 0.5 / (u1 * 0.5 + u2 * 0.5);
        const auto expected =
            what_if(card, {{"A", 100 * share_a, Renormalise::explicit_},
                           {"B", 100 * (1 - share_a), Renormalise::explicit_},
                           WeightChange::share_of_parent("b1", share_b1, Renormalise::explicit_),
                           WeightChange::share_of_parent("b2", 1 - share_b1, Renormalise::explicit_)});
        for (std::size_t i = 0; i < model.ranked(); ++i)
            EXPECT_NEAR(ws.totals(static_cast<Eigen::Index>(i), s), at(expected.total, model.ranked_units()[i]), 1e-10);
    }
}

TEST(MonteCarloModel, FastPathMatchesTheEngine) {
    expect_model_matches_engine(nested(), nested_data(9, 1), true);
}
TEST(MonteCarloModel, GeneralPathMatchesTheEngine) {
    expect_model_matches_engine(nested(Aggregation::geometric), nested_data(9, 2), false);
    expect_model_matches_engine(nested(), nested_data(9, 3, true), false);
}

// The single-precision keys of the fast path: every pair of keys differs as the exact totals do, to within twice
// the sample's bound, and ranking them gives the ranks of the double totals, here for one pool spanning two
// categories (two matrix products, each centred on its own means) with adjustments on some units.
TEST(MonteCarloModel, SinglePrecisionKeysRankAsTheDoubleTotals) {
    Framework fw = nested();
    fw.categories = {{"x", ""}, {"y", ""}};
    Adjustment penalty;
    penalty.id = "late";
    penalty.kind = AdjustmentKind::penalty;
    penalty.points = {{"report", 1.5}};
    fw.adjustments = {penalty};
    auto data = nested_data(300, 15);
    for (std::size_t u = 0; u < 300; ++u) {
        data.units[u].category = u % 3 ? "x" : "y";
        if (u % 7 == 0) {
            Event e = event(EventType::deduction, data.units[u].id, "late");
            e.kind = "report";
            data.events.push_back(e);
        }
    }
    const auto card = score(fw, data);
    const detail::ReweightingModel model(
        card, {WeightUncertainty::dirichlet("", 5.0), WeightUncertainty::uniform("B", 0.5)}, false);
    ASSERT_TRUE(model.linear());
    ASSERT_EQ(model.pools().size(), 1u);
    detail::ModelWorkspace ws;
    auto by_keys = detail::make_rankers(model), by_totals = by_keys;
    std::vector<std::int32_t> a(model.ranked()), b(model.ranked());
    for (std::uint64_t block = 0; block < 4; ++block) {
        detail::Xoshiro256pp rng(3, block);
        model.draw(rng, ws, 128);
        model.totals(ws);
        model.keys(ws);
        for (Eigen::Index s = 0; s < 128; ++s) {
            const double tol = ws.key_tol[static_cast<std::size_t>(s)];
            ASSERT_GT(tol, 0.0);
            for (std::size_t i = 1; i < model.ranked(); ++i) {
                const auto r = static_cast<Eigen::Index>(i);
                const double key_gap = static_cast<double>(ws.keys(r, s)) - static_cast<double>(ws.keys(0, s));
                const double exact_gap = model.exact_total(i, ws, s) - model.exact_total(0, ws, s);
                ASSERT_LE(std::abs(key_gap - exact_gap), 2 * tol) << "row " << i << " sample " << s;
                ASSERT_NEAR(model.exact_total(i, ws, s), ws.totals(r, s), 1e-9);
            }
            detail::rank_pools(model, ws, s, by_keys, a.data());
            detail::rank_pools(model, ws.totals, s, by_totals, b.data());
            ASSERT_EQ(a, b) << "sample " << s;
        }
    }
}

TEST(MonteCarlo, NoSpreadKeepsEveryUnitAtItsBaseRank) {
    const auto card = score(nested(), nested_data(40, 4));
    MonteCarloOptions o;
    o.samples = 300;
    const auto mc = monte_carlo(card, {WeightUncertainty::uniform("", 0.0)}, o);
    for (std::size_t u = 0; u < 40; ++u) {
        EXPECT_EQ(mc.rank_counts(static_cast<Eigen::Index>(u), static_cast<Eigen::Index>(at(card.rank, u)) - 1), 300);
        EXPECT_EQ(mc.median_rank(u), at(card.rank, u));
        EXPECT_EQ(mc.mean_abs_shift(u), 0.0);
        EXPECT_EQ(mc.p_top(u, static_cast<std::size_t>(at(card.rank, u))), 1.0);
    }
    EXPECT_EQ(mc.mean_abs_shift(), 0.0);
}

TEST(MonteCarlo, GradesFollowBandsAndQuotasPerSample) {
    Framework fw = nested();
    fw.grading.bands = {{"excellent", "", 60}, {"good", "", 45}, {"pass", "", -unbounded}};
    fw.grading.quotas = {{"excellent", 0.2, QuotaRounding::half_up, std::nullopt}};
    fw.grading.pool = CohortScope::all;
    const auto card = score(fw, nested_data(20, 12));
    MonteCarloOptions o;
    o.samples = 400;
    // No spread: every sample grades exactly as the score card did.
    const auto same = monte_carlo(card, {WeightUncertainty::uniform("", 0.0)}, o);
    ASSERT_EQ(same.grade_ids, (std::vector<std::string>{"excellent", "good", "pass", ""}));
    for (std::size_t u = 0; u < 20; ++u) EXPECT_EQ(same.p_grade(u, card.grade[u]), 1.0) << u;
    // With spread: counts add up per unit, and at most 4 of 20 are excellent in any sample (the quota).
    const auto mc = monte_carlo(card, {WeightUncertainty::dirichlet("", 3.0)}, o);
    std::int64_t excellent = 0;
    for (std::size_t u = 0; u < 20; ++u) {
        EXPECT_EQ(mc.grade_counts.row(static_cast<Eigen::Index>(u)).sum(), 400);
        excellent += mc.grade_counts(static_cast<Eigen::Index>(u), 0);
    }
    EXPECT_LE(excellent, 4 * 400);
    EXPECT_GT(excellent, 0);
    o.grades = false;
    EXPECT_TRUE(monte_carlo(card, {WeightUncertainty::dirichlet("", 3.0)}, o).grade_ids.empty());
}

// Counting grades needs double totals, so a graded run takes the double path and an ungraded one the
// single-precision keys: their rank histograms must be identical.
TEST(MonteCarlo, GradedAndUngradedRunsCountTheSameRanks) {
    Framework fw = nested();
    fw.grading.bands = {{"excellent", "", 60}, {"good", "", 45}, {"pass", "", -unbounded}};
    const auto card = score(fw, nested_data(200, 16));
    MonteCarloOptions o;
    o.samples = 3000;
    const std::vector<WeightUncertainty> w{WeightUncertainty::dirichlet("", 8.0),
                                           WeightUncertainty::dirichlet("B", 2.0)};
    const auto graded = monte_carlo(card, w, o);
    ASSERT_FALSE(graded.grade_ids.empty());
    o.grades = false;
    const auto ungraded = monte_carlo(card, w, o);
    ASSERT_TRUE(ungraded.grade_ids.empty());
    EXPECT_TRUE(graded.rank_counts == ungraded.rank_counts);
}

TEST(MonteCarlo, ResultsDoNotDependOnTheThreadCountOrBlockOrder) {
    const auto card = score(nested(), nested_data(60, 5));
    MonteCarloOptions o;
    o.samples = 5000;
    o.block = 64;
    o.seed = 42;
    const std::vector<WeightUncertainty> w{WeightUncertainty::dirichlet("", 10.0),
                                           WeightUncertainty::dirichlet("A", 5.0)};
    o.threads = 1;
    const auto one = monte_carlo(card, w, o);
    for (unsigned threads : {2u, 3u, 8u}) {
        o.threads = threads;
        const auto many = monte_carlo(card, w, o);
        EXPECT_TRUE(one.rank_counts == many.rank_counts) << threads << " threads";
    }
    o.seed = 43;
    EXPECT_FALSE(one.rank_counts == monte_carlo(card, w, o).rank_counts);
}

// Every kernel level this CPU runs (runtime dispatch) gives the same histograms, on the single-precision keys
// path (ungraded) and the double totals path (graded): the ranks are those of the double-precision totals, and
// the levels' totals differ only in the last bits, far below the gaps between units here.
TEST(MonteCarlo, ResultsDoNotDependOnTheKernelLevel) {
    const std::string best = cpu_info().best;
    auto fw = nested();
    fw.grading.bands = {{"good", "", 55.0}, {"fair", "", -unbounded}};
    const auto card = score(fw, nested_data(80, 16));
    MonteCarloOptions o;
    o.samples = 3000;
    o.block = 128;
    const std::vector<WeightUncertainty> w{WeightUncertainty::dirichlet("", 8.0)};
    for (bool grades : {false, true}) {
        o.grades = grades;
        ASSERT_TRUE(detail::use_kernel_level(best.c_str()));
        const auto reference = monte_carlo(card, w, o);
        for (const std::string& level : cpu_info().supported) {
            ASSERT_TRUE(detail::use_kernel_level(level.c_str()));
            const auto mc = monte_carlo(card, w, o);
            EXPECT_TRUE(mc.rank_counts == reference.rank_counts) << level << (grades ? " graded" : " ungraded");
            EXPECT_TRUE(mc.grade_counts == reference.grade_counts) << level;
        }
    }
    ASSERT_TRUE(detail::use_kernel_level(best.c_str()));
}

TEST(MonteCarlo, HistogramsArePermutationsPerSample) {
    const auto card = score(nested(), nested_data(30, 6));
    MonteCarloOptions o;
    o.samples = 1000;
    const auto mc = monte_carlo(card, {WeightUncertainty::dirichlet("", 2.0)}, o);
    using Column = Eigen::Matrix<std::int64_t, Eigen::Dynamic, 1>;
    using Row = Eigen::Matrix<std::int64_t, 1, Eigen::Dynamic>;
    EXPECT_TRUE(mc.rank_counts.rowwise().sum() == Column::Constant(30, 1000));
    // continuous weights: no ties, so every rank position is taken once per sample
    EXPECT_TRUE(mc.rank_counts.colwise().sum() == Row::Constant(30, 1000));
    for (std::size_t u = 0; u < 30; ++u) {
        EXPECT_LE(mc.rank_quantile(u, 0.05), mc.median_rank(u));
        EXPECT_LE(mc.median_rank(u), mc.rank_quantile(u, 0.95));
        EXPECT_DOUBLE_EQ(mc.p_top(u, 30), 1.0);
    }
    EXPECT_GT(mc.mean_abs_shift(), 0.0);
}

// More samples than a 16-bit counter holds: the per-thread counts are spilled into 64-bit totals.
TEST(MonteCarlo, CountsSurviveTheSixteenBitSpill) {
    const auto card = score(nested(), nested_data(4, 13));
    MonteCarloOptions o;
    o.samples = 140000;
    o.block = 4096;
    o.threads = 2;
    const auto mc = monte_carlo(card, {WeightUncertainty::dirichlet("", 1.0)}, o);
    for (Eigen::Index u = 0; u < 4; ++u) EXPECT_EQ(mc.rank_counts.row(u).sum(), 140000);
    o.threads = 1;
    EXPECT_TRUE(monte_carlo(card, {WeightUncertainty::dirichlet("", 1.0)}, o).rank_counts == mc.rank_counts);
}

// Discrete alternatives: an alternative identical to the base changes nothing (the weight draws come first);
// a geometric variant changes the histograms; cards of other units are refused.
TEST(MonteCarlo, DiscreteAlternativesAreSampledWithTheSameWeights) {
    const auto data = nested_data(25, 14);
    const auto card = score(nested(), data);
    MonteCarloOptions o;
    o.samples = 3000;
    const std::vector<WeightUncertainty> w{WeightUncertainty::dirichlet("", 4.0)};
    const auto plain = monte_carlo(card, w, o);
    o.alternatives = {std::make_shared<const ScoreCard>(score(nested(), data))};
    const auto same = monte_carlo(card, w, o);
    EXPECT_TRUE(same.rank_counts == plain.rank_counts);
    ASSERT_EQ(same.alternative_samples.size(), 2u);
    EXPECT_EQ(same.alternative_samples[0] + same.alternative_samples[1], 3000);
    EXPECT_NEAR(static_cast<double>(same.alternative_samples[1]) / 3000.0, 0.5, 0.05);
    // A linear alternative with other weights inside A (which the root's Dirichlet does not sample; the keys path
    // for both models) changes the histograms, and ranks as the double path does.
    Framework other_a = nested();
    other_a.nodes[2].weight = relative(2);  // a1, a2: 2 and 1 in the variant
    other_a.nodes[3].weight = relative(1);
    o.alternatives = {std::make_shared<const ScoreCard>(score(other_a, data))};
    const auto keyed = monte_carlo(card, w, o);
    EXPECT_FALSE(keyed.rank_counts == plain.rank_counts);
    Framework graded = nested();
    graded.grading.bands = {{"good", "", 50}, {"pass", "", -unbounded}};
    const auto graded_card = score(graded, data);
    Framework graded_b = other_a;
    graded_b.grading = graded.grading;
    o.alternatives = {std::make_shared<const ScoreCard>(score(graded_b, data))};
    const auto doubled = monte_carlo(graded_card, w, o);  // graded: double totals throughout
    EXPECT_TRUE(doubled.rank_counts == keyed.rank_counts);
    o.alternatives = {std::make_shared<const ScoreCard>(score(nested(Aggregation::geometric), data))};
    const auto mixed = monte_carlo(card, w, o);
    EXPECT_FALSE(mixed.rank_counts == plain.rank_counts);
    EXPECT_EQ(mixed.rank_counts.rowwise().sum().minCoeff(), 3000);
    o.alternatives = {std::make_shared<const ScoreCard>(score(nested(), nested_data(24, 14)))};
    expect_mentions(error_message<data_error>([&] { (void)monte_carlo(card, w, o); }),
                    {"alternative [0]", "24 units", "25"});
}

// A unit that dominates every other on every indicator stays first whatever the weights.
TEST(MonteCarlo, ADominatingUnitIsAlwaysFirst) {
    auto data = nested_data(20, 7);
    for (Eigen::Index j = 0; j < 4; ++j) data.values(3, j) = 100.0;
    const auto card = score(nested(), data);
    MonteCarloOptions o;
    o.samples = 2000;
    const auto mc = monte_carlo(
        card,
        {WeightUncertainty::dirichlet("", 1.0), WeightUncertainty::dirichlet("A"), WeightUncertainty::dirichlet("B")},
        o);
    EXPECT_EQ(mc.p_top(3, 1), 1.0);
    EXPECT_EQ(mc.rank_quantile(3, 1.0), 1.0);
}

TEST(MonteCarlo, RanksWithinCategoriesWhenTheFrameworkHasThem) {
    Framework fw = nested();
    fw.categories = {{"x", ""}, {"y", ""}};
    auto data = nested_data(10, 8);
    for (std::size_t u = 0; u < 10; ++u) data.units[u].category = u < 4 ? "x" : "y";
    const auto card = score(fw, data);
    MonteCarloOptions o;
    o.samples = 500;
    const auto mc = monte_carlo(card, {WeightUncertainty::dirichlet()}, o);
    EXPECT_TRUE(mc.by_category);
    EXPECT_EQ(mc.rank_counts.cols(), 6);  // the largest pool
    for (std::size_t u = 0; u < 4; ++u) EXPECT_EQ(mc.p_top(u, 4), 1.0);
    for (std::size_t u = 0; u < 10; ++u)
        EXPECT_EQ(mc.base_rank(static_cast<Eigen::Index>(u)), at(card.rank_in_category, u));
}

TEST(MonteCarlo, ProgressIsReportedAndCanCancel) {
    const auto card = score(nested(), nested_data(10, 9));
    MonteCarloOptions o;
    o.samples = 1000;
    o.block = 100;
    o.threads = 1;
    std::vector<std::size_t> seen;
    o.progress = [&](std::size_t done, std::size_t total) {
        EXPECT_EQ(total, 10u);
        seen.push_back(done);
        return true;
    };
    (void)monte_carlo(card, {WeightUncertainty::dirichlet()}, o);
    ASSERT_FALSE(seen.empty());
    EXPECT_EQ(seen.back(), 10u);
    o.progress = [](std::size_t done, std::size_t) { return done < 3; };
    expect_mentions(error_message<cancelled>([&] { (void)monte_carlo(card, {WeightUncertainty::dirichlet()}, o); }),
                    {"stopped", "of 10 blocks"});
}

// A progress callback that throws (a Python callback that raises) stops the run with its exception, on any number
// of threads, instead of terminating the process with worker threads still running.
TEST(MonteCarlo, AnExceptionFromProgressStopsTheRunCleanly) {
    const auto card = score(nested(), nested_data(10, 15));
    for (unsigned threads : {1u, 2u, 4u}) {
        MonteCarloOptions o;
        o.samples = 5000;
        o.block = 50;
        o.threads = threads;
        o.progress = [](std::size_t done, std::size_t) {
            if (done >= 3) throw std::runtime_error("callback failed");
            return true;
        };
        expect_mentions(
            error_message<std::runtime_error>([&] { (void)monte_carlo(card, {WeightUncertainty::dirichlet()}, o); }),
            {"callback failed"});
    }
}

TEST(MonteCarlo, BadStudiesAreRefusedWithTheReason) {
    const auto card = score(nested(), nested_data(5, 10));
    expect_mentions(
        error_message<framework_error>([&] { (void)monte_carlo(card, {WeightUncertainty::dirichlet("nope")}); }),
        {"'nope'", "no node"});
    expect_mentions(
        error_message<framework_error>([&] { (void)monte_carlo(card, {WeightUncertainty::dirichlet("a1")}); }),
        {"a leaf has no children"});
    expect_mentions(error_message<framework_error>([&] {
                        (void)monte_carlo(card,
                                          {WeightUncertainty::dirichlet("A"), WeightUncertainty::dirichlet("root/A")});
                    }),
                    {"listed twice"});
    expect_mentions(
        error_message<framework_error>([&] { (void)monte_carlo(card, {WeightUncertainty::dirichlet("", -1)}); }),
        {"concentration", "positive"});
    expect_mentions(
        error_message<framework_error>([&] { (void)monte_carlo(card, {WeightUncertainty::uniform("", 1.5)}); }),
        {"spread", "[0, 1)"});
    expect_mentions(error_message<framework_error>([&] { (void)monte_carlo(card, {}); }), {"no uncertain weights"});
    MonteCarloOptions o;
    o.samples = 0;
    expect_mentions(error_message<data_error>([&] { (void)monte_carlo(card, {WeightUncertainty::dirichlet()}, o); }),
                    {"at least one sample"});
}

}  // namespace
}  // namespace kaohe::test
