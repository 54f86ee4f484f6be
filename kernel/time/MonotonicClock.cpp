#include <kernel/time/MonotonicClock.h>

namespace gehri::time {

Result<MonotonicClock> MonotonicClock::create(CounterReader reader, uint64_t counter_hz, uint64_t base_count)
{
    if (reader == nullptr)
        return Error::InvalidArgument;
    MonotonicClock clock;
    clock.m_to_ns = TRY(RateConversion::create(counter_hz, nanoseconds_per_second));
    clock.m_reader = reader;
    clock.m_counter_hz = counter_hz;
    clock.m_base_count = base_count;
    return clock;
}

} // namespace gehri::time
