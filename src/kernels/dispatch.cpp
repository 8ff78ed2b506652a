// Runtime dispatch: which compiled kernel level this CPU can run, and the table in use.
//
// The x86-64 levels are the psABI's microarchitecture levels (what GCC's and Clang's -march=x86-64-vN
// enable). A level counts as supported only when the CPU reports every feature the compiler may use at that
// level and the operating system saves the registers it needs (XGETBV), since -march=x86-64-v3 code can use
// any of AVX2, FMA, BMI1/2, F16C, LZCNT and MOVBE, not just AVX2.
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "kaohe/cpu.hpp"
#include "kaohe/detail/kernel_table.hpp"

#if (defined(__x86_64__) || defined(_M_X64)) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#define KAOHE_X86_CPUID 1
#endif

namespace kaohe::detail {

// One per compiled level (src/kernels/kernels_<level>.cpp); cmake/kaoheDispatch.cmake says which exist.
extern const KernelTable kernel_table_baseline;
#ifdef KAOHE_KERNEL_x86_64_v2
extern const KernelTable kernel_table_x86_64_v2;
#endif
#ifdef KAOHE_KERNEL_x86_64_v3
extern const KernelTable kernel_table_x86_64_v3;
#endif
#ifdef KAOHE_KERNEL_x86_64_v4
extern const KernelTable kernel_table_x86_64_v4;
#endif

namespace {

// Lowest first.
const KernelTable* const compiled_tables[] = {
    &kernel_table_baseline,
#ifdef KAOHE_KERNEL_x86_64_v2
    &kernel_table_x86_64_v2,
#endif
#ifdef KAOHE_KERNEL_x86_64_v3
    &kernel_table_x86_64_v3,
#endif
#ifdef KAOHE_KERNEL_x86_64_v4
    &kernel_table_x86_64_v4,
#endif
};
constexpr std::size_t compiled_count = sizeof(compiled_tables) / sizeof(compiled_tables[0]);

// 1 = x86-64 (always), 2..4 = x86-64-v2..v4; 0 off x86-64.
int detect_x86_level() noexcept {
#ifdef KAOHE_X86_CPUID
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 1;
    const unsigned c1 = c;
    unsigned c81 = 0;
    if (__get_cpuid(0x80000001u, &a, &b, &c, &d)) c81 = c;
    unsigned b7 = 0;
    if (__get_cpuid_max(0, nullptr) >= 7) {
        __cpuid_count(7, 0, a, b, c, d);
        b7 = b;
    }
    auto bit = [](unsigned reg, int n) { return (reg >> n) & 1u; };
    // v2: CMPXCHG16B, LAHF/SAHF, POPCNT, SSE3, SSE4.1, SSE4.2, SSSE3
    const bool v2 = bit(c1, 13) && bit(c81, 0) && bit(c1, 23) && bit(c1, 0) && bit(c1, 19) && bit(c1, 20) && bit(c1, 9);
    if (!v2) return 1;
    // v3: AVX, AVX2, BMI1, BMI2, F16C, FMA, LZCNT, MOVBE, and the OS saves XMM and YMM state (XCR0 bits 1, 2)
    const bool osxsave = bit(c1, 27);
    unsigned xcr0 = 0;
    if (osxsave) {
        unsigned lo = 0, hi = 0;
        __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
        xcr0 = lo;
    }
    const bool ymm = osxsave && (xcr0 & 0x6u) == 0x6u;
    const bool v3 = ymm && bit(c1, 28) && bit(b7, 5) && bit(b7, 3) && bit(b7, 8) && bit(c1, 29) && bit(c1, 12) &&
                    bit(c81, 5) && bit(c1, 22);
    if (!v3) return 2;
    // v4: AVX512F, AVX512BW, AVX512CD, AVX512DQ, AVX512VL, and the OS saves opmask and ZMM state (bits 5, 6, 7)
    const bool zmm = (xcr0 & 0xe6u) == 0xe6u;
    const bool v4 = zmm && bit(b7, 16) && bit(b7, 30) && bit(b7, 28) && bit(b7, 17) && bit(b7, 31);
    return v4 ? 4 : 3;
#else
    return 0;
#endif
}

// The CPU does not change under a running process: detect once.
int cpu_x86_level() noexcept {
    static const int level = detect_x86_level();
    return level;
}

// The x86-64 level a table's name stands for (see cpu_x86_level); 0 for "generic".
int table_level(const KernelTable& t) noexcept {
    const char* n = t.level;
    if (std::strcmp(n, "x86-64") == 0) return 1;
    if (std::strcmp(n, "x86-64-v2") == 0) return 2;
    if (std::strcmp(n, "x86-64-v3") == 0) return 3;
    if (std::strcmp(n, "x86-64-v4") == 0) return 4;
    return 0;
}

bool runnable(const KernelTable& t) noexcept {
    return table_level(t) <= cpu_x86_level();
}

const KernelTable* best_table() noexcept {
    const KernelTable* best = compiled_tables[0];
    for (const KernelTable* t : compiled_tables)
        if (runnable(*t)) best = t;
    return best;
}

const KernelTable* find_table(const char* level) noexcept {
    for (const KernelTable* t : compiled_tables)
        if (std::strcmp(t->level, level) == 0) return t;
    return nullptr;
}

// The best runnable table, capped at KAOHE_CPU_LEVEL when that names a compiled level. `note` says why a cap
// was not applied as given.
const KernelTable* initial_table(std::string* note) noexcept {
    const KernelTable* best = best_table();
    const char* cap = std::getenv("KAOHE_CPU_LEVEL");
    if (!cap || !*cap) return best;
    const KernelTable* wanted = find_table(cap);
    if (!wanted) {
        if (note) {
            *note = std::string("KAOHE_CPU_LEVEL='") + cap + "' is not a compiled level (";
            for (std::size_t i = 0; i < compiled_count; ++i)
                *note += (i ? ", " : "") + std::string(compiled_tables[i]->level);
            *note += "); using " + std::string(best->level);
        }
        return best;
    }
    if (table_level(*wanted) > table_level(*best)) {
        if (note)
            *note = std::string("KAOHE_CPU_LEVEL='") + cap + "' is above what this CPU runs; using " + best->level;
        return best;
    }
    return wanted;
}

std::atomic<const KernelTable*>& current() noexcept {
    static std::atomic<const KernelTable*> table{initial_table(nullptr)};
    return table;
}

}  // namespace

const KernelTable& kernel_table() noexcept {
    return *current().load(std::memory_order_acquire);
}

bool use_kernel_level(const char* level) noexcept {
    const KernelTable* t = level ? find_table(level) : nullptr;
    if (!t || !runnable(*t)) return false;
    current().store(t, std::memory_order_release);
    return true;
}

}  // namespace kaohe::detail

namespace kaohe {

namespace {
std::string cpu_brand() {
#ifdef KAOHE_X86_CPUID
    unsigned regs[12] = {};
    // GCC's <cpuid.h> returns unsigned, Clang's int: the cast keeps -Wsign-compare quiet under both.
    if (static_cast<unsigned>(__get_cpuid_max(0x80000000u, nullptr)) < 0x80000004u) return {};
    for (unsigned i = 0; i < 3; ++i)
        __get_cpuid(0x80000002u + i, &regs[4 * i], &regs[4 * i + 1], &regs[4 * i + 2], &regs[4 * i + 3]);
    char text[sizeof(regs) + 1] = {};
    std::memcpy(text, regs, sizeof(regs));
    std::string s(text);
    const auto first = s.find_first_not_of(' ');
    const auto last = s.find_last_not_of(' ');
    return first == std::string::npos ? std::string() : s.substr(first, last - first + 1);
#else
    return {};
#endif
}
}  // namespace

CpuInfo cpu_info() {
    CpuInfo info;
    info.level = detail::kernel_table().level;
    for (const detail::KernelTable* t : detail::compiled_tables) {
        info.compiled.emplace_back(t->level);
        if (detail::runnable(*t)) info.supported.emplace_back(t->level);
    }
    info.best = detail::best_table()->level;
    if (const char* cap = std::getenv("KAOHE_CPU_LEVEL")) info.cap = cap;
    detail::initial_table(&info.note);
#ifdef KAOHE_NATIVE_BUILD
    info.build = "native";
#else
    info.build = "portable";
#endif
    info.cpu = cpu_brand();
    return info;
}

}  // namespace kaohe
