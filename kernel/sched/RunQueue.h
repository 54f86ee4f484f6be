#pragma once

#include <kernel/sched/ClassQueue.h>
#include <kernel/sched/ShareWindow.h>
#include <kernel/sched/Thread.h>
#include <kernel/sched/TimerQueue.h>
#include <stdint.h>

namespace gehri::sched {

// How a thread arrives in a run queue decides where it is placed in virtual time.
enum class Arrival : uint8_t {
    Started, // a new thread starts at the class clock: no credit, no penalty
    Woken, // a sleeper gets at most sleeper_credit of head start, never its whole sleep
    Preempted, // back in line exactly where it stood
    Moved, // migrated or re-classed: carries its lag relative to the old class clock
};

// One CPU's scheduling state: a fair queue per class, the cross-class share window, the timer
// queue, the current and idle threads, and the accounting that ties them to the clock. All of
// it is pure policy (no locking, no switching): the Scheduler holds the CPU's lock around every
// call and does the switching. Every mutator takes `now` and first charges the time since the
// previous call to the state that held during it.
class RunQueue {
public:
    void set_cpu(uint32_t cpu) { m_cpu = cpu; }
    uint32_t cpu() const { return m_cpu; }

    // The CPU starts out running `current` (the context that brought it up); `idle` runs
    // whenever nothing else is runnable. They may be the same thread.
    void start(Thread& current, Thread& idle, uint64_t now_ns);

    void update(uint64_t now_ns);
    void enqueue(Thread& thread, Arrival arrival, uint64_t now_ns);
    // Takes a queued thread out, keeping its virtual runtime relative to the class clock so
    // that enqueue(Arrival::Moved) on another queue or class places it fairly.
    void dequeue_for_move(Thread& thread, uint64_t now_ns);
    // Re-expresses a thread that is in no queue (blocked, or about to change class) against
    // another class's clock.
    void rebase(Thread& thread, PriorityClass from, PriorityClass to);

    // Chooses and removes the next thread to run, or returns null when only idling is left.
    // `yielding` (may be null) is passed over once if another thread of its class is queued.
    Thread* pick_next(uint64_t now_ns, const Thread* yielding);
    // The direct switch (Scheduler::block_on_locked): a thread woken by the current one, which is
    // about to block, may take the CPU without passing through the queue if pick_next would
    // have chosen it anyway. place_woken gives it the virtual runtime enqueue(Woken) would;
    // would_pick says whether it then comes first (its class is the share window's choice and
    // no queued thread of that class is ahead of it).
    void place_woken(Thread& thread, uint64_t now_ns);
    bool would_pick(const Thread& thread);
    // The direct switch of Scheduler::switch_directly_to: the current thread (blocking) hands
    // the CPU to `thread` (woken, in no queue) of the same class, whose slice began at
    // `slice_start_ns` (donated). The current thread is charged up to now and `thread` placed as
    // place_woken does; the share window is not advanced: the class that ran and the classes
    // that were runnable are the same on both sides of this switch, so its next update
    // charges the whole interval correctly.
    void switch_within_class(Thread& thread, uint64_t now_ns, uint64_t slice_start_ns);
    // `slice_start_ns` is when its slice began: now, or earlier for a slice donated to it.
    void set_current(Thread& thread, uint64_t now_ns, uint64_t slice_start_ns);
    void set_current(Thread& thread, uint64_t now_ns) { set_current(thread, now_ns, now_ns); }

    // The preemption rule. At a tick: must the current thread give up the CPU?
    bool should_preempt_current(uint64_t now_ns);
    // After `woken` was enqueued here: must the current thread give up the CPU for it?
    bool should_preempt_for(const Thread& woken, uint64_t now_ns);

    void set_weight(Thread& thread, uint32_t weight, uint64_t now_ns);
    uint64_t slice_for(const Thread& thread) const;

    Thread* current() const { return m_current; }
    Thread* idle_thread() const { return m_idle; }
    bool is_idle() const { return m_current == m_idle; }
    // Runnable threads including the running one (the idle thread does not count). Safe to
    // read without the lock, for load-balancing estimates.
    uint32_t nr_running() const { return __atomic_load_n(&m_nr_running, __ATOMIC_RELAXED); }
    size_t nr_queued() const { return m_nr_queued; }
    // Queued threads whose affinity allowed more than one CPU when they were queued. Read
    // without the lock, it lets an idle CPU skip a queue it could not take anything from
    // without contending for its lock (a hint: an affinity change takes effect at the next
    // enqueue; the balancer confirms under the lock).
    uint32_t nr_movable_queued() const { return __atomic_load_n(&m_nr_movable_queued, __ATOMIC_RELAXED); }
    ClassMask runnable_classes() const;

    ClassQueue& queue_of(PriorityClass priority_class) { return m_classes[index_of(priority_class)]; }
    const ClassQueue& queue_of(PriorityClass priority_class) const { return m_classes[index_of(priority_class)]; }
    ShareWindow& share_window() { return m_window; }
    const ShareWindow& share_window() const { return m_window; }
    TimerQueue& timers() { return m_timers; }
    const TimerQueue& timers() const { return m_timers; }
    uint64_t idle_time_ns() const { return m_idle_time_ns; }

private:
    bool current_is_busy() const { return m_current && m_current != m_idle; }
    void note_queue_change(PriorityClass priority_class);
    void refresh_load();
    void forget_movable(Thread& thread);

    ClassQueue m_classes[priority_class_count];
    ClassMask m_queued_classes; // the classes whose queue is not empty
    ShareWindow m_window;
    TimerQueue m_timers;
    Thread* m_current { nullptr };
    Thread* m_idle { nullptr };
    uint32_t m_cpu { 0 };
    uint32_t m_nr_running { 0 };
    size_t m_nr_queued { 0 };
    uint32_t m_nr_movable_queued { 0 };
    uint64_t m_last_update_ns { 0 };
    uint64_t m_idle_time_ns { 0 };
};

} // namespace gehri::sched
