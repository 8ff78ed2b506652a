// MCDA properties (weights sum to 1, scale invariance, duplication, permutation, thread-count invariance,
// identical rankings) and degenerate data (documented values or data_errors naming the row/column).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "kaohe/mcda/combined_weights.hpp"
#include "kaohe/mcda/normalisation.hpp"
#include "kaohe/mcda/objective_weights.hpp"
#include "kaohe/mcda/rank_correlation.hpp"
#include "kaohe/mcda/topsis.hpp"
#include "kaohe/mcda/vikor.hpp"
#include "kaohe/mcda/weighted_sum.hpp"
#include "support.hpp"

using namespace kaohe::mcda;
using kaohe::data_error;
using kaohe::test::error_message;
using kaohe::test::expect_mentions;

namespace {

RowMatrix random_matrix(Eigen::Index m, Eigen::Index n, unsigned seed, double lo = 1.0, double hi = 100.0) {
    std::mt19937_64 gen(seed);
    std::uniform_real_distribution<double> u(lo, hi);
    RowMatrix x(m, n);
    for (Eigen::Index i = 0; i < m; ++i)
        for (Eigen::Index j = 0; j < n; ++j) x(i, j) = u(gen);
    return x;
}

CriterionTypes mixed_types(Eigen::Index n) {
    CriterionTypes t;
    for (Eigen::Index j = 0; j < n; ++j) t.push_back(j % 3 == 1 ? CriterionType::cost : CriterionType::benefit);
    return t;
}

Vector some_weights(Eigen::Index n) {
    Vector w(n);
    for (Eigen::Index j = 0; j < n; ++j) w(j) = 1.0 + static_cast<double>(j % 4);
    return w / w.sum();
}

RowMatrix rows_permuted(const RowMatrix& x, const std::vector<Eigen::Index>& perm) {
    RowMatrix out(x.rows(), x.cols());
    for (Eigen::Index i = 0; i < x.rows(); ++i) out.row(i) = x.row(perm[static_cast<std::size_t>(i)]);
    return out;
}

RowMatrix without_column(const RowMatrix& x, Eigen::Index drop) {
    RowMatrix out(x.rows(), x.cols() - 1);
    for (Eigen::Index j = 0, k = 0; j < x.cols(); ++j)
        if (j != drop) out.col(k++) = x.col(j);
    return out;
}

}  // namespace

TEST(McdaProperties, ObjectiveWeightsSumToOneAndAreNonNegative) {
    const RowMatrix x = random_matrix(40, 6, 1);
    const CriterionTypes t = mixed_types(6);
    CriticOptions spearman;
    spearman.correlation = Correlation::spearman;
    StdOptions minmax;
    minmax.normalisation = Normalisation::minmax;
    EntropyOptions recip;
    recip.cost = EntropyCost::reciprocal;
    for (const WeightResult& r :
         {entropy_weights(x), entropy_weights(x, t, recip), critic_weights(x, t), critic_weights(x, t, spearman),
          std_weights(x), std_weights(x, t, minmax), merec_weights(x, t), equal_weights(6)}) {
        EXPECT_NEAR(r.weights.sum(), 1.0, 1e-12) << r.method << " " << r.variant;
        EXPECT_GE(r.weights.minCoeff(), 0.0) << r.method;
    }
    const WeightResult c = combine_weights(critic_weights(x, t).weights, entropy_weights(x).weights, 0.3);
    EXPECT_NEAR(c.weights.sum(), 1.0, 1e-12);
}

TEST(McdaProperties, EntropyAndStdMinmaxWeightsAreInvariantToScalingAColumn) {
    const RowMatrix x = random_matrix(30, 5, 2);
    RowMatrix scaled = x;
    scaled.col(2) *= 1000.0;
    scaled.col(4) *= 0.001;
    const Vector a = entropy_weights(x).weights, b = entropy_weights(scaled).weights;
    for (Eigen::Index j = 0; j < 5; ++j) EXPECT_NEAR(a(j), b(j), 1e-12);
    // CRITIC with min-max is invariant to scale too (its normalisation removes it); raw std weights are not.
    const Vector c1 = critic_weights(x).weights, c2 = critic_weights(scaled).weights;
    for (Eigen::Index j = 0; j < 5; ++j) EXPECT_NEAR(c1(j), c2(j), 1e-12);
    EXPECT_GT(std::abs(std_weights(x).weights(2) - std_weights(scaled).weights(2)), 0.1);
}

TEST(McdaProperties, TopsisMinmaxIsUnchangedWhenAnAlternativeIsDuplicated) {
    const RowMatrix x = random_matrix(12, 5, 3);
    RowMatrix dup(13, 5);
    dup.topRows(12) = x;
    dup.row(12) = x.row(4);
    const CriterionTypes t = mixed_types(5);
    const Vector w = some_weights(5);
    TopsisOptions o;
    o.normalisation = TopsisNormalisation::minmax;
    const TopsisResult a = topsis(x, w, t, o), b = topsis(dup, w, t, o);
    for (Eigen::Index i = 0; i < 12; ++i) EXPECT_NEAR(a.scores(i), b.scores(i), 1e-15);
    EXPECT_EQ(b.scores(12), b.scores(4));
}

// Documented: vector normalisation divides by ||x_j||, which a duplicate enlarges by a different factor in each
// column, so the other alternatives' scores move (not a bug; the reason min-max is offered as a variant).
TEST(McdaProperties, TopsisVectorChangesWhenAnAlternativeIsDuplicated) {
    const RowMatrix x = random_matrix(12, 5, 3);
    RowMatrix dup(13, 5);
    dup.topRows(12) = x;
    dup.row(12) = x.row(4);
    const TopsisResult a = topsis(x, some_weights(5), mixed_types(5)), b = topsis(dup, some_weights(5), mixed_types(5));
    double worst = 0;
    for (Eigen::Index i = 0; i < 12; ++i) worst = std::max(worst, std::abs(a.scores(i) - b.scores(i)));
    EXPECT_GT(worst, 1e-6);
    EXPECT_EQ(b.scores(12), b.scores(4));
}

TEST(McdaProperties, PermutingAlternativesPermutesResults) {
    const RowMatrix x = random_matrix(25, 4, 4);
    std::vector<Eigen::Index> perm(25);
    std::iota(perm.begin(), perm.end(), Eigen::Index{0});
    std::shuffle(perm.begin(), perm.end(), std::mt19937(7));
    const RowMatrix y = rows_permuted(x, perm);
    const CriterionTypes t = mixed_types(4);
    const Vector w = some_weights(4);
    const TopsisResult a = topsis(x, w, t), b = topsis(y, w, t);
    const VikorResult va = vikor(x, w, t), vb = vikor(y, w, t);
    const ScoreResult sa = weighted_sum(x, w, t), sb = weighted_sum(y, w, t);
    for (Eigen::Index i = 0; i < 25; ++i) {
        const Eigen::Index k = perm[static_cast<std::size_t>(i)];
        EXPECT_NEAR(b.scores(i), a.scores(k), 1e-13);
        EXPECT_EQ(b.ranking[static_cast<std::size_t>(i)], a.ranking[static_cast<std::size_t>(k)]);
        EXPECT_NEAR(vb.Q(i), va.Q(k), 1e-13);
        EXPECT_NEAR(sb.scores(i), sa.scores(k), 1e-13);
    }
    // Weights do not depend on the order of the alternatives.
    EXPECT_LT((entropy_weights(x).weights - entropy_weights(y).weights).cwiseAbs().maxCoeff(), 1e-13);
    EXPECT_LT((critic_weights(x, t).weights - critic_weights(y, t).weights).cwiseAbs().maxCoeff(), 1e-13);
    EXPECT_LT((merec_weights(x, t).weights - merec_weights(y, t).weights).cwiseAbs().maxCoeff(), 1e-13);
}

// Rows are split into fixed blocks and partial sums are combined in block order: any thread count gives
// bit-identical results (the matrix spans many blocks).
TEST(McdaProperties, ResultsDoNotDependOnTheThreadCount) {
    const RowMatrix x = random_matrix(50000, 7, 5);
    const CriterionTypes t = mixed_types(7);
    const Vector w = some_weights(7);
    auto run = [&](unsigned threads) {
        TopsisOptions to;
        to.threads = threads;
        EntropyOptions eo;
        eo.threads = threads;
        CriticOptions co;
        co.threads = threads;
        RunOptions mo;
        mo.threads = threads;
        VikorOptions vo;
        vo.threads = threads;
        return std::make_tuple(topsis(x, w, t, to).scores, entropy_weights(x, t, eo).weights,
                               critic_weights(x, t, co).weights, merec_weights(x, t, mo).weights, vikor(x, w, t, vo).Q);
    };
    const auto one = run(1);
    for (unsigned threads : {2u, 3u, 8u}) {
        const auto other = run(threads);
        EXPECT_TRUE(std::get<0>(one) == std::get<0>(other)) << threads;
        EXPECT_TRUE(std::get<1>(one) == std::get<1>(other)) << threads;
        EXPECT_TRUE(std::get<2>(one) == std::get<2>(other)) << threads;
        EXPECT_TRUE(std::get<3>(one) == std::get<3>(other)) << threads;
        EXPECT_TRUE(std::get<4>(one) == std::get<4>(other)) << threads;
    }
}

// A column-major Eigen matrix is accepted too (Eigen::Ref makes one row-major copy) and gives the same result.
TEST(McdaProperties, ColumnMajorInputGivesTheSameResult) {
    const RowMatrix x = random_matrix(20, 4, 6);
    const Eigen::MatrixXd col_major = x;
    const CriterionTypes t = mixed_types(4);
    EXPECT_TRUE(topsis(x, some_weights(4), t).scores == topsis(col_major, some_weights(4), t).scores);
    EXPECT_TRUE(critic_weights(x).weights == critic_weights(col_major).weights);
}

TEST(McdaProperties, IdenticalRankingsCorrelatePerfectly) {
    const std::vector<double> r{3, 1, 4, 2, 6, 5, 7};
    EXPECT_EQ(spearman(r, r), 1.0);
    EXPECT_EQ(weighted_spearman(r, r), 1.0);
    EXPECT_EQ(ws_similarity(r, r), 1.0);
    EXPECT_EQ(kendall_tau_b(r, r), 1.0);
    EXPECT_EQ(draws_distance(r, r), 0.0);
    EXPECT_EQ(kemeny_distance(r, r), 0.0);
    const std::vector<double> tied{1, 2.5, 2.5, 4, 5};
    EXPECT_NEAR(spearman(tied, tied), 1.0, 1e-15);
    EXPECT_NEAR(kendall_tau_b(tied, tied), 1.0, 1e-15);
    // A reversed ranking: -1 for both Spearman and Kendall.
    std::vector<double> rev(r);
    for (auto& v : rev) v = 8 - v;
    EXPECT_NEAR(spearman(r, rev), -1.0, 1e-15);
    EXPECT_NEAR(kendall_tau_b(r, rev), -1.0, 1e-15);
}

// O(n log n) tau-b against the O(n^2) definition, with many ties.
TEST(McdaProperties, KendallTauBMatchesTheDefinitionWithTies) {
    std::mt19937 gen(11);
    std::uniform_int_distribution<int> u(1, 6);
    for (int trial = 0; trial < 20; ++trial) {
        std::vector<double> x(40), y(40);
        for (std::size_t i = 0; i < x.size(); ++i) {
            x[i] = u(gen);
            y[i] = u(gen);
        }
        double conc = 0, disc = 0, tx = 0, ty = 0;
        for (std::size_t i = 0; i < x.size(); ++i)
            for (std::size_t j = i + 1; j < x.size(); ++j) {
                const double s = (x[i] - x[j]) * (y[i] - y[j]);
                if (s > 0) ++conc;
                if (s < 0) ++disc;
                if (x[i] == x[j] && y[i] != y[j]) ++tx;
                if (y[i] == y[j] && x[i] != x[j]) ++ty;
            }
        const double expected = (conc - disc) / std::sqrt((conc + disc + tx) * (conc + disc + ty));
        EXPECT_NEAR(kendall_tau_b(x, y), expected, 1e-12) << trial;
    }
}

TEST(McdaProperties, CombinedWeightsWorkedExample) {
    const Vector s = (Vector(3) << 40, 30, 30).finished();  // points: normalised to 0.4 0.3 0.3
    const Vector o = (Vector(3) << 0.2, 0.2, 0.6).finished();
    const WeightResult lin = combine_weights(s, o, 0.25);
    EXPECT_NEAR(lin.weights(0), 0.25 * 0.4 + 0.75 * 0.2, 1e-15);
    EXPECT_NEAR(lin.weights(2), 0.25 * 0.3 + 0.75 * 0.6, 1e-15);
    const WeightResult mul = combine_weights(s, o, 0.5, Combination::multiplicative);
    // 0.08, 0.06, 0.18 over 0.32
    EXPECT_NEAR(mul.weights(0), 0.25, 1e-15);
    EXPECT_NEAR(mul.weights(1), 0.1875, 1e-15);
    EXPECT_NEAR(mul.weights(2), 0.5625, 1e-15);
    EXPECT_EQ(mul.variant, "how=multiplicative");
    expect_mentions(error_message<data_error>([&] { (void)combine_weights(s, o, 1.5); }), {"alpha", "[0, 1]"});
    expect_mentions(error_message<data_error>([&] {
                        (void)combine_weights((Vector(3) << 1, 0, 0).finished(), (Vector(3) << 0, 1, 1).finished(), 0.5,
                                              Combination::multiplicative);
                    }),
                    {"no criterion has both"});
    expect_mentions(error_message<data_error>([&] { (void)combine_weights(s, Vector::Ones(2)); }), {"3", "2"});
}

// ---- degenerate data: documented values -----------------------------------------------------------------------

TEST(McdaDegenerate, ConstantColumnsGetDocumentedValues) {
    RowMatrix x = random_matrix(10, 4, 8);
    x.col(1).setConstant(7.0);
    const CriterionTypes t = mixed_types(4);
    const Vector w = some_weights(4);
    // Entropy and std: a constant column carries no information: weight 0.
    EXPECT_EQ(entropy_weights(x).weights(1), 0.0);
    EXPECT_EQ(std_weights(x).weights(1), 0.0);
    // TOPSIS (every normalisation) and VIKOR: the constant column contributes nothing, so the scores equal those
    // computed without it.
    const RowMatrix y = without_column(x, 1);
    const CriterionTypes ty{t[0], t[2], t[3]};
    const Vector wy = (Vector(3) << w(0), w(2), w(3)).finished();
    for (auto norm : {TopsisNormalisation::vector, TopsisNormalisation::minmax, TopsisNormalisation::none}) {
        TopsisOptions o;
        o.normalisation = norm;
        const Vector a = topsis(x, w, t, o).scores, b = topsis(y, wy, ty, o).scores;
        EXPECT_LT((a - b).cwiseAbs().maxCoeff(), 1e-12) << to_string(norm);
    }
    VikorOptions as_given;
    as_given.weights = WeightScaling::as_given;
    EXPECT_LT((vikor(x, w, t, as_given).Q - vikor(y, wy, ty, as_given).Q).cwiseAbs().maxCoeff(), 1e-12);
    // Entropy: zeros are allowed (0 ln 0 = 0).
    RowMatrix z = random_matrix(6, 2, 9);
    z(3, 0) = 0.0;
    EXPECT_TRUE(entropy_weights(z).weights.allFinite());
}

TEST(McdaDegenerate, VikorWithEqualSOrRHasAZeroTermNotNaN) {
    // Two alternatives mirror each other on two equally weighted criteria: S and R are equal for both.
    const RowMatrix x = (RowMatrix(2, 2) << 1, 2, 2, 1).finished();
    const VikorResult r = vikor(x, Vector::Ones(2), {CriterionType::benefit, CriterionType::benefit});
    EXPECT_EQ(r.Q(0), 0.0);
    EXPECT_EQ(r.Q(1), 0.0);
    EXPECT_FALSE(r.acceptable_advantage);
    EXPECT_EQ(r.compromise, (std::vector<std::size_t>{0, 1}));
}

TEST(McdaDegenerate, OneCriterionWorksWhereItIsMeaningful) {
    const RowMatrix x = (RowMatrix(3, 1) << 1, 2, 4).finished();
    EXPECT_EQ(entropy_weights(x).weights(0), 1.0);
    EXPECT_EQ(merec_weights(x, {CriterionType::benefit}).weights(0), 1.0);
    const TopsisResult t = topsis(x, Vector::Ones(1), {CriterionType::benefit});
    EXPECT_EQ(t.scores(0), 0.0);
    EXPECT_EQ(t.scores(2), 1.0);
    // CRITIC needs two criteria (conflict is measured between criteria).
    expect_mentions(error_message<data_error>([&] { (void)critic_weights(x); }), {"at least 2 criteria"});
}

// ---- degenerate data: errors naming the cell/column -----------------------------------------------------------

TEST(McdaErrors, BadValuesAreNamedByRowAndCriterion) {
    RowMatrix x = random_matrix(5, 3, 10);
    Labels labels{{"a1", "a2", "a3", "a4", "a5"}, {"price", "quality", "speed"}};
    x(3, 1) = -2.0;
    EntropyOptions eo;
    eo.labels = labels;
    try {
        (void)entropy_weights(x, {}, eo);
        ADD_FAILURE() << "no error";
    } catch (const data_error& e) {
        EXPECT_EQ(e.where().row, 4);
        EXPECT_EQ(e.where().column, "quality");
        expect_mentions(e.what(), {"alternative 'a4'", "criterion 'quality'", "-2", "negative"});
    }
    x(3, 1) = std::nan("");
    expect_mentions(error_message<data_error>([&] { (void)topsis(x, some_weights(3), mixed_types(3)); }),
                    {"row 4", "column 2", "not a finite number"});
    expect_mentions(error_message<data_error>([&] { (void)critic_weights(x); }), {"row 4", "not a finite"});
    x(3, 1) = 0.0;
    expect_mentions(error_message<data_error>([&] { (void)merec_weights(x, mixed_types(3)); }),
                    {"row 4", "column 2", "not > 0", "logarithm"});
    expect_mentions(error_message<data_error>([&] { (void)normalise(x, mixed_types(3), Normalisation::sum); }),
                    {"row 4", "column 2", "1/x"});
}

TEST(McdaErrors, DegenerateMatricesAreClearErrors) {
    RowMatrix x = random_matrix(6, 3, 12);
    x.col(2).setConstant(3.0);
    CriticOptions co;
    co.labels.criteria = {"a", "b", "c"};
    expect_mentions(error_message<data_error>([&] { (void)critic_weights(x, {}, co); }),
                    {"criterion 'c'", "constant", "correlation"});
    expect_mentions(error_message<data_error>([&] { (void)normalise(x, {}, Normalisation::minmax); }),
                    {"column 3", "constant"});
    const RowMatrix all_constant = RowMatrix::Constant(4, 3, 2.0);
    expect_mentions(error_message<data_error>([&] { (void)entropy_weights(all_constant); }), {"every column"});
    expect_mentions(error_message<data_error>([&] { (void)std_weights(all_constant); }), {"every column"});
    expect_mentions(error_message<data_error>([&] { (void)topsis(all_constant, Vector::Ones(3), mixed_types(3)); }),
                    {"constant", "0/0"});
    const RowMatrix one = random_matrix(1, 3, 13);
    expect_mentions(error_message<data_error>([&] { (void)topsis(one, Vector::Ones(3), mixed_types(3)); }),
                    {"at least 2 alternatives"});
    expect_mentions(error_message<data_error>([&] { (void)vikor(one, Vector::Ones(3), mixed_types(3)); }),
                    {"at least 2 alternatives"});
    expect_mentions(error_message<data_error>([&] { (void)entropy_weights(one); }), {"at least 2 alternatives"});
    RowMatrix zero_col = random_matrix(4, 2, 14);
    zero_col.col(0).setZero();
    expect_mentions(error_message<data_error>([&] { (void)entropy_weights(zero_col); }),
                    {"column 1", "every value is zero"});
}

TEST(McdaErrors, ShapesWeightsAndParameters) {
    const RowMatrix x = random_matrix(5, 3, 15);
    expect_mentions(error_message<data_error>([&] { (void)topsis(x, some_weights(3), mixed_types(2)); }),
                    {"2 criterion types", "3 criteria"});
    expect_mentions(error_message<data_error>([&] { (void)topsis(x, some_weights(2), mixed_types(3)); }),
                    {"2 weights", "3 criteria"});
    expect_mentions(
        error_message<data_error>([&] { (void)topsis(x, (Vector(3) << 0.5, -0.1, 0.6).finished(), mixed_types(3)); }),
        {"weight 2", "-0.1", "non-negative"});
    expect_mentions(error_message<data_error>([&] { (void)topsis(x, Vector::Zero(3), mixed_types(3)); }),
                    {"every weight is zero"});
    VikorOptions vo;
    vo.v = 1.5;
    expect_mentions(error_message<data_error>([&] { (void)vikor(x, some_weights(3), mixed_types(3), vo); }),
                    {"v is 1.5"});
    expect_mentions(error_message<data_error>([&] { (void)criterion_types({1, 0, -1}); }), {"0", "neither"});
    expect_mentions(error_message<data_error>([&] { (void)spearman({1, 2, 3}, {1, 2}); }), {"different lengths"});
    expect_mentions(error_message<data_error>([&] {
                        (void)kendall_tau_b({1, 1, 1}, {1, 2, 3});
                    }),
                    {"ties every alternative"});
    expect_mentions(error_message<data_error>([&] { (void)ws_similarity({1, 2, 7}, {1, 2, 3}); }), {"outside [1, 3]"});
    WeightedSumOptions raw;
    raw.normalisation = Normalisation::none;
    expect_mentions(error_message<data_error>([&] { (void)weighted_sum(x, some_weights(3), mixed_types(3), raw); }),
                    {"column 2", "cannot orient a cost"});
}

TEST(McdaProperties, WeightedProductWithNoNormalisationUsesNegativeExponentsForCosts) {
    const RowMatrix x = (RowMatrix(2, 2) << 4, 2, 9, 3).finished();
    WeightedSumOptions raw;
    raw.normalisation = Normalisation::none;
    const ScoreResult r =
        weighted_product(x, (Vector(2) << 0.5, 1.0).finished(), {CriterionType::benefit, CriterionType::cost}, raw);
    EXPECT_NEAR(r.scores(0), 2.0 / 2.0, 1e-15);  // sqrt(4) / 2
    EXPECT_NEAR(r.scores(1), 3.0 / 3.0, 1e-15);  // sqrt(9) / 3
    EXPECT_EQ(r.ranking, (std::vector<double>{1, 1}));
}

// Entropy's vectorised x ln x kernel (Eigen's SIMD log) against the scalar libm loop, on
// values spanning the double range, with zeros and subnormals, and a column count that is not a multiple of the
// vector width.
TEST(McdaProperties, VectorisedXLogXMatchesTheScalarLoop) {
    namespace d = kaohe::detail::mcda;
    const Eigen::Index rows = 1003, n = 7;
    RowMatrix x(rows, n);
    std::mt19937_64 gen(21);
    std::uniform_real_distribution<double> expo(-300, 300);
    for (Eigen::Index i = 0; i < rows; ++i)
        for (Eigen::Index j = 0; j < n; ++j) x(i, j) = std::pow(10.0, expo(gen));
    x(5, 2) = 0.0;
    x(17, 3) = 4.9e-320;  // subnormal
    x(40, 6) = 1.0;
    auto run = [&](auto kernel) {
        std::vector<double> s(n, 0.0), t(n, 0.0), mn(x.row(0).data(), x.row(0).data() + n), mx(mn);
        kernel(s.data(), t.data(), mn.data(), mx.data());
        return std::make_tuple(s, t, mn, mx);
    };
    const auto ref =
        run([&](double* s, double* t, double* mn, double* mx) { d::xlogx_scalar(x.data(), rows, n, n, s, t, mn, mx); });
    auto check = [&](const auto& got, const char* what) {
        for (std::size_t j = 0; j < static_cast<std::size_t>(n); ++j) {
            EXPECT_NEAR(std::get<0>(got)[j], std::get<0>(ref)[j], 1e-14 * std::abs(std::get<0>(ref)[j])) << what;
            EXPECT_NEAR(std::get<1>(got)[j], std::get<1>(ref)[j], 1e-14 * std::abs(std::get<1>(ref)[j])) << what;
            EXPECT_EQ(std::get<2>(got)[j], std::get<2>(ref)[j]) << what;
            EXPECT_EQ(std::get<3>(got)[j], std::get<3>(ref)[j]) << what;
        }
    };
    check(
        run([&](double* s, double* t, double* mn, double* mx) { d::xlogx_block(x.data(), rows, n, n, s, t, mn, mx); }),
        "eigen");
}
