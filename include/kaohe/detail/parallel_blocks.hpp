// Runs numbered blocks of work on a few threads, with progress and cancellation, such that results never
// depend on the thread count: a block's work depends only on its number (its random stream is derived from
// it), and each thread's partial results are integers or are reduced in block order by the caller.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <exception>
#include <functional>
#include <limits>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "kaohe/error.hpp"

namespace kaohe::detail {

// The most worker threads a run starts: 4 per hardware thread. Results never depend on the count, so more would
// only cost memory (each thread keeps its own histograms) and, past the system's limits, fail to start.
inline unsigned max_threads() {
    return 4u * std::max(1u, std::thread::hardware_concurrency());
}

// The threads a run of `work` independent items uses: `requested` (0 = the hardware threads), at most
// max_threads() and at most one per item (at least 1).
inline unsigned thread_count(unsigned requested, std::size_t work) {
    unsigned t = requested != 0 ? requested : std::max(1u, std::thread::hardware_concurrency());
    t = std::min(t, max_threads());
    return static_cast<unsigned>(std::max<std::size_t>(1, std::min<std::size_t>(t, work)));
}

// Worker threads 1 .. n-1 running body(t), started as far as the system grants them. The caller runs body(0),
// then run_refused() runs the share of every thread that could not start on the calling thread, so each
// t in [0, n) runs exactly once whatever the system allows. The destructor joins: no exception path can leave
// a joinable std::thread behind (which would call std::terminate and kill a Jupyter kernel).
class ThreadGroup {
public:
    // `granted`: at most this many threads in all (the caller's included) start; tests use it to play a system
    // that refuses threads.
    template <class Body>
    ThreadGroup(unsigned n, const Body& body, unsigned granted = std::numeric_limits<unsigned>::max())
        : n_(n), refused_(std::max(1u, n)) {
        pool_.reserve(n_ > 0 ? n_ - 1 : 0);
        for (unsigned t = 1; t < n_; ++t) {
            if (t >= granted) {
                refused_ = t;
                break;
            }
            try {
                pool_.emplace_back(body, t);
            } catch (const std::system_error&) {  // e.g. EAGAIN: out of threads or memory for stacks
                refused_ = t;
                break;
            }
        }
    }
    ThreadGroup(const ThreadGroup&) = delete;
    ThreadGroup& operator=(const ThreadGroup&) = delete;
    ~ThreadGroup() { join(); }

    template <class Body>
    void run_refused(const Body& body) const {
        for (unsigned t = refused_; t < n_; ++t) body(t);
    }
    void join() {
        for (auto& th : pool_)
            if (th.joinable()) th.join();
    }
    [[nodiscard]] unsigned started() const { return static_cast<unsigned>(pool_.size()) + 1; }

private:
    unsigned n_;
    unsigned refused_;  // the first thread that did not start (n when all did)
    std::vector<std::thread> pool_;
};

// Calls work(thread, block) for every block in [0, blocks) on `threads` threads (0 = hardware threads).
// The calling thread is thread 0 and is the only one that calls `progress(done, blocks)`, between its
// blocks, so a Python callback can take the GIL there. progress returning false stops the run: remaining
// blocks are skipped and `cancelled` is thrown. An exception from any block, or from progress itself (a Python
// callback that raises), stops the run and is rethrown once every thread has been joined: an exception must never
// leave while worker threads are still joinable, which would terminate the process (and a Jupyter kernel).
template <class Work>
void run_blocks(std::size_t blocks, unsigned threads, const Work& work,
                const std::function<bool(std::size_t, std::size_t)>& progress) {
    threads = thread_count(threads, blocks);
    std::atomic<std::size_t> next{0}, done{0};
    std::atomic<bool> stop{false};
    std::exception_ptr failure;
    std::mutex failure_mutex;
    auto fail = [&] {
        std::lock_guard<std::mutex> lock(failure_mutex);
        if (!failure) failure = std::current_exception();
        stop = true;
    };
    // progress(done, blocks), with its exceptions kept like a block's; false when the run must stop.
    auto report = [&](std::size_t finished) {
        try {
            if (progress(finished, blocks)) return true;
        } catch (...) {
            fail();
        }
        stop = true;
        return false;
    };
    auto loop = [&](unsigned t) {
        for (;;) {
            if (stop.load(std::memory_order_relaxed)) return;
            const std::size_t b = next.fetch_add(1);
            if (b >= blocks) return;
            try {
                work(t, b);
            } catch (...) {
                fail();
                return;
            }
            done.fetch_add(1);
            if (t == 0 && progress && !report(done.load())) return;
        }
    };
    ThreadGroup group(threads, loop);
    loop(0);
    group.run_refused(loop);  // (blocks are taken from a shared counter: nothing is left for these)
    // Thread 0 ran out of blocks: keep reporting progress while the others finish theirs.
    while (progress && !stop && done.load() < std::min(blocks, next.load())) {
        if (!report(done.load())) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    group.join();
    if (failure) std::rethrow_exception(failure);
    if (stop)
        throw cancelled("stopped by request after " + std::to_string(done.load()) + " of " + std::to_string(blocks) +
                        " blocks");
    if (progress) progress(blocks, blocks);
}

}  // namespace kaohe::detail
