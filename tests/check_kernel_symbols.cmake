# Checks that each kernel-level object (src/kernels/kernels_<level>.cpp) exports only its own table and defines no
# weak (mergeable) symbol outside its renamed Eigen namespace: a weak symbol shared with the baseline code, say an
# inline std:: function compiled for AVX-512, could be the copy the linker keeps for every caller, and a baseline
# CPU would then hit an illegal instruction. Run by ctest with -DNM=<nm> -DOBJECTS=<a;b;...>.
foreach(obj IN LISTS OBJECTS)
  execute_process(COMMAND ${NM} --defined-only ${obj} OUTPUT_VARIABLE out RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${NM} failed on ${obj}")
  endif()
  string(REPLACE "\n" ";" lines "${out}")
  get_filename_component(base ${obj} NAME)
  string(REGEX REPLACE "^kernels_(.*)\\.cpp\\.o(bj)?$" "\\1" level "${base}")
  set(tables 0)
  foreach(line IN LISTS lines)
    if(line MATCHES "^[0-9a-f]+ ([A-Za-z]) (.*)$")
      set(kind ${CMAKE_MATCH_1})
      set(name "${CMAKE_MATCH_2}")
      # Mangled names: a symbol that mentions the renamed namespace anywhere (an Eigen function, or a std::
      # template instantiated on an Eigen type) is unique to this TU; one that does not could be shared.
      # The baseline level is compiled with the library's own flags, so what it shares is the same code anyway.
      if(kind MATCHES "^[WVu]$" AND NOT level STREQUAL "baseline" AND NOT name MATCHES "kaohe_eigen_${level}"
         AND NOT name STREQUAL "DW.ref.__gxx_personality_v0")
        message(FATAL_ERROR "${obj}: weak symbol outside the renamed Eigen namespace: ${name}")
      endif()
      if(kind MATCHES "^[TDRB]$")
        if(name MATCHES "^_*(odr_)?asan")
          # AddressSanitizer's own bookkeeping symbols
        elseif(name MATCHES "^_ZN5kaohe6detail[0-9]+kernel_table_")
          math(EXPR tables "${tables} + 1")
        else()
          message(FATAL_ERROR "${obj}: exports ${name}; a kernel TU must export its table only")
        endif()
      endif()
    endif()
  endforeach()
  if(NOT tables EQUAL 1)
    message(FATAL_ERROR "${obj}: expected exactly one kernel table, found ${tables}")
  endif()
  message(STATUS "${base}: one table, no shared weak symbols")
endforeach()
