// Scoring benchmark: 10,000 units x 1,000 leaves (10 groups of 100), against a bare loop that computes the
// same weighted completion scores in the same run. Prints one JSON line per case; record them in
// bench/RESULTS.md as ratios (machines are noisy; absolute seconds are for orientation only).
//
//   kaohe_score_bench [--units N] [--leaves L] [--repeat R]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include <kaohe/score.hpp>

namespace {

using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point t0) {
    return std::chrono::duration<double>(clock_type::now() - t0).count();
}

// 10 groups worth 10 points each; every leaf is `rule_for(leaf)` with an equal share of its group.
kaohe::Framework make_framework(std::size_t leaves, bool mixed) {
    kaohe::Framework fw;
    fw.total = 100;
    kaohe::Node root;
    root.id = "root";
    fw.nodes.push_back(root);
    const std::size_t groups = 10;
    for (std::size_t g = 0; g < groups; ++g) {
        kaohe::Node group;
        group.id = "g" + std::to_string(g);
        group.weight = {kaohe::WeightKind::points, 10.0};
        group.parent = 0;
        fw.nodes.push_back(group);
        const std::size_t gi = fw.nodes.size() - 1;
        fw.nodes[0].children.push_back(gi);
        for (std::size_t k = 0; k < leaves / groups; ++k) {
            kaohe::Node leaf;
            leaf.id = "i" + std::to_string(g * (leaves / groups) + k);
            leaf.weight = {kaohe::WeightKind::relative, 1.0};
            leaf.parent = static_cast<std::ptrdiff_t>(gi);
            kaohe::Input in;
            in.item = leaf.id;
            const std::size_t kind = mixed ? k % 4 : 0;
            if (kind == 0) {
                kaohe::CompletionRule r;
                r.input = in;
                r.target = kaohe::Reference::fixed(80);
                leaf.rule = r;
            } else if (kind == 1) {
                kaohe::LinearRule r;
                r.input = in;
                r.zero_at = kaohe::Reference::fixed(20);
                r.full_at = kaohe::Reference::fixed(90);
                leaf.rule = r;
            } else if (kind == 2) {
                kaohe::NormaliseRule r;
                r.input = in;
                leaf.rule = r;
            } else {
                kaohe::ShortfallRule r;
                r.input = in;
                r.reference.cohort = kaohe::CohortStat::mean;
                r.step = 5;
                r.deduct = 0.1;
                leaf.rule = r;
            }
            fw.nodes.push_back(leaf);
            fw.nodes[gi].children.push_back(fw.nodes.size() - 1);
        }
    }
    return fw;
}

kaohe::Dataset make_data(std::size_t units, const kaohe::Framework& fw) {
    kaohe::Dataset d;
    for (std::size_t u = 0; u < units; ++u) d.units.push_back({"u" + std::to_string(u), "", "", true});
    for (std::size_t leaf : fw.leaves()) d.items.push_back(fw.nodes[leaf].id);
    std::mt19937_64 rng(2019);
    std::uniform_real_distribution<double> value(0.0, 100.0);
    d.values.resize(static_cast<Eigen::Index>(units), static_cast<Eigen::Index>(d.items.size()));
    for (Eigen::Index j = 0; j < d.values.cols(); ++j)
        for (Eigen::Index u = 0; u < d.values.rows(); ++u) d.values(u, j) = value(rng);
    return d;
}

// The same weighted completion score written as a bare loop: what kaohe's engine costs on top of arithmetic.
Eigen::VectorXd bare_completion(const kaohe::Dataset& d, std::size_t groups) {
    const Eigen::Index units = d.values.rows(), leaves = d.values.cols();
    const double leaf_points = 100.0 / static_cast<double>(leaves);
    (void)groups;
    Eigen::VectorXd total = Eigen::VectorXd::Zero(units);
    for (Eigen::Index j = 0; j < leaves; ++j)
        for (Eigen::Index u = 0; u < units; ++u) total(u) += leaf_points * std::min(d.values(u, j) / 80.0, 1.0);
    return total;
}

template <class F>
double best_of(int repeat, F&& f) {
    double best = 1e300;
    for (int r = 0; r < repeat; ++r) {
        const auto t0 = clock_type::now();
        f();
        best = std::min(best, seconds_since(t0));
    }
    return best;
}

}  // namespace

int main(int argc, char** argv) {
    std::size_t units = 10000, leaves = 1000;
    int repeat = 3;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i];
        if (a == "--units") units = std::strtoul(argv[i + 1], nullptr, 10);
        if (a == "--leaves") leaves = std::strtoul(argv[i + 1], nullptr, 10);
        if (a == "--repeat") repeat = std::atoi(argv[i + 1]);
    }
    for (bool mixed : {false, true}) {
        const kaohe::Framework fw = make_framework(leaves, mixed);
        const kaohe::Dataset data = make_data(units, fw);
        kaohe::ScoreCard card;
        const double t_kaohe = best_of(repeat, [&] { card = kaohe::score(fw, data); });
        Eigen::VectorXd bare;
        const double t_bare = best_of(repeat, [&] { bare = bare_completion(data, 10); });
        const double diff = mixed ? 0.0 : (card.total - bare).cwiseAbs().maxCoeff();
        std::printf(
            "{\"case\": \"%s\", \"units\": %zu, \"leaves\": %zu, \"kaohe_s\": %.4f, \"bare_loop_s\": %.4f, "
            "\"ratio\": %.2f, \"max_abs_diff\": %.3g}\n",
            mixed ? "mixed rules" : "completion", units, leaves, t_kaohe, t_bare, t_kaohe / t_bare, diff);
    }
    return 0;
}
