#pragma once

#include <kernel/arch/Cpu.h>
#include <kernel/lib/Result.h>
#include <kernel/lib/Spinlock.h>
#include <kernel/sched/CpuMask.h>
#include <kernel/sched/Platform.h>
#include <kernel/sched/RunQueue.h>
#include <kernel/sched/Thread.h>
#include <kernel/sched/WaitQueue.h>

namespace gehri::sched {

// The scheduler core: per-CPU run queues under per-CPU locks, thread life cycle, blocking,
// sleeping, waking, preemption and load balancing. The policy lives in RunQueue, ShareWindow
// and LoadBalance; the machine behind SchedulerPlatform. See docs/scheduler.md.
//
// Thread-side calls (yield, sleep_*, wait_until, exit, join) act on the calling thread, on the
// calling CPU. Interrupt-side calls (on_tick, preempt_if_needed) run with interrupts disabled.
class Scheduler {
public:
    static constexpr uint64_t no_deadline = TimerQueue::no_deadline;

    explicit Scheduler(SchedulerPlatform& platform);
    Scheduler(const Scheduler&) = delete;
    Scheduler& operator=(const Scheduler&) = delete;

    // --- Bring-up ---------------------------------------------------------------------------
    // Puts `cpu` (the calling CPU) under the scheduler. The code running now becomes `current`
    // and keeps its stack; `idle` runs when nothing else is runnable. They may be the same
    // thread: an application processor's boot context becomes its idle thread and then calls
    // idle_loop(). A distinct `idle` gets a context prepared to enter idle_loop().
    void bring_up_cpu(uint32_t cpu, Thread& current, Thread& idle);
    CpuMask online_cpus() const { return CpuMask::from_bits(__atomic_load_n(&m_online_bits, __ATOMIC_ACQUIRE)); }

    // --- Threads ------------------------------------------------------------------------------
    // Makes a Created thread runnable, on the calling CPU if its affinity allows, else on the
    // least loaded CPU it allows. Fails with InvalidArgument for a bad weight or class, an
    // affinity with no online CPU, or a thread that was already started.
    Result<void> start(Thread& thread);
    Thread& current_thread();
    // Lets the other runnable threads of the caller's class (and any class the policy now
    // prefers) run first. Does not give the CPU to a lower class that is not owed time.
    void yield();
    void sleep_for(uint64_t duration_ns);
    void sleep_until(uint64_t deadline_ns);
    // Ends the calling thread. On a real CPU it never returns; in a simulation it returns
    // after the simulated switch.
    void exit();
    // Waits until `thread` is reapable (dead and never to run again), or TimedOut.
    Result<void> join(Thread& thread, uint64_t deadline_ns = no_deadline);

    // Run-time changes, effective at once for a running, queued or waiting thread.
    Result<void> set_weight(Thread& thread, uint32_t weight);
    Result<void> set_priority_class(Thread& thread, PriorityClass priority_class);
    Result<void> set_affinity(Thread& thread, CpuMask affinity);

    // --- Wait queues --------------------------------------------------------------------------
    // Blocks until condition() holds (it is evaluated under the queue's lock), or TimedOut at
    // the deadline. Wakers make the condition true first, then call wake_one / wake_all.
    template<typename Condition>
    Result<void> wait_until(WaitQueue& queue, Condition condition, uint64_t deadline_ns = no_deadline);
    // Returns how many threads were woken.
    size_t wake_one(WaitQueue& queue);
    size_t wake_all(WaitQueue& queue);

    // The hand-off (a channel call: wake the peer, then wait for its answer). Between
    // begin_handoff and end_handoff, with interrupts disabled throughout, the first thread the
    // calling thread wakes on its own CPU is not queued but kept aside; if the caller then blocks
    // (wait_until), it switches straight to that thread when pick_next would have chosen it
    // anyway (same run-queue, allowed CPU, the share window's class, nobody of that class
    // ahead), skipping the enqueue and the pick; otherwise the thread is woken as usual.
    // end_handoff wakes it if the caller did not block. Both are per CPU and cheap.
    void begin_handoff();
    void end_handoff();

    // The direct IPC switch (ChannelEndpointObject::call_directly), interrupts off: the
    // calling thread blocks on `own_queue` (timer armed for the deadline) and hands the CPU
    // straight to `target`, which waits in `target_queue`, without the run queue, pick_next or
    // a preemption check, if and only if target is blocked there, on this CPU and allowed on
    // it, in the caller's class, no reschedule is pending here (a wake-up or the tick wants the
    // CPU for someone else) and `commit()` agrees. commit runs with both queues' locks and this
    // CPU's run-queue lock held (lock order: the caller's own locks, then target_queue, then
    // own_queue, then the run queue), and must release whatever the caller took before, but only if
    // it returns true. target is taken out of its queue as if woken, placed in virtual time as
    // any woken thread (place_woken), and runs on the rest of the caller's slice (donated: the
    // tick preempts the pair as it would have preempted the caller). Returns false at once if
    // any of it fails (nothing changed), else true once the caller runs again; finish_wait(own_queue)
    // then says why.
    template<typename Commit>
    bool switch_directly_to(WaitQueue& own_queue, uint64_t deadline_ns, WaitQueue& target_queue, Thread& target, Commit commit);

    // A wait without a condition, in two halves: block_on puts the calling thread to sleep on
    // the queue (returning once it runs again), finish_wait then says why it woke. Nothing
    // stops a wake-up from coming before block_on, so a caller must rule that out itself;
    // wait_until is the safe form. They exist for simulations, where a thread "resumes" only
    // when the test says so.
    void block_on(WaitQueue& queue, uint64_t deadline_ns = no_deadline);
    WakeReason finish_wait(WaitQueue& queue);
    // The same two halves for join: sleeps until `thread` exits (or the deadline passes).
    void block_on_exit_of(Thread& thread, uint64_t deadline_ns = no_deadline);
    WakeReason finish_exit_wait();

    // --- Interrupt-side entry points ------------------------------------------------------
    // From the timer interrupt of the calling CPU: charges time, expires timers, balances now
    // and then, and returns whether the current thread must be preempted. The handler then
    // acknowledges the interrupt and calls preempt_if_needed().
    bool on_tick(uint64_t now_ns);
    // Switches away if this CPU was asked to (by on_tick, a wake-up or a reschedule IPI),
    // unless the preempt count is raised (a spinlock is held): then the preemption is deferred
    // to the moment the count drops to zero (arch::defer_preemption).
    void preempt_if_needed();
    // Pulls one thread to the calling CPU from the busiest one if the imbalance warrants it.
    // Returns whether a thread moved.
    bool balance();
    // The calling CPU's earliest timer deadline, for a one-shot (tickless) timer.
    uint64_t next_deadline();

    // --- Architecture entry points -----------------------------------------------------------
    // The first thing a new thread does (from the start trampoline).
    void on_thread_first_run(Thread* previous);
    [[noreturn]] void idle_loop();

    // --- Introspection --------------------------------------------------------------------
    const RunQueue& run_queue(uint32_t cpu) const { return m_cpus[cpu].run_queue; }
    bool needs_reschedule(uint32_t cpu) const { return __atomic_load_n(&m_cpus[cpu].need_resched, __ATOMIC_ACQUIRE); }
    uint64_t context_switches(uint32_t cpu) const { return m_cpus[cpu].context_switches; }
    // Of those, the hand-off's direct switches (no run queue, no pick_next).
    uint64_t direct_switches(uint32_t cpu) const { return m_cpus[cpu].direct_switches; }
    SchedulerPlatform& platform() { return m_platform; }

private:
    struct PerCpu {
        Spinlock lock;
        RunQueue run_queue;
        uint32_t id { 0 };
        bool need_resched { false };
        uint64_t last_balance_ns { 0 };
        uint64_t context_switches { 0 };
        uint64_t direct_switches { 0 };
        // The hand-off (begin_handoff): only this CPU touches them, with interrupts off.
        Thread* handoff_owner { nullptr };
        Thread* handoff_deferred { nullptr };
    };

    PerCpu& this_cpu();
    PerCpu& lock_cpu_of(Thread& thread);
    void lock_pair(PerCpu& a, PerCpu& b);
    void unlock_pair(PerCpu& a, PerCpu& b);
    void request_reschedule(PerCpu& cpu);
    uint32_t choose_cpu_for(const Thread& thread);

    // Lock of `cpu` held, interrupts disabled; returns with the lock released.
    void schedule_locked(PerCpu& cpu, const Thread* yielding);
    // The same for a blocking current thread and a chosen `next`, already placed
    // (RunQueue::place_woken) at `now_ns` and in no queue: the direct switch, without pick_next.
    void switch_directly_locked(PerCpu& cpu, Thread& next, uint64_t now_ns);
    // The common tail: `next` becomes current and the CPU switches to it; releases the lock.
    void switch_locked(PerCpu& cpu, Thread& previous, Thread& next, uint64_t now_ns, uint64_t slice_start_ns);
    // A wake-up the current hand-off owner keeps aside (begin_handoff); false if it does not.
    bool defer_for_handoff(Thread& thread);
    bool keep_for_handoff(Thread& thread);
    // The cpu's lock held: takes the kept-aside thread if the blocking current thread may
    // switch straight to it, placed and with its timer cancelled.
    // Ends the hand-off of `self` (the owner); `now_ns` receives the clock reading it placed at.
    Thread* take_direct_switch(PerCpu& cpu, Thread& self, uint64_t& now_ns);
    void clear_handoff_owner(PerCpu& cpu);
    // Queue lock held, interrupts disabled; releases the queue lock and switches away.
    void block_on_locked(WaitQueue& queue, uint64_t deadline_ns);
    // The halves of switch_directly_to: the locks and the checks (false: none held), the
    // release when commit refuses, and the block and switch (releases everything).
    PerCpu* lock_for_direct_switch(WaitQueue& own_queue, WaitQueue& target_queue, Thread& target);
    void unlock_direct_switch(PerCpu& cpu, WaitQueue& own_queue, WaitQueue& target_queue);
    void block_and_switch_to(PerCpu& cpu, WaitQueue& own_queue, uint64_t deadline_ns, WaitQueue& target_queue, Thread& target);
    // Queue lock held.
    WakeReason finish_wait_locked(WaitQueue& queue);
    void finish_switch(Thread& previous);
    void fire_expired_timers(PerCpu& cpu, uint64_t now_ns);
    bool wake_blocked(Thread& thread, WakeReason reason);
    void place_in_transit(Thread& thread);
    void move_if_disallowed(Thread& thread);
    // Both locks held: moves a queued, blocked or sleeping thread from one CPU to another.
    // Returns whether `to` must now preempt its current thread.
    bool move_locked(Thread& thread, PerCpu& from, PerCpu& to, uint64_t now_ns);
    void announce_exit(Thread& thread);

    SchedulerPlatform& m_platform;
    PerCpu m_cpus[max_cpus];
    uint64_t m_online_bits { 0 };
    uint32_t m_handoff_owners { 0 }; // CPUs inside begin_handoff .. end_handoff: 0 skips the check
    WaitQueue m_exit_queue; // joiners wait here for is_reapable() of their Thread::m_joining
};

// begin_handoff .. end_handoff as a scope, interrupts disabled for its length (restored after).
class [[nodiscard]] HandoffScope {
public:
    explicit HandoffScope(Scheduler& scheduler)
        : m_scheduler(scheduler)
        , m_interrupts(arch::save_and_disable_interrupts())
    {
        m_scheduler.begin_handoff();
    }
    ~HandoffScope()
    {
        m_scheduler.end_handoff();
        arch::restore_interrupts(m_interrupts);
    }
    HandoffScope(const HandoffScope&) = delete;
    HandoffScope& operator=(const HandoffScope&) = delete;

private:
    Scheduler& m_scheduler;
    arch::InterruptState m_interrupts;
};

template<typename Commit>
bool Scheduler::switch_directly_to(WaitQueue& own_queue, uint64_t deadline_ns, WaitQueue& target_queue, Thread& target, Commit commit)
{
    PerCpu* cpu = lock_for_direct_switch(own_queue, target_queue, target);
    if (cpu == nullptr)
        return false;
    if (!commit()) {
        unlock_direct_switch(*cpu, own_queue, target_queue);
        return false;
    }
    block_and_switch_to(*cpu, own_queue, deadline_ns, target_queue, target);
    return true;
}

template<typename Condition>
Result<void> Scheduler::wait_until(WaitQueue& queue, Condition condition, uint64_t deadline_ns)
{
    arch::InterruptState interrupt_state = arch::save_and_disable_interrupts();
    queue.m_lock.lock();
    Result<void> result;
    while (!condition()) {
        if (deadline_ns != no_deadline && m_platform.now_ns() >= deadline_ns) {
            result = Error::TimedOut;
            break;
        }
        block_on_locked(queue, deadline_ns);
        queue.m_lock.lock();
        finish_wait_locked(queue);
    }
    queue.m_lock.unlock();
    arch::restore_interrupts(interrupt_state);
    return result;
}

} // namespace gehri::sched
