// Group AHP: several decision makers' comparison matrices over the same criteria, combined one of two ways
// (Forman & Peniwati 1998):
//   judgements  AIJ, aggregation of individual judgements: the element-wise weighted geometric mean of the
//               matrices (the only mean that keeps reciprocity), then priorities of that matrix. Consistency is
//               the group matrix's. A judgement missing for some members is the mean over those who gave it
//               (their weights renormalised); missing for all, it stays missing and is completed.
//   priorities  AIP, aggregation of individual priorities: each member's priorities, then their weighted
//               geometric mean (renormalised to sum 1) or weighted arithmetic mean. There is no group matrix:
//               lambda_max, CI and CR are those of the least consistent member (the group passes only if every
//               member does), and `from_priorities` is set.
// Member weights are >= 0, not all 0, and are divided by their sum.
#pragma once

#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "kaohe/mcda/ahp.hpp"

namespace kaohe::ahp {

enum class GroupMethod { judgements, priorities_geometric, priorities_arithmetic };

inline const char* to_string(GroupMethod g) {
    switch (g) {
        case GroupMethod::judgements:
            return "judgements";
        case GroupMethod::priorities_geometric:
            return "priorities_geometric";
        case GroupMethod::priorities_arithmetic:
            return "priorities_arithmetic";
    }
    return "?";
}

struct GroupResult {
    AhpResult combined;
    std::vector<AhpResult> members;  // each member's own priorities and consistency
    Eigen::VectorXd member_weights;  // as used (sum 1)
    GroupMethod how = GroupMethod::judgements;
};

inline GroupResult group(const std::vector<PairwiseMatrix>& matrices, const Eigen::VectorXd& member_weights = {},
                         GroupMethod how = GroupMethod::judgements, const Options& options = {}) {
    if (matrices.empty()) throw data_error({}, "group AHP needs at least one comparison matrix");
    const std::size_t k = matrices.size();
    const std::size_t n = matrices.front().size();
    for (std::size_t m = 1; m < k; ++m) {
        if (matrices[m].size() != n)
            throw data_error(matrices[m].where(), "group AHP: member " + std::to_string(m + 1) + " compares " +
                                                      std::to_string(matrices[m].size()) + " criteria, member 1 " +
                                                      std::to_string(n));
        if (!matrices[m].names().empty() && !matrices.front().names().empty() &&
            matrices[m].names() != matrices.front().names())
            throw data_error(matrices[m].where(), "group AHP: member " + std::to_string(m + 1) +
                                                      " names the criteria differently from member 1 (same criteria "
                                                      "in the same order are needed)");
    }
    GroupResult out;
    out.how = how;
    if (member_weights.size() == 0) {
        out.member_weights = Eigen::VectorXd::Constant(static_cast<Eigen::Index>(k), 1.0 / static_cast<double>(k));
    } else {
        if (static_cast<std::size_t>(member_weights.size()) != k)
            throw data_error({}, "group AHP: " + std::to_string(member_weights.size()) + " member weights for " +
                                     std::to_string(k) + " matrices");
        for (Eigen::Index m = 0; m < member_weights.size(); ++m)
            if (!std::isfinite(member_weights(m)) || member_weights(m) < 0.0)
                throw data_error({}, "group AHP: the weight of member " + std::to_string(m + 1) +
                                         " must be a finite number >= 0, not " + detail::fmt(member_weights(m)));
        if (!(member_weights.sum() > 0.0)) throw data_error({}, "group AHP: the member weights are all 0");
        out.member_weights = member_weights / member_weights.sum();
    }
    std::vector<std::string> names = matrices.front().names();
    for (const auto& m : matrices)
        if (names.empty()) names = m.names();

    if (how == GroupMethod::judgements) {
        const auto en = static_cast<Eigen::Index>(n);
        Eigen::MatrixXd combined(en, en);
        for (Eigen::Index i = 0; i < en; ++i) {
            for (Eigen::Index j = 0; j < en; ++j) {
                double logs = 0.0, weight = 0.0;
                for (std::size_t m = 0; m < k; ++m) {
                    const double a = matrices[m].values()(i, j);
                    if (std::isnan(a)) continue;
                    const double wm = out.member_weights(static_cast<Eigen::Index>(m));
                    logs += wm * std::log(a);
                    weight += wm;
                }
                // Members with weight 0 do not count; a pair no weighted member judged stays missing.
                combined(i, j) = weight > 0.0 ? std::exp(logs / weight) : std::nan("");
            }
        }
        for (const auto& m : matrices) out.members.push_back(priorities(m, options));
        out.combined = priorities(PairwiseMatrix(combined, names, options.checks), options);
        return out;
    }

    for (const auto& m : matrices) out.members.push_back(priorities(m, options));
    const auto en = static_cast<Eigen::Index>(n);
    Eigen::VectorXd w = Eigen::VectorXd::Zero(en);
    if (how == GroupMethod::priorities_geometric) {
        for (std::size_t m = 0; m < k; ++m)
            w += out.member_weights(static_cast<Eigen::Index>(m)) * out.members[m].weights.array().log().matrix();
        w = (w.array() - w.maxCoeff()).exp().matrix();
    } else {
        for (std::size_t m = 0; m < k; ++m)
            w += out.member_weights(static_cast<Eigen::Index>(m)) * out.members[m].weights;
    }
    AhpResult& c = out.combined;
    c.names = names;
    c.weights = w / w.sum();
    c.method = options.method;
    c.lambda_method = options.lambda_max;
    c.from_priorities = true;
    std::size_t worst = 0;
    for (std::size_t m = 1; m < k; ++m)
        if (out.members[m].cr > out.members[worst].cr) worst = m;
    c.lambda_max = out.members[worst].lambda_max;
    c.ci = out.members[worst].ci;
    c.cr = out.members[worst].cr;
    c.random_index = out.members[worst].random_index;
    c.ri_table = out.members[worst].ri_table;
    return out;
}

}  // namespace kaohe::ahp
