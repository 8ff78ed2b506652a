// Number formatting for error messages and explanations.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

namespace kaohe::detail {

// Relative comparison for sums of weights: 1e-9 of the larger magnitude (and of 1).
inline bool close(double a, double b) {
    return std::abs(a - b) <= 1e-9 * std::max({1.0, std::abs(a), std::abs(b)});
}

// A number with up to 10 significant digits, for error messages.
inline std::string fmt(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.10g", v);
    return buf;
}

// A number for explanations: up to 4 decimals, trailing zeros dropped.
inline std::string num(double v) {
    if (std::isnan(v)) return "n/a";
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.4f", v);
    std::string s(buf);
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
    if (s == "-0") s = "0";
    return s;
}

}  // namespace kaohe::detail
