#pragma once

#include <kernel/object/Agent.h>
#include <kernel/object/Thread.h>
#include <kernel/sched/KernelScheduler.h>

namespace gehri::object {

// A thread of an agent sleeping on `queue` for the length of the scope: Agent::kill() wakes
// the queue it finds recorded on the thread (under the agent's lock, so never after the scope
// ended: queues may live on the waiter's stack).
class [[nodiscard]] InterruptibleWaitScope {
public:
    InterruptibleWaitScope(Thread& waiter, sched::WaitQueue& queue)
        : m_waiter(waiter)
    {
        m_waiter.agent().begin_interruptible_wait(m_waiter, queue);
    }
    ~InterruptibleWaitScope() { m_waiter.agent().end_interruptible_wait(m_waiter); }
    InterruptibleWaitScope(const InterruptibleWaitScope&) = delete;
    InterruptibleWaitScope& operator=(const InterruptibleWaitScope&) = delete;

private:
    Thread& m_waiter;
};

// Like Scheduler::wait_until, but Interrupted as soon as the agent of `waiter` (the thread on
// whose behalf the kernel waits; null for a kernel wait) is being killed. No polling: kill()
// first makes is_ending() true, then wakes the recorded queue; the condition below is
// evaluated under the queue's lock, so the kill is either seen before the thread sleeps or
// its wake-up finds the thread asleep. `condition` must not take the agent's lock (the kill
// holds it while it takes the queue's).
template<typename Condition>
inline Result<void> wait_killably(sched::WaitQueue& queue, Condition condition, uint64_t deadline_ns, Thread* waiter)
{
    auto& scheduler = sched::kernel_scheduler();
    if (waiter == nullptr)
        return scheduler.wait_until(queue, condition, deadline_ns);
    Agent& agent = waiter->agent();
    Result<void> waited;
    {
        InterruptibleWaitScope scope(*waiter, queue);
        waited = scheduler.wait_until(queue, [&] { return agent.is_ending() || condition(); }, deadline_ns);
    }
    if (agent.is_ending())
        return Error::Interrupted;
    return waited;
}

} // namespace gehri::object
