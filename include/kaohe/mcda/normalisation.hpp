// Column normalisations of a decision matrix, with the benefit/cost rule of each made explicit.
//
// The rules are pymcdm's (pymcdm/normalizations.py, reproduced to 8 decimals by the norm-*-pymcdm reference
// cases). Each normalisation orients cost columns its own way, which is why a method that normalises says which
// rule it uses:
//
//   variant  benefit column            cost column                 needs
//   none     x                         x (unchanged)               -
//   minmax   (x - min) / (max - min)   (max - x) / (max - min)     max > min (else data_error)
//   max      x / max                   1 - x / max                 max > 0
//   sum      x / sum(x)                (1/x) / sum(1/x)            benefit: x >= 0, sum > 0; cost: x > 0
//   vector   x / ||x||_2               1 - x / ||x||_2             ||x|| > 0
//   linear   x / max                   min / x                     benefit: max > 0; cost: x > 0
//
// Degenerate columns are errors naming the column (or the cell), never NaN.
#pragma once

#include <string>

#include "kaohe/mcda/decision_matrix.hpp"

namespace kaohe::mcda {

enum class Normalisation { none, minmax, max, sum, vector, linear };

[[nodiscard]] inline const char* to_string(Normalisation n) {
    switch (n) {
        case Normalisation::none:
            return "none";
        case Normalisation::minmax:
            return "minmax";
        case Normalisation::max:
            return "max";
        case Normalisation::sum:
            return "sum";
        case Normalisation::vector:
            return "vector";
        case Normalisation::linear:
            return "linear";
    }
    return "?";
}

[[nodiscard]] inline Normalisation parse_normalisation(const std::string& name) {
    for (auto n : {Normalisation::none, Normalisation::minmax, Normalisation::max, Normalisation::sum,
                   Normalisation::vector, Normalisation::linear})
        if (name == to_string(n)) return n;
    throw data_error(Location({}, "normalisation"),
                     "unknown normalisation '" + name + "' (known: none, minmax, max, sum, vector, linear)");
}

// The normalised matrix (alternatives x criteria). `types` may be empty (every criterion a benefit).
[[nodiscard]] inline RowMatrix normalise(const MatrixRef& x, const CriterionTypes& types, Normalisation how,
                                         const RunOptions& options = {}) {
    namespace d = kaohe::detail::mcda;
    const Labels& labels = options.labels;
    d::check_shape(x, types, false, labels, "normalisation");
    const d::ColumnStats s = d::checked_column_stats(x, options.threads, how == Normalisation::vector, labels);
    RowMatrix out(x.rows(), x.cols());
    for (Eigen::Index j = 0; j < x.cols(); ++j) {
        const bool cost = d::is_cost(types, j);
        auto col = x.col(j);
        auto dst = out.col(j);
        switch (how) {
            case Normalisation::none:
                dst = col;
                break;
            case Normalisation::minmax: {
                const double range = s.max(j) - s.min(j);
                if (!(range > 0))
                    d::column_error(labels, j,
                                    "min-max normalisation divides by max - min, and the column is constant (" +
                                        d::fmt(s.max(j)) + ")");
                if (cost)
                    dst = (s.max(j) - col.array()) / range;
                else
                    dst = (col.array() - s.min(j)) / range;
                break;
            }
            case Normalisation::max:
                if (!(s.max(j) > 0))
                    d::column_error(labels, j,
                                    "max normalisation divides by the column maximum, which is " + d::fmt(s.max(j)) +
                                        " (it must be > 0)");
                if (cost)
                    dst = 1.0 - col.array() / s.max(j);
                else
                    dst = col / s.max(j);
                break;
            case Normalisation::sum:
                if (cost) {
                    double inv = 0;
                    for (Eigen::Index i = 0; i < x.rows(); ++i) {
                        if (!(col(i) > 0))
                            d::cell_error(labels, i, j, col(i),
                                          "is not > 0: sum normalisation of a cost criterion takes 1/x");
                        inv += 1.0 / col(i);
                    }
                    dst = col.array().inverse() / inv;
                } else {
                    if (s.min(j) < 0) {
                        for (Eigen::Index i = 0; i < x.rows(); ++i)
                            if (col(i) < 0)
                                d::cell_error(labels, i, j, col(i), "is negative: sum normalisation needs x >= 0");
                    }
                    if (!(s.sum(j) > 0)) d::column_error(labels, j, "sum normalisation: every value is zero");
                    dst = col / s.sum(j);
                }
                break;
            case Normalisation::vector: {
                const double norm = std::sqrt(s.sumsq(j));
                if (!(norm > 0)) d::column_error(labels, j, "vector normalisation: every value is zero");
                if (cost)
                    dst = 1.0 - col.array() / norm;
                else
                    dst = col / norm;
                break;
            }
            case Normalisation::linear:
                if (cost) {
                    if (!(s.min(j) > 0)) {
                        for (Eigen::Index i = 0; i < x.rows(); ++i)
                            if (!(col(i) > 0))
                                d::cell_error(labels, i, j, col(i),
                                              "is not > 0: linear normalisation of a cost criterion takes min/x");
                    }
                    dst = s.min(j) / col.array();
                } else {
                    if (!(s.max(j) > 0))
                        d::column_error(labels, j,
                                        "linear normalisation divides by the column maximum, which is " +
                                            d::fmt(s.max(j)) + " (it must be > 0)");
                    dst = col / s.max(j);
                }
                break;
        }
    }
    return out;
}

}  // namespace kaohe::mcda
