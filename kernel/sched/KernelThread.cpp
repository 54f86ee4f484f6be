#include <kernel/log/Panic.h>
#include <kernel/sched/KernelScheduler.h>
#include <kernel/sched/KernelThread.h>

namespace gehri::sched {

KernelThread::KernelThread(const ThreadOptions& options, mm::KernelStack stack, ThreadEntry entry, void* argument)
    : m_thread(options, std::move(stack), entry, argument)
{
}

Result<OwnPtr<KernelThread>> KernelThread::spawn(const ThreadOptions& options, ThreadEntry entry, void* argument, uint64_t stack_size)
{
    if (entry == nullptr)
        return Error::InvalidArgument;
    auto stack = TRY(mm::KernelStack::create(stack_size));
    auto thread = TRY(adopt_own_if_nonnull(new (std::nothrow) KernelThread(options, std::move(stack), entry, argument)));
    TRY(kernel_scheduler().start(thread->m_thread));
    return thread;
}

KernelThread::~KernelThread()
{
    ThreadState state = m_thread.state();
    if (state != ThreadState::Created && !m_thread.is_reapable())
        PANIC("kernel thread '{}' destroyed while {} (join it first)", m_thread.name(), name_of(state));
}

Result<void> KernelThread::join(uint64_t deadline_ns) { return kernel_scheduler().join(m_thread, deadline_ns); }

} // namespace gehri::sched
