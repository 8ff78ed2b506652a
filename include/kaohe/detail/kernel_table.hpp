// The table of hot kernels chosen at run time from the CPU's features (runtime dispatch).
//
// kaohe's default build, and every wheel, is compiled for a portable baseline. The few loops where the
// instruction set matters (the Monte Carlo / Sobol matrix products) are compiled again for higher x86-64
// levels in src/kernels/, one translation unit per level, and the best level this CPU supports is picked
// once, on first use. Each level's TU sees Eigen under a renamed namespace and exports nothing but its table,
// so no inline function compiled for AVX2 or AVX-512 can be merged with a baseline copy (no ODR mixing).
//
// This header has no Eigen include on purpose: the kernel TUs include it before their renamed Eigen.
#pragma once

#include <cstddef>

namespace kaohe::detail {

using KernelIndex = std::ptrdiff_t;  // == Eigen::Index

// Column-major C (m x n, leading dimension ldc) = A (m x k, lda) * B (k x n, ldb); C must not alias A or B.
using GemmF64 = void (*)(KernelIndex m, KernelIndex n, KernelIndex k, const double* a, KernelIndex lda, const double* b,
                         KernelIndex ldb, double* c, KernelIndex ldc);
using GemmF32 = void (*)(KernelIndex m, KernelIndex n, KernelIndex k, const float* a, KernelIndex lda, const float* b,
                         KernelIndex ldb, float* c, KernelIndex ldc);

struct KernelTable {
    const char* level;  // "x86-64", "x86-64-v2", "x86-64-v3", "x86-64-v4", or "generic" off x86-64
    GemmF64 gemm_f64;
    GemmF32 gemm_f32;
};

// The table in use: chosen once from the CPU (capped by the environment variable KAOHE_CPU_LEVEL, if set).
// Defined in the compiled library (kaohe::kaohe); header-only users of kaohe::core never call it.
const KernelTable& kernel_table() noexcept;

// Testing and benchmarking only: use the table of `level` from now on. Returns false (and changes nothing) when
// that level is not compiled into this build or this CPU cannot run it. Not safe while a study is running.
bool use_kernel_level(const char* level) noexcept;

}  // namespace kaohe::detail
