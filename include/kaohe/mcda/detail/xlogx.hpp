// Internal: per-column sums of x, x ln x, min and max over a row-major block: the whole cost of entropy weights.
// The logarithms use Eigen's vectorised log (its SIMD packet math, as wide as the build's instruction set),
// because a scalar libm log per element dominated the run time (10 M logs for a 1,000,000 x 10 matrix).
#pragma once

#include <Eigen/Core>

#include <algorithm>
#include <cmath>

namespace kaohe::detail::mcda {

// Scalar reference: accumulates into s/t/mn/mx (size n) the rows [0, rows) of a row-major block with `stride`.
inline void xlogx_scalar(const double* data, Eigen::Index rows, Eigen::Index n, Eigen::Index stride, double* s,
                         double* t, double* mn, double* mx) {
    for (Eigen::Index i = 0; i < rows; ++i) {
        const double* r = data + i * stride;
        for (Eigen::Index j = 0; j < n; ++j) {
            const double v = r[j];
            mn[j] = v < mn[j] ? v : mn[j];
            mx[j] = v > mx[j] ? v : mx[j];
            s[j] += v;
            t[j] += v > 0 ? v * std::log(v) : 0.0;
        }
    }
}

// Sums of x and x ln x (0 ln 0 = 0), min and max per column over `rows` rows of a row-major block with `stride`;
// the accumulators must be initialised (s = t = 0, mn = mx = the first row). Negative values are rejected by the
// callers before the result is used.
inline void xlogx_block(const double* data, Eigen::Index rows, Eigen::Index n, Eigen::Index stride, double* s,
                        double* t, double* mn, double* mx) {
    using Rows = Eigen::Array<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    const Eigen::Map<const Rows, 0, Eigen::OuterStride<>> x(data, rows, n, Eigen::OuterStride<>(stride));
    Eigen::Map<Eigen::ArrayXd> sum(s, n), sum_xlogx(t, n), lo(mn, n), hi(mx, n);
    constexpr Eigen::Index chunk = 256;  // rows per pass, so that the temporary stays in cache
    Rows xlogx(std::min(chunk, rows), n);
    for (Eigen::Index r = 0; r < rows; r += chunk) {
        const Eigen::Index m = std::min(chunk, rows - r);
        const auto block = x.middleRows(r, m);
        xlogx.topRows(m) = (block > 0.0).select(block * block.log(), 0.0);  // log(0) = -inf is not selected
        sum += block.colwise().sum().transpose();
        sum_xlogx += xlogx.topRows(m).colwise().sum().transpose();
        lo = lo.min(block.colwise().minCoeff().transpose());
        hi = hi.max(block.colwise().maxCoeff().transpose());
    }
}

}  // namespace kaohe::detail::mcda
