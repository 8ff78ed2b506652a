// Kernel level x86_64_v4: compiled with this level's flags (cmake/kaoheDispatch.cmake), chosen at run time.
#define KAOHE_KERNEL_LEVEL x86_64_v4
#define KAOHE_KERNEL_LEVEL_NAME "x86-64-v4"
#include "kernels_impl.hpp"
