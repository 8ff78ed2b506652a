// Ranking with explicit tie methods: competition (1224), dense (1223), average (1 2.5 2.5 4) and ordinal
// (1234, with a tie-break chain). Higher values rank better; rank 1 is the best.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <numeric>
#include <vector>

#include "kaohe/rule.hpp"

namespace kaohe {

// Ranks the `members` of `values` (higher is better). Non-members get NaN. `tie_keys[k][i]` are compared
// (higher first) to order tied units for the ordinal method, then unit index. Ties are exact equality:
// kaohe's arithmetic is deterministic, so units with identical inputs get identical scores.
[[nodiscard]] inline std::vector<double> rank_members(const std::vector<double>& values,
                                                      const std::vector<std::size_t>& members, TieMethod method,
                                                      const std::vector<std::vector<double>>& tie_keys = {}) {
    std::vector<double> out(values.size(), std::numeric_limits<double>::quiet_NaN());
    std::vector<std::size_t> order(members);
    auto key_less = [&](std::size_t a, std::size_t b) {  // true when a should come after b among ties
        for (const auto& key : tie_keys) {
            if (key[a] != key[b]) return key[a] < key[b];
        }
        return a > b;
    };
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        if (values[a] != values[b]) return values[a] > values[b];
        return method == TieMethod::ordinal ? key_less(b, a) : a < b;
    });
    std::size_t i = 0;
    double dense = 0;
    while (i < order.size()) {
        std::size_t j = i;
        while (j < order.size() && values[order[j]] == values[order[i]]) ++j;
        dense += 1;
        for (std::size_t k = i; k < j; ++k) {
            double r = 0;
            switch (method) {
                case TieMethod::competition:
                    r = static_cast<double>(i + 1);
                    break;
                case TieMethod::dense:
                    r = dense;
                    break;
                case TieMethod::average:
                    r = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2.0;
                    break;
                case TieMethod::ordinal:
                    r = static_cast<double>(k + 1);
                    break;
            }
            out[order[k]] = r;
        }
        i = j;
    }
    return out;
}

}  // namespace kaohe
