// The single version source for C++, CMake and Python (parsed by CMakeLists.txt and pyproject.toml).
#pragma once

#define KAOHE_VERSION_MAJOR 0
#define KAOHE_VERSION_MINOR 1
#define KAOHE_VERSION_PATCH 0
#define KAOHE_VERSION_STRING "0.1.0"

namespace kaohe {
inline constexpr const char* version = KAOHE_VERSION_STRING;
}  // namespace kaohe
