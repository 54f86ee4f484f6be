#include <kernel/time/RateConversion.h>

namespace gehri::time {

Result<RateConversion> RateConversion::create(uint64_t from_hz, uint64_t to_hz)
{
    if (from_hz == 0 || to_hz == 0)
        return Error::InvalidArgument;
    if (to_hz / from_hz >= (uint64_t(1) << 63))
        return Error::OutOfRange;
    // The largest shift whose multiplier still fits in 63 bits gives the most precision;
    // to_hz << 64 still fits the 128-bit intermediate.
    uint32_t shift = 64;
    unsigned __int128 scaled;
    unsigned __int128 multiplier;
    for (;; --shift) {
        scaled = static_cast<unsigned __int128>(to_hz) << shift;
        multiplier = scaled / from_hz;
        if (multiplier < (static_cast<unsigned __int128>(1) << 63))
            break;
    }
    // Rounding the multiplier up makes exact multiples convert exactly (3 ticks of a 3 GHz
    // counter are 1 ns, not 0) and lets convert_rounding_up never undershoot.
    if (scaled % from_hz != 0)
        ++multiplier;
    return RateConversion(static_cast<uint64_t>(multiplier), shift);
}

uint64_t RateConversion::convert_rounding_up(uint64_t count) const
{
    unsigned __int128 product = static_cast<unsigned __int128>(count) * m_multiplier;
    unsigned __int128 mask = (static_cast<unsigned __int128>(1) << m_shift) - 1;
    unsigned __int128 result = (product >> m_shift) + ((product & mask) ? 1 : 0);
    return result > UINT64_MAX ? UINT64_MAX : static_cast<uint64_t>(result);
}

uint64_t frequency_from_measurement(uint64_t count, uint64_t reference_count, uint64_t reference_hz)
{
    if (reference_count == 0)
        return 0;
    unsigned __int128 frequency = static_cast<unsigned __int128>(count) * reference_hz / reference_count;
    return frequency > UINT64_MAX ? UINT64_MAX : static_cast<uint64_t>(frequency);
}

} // namespace gehri::time
