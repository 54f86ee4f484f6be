#include <kernel/sched/KernelScheduler.h>
#include <kernel/object/KillableWait.h>
#include <kernel/object/SignalWait.h>

namespace gehri::object {

namespace {

// Called under the source's lock whenever an interesting bit changes: it only wakes the waiting
// thread (wait queue and run queue locks come after object locks in the lock order), which then
// re-reads the signals itself. Level-triggered, so a stale wake-up costs a re-check, nothing more.
class WakingObserver final : public ipc::SignalObserver {
public:
    WakingObserver(sched::WaitQueue& queue, ipc::Signals interest)
        : SignalObserver(interest)
        , m_queue(queue)
    {
    }
    void on_signals_changed(ipc::Signals current, bool source_gone) override
    {
        if ((current & interest()) != 0 || source_gone)
            sched::kernel_scheduler().wake_all(m_queue);
    }

private:
    sched::WaitQueue& m_queue;
};

size_t count_ready(WaitTarget* targets, size_t count)
{
    size_t ready = 0;
    for (size_t i = 0; i < count; ++i) {
        targets[i].observed = targets[i].source->signals() & targets[i].interest;
        if (targets[i].observed != 0)
            ++ready;
    }
    return ready;
}

} // namespace

Result<ipc::Signals> wait_for_signals(ipc::SignalSource& source, ipc::Signals interest, uint64_t deadline_ns, Thread* waiter)
{
    WaitTarget target { &source, interest, 0 };
    TRY(wait_for_any(&target, 1, deadline_ns, waiter));
    return target.observed;
}

Result<size_t> wait_for_any(WaitTarget* targets, size_t count, uint64_t deadline_ns, Thread* waiter)
{
    if (count == 0 || count > max_wait_targets)
        return Error::InvalidArgument;
    // Already ready: no observers to register.
    if (size_t ready = count_ready(targets, count))
        return ready;
    sched::WaitQueue queue;
    // Raw storage: observers are not default-constructible, and only `count` are needed.
    alignas(WakingObserver) unsigned char storage[max_wait_targets][sizeof(WakingObserver)];
    auto observer = [&](size_t i) { return reinterpret_cast<WakingObserver*>(storage[i]); };
    for (size_t i = 0; i < count; ++i) {
        new (observer(i)) WakingObserver(queue, targets[i].interest);
        targets[i].source->add_observer(*observer(i));
    }
    auto any_ready = [&] {
        for (size_t i = 0; i < count; ++i) {
            if ((targets[i].source->signals() & targets[i].interest) != 0)
                return true;
        }
        return false;
    };
    auto waited = wait_killably(queue, any_ready, deadline_ns, waiter);
    for (size_t i = 0; i < count; ++i) {
        targets[i].source->remove_observer(*observer(i));
        observer(i)->~WakingObserver();
    }
    size_t ready = count_ready(targets, count);
    if (waited.is_error() && (waited.error() != Error::TimedOut || ready == 0))
        return waited.error();
    if (ready == 0)
        return Error::WouldBlock; // up and down again before we looked (another reader won)
    return ready;
}

} // namespace gehri::object
