// Ranks of one column of totals, fast enough to run once per Monte Carlo sample.
//
// A comparison sort of 1,000 keys per sample would dominate a study of 100,000 samples. The totals are
// spread over a known range, so a counting sort on a monotone bucket index does nearly all the work; a final
// insertion pass orders the few keys that share a bucket. Because the bucket index never increases with
// the total, keys in different buckets are already in order and the insertion pass only moves keys within a
// bucket: O(n) on average, and exact (it compares the doubles themselves, not the buckets).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace kaohe::detail {

class BucketRanker {
public:
    explicit BucketRanker(std::size_t n) : n_(n), order_(n), bucket_(n) {
        std::size_t b = 1;
        while (b < 2 * n) b <<= 1;  // about two buckets per key: few keys share one
        count_.assign(b + 1, 0);
    }

    // rank[i] = 1 + the number of keys greater than t[i] (competition ranking: ties share the best rank).
    // Keys must be finite.
    void rank(const double* t, std::int32_t* rank) {
        if (n_ == 0) return;
        double lo = t[0], hi = t[0], lo2 = t[0], hi2 = t[0];  // two chains: the loop is latency-bound
        std::size_t i = 1;
        for (; i + 1 < n_; i += 2) {
            lo = std::min(lo, t[i]);
            hi = std::max(hi, t[i]);
            lo2 = std::min(lo2, t[i + 1]);
            hi2 = std::max(hi2, t[i + 1]);
        }
        for (; i < n_; ++i) {
            lo = std::min(lo, t[i]);
            hi = std::max(hi, t[i]);
        }
        lo = std::min(lo, lo2);
        hi = std::max(hi, hi2);
        if (lo == hi) {
            std::fill(rank, rank + n_, 1);
            return;
        }
        const std::size_t buckets = count_.size() - 1;
        // Bucket 0 holds the highest totals; (hi - t) * scale is in [0, buckets - 1] and never decreases as t does.
        const double scale = static_cast<double>(buckets - 1) / (hi - lo);
        std::fill(count_.begin(), count_.end(), 0u);
        for (i = 0; i < n_; ++i) {
            const auto b = static_cast<std::uint32_t>((hi - t[i]) * scale);
            bucket_[i] = b;
            ++count_[b + 1];
        }
        for (std::size_t b = 1; b <= buckets; ++b) count_[b] += count_[b - 1];
        for (i = 0; i < n_; ++i) order_[count_[bucket_[i]]++] = static_cast<std::uint32_t>(i);
        // Insertion pass: higher total first, then lower index (the scatter kept index order within a bucket).
        for (std::size_t k = 1; k < n_; ++k) {
            const std::uint32_t key = order_[k];
            const double v = t[key];
            if (!(t[order_[k - 1]] < v)) continue;  // the common case: already in place
            std::size_t j = k;
            while (j > 0 && t[order_[j - 1]] < v) {
                order_[j] = order_[j - 1];
                --j;
            }
            order_[j] = key;
        }
        std::int32_t current = 1;
        rank[order_[0]] = 1;
        for (std::size_t k = 1; k < n_; ++k) {
            if (t[order_[k]] != t[order_[k - 1]]) current = static_cast<std::int32_t>(k + 1);
            rank[order_[k]] = current;
        }
    }

private:
    std::size_t n_;
    std::vector<std::uint32_t> order_, bucket_, count_;
};

}  // namespace kaohe::detail
