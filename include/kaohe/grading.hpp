// Grades (等次): score bands, then vetoes, then quotas per pool, then overrides, in that order. Every step
// that changes a unit's grade is written to its explanation.
#pragma once

#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include "kaohe/detail/format.hpp"
#include "kaohe/framework.hpp"
#include "kaohe/scorecard.hpp"

namespace kaohe {

// A veto that fired for a unit, with its reason.

// What grading needs to know about each unit.
struct GradingInput {
    std::vector<std::string> unit_ids;
    std::vector<double> score;            // the score graded (total, or the rounded total)
    std::vector<std::size_t> rank_order;  // ranked units, best first (ties broken as the ranking says)
    std::vector<double> rank;             // overall rank (NaN when not ranked)
    std::vector<std::size_t> pool;        // pool key (category index, or 0 when the pool is all units)
    std::vector<bool> in_pool;            // false: outside every quota pool
    std::vector<bool> disqualified;
    std::vector<std::vector<FiredVeto>> vetoes;
    std::vector<const Event*> override_grade;  // a `grade` event per unit, or null
};

[[nodiscard]] inline std::size_t quota_count(const Quota& q, std::size_t pool_size) {
    const double exact = q.max_share * static_cast<double>(pool_size);
    double n = 0;
    switch (q.rounding) {
        // 1e-9 absorbs binary noise: 0.3 * 10 = 3.0000000000000004 must not round up to 4.
        case QuotaRounding::half_up:
            n = std::floor(exact + 0.5 + 1e-9);
            break;
        case QuotaRounding::up:
            n = std::ceil(exact - 1e-9);
            break;
        case QuotaRounding::down:
            n = std::floor(exact + 1e-9);
            break;
    }
    auto count = static_cast<std::size_t>(std::max(0.0, n));
    if (q.max_count) count = std::min(count, static_cast<std::size_t>(*q.max_count));
    return count;
}

// Assigns grades. Returns grade ids ("" when not graded) and appends explanation lines and warnings.
[[nodiscard]] inline std::vector<std::string> assign_grades(const Framework& fw, const GradingInput& in,
                                                            std::vector<std::vector<ExplainLine>>& explain,
                                                            std::vector<std::string>& warnings) {
    const auto& bands = fw.grading.bands;
    const std::size_t units = in.score.size();
    std::vector<std::string> out(units);
    if (bands.empty()) return out;
    const std::size_t worst = bands.size() - 1;
    auto band_index = [&](const std::string& id) {
        for (std::size_t i = 0; i < bands.size(); ++i)
            if (bands[i].id == id) return i;
        return worst;
    };
    auto label = [&](std::size_t g) {
        return bands[g].name.empty() ? bands[g].id : bands[g].name + " (" + bands[g].id + ")";
    };
    std::vector<std::size_t> grade(units, worst);
    std::vector<bool> graded(units, false);

    // 1. Bands, 2. vetoes.
    for (std::size_t u = 0; u < units; ++u) {
        if (in.disqualified[u]) continue;
        graded[u] = true;
        std::size_t g = 0;
        while (g < worst && !(in.score[u] >= bands[g].min)) ++g;
        grade[u] = g;
        explain[u].push_back(
            {"grade", "grade", 0.0,
             "score " + detail::num(in.score[u]) + " falls in band " + label(g) +
                 (std::isinf(bands[g].min) ? std::string() : " (>= " + detail::num(bands[g].min) + ")")});
        for (const auto& fired : in.vetoes[u]) {
            const Veto& v = *fired.veto;
            std::size_t to = grade[u];
            switch (v.effect) {
                case VetoEffect::fail:
                    to = worst;
                    break;
                case VetoEffect::cap:
                    to = std::max(grade[u], band_index(v.cap_grade));
                    break;
                case VetoEffect::demote:
                    to = std::min(worst, grade[u] + static_cast<std::size_t>(v.demote_by));
                    break;
                case VetoEffect::disqualify:
                    break;
            }
            explain[u].push_back(
                {v.id, "veto", 0.0,
                 (v.name.empty() ? v.id : v.name) + ": " + fired.reason +
                     (to != grade[u] ? " -> grade " + label(to) : " -> grade unchanged, " + label(to))});
            grade[u] = to;
        }
    }

    // 3. Quotas, best grade first, so that units pushed down meet the next grade's quota.
    for (std::size_t g = 0; g < bands.size(); ++g) {
        const Quota* quota = nullptr;
        for (const auto& q : fw.grading.quotas)
            if (q.grade == bands[g].id) quota = &q;
        if (!quota || g == worst) continue;
        std::vector<std::size_t> pool_sizes;
        for (std::size_t u = 0; u < units; ++u) {
            if (!graded[u] || !in.in_pool[u]) continue;
            if (in.pool[u] >= pool_sizes.size()) pool_sizes.resize(in.pool[u] + 1, 0);
            ++pool_sizes[in.pool[u]];
        }
        std::vector<std::size_t> kept(pool_sizes.size(), 0);
        std::vector<double> last_kept_score(pool_sizes.size(), std::nan(""));
        for (std::size_t u : in.rank_order) {
            if (!graded[u] || !in.in_pool[u] || grade[u] != g) continue;
            const std::size_t p = in.pool[u];
            const std::size_t limit = quota_count(*quota, pool_sizes[p]);
            if (kept[p] < limit) {
                ++kept[p];
                last_kept_score[p] = in.score[u];
                continue;
            }
            if (in.score[u] == last_kept_score[p])
                warnings.push_back("unit '" + in.unit_ids[u] + "' ties at the " + bands[g].id +
                                   " quota line; the tie-break order decided");
            grade[u] = g + 1;
            explain[u].push_back({"grade", "grade", 0.0,
                                  "quota: at most " + std::to_string(limit) + " of " + std::to_string(pool_sizes[p]) +
                                      " units in the pool may be " + label(g) + " (" +
                                      detail::num(100 * quota->max_share) + "%); rank " + detail::num(in.rank[u]) +
                                      " is beyond it -> " + label(g + 1)});
        }
    }

    // 4. Overrides.
    for (std::size_t u = 0; u < units; ++u) {
        if (const Event* e = in.override_grade[u]) {
            const std::size_t to = band_index(e->level);
            explain[u].push_back({"grade", "override", 0.0, "grade set to " + label(to) + " by decision: " + e->note});
            grade[u] = to;
            graded[u] = true;
        }
        if (graded[u]) out[u] = bands[grade[u]].id;
    }
    return out;
}

}  // namespace kaohe
