# Warnings: strict, and errors under -DCMAKE_COMPILE_WARNING_AS_ERROR=ON, for kaohe's own targets only, never
# for consumers (no global flags).
#
# Third-party headers are system headers, so their warnings are not kaohe's: Eigen3::Eigen, Boost::headers and
# GTest::gtest are imported targets, whose include directories CMake passes with -isystem (and Debian installs
# them under /usr/include, a system directory anyway). That covers warnings the front end reports.
#
# It does not cover a few middle-end warnings (after inlining), which GCC attributes to the caller's code. Those
# false positives are listed here, per compiler and version, with the bug that causes them, and applied only to
# the translation units that hit them; every other warning stays an error for kaohe's code:
#
#   GCC < 13, AVX-512 code: -Wmaybe-uninitialized on the self-initialised `__Y` of _mm512_undefined_pd() in GCC's
#     own avx512fintrin.h, reached through Eigen's AVX-512 packet reductions (GCC PR 105593, fixed in GCC 13).
#     Applies to the x86-64-v4 kernel TU (cmake/kaoheDispatch.cmake) and, with KAOHE_NATIVE on an AVX-512 CPU,
#     to every kaohe target. It does not depend on which CPU builds the default configuration.
set(KAOHE_AVX512_WARNING_EXCEPTIONS "")
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  set(KAOHE_AVX512_WARNING_EXCEPTIONS -Wno-maybe-uninitialized)
endif()
set(KAOHE_TARGET_WARNING_EXCEPTIONS "")  # set by kaoheNative.cmake when the whole build is AVX-512

# kaohe_target_warnings(<target>): warnings (and, with KAOHE_SANITIZE, ASan + UBSan; with KAOHE_SANITIZE_THREAD,
# TSan; with KAOHE_BUILD_FUZZERS, libFuzzer's coverage instrumentation + ASan + UBSan) for one of kaohe's targets.
function(kaohe_target_warnings target)
  if(MSVC)
    target_compile_options(${target} PRIVATE /W4 /permissive-)
  else()
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
                                             -Wno-sign-conversion -Wnon-virtual-dtor -Wold-style-cast
                                             ${KAOHE_TARGET_WARNING_EXCEPTIONS})
  endif()
  if(KAOHE_SANITIZE AND NOT MSVC)
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-omit-frame-pointer
                                             -fno-sanitize-recover=undefined)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  endif()
  # The library is instrumented too (fuzzer-no-link: coverage without libFuzzer's main), so the fuzzers see
  # which branches of the readers an input reached; only the fuzz targets themselves link libFuzzer.
  if(KAOHE_BUILD_FUZZERS)
    target_compile_options(${target} PRIVATE -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
                                             -fno-sanitize-recover=undefined)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  endif()
  if(KAOHE_SANITIZE_THREAD AND NOT MSVC)
    target_compile_options(${target} PRIVATE -fsanitize=thread -fno-omit-frame-pointer)
    target_link_options(${target} PRIVATE -fsanitize=thread)
  endif()
endfunction()
