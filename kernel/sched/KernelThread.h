#pragma once

#include <kernel/lib/OwnPtr.h>
#include <kernel/lib/Result.h>
#include <kernel/mm/KernelStack.h>
#include <kernel/sched/Scheduler.h>
#include <kernel/sched/Thread.h>

namespace gehri::sched {

// A kernel thread that owns everything it runs on: the Thread and its guarded mm::KernelStack,
// one heap allocation plus the stack's pages, started on the kernel scheduler.
//
//     auto worker = TRY(KernelThread::spawn({ .name = "indexer", .priority_class = PriorityClass::Batch,
//                                             .weight = 512 }, index_everything, &work));
//     ...
//     TRY(worker->join());   // waits until it has exited and will never run again
//     worker = {};           // frees the stack and the thread
//
// The thread ends by returning from its entry function (or calling Scheduler::exit). Joining is
// mandatory before destruction: destroying a thread that still runs would free the stack under
// it, so the destructor panics instead.
class KernelThread {
public:
    static constexpr uint64_t default_stack_size = mm::KernelStack::default_size;

    // Allocates, then starts the thread (on the calling CPU if its affinity allows, else on the
    // least loaded allowed CPU). OutOfMemory, or InvalidArgument for a bad class, weight,
    // affinity or stack size.
    static Result<OwnPtr<KernelThread>> spawn(const ThreadOptions& options, ThreadEntry entry, void* argument,
        uint64_t stack_size = default_stack_size);

    ~KernelThread();
    KernelThread(const KernelThread&) = delete;
    KernelThread& operator=(const KernelThread&) = delete;

    // Waits until the thread has ended for good, or TimedOut at the deadline.
    Result<void> join(uint64_t deadline_ns = Scheduler::no_deadline);
    bool has_ended() const { return m_thread.is_reapable(); }

    Thread& thread() { return m_thread; }
    const Thread& thread() const { return m_thread; }

private:
    KernelThread(const ThreadOptions& options, mm::KernelStack stack, ThreadEntry entry, void* argument);

    ThreadWithStack<mm::KernelStack> m_thread;
};

} // namespace gehri::sched
