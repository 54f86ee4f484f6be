#pragma once

#include <kernel/lib/Spinlock.h>
#include <kernel/sched/IntrusiveList.h>
#include <kernel/sched/Thread.h>

namespace gehri::sched {

// Threads waiting for an event, first come first served. Waiting and waking go through the
// Scheduler (wait_until, wake_one, wake_all) so that the check of the condition and going to
// sleep are atomic with respect to wake-ups: no wake-up is ever lost.
class WaitQueue {
public:
    WaitQueue() = default;
    WaitQueue(const WaitQueue&) = delete;
    WaitQueue& operator=(const WaitQueue&) = delete;

    size_t waiter_count()
    {
        InterruptSafeGuard guard(m_lock);
        return m_waiters.size();
    }

private:
    friend class Scheduler;

    // Lock order: a caller's condition lock, then a wait queue, then run queues (by CPU number).
    Spinlock m_lock;
    IntrusiveList<Thread, &Thread::m_wait_node> m_waiters;
};

} // namespace gehri::sched
