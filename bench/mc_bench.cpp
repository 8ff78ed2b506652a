// Monte Carlo benchmark: the workload of ../shared/bench/mc_numpy_baseline.py (1,000 units x 100 leaf
// indicators x 100,000 Dirichlet weight samples, full rank histograms), run by kaohe::monte_carlo, and bare
// Eigen matrix products of the same shapes (units x indicators times indicators x samples, chunked, same
// threads), in double and in single precision, measured in the same run. Prints one JSON line; bench/mc_bench.py adds
// the numpy baseline and the ratios, and bench/RESULTS.md records them.
//
//   kaohe_mc_bench [--units N] [--indicators L] [--samples S] [--threads T] [--concentration C] [--seed K]
//                  [--block B]
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "kaohe/cpu.hpp"
#include "kaohe/detail/kernels.hpp"

#include <kaohe/score.hpp>
#include <kaohe/sensitivity/monte_carlo.hpp>
#include <kaohe/sensitivity/stability.hpp>

namespace {

using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point t0) {
    return std::chrono::duration<double>(clock_type::now() - t0).count();
}

double peak_rss_mb() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_maxrss) / 1024.0;  // Linux reports kilobytes
}

// A flat framework: `leaves` indicators under the root with relative weights w0 (uniform in [0.5, 1.5) as in
// the numpy baseline); each leaf's ratio is its score / 100, so a total is sum_j score_j x w_j.
kaohe::Framework make_framework(const std::vector<double>& w0) {
    kaohe::Framework fw;
    fw.total = 100;
    kaohe::Node root;
    root.id = "root";
    fw.nodes.push_back(root);
    for (std::size_t j = 0; j < w0.size(); ++j) {
        kaohe::Node leaf;
        leaf.id = "i" + std::to_string(j);
        leaf.weight = {kaohe::WeightKind::relative, w0[j]};
        leaf.parent = 0;
        kaohe::LinearRule r;
        r.input.item = leaf.id;
        r.zero_at = kaohe::Reference::fixed(0);
        r.full_at = kaohe::Reference::fixed(100);
        leaf.rule = r;
        fw.nodes.push_back(leaf);
        fw.nodes[0].children.push_back(fw.nodes.size() - 1);
    }
    return fw;
}

}  // namespace

int main(int argc, char** argv) {
    std::size_t units = 1000, leaves = 100, samples = 100000;
    unsigned threads = 0;
    double concentration = 50;
    std::uint64_t seed = 1;
    std::size_t block = 256;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i];
        const char* v = argv[i + 1];
        if (a == "--units")
            units = std::strtoul(v, nullptr, 10);
        else if (a == "--indicators")
            leaves = std::strtoul(v, nullptr, 10);
        else if (a == "--samples")
            samples = std::strtoul(v, nullptr, 10);
        else if (a == "--threads")
            threads = static_cast<unsigned>(std::strtoul(v, nullptr, 10));
        else if (a == "--concentration")
            concentration = std::strtod(v, nullptr);
        else if (a == "--seed")
            seed = std::strtoull(v, nullptr, 10);
        else if (a == "--block")
            block = std::strtoul(v, nullptr, 10);
        else {
            std::fprintf(stderr, "unknown option %s\n", argv[i]);
            return 64;
        }
    }
    if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());

    std::mt19937_64 gen(seed);
    std::uniform_real_distribution<double> score(0.0, 100.0), weight(0.5, 1.5);
    std::vector<double> w0(leaves);
    for (auto& w : w0) w = weight(gen);
    kaohe::Dataset data;
    data.values.resize(static_cast<Eigen::Index>(units), static_cast<Eigen::Index>(leaves));
    for (std::size_t j = 0; j < leaves; ++j) data.items.push_back("i" + std::to_string(j));
    for (std::size_t u = 0; u < units; ++u) {
        data.units.push_back({"u" + std::to_string(u), "", "", true});
        for (std::size_t j = 0; j < leaves; ++j)
            data.values(static_cast<Eigen::Index>(u), static_cast<Eigen::Index>(j)) = score(gen);
    }
    const auto card = kaohe::score(make_framework(w0), data);

    kaohe::MonteCarloOptions opt;
    opt.samples = samples;
    opt.seed = seed;
    opt.threads = threads;
    opt.block = block;
    kaohe::WeightUncertainty root;
    root.concentration = concentration;
    auto t0 = clock_type::now();
    const auto mc = kaohe::monte_carlo(card, {root}, opt);
    const double kaohe_s = seconds_since(t0);
    const double kaohe_rss = peak_rss_mb();
    long long checksum = 0;  // same definition as the numpy baseline's
    for (Eigen::Index u = 0; u < mc.rank_counts.rows(); ++u) {
        long long s = 0;
        for (Eigen::Index r = 0; r < mc.rank_counts.cols(); ++r) s += mc.rank_counts(u, r) * (r + 1);
        checksum += s * u;
    }

    // Bare GEMMs: the same shapes and blocks, on the same threads, with nothing else; in double precision (the
    // issue's baseline) and in single precision (what kaohe's ranking path multiplies in).
    const auto bare_gemm = [&](auto scalar) {
        using Matrix = Eigen::Matrix<decltype(scalar), Eigen::Dynamic, Eigen::Dynamic>;
        const Matrix s = card.leaf_points().cast<decltype(scalar)>();
        const Matrix w = Matrix::Random(static_cast<Eigen::Index>(leaves), static_cast<Eigen::Index>(opt.block));
        std::vector<double> sink(threads);
        const auto start = clock_type::now();
        const std::size_t blocks = (samples + opt.block - 1) / opt.block;
        std::vector<std::thread> pool;
        for (unsigned t = 0; t < threads; ++t)
            pool.emplace_back([&, t] {
                Matrix out(s.rows(), w.cols());
                double acc = 0;
                for (std::size_t b = t; b < blocks; b += threads) {
                    kaohe::detail::gemm(s, w, out);  // the dispatched kernel kaohe uses
                    acc += static_cast<double>(out(0, 0));
                }
                sink[t] = acc;
            });
        for (auto& th : pool) th.join();
        const double elapsed = seconds_since(start);
        double total = 0;
        for (double x : sink) total += x;
        return std::make_pair(elapsed, total);
    };
    const auto [gemm_s, sink_double] = bare_gemm(0.0);
    const auto [gemm_float_s, sink_float] = bare_gemm(0.0f);

    // Exact stability of every weight (all leaves' shares of the root), full ranking and top 10.
    t0 = clock_type::now();
    const auto intervals = kaohe::stability(card);
    const double stability_s = seconds_since(t0);
    double width = 0;
    for (const auto& iv : intervals.nodes) width += iv.ranking.upper - iv.ranking.lower;
    const double sink_sum = sink_double + sink_float;
    const kaohe::CpuInfo cpu = kaohe::cpu_info();

    std::printf(
        "{\"units\": %zu, \"indicators\": %zu, \"samples\": %zu, \"threads\": %u, \"kaohe_seconds\": %.4f, "
        "\"gemm_seconds\": %.4f, \"ratio_to_gemm\": %.2f, \"gemm_float_seconds\": %.4f, \"ratio_to_gemm_float\": %.2f, "
        "\"peak_rss_mb\": %.1f, \"linear_path\": %s, "
        "\"mean_abs_rank_shift\": %.4f, \"checksum\": %lld, \"stability_seconds\": %.4f, \"stability_weights\": %zu, "
        "\"mean_interval_width\": %.3g, \"kernel_level\": \"%s\", \"build\": \"%s\", \"sink\": %.1f}\n",
        units, leaves, samples, threads, kaohe_s, gemm_s, kaohe_s / gemm_s, gemm_float_s, kaohe_s / gemm_float_s,
        kaohe_rss, mc.linear ? "true" : "false", mc.mean_abs_shift(), checksum, stability_s, intervals.nodes.size(),
        width / static_cast<double>(intervals.nodes.size()), cpu.level.c_str(), cpu.build.c_str(), sink_sum);
    return 0;
}
