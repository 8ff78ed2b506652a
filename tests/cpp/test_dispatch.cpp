// Runtime CPU dispatch (detail/kernel_table.hpp, src/kernels/): the detected level agrees with the compiler's
// own CPU feature test, every level this CPU runs computes the same products as Eigen, and the level can be
// capped. Which levels exist depends on the CPU, so the assertions are about consistency, never about a model.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <random>
#include <string>

#include <kaohe/cpu.hpp>
#include <kaohe/detail/kernels.hpp>

namespace kaohe::test {
namespace {

bool contains(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

// Restores the default (best) level when a test has switched it.
struct LevelGuard {
    ~LevelGuard() { detail::use_kernel_level(cpu_info().best.c_str()); }
};

TEST(Dispatch, ChoosesTheBestCompiledLevelTheCpuRuns) {
    const CpuInfo info = cpu_info();
    ASSERT_FALSE(info.compiled.empty());
    EXPECT_TRUE(info.compiled.front() == "x86-64" || info.compiled.front() == "generic") << info.compiled.front();
    ASSERT_FALSE(info.supported.empty());
    EXPECT_EQ(info.supported.front(), info.compiled.front()) << "the baseline always runs";
    for (const auto& s : info.supported) EXPECT_TRUE(contains(info.compiled, s)) << s;
    // supported is a prefix of compiled: the levels are nested
    for (std::size_t i = 0; i < info.supported.size(); ++i) EXPECT_EQ(info.supported[i], info.compiled[i]);
    EXPECT_EQ(info.best, info.supported.back());
    if (info.cap.empty()) {
        EXPECT_EQ(info.level, info.best);
    }
    EXPECT_TRUE(contains(info.supported, info.level));
    EXPECT_TRUE(info.build == "portable" || info.build == "native") << info.build;
    EXPECT_EQ(std::string(detail::kernel_table().level), info.level);
}

#if (defined(__x86_64__) || defined(_M_X64)) && (defined(__GNUC__) || defined(__clang__))
// The hand-written CPUID test against the compiler runtime's (which also checks that the OS saves AVX state).
TEST(Dispatch, DetectionAgreesWithTheCompilersCpuFeatureTest) {
    __builtin_cpu_init();
    const CpuInfo info = cpu_info();
    const bool v2 =
        __builtin_cpu_supports("sse4.2") && __builtin_cpu_supports("popcnt") && __builtin_cpu_supports("ssse3");
    const bool v3 = v2 && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
                    __builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2");
    const bool v4 = v3 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                    __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl") &&
                    __builtin_cpu_supports("avx512cd");
    if (contains(info.compiled, "x86-64-v2")) {
        EXPECT_EQ(contains(info.supported, "x86-64-v2"), v2);
    }
    if (contains(info.compiled, "x86-64-v3")) {
        EXPECT_EQ(contains(info.supported, "x86-64-v3"), v3);
    }
    if (contains(info.compiled, "x86-64-v4")) {
        EXPECT_EQ(contains(info.supported, "x86-64-v4"), v4);
    }
}
#endif

// Every level's products equal Eigen's, for odd shapes, empty ones and strided blocks (the Monte Carlo products
// write into row blocks of a taller matrix).
TEST(Dispatch, EveryRunnableLevelMultipliesLikeEigen) {
    LevelGuard guard;
    std::mt19937_64 gen(3);
    std::uniform_real_distribution<double> x(-2, 2);
    const std::vector<std::array<Eigen::Index, 3>> shapes{{0, 0, 0}, {1, 1, 1},   {3, 0, 5},       {0, 4, 2},
                                                          {7, 5, 0}, {17, 33, 9}, {128, 256, 100}, {301, 65, 257}};
    for (const std::string& level : cpu_info().supported) {
        ASSERT_TRUE(detail::use_kernel_level(level.c_str())) << level;
        ASSERT_EQ(std::string(detail::kernel_table().level), level);
        for (const auto& [m, n, k] : shapes) {
            Eigen::MatrixXd a(m, k), b(k, n);
            for (Eigen::Index i = 0; i < a.size(); ++i) a.data()[i] = x(gen);
            for (Eigen::Index i = 0; i < b.size(); ++i) b.data()[i] = x(gen);
            const Eigen::MatrixXd expected = a * b;
            Eigen::MatrixXd tall = Eigen::MatrixXd::Constant(m + 5, n, 99.0);  // c is rows 2..m+1 of tall
            detail::gemm(a, b, tall.middleRows(2, m));
            const double scale = 1e-14 * static_cast<double>(k + 1) * 4;
            for (Eigen::Index j = 0; j < n; ++j) {
                for (Eigen::Index i = 0; i < m; ++i)
                    ASSERT_NEAR(tall(2 + i, j), expected(i, j), scale) << level << " " << m << "x" << n << "x" << k;
                for (Eigen::Index i : {Eigen::Index(0), Eigen::Index(1), m + 2, m + 3, m + 4})
                    ASSERT_EQ(tall(i, j), 99.0) << level << ": wrote outside the block";
            }
            const Eigen::MatrixXf af = a.cast<float>(), bf = b.cast<float>();
            const Eigen::MatrixXf expected_f = af * bf;
            Eigen::MatrixXf cf(m, n);
            detail::gemm(af, bf, cf);
            for (Eigen::Index i = 0; i < cf.size(); ++i)
                ASSERT_NEAR(cf.data()[i], expected_f.data()[i], 2e-6f * static_cast<float>(k + 1) * 4) << level;
        }
    }
}

TEST(Dispatch, UnknownOrUnrunnableLevelsAreRefused) {
    LevelGuard guard;
    const CpuInfo info = cpu_info();
    EXPECT_FALSE(detail::use_kernel_level("x86-64-v9"));
    EXPECT_FALSE(detail::use_kernel_level(""));
    EXPECT_FALSE(detail::use_kernel_level(nullptr));
    for (const auto& level : info.compiled)
        EXPECT_EQ(detail::use_kernel_level(level.c_str()), contains(info.supported, level)) << level;
    EXPECT_EQ(std::string(detail::kernel_table().level), info.supported.back());
}

// KAOHE_CPU_LEVEL caps the level; a value that is not a compiled level, or above the CPU, is reported, not used.
TEST(Dispatch, TheEnvironmentCapIsCheckedAndExplained) {
    const char* old = std::getenv("KAOHE_CPU_LEVEL");
    const std::string saved = old ? old : "";
    ::setenv("KAOHE_CPU_LEVEL", "pentium", 1);
    CpuInfo info = cpu_info();
    EXPECT_EQ(info.cap, "pentium");
    EXPECT_NE(info.note.find("not a compiled level"), std::string::npos) << info.note;
    EXPECT_NE(info.note.find(info.compiled.front()), std::string::npos) << info.note;
    ::setenv("KAOHE_CPU_LEVEL", info.compiled.front().c_str(), 1);
    EXPECT_EQ(cpu_info().note, "");
    if (info.supported.size() < info.compiled.size()) {
        ::setenv("KAOHE_CPU_LEVEL", info.compiled.back().c_str(), 1);
        EXPECT_NE(cpu_info().note.find("above what this CPU runs"), std::string::npos);
    }
    if (old)
        ::setenv("KAOHE_CPU_LEVEL", saved.c_str(), 1);
    else
        ::unsetenv("KAOHE_CPU_LEVEL");
}

}  // namespace
}  // namespace kaohe::test
