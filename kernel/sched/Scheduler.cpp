#include <kernel/log/Panic.h>
#include <kernel/sched/LoadBalance.h>
#include <kernel/sched/Policy.h>
#include <kernel/sched/Scheduler.h>

namespace gehri::sched {

namespace {

// Interrupts off for the scope: every run-queue lock is also taken from interrupt handlers.
class [[nodiscard]] InterruptsDisabled {
public:
    InterruptsDisabled()
        : m_were_enabled(arch::interrupts_enabled())
        , m_state(arch::save_and_disable_interrupts())
    {
    }
    ~InterruptsDisabled() { arch::restore_interrupts(m_state); }
    InterruptsDisabled(const InterruptsDisabled&) = delete;
    InterruptsDisabled& operator=(const InterruptsDisabled&) = delete;

    // A caller in thread context (interrupts were on) may be switched away from right here;
    // one in an interrupt handler is preempted at interrupt exit instead.
    bool caller_is_preemptible() const { return m_were_enabled; }

private:
    bool m_were_enabled;
    arch::InterruptState m_state;
};

} // namespace

Scheduler::Scheduler(SchedulerPlatform& platform)
    : m_platform(platform)
{
    for (uint32_t cpu = 0; cpu < max_cpus; ++cpu) {
        m_cpus[cpu].id = cpu;
        m_cpus[cpu].run_queue.set_cpu(cpu);
    }
}

Scheduler::PerCpu& Scheduler::this_cpu()
{
    uint32_t cpu = m_platform.current_cpu();
    VERIFY(cpu < max_cpus);
    return m_cpus[cpu];
}

Scheduler::PerCpu& Scheduler::lock_cpu_of(Thread& thread)
{
    // The thread's CPU changes only under its old and new CPUs' locks, so a stable read
    // under the lock is the truth.
    for (;;) {
        uint32_t cpu = thread.cpu();
        PerCpu& candidate = m_cpus[cpu];
        candidate.lock.lock();
        if (thread.cpu() == cpu)
            return candidate;
        candidate.lock.unlock();
    }
}

void Scheduler::lock_pair(PerCpu& a, PerCpu& b)
{
    if (&a == &b) {
        a.lock.lock();
        return;
    }
    PerCpu& first = a.id < b.id ? a : b;
    PerCpu& second = a.id < b.id ? b : a;
    first.lock.lock();
    second.lock.lock();
}

void Scheduler::unlock_pair(PerCpu& a, PerCpu& b)
{
    a.lock.unlock();
    if (&a != &b)
        b.lock.unlock();
}

void Scheduler::request_reschedule(PerCpu& cpu)
{
    __atomic_store_n(&cpu.need_resched, true, __ATOMIC_RELEASE);
    if (cpu.id != m_platform.current_cpu())
        m_platform.send_reschedule(cpu.id);
}

uint32_t Scheduler::choose_cpu_for(const Thread& thread)
{
    CpuMask allowed = thread.affinity().intersected(online_cpus());
    uint32_t preferred = thread.state() == ThreadState::Created ? m_platform.current_cpu() : thread.cpu();
    if (allowed.contains(preferred))
        return preferred;
    uint32_t best = max_cpus;
    for (uint32_t cpu = 0; cpu < max_cpus; ++cpu) {
        if (!allowed.contains(cpu))
            continue;
        if (best == max_cpus || m_cpus[cpu].run_queue.nr_running() < m_cpus[best].run_queue.nr_running())
            best = cpu;
    }
    VERIFY(best != max_cpus);
    return best;
}

// --- Bring-up ---------------------------------------------------------------------------

void Scheduler::bring_up_cpu(uint32_t cpu, Thread& current, Thread& idle)
{
    VERIFY(cpu < max_cpus && cpu == m_platform.current_cpu());
    VERIFY(!online_cpus().contains(cpu));
    if (&idle != &current)
        m_platform.prepare_context(idle);
    InterruptsDisabled interrupts;
    PerCpu& state = m_cpus[cpu];
    LockGuard guard(state.lock);
    state.run_queue.start(current, idle, m_platform.now_ns());
    state.last_balance_ns = m_platform.now_ns();
    __atomic_fetch_or(&m_online_bits, uint64_t(1) << cpu, __ATOMIC_RELEASE);
}

// --- Threads ----------------------------------------------------------------------------

Result<void> Scheduler::start(Thread& thread)
{
    if (thread.state() != ThreadState::Created || !is_valid(thread.priority_class()) || !is_valid_weight(thread.weight()))
        return Error::InvalidArgument;
    if (thread.affinity().intersected(online_cpus()).is_empty())
        return Error::InvalidArgument;
    m_platform.prepare_context(thread);
    InterruptsDisabled interrupts;
    PerCpu& cpu = m_cpus[choose_cpu_for(thread)];
    cpu.lock.lock();
    uint64_t now = m_platform.now_ns();
    cpu.run_queue.enqueue(thread, Arrival::Started, now);
    bool preempt = cpu.run_queue.should_preempt_for(thread, now);
    cpu.lock.unlock();
    if (preempt)
        request_reschedule(cpu);
    if (interrupts.caller_is_preemptible())
        preempt_if_needed();
    return {};
}

Thread& Scheduler::current_thread()
{
    // Only this CPU changes its current thread, and the caller is it. Interrupts off: a
    // preemption between reading the CPU number and that CPU's current thread could move the
    // caller to another CPU, and the old CPU's current would be some other thread.
    InterruptsDisabled interrupts;
    Thread* current = this_cpu().run_queue.current();
    VERIFY(current);
    return *current;
}

void Scheduler::yield()
{
    InterruptsDisabled interrupts;
    PerCpu& cpu = this_cpu();
    cpu.lock.lock();
    schedule_locked(cpu, cpu.run_queue.current());
}

void Scheduler::sleep_for(uint64_t duration_ns)
{
    uint64_t now = m_platform.now_ns();
    uint64_t deadline = now + duration_ns < now ? no_deadline - 1 : now + duration_ns;
    sleep_until(deadline);
}

void Scheduler::sleep_until(uint64_t deadline_ns)
{
    InterruptsDisabled interrupts;
    PerCpu& cpu = this_cpu();
    cpu.lock.lock();
    Thread& self = *cpu.run_queue.current();
    VERIFY(!self.m_is_idle);
    if (deadline_ns <= m_platform.now_ns()) {
        cpu.lock.unlock();
        return;
    }
    self.set_state(ThreadState::Sleeping);
    self.m_wake_reason = WakeReason::None;
    cpu.run_queue.timers().arm(self, deadline_ns);
    schedule_locked(cpu, nullptr);
}

void Scheduler::exit()
{
    InterruptsDisabled interrupts;
    PerCpu& cpu = this_cpu();
    cpu.lock.lock();
    Thread& self = *cpu.run_queue.current();
    VERIFY(!self.m_is_idle);
    self.set_state(ThreadState::Dead);
    schedule_locked(cpu, nullptr);
}

Result<void> Scheduler::join(Thread& thread, uint64_t deadline_ns)
{
    Thread& self = current_thread();
    if (&thread == &self || thread.state() == ThreadState::Created || thread.is_idle_thread())
        return Error::InvalidArgument;
    // Set before the joiner enters the exit queue (under its lock), read by announce_exit
    // under that lock only while the joiner is queued.
    self.m_joining = &thread;
    Result<void> result = wait_until(m_exit_queue, [&] { return thread.is_reapable(); }, deadline_ns);
    self.m_joining = nullptr;
    return result;
}

Result<void> Scheduler::set_weight(Thread& thread, uint32_t weight)
{
    if (!is_valid_weight(weight))
        return Error::InvalidArgument;
    InterruptsDisabled interrupts;
    PerCpu& cpu = lock_cpu_of(thread);
    cpu.run_queue.set_weight(thread, weight, m_platform.now_ns());
    cpu.lock.unlock();
    return {};
}

Result<void> Scheduler::set_priority_class(Thread& thread, PriorityClass priority_class)
{
    if (!is_valid(priority_class))
        return Error::InvalidArgument;
    InterruptsDisabled interrupts;
    PerCpu& cpu = lock_cpu_of(thread);
    RunQueue& queue = cpu.run_queue;
    uint64_t now = m_platform.now_ns();
    PriorityClass old_class = thread.m_class;
    bool preempt = false;
    if (old_class == priority_class) {
        // Nothing to do.
    } else if (thread.m_run_node.is_linked()) {
        queue.dequeue_for_move(thread, now);
        thread.m_class = priority_class;
        queue.enqueue(thread, Arrival::Moved, now);
        preempt = queue.should_preempt_for(thread, now);
    } else if (thread.state() == ThreadState::Created || thread.m_in_transit) {
        // Not placed yet (an in-transit lag is relative to whichever class clock it joins).
        thread.m_class = priority_class;
    } else {
        // Running, blocked, sleeping or dead: keep its lag, against the new class's clock.
        queue.update(now);
        queue.rebase(thread, old_class, priority_class);
        thread.m_class = priority_class;
        if (queue.current() == &thread)
            preempt = queue.should_preempt_current(now);
    }
    cpu.lock.unlock();
    if (preempt)
        request_reschedule(cpu);
    if (interrupts.caller_is_preemptible())
        preempt_if_needed();
    return {};
}

Result<void> Scheduler::set_affinity(Thread& thread, CpuMask affinity)
{
    if (affinity.intersected(online_cpus()).is_empty())
        return Error::InvalidArgument;
    InterruptsDisabled interrupts;
    PerCpu& cpu = lock_cpu_of(thread);
    thread.m_affinity = affinity;
    bool allowed_here = affinity.contains(cpu.id);
    bool running = cpu.run_queue.current() == &thread;
    ThreadState state = thread.state();
    cpu.lock.unlock();
    if (allowed_here || state == ThreadState::Created || state == ThreadState::Dead)
        return {};
    if (running)
        request_reschedule(cpu); // it moves when it next leaves the CPU (schedule_locked)
    else
        move_if_disallowed(thread);
    if (interrupts.caller_is_preemptible())
        preempt_if_needed();
    return {};
}

// --- Switching ------------------------------------------------------------------------------

void Scheduler::schedule_locked(PerCpu& cpu, const Thread* yielding)
{
    RunQueue& queue = cpu.run_queue;
    uint64_t now = m_platform.now_ns();
    queue.update(now);
    Thread& previous = *queue.current();
    ThreadState previous_state = previous.state();
    bool allowed_here = previous.m_affinity.contains(cpu.id);
    if (previous_state == ThreadState::Running) {
        if (previous.m_is_idle) {
            previous.set_state(ThreadState::Runnable);
        } else if (allowed_here) {
            queue.enqueue(previous, Arrival::Preempted, now);
        } else {
            // Its affinity changed: in transit, in no queue, placed elsewhere after the switch.
            previous.set_state(ThreadState::Runnable);
            previous.m_virtual_runtime -= queue.queue_of(previous.m_class).min_virtual_runtime();
            previous.m_in_transit = true;
            previous.m_needs_placement = true;
        }
    } else if ((previous_state == ThreadState::Blocked || previous_state == ThreadState::Sleeping) && !allowed_here) {
        previous.m_needs_placement = true;
    }

    Thread* next = queue.pick_next(now, yielding);
    if (!next)
        next = queue.idle_thread();
    switch_locked(cpu, previous, *next, now, now);
}

void Scheduler::switch_directly_locked(PerCpu& cpu, Thread& next, uint64_t now_ns)
{
    RunQueue& queue = cpu.run_queue;
    queue.update(now_ns);
    Thread& previous = *queue.current();
    VERIFY(previous.state() == ThreadState::Blocked);
    if (!previous.m_affinity.contains(cpu.id))
        previous.m_needs_placement = true;
    ++cpu.direct_switches;
    switch_locked(cpu, previous, next, now_ns, now_ns);
}

[[gnu::always_inline]] inline void Scheduler::switch_locked(PerCpu& cpu, Thread& previous, Thread& next, uint64_t now_ns, uint64_t slice_start_ns)
{
    cpu.run_queue.set_current(next, now_ns, slice_start_ns);
    __atomic_store_n(&cpu.need_resched, false, __ATOMIC_RELEASE);
    if (&next == &previous) {
        cpu.lock.unlock();
        return;
    }
    next.set_on_cpu(true);
    ++cpu.context_switches;
    // The lock stays held across the switch: until finish_switch, `previous` is still on this
    // CPU and no other CPU may pick or migrate it.
    Thread* last = m_platform.switch_context(previous, next);
    finish_switch(*last);
}

void Scheduler::finish_switch(Thread& previous)
{
    PerCpu& cpu = this_cpu();
    previous.set_on_cpu(false);
    bool dead = previous.state() == ThreadState::Dead;
    bool needs_placement = previous.m_needs_placement;
    previous.m_needs_placement = false;
    bool in_transit = previous.m_in_transit;
    cpu.lock.unlock();
    if (in_transit)
        place_in_transit(previous);
    else if (needs_placement)
        move_if_disallowed(previous);
    if (dead)
        announce_exit(previous);
}

void Scheduler::on_thread_first_run(Thread* previous)
{
    VERIFY(previous);
    finish_switch(*previous);
    if (m_platform.interrupts_live())
        arch::enable_interrupts();
}

void Scheduler::announce_exit(Thread& thread)
{
    InterruptsDisabled interrupts;
    // Set under the exit queue's lock, where joiners test it: once a joiner sees it, this
    // CPU has stopped touching the thread.
    m_exit_queue.m_lock.lock();
    __atomic_store_n(&thread.m_reapable, true, __ATOMIC_RELEASE);
    // Only this thread's joiners. Waking every joiner at every exit made each one run, find
    // its own thread alive and block again: a turn taken from the runnable threads for
    // nothing, and ahead of them, since a woken thread is placed up to sleeper_credit_ns
    // before the class clock.
    Thread* joiner = m_exit_queue.m_waiters.first();
    while (joiner) {
        Thread* following = m_exit_queue.m_waiters.next_of(*joiner);
        if (joiner->m_joining == &thread) {
            m_exit_queue.m_waiters.remove(*joiner);
            wake_blocked(*joiner, WakeReason::Woken);
        }
        joiner = following;
    }
    m_exit_queue.m_lock.unlock();
}

// --- Waiting and waking ---------------------------------------------------------------------

void Scheduler::block_on(WaitQueue& queue, uint64_t deadline_ns)
{
    InterruptsDisabled interrupts;
    queue.m_lock.lock();
    block_on_locked(queue, deadline_ns);
}

WakeReason Scheduler::finish_wait(WaitQueue& queue)
{
    InterruptSafeGuard guard(queue.m_lock);
    return finish_wait_locked(queue);
}

void Scheduler::block_on_exit_of(Thread& thread, uint64_t deadline_ns)
{
    current_thread().m_joining = &thread;
    block_on(m_exit_queue, deadline_ns);
}

WakeReason Scheduler::finish_exit_wait()
{
    WakeReason reason = finish_wait(m_exit_queue);
    current_thread().m_joining = nullptr;
    return reason;
}

void Scheduler::begin_handoff()
{
    VERIFY(!arch::interrupts_enabled());
    PerCpu& cpu = this_cpu();
    VERIFY(cpu.handoff_deferred == nullptr && cpu.handoff_owner == nullptr);
    cpu.handoff_owner = cpu.run_queue.current();
    __atomic_add_fetch(&m_handoff_owners, 1, __ATOMIC_RELAXED);
}

void Scheduler::clear_handoff_owner(PerCpu& cpu)
{
    cpu.handoff_owner = nullptr;
    __atomic_sub_fetch(&m_handoff_owners, 1, __ATOMIC_RELAXED);
}

void Scheduler::end_handoff()
{
    VERIFY(!arch::interrupts_enabled());
    PerCpu& cpu = this_cpu();
    // After a block the caller may be on another CPU, whose state is not its own.
    if (cpu.handoff_owner == nullptr || cpu.handoff_owner != cpu.run_queue.current())
        return;
    clear_handoff_owner(cpu);
    if (Thread* deferred = cpu.handoff_deferred) {
        cpu.handoff_deferred = nullptr;
        wake_blocked(*deferred, WakeReason::Woken);
    }
}

bool Scheduler::defer_for_handoff(Thread& thread)
{
    // Nobody hands off anywhere (the common case for every other wake-up): one load.
    if (__atomic_load_n(&m_handoff_owners, __ATOMIC_RELAXED) == 0) [[likely]]
        return false;
    return keep_for_handoff(thread);
}

bool Scheduler::keep_for_handoff(Thread& thread)
{
    PerCpu& cpu = this_cpu();
    if (cpu.handoff_owner == nullptr || cpu.handoff_deferred != nullptr || cpu.handoff_owner != cpu.run_queue.current())
        return false;
    // Only a thread of this run queue can be switched to without a migration; the check is
    // repeated under the lock before the switch.
    if (thread.cpu() != cpu.id || thread.state() != ThreadState::Blocked)
        return false;
    cpu.handoff_deferred = &thread;
    return true;
}

Thread* Scheduler::take_direct_switch(PerCpu& cpu, Thread& self, uint64_t& now_ns)
{
    clear_handoff_owner(cpu);
    Thread* thread = cpu.handoff_deferred;
    if (thread == nullptr)
        return nullptr;
    // A thread moved away (affinity change) or woken by its timeout meanwhile is not ours to
    // run: leave it to the ordinary wake-up (block_on_locked).
    if (thread->state() != ThreadState::Blocked || thread->cpu() != cpu.id || !thread->m_affinity.contains(cpu.id)
        || thread->m_class != self.m_class)
        return nullptr;
    RunQueue& queue = cpu.run_queue;
    uint64_t saved_runtime = thread->m_virtual_runtime;
    // One clock reading for the placement and the switch: under -icount every reading differs,
    // and each new one makes the run queue charge the time since the last.
    now_ns = m_platform.now_ns();
    queue.place_woken(*thread, now_ns);
    if (!queue.would_pick(*thread)) {
        thread->m_virtual_runtime = saved_runtime; // enqueue(Woken) places it again
        return nullptr;
    }
    cpu.handoff_deferred = nullptr;
    queue.timers().cancel(*thread);
    thread->m_wake_reason = WakeReason::Woken;
    return thread;
}

Scheduler::PerCpu* Scheduler::lock_for_direct_switch(WaitQueue& own_queue, WaitQueue& target_queue, Thread& target)
{
    VERIFY(&own_queue != &target_queue);
    target_queue.m_lock.lock();
    own_queue.m_lock.lock();
    PerCpu& cpu = this_cpu();
    cpu.lock.lock();
    const Thread& self = *cpu.run_queue.current();
    // A thread waits in one queue at a time: linked and Blocked means it waits in target_queue
    // (the caller's word) and no timer or waker has taken it out yet.
    if (target.state() == ThreadState::Blocked && target.m_wait_node.is_linked() && target.cpu() == cpu.id && target.m_affinity.contains(cpu.id)
        && target.m_class == self.m_class && !self.m_is_idle && cpu.handoff_owner == nullptr && !__atomic_load_n(&cpu.need_resched, __ATOMIC_ACQUIRE))
        return &cpu;
    unlock_direct_switch(cpu, own_queue, target_queue);
    return nullptr;
}

void Scheduler::unlock_direct_switch(PerCpu& cpu, WaitQueue& own_queue, WaitQueue& target_queue)
{
    cpu.lock.unlock();
    own_queue.m_lock.unlock();
    target_queue.m_lock.unlock();
}

void Scheduler::block_and_switch_to(PerCpu& cpu, WaitQueue& own_queue, uint64_t deadline_ns, WaitQueue& target_queue, Thread& target)
{
    RunQueue& queue = cpu.run_queue;
    Thread& self = *queue.current();
    target_queue.m_waiters.remove(target);
    target_queue.m_lock.unlock();
    own_queue.m_waiters.append(self);
    self.set_state(ThreadState::Blocked);
    self.m_wake_reason = WakeReason::None;
    if (deadline_ns != no_deadline)
        queue.timers().arm(self, deadline_ns);
    own_queue.m_lock.unlock();
    if (!self.m_affinity.contains(cpu.id))
        self.m_needs_placement = true;
    queue.timers().cancel(target);
    target.m_wake_reason = WakeReason::Woken;
    ++cpu.direct_switches;
    // The caller is charged up to now, the target placed as a woken thread would be; the
    // slice is donated: the target's starts when the caller's did.
    queue.switch_within_class(target, m_platform.now_ns(), self.m_run_started_ns);
    // need_resched was clear under this lock; one set since (another CPU's wake-up) stands.
    target.set_on_cpu(true);
    ++cpu.context_switches;
    Thread* last = m_platform.switch_context(self, target);
    finish_switch(*last);
}

void Scheduler::block_on_locked(WaitQueue& queue, uint64_t deadline_ns)
{
    PerCpu& cpu = this_cpu();
    cpu.lock.lock();
    Thread& self = *cpu.run_queue.current();
    VERIFY(!self.m_is_idle);
    uint64_t now = 0;
    Thread* direct = nullptr;
    // Only a hand-off owner can have a thread kept aside (defer_for_handoff).
    if (cpu.handoff_owner == &self) [[unlikely]] {
        direct = take_direct_switch(cpu, self, now);
        if (Thread* deferred = cpu.handoff_deferred) {
            // Not switched to: woken the ordinary way before this thread sleeps.
            cpu.handoff_deferred = nullptr;
            cpu.lock.unlock();
            wake_blocked(*deferred, WakeReason::Woken);
            cpu.lock.lock();
        }
    }
    queue.m_waiters.append(self);
    self.set_state(ThreadState::Blocked);
    self.m_wake_reason = WakeReason::None;
    if (deadline_ns != no_deadline)
        cpu.run_queue.timers().arm(self, deadline_ns);
    // A waker needs the queue lock and then this run-queue lock, which stays held until the
    // switch is complete: the thread cannot be woken before it is fully asleep.
    queue.m_lock.unlock();
    if (direct != nullptr)
        switch_directly_locked(cpu, *direct, now);
    else
        schedule_locked(cpu, nullptr);
}

WakeReason Scheduler::finish_wait_locked(WaitQueue& queue)
{
    Thread& self = current_thread();
    // Still queued only if a timeout, not a waker, ended the wait.
    if (self.m_wait_node.is_linked())
        queue.m_waiters.remove(self);
    return self.m_wake_reason;
}

bool Scheduler::wake_blocked(Thread& thread, WakeReason reason)
{
    PerCpu& cpu = lock_cpu_of(thread);
    if (thread.state() != ThreadState::Blocked) {
        cpu.lock.unlock();
        return false; // already woken by its timeout
    }
    uint64_t now = m_platform.now_ns();
    cpu.run_queue.timers().cancel(thread);
    thread.m_wake_reason = reason;
    cpu.run_queue.enqueue(thread, Arrival::Woken, now);
    bool preempt = cpu.run_queue.should_preempt_for(thread, now);
    cpu.lock.unlock();
    if (preempt)
        request_reschedule(cpu);
    return true;
}

size_t Scheduler::wake_one(WaitQueue& queue)
{
    InterruptsDisabled interrupts;
    size_t woken = 0;
    queue.m_lock.lock();
    while (Thread* thread = queue.m_waiters.pop_first()) {
        if (defer_for_handoff(*thread) || wake_blocked(*thread, WakeReason::Woken)) {
            woken = 1;
            break;
        }
    }
    queue.m_lock.unlock();
    if (interrupts.caller_is_preemptible())
        preempt_if_needed();
    return woken;
}

size_t Scheduler::wake_all(WaitQueue& queue)
{
    InterruptsDisabled interrupts;
    size_t woken = 0;
    queue.m_lock.lock();
    while (Thread* thread = queue.m_waiters.pop_first()) {
        if (defer_for_handoff(*thread) || wake_blocked(*thread, WakeReason::Woken))
            ++woken;
    }
    queue.m_lock.unlock();
    if (interrupts.caller_is_preemptible())
        preempt_if_needed();
    return woken;
}

void Scheduler::fire_expired_timers(PerCpu& cpu, uint64_t now_ns)
{
    RunQueue& queue = cpu.run_queue;
    while (Thread* thread = queue.timers().pop_expired(now_ns)) {
        VERIFY(thread->state() == ThreadState::Blocked || thread->state() == ThreadState::Sleeping);
        thread->m_wake_reason = WakeReason::TimedOut;
        queue.enqueue(*thread, Arrival::Woken, now_ns);
        if (queue.should_preempt_for(*thread, now_ns))
            __atomic_store_n(&cpu.need_resched, true, __ATOMIC_RELEASE);
    }
}

// --- Interrupt side -----------------------------------------------------------------------

bool Scheduler::on_tick(uint64_t now_ns)
{
    InterruptsDisabled interrupts;
    PerCpu& cpu = this_cpu();
    cpu.lock.lock();
    cpu.run_queue.update(now_ns);
    bool balance_due = online_cpus().count() > 1 && now_ns - cpu.last_balance_ns >= policy::balance_interval_ns;
    if (balance_due) {
        // Balance on the load of the interval that just ended, before this tick's timers wake
        // anyone. A thread that polls with short sleeps wakes exactly at ticks (its deadline is
        // what the one-shot timer was programmed for), so counting it here would show its CPU
        // one thread busier at every balancing tick than it is almost all the time: with 2N
        // spinners on N CPUs, a CPU with one spinner and such a poller never pulled from one
        // with three, and nobody else had a reason to.
        cpu.last_balance_ns = now_ns;
        cpu.lock.unlock();
        balance();
        cpu.lock.lock();
    }
    fire_expired_timers(cpu, now_ns);
    if (cpu.run_queue.should_preempt_current(now_ns))
        __atomic_store_n(&cpu.need_resched, true, __ATOMIC_RELEASE);
    cpu.lock.unlock();
    return needs_reschedule(cpu.id);
}

void Scheduler::preempt_if_needed()
{
    InterruptsDisabled interrupts;
    PerCpu& cpu = this_cpu();
    if (!needs_reschedule(cpu.id))
        return;
    // The caller (or the code an interrupt handler interrupted) holds a spinlock: switching
    // now could leave it held for as long as the thread waits. The last unlock asks again.
    if (arch::preempt_count() != 0) {
        arch::defer_preemption();
        return;
    }
    cpu.lock.lock();
    schedule_locked(cpu, nullptr);
}

uint64_t Scheduler::next_deadline()
{
    InterruptsDisabled interrupts;
    PerCpu& cpu = this_cpu();
    LockGuard guard(cpu.lock);
    return cpu.run_queue.timers().next_deadline();
}

[[noreturn]] void Scheduler::idle_loop()
{
    for (;;) {
        InterruptsDisabled interrupts;
        PerCpu& cpu = this_cpu();
        cpu.lock.lock();
        fire_expired_timers(cpu, m_platform.now_ns());
        bool has_work = cpu.run_queue.nr_queued() > 0;
        cpu.lock.unlock();
        if (!has_work)
            has_work = balance();
        if (has_work) {
            cpu.lock.lock();
            schedule_locked(cpu, nullptr);
        } else {
            m_platform.idle_wait();
        }
    }
}

// --- Load balancing -------------------------------------------------------------------------

bool Scheduler::move_locked(Thread& thread, PerCpu& from, PerCpu& to, uint64_t now_ns)
{
    if (thread.m_run_node.is_linked()) {
        from.run_queue.dequeue_for_move(thread, now_ns);
        to.run_queue.enqueue(thread, Arrival::Moved, now_ns);
        bool preempt = to.run_queue.should_preempt_for(thread, now_ns);
        if (preempt)
            __atomic_store_n(&to.need_resched, true, __ATOMIC_RELEASE);
        return preempt;
    }
    // Blocked or sleeping: it carries its timer and its lag to the new CPU.
    bool armed = from.run_queue.timers().cancel(thread);
    PriorityClass priority_class = thread.m_class;
    thread.m_virtual_runtime = thread.m_virtual_runtime - from.run_queue.queue_of(priority_class).min_virtual_runtime()
        + to.run_queue.queue_of(priority_class).min_virtual_runtime();
    thread.set_cpu(to.id);
    if (armed)
        to.run_queue.timers().arm(thread, thread.m_timer_deadline_ns);
    return false;
}

void Scheduler::move_if_disallowed(Thread& thread)
{
    InterruptsDisabled interrupts;
    for (;;) {
        uint32_t source_id = thread.cpu();
        if (thread.affinity().contains(source_id))
            return;
        PerCpu& source = m_cpus[source_id];
        PerCpu& destination = m_cpus[choose_cpu_for(thread)];
        lock_pair(source, destination);
        if (thread.cpu() != source_id) {
            unlock_pair(source, destination);
            continue;
        }
        bool preempt_destination = false;
        bool preempt_source = false;
        ThreadState state = thread.state();
        if (thread.m_affinity.contains(source_id)) {
            // Changed back meanwhile.
        } else if (state == ThreadState::Running) {
            preempt_source = true; // it moves itself when it leaves the CPU
        } else if (state == ThreadState::Blocked || state == ThreadState::Sleeping
            || (state == ThreadState::Runnable && thread.m_run_node.is_linked())) {
            preempt_destination = move_locked(thread, source, destination, m_platform.now_ns());
        }
        // A Runnable thread in no queue is in transit: finish_switch places it.
        unlock_pair(source, destination);
        if (preempt_destination)
            request_reschedule(destination);
        if (preempt_source)
            request_reschedule(source);
        return;
    }
}

void Scheduler::place_in_transit(Thread& thread)
{
    InterruptsDisabled interrupts;
    for (;;) {
        PerCpu& source = m_cpus[thread.cpu()];
        PerCpu& destination = m_cpus[choose_cpu_for(thread)];
        lock_pair(source, destination);
        if (thread.cpu() != source.id) {
            unlock_pair(source, destination);
            continue;
        }
        uint64_t now = m_platform.now_ns();
        thread.m_in_transit = false;
        destination.run_queue.enqueue(thread, Arrival::Moved, now);
        bool preempt = destination.run_queue.should_preempt_for(thread, now);
        unlock_pair(source, destination);
        if (preempt)
            request_reschedule(destination);
        return;
    }
}

bool Scheduler::balance()
{
    InterruptsDisabled interrupts;
    CpuMask online = online_cpus();
    if (online.count() < 2)
        return false;
    PerCpu& here = this_cpu();
    uint32_t loads[max_cpus] = {};
    for (uint32_t cpu = 0; cpu < max_cpus; ++cpu) {
        if (online.contains(cpu))
            loads[cpu] = m_cpus[cpu].run_queue.nr_running();
    }
    balance::Source source = balance::find_busiest(loads, online, here.id);
    if (!source.found)
        return false;
    PerCpu& busiest = m_cpus[source.cpu];
    // Taking a busy CPU's lock delays its own scheduling; with many idle CPUs polling (and
    // virtual CPUs that the host may deschedule while they wait in the ticket queue) that
    // delay was ~1 ms per switch at -smp 8. Only contend when there is something to take.
    if (busiest.run_queue.nr_movable_queued() == 0)
        return false;
    lock_pair(here, busiest);
    bool moved = false;
    // The loads were read without locks; confirm the imbalance before acting on it.
    if (busiest.run_queue.nr_running() >= here.run_queue.nr_running() + policy::balance_imbalance_threshold) {
        if (Thread* thread = balance::choose_thread_to_pull(busiest.run_queue, here.id)) {
            move_locked(*thread, busiest, here, m_platform.now_ns());
            moved = true;
        }
    }
    unlock_pair(here, busiest);
    return moved;
}

} // namespace gehri::sched
