# Runtime CPU dispatch: the hot kernels (src/kernels/) are compiled once per x86-64 microarchitecture level and
# the best one the CPU supports is chosen when first used (src/kernels/dispatch.cpp). Everything else is compiled
# for the portable baseline, so one build (and one wheel) runs on any x86-64 CPU and is fast on new ones.
#
# Baseline: the compiler's default target, which on x86-64 is the original x86-64 (SSE2). With the kernels
# dispatched, the Monte Carlo benchmark runs as fast as a -march=native build (bench/RESULTS.md), so kaohe asks
# nothing more of the CPU elsewhere.
# Levels compiled: x86-64 (baseline), x86-64-v2 (SSE4.2, POPCNT), x86-64-v3 (AVX2, FMA, BMI2), x86-64-v4
# (AVX-512 F/BW/CD/DQ/VL), each in its own translation unit with per-source -march flags. Elsewhere (aarch64,
# MSVC, compilers without -march=x86-64-vN) only the baseline level is built, and dispatch is a no-op.
include(CheckCXXCompilerFlag)

target_sources(kaohe PRIVATE src/kernels/dispatch.cpp src/kernels/kernels_baseline.cpp)
# Header-side switch: with the compiled library present, detail::gemm goes through the dispatched table.
target_compile_definitions(kaohe PUBLIC KAOHE_RUNTIME_DISPATCH)
if(KAOHE_NATIVE)
  set_source_files_properties(src/kernels/dispatch.cpp PROPERTIES COMPILE_DEFINITIONS KAOHE_NATIVE_BUILD)
endif()

# Debug and sanitizer builds compile the baseline level only: unoptimised code emits inline std:: functions out
# of line, and an AVX-512 copy of one could be the copy the linker keeps (tests/check_kernel_symbols.cmake).
# Dispatch is for speed, which such builds do not need.
set(_kaohe_dispatch_default ON)
if(KAOHE_SANITIZE OR KAOHE_SANITIZE_THREAD OR CMAKE_BUILD_TYPE STREQUAL "Debug")
  set(_kaohe_dispatch_default OFF)
endif()
option(KAOHE_DISPATCH "Compile the hot kernels for x86-64-v2/v3/v4 too and choose one at run time"
       ${_kaohe_dispatch_default})

set(KAOHE_KERNEL_LEVELS "")
if(KAOHE_DISPATCH AND CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$" AND NOT MSVC
   AND CMAKE_SIZEOF_VOID_P EQUAL 8)
  foreach(level IN ITEMS 2 3 4)
    check_cxx_compiler_flag("-march=x86-64-v${level}" KAOHE_HAVE_MARCH_X86_64_V${level})
    if(KAOHE_HAVE_MARCH_X86_64_V${level})
      set(_src src/kernels/kernels_x86_64_v${level}.cpp)
      target_sources(kaohe PRIVATE ${_src})
      set(_opts "-march=x86-64-v${level}")
      if(level EQUAL 4)
        list(APPEND _opts ${KAOHE_AVX512_WARNING_EXCEPTIONS})
      endif()
      set_source_files_properties(${_src} PROPERTIES COMPILE_OPTIONS "${_opts}")
      set_property(SOURCE src/kernels/dispatch.cpp APPEND PROPERTY COMPILE_DEFINITIONS
                   KAOHE_KERNEL_x86_64_v${level})
      list(APPEND KAOHE_KERNEL_LEVELS "x86-64-v${level}")
    endif()
  endforeach()
endif()
message(STATUS "kaohe: runtime-dispatched kernel levels: baseline ${KAOHE_KERNEL_LEVELS}")
