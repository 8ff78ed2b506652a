// Random numbers for Monte Carlo studies: a small fast generator with independent, seekable streams, and a
// gamma sampler fast enough for millions of Dirichlet draws.
//
// Why not <random>: std::mt19937 cannot jump to a stream, so reproducibility across thread counts would
// need a shared sequence; and std::gamma_distribution is several times slower than Marsaglia-Tsang and
// differs between standard libraries, so the same seed would give different results on different platforms.
// Every sample block gets its own stream (seed, block), so results do not depend on which thread ran it.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>

#include <boost/random/normal_distribution.hpp>

namespace kaohe::detail {

// SplitMix64 (Steele, Lea & Flood 2014): turns (seed, stream) into well-mixed generator state.
inline std::uint64_t splitmix64(std::uint64_t& x) noexcept {
    std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

// xoshiro256++ (Blackman & Vigna 2019): 256-bit state, period 2^256 - 1, passes BigCrush; a
// UniformRandomBitGenerator, so Boost.Random's distributions can use it.
class Xoshiro256pp {
public:
    using result_type = std::uint64_t;
    // Stream `stream` of seed `seed`: the state is filled by SplitMix64 from a mix of both, so different
    // (seed, stream) pairs give unrelated sequences.
    Xoshiro256pp(std::uint64_t seed, std::uint64_t stream) noexcept {
        std::uint64_t x = seed ^ (stream * 0xd1342543de82ef95ULL + 0x2545f4914f6cdd1dULL);
        for (auto& s : s_) s = splitmix64(x);
    }
    static constexpr result_type min() noexcept { return 0; }
    static constexpr result_type max() noexcept { return std::numeric_limits<result_type>::max(); }
    result_type operator()() noexcept {
        const std::uint64_t result = rotl(s_[0] + s_[3], 23) + s_[0];
        const std::uint64_t t = s_[1] << 17;
        s_[2] ^= s_[0];
        s_[3] ^= s_[1];
        s_[1] ^= s_[2];
        s_[0] ^= s_[3];
        s_[2] ^= t;
        s_[3] = rotl(s_[3], 45);
        return result;
    }
    // Uniform on [0, 1) with 53 random bits.
    double uniform() noexcept { return static_cast<double>((*this)() >> 11) * 0x1.0p-53; }

private:
    static std::uint64_t rotl(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }
    std::uint64_t s_[4]{};
};

// Gamma(shape, 1) by Marsaglia & Tsang (2000), "A simple method for generating gamma variables": one normal
// (Boost's ziggurat) and one uniform per draw, accepted ~98% of the time for shape >= 1, mostly without a
// logarithm (the squeeze test). Shapes below 1 use Gamma(shape + 1) * U^(1/shape).
class GammaSampler {
public:
    explicit GammaSampler(double shape) noexcept
        : boost_(shape < 1.0),
          shape_(shape),
          d_((boost_ ? shape + 1.0 : shape) - 1.0 / 3.0),
          c_(1.0 / std::sqrt(9.0 * d_)) {}
    template <class Rng>
    double operator()(Rng& rng, boost::random::normal_distribution<double>& normal) const {
        for (;;) {
            double x, v;
            do {
                x = normal(rng);
                v = 1.0 + c_ * x;
            } while (v <= 0.0);
            v = v * v * v;
            const double u = rng.uniform();
            const double x2 = x * x;
            if (u < 1.0 - 0.0331 * x2 * x2 || std::log(u) < 0.5 * x2 + d_ * (1.0 - v + std::log(v))) {
                const double g = d_ * v;
                return boost_ ? g * std::pow(rng.uniform(), 1.0 / shape_) : g;
            }
        }
    }
    [[nodiscard]] double shape() const noexcept { return shape_; }

private:
    bool boost_;
    double shape_, d_, c_;
};

}  // namespace kaohe::detail
