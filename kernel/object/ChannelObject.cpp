#include <kernel/object/ChannelObject.h>
#include <kernel/object/KillableWait.h>
#include <kernel/sched/KernelScheduler.h>
#include <new>

namespace gehri::object {

Result<ipc::RefPtr<ChannelCore>> ChannelCore::create(ipc::QueueLimits limits)
{
    auto channel = TRY(ipc::Channel::create(limits));
    return ipc::adopt_ref_if_nonnull(new (std::nothrow) ChannelCore(std::move(channel)));
}

Result<ChannelEndpointObject::Pair> ChannelEndpointObject::create_pair(ipc::QueueLimits limits)
{
    auto core = TRY(ChannelCore::create(limits));
    auto first = TRY(adopt_ref_if_nonnull(new (std::nothrow) ChannelEndpointObject(core, 0)));
    first->endpoint().signal_source().add_observer(first->m_reader_waker);
    auto second = TRY(adopt_ref_if_nonnull(new (std::nothrow) ChannelEndpointObject(core, 1)));
    second->endpoint().signal_source().add_observer(second->m_reader_waker);
    return Pair { std::move(first), std::move(second) };
}

ChannelEndpointObject::~ChannelEndpointObject()
{
    // Nobody can be blocked reading: a reader holds a reference.
    endpoint().signal_source().remove_observer(m_reader_waker);
    endpoint().close();
}

ChannelEndpointObject::ReaderWaker::ReaderWaker(ChannelEndpointObject& end)
    : SignalObserver(ipc::signal::readable | ipc::signal::peer_closed)
    , m_end(end)
{
}

void ChannelEndpointObject::ReaderWaker::on_signals_changed(ipc::Signals current, bool)
{
    // A reader counts itself (a full barrier) before it checks the signals under the queue's
    // lock, and the signals were stored before this call; the fence keeps that store ahead of
    // the count's load, so either the reader sees them up or it is counted here.
    if ((current & interest()) == 0)
        return;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (__atomic_load_n(&m_end.m_waiting_readers, __ATOMIC_SEQ_CST) != 0)
        sched::kernel_scheduler().wake_all(m_end.m_readers);
}

Result<void> ChannelEndpointObject::wait_readable(uint64_t deadline_ns, Thread* reader)
{
    constexpr ipc::Signals interest = ipc::signal::readable | ipc::signal::peer_closed;
    auto& signals = endpoint().signal_source();
    __atomic_add_fetch(&m_waiting_readers, 1, __ATOMIC_SEQ_CST);
    auto waited = wait_killably(m_readers, [&] { return (signals.signals() & interest) != 0; }, deadline_ns, reader);
    __atomic_sub_fetch(&m_waiting_readers, 1, __ATOMIC_SEQ_CST);
    return waited;
}

bool ChannelEndpointObject::is_same_channel(const KernelObject& object) const
{
    if (object.type() != object_type)
        return false;
    return static_cast<const ChannelEndpointObject&>(object).m_core == m_core;
}

} // namespace gehri::object
