#pragma once

#include <kernel/lib/Result.h>
#include <stdint.h>

namespace gehri::time {

constexpr uint64_t nanoseconds_per_second = 1'000'000'000;

// Converts a count of one clock (from_hz) into units of another (to_hz) as
// (count * multiplier) >> shift with a 128-bit product: no division on the hot path and no
// overflow for any 64-bit count. The multiplier keeps 63 significant bits, rounded up, so a
// result is the exact quotient's floor or at most count / 2^shift + 1 units above it (for a
// nanosecond clock: 2 ns after a century). Results beyond 64 bits saturate at UINT64_MAX.
class RateConversion {
public:
    constexpr RateConversion() = default;
    // InvalidArgument for a zero rate; OutOfRange when to_hz / from_hz does not fit in 64 bits.
    static Result<RateConversion> create(uint64_t from_hz, uint64_t to_hz);

    uint64_t convert(uint64_t count) const
    {
        unsigned __int128 product = static_cast<unsigned __int128>(count) * m_multiplier;
        unsigned __int128 result = product >> m_shift;
        return result > UINT64_MAX ? UINT64_MAX : static_cast<uint64_t>(result);
    }
    // Rounds up instead of down: a timer armed for at least N ns must not fire early.
    uint64_t convert_rounding_up(uint64_t count) const;

    uint64_t multiplier() const { return m_multiplier; }
    uint32_t shift() const { return m_shift; }

private:
    constexpr RateConversion(uint64_t multiplier, uint32_t shift)
        : m_multiplier(multiplier)
        , m_shift(shift)
    {
    }

    uint64_t m_multiplier { 0 };
    uint32_t m_shift { 0 };
};

// A counter's frequency from a measurement: it advanced by `count` while a reference clock of
// `reference_hz` advanced by `reference_count`. 0 when the reference did not advance.
uint64_t frequency_from_measurement(uint64_t count, uint64_t reference_count, uint64_t reference_hz);

} // namespace gehri::time
