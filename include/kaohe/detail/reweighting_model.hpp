// The score card as a function of sampled weights: what Monte Carlo and Sobol studies evaluate millions of
// times. Built once from a ScoreCard; evaluating it never re-scores a rule.
//
//   raw draws X (inputs x samples) --shares()--> leaf factors F (per category, leaves x samples)
//   --totals()--> totals (ranked units x samples) --ranks--> histograms
//
// Fast path (every group arithmetic, no excluded leaf for a ranked unit): a unit's total is linear in its
// leaves' maxima, so totals = (leaf points of the category's units) x F + adjustments: one matrix product per
// category (Eigen GEMM, at the CPU's best compiled level: detail/kernels.hpp). Otherwise each sample re-aggregates the
// tree with scaled maxima (aggregation.hpp).
//
// Keys for ranking (fast path only): ranks need the order of the totals, not the totals, so keys() computes them
// in single precision, twice as fast, in deviation form: total = base + points x (factor - 1), where base (the
// total on the base weights) is exact and only the small deviation term goes through the float product. Each
// sample carries a rigorous bound on |key - exact total| (standard floating-point error analysis of a dot product,
// Higham 2002, section 3.1); the ranker (bucket_rank.hpp) re-ranks keys closer than twice that bound on
// exact_total(), so the ranks are those of the double-precision totals.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <numeric>
#include <string>
#include <vector>

#include <Eigen/Core>
#include <boost/random/normal_distribution.hpp>

#include "kaohe/aggregation.hpp"
#include "kaohe/detail/kernels.hpp"
#include "kaohe/detail/random.hpp"
#include "kaohe/error.hpp"
#include "kaohe/scorecard.hpp"
#include "kaohe/sensitivity/weight_uncertainty.hpp"

namespace kaohe::detail {

// The children of one uncertain node for a set of categories with the same base shares: one independent
// draw per sample.
struct DrawGroup {
    WeightDistribution distribution = WeightDistribution::dirichlet;
    double spread = 0.0;
    std::size_t node = 0;
    std::vector<std::size_t> categories;
    std::vector<std::size_t> children;  // framework node indices that apply to these categories
    std::vector<double> base_share;     // their base shares of the node (sum 1)
    std::vector<GammaSampler> gamma;    // Dirichlet: one sampler per child
    std::size_t first_input = 0;        // index of the first child's draw in a column of raw draws
};

inline std::size_t node_by_id_or_path(const Framework& fw, const std::string& key, const std::string& what) {
    if (key.empty()) return 0;
    for (std::size_t n = 0; n < fw.nodes.size(); ++n)
        if (fw.nodes[n].id == key || fw.path(n) == key) return n;
    throw framework_error({fw.source, key}, what + ": no node with this id or path");
}

// Per-thread scratch space for evaluating the model: raw draws, factors, totals.
struct ModelWorkspace {
    Eigen::MatrixXd x;                    // raw draws (inputs x samples)
    Eigen::MatrixXd child_factor;         // sampled share / base share per input (inputs x samples)
    std::vector<Eigen::MatrixXd> factor;  // [category] leaf factors (leaves x samples)
    Eigen::MatrixXd totals;               // ranked units x samples
    Eigen::MatrixXf delta;                // keys(): leaf factor - 1 of one category, in single precision
    Eigen::VectorXd delta_d;              // keys(): one column of leaf factor - 1, in double
    Eigen::MatrixXf keys;                 // keys(): ranked units x samples, within key_tol of the exact totals
    std::vector<double> key_tol;          // keys(): per sample, the bound on |key - exact total|
    bool keyed = false;                   // the last evaluation filled keys (keys()), not totals (totals())
    boost::random::normal_distribution<double> normal;
};

class ReweightingModel {
public:
    // `rows_like`: another model (of a variant score card) whose row order this one must use, so that row i is the
    // same unit in both; its ranked units must be exactly this card's.
    ReweightingModel(const ScoreCard& card, const std::vector<WeightUncertainty>& uncertain, bool by_category,
                     const ReweightingModel* rows_like = nullptr)
        : card_(card), fw_(*card.framework), by_category_(by_category) {
        if (uncertain.empty()) throw framework_error({fw_.source}, "no uncertain weights were given");
        build_groups(uncertain);
        build_units();
        if (rows_like) adopt_rows(*rows_like);
        build_leaf_factors();
        fast_ = is_linear();
        if (fast_) build_points();
    }

    [[nodiscard]] std::size_t inputs() const noexcept { return inputs_; }
    [[nodiscard]] std::size_t ranked() const noexcept { return ranked_.size(); }
    [[nodiscard]] const std::vector<std::size_t>& ranked_units() const noexcept { return ranked_; }
    // Row blocks of ranked units that are ranked together: one per category, or a single block.
    [[nodiscard]] const std::vector<std::pair<std::size_t, std::size_t>>& pools() const noexcept { return pools_; }
    [[nodiscard]] bool linear() const noexcept { return fast_; }
    [[nodiscard]] const std::vector<UncertainInput>& input_labels() const noexcept { return labels_; }

    // Fills ws.x (inputs x samples) with independent draws from `rng`, sample by sample.
    void draw(Xoshiro256pp& rng, ModelWorkspace& ws, Eigen::Index samples) const {
        Eigen::MatrixXd& x = ws.x;
        x.resize(static_cast<Eigen::Index>(inputs_), samples);
        for (Eigen::Index s = 0; s < x.cols(); ++s) {
            double* col = x.col(s).data();
            for (const DrawGroup& g : groups_) {
                double* out = col + g.first_input;
                if (g.distribution == WeightDistribution::dirichlet) {
                    for (std::size_t k = 0; k < g.children.size(); ++k) out[k] = g.gamma[k](rng, ws.normal);
                } else {
                    for (std::size_t k = 0; k < g.children.size(); ++k)
                        out[k] = 1.0 - g.spread + 2.0 * g.spread * rng.uniform();
                }
            }
        }
    }

    // ws.totals (ranked units x samples) for the raw draws in ws.x (inputs x samples).
    void totals(ModelWorkspace& ws) const {
        const Eigen::Index samples = ws.x.cols();
        Eigen::MatrixXd& out = ws.totals;
        ws.keyed = false;
        out.resize(static_cast<Eigen::Index>(ranked_.size()), samples);
        child_factors(ws.x, ws.child_factor);
        if (fast_) {
            ws.factor.resize(categories_);
            for (std::size_t c = 0; c < categories_; ++c) {
                if (rows_[c].second == 0) continue;
                leaf_factors(c, ws.child_factor, ws.factor[c]);
                gemm(points_[c], ws.factor[c],
                     out.middleRows(static_cast<Eigen::Index>(rows_[c].first),
                                    static_cast<Eigen::Index>(rows_[c].second)));
            }
            out.colwise() += offset_;
            return;
        }
        // General path: scale every node's maximum and aggregate the tree again.
        std::vector<std::string> problems;
        for (Eigen::Index s = 0; s < samples; ++s) {
            auto max_points = card_.weights.max_points;
            for (std::size_t c = 0; c < categories_; ++c)
                for (std::size_t n = 1; n < fw_.nodes.size(); ++n)
                    max_points[c][n] *= node_factor(c, n, ws.child_factor, s);
            const Eigen::MatrixXd ratio =
                aggregate_ratios(fw_, max_points, card_.unit_category, card_.leaves, card_.leaf_ratio, ids_, problems);
            if (!problems.empty())
                throw data_error({}, "re-aggregating with sampled weights failed: " + problems.front());
            for (std::size_t i = 0; i < ranked_.size(); ++i) {
                const std::size_t u = ranked_[i];
                out(static_cast<Eigen::Index>(i), s) =
                    ratio(static_cast<Eigen::Index>(u), 0) * max_points[card_.unit_category[u]][0] +
                    offset_(static_cast<Eigen::Index>(i));
            }
        }
    }

    // Evaluates the raw draws in ws.x: single-precision keys when only ranks are needed and the fast path applies,
    // else double totals. ws.keyed records which; rank_pools (monte_carlo.hpp) ranks either exactly.
    void evaluate(ModelWorkspace& ws, bool ranks_only) const {
        if (ranks_only && fast_)
            keys(ws);
        else
            totals(ws);
    }

    // Single-precision keys of the totals for the raw draws in ws.x, each within ws.key_tol[s] of the exact total
    // minus one constant (fast path only). ws.factor keeps the leaf factors, which exact_total() reads.
    //
    // key_i = float(base_i - shift + mean . delta + float(centred_i . delta)): the float product only carries each
    // row's departure from its category's mean points, which is about half the size of the points, so the error
    // bound, and with it the number of near ties re-ranked exactly, halves. The mean term is common to the category
    // and is added in double; the shift (one constant for all rows) keeps keys near zero, where floats are finest.
    void keys(ModelWorkspace& ws) const {
        const Eigen::Index samples = ws.x.cols();
        ws.keys.resize(static_cast<Eigen::Index>(ranked_.size()), samples);
        ws.keyed = true;
        ws.key_tol.assign(static_cast<std::size_t>(samples), 0.0);
        child_factors(ws.x, ws.child_factor);
        ws.factor.resize(categories_);
        constexpr double u = 0x1.0p-24;  // unit roundoff of float
        // + 4: rounding the centred points and the deltas to float (the deltas after a double subtraction)
        const double n = static_cast<double>(card_.leaves.size() + 4);
        const double gamma = n * u / (1 - n * u);
        for (std::size_t c = 0; c < categories_; ++c) {
            if (rows_[c].second == 0) continue;
            leaf_factors(c, ws.child_factor, ws.factor[c]);
            ws.delta = (ws.factor[c].array() - 1.0).cast<float>().matrix();
            const auto first = static_cast<Eigen::Index>(rows_[c].first);
            const auto rows = static_cast<Eigen::Index>(rows_[c].second);
            auto block = ws.keys.middleRows(first, rows);
            gemm(centred_f_[c], ws.delta, block);
            for (Eigen::Index s = 0; s < samples; ++s) {
                // |float product - centred x delta| <= gamma_(L+4) sum_j |c_ij||d_j| <= gamma ||c_i|| ||d|| (Cauchy-
                // Schwarz), and the key's own rounding to float adds at most u |key|. The mean term uses the double
                // deltas, so its error is within the double-precision allowance.
                const Eigen::VectorXd& d = ws.delta_d = (ws.factor[c].col(s).array() - 1.0).matrix();
                const double common = mean_points_[c].dot(d) - key_shift_;
                auto k = block.col(s);
                k = ((base_.segment(first, rows).array() + common) + k.cast<double>().array()).cast<float>().matrix();
                const double kmax = static_cast<double>(k.cwiseAbs().maxCoeff());
                const double dnorm = d.norm();
                double& tol = ws.key_tol[static_cast<std::size_t>(s)];
                tol = std::max(tol, gamma * max_row_norm_[c] * dnorm * (1 + 1e-6) + 1.01 * u * kmax +
                                        exact_slack_[c] * (1 + dnorm));
            }
        }
    }

    // The double-precision total of ranked row i in sample s, from the leaf factors keys() left in ws.factor.
    [[nodiscard]] double exact_total(std::size_t i, const ModelWorkspace& ws, Eigen::Index s) const {
        const std::size_t c = card_.unit_category[ranked_[i]];
        const auto local = static_cast<Eigen::Index>(i - rows_[c].first);
        return offset_(static_cast<Eigen::Index>(i)) + points_rows_[c].row(local).dot(ws.factor[c].col(s));
    }

private:
    void build_groups(const std::vector<WeightUncertainty>& uncertain) {
        categories_ = card_.weights.categories.size();
        std::vector<bool> seen(fw_.nodes.size(), false);
        for (std::size_t i = 0; i < uncertain.size(); ++i) {
            const WeightUncertainty& w = uncertain[i];
            const std::string where = "uncertain weights [" + std::to_string(i) + "] '" + w.node + "'";
            const std::size_t node = node_by_id_or_path(fw_, w.node, where);
            const Node& n = fw_.nodes[node];
            if (n.is_leaf())
                throw framework_error({fw_.source, fw_.path(node)}, where + ": a leaf has no children to re-weight");
            if (seen[node]) throw framework_error({fw_.source, fw_.path(node)}, where + ": this node is listed twice");
            seen[node] = true;
            if (w.distribution == WeightDistribution::dirichlet &&
                !(w.concentration > 0 && std::isfinite(w.concentration)))
                throw framework_error(
                    {fw_.source, fw_.path(node)},
                    where + ": the Dirichlet concentration must be a positive number, got " + fmt(w.concentration));
            if (w.distribution == WeightDistribution::uniform && !(w.spread >= 0 && w.spread < 1))
                throw framework_error({fw_.source, fw_.path(node)},
                                      where + ": the uniform spread must be in [0, 1), got " + fmt(w.spread));
            // Categories with the same base shares at this node share one draw.
            std::map<std::vector<double>, std::size_t> by_shares;
            for (std::size_t c = 0; c < categories_; ++c) {
                const auto& m = card_.weights.max_points[c];
                if (m[node] == 0.0) continue;  // the node does not apply to this category
                std::vector<double> shares;
                for (std::size_t ch : n.children) shares.push_back(m[ch] / m[node]);
                auto it = by_shares.find(shares);
                if (it != by_shares.end()) {
                    groups_[it->second].categories.push_back(c);
                    continue;
                }
                by_shares.emplace(shares, groups_.size());
                DrawGroup g;
                g.distribution = w.distribution;
                g.spread = w.spread;
                g.node = node;
                g.categories.push_back(c);
                for (std::size_t k = 0; k < n.children.size(); ++k)
                    if (shares[k] > 0) {
                        g.children.push_back(n.children[k]);
                        g.base_share.push_back(shares[k]);
                    }
                const double count = static_cast<double>(g.children.size());
                for (double s : g.base_share) g.gamma.emplace_back(w.concentration * count * s);
                g.first_input = inputs_;
                inputs_ += g.children.size();
                groups_.push_back(std::move(g));
            }
        }
        for (const DrawGroup& g : groups_)
            for (std::size_t ch : g.children) {
                UncertainInput in;
                in.node = fw_.path(ch);
                if (!fw_.categories.empty())
                    for (std::size_t c : g.categories) in.categories.push_back(card_.weights.categories[c]);
                labels_.push_back(std::move(in));
            }
        if (inputs_ == 0)
            throw framework_error({fw_.source}, "the uncertain nodes have no children that apply to any category");
    }

    void build_units() {
        for (const auto& u : card_.units) ids_.push_back(u.id);
        // Ranked units grouped by category (each category's rows are contiguous for its matrix product).
        rows_.assign(categories_, {0, 0});
        for (std::size_t c = 0; c < categories_; ++c) {
            rows_[c].first = ranked_.size();
            for (std::size_t u = 0; u < card_.units.size(); ++u)
                if (card_.unit_category[u] == c && !std::isnan(card_.rank(static_cast<Eigen::Index>(u))))
                    ranked_.push_back(u);
            // Rows in base-rank order: sampled totals are then nearly sorted (the ranker's passes touch memory in
            // order), and a unit's sampled ranks stay near its row, so the rank histogram's hot cells lie along
            // its diagonal and fit in cache. Ties keep unit order, so results do not depend on this order.
            std::stable_sort(ranked_.begin() + static_cast<std::ptrdiff_t>(rows_[c].first), ranked_.end(),
                             [&](std::size_t a, std::size_t b) {
                                 return card_.total(static_cast<Eigen::Index>(a)) >
                                        card_.total(static_cast<Eigen::Index>(b));
                             });
            rows_[c].second = ranked_.size() - rows_[c].first;
        }
        if (ranked_.empty()) throw data_error({}, "no unit is ranked, so there is no ranking to study");
        offset_.resize(static_cast<Eigen::Index>(ranked_.size()));
        for (std::size_t i = 0; i < ranked_.size(); ++i) {
            const auto u = static_cast<Eigen::Index>(ranked_[i]);
            offset_(static_cast<Eigen::Index>(i)) = card_.total(u) - card_.weighted_total(u);
        }
        if (by_category_) {
            for (const auto& r : rows_)
                if (r.second > 0) pools_.push_back(r);
        } else {
            pools_.emplace_back(0, ranked_.size());
        }
    }

    void adopt_rows(const ReweightingModel& other) {
        auto sorted = [](std::vector<std::size_t> v) {
            std::sort(v.begin(), v.end());
            return v;
        };
        if (sorted(ranked_) != sorted(other.ranked_) || rows_ != other.rows_ || pools_ != other.pools_)
            throw data_error({}, "it ranks other units than the base card (a veto, pool or category differs)");
        ranked_ = other.ranked_;
        for (std::size_t i = 0; i < ranked_.size(); ++i) {
            const auto u = static_cast<Eigen::Index>(ranked_[i]);
            offset_(static_cast<Eigen::Index>(i)) = card_.total(u) - card_.weighted_total(u);
        }
    }

    // For each category and leaf column, the (group, child slot) pairs whose factors scale the leaf.
    void build_leaf_factors() {
        path_.assign(categories_, std::vector<std::vector<std::pair<std::size_t, std::size_t>>>(fw_.nodes.size()));
        for (std::size_t gi = 0; gi < groups_.size(); ++gi) {
            const DrawGroup& g = groups_[gi];
            for (std::size_t k = 0; k < g.children.size(); ++k) {
                // every node in the child's subtree is scaled by this child's factor
                std::vector<std::size_t> stack{g.children[k]};
                while (!stack.empty()) {
                    const std::size_t n = stack.back();
                    stack.pop_back();
                    for (std::size_t c : g.categories) path_[c][n].emplace_back(gi, k);
                    for (std::size_t ch : fw_.nodes[n].children) stack.push_back(ch);
                }
            }
        }
    }

    bool is_linear() const {
        for (const Node& n : fw_.nodes)
            if (!n.is_leaf() && n.aggregation != Aggregation::arithmetic) return false;
        for (std::size_t u : ranked_) {
            const auto& m = card_.weights.max_points[card_.unit_category[u]];
            for (std::size_t j = 0; j < card_.leaves.size(); ++j)
                if (m[card_.leaves[j]] != 0.0 &&
                    std::isnan(card_.leaf_ratio(static_cast<Eigen::Index>(u), static_cast<Eigen::Index>(j))))
                    return false;  // excluded leaf: its siblings are re-weighted per unit, which is not linear
        }
        return true;
    }

    void build_points() {
        points_.resize(categories_);
        centred_f_.resize(categories_);
        mean_points_.resize(categories_);
        points_rows_.resize(categories_);
        max_row_norm_.assign(categories_, 0.0);
        exact_slack_.assign(categories_, 0.0);
        base_.resize(static_cast<Eigen::Index>(ranked_.size()));
        const auto leaves = static_cast<Eigen::Index>(card_.leaves.size());
        for (std::size_t c = 0; c < categories_; ++c) {
            points_[c].resize(static_cast<Eigen::Index>(rows_[c].second), leaves);
            const auto& m = card_.weights.max_points[c];
            for (std::size_t i = 0; i < rows_[c].second; ++i) {
                const auto u = static_cast<Eigen::Index>(ranked_[rows_[c].first + i]);
                for (Eigen::Index j = 0; j < leaves; ++j) {
                    const double mx = m[card_.leaves[static_cast<std::size_t>(j)]];
                    points_[c](static_cast<Eigen::Index>(i), j) = mx == 0.0 ? 0.0 : card_.leaf_ratio(u, j) * mx;
                }
            }
            points_rows_[c] = points_[c];
            mean_points_[c] = points_[c].rows() ? Eigen::VectorXd(points_[c].colwise().mean().transpose())
                                                : Eigen::VectorXd::Zero(leaves);
            const Eigen::MatrixXd centred = points_[c].rowwise() - mean_points_[c].transpose();
            centred_f_[c] = centred.cast<float>();
            const auto first = static_cast<Eigen::Index>(rows_[c].first);
            for (Eigen::Index i = 0; i < points_[c].rows(); ++i) {
                base_(first + i) = offset_(first + i) + points_[c].row(i).sum();
                max_row_norm_[c] = std::max(max_row_norm_[c], centred.row(i).norm());
                // The double-precision parts (base, the sum into a key, exact_total) are off by at most about
                // (L + 2) 2^-53 times these magnitudes; counted generously so the bound stays rigorous.
                const double mag = std::abs(offset_(first + i)) + points_[c].row(i).cwiseAbs().sum();
                exact_slack_[c] = std::max(exact_slack_[c], 8.0 * static_cast<double>(leaves + 4) * 0x1.0p-53 * mag);
            }
        }
        key_shift_ = base_.size() ? base_.mean() : 0.0;
        for (double& e : exact_slack_) e += 4 * 0x1.0p-53 * std::abs(key_shift_);
    }

    // f(input, s) = sampled share / base share of the input's child.
    void child_factors(const Eigen::MatrixXd& x, Eigen::MatrixXd& f) const {
        f.resize(x.rows(), x.cols());
        for (Eigen::Index s = 0; s < x.cols(); ++s) {
            const double* in = x.col(s).data();
            double* out = f.col(s).data();
            for (const DrawGroup& g : groups_) {
                const std::size_t k0 = g.first_input, kn = g.children.size();
                double sum = 0;
                if (g.distribution == WeightDistribution::dirichlet) {
                    for (std::size_t k = 0; k < kn; ++k) sum += in[k0 + k];
                    for (std::size_t k = 0; k < kn; ++k) out[k0 + k] = in[k0 + k] / (sum * g.base_share[k]);
                } else {
                    for (std::size_t k = 0; k < kn; ++k) sum += in[k0 + k] * g.base_share[k];
                    for (std::size_t k = 0; k < kn; ++k) out[k0 + k] = in[k0 + k] / sum;
                }
            }
        }
    }

    double node_factor(std::size_t c, std::size_t node, const Eigen::MatrixXd& child, Eigen::Index s) const {
        double f = 1.0;
        for (const auto& [g, k] : path_[c][node]) f *= child(static_cast<Eigen::Index>(groups_[g].first_input + k), s);
        return f;
    }

    void leaf_factors(std::size_t c, const Eigen::MatrixXd& child, Eigen::MatrixXd& f) const {
        const auto leaves = static_cast<Eigen::Index>(card_.leaves.size());
        f.resize(leaves, child.cols());
        for (Eigen::Index s = 0; s < f.cols(); ++s)
            for (Eigen::Index j = 0; j < leaves; ++j)
                f(j, s) = node_factor(c, card_.leaves[static_cast<std::size_t>(j)], child, s);
    }

    const ScoreCard& card_;
    const Framework& fw_;
    bool by_category_;
    std::size_t categories_ = 0;
    std::vector<DrawGroup> groups_;
    std::size_t inputs_ = 0;
    std::vector<UncertainInput> labels_;
    std::vector<std::string> ids_;
    std::vector<std::size_t> ranked_;
    std::vector<std::pair<std::size_t, std::size_t>> rows_;   // [category] (first row, rows)
    std::vector<std::pair<std::size_t, std::size_t>> pools_;  // ranking pools as row blocks
    Eigen::VectorXd offset_;                                  // adjustments of each ranked unit
    std::vector<std::vector<std::vector<std::pair<std::size_t, std::size_t>>>> path_;  // [c][node] -> factors
    bool fast_ = false;
    std::vector<Eigen::MatrixXd> points_;  // [c]: leaf points of the category's ranked units
    // keys(): the same points in single precision, row-major doubles for exact_total(), and the error bound's parts
    std::vector<Eigen::MatrixXf> centred_f_;  // [c]: points minus the category's column means
    std::vector<Eigen::VectorXd> mean_points_;
    std::vector<Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> points_rows_;
    Eigen::VectorXd base_;  // total on the base weights (factor 1) of each ranked row: offset + sum of points
    std::vector<double> max_row_norm_, exact_slack_;  // [c]: largest centred row norm; double rounding allowance
    double key_shift_ = 0.0;
};

}  // namespace kaohe::detail
