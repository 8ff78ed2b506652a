# KAOHE_NATIVE (opt-in, OFF by default, also for wheels): compile kaohe, and everything that links it, for the
# CPU of the building machine (-march=native). Useful for a local build that never leaves its machine; the
# default portable build already runs the hot kernels at the CPU's best level (cmake/kaoheDispatch.cmake), so the
# gain is small (bench/RESULTS.md).
#
# The option is a usage requirement of kaohe::core rather than a flag on some targets only, because Eigen
# objects cross between kaohe's compiled I/O, the engine headers and the caller's code: mixing -march=native and
# baseline code that share Eigen matrices breaks (different alignment of their heap storage with AVX). So either
# everything is native or nothing is. (The dispatched kernels are safe: they take raw pointers, not Eigen
# objects, and see Eigen under a renamed namespace.)
include(CheckCXXCompilerFlag)
include(CheckCXXSourceCompiles)
check_cxx_compiler_flag("-march=native" KAOHE_HAVE_MARCH_NATIVE)
if(KAOHE_NATIVE)
  if(KAOHE_HAVE_MARCH_NATIVE AND NOT MSVC)
    target_compile_options(kaohe_core INTERFACE -march=native)
    set(CMAKE_REQUIRED_FLAGS "-march=native")
    check_cxx_source_compiles("#ifndef __AVX512F__\n#error no AVX-512\n#endif\nint main() { return 0; }"
                              KAOHE_NATIVE_HAS_AVX512)
    unset(CMAKE_REQUIRED_FLAGS)
    if(KAOHE_NATIVE_HAS_AVX512)
      set(KAOHE_TARGET_WARNING_EXCEPTIONS ${KAOHE_AVX512_WARNING_EXCEPTIONS})
    endif()
  else()
    message(WARNING "KAOHE_NATIVE: the compiler does not accept -march=native; building for the baseline CPU")
  endif()
endif()
