// What the running CPU offers and which compiled kernel level kaohe uses on it (runtime dispatch).
#pragma once

#include <string>
#include <vector>

namespace kaohe {

struct CpuInfo {
    std::string level;                   // the kernel level in use, e.g. "x86-64-v3"
    std::string best;                    // the best compiled level this CPU can run (== level unless capped)
    std::vector<std::string> compiled;   // kernel levels compiled into this build, lowest first
    std::vector<std::string> supported;  // those this CPU can run, lowest first
    std::string cap;                     // the value of KAOHE_CPU_LEVEL, if set ("" otherwise)
    std::string note;                    // why the cap was not applied as given ("" when it was, or none is set)
    std::string build;                   // what the rest of kaohe was compiled for: "portable" or "native"
    std::string cpu;                     // the CPU's brand string, or "" where it cannot be read
};

// Defined in the compiled library (link kaohe::kaohe).
CpuInfo cpu_info();

}  // namespace kaohe
