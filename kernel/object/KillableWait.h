#pragma once

#include <kernel/object/Agent.h>
#include <kernel/sched/KernelScheduler.h>

namespace gehri::object {

// Waits that an agent makes inside a syscall wake up this often to see whether the agent was
// killed meanwhile (a kill does not know which queue a thread waits on).
constexpr uint64_t kill_check_interval_ns = 10'000'000;

// Like Scheduler::wait_until, but Interrupted as soon as `waiter` (the agent on whose behalf
// the kernel waits; may be null) is being killed.
template<typename Condition>
inline Result<void> wait_killably(sched::WaitQueue& queue, Condition condition, uint64_t deadline_ns, const Agent* waiter)
{
    auto& scheduler = sched::kernel_scheduler();
    for (;;) {
        if (waiter != nullptr && waiter->is_ending())
            return Error::Interrupted;
        uint64_t now = scheduler.platform().now_ns();
        if (deadline_ns != sched::Scheduler::no_deadline && now >= deadline_ns)
            return condition() ? Result<void> {} : Result<void>(Error::TimedOut);
        uint64_t slice_end = waiter == nullptr ? deadline_ns : now + kill_check_interval_ns;
        if (slice_end > deadline_ns)
            slice_end = deadline_ns;
        auto waited = scheduler.wait_until(queue, condition, slice_end);
        if (waited.is_ok())
            return {};
        if (waited.error() != Error::TimedOut)
            return waited.error();
    }
}

} // namespace gehri::object
