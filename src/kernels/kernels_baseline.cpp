// Kernel level "baseline": compiled with the library's own flags (the portable default), always present.
#define KAOHE_KERNEL_LEVEL baseline
#if defined(__x86_64__) || defined(_M_X64)
#define KAOHE_KERNEL_LEVEL_NAME "x86-64"
#else
#define KAOHE_KERNEL_LEVEL_NAME "generic"
#endif
#include "kernels_impl.hpp"
