#pragma once

#include <type_traits>

#include <kernel/lib/StringView.h>
#include <kernel/sched/CpuMask.h>
#include <kernel/sched/IntrusiveHeap.h>
#include <kernel/sched/IntrusiveList.h>
#include <kernel/sched/PriorityClass.h>
#include <kernel/sched/Stack.h>
#include <kernel/sched/ThreadContext.h>
#include <stdint.h>
#include <utility>

namespace gehri::sched {

// Never reused: a 64-bit counter that starts at 1 (0 means "no thread").
using ThreadId = uint64_t;
using ThreadEntry = void (*)(void* argument);

enum class ThreadState : uint8_t {
    Created, // constructed, not yet handed to Scheduler::start
    Runnable, // waiting in a run queue
    Running, // the current thread of a CPU
    Blocked, // waiting on a WaitQueue (maybe with a timeout)
    Sleeping, // waiting for a deadline only
    Dead, // exited; its stack may be freed once the scheduler says it is reapable
};

constexpr StringView name_of(ThreadState state)
{
    switch (state) {
    case ThreadState::Created: return "created";
    case ThreadState::Runnable: return "runnable";
    case ThreadState::Running: return "running";
    case ThreadState::Blocked: return "blocked";
    case ThreadState::Sleeping: return "sleeping";
    case ThreadState::Dead: return "dead";
    }
    return "invalid";
}

// Why a blocked or sleeping thread became runnable again.
enum class WakeReason : uint8_t { None, Woken, TimedOut };

struct ThreadOptions {
    StringView name;
    PriorityClass priority_class { PriorityClass::Normal };
    uint32_t weight { default_weight };
    CpuMask affinity { CpuMask::all() };
};

// A kernel thread: identity, scheduling parameters, accounting, saved context and stack.
// The stack is described, not owned: ThreadWithStack<Stack> below binds a thread to the
// object that owns its stack. Threads never move (run and wait queues link them in place).
// Every field below the accessors is owned by the scheduler and protected by the run-queue
// lock of the thread's CPU.
class Thread {
public:
    static constexpr size_t max_name_length = 31;

    Thread(const ThreadOptions& options, StackRegion stack, ThreadEntry entry, void* argument);
    Thread(const Thread&) = delete;
    Thread& operator=(const Thread&) = delete;

    ThreadId id() const { return m_id; }
    StringView name() const { return { m_name, m_name_length }; }
    ThreadState state() const { return static_cast<ThreadState>(__atomic_load_n(&m_state, __ATOMIC_ACQUIRE)); }
    PriorityClass priority_class() const { return m_class; }
    uint32_t weight() const { return m_weight; }
    CpuMask affinity() const { return m_affinity; }
    // The CPU whose run queue the thread belongs to (where it runs, waits or last ran).
    uint32_t cpu() const { return __atomic_load_n(&m_cpu, __ATOMIC_ACQUIRE); }
    uint64_t cpu_time_ns() const { return m_cpu_time_ns; }
    uint64_t virtual_runtime() const { return m_virtual_runtime; }
    uint64_t times_scheduled() const { return m_times_scheduled; }
    WakeReason wake_reason() const { return m_wake_reason; }
    // Dead and switched away from for good: its stack and the Thread itself may be freed.
    bool is_reapable() const { return __atomic_load_n(&m_reapable, __ATOMIC_ACQUIRE); }
    // Its registers live on a CPU right now, not in its saved context.
    bool is_on_cpu() const { return __atomic_load_n(&m_on_cpu, __ATOMIC_ACQUIRE); }
    bool is_idle_thread() const { return m_is_idle; }

    ThreadContext& context() { return m_context; }
    const ThreadContext& context() const { return m_context; }
    StackRegion stack() const { return m_stack; }
    ThreadEntry entry() const { return m_entry; }
    void* argument() const { return m_argument; }

private:
    friend class Scheduler;
    friend class RunQueue;
    friend class ClassQueue;
    friend class TimerQueue;
    friend class WaitQueue;
    friend struct VirtualRuntimeOrder;
    friend struct DeadlineOrder;

    void set_state(ThreadState state) { __atomic_store_n(&m_state, static_cast<std::underlying_type_t<ThreadState>>(state), __ATOMIC_RELEASE); }
    void set_cpu(uint32_t cpu) { __atomic_store_n(&m_cpu, cpu, __ATOMIC_RELEASE); }
    void set_on_cpu(bool on_cpu) { __atomic_store_n(&m_on_cpu, on_cpu, __ATOMIC_RELEASE); }

    ThreadId m_id;
    char m_name[max_name_length + 1] {};
    size_t m_name_length { 0 };
    // Stored as its underlying integer: the __atomic builtins take integers, not enums.
    std::underlying_type_t<ThreadState> m_state { static_cast<std::underlying_type_t<ThreadState>>(ThreadState::Created) };
    PriorityClass m_class;
    uint32_t m_weight;
    CpuMask m_affinity;
    uint32_t m_cpu { 0 };
    bool m_on_cpu { false };
    bool m_reapable { false };
    bool m_is_idle { false };
    // Left a CPU its affinity no longer allows: in no queue until finish_switch moves it.
    bool m_needs_placement { false };
    // Runnable, in no queue, virtual runtime relative to its class clock: between being
    // preempted on a forbidden CPU and being placed on an allowed one.
    bool m_in_transit { false };
    WakeReason m_wake_reason { WakeReason::None };
    // The thread this one waits to join (while it is in the scheduler's exit queue): an exit
    // wakes only its own joiners.
    const Thread* m_joining { nullptr };

    // Accounting.
    uint64_t m_cpu_time_ns { 0 };
    uint64_t m_virtual_runtime { 0 };
    uint64_t m_run_sequence { 0 }; // ties in virtual runtime run first-come first-served
    uint64_t m_run_started_ns { 0 }; // when it was last picked: the start of its slice
    uint64_t m_times_scheduled { 0 };

    // Timer (sleep deadline or wait timeout).
    uint64_t m_timer_deadline_ns { 0 };
    uint64_t m_timer_sequence { 0 };

    HeapNode<Thread> m_run_node;
    HeapNode<Thread> m_timer_node;
    ListNode<Thread> m_wait_node;

    ThreadContext m_context;
    StackRegion m_stack;
    ThreadEntry m_entry;
    void* m_argument;
};

// A thread together with the owner of its stack, which lives exactly as long as the thread.
// Stack is any StackProvider: mm's KernelStack (guard pages), BorrowedStack (static arrays).
// The stack owner is a base class so that it is constructed before the Thread reads its range.
template<StackProvider Stack>
class ThreadWithStack final
    : private Stack
    , public Thread {
public:
    ThreadWithStack(const ThreadOptions& options, Stack stack, ThreadEntry entry, void* argument)
        : Stack(std::move(stack))
        , Thread(options, StackRegion { static_cast<const Stack&>(*this).bottom(), static_cast<const Stack&>(*this).top() }, entry, argument)
    {
    }
};

} // namespace gehri::sched
