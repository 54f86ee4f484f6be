#pragma once

#include <stdint.h>

namespace gehri::sched {

class Thread;

// What the portable scheduler needs from the machine, injected so that the same core runs on
// real CPUs (kernel/arch/x86_64/SchedulerPlatform.cpp) and in host tests with simulated time,
// simulated CPUs and threads that are plain records (tests/host/support/FakeSchedulerPlatform.h).
class SchedulerPlatform {
public:
    // Monotonic nanoseconds, the same clock on every CPU (and the one on_tick is given).
    virtual uint64_t now_ns() = 0;
    // The scheduler's number (0..max_cpus-1) of the CPU executing the caller.
    virtual uint32_t current_cpu() = 0;
    // Lays out a new thread's stack so that the first switch to it enters the thread-start
    // trampoline, which calls Scheduler::on_thread_first_run, then the entry, then exit.
    virtual void prepare_context(Thread& thread) = 0;
    // Saves the caller's registers into `from`, resumes `to`. Returns when `from` is resumed,
    // giving the thread that ran on this CPU just before (Scheduler::finish_switch needs it).
    // A simulation returns at once with `from`, having "switched" to `to`.
    virtual Thread* switch_context(Thread& from, Thread& to) = 0;
    // Makes `cpu` call Scheduler::preempt_if_needed soon: an inter-processor interrupt.
    virtual void send_reschedule(uint32_t cpu) = 0;
    // The idle loop's wait: called with interrupts disabled; returns with them disabled after
    // an interrupt (or, before interrupts are live, after a short pause).
    virtual void idle_wait() = 0;
    // Whether interrupt handling is set up, so that new threads start with interrupts enabled.
    virtual bool interrupts_live() = 0;

protected:
    ~SchedulerPlatform() = default;
};

} // namespace gehri::sched
