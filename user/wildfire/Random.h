#pragma once

#include <stdint.h>

// Randomness for the wildfire model. Two kinds, both pure integer code:
//  - Random: xoshiro256** (Blackman and Vigna, 2018), seeded through SplitMix64. One stream per
//    owner (the world's weather, each drone), so a drone agent can carry its own generator and
//    reproduce exactly what the in-process model does.
//  - event_hash(): a counter-based generator (the SplitMix64 finalizer over the seed and the
//    coordinates of an event). Fire spread and crashes use it, so their outcome depends only on
//    (seed, tick, cell or drone), never on the order in which cells or agents are visited: a
//    world split across several agents by region gives the same fire as one agent.
namespace gehri::wildfire {

// Probabilities are Q16 fixed point: probability_one is certainty.
using Probability = uint32_t;
constexpr Probability probability_one = 1u << 16;

constexpr uint64_t mix64(uint64_t value)
{
    value ^= value >> 30;
    value *= 0xbf58476d1ce4e5b9ull;
    value ^= value >> 27;
    value *= 0x94d049bb133111ebull;
    value ^= value >> 31;
    return value;
}

constexpr uint64_t splitmix64_next(uint64_t& state)
{
    state += 0x9e3779b97f4a7c15ull;
    return mix64(state);
}

constexpr uint64_t event_hash(uint64_t seed, uint64_t a, uint64_t b = 0, uint64_t c = 0)
{
    uint64_t h = mix64(seed ^ 0x5851f42d4c957f2dull);
    h = mix64(h ^ a);
    h = mix64(h + 0x9e3779b97f4a7c15ull * (b + 1));
    return mix64(h ^ (c * 0xd6e8feb86659fd93ull));
}

// True with the given probability, decided by the low 16 bits of an event hash.
constexpr bool event_chance(Probability probability, uint64_t seed, uint64_t a, uint64_t b = 0, uint64_t c = 0)
{
    return (event_hash(seed, a, b, c) & (probability_one - 1)) < probability;
}

class Random {
public:
    // Seeds the 256-bit state with four SplitMix64 outputs (never all zero).
    explicit constexpr Random(uint64_t seed)
    {
        uint64_t state = seed;
        for (auto& word : m_state)
            word = splitmix64_next(state);
    }
    // The raw 256-bit state (not all zero), to check against the reference implementation.
    static constexpr Random from_state(uint64_t s0, uint64_t s1, uint64_t s2, uint64_t s3)
    {
        Random random(0);
        random.m_state[0] = s0;
        random.m_state[1] = s1;
        random.m_state[2] = s2;
        random.m_state[3] = s3;
        return random;
    }
    // An independent stream for (seed, stream), e.g. one per drone id.
    static constexpr Random for_stream(uint64_t seed, uint64_t stream) { return Random(mix64(seed) ^ mix64(stream + 0x632be59bd9b4e019ull)); }

    constexpr uint64_t next()
    {
        uint64_t result = rotate_left(m_state[1] * 5, 7) * 9;
        uint64_t t = m_state[1] << 17;
        m_state[2] ^= m_state[0];
        m_state[3] ^= m_state[1];
        m_state[1] ^= m_state[2];
        m_state[0] ^= m_state[3];
        m_state[2] ^= t;
        m_state[3] = rotate_left(m_state[3], 45);
        return result;
    }

    // Uniform in [0, bound) without bias (Lemire's multiply-and-reject); 0 when bound is 0.
    constexpr uint32_t below(uint32_t bound)
    {
        if (bound == 0)
            return 0;
        uint64_t product = (next() >> 32) * bound;
        uint32_t low = static_cast<uint32_t>(product);
        if (low < bound) {
            uint32_t threshold = static_cast<uint32_t>(-bound) % bound;
            while (low < threshold) {
                product = (next() >> 32) * bound;
                low = static_cast<uint32_t>(product);
            }
        }
        return static_cast<uint32_t>(product >> 32);
    }

    // Uniform in [low, high]; low when high < low.
    constexpr int32_t between(int32_t low, int32_t high)
    {
        if (high <= low)
            return low;
        return low + static_cast<int32_t>(below(static_cast<uint32_t>(high - low) + 1));
    }

    constexpr bool chance(Probability probability) { return (next() >> 48) < probability; }

private:
    static constexpr uint64_t rotate_left(uint64_t value, int shift) { return (value << shift) | (value >> (64 - shift)); }

    uint64_t m_state[4] {};
};

} // namespace gehri::wildfire
