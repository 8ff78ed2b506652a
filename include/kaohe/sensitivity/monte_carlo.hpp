// Monte Carlo uncertainty analysis of the ranking: how the ranks move when the weights are sampled.
//
// The score card's leaf ratios are fixed (the rules are not re-scored); each sample re-weights them
// (detail/reweighting_model.hpp), ranks the totals (detail/bucket_rank.hpp) and adds the ranks to a
// histogram. Samples run in blocks of `block`; block b draws from random stream (seed, b), and the
// histograms are integer counts, so a given seed gives bit-identical results whatever the thread count.
// Memory is fixed by the number of units, never by the number of samples.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "kaohe/detail/bucket_rank.hpp"
#include "kaohe/detail/parallel_blocks.hpp"
#include "kaohe/detail/random.hpp"
#include "kaohe/detail/reweighting_model.hpp"
#include "kaohe/detail/scoring_trace.hpp"
#include "kaohe/grading.hpp"
#include "kaohe/leaf_scoring.hpp"
#include "kaohe/rounding.hpp"
#include "kaohe/scorecard.hpp"
#include "kaohe/sensitivity/weight_uncertainty.hpp"

namespace kaohe {

enum class RankScope {
    automatic,  // within each category when the framework declares categories, else overall
    overall,    // all ranked units together
    category    // within each unit's category
};

struct MonteCarloOptions {
    std::size_t samples = 10000;
    std::uint64_t seed = 1;
    unsigned threads = 0;     // 0 = all hardware threads; results do not depend on it
    std::size_t block = 256;  // samples per block: one random stream and one matrix product per block
    RankScope scope = RankScope::automatic;
    // Count each unit's grade per sample (bands, vetoes, quotas and overrides, as in scoring). Costs a sort and
    // a grading pass per sample; ignored when the framework has no grade bands.
    bool grades = true;
    // Discrete alternatives (as COINr samples them): score cards of the same units on variant frameworks (another
    // normalisation, aggregation or missing-data policy). Each sample uses the base card or one of these, chosen
    // uniformly at random, with the same sampled weights.
    std::vector<std::shared_ptr<const ScoreCard>> alternatives;
    // Called on the calling thread with (blocks done, blocks); return false to stop (throws `cancelled`).
    std::function<bool(std::size_t, std::size_t)> progress;
};

using CountMatrix = Eigen::Matrix<std::int64_t, Eigen::Dynamic, Eigen::Dynamic>;

struct MonteCarloResult {
    std::vector<std::string> unit_ids;
    std::size_t samples = 0;
    std::uint64_t seed = 0;
    bool by_category = false;
    bool linear = false;                 // whether the fast (matrix product) path was used
    std::vector<UncertainInput> inputs;  // the independent random inputs
    Eigen::VectorXd base_rank;           // rank in the same scope on the framework's weights; NaN if unranked
    // rank_counts(u, r - 1): samples in which unit u had rank r (competition ranks: ties share the best).
    // Rows of unranked units (disqualified, outside every pool) are zero.
    CountMatrix rank_counts;
    // With discrete alternatives: samples that used the base card [0] and each alternative [1..].
    std::vector<std::int64_t> alternative_samples;
    // grade_counts(u, g): samples in which unit u got grade grade_ids[g] ("" = not graded, e.g. disqualified).
    // Empty when grades were not counted.
    std::vector<std::string> grade_ids;
    CountMatrix grade_counts;
    // P(grade) for one unit, by grade id.
    [[nodiscard]] double p_grade(std::size_t u, const std::string& grade) const {
        for (std::size_t g = 0; g < grade_ids.size(); ++g)
            if (grade_ids[g] == grade)
                return static_cast<double>(grade_counts(static_cast<Eigen::Index>(u), static_cast<Eigen::Index>(g))) /
                       static_cast<double>(samples);
        throw data_error({{}, "grade '" + grade + "'"}, "no such grade in this study");
    }

    [[nodiscard]] std::size_t find_unit(const std::string& id) const {
        for (std::size_t i = 0; i < unit_ids.size(); ++i)
            if (unit_ids[i] == id) return i;
        throw data_error({{}, "unit '" + id + "'"}, "no such unit in this study");
    }
    [[nodiscard]] bool ranked(std::size_t u) const { return !std::isnan(base_rank(static_cast<Eigen::Index>(u))); }
    // Smallest rank r with P(rank <= r) >= q (q in (0, 1]); NaN for an unranked unit.
    [[nodiscard]] double rank_quantile(std::size_t u, double q) const {
        if (!ranked(u)) return std::numeric_limits<double>::quiet_NaN();
        const auto need = static_cast<double>(samples) * q;
        std::int64_t acc = 0;
        for (Eigen::Index r = 0; r < rank_counts.cols(); ++r) {
            acc += rank_counts(static_cast<Eigen::Index>(u), r);
            if (static_cast<double>(acc) >= need && acc > 0) return static_cast<double>(r + 1);
        }
        return static_cast<double>(rank_counts.cols());
    }
    [[nodiscard]] double median_rank(std::size_t u) const { return rank_quantile(u, 0.5); }
    [[nodiscard]] double mean_rank(std::size_t u) const {
        if (!ranked(u)) return std::numeric_limits<double>::quiet_NaN();
        double s = 0;
        for (Eigen::Index r = 0; r < rank_counts.cols(); ++r)
            s += static_cast<double>(rank_counts(static_cast<Eigen::Index>(u), r)) * static_cast<double>(r + 1);
        return s / static_cast<double>(samples);
    }
    // P(rank <= k).
    [[nodiscard]] double p_top(std::size_t u, std::size_t k) const {
        if (!ranked(u)) return std::numeric_limits<double>::quiet_NaN();
        std::int64_t acc = 0;
        for (Eigen::Index r = 0; r < std::min<Eigen::Index>(static_cast<Eigen::Index>(k), rank_counts.cols()); ++r)
            acc += rank_counts(static_cast<Eigen::Index>(u), r);
        return static_cast<double>(acc) / static_cast<double>(samples);
    }
    // Mean |sampled rank - base rank| of one unit.
    [[nodiscard]] double mean_abs_shift(std::size_t u) const {
        if (!ranked(u)) return std::numeric_limits<double>::quiet_NaN();
        const double base = base_rank(static_cast<Eigen::Index>(u));
        double s = 0;
        for (Eigen::Index r = 0; r < rank_counts.cols(); ++r)
            s += static_cast<double>(rank_counts(static_cast<Eigen::Index>(u), r)) *
                 std::abs(static_cast<double>(r + 1) - base);
        return s / static_cast<double>(samples);
    }
    // Mean over ranked units of mean_abs_shift: COINr's "mean absolute rank shift" of a study.
    [[nodiscard]] double mean_abs_shift() const {
        double s = 0;
        std::size_t n = 0;
        for (std::size_t u = 0; u < unit_ids.size(); ++u)
            if (ranked(u)) {
                s += mean_abs_shift(u);
                ++n;
            }
        return n ? s / static_cast<double>(n) : std::numeric_limits<double>::quiet_NaN();
    }
};

namespace detail {

inline bool rank_by_category(const ScoreCard& card, RankScope scope) {
    if (scope == RankScope::automatic) return card.framework->categories.size() > 1;
    return scope == RankScope::category;
}

// Ranks of ranked units (rows of `totals`, column `s`) within each pool, written to `rank` (one per row).
template <class Rank>
void rank_pools(const ReweightingModel& model, const Eigen::MatrixXd& totals, Eigen::Index s,
                std::vector<BucketRanker>& rankers, Rank* rank) {
    const double* col = totals.col(s).data();
    const auto& pools = model.pools();
    for (std::size_t p = 0; p < pools.size(); ++p) rankers[p].rank(col + pools[p].first, rank + pools[p].first);
}

// The same for column `s` of what ReweightingModel::evaluate() left in ws: double totals, or single-precision keys,
// which rank exactly as the double totals.
template <class Rank>
void rank_pools(const ReweightingModel& model, const ModelWorkspace& ws, Eigen::Index s,
                std::vector<BucketRanker>& rankers, Rank* rank) {
    if (!ws.keyed) {
        rank_pools(model, ws.totals, s, rankers, rank);
        return;
    }
    const float* col = ws.keys.col(s).data();
    const double tol = ws.key_tol[static_cast<std::size_t>(s)];
    const auto& pools = model.pools();
    for (std::size_t p = 0; p < pools.size(); ++p) {
        const std::size_t first = pools[p].first;
        rankers[p].rank(
            col + first, tol, [&](std::uint32_t i) { return model.exact_total(first + i, ws, s); }, rank + first);
    }
}

// Grades of every unit for one sample's totals, decided as scoring decides them (grading.hpp), with the
// vetoes fired by events and data items fixed and the vetoes on the total checked again.
class SampleGrader {
public:
    SampleGrader(const ScoreCard& card, const ReweightingModel& model)
        : card_(card), fw_(*card.framework), trace_(*card.trace), model_(model) {
        const std::size_t n = card.units.size();
        base_.unit_ids.reserve(n);
        for (const auto& u : card.units) base_.unit_ids.push_back(u.id);
        base_.pool.resize(n);
        base_.in_pool.resize(n);
        for (std::size_t u = 0; u < n; ++u) {
            base_.pool[u] = fw_.grading.pool == CohortScope::all ? 0 : card.unit_category[u];
            base_.in_pool[u] = card.units[u].in_pool;
        }
        base_.disqualified = card.disqualified;
        base_.override_grade = trace_.grade_overrides;
        base_.override_grade.resize(n, nullptr);
        base_.score.resize(n);
        for (std::size_t u = 0; u < n; ++u) base_.score[u] = card.total(static_cast<Eigen::Index>(u));
        for (const auto& b : fw_.grading.bands) ids_.push_back(b.id);
        ids_.emplace_back();  // not graded
    }
    [[nodiscard]] const std::vector<std::string>& grade_ids() const { return ids_; }

    // Adds one to counts[u * grades + g] for each unit's grade g, for totals(:, s).
    void grade(const Eigen::MatrixXd& totals, Eigen::Index s, std::vector<std::uint32_t>& counts) {
        in_ = base_;
        const auto& ranked = model_.ranked_units();
        for (std::size_t i = 0; i < ranked.size(); ++i) in_.score[ranked[i]] = totals(static_cast<Eigen::Index>(i), s);
        if (fw_.ranking.on_rounded_total && fw_.rounding.total)
            for (double& v : in_.score) v = round_half_up(v, *fw_.rounding.total);
        in_.vetoes = trace_.fixed_vetoes;
        in_.vetoes.resize(in_.score.size());
        for (const Veto* v : trace_.total_vetoes)
            for (std::size_t u = 0; u < in_.score.size(); ++u)
                if (compare(in_.score[u], v->when->op, v->when->value))
                    in_.vetoes[u].push_back({v, "total " + num(in_.score[u]), true});
        order_.assign(ranked.begin(), ranked.end());
        std::sort(order_.begin(), order_.end(), [&](std::size_t a, std::size_t b) {
            return in_.score[a] != in_.score[b] ? in_.score[a] > in_.score[b] : a < b;
        });
        in_.rank_order = order_;
        in_.rank.assign(in_.score.size(), std::numeric_limits<double>::quiet_NaN());
        // competition ranks within each quota pool, from the order
        std::vector<std::size_t> seen(card_.weights.categories.size() + 1, 0);
        std::vector<double> last(seen.size(), std::numeric_limits<double>::quiet_NaN()), last_rank(seen.size(), 0);
        for (std::size_t u : order_) {
            const std::size_t p = in_.pool[u];
            ++seen[p];
            if (in_.score[u] != last[p]) last_rank[p] = static_cast<double>(seen[p]);
            last[p] = in_.score[u];
            in_.rank[u] = last_rank[p];
        }
        explain_.assign(in_.score.size(), {});
        warnings_.clear();
        const auto grades = assign_grades(fw_, in_, explain_, warnings_);
        const std::size_t g = ids_.size();
        for (std::size_t u = 0; u < grades.size(); ++u) {
            std::size_t k = g - 1;
            for (std::size_t j = 0; j + 1 < g; ++j)
                if (ids_[j] == grades[u]) k = j;
            ++counts[u * g + k];
        }
    }

private:
    const ScoreCard& card_;
    const Framework& fw_;
    const ScoringTrace& trace_;
    const ReweightingModel& model_;
    GradingInput base_, in_;
    std::vector<std::string> ids_;
    std::vector<std::size_t> order_;
    std::vector<std::vector<ExplainLine>> explain_;
    std::vector<std::string> warnings_;
};

inline std::vector<BucketRanker> make_rankers(const ReweightingModel& model) {
    std::vector<BucketRanker> out;
    for (const auto& p : model.pools()) out.emplace_back(p.second);
    return out;
}

// Ranks of the model's ranked units on the base weights, ranked as samples are (competition ties, full precision,
// the same pools), so that rank shifts compare like with like.
inline std::vector<std::int32_t> base_ranks(const ScoreCard& card, const ReweightingModel& model) {
    const std::size_t n = model.ranked();
    Eigen::MatrixXd t(static_cast<Eigen::Index>(n), 1);
    for (std::size_t i = 0; i < n; ++i)
        t(static_cast<Eigen::Index>(i), 0) = card.total(static_cast<Eigen::Index>(model.ranked_units()[i]));
    std::vector<std::int32_t> out(n);
    auto rankers = make_rankers(model);
    rank_pools(model, t, 0, rankers, out.data());
    return out;
}

}  // namespace detail

// Samples the uncertain weights `options.samples` times and returns every unit's rank histogram.
// Throws framework_error for an unknown node or bad parameters, and `cancelled` when progress says stop.
[[nodiscard]] inline MonteCarloResult monte_carlo(const ScoreCard& card,
                                                  const std::vector<WeightUncertainty>& uncertain,
                                                  const MonteCarloOptions& options = {}) {
    if (options.samples == 0) throw data_error({}, "Monte Carlo needs at least one sample");
    if (options.block == 0 || options.block > 65535)
        throw data_error({},
                         "Monte Carlo block size must be between 1 and 65535, got " + std::to_string(options.block));
    const bool by_category = detail::rank_by_category(card, options.scope);
    const detail::ReweightingModel model(card, uncertain, by_category);
    const std::size_t n = model.ranked();
    // One model per discrete alternative; they must describe the same units, ranked, with the same inputs.
    std::vector<std::unique_ptr<const detail::ReweightingModel>> variants;
    for (std::size_t a = 0; a < options.alternatives.size(); ++a) {
        const std::string where = "alternative [" + std::to_string(a) + "]";
        const ScoreCard* alt = options.alternatives[a].get();
        if (!alt) throw data_error({}, where + ": no score card");
        if (alt->units.size() != card.units.size())
            throw data_error({}, where + ": " + std::to_string(alt->units.size()) + " units, the base card has " +
                                     std::to_string(card.units.size()));
        for (std::size_t u = 0; u < card.units.size(); ++u)
            if (alt->units[u].id != card.units[u].id)
                throw data_error({}, where + ": unit " + std::to_string(u + 1) + " is '" + alt->units[u].id +
                                         "' but '" + card.units[u].id + "' in the base card");
        std::unique_ptr<const detail::ReweightingModel> m;
        try {
            m = std::make_unique<const detail::ReweightingModel>(*alt, uncertain, by_category, &model);
        } catch (const data_error& e) {
            throw data_error({}, where + ": " + e.reason());
        }
        if (m->inputs() != model.inputs())
            throw data_error({}, where + ": its uncertain weights have " + std::to_string(m->inputs()) +
                                     " inputs, the base card's " + std::to_string(model.inputs()));
        variants.push_back(std::move(m));
    }
    std::size_t width = 0;
    for (const auto& p : model.pools()) width = std::max(width, p.second);

    const std::size_t blocks = (options.samples + options.block - 1) / options.block;
    const unsigned threads = detail::thread_count(options.threads, blocks);
    const bool grading = options.grades && !card.framework->grading.bands.empty() && card.trace;
    // Ranks alone come from single-precision keys with exact refinement where the fast path applies
    // (reweighting_model.hpp); grading compares totals with band edges, so graded runs use double totals.
    const bool ranks_only = !grading;
    struct Thread {
        detail::ModelWorkspace ws;
        std::vector<detail::BucketRanker> rankers;
        std::vector<std::int32_t> rank;
        // Rank counts, ranked row x width: 16-bit counters keep the histogram small, spilled into 64-bit totals
        // before they can overflow. A block's ranks are first collected sample by sample (block_ranks, sample x
        // row), then counted row by row, so each row of counters stays in L1 while its block of increments lands.
        std::vector<std::uint16_t> hist;
        std::vector<std::uint16_t> block_ranks;
        std::vector<std::uint64_t> spilled;
        std::size_t pending = 0;  // samples counted in `hist` since the last spill
        void spill() {
            if (spilled.empty()) spilled.assign(hist.size(), 0);
            for (std::size_t k = 0; k < hist.size(); ++k) spilled[k] += hist[k];
            std::fill(hist.begin(), hist.end(), std::uint16_t{0});
            pending = 0;
        }
        std::optional<detail::SampleGrader> grader;
        std::vector<std::uint32_t> grades;  // unit x grade
        // Discrete alternatives: each sample's variant (base = 0), the workspace of each variant's samples, and
        // each sample's column there.
        std::vector<std::size_t> choice;
        std::vector<detail::ModelWorkspace> variant_ws;
        std::vector<Eigen::Index> column;
        std::vector<std::int64_t> used;  // samples per variant (base first)
    };
    std::vector<Thread> state(threads);
    for (auto& t : state) {
        t.rankers = detail::make_rankers(model);
        t.rank.resize(n);
        t.hist.assign(n * width, 0);
        if (grading) {
            t.grader.emplace(card, model);
            t.grades.assign(card.units.size() * t.grader->grade_ids().size(), 0);
        }
    }
    detail::run_blocks(
        blocks, threads,
        [&](unsigned ti, std::size_t b) {
            Thread& t = state[ti];
            const std::size_t first = b * options.block;
            const auto count = static_cast<Eigen::Index>(std::min(options.block, options.samples - first));
            detail::Xoshiro256pp rng(options.seed, b);
            model.draw(rng, t.ws, count);
            if (variants.empty()) {
                model.evaluate(t.ws, ranks_only);
            } else {
                // Each sample's variant, drawn after its weights; samples of one variant are evaluated together.
                const std::size_t k = variants.size() + 1;
                t.choice.resize(static_cast<std::size_t>(count));
                for (auto& c : t.choice)
                    c = std::min(k - 1, static_cast<std::size_t>(rng.uniform() * static_cast<double>(k)));
                t.used.resize(k, 0);
                t.variant_ws.resize(k);
                t.column.resize(static_cast<std::size_t>(count));
                if (grading) t.ws.totals.resize(static_cast<Eigen::Index>(n), count);  // the grader reads them
                std::vector<Eigen::Index> cols;
                for (std::size_t v = 0; v < k; ++v) {
                    cols.clear();
                    for (Eigen::Index s = 0; s < count; ++s)
                        if (t.choice[static_cast<std::size_t>(s)] == v) cols.push_back(s);
                    if (cols.empty()) continue;
                    t.used[v] += static_cast<std::int64_t>(cols.size());
                    detail::ModelWorkspace& vws = t.variant_ws[v];
                    vws.x.resize(t.ws.x.rows(), static_cast<Eigen::Index>(cols.size()));
                    for (std::size_t c = 0; c < cols.size(); ++c) {
                        vws.x.col(static_cast<Eigen::Index>(c)) = t.ws.x.col(cols[c]);
                        t.column[static_cast<std::size_t>(cols[c])] = static_cast<Eigen::Index>(c);
                    }
                    (v == 0 ? model : *variants[v - 1]).evaluate(vws, ranks_only);
                    if (grading)
                        for (std::size_t c = 0; c < cols.size(); ++c)
                            t.ws.totals.col(cols[c]) = vws.totals.col(static_cast<Eigen::Index>(c));
                }
            }
            if (t.pending + static_cast<std::size_t>(count) > std::numeric_limits<std::uint16_t>::max()) t.spill();
            t.pending += static_cast<std::size_t>(count);
            // Ranks (1-based) fit 16 bits when every pool has fewer than 65536 units; wider pools count directly.
            const bool collect = width < 65536;
            if (collect) t.block_ranks.resize(n * static_cast<std::size_t>(count));
            std::uint16_t* h = t.hist.data();
            const auto rank_sample = [&](Eigen::Index s, auto* out) {
                if (variants.empty()) {
                    detail::rank_pools(model, t.ws, s, t.rankers, out);
                } else {  // the sample's own variant: its keys or totals (and its exact totals for near ties)
                    const std::size_t v = t.choice[static_cast<std::size_t>(s)];
                    detail::rank_pools(v == 0 ? model : *variants[v - 1], t.variant_ws[v],
                                       t.column[static_cast<std::size_t>(s)], t.rankers, out);
                }
            };
            for (Eigen::Index s = 0; s < count; ++s) {
                if (collect)
                    rank_sample(s, t.block_ranks.data() + static_cast<std::size_t>(s) * n);
                else
                    rank_sample(s, t.rank.data());
                if (!collect)
                    for (std::size_t i = 0; i < n; ++i) ++h[i * width + static_cast<std::size_t>(t.rank[i] - 1)];
                if (grading) t.grader->grade(t.ws.totals, s, t.grades);
            }
            if (collect)
                for (std::size_t i = 0; i < n; ++i) {
                    std::uint16_t* row = h + i * width;
                    const std::uint16_t* r = t.block_ranks.data() + i;
                    // loads in batches ahead of the increments (see BucketRanker::scatter)
                    const auto samples = static_cast<std::size_t>(count);
                    std::size_t s = 0;
                    for (; s + 8 <= samples; s += 8) {
                        std::uint16_t at[8];
                        for (std::size_t j = 0; j < 8; ++j) at[j] = r[(s + j) * n];
                        for (std::size_t j = 0; j < 8; ++j) ++row[at[j] - 1];
                    }
                    for (; s < samples; ++s) ++row[r[s * n] - 1];
                }
        },
        options.progress);

    for (auto& t : state) t.spill();
    MonteCarloResult out;
    if (!variants.empty()) {
        out.alternative_samples.assign(variants.size() + 1, 0);
        for (const Thread& t : state)
            for (std::size_t v = 0; v < t.used.size(); ++v) out.alternative_samples[v] += t.used[v];
    }
    for (const auto& u : card.units) out.unit_ids.push_back(u.id);
    out.samples = options.samples;
    out.seed = options.seed;
    out.by_category = by_category;
    out.linear = model.linear();
    out.inputs = model.input_labels();
    out.base_rank = Eigen::VectorXd::Constant(static_cast<Eigen::Index>(card.units.size()),
                                              std::numeric_limits<double>::quiet_NaN());
    out.rank_counts = CountMatrix::Zero(static_cast<Eigen::Index>(card.units.size()), static_cast<Eigen::Index>(width));
    const auto& ranked = model.ranked_units();
    const std::vector<std::int32_t> base = detail::base_ranks(card, model);
    for (std::size_t i = 0; i < n; ++i) {
        const auto u = static_cast<Eigen::Index>(ranked[i]);
        out.base_rank(u) = base[i];
        for (const Thread& t : state)
            for (std::size_t r = 0; r < width; ++r)
                out.rank_counts(u, static_cast<Eigen::Index>(r)) += static_cast<std::int64_t>(t.spilled[i * width + r]);
    }
    if (grading) {
        out.grade_ids = state[0].grader->grade_ids();
        const std::size_t g = out.grade_ids.size();
        out.grade_counts =
            CountMatrix::Zero(static_cast<Eigen::Index>(card.units.size()), static_cast<Eigen::Index>(g));
        for (const Thread& t : state)
            for (std::size_t u = 0; u < card.units.size(); ++u)
                for (std::size_t k = 0; k < g; ++k)
                    out.grade_counts(static_cast<Eigen::Index>(u), static_cast<Eigen::Index>(k)) += t.grades[u * g + k];
    }
    return out;
}

}  // namespace kaohe
