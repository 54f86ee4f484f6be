#include <kernel/acpi/CpuList.h>
#include <kernel/arch/x86_64/Interrupts.h>
#include <kernel/arch/x86_64/LocalApic.h>
#include <kernel/arch/x86_64/PerCpu.h>
#include <kernel/arch/x86_64/Preemption.h>
#include <kernel/arch/x86_64/SchedulerPlatform.h>
#include <kernel/sched/KernelScheduler.h>
#include <kernel/time/Clock.h>
#include <kernel/time/Timer.h>

namespace gehri::arch {

namespace {

// Interrupts are off in both handlers; preempt_if_needed switches only if the interrupted code
// held no spinlock (preempt count zero), else it defers until the count drops to zero.
void handle_scheduler_tick(InterruptFrame&)
{
    sched::Scheduler& scheduler = sched::kernel_scheduler();
    scheduler.on_tick(time::now_ns());
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
    time::set_tick_handler(handle_scheduler_tick);
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

void start_periodic_tick()
{
    time::arm_periodic_ns(tick_ns);
    this_cpu().periodic_tick_armed = 1;
}

void arm_idle_timer(uint64_t now_ns, uint64_t next_deadline_ns)
{
    uint64_t wake = now_ns + idle_poll_ns;
    if (next_deadline_ns < wake)
        wake = next_deadline_ns;
    time::arm_oneshot_ns(wake > now_ns ? wake - now_ns : 0);
    this_cpu().periodic_tick_armed = 0;
}

bool periodic_tick_running() { return this_cpu().periodic_tick_armed != 0; }

uint64_t reschedule_interrupts_here() { return this_cpu().reschedule_interrupts; }

} // namespace gehri::arch
