#pragma once

#include <kernel/agent/UserMode.h>
#include <kernel/mm/KernelStack.h>
#include <kernel/object/Agent.h>
#include <kernel/sched/Thread.h>
#include <kernel/sched/UserState.h>

namespace gehri::object {

// A thread of an agent: a scheduler thread on a kernel stack of its own (with a guard page)
// that enters ring 3 at the agent's entry point and comes back into the kernel for syscalls,
// interrupts and faults. While it runs it holds a reference to itself (so nothing frees it
// under its own feet); after it exits, the reaper (kernel/agent/Reaper.h) waits until it is
// off every CPU, marks it exited and drops that reference.
class Thread final : public KernelObject {
public:
    static constexpr ObjectType object_type = ObjectType::Thread;
    // The deepest any agent thread went in the whole test suite is about 7 KiB (the pubsub
    // publisher; WaitMany's on-stack arrays take 6 KiB; max_kernel_stack_used(), and each new
    // maximum in the log with loglevel=debug): 12 KiB leaves 5 KiB for an interrupt, a fault in a user copy and paths the
    // tests miss. 8 KiB would leave 1 KiB.
    static constexpr uint64_t kernel_stack_size = 12 * 1024;

    // A thread of `agent` that will start user code at `instruction_pointer` on the stack
    // `stack_pointer` (both in the agent's address space), in the agent's scheduling class
    // and weight. If `stack_region_end` is not 0, the thread owns the stack region
    // [stack_region_start, stack_region_end) of the agent's memory, unmapped when it is reaped.
    static Result<RefPtr<Thread>> create(RefPtr<Agent> agent, uint64_t instruction_pointer, uint64_t stack_pointer,
        uint64_t stack_region_start = 0, uint64_t stack_region_end = 0);
    ~Thread() override;

    // Starts it with these argument registers (UserMode.h). InvalidArgument if already started
    // or if its agent is ending.
    Result<void> start(const uint64_t (&arguments)[4]);

    Agent& agent() { return *m_agent; }
    sched::Thread& kernel_thread() { return m_kernel_thread; }
    bool has_exited() const { return __atomic_load_n(&m_exited, __ATOMIC_ACQUIRE); }
    const abi::ExitInfo& exit_info() const { return m_exit_info; }
    // Interrupted if the agent of `waiter` (the calling thread, may be null) is killed meanwhile.
    Result<abi::ExitInfo> wait_for_exit(uint64_t deadline_ns, Thread* waiter = nullptr);

    // The calling thread ends (Exit, or killed for a fault). Only on the thread itself.
    [[noreturn]] void exit(const abi::ExitInfo& info);
    // On the way back to user mode: if the agent is being killed, the thread ends here.
    void exit_if_agent_ending();
    // On every way to user mode: waits while the system is frozen (break-glass), then ends
    // the thread if its agent is being killed. Only on the thread itself.
    void prepare_return_to_user();

    // The thread whose user state this is (for the syscall layer and fault handling).
    static Thread& from_user_state(sched::UserState& state) { return *static_cast<Thread*>(state.owner); }

    // By the reaper, once the kernel thread is off every CPU.
    void finish_reaping();

    // The most kernel stack any reaped agent thread ever used (its canary high-water mark):
    // how much headroom kernel_stack_size leaves (each new maximum is logged at debug level).
    static uint64_t max_kernel_stack_used();

private:
    Thread(RefPtr<Agent> agent, mm::KernelStack stack, uint64_t instruction_pointer, uint64_t stack_pointer);
    uint64_t m_stack_region_start { 0 };
    uint64_t m_stack_region_end { 0 };
    static void run(void* self);

    RefPtr<Agent> m_agent;
    sched::UserState m_user_state;
    sched::ThreadWithStack<mm::KernelStack> m_kernel_thread;
    agent::UserEntryRegisters m_entry {};
    bool m_started { false };
    bool m_exited { false };
    abi::ExitInfo m_exit_info {};
    sched::WaitQueue m_exit_waiters;

public:
    // Link in the reaper's list of dead threads (owned by the reaper).
    Thread* next_to_reap { nullptr };
    // Link in its agent's list of threads (owned by the agent).
    Thread* next_in_agent { nullptr };
    // The queue it sleeps on in an interruptible wait, or null (guarded by the agent's lock).
    sched::WaitQueue* interruptible_wait { nullptr };
    // Where it sleeps while parked in ChannelCall (ParkedCaller): its own, as long-lived as the
    // thread, so a kill can always wake it and the call's fast path registers nothing.
    sched::WaitQueue call_queue;
};

} // namespace gehri::object
