// Worker threads (detail/parallel_blocks.hpp): the thread count is capped, a thread the system refuses costs
// nothing but time (its share runs on the calling thread), and studies asked for absurd thread counts give the
// same results instead of terminating the process.
#include <gtest/gtest.h>

#include <atomic>
#include <vector>

#include <kaohe/detail/parallel_blocks.hpp>
#include <kaohe/mcda/decision_matrix.hpp>
#include <kaohe/sensitivity/monte_carlo.hpp>

#include "support.hpp"

namespace kaohe::test {
namespace {

TEST(Threads, CountIsCappedAndNeverZero) {
    const unsigned cap = detail::max_threads();
    EXPECT_EQ(cap, 4u * std::max(1u, std::thread::hardware_concurrency()));
    EXPECT_EQ(detail::thread_count(1000000, 1u << 30), cap);
    EXPECT_EQ(detail::thread_count(3, 1u << 30), std::min(3u, cap));
    EXPECT_EQ(detail::thread_count(8, 2), 2u);  // one per item at most
    EXPECT_EQ(detail::thread_count(8, 0), 1u);
    EXPECT_EQ(detail::thread_count(0, 1u << 30), std::max(1u, std::thread::hardware_concurrency()));
}

TEST(Threads, EveryShareRunsOnceWhenTheSystemRefusesThreads) {
    for (unsigned granted : {0u, 1u, 2u, 5u, 100u}) {
        std::vector<std::atomic<int>> ran(6);
        auto body = [&](unsigned t) { ran[t].fetch_add(1); };
        {
            detail::ThreadGroup group(6, body, granted);
            EXPECT_EQ(group.started(), std::max(1u, std::min(6u, granted)));
            body(0);
            group.run_refused(body);
        }  // joined here
        for (unsigned t = 0; t < 6; ++t) EXPECT_EQ(ran[t].load(), 1) << "thread " << t << ", granted " << granted;
    }
}

TEST(Threads, AnAbsurdThreadCountGivesTheSameStudy) {
    TreeBuilder t;
    t.leaf(0, "a", points(50), completion("a"));
    t.leaf(0, "b", points(50), completion("b"));
    const auto card = score(t.fw, dataset({"a", "b"}, {{90, 10}, {50, 50}, {20, 80}, {70, 40}}));
    MonteCarloOptions o;
    o.samples = 20000;
    o.block = 16;  // 1250 blocks: before the cap, 1000 threads were started
    o.threads = 1;
    const auto one = monte_carlo(card, {WeightUncertainty::dirichlet("", 5.0)}, o);
    o.threads = 1000000;
    const auto many = monte_carlo(card, {WeightUncertainty::dirichlet("", 5.0)}, o);
    EXPECT_TRUE(one.rank_counts == many.rank_counts);
}

}  // namespace
}  // namespace kaohe::test
