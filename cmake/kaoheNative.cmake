# kaohe_target_native(<target>): compile one of kaohe's own binaries (tests, benchmarks, examples, the Python
# extension) for the CPU of the machine that builds it. Monte Carlo studies are dominated by a matrix
# product that runs about 3x faster with AVX2/FMA than with the x86-64 baseline (see bench/RESULTS.md).
# Never applied to consumers' targets: an application that links kaohe::kaohe chooses its own flags. Turn
# KAOHE_NATIVE off to build binaries (wheels) that run on other machines.
include(CheckCXXCompilerFlag)
check_cxx_compiler_flag("-march=native" KAOHE_HAVE_MARCH_NATIVE)
function(kaohe_target_native target)
  if(KAOHE_NATIVE AND KAOHE_HAVE_MARCH_NATIVE AND NOT MSVC)
    target_compile_options(${target} PRIVATE -march=native)
  endif()
endfunction()
