// The body of one kernel level. Included by exactly one kernels_<level>.cpp, which defines
//   KAOHE_KERNEL_LEVEL       the level's identifier suffix (x86_64, x86_64_v2, ...), and
//   KAOHE_KERNEL_LEVEL_NAME  its name as cpu_info() reports it ("x86-64-v3", ...),
// and is compiled with that level's -march (cmake/kaoheDispatch.cmake).
//
// Why Eigen is renamed here: every inline function and template instantiated in this TU is compiled for this
// level's instruction set. If it kept its usual name, the linker could keep this AVX-512 copy of, say,
// Eigen::internal::gebp_kernel<...>::operator() and drop the baseline copy that the rest of kaohe uses, and a
// baseline CPU would then die with an illegal instruction. With `Eigen` spelled kaohe_eigen_<level> in this TU
// (the #include <Eigen/Core> path itself is not macro-expanded), its instantiations are this level's own.
// tests/CMakeLists.txt checks with nm that these objects define no other weak (mergeable) symbol.
#pragma once

#ifndef KAOHE_KERNEL_LEVEL
#error "define KAOHE_KERNEL_LEVEL before including kernels_impl.hpp"
#endif

// Standard headers first, under their own names: their inline functions are not renamed, so this TU must not
// instantiate any out of line (the nm check above would list them).
#include <algorithm>
#include <cmath>
#include <complex>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>
#include <type_traits>

#include "kaohe/detail/kernel_table.hpp"

#define KAOHE_CAT2(a, b) a##b
#define KAOHE_CAT(a, b) KAOHE_CAT2(a, b)
#define Eigen KAOHE_CAT(kaohe_eigen_, KAOHE_KERNEL_LEVEL)
#define KAOHE_LEVEL_NS KAOHE_CAT(kernels_, KAOHE_KERNEL_LEVEL)  // this level's own namespace
#include <Eigen/Core>

namespace kaohe::detail {
namespace KAOHE_LEVEL_NS {
namespace {

template <class Scalar>
void gemm(KernelIndex m, KernelIndex n, KernelIndex k, const Scalar* a, KernelIndex lda, const Scalar* b,
          KernelIndex ldb, Scalar* c, KernelIndex ldc) {
    using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;
    using Stride = Eigen::OuterStride<>;
    const Eigen::Map<const Matrix, 0, Stride> am(a, m, k, Stride(lda));
    const Eigen::Map<const Matrix, 0, Stride> bm(b, k, n, Stride(ldb));
    Eigen::Map<Matrix, 0, Stride> cm(c, m, n, Stride(ldc));
    cm.noalias() = am * bm;
}

void gemm_f64(KernelIndex m, KernelIndex n, KernelIndex k, const double* a, KernelIndex lda, const double* b,
              KernelIndex ldb, double* c, KernelIndex ldc) {
    gemm<double>(m, n, k, a, lda, b, ldb, c, ldc);
}

void gemm_f32(KernelIndex m, KernelIndex n, KernelIndex k, const float* a, KernelIndex lda, const float* b,
              KernelIndex ldb, float* c, KernelIndex ldc) {
    gemm<float>(m, n, k, a, lda, b, ldb, c, ldc);
}

}  // namespace
}  // namespace KAOHE_LEVEL_NS

// The only symbol this TU exports.
extern const KernelTable KAOHE_CAT(kernel_table_, KAOHE_KERNEL_LEVEL);
const KernelTable KAOHE_CAT(kernel_table_, KAOHE_KERNEL_LEVEL) = {KAOHE_KERNEL_LEVEL_NAME, &KAOHE_LEVEL_NS::gemm_f64,
                                                                  &KAOHE_LEVEL_NS::gemm_f32};

}  // namespace kaohe::detail

#undef KAOHE_LEVEL_NS
#undef Eigen
