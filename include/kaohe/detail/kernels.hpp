// Matrix products for the re-weighting model, through the runtime-dispatched kernel table when the compiled
// library is linked (kaohe::kaohe defines KAOHE_RUNTIME_DISPATCH), else as plain Eigen expressions compiled for
// whatever CPU the includer targets (header-only use of kaohe::core).
#pragma once

#include <Eigen/Core>

#include "kaohe/detail/kernel_table.hpp"

namespace kaohe::detail {

static_assert(sizeof(Eigen::Index) == sizeof(KernelIndex), "the kernels take Eigen::Index sizes");

// c = a * b (c must not alias a or b).
inline void gemm(const Eigen::Ref<const Eigen::MatrixXd>& a, const Eigen::Ref<const Eigen::MatrixXd>& b,
                 Eigen::Ref<Eigen::MatrixXd> c) {
#ifdef KAOHE_RUNTIME_DISPATCH
    kernel_table().gemm_f64(c.rows(), c.cols(), a.cols(), a.data(), a.outerStride(), b.data(), b.outerStride(),
                            c.data(), c.outerStride());
#else
    c.noalias() = a * b;
#endif
}

inline void gemm(const Eigen::Ref<const Eigen::MatrixXf>& a, const Eigen::Ref<const Eigen::MatrixXf>& b,
                 Eigen::Ref<Eigen::MatrixXf> c) {
#ifdef KAOHE_RUNTIME_DISPATCH
    kernel_table().gemm_f32(c.rows(), c.cols(), a.cols(), a.data(), a.outerStride(), b.data(), b.outerStride(),
                            c.data(), c.outerStride());
#else
    c.noalias() = a * b;
#endif
}

}  // namespace kaohe::detail
