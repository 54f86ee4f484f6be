#pragma once

#include <kernel/sched/IntrusiveHeap.h>
#include <kernel/sched/Thread.h>
#include <stdint.h>

namespace gehri::sched {

struct DeadlineOrder {
    bool operator()(const Thread& a, const Thread& b) const
    {
        if (a.m_timer_deadline_ns != b.m_timer_deadline_ns)
            return a.m_timer_deadline_ns < b.m_timer_deadline_ns;
        return a.m_timer_sequence < b.m_timer_sequence;
    }
};

// One CPU's pending deadlines: sleeping threads and waits with a timeout, earliest first
// (equal deadlines expire in the order they were armed). Arming, cancelling and expiring are
// O(log n). Deadlines are absolute nanoseconds on the scheduler's clock. Protected by the
// run-queue lock of its CPU.
class TimerQueue {
public:
    static constexpr uint64_t no_deadline = ~uint64_t(0);

    void arm(Thread& thread, uint64_t deadline_ns);
    // Disarms the thread's timer if it is armed here; returns whether it was. Inline: most
    // wake-ups find no timer armed.
    bool cancel(Thread& thread)
    {
        if (!thread.m_timer_node.is_linked())
            return false;
        m_heap.remove(thread);
        return true;
    }
    // Removes and returns the earliest thread whose deadline is at or before now, or null.
    Thread* pop_expired(uint64_t now_ns);

    bool is_armed(const Thread& thread) const { return thread.m_timer_node.is_linked(); }
    // When the next timer expires (no_deadline if none): what a tickless timer programs.
    uint64_t next_deadline() const
    {
        Thread* earliest = m_heap.first();
        return earliest ? earliest->m_timer_deadline_ns : no_deadline;
    }
    size_t size() const { return m_heap.size(); }
    bool is_valid() const { return m_heap.is_valid(); }

private:
    IntrusiveHeap<Thread, &Thread::m_timer_node, DeadlineOrder> m_heap;
    uint64_t m_next_sequence { 0 };
};

} // namespace gehri::sched
