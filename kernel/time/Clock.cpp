#include <kernel/arch/Cpu.h>
#include <kernel/log/Log.h>
#include <kernel/time/Clock.h>

namespace gehri::time {

namespace {
MonotonicClock s_clock;
} // namespace

uint64_t now_ns() { return s_clock.now_ns(); }
bool clock_is_running() { return s_clock.is_running(); }
uint64_t clock_counter_frequency_hz() { return s_clock.counter_frequency_hz(); }

void install_clock(const MonotonicClock& clock)
{
    s_clock = clock;
    log::set_clock_source(now_ns);
}

void busy_wait_ns(uint64_t ns)
{
    if (!s_clock.is_running())
        return;
    uint64_t deadline = now_ns() + ns;
    while (now_ns() < deadline)
        arch::cpu_relax();
}

} // namespace gehri::time
