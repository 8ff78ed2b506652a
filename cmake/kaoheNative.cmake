# KAOHE_NATIVE: compile kaohe, and everything that links it, for the CPU of the building machine.
#
# Monte Carlo studies are dominated by a matrix product that runs about 3x faster with AVX2/FMA than with the
# x86-64 baseline (bench/RESULTS.md). The option is a usage requirement of kaohe::core rather than a flag on
# some targets only, because Eigen objects cross between kaohe's compiled I/O, the engine headers and the
# caller's code: mixing -march=native and baseline code that share Eigen matrices breaks (different alignment
# of their heap storage). So either everything is native or nothing is.
#
# Default: ON for the Python wheel (a closed unit built on the machine that runs it), OFF otherwise, so an
# installed kaohe::kaohe never forces CPU-specific code on an application. scripts/test turns it on for the
# benchmark build.
include(CheckCXXCompilerFlag)
check_cxx_compiler_flag("-march=native" KAOHE_HAVE_MARCH_NATIVE)
if(KAOHE_NATIVE)
  if(KAOHE_HAVE_MARCH_NATIVE AND NOT MSVC)
    target_compile_options(kaohe_core INTERFACE -march=native)
  else()
    message(WARNING "KAOHE_NATIVE: the compiler does not accept -march=native; building for the baseline CPU")
  endif()
endif()
