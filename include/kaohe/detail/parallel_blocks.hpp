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
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "kaohe/error.hpp"

namespace kaohe::detail {

// Calls work(thread, block) for every block in [0, blocks) on `threads` threads (0 = hardware threads).
// The calling thread is thread 0 and is the only one that calls `progress(done, blocks)`, between its
// blocks, so a Python callback can take the GIL there. progress returning false stops the run: remaining
// blocks are skipped and `cancelled` is thrown. An exception from any block, or from progress itself (a Python
// callback that raises), stops the run and is rethrown once every thread has been joined: an exception must never
// leave while worker threads are still joinable, which would terminate the process (and a Jupyter kernel).
template <class Work>
void run_blocks(std::size_t blocks, unsigned threads, const Work& work,
                const std::function<bool(std::size_t, std::size_t)>& progress) {
    if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
    threads = static_cast<unsigned>(std::min<std::size_t>(threads, std::max<std::size_t>(blocks, 1)));
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
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads; ++t) pool.emplace_back(loop, t);
    loop(0);
    // Thread 0 ran out of blocks: keep reporting progress while the others finish theirs.
    while (progress && !stop && done.load() < std::min(blocks, next.load())) {
        if (!report(done.load())) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    for (auto& th : pool) th.join();
    if (failure) std::rethrow_exception(failure);
    if (stop)
        throw cancelled("stopped by request after " + std::to_string(done.load()) + " of " + std::to_string(blocks) +
                        " blocks");
    if (progress) progress(blocks, blocks);
}

}  // namespace kaohe::detail
