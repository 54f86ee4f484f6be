#pragma once

#include <kernel/sched/Platform.h>
#include <stdint.h>

namespace gehri::arch {

// The scheduler's view of the x86_64 machine. The services other subsystems own are plugged
// in as they come up:
//   set_clock           the timer subsystem's calibrated monotonic nanoseconds. Until then the
//                       clock is the raw time-stamp counter: monotonic, in cycles, not ns.
//   set_cpu_number      per-CPU data (e.g. a GS-relative load). Until then: CPU 0.
//   set_reschedule_sender  the LAPIC IPI on vectors::reschedule_ipi. Until then: no-op (UP).
//   set_interrupts_live once the IDT and the timer are installed: new threads then start with
//                       interrupts enabled and the idle loop halts instead of polling.
class KernelSchedulerPlatform final : public sched::SchedulerPlatform {
public:
    using Clock = uint64_t (*)();
    using CpuNumber = uint32_t (*)();
    using RescheduleSender = void (*)(uint32_t cpu);

    void set_clock(Clock clock) { m_clock = clock; }
    void set_cpu_number(CpuNumber cpu_number) { m_cpu_number = cpu_number; }
    void set_reschedule_sender(RescheduleSender sender) { m_reschedule_sender = sender; }
    void set_interrupts_live(bool live) { __atomic_store_n(&m_interrupts_live, live, __ATOMIC_RELEASE); }

    uint64_t now_ns() override;
    uint32_t current_cpu() override { return m_cpu_number ? m_cpu_number() : 0; }
    void prepare_context(sched::Thread& thread) override;
    sched::Thread* switch_context(sched::Thread& from, sched::Thread& to) override;
    void send_reschedule(uint32_t cpu) override;
    void idle_wait() override;
    bool interrupts_live() override { return __atomic_load_n(&m_interrupts_live, __ATOMIC_ACQUIRE); }

private:
    Clock m_clock { nullptr };
    CpuNumber m_cpu_number { nullptr };
    RescheduleSender m_reschedule_sender { nullptr };
    bool m_interrupts_live { false };
};

KernelSchedulerPlatform& scheduler_platform();

} // namespace gehri::arch
