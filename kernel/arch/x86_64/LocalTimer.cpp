#include <kernel/arch/x86_64/Interrupts.h>
#include <kernel/arch/x86_64/LocalApic.h>
#include <kernel/arch/x86_64/LocalTimer.h>
#include <kernel/arch/x86_64/PerCpu.h>
#include <kernel/time/RateConversion.h>
#include <kernel/time/Timer.h>

namespace gehri::arch {

namespace {

uint64_t s_frequency_hz;
time::RateConversion s_ns_to_ticks;
time::TickHandler s_tick_handler;

uint32_t ticks_for(uint64_t ns)
{
    uint64_t ticks = s_ns_to_ticks.convert_rounding_up(ns);
    if (ticks == 0)
        return 1; // an initial count of 0 would stop the timer instead
    return ticks > UINT32_MAX ? UINT32_MAX : static_cast<uint32_t>(ticks);
}

void handle_local_timer(InterruptFrame& frame)
{
    lapic::end_of_interrupt();
    ++this_cpu().timer_interrupts;
    if (auto handler = __atomic_load_n(&s_tick_handler, __ATOMIC_ACQUIRE))
        handler(frame);
}

void arm(lapic::timer::Mode mode, uint64_t ns)
{
    if (s_frequency_hz == 0)
        return;
    // Stop first: a new initial count must not race a tick of the old configuration.
    lapic::timer::set_initial_count(0);
    lapic::timer::configure(vectors::local_timer, mode, false);
    lapic::timer::set_initial_count(ticks_for(ns));
}

} // namespace

Result<void> set_local_timer_frequency(uint64_t hz)
{
    s_ns_to_ticks = TRY(time::RateConversion::create(time::nanoseconds_per_second, hz));
    s_frequency_hz = hz;
    return {};
}

void install_local_timer_handler() { install_interrupt_handler(vectors::local_timer, handle_local_timer); }

} // namespace gehri::arch

namespace gehri::time {

TickHandler set_tick_handler(TickHandler handler) { return __atomic_exchange_n(&arch::s_tick_handler, handler, __ATOMIC_ACQ_REL); }
void arm_periodic_ns(uint64_t period_ns) { arch::arm(arch::lapic::timer::Mode::Periodic, period_ns); }
void arm_oneshot_ns(uint64_t delay_ns) { arch::arm(arch::lapic::timer::Mode::OneShot, delay_ns); }
void stop_timer()
{
    if (arch::s_frequency_hz != 0) // before the platform is up there is no timer to stop
        arch::lapic::timer::set_initial_count(0);
}
uint64_t timer_frequency_hz() { return arch::s_frequency_hz; }

uint64_t max_timer_delay_ns()
{
    if (arch::s_frequency_hz == 0)
        return 0;
    return frequency_from_measurement(UINT32_MAX, arch::s_frequency_hz, nanoseconds_per_second);
}

uint64_t timer_interrupt_count() { return arch::this_cpu().timer_interrupts; }

} // namespace gehri::time
