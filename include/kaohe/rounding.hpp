// Round half-up (四舍五入) to a number of decimals, the way a person with the printed number would.
//
// Binary doubles cannot hold most decimal fractions: 2.675 is stored
// as 2.67499999999999982236431605997495353221893310546875 and a naive floor(x*100+0.5)/100 gives 2.67. Published
// assessment figures are rounded on the decimal value people see, so kaohe first reduces the double to 15 significant
// digits (the precision a double guarantees), then rounds that decimal string half away from zero. Results are exact
// decimals re-read as the nearest double.
#pragma once

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace kaohe {

[[nodiscard]] inline double round_half_up(double value, int decimals) {
    if (!std::isfinite(value) || decimals < 0 || decimals > 12) return value;
    // 15 significant digits in scientific notation: d.dddddddddddddde±XX
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.14e", value);
    const std::string s(buf);
    const bool negative = s[0] == '-';
    const std::size_t start = negative ? 1 : 0;
    const std::size_t epos = s.find('e');
    const int exponent = std::atoi(s.c_str() + epos + 1);
    std::string digits;  // 15 significant digits, no dot
    for (std::size_t i = start; i < epos; ++i)
        if (s[i] != '.') digits += s[i];
    // Value = 0.d1d2...d15 * 10^(exponent+1). Keep digits up to `decimals` places after the point.
    const int keep = exponent + 1 + decimals;  // number of significant digits to keep
    if (keep < 0) return negative ? -0.0 : 0.0;
    if (keep >= static_cast<int>(digits.size())) return value;  // nothing to round away
    std::string kept = digits.substr(0, static_cast<std::size_t>(keep));
    const bool round_up = digits[static_cast<std::size_t>(keep)] >= '5';
    long double mantissa = kept.empty() ? 0.0L : std::strtold(kept.c_str(), nullptr);
    if (round_up) mantissa += 1.0L;
    // Re-read as decimal text so the result is the double nearest to the exact decimal.
    char out[64];
    std::snprintf(out, sizeof out, "%s%.0Lfe%d", negative ? "-" : "", mantissa, -decimals);
    return std::strtod(out, nullptr);
}

}  // namespace kaohe
