#include <kernel/acpi/CpuList.h>
#include <kernel/arch/x86_64/Interrupts.h>
#include <kernel/arch/x86_64/LocalApic.h>
#include <kernel/arch/x86_64/PerCpu.h>
#include <kernel/arch/x86_64/Preemption.h>
#include <kernel/arch/x86_64/SchedulerPlatform.h>
#include <kernel/sched/KernelScheduler.h>
#include <kernel/time/Clock.h>
#include <kernel/sched/Thread.h>
#include <kernel/time/Timer.h>

namespace gehri::arch {

namespace {

void program_timer(uint64_t now_ns, uint64_t expiry_ns)
{
    time::arm_oneshot_ns(expiry_ns > now_ns ? expiry_ns - now_ns : 0);
    this_cpu().timer_expiry_ns = expiry_ns;
}

uint64_t earlier(uint64_t a, uint64_t b) { return a < b ? a : b; }

// Interrupts are off in both handlers; preempt_if_needed switches only if the interrupted code
// held no spinlock (preempt count zero), else it defers until the count drops to zero. The
// next expiry is programmed before that: a switch would not come back here for a while.
void handle_timer(InterruptFrame&)
{
    sched::Scheduler& scheduler = sched::kernel_scheduler();
    uint64_t now = time::now_ns();
    scheduler.on_tick(now);
    program_busy_timer(now, scheduler.next_deadline());
    scheduler.preempt_if_needed();
}

void handle_reschedule_ipi(InterruptFrame&)
{
    lapic::end_of_interrupt();
    ++this_cpu().reschedule_interrupts;
    sched::kernel_scheduler().preempt_if_needed();
}

} // namespace

void install_preemption()
{
    install_interrupt_handler(vectors::reschedule_ipi, handle_reschedule_ipi);
    scheduler_platform().set_reschedule_sender(send_reschedule_ipi);
    time::set_tick_handler(handle_timer);
}

void send_reschedule_ipi(uint32_t cpu)
{
    if (cpu < max_cpus && cpu < acpi::cpus().count())
        lapic::send_ipi(acpi::cpus().apic_id(cpu), vectors::reschedule_ipi);
}

// Called by preempt_enable when the count reached zero with a preemption deferred. With
// interrupts on, a self-IPI makes the interrupt exit path do the switch; with them off, the
// flag stays and the next zero crossing (or the next tick) takes care of it.
void resume_deferred_preemption()
{
    if (!interrupts_enabled())
        return;
    this_cpu().preemption_deferred = 0;
    lapic::send_ipi_to_self(vectors::reschedule_ipi);
}

void program_busy_timer(uint64_t now_ns, uint64_t next_deadline_ns) { program_timer(now_ns, earlier(now_ns + tick_ns, next_deadline_ns)); }

void program_idle_timer(uint64_t now_ns, uint64_t next_deadline_ns) { program_timer(now_ns, earlier(now_ns + idle_poll_ns, next_deadline_ns)); }

void program_timer_for_switch(const sched::Thread& from, const sched::Thread& to, uint64_t next_deadline_ns)
{
    if (to.is_idle_thread())
        return; // the idle loop programs its own timer when it waits
    if (from.is_idle_thread() || next_deadline_ns < this_cpu().timer_expiry_ns)
        program_busy_timer(time::now_ns(), next_deadline_ns);
}

uint64_t reschedule_interrupts_here() { return this_cpu().reschedule_interrupts; }

} // namespace gehri::arch
