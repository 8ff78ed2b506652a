// Kernel level x86_64_v2: compiled with this level's flags (cmake/kaoheDispatch.cmake), chosen at run time.
#define KAOHE_KERNEL_LEVEL x86_64_v2
#define KAOHE_KERNEL_LEVEL_NAME "x86-64-v2"
#include "kernels_impl.hpp"
