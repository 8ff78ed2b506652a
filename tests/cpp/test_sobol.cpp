// Sobol indices (sensitivity/sobol.hpp): the estimator against analytic indices (a linear function and the
// Ishigami function), and the rank study's exact zeros, bounds and independence of the thread count.
#include <gtest/gtest.h>

#include <random>

#include <kaohe/sensitivity/sobol.hpp>

#include "support.hpp"

namespace kaohe::test {
namespace {

// f = sum c_i X_i, X_i ~ U(0, 1) independent: S_i = ST_i = c_i^2 / sum c^2.
TEST(SobolEstimator, ReproducesTheAnalyticIndicesOfALinearFunction) {
    const std::vector<double> c{1.0, 2.0, 3.0, 0.5};
    double sum2 = 0;
    for (double x : c) sum2 += x * x;
    const auto r = sobol_indices(
        4, 1, 40000, 3,
        [](detail::Xoshiro256pp& rng, auto col) {
            for (Eigen::Index i = 0; i < col.size(); ++i) col(i) = rng.uniform();
        },
        [&](const Eigen::MatrixXd& x, Eigen::MatrixXd& y) {
            for (Eigen::Index k = 0; k < x.cols(); ++k) {
                double f = 0;
                for (Eigen::Index i = 0; i < 4; ++i) f += c[static_cast<std::size_t>(i)] * x(i, k);
                y(0, k) = f;
            }
        });
    for (std::size_t i = 0; i < 4; ++i) {
        const double expected = c[i] * c[i] / sum2;
        EXPECT_NEAR(r.first(static_cast<Eigen::Index>(i), 0), expected, 0.02) << i;
        EXPECT_NEAR(r.total(static_cast<Eigen::Index>(i), 0), expected, 0.02) << i;
    }
    EXPECT_NEAR(r.variance(0), sum2 / 12.0, 0.02 * sum2 / 12.0);
}

// Ishigami (a = 7, b = 0.1), X_i ~ U(-pi, pi): S = (0.3139, 0.4424, 0), ST = (0.5576, 0.4424, 0.2437).
TEST(SobolEstimator, SeparatesFirstOrderFromTotalOnTheIshigamiFunction) {
    const double pi = 3.14159265358979323846;
    const auto r = sobol_indices(
        3, 1, 60000, 5,
        [&](detail::Xoshiro256pp& rng, auto col) {
            for (Eigen::Index i = 0; i < col.size(); ++i) col(i) = -pi + 2 * pi * rng.uniform();
        },
        [](const Eigen::MatrixXd& x, Eigen::MatrixXd& y) {
            for (Eigen::Index k = 0; k < x.cols(); ++k)
                y(0, k) = std::sin(x(0, k)) + 7 * std::pow(std::sin(x(1, k)), 2) +
                          0.1 * std::pow(x(2, k), 4) * std::sin(x(0, k));
        });
    const double first[] = {0.3139, 0.4424, 0.0}, total[] = {0.5576, 0.4424, 0.2437};
    for (Eigen::Index i = 0; i < 3; ++i) {
        EXPECT_NEAR(r.first(i, 0), first[i], 0.03) << i;
        EXPECT_NEAR(r.total(i, 0), total[i], 0.03) << i;
    }
}

// root 100: A 50 (a1, a2), B 50 (b1, b2) where every unit has the same values on B's leaves.
Framework two_groups() {
    TreeBuilder t;
    const auto a = t.group(0, "A", points(50));
    t.leaf(a, "a1", relative(1), completion("a1"));
    t.leaf(a, "a2", relative(1), completion("a2"));
    const auto b = t.group(0, "B", points(50));
    t.leaf(b, "b1", relative(1), completion("b1"));
    t.leaf(b, "b2", relative(1), completion("b2"));
    return t.fw;
}

ScoreCard two_group_card(std::size_t units) {
    std::mt19937_64 gen(17);
    std::uniform_real_distribution<double> v(10, 100);
    std::vector<std::vector<double>> rows;
    for (std::size_t u = 0; u < units; ++u) rows.push_back({v(gen), v(gen), 30.0 + static_cast<double>(u), 80.0});
    return score(two_groups(), dataset({"a1", "a2", "b1", "b2"}, rows));
}

TEST(Sobol, InputsThatCannotMoveARankHaveIndexZero) {
    TreeBuilder t;
    const auto a = t.group(0, "A", points(50));
    t.leaf(a, "a1", relative(1), completion("a1"));
    t.leaf(a, "a2", relative(1), completion("a2"));
    const auto b = t.group(0, "B", points(50));
    t.leaf(b, "b1", relative(1), completion("b1"));
    t.leaf(b, "b2", relative(1), completion("b2"));
    std::mt19937_64 gen(1);
    std::uniform_real_distribution<double> v(10, 100);
    std::vector<std::vector<double>> rows;
    for (int u = 0; u < 12; ++u) rows.push_back({v(gen), v(gen), 60.0, 40.0});  // B's leaves: the same for all
    const auto card = score(t.fw, dataset({"a1", "a2", "b1", "b2"}, rows));
    SobolOptions o;
    o.base_samples = 256;
    const auto r = sobol(card, {WeightUncertainty::dirichlet("A", 4.0), WeightUncertainty::dirichlet("B", 4.0)}, o);
    ASSERT_EQ(r.inputs.size(), 4u);
    EXPECT_EQ(r.inputs[2].node, "root/B/b1");
    // B's inner shares change every unit's total by the same amount: no rank moves with them.
    for (Eigen::Index u = 0; u < 12; ++u) {
        EXPECT_EQ(r.first(2, u), 0.0);
        EXPECT_EQ(r.total(2, u), 0.0);
        EXPECT_EQ(r.total(3, u), 0.0);
    }
    EXPECT_EQ(r.total_shift(2), 0.0);
    EXPECT_GT(r.total_shift(0), 0.1);
}

TEST(Sobol, IndicesAreBoundedAndThreadCountIndependent) {
    const auto card = two_group_card(30);
    SobolOptions o;
    o.base_samples = 300;
    o.threads = 1;
    const std::vector<WeightUncertainty> w{WeightUncertainty::dirichlet("", 5.0), WeightUncertainty::uniform("A", 0.5)};
    const auto one = sobol(card, w, o);
    o.threads = 3;
    const auto three = sobol(card, w, o);
    EXPECT_TRUE(one.first == three.first);
    EXPECT_TRUE(one.total == three.total);
    EXPECT_TRUE(one.total_shift == three.total_shift);
    EXPECT_EQ(one.runs, 300u * (4 + 2));
    // The mean rank shift has the most variance; its indices obey the textbook bounds up to sampling error.
    double sum_first = 0;
    for (Eigen::Index i = 0; i < 4; ++i) {
        sum_first += one.first_shift(i);
        EXPECT_LE(one.first_shift(i), one.total_shift(i) + 0.1) << i;
    }
    EXPECT_LE(sum_first, 1.1);
}

TEST(Sobol, BadOptionsAreRefused) {
    const auto card = two_group_card(5);
    SobolOptions o;
    o.base_samples = 1;
    expect_mentions(error_message<data_error>([&] { (void)sobol(card, {WeightUncertainty::dirichlet()}, o); }),
                    {"at least 2 base samples"});
}

}  // namespace
}  // namespace kaohe::test
