// Combining subjective weights (AHP, expert points) with objective ones (entropy, CRITIC, ...): 主客观组合赋权.
//
//   linear          w = alpha * s + (1 - alpha) * o                    (alpha in [0, 1]; alpha = 1: subjective only)
//   multiplicative  w_j = s_j * o_j / sum_k s_k * o_k                   (alpha is not used)
//
// Both inputs must be finite, non-negative and not all zero; each is first divided by its own sum, so that
// weights given as points (e.g. 40/30/30) and as shares combine the same way. The result sums to 1.
// Multiplicative combination is undefined when no criterion has both weights positive: that is an error.
#pragma once

#include <string>

#include "kaohe/mcda/objective_weights.hpp"

namespace kaohe::mcda {

enum class Combination { linear, multiplicative };
[[nodiscard]] inline const char* to_string(Combination c) {
    return c == Combination::multiplicative ? "multiplicative" : "linear";
}

[[nodiscard]] inline WeightResult combine_weights(const Vector& subjective, const Vector& objective, double alpha = 0.5,
                                                  Combination how = Combination::linear) {
    namespace d = kaohe::detail::mcda;
    if (subjective.size() != objective.size())
        throw data_error(Location({}, "weights"), "combine weights: " + std::to_string(subjective.size()) +
                                                      " subjective and " + std::to_string(objective.size()) +
                                                      " objective weights");
    d::check_weights(subjective, subjective.size(), "combine weights (subjective)");
    d::check_weights(objective, objective.size(), "combine weights (objective)");
    const Vector s = subjective / subjective.sum();
    const Vector o = objective / objective.sum();
    WeightResult out;
    out.method = "combined";
    if (how == Combination::linear) {
        if (!(alpha >= 0 && alpha <= 1))
            throw data_error(Location({}, "alpha"),
                             "combine weights: alpha is " + d::fmt(alpha) + "; it must be within [0, 1]");
        out.weights = alpha * s + (1 - alpha) * o;
        out.variant = "how=linear, alpha=" + d::fmt(alpha);
    } else {
        const Vector p = s.cwiseProduct(o);
        const double total = p.sum();
        if (!(total > 0))
            throw data_error(Location({}, "weights"),
                             "combine weights (multiplicative): no criterion has both a positive subjective and a "
                             "positive objective weight");
        out.weights = p / total;
        out.variant = "how=multiplicative";
    }
    out.diagnostics = {{"subjective", s}, {"objective", o}};
    return out;
}

}  // namespace kaohe::mcda
