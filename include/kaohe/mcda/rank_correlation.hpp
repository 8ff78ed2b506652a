// Comparing two rankings of the same alternatives (rank 1 = best; tied alternatives may share a rank, e.g. 2.5).
//
//   spearman           r_s = 1 - 6 sum d^2 / (n (n^2 - 1)) when neither ranking has ties (exact: [1..5] vs
//                      [1,3,2,4,5] gives exactly 0.9); with ties, the Pearson correlation of average ranks (the
//                      inputs are re-ranked with average ties first, so scores or competition ranks also work).
//   weighted_spearman  r_w = 1 - 6 sum (x - y)^2 ((n - x + 1) + (n - y + 1)) / (n^4 + n^3 - n^2 - n)
//                      (Pinto da Costa & Soares 2005): disagreements at the top weigh more. Uses the ranks as given.
//   ws_similarity      WS = 1 - sum 2^-x_i |x_i - y_i| / max(|x_i - 1|, |x_i - n|)  (Salabun & Urbaniak 2020).
//                      Asymmetric: x is the reference ranking.
//   kendall_tau_b      (concordant - discordant) / sqrt((n0 - n1)(n0 - n2)), ties corrected; O(n log n) (Knight 1966).
//   draws_distance     sum 2^-x_i [x_i != y_i] / (1 - 2^-n)  (Salabun & Shekhovtsov 2023), x the reference. kaohe
//                      weighs by the reference rank x_i, as WS does; pymcdm weighs by the position i. The two agree
//                      whenever the reference lists the alternatives in rank order (as in every published case).
//   kemeny_distance    half the L1 distance of the two preference-score matrices (P_ij = sign(r_j - r_i)).
//   frobenius_distance the L2 (Frobenius) distance of the same matrices (Dezert, Shekhovtsov & Salabun 2024).
//
// Degenerate input is an error (data_error): different lengths, fewer than 2 alternatives, a non-finite rank;
// spearman and kendall_tau_b when a ranking ties every alternative (the coefficient is 0/0); weighted_spearman,
// ws_similarity and draws_distance when a rank lies outside [1, n].
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <string>
#include <vector>

#include "kaohe/mcda/decision_matrix.hpp"

namespace kaohe::detail::mcda {

inline void check_rankings(const std::vector<double>& x, const std::vector<double>& y, const char* what,
                           bool ranks_in_range) {
    const std::string w(what);
    if (x.size() != y.size())
        throw data_error(Location({}, "rankings"), w + ": the rankings have different lengths (" +
                                                       std::to_string(x.size()) + " and " + std::to_string(y.size()) +
                                                       ")");
    if (x.size() < 2) throw data_error(Location({}, "rankings"), w + " needs at least 2 ranked alternatives");
    const double n = static_cast<double>(x.size());
    for (const auto* v : {&x, &y})
        for (std::size_t i = 0; i < v->size(); ++i) {
            const double r = (*v)[i];
            const std::string which = v == &x ? "first" : "second";
            if (!std::isfinite(r))
                throw data_error(Location({}, "rankings", static_cast<long>(i) + 1),
                                 w + ": rank " + std::to_string(i + 1) + " of the " + which + " ranking is " + fmt(r));
            if (ranks_in_range && (r < 1 || r > n))
                throw data_error(Location({}, "rankings", static_cast<long>(i) + 1),
                                 w + ": rank " + std::to_string(i + 1) + " of the " + which + " ranking is " + fmt(r) +
                                     ", outside [1, " + std::to_string(x.size()) + "]");
        }
}

inline bool has_ties(const std::vector<double>& v) {
    std::vector<double> s(v);
    std::sort(s.begin(), s.end());
    return std::adjacent_find(s.begin(), s.end()) != s.end();
}

// Preference score of alternative i over j: 1 if i ranks better (smaller rank), -1 if worse, 0 if tied.
inline int preference(double ri, double rj) {
    return ri < rj ? 1 : (ri > rj ? -1 : 0);
}

}  // namespace kaohe::detail::mcda

namespace kaohe::mcda {

[[nodiscard]] inline double spearman(const std::vector<double>& x, const std::vector<double>& y) {
    namespace d = kaohe::detail::mcda;
    d::check_rankings(x, y, "Spearman correlation", false);
    const std::vector<double> rx = d::average_ranks(x), ry = d::average_ranks(y);
    const double n = static_cast<double>(x.size());
    if (!d::has_ties(x) && !d::has_ties(y)) {
        double d2 = 0;
        for (std::size_t i = 0; i < rx.size(); ++i) d2 += (rx[i] - ry[i]) * (rx[i] - ry[i]);
        return 1.0 - 6.0 * d2 / (n * (n * n - 1.0));
    }
    const double mean = (n + 1.0) / 2.0;
    double sxy = 0, sxx = 0, syy = 0;
    for (std::size_t i = 0; i < rx.size(); ++i) {
        sxy += (rx[i] - mean) * (ry[i] - mean);
        sxx += (rx[i] - mean) * (rx[i] - mean);
        syy += (ry[i] - mean) * (ry[i] - mean);
    }
    if (!(sxx > 0) || !(syy > 0))
        throw data_error(Location({}, "rankings"),
                         "Spearman correlation is undefined when a ranking ties every alternative");
    return sxy / std::sqrt(sxx * syy);
}

[[nodiscard]] inline double weighted_spearman(const std::vector<double>& x, const std::vector<double>& y) {
    namespace d = kaohe::detail::mcda;
    d::check_rankings(x, y, "weighted Spearman correlation", true);
    const double n = static_cast<double>(x.size());
    double sum = 0;
    for (std::size_t i = 0; i < x.size(); ++i) sum += (x[i] - y[i]) * (x[i] - y[i]) * ((n - x[i] + 1) + (n - y[i] + 1));
    return 1.0 - 6.0 * sum / (n * n * n * n + n * n * n - n * n - n);
}

[[nodiscard]] inline double ws_similarity(const std::vector<double>& x, const std::vector<double>& y) {
    namespace d = kaohe::detail::mcda;
    d::check_rankings(x, y, "WS similarity", true);
    const double n = static_cast<double>(x.size());
    double sum = 0;
    for (std::size_t i = 0; i < x.size(); ++i)
        sum += std::exp2(-x[i]) * std::abs(x[i] - y[i]) / std::max(std::abs(x[i] - 1), std::abs(x[i] - n));
    return 1.0 - sum;
}

[[nodiscard]] inline double kendall_tau_b(const std::vector<double>& x, const std::vector<double>& y) {
    namespace d = kaohe::detail::mcda;
    d::check_rankings(x, y, "Kendall tau-b", false);
    const std::size_t n = x.size();
    std::vector<std::size_t> idx(n);
    std::iota(idx.begin(), idx.end(), std::size_t{0});
    std::sort(idx.begin(), idx.end(),
              [&](std::size_t a, std::size_t b) { return x[a] != x[b] ? x[a] < x[b] : y[a] < y[b]; });
    auto pairs = [](std::int64_t t) { return t * (t - 1) / 2; };
    std::int64_t n1 = 0, n3 = 0;  // pairs tied in x; tied in both
    for (std::size_t i = 0; i < n;) {
        std::size_t k = i;
        while (k < n && x[idx[k]] == x[idx[i]]) ++k;
        n1 += pairs(static_cast<std::int64_t>(k - i));
        for (std::size_t a = i; a < k;) {
            std::size_t b = a;
            while (b < k && y[idx[b]] == y[idx[a]]) ++b;
            n3 += pairs(static_cast<std::int64_t>(b - a));
            a = b;
        }
        i = k;
    }
    // Discordant pairs = inversions of y in x order (ties in x are sorted by y, so they add none): merge sort.
    std::vector<double> v(n), buf(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = y[idx[i]];
    std::int64_t swaps = 0;
    for (std::size_t width = 1; width < n; width *= 2) {
        for (std::size_t lo = 0; lo < n; lo += 2 * width) {
            const std::size_t mid = std::min(lo + width, n), hi = std::min(lo + 2 * width, n);
            std::size_t a = lo, b = mid, o = lo;
            while (a < mid && b < hi) {
                if (v[b] < v[a]) {
                    swaps += static_cast<std::int64_t>(mid - a);
                    buf[o++] = v[b++];
                } else {
                    buf[o++] = v[a++];
                }
            }
            while (a < mid) buf[o++] = v[a++];
            while (b < hi) buf[o++] = v[b++];
        }
        v.swap(buf);
    }
    std::int64_t n2 = 0;  // v is now y sorted
    for (std::size_t i = 0; i < n;) {
        std::size_t k = i;
        while (k < n && v[k] == v[i]) ++k;
        n2 += pairs(static_cast<std::int64_t>(k - i));
        i = k;
    }
    const std::int64_t n0 = pairs(static_cast<std::int64_t>(n));
    if (n0 == n1 || n0 == n2)
        throw data_error(Location({}, "rankings"), "Kendall tau-b is undefined when a ranking ties every alternative");
    const double num = static_cast<double>(n0 - n1 - n2 + n3 - 2 * swaps);
    return num / std::sqrt(static_cast<double>(n0 - n1) * static_cast<double>(n0 - n2));
}

[[nodiscard]] inline double draws_distance(const std::vector<double>& reference, const std::vector<double>& y) {
    namespace d = kaohe::detail::mcda;
    d::check_rankings(reference, y, "draWS distance", true);
    double sum = 0;
    for (std::size_t i = 0; i < reference.size(); ++i)
        if (reference[i] != y[i]) sum += std::exp2(-reference[i]);
    return sum / (1.0 - std::exp2(-static_cast<double>(reference.size())));
}

[[nodiscard]] inline double kemeny_distance(const std::vector<double>& x, const std::vector<double>& y) {
    namespace d = kaohe::detail::mcda;
    d::check_rankings(x, y, "Kemeny distance", false);
    double sum = 0;
    for (std::size_t i = 0; i < x.size(); ++i)
        for (std::size_t j = i + 1; j < x.size(); ++j)
            sum += std::abs(d::preference(x[i], x[j]) - d::preference(y[i], y[j]));
    return sum;  // 0.5 * sum over the full antisymmetric matrix = sum over i < j
}

[[nodiscard]] inline double frobenius_distance(const std::vector<double>& x, const std::vector<double>& y) {
    namespace d = kaohe::detail::mcda;
    d::check_rankings(x, y, "Frobenius distance", false);
    double sum = 0;
    for (std::size_t i = 0; i < x.size(); ++i)
        for (std::size_t j = i + 1; j < x.size(); ++j) {
            const double diff = d::preference(x[i], x[j]) - d::preference(y[i], y[j]);
            sum += 2 * diff * diff;  // (i, j) and (j, i)
        }
    return std::sqrt(sum);
}

}  // namespace kaohe::mcda
