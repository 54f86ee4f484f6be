#pragma once

#include <kernel/time/RateConversion.h>

namespace gehri::time {

// Nanoseconds elapsed on a free-running counter since a base count. The counter is the
// architecture's (the TSC on x86_64); this class only does the bookkeeping and the math,
// so host tests can drive it with a fake counter.
class MonotonicClock {
public:
    using CounterReader = uint64_t (*)();

    constexpr MonotonicClock() = default;
    // InvalidArgument for a null reader or a zero frequency.
    static Result<MonotonicClock> create(CounterReader reader, uint64_t counter_hz, uint64_t base_count);

    bool is_running() const { return m_reader != nullptr; }
    // 0 before the clock is created. A count behind the base (another CPU's counter lagging
    // a little) also reads as 0 rather than wrapping to centuries.
    uint64_t now_ns() const
    {
        if (!m_reader)
            return 0;
        uint64_t count = m_reader();
        return count > m_base_count ? m_to_ns.convert(count - m_base_count) : 0;
    }
    uint64_t counter_frequency_hz() const { return m_counter_hz; }
    uint64_t counter_to_ns(uint64_t count) const { return m_to_ns.convert(count); }

private:
    CounterReader m_reader { nullptr };
    uint64_t m_counter_hz { 0 };
    uint64_t m_base_count { 0 };
    RateConversion m_to_ns;
};

} // namespace gehri::time
