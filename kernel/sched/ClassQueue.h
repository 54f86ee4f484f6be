#pragma once

#include <kernel/sched/IntrusiveHeap.h>
#include <kernel/sched/Thread.h>
#include <stdint.h>

namespace gehri::sched {

// Virtual runtimes only ever grow; comparing through a signed difference keeps the order
// right across a wrap of the 64-bit counter.
constexpr bool virtual_runtime_before(uint64_t a, uint64_t b) { return static_cast<int64_t>(a - b) < 0; }

// Real runtime converted to the virtual runtime of a thread of the given weight: a thread of
// twice the weight ages half as fast, so it runs twice as long for the same virtual time.
constexpr uint64_t scaled_runtime(uint64_t runtime_ns, uint32_t weight) { return runtime_ns * default_weight / weight; }

struct VirtualRuntimeOrder {
    bool operator()(const Thread& a, const Thread& b) const
    {
        if (a.m_virtual_runtime != b.m_virtual_runtime)
            return virtual_runtime_before(a.m_virtual_runtime, b.m_virtual_runtime);
        return a.m_run_sequence < b.m_run_sequence;
    }
};

// The runnable (not running) threads of one class on one CPU, ordered by virtual runtime:
// weighted fair sharing inside a class. Also tracks the class's minimum virtual runtime, a
// monotonic clock against which new, woken and migrated threads are placed.
class ClassQueue {
public:
    void enqueue(Thread& thread);
    void dequeue(Thread& thread);
    // The thread with the smallest virtual runtime, or null.
    Thread* first() const { return m_heap.first(); }
    // Removes and returns the first thread, or the second one if the first is `avoid` (a
    // yielding thread) and any other is queued.
    Thread* pop_first_avoiding(const Thread* avoid);

    bool is_empty() const { return m_heap.is_empty(); }
    size_t size() const { return m_heap.size(); }
    uint64_t queued_weight() const { return m_queued_weight; }
    uint64_t min_virtual_runtime() const { return m_min_virtual_runtime; }

    // Moves the class clock forward to the smallest virtual runtime among the queued threads
    // and `running` (the CPU's current thread if it belongs to this class, else null).
    void update_min_virtual_runtime(const Thread* running);
    // Changes a queued thread's weight, keeping the queued-weight sum right.
    void reweight(Thread& thread, uint32_t weight);

    template<typename Callback>
    void for_each(Callback callback) const { m_heap.for_each(callback); }
    bool is_valid() const { return m_heap.is_valid(); }

private:
    IntrusiveHeap<Thread, &Thread::m_run_node, VirtualRuntimeOrder> m_heap;
    uint64_t m_queued_weight { 0 };
    uint64_t m_min_virtual_runtime { 0 };
    uint64_t m_next_sequence { 0 };
};

} // namespace gehri::sched
