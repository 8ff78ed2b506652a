// Ranks of one column of totals, fast enough to run once per Monte Carlo sample.
//
// A comparison sort of 1,000 keys per sample would dominate a study of 100,000 samples. Instead each key is
// quantised to 16 bits on the column's range (q = 0 for the highest key) and the (q, row) pairs are put in
// order by a two-pass LSD radix sort (8 bits per pass): O(n), with few stores, which is what costs here. Float
// keys of pools under 65,536 rows travel inside the sorted items (q | key bits | row), so nothing after the
// first pass reads the key column at random.
//
// Approximate keys, exact ranks: the keys may be approximations (single-precision totals from a float matrix
// product) known to lie within `tol` of the exact totals; with exact keys, tol = 0. Rows with the same q form
// a run, in row order; between two consecutive runs A and B, min(A) - max(B) > 2 tol proves that every exact
// total in A and before exceeds every one in B and after (q never increases as the key does). Runs not
// separated that way form a cluster, which is ordered on its keys and, where keys are within 2 tol of each
// other, on exact(row), the full-precision total. The ranks are therefore exactly those of the exact totals,
// ties included (competition ranking: tied rows share the best rank).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <utility>
#include <vector>

#include <Eigen/Core>

// Keeps rarely taken paths out of a hot loop, so that its variables stay in registers.
#if defined(_MSC_VER)
#define KAOHE_NOINLINE __declspec(noinline)
#else
#define KAOHE_NOINLINE __attribute__((noinline))
#endif

namespace kaohe::detail {

class BucketRanker {
public:
    explicit BucketRanker(std::size_t n) : n_(n), items_(n), scratch_(n), count_(2 * 256) {}

    // rank[i] = 1 + the number of rows whose exact total is greater than row i's. Keys must be finite and within
    // tol of exact(i) (up to one constant shared by all rows); exact(i) must be a deterministic function of i.
    // Rank is any integer type that holds n.
    template <class Key, class Exact, class Rank>
    void rank(const Key* t, double tol, const Exact& exact, Rank* rank) {
        if (n_ == 0) return;
        if (std::is_same_v<Key, float> && n_ <= 65536) {
            sort<true>(t);
            walk<true>(t, 2 * tol, exact, rank);
        } else {
            sort<false>(t);
            walk<false>(t, 2 * tol, exact, rank);
        }
    }

    // Exact keys: ranks of the keys themselves.
    template <class Key, class Rank>
    void rank(const Key* t, Rank* rank) {
        this->rank(
            t, 0.0, [t](std::uint32_t i) { return static_cast<double>(t[i]); }, rank);
    }

private:
    static constexpr std::uint32_t levels = 65536;

    // Item layouts: packed = q << 48 | float key bits << 16 | row; plain = q << 32 | row.
    template <bool Packed>
    [[nodiscard]] std::uint32_t row(std::size_t k) const {
        return static_cast<std::uint32_t>(Packed ? items_[k] & 0xffff : items_[k] & 0xffffffff);
    }
    template <bool Packed>
    [[nodiscard]] std::uint64_t q(std::size_t k) const {
        return items_[k] >> (Packed ? 48 : 32);
    }
    template <bool Packed, class Key>
    [[nodiscard]] double key(const Key* t, std::size_t k) const {
        if constexpr (Packed) {
            const auto bits = static_cast<std::uint32_t>(items_[k] >> 16);
            float v;
            std::memcpy(&v, &bits, sizeof v);
            return static_cast<double>(v);
        } else {
            return static_cast<double>(t[row<false>(k)]);
        }
    }

    // items_ ordered by q, then row.
    template <bool Packed, class Key>
    void sort(const Key* t) {
        const Eigen::Map<const Eigen::Matrix<Key, Eigen::Dynamic, 1>> keys(t, static_cast<Eigen::Index>(n_));
        const Key lo = keys.minCoeff(), hi = keys.maxCoeff();  // vectorised
        // (hi - t) * scale is in [0, levels - 1] and never decreases as t does (rounding is monotone).
        Key scale = hi > lo ? static_cast<Key>(static_cast<double>(levels - 1) /
                                               (static_cast<double>(hi) - static_cast<double>(lo)) * (1 - 1e-6))
                            : Key(0);
        if (!std::isfinite(scale)) scale = 0;  // keys closer than ~1e-34 apart: one cluster, ranked on exact()
        scale_ = static_cast<double>(scale);
        constexpr int shift = Packed ? 48 : 32;
        std::fill(count_.begin(), count_.end(), 0u);
        std::uint32_t* low = count_.data();
        std::uint32_t* high = low + 256;
        std::uint64_t* in = scratch_.data();
        std::uint64_t* out = items_.data();
        const std::size_t n = n_;              // a local bound: stores through `in` could alias the member
        for (std::size_t i = 0; i < n; ++i) {  // vectorises: q < 2^16 fits a signed 32-bit conversion
            const auto qi = std::min(static_cast<std::int32_t>((hi - t[i]) * scale), std::int32_t{levels - 1});
            std::uint64_t x = static_cast<std::uint64_t>(qi) << shift | i;
            if constexpr (Packed) {
                std::uint32_t bits;
                std::memcpy(&bits, &t[i], sizeof bits);
                x |= static_cast<std::uint64_t>(bits) << 16;
            }
            in[i] = x;
        }
        // Counting and scattering go in batches of 8 whose loads all come before their stores: a load that follows
        // a store to a just-computed address waits for it, which otherwise serialises these loops.
        constexpr std::size_t batch = 8;
        const std::size_t whole = n_ / batch * batch;
        for (std::size_t i = 0; i < whole; i += batch) {
            std::uint64_t x[batch];
            for (std::size_t j = 0; j < batch; ++j) x[j] = in[i + j] >> shift;
            for (std::size_t j = 0; j < batch; ++j) ++low[x[j] & 255];
            for (std::size_t j = 0; j < batch; ++j) ++high[x[j] >> 8];
        }
        for (std::size_t i = whole; i < n_; ++i) {
            ++low[(in[i] >> shift) & 255];
            ++high[in[i] >> (shift + 8)];
        }
        std::uint32_t sl = 0, sh = 0;
        for (std::size_t d = 0; d < 256; ++d) {
            const std::uint32_t cl = low[d], ch = high[d];
            low[d] = sl;
            high[d] = sh;
            sl += cl;
            sh += ch;
        }
        scatter(in, out, low, shift);
        scatter(out, in, high, shift + 8);
        items_.swap(scratch_);
    }

    // Stable scatter of n_ items by the 8-bit digit at `shift`, into the positions counted in `next`.
    void scatter(const std::uint64_t* in, std::uint64_t* out, std::uint32_t* next, int shift) const {
        constexpr std::size_t batch = 8;
        const std::size_t whole = n_ / batch * batch;
        for (std::size_t i = 0; i < whole; i += batch) {
            std::uint64_t x[batch];
            std::uint32_t at[batch];
            for (std::size_t j = 0; j < batch; ++j) x[j] = in[i + j];
            for (std::size_t j = 0; j < batch; ++j) at[j] = next[(x[j] >> shift) & 255]++;
            for (std::size_t j = 0; j < batch; ++j) out[at[j]] = x[j];
        }
        for (std::size_t i = whole; i < n_; ++i) out[next[(in[i] >> shift) & 255]++] = in[i];
    }

    // One pass over the runs of equal q; a cluster closes where the next run is certainly below it. Keys in a run
    // with a larger q are smaller, so the lowest key of a cluster is in its last run, and most boundaries are
    // settled by q alone: y = (hi - t) * scale is computed with relative error below 2^-22 (y < 65536 gives an
    // absolute error below 0.02 for the pair), so q_b - q_a - 1.02 > gap * scale proves t_a - t_b > gap.
    template <bool Packed, class Key, class Exact, class Rank>
    void walk(const Key* t, double gap, const Exact& exact, Rank* rank) {
        // The hot loop keeps to registers (stores here are costly): clusters of one row are written directly; the
        // rare paths (keys of adjacent q, clusters of several rows) are out of line.
        const double q_gap = gap * scale_ + 1.02;
        constexpr int shift = Packed ? 48 : 32;
        const std::uint64_t* it = items_.data();
        std::size_t start = 0, run = 0;  // current cluster and current run
        std::uint64_t qa = it[0] >> shift;
        for (std::size_t k = 1; k < n_; ++k) {
            const std::uint64_t qb = it[k] >> shift;
            if (qb == qa) continue;
            if (static_cast<double>(qb - qa) > q_gap || certainly_below<Packed>(t, gap, run, k)) {
                if (k == start + 1)
                    rank[row<Packed>(start)] = static_cast<Rank>(start + 1);
                else
                    close<Packed>(t, gap, exact, start, k, rank);
                start = k;
            }
            run = k;
            qa = qb;
        }
        close<Packed>(t, gap, exact, start, n_, rank);
    }

    // Whether every key of the run starting at `run` (ending at b) exceeds every key of the run starting at b by more
    // than gap (the lowest key of a cluster is in its last run).
    template <bool Packed, class Key>
    KAOHE_NOINLINE bool certainly_below(const Key* t, double gap, std::size_t run, std::size_t b) const {
        double lowest = key<Packed>(t, run);
        for (std::size_t m = run + 1; m < b; ++m) lowest = std::min(lowest, key<Packed>(t, m));
        double highest = key<Packed>(t, b);
        for (std::size_t m = b + 1; m < n_ && q<Packed>(m) == q<Packed>(b); ++m)
            highest = std::max(highest, key<Packed>(t, m));
        return lowest - highest > gap;
    }

    // Ranks of the cluster at positions [b, e): by key, then on exact totals where keys are within `gap`.
    template <bool Packed, class Key, class Exact, class Rank>
    KAOHE_NOINLINE void close(const Key* t, double gap, const Exact& exact, std::size_t b, std::size_t e, Rank* rank) {
        if (e == b + 1) {
            rank[row<Packed>(b)] = static_cast<Rank>(b + 1);
            return;
        }
        cluster_.clear();
        for (std::size_t k = b; k < e; ++k) cluster_.emplace_back(key<Packed>(t, k), row<Packed>(k));
        const auto before = [](const auto& x, const auto& y) {
            return x.first != y.first ? x.first > y.first : x.second < y.second;
        };
        std::sort(cluster_.begin(), cluster_.end(), before);
        std::size_t k = 0;
        while (k < cluster_.size()) {
            std::size_t end = k + 1;
            while (end < cluster_.size() && cluster_[end - 1].first - cluster_[end].first <= gap) ++end;
            if (end > k + 1) {
                for (std::size_t m = k; m < end; ++m) cluster_[m].first = exact(cluster_[m].second);
                std::sort(cluster_.begin() + static_cast<std::ptrdiff_t>(k),
                          cluster_.begin() + static_cast<std::ptrdiff_t>(end), before);
            }
            auto current = static_cast<Rank>(b + k + 1);
            for (std::size_t m = k; m < end; ++m) {
                if (m > k && cluster_[m].first != cluster_[m - 1].first) current = static_cast<Rank>(b + m + 1);
                rank[cluster_[m].second] = current;
            }
            k = end;
        }
    }

    std::size_t n_;
    double scale_ = 0;  // of the last sort: q levels per unit of key
    std::vector<std::uint64_t> items_, scratch_;
    std::vector<std::uint32_t> count_;
    std::vector<std::pair<double, std::uint32_t>> cluster_;
};

}  // namespace kaohe::detail
