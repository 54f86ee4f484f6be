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
    // A caller parked on this end sleeps in its own queue (wait_reply, call_directly). The
    // channel's lock is held: the slot cannot change under us.
    if (ParkedCaller* parked = m_end.m_core->parked(m_end.m_index))
        sched::kernel_scheduler().wake_all(*parked->queue);
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

Result<bool> ChannelEndpointObject::wait_reply(ipc::Message& reply, size_t capacity, uint64_t deadline_ns, Thread& reader)
{
    constexpr ipc::Signals interest = ipc::signal::readable | ipc::signal::peer_closed;
    ParkedCaller self { &reader, &reader.call_queue, &reply, capacity, false };
    ChannelCore& core = *m_core;
    auto& lock = endpoint().lock();
    bool parked = false;
    {
        InterruptSafeGuard guard(lock);
        if (core.parked(m_index) == nullptr) {
            core.set_parked(m_index, &self);
            parked = true;
        }
    }
    if (!parked) {
        // Another thread of the agent is parked here: wait as a plain reader.
        TRY(wait_readable(deadline_ns, &reader));
        return false;
    }
    // Parked: the reader waker and the kill (Agent::kill wakes every thread's call_queue, so
    // nothing is registered) wake call_queue. `delivered` is set under the channel's lock and
    // the run-queue lock before the direct switch to this thread.
    auto& signals = endpoint().signal_source();
    Agent& agent = reader.agent();
    auto waited = sched::kernel_scheduler().wait_until(reader.call_queue, [&] {
        return agent.is_ending() || __atomic_load_n(&self.delivered, __ATOMIC_ACQUIRE) || (signals.signals() & interest) != 0;
    }, deadline_ns);
    if (agent.is_ending())
        waited = Error::Interrupted;
    {
        // After this no call can deliver any more: `delivered` is final.
        InterruptSafeGuard guard(lock);
        if (core.parked(m_index) == &self)
            core.set_parked(m_index, nullptr);
    }
    bool delivered = __atomic_load_n(&self.delivered, __ATOMIC_ACQUIRE);
    if (delivered && waited.is_error() && waited.error() == Error::TimedOut)
        waited = {}; // answered at the deadline: the answer wins
    TRY(waited);
    return delivered;
}

ChannelEndpointObject::CallOutcome ChannelEndpointObject::call_directly(Thread& caller, ipc::Message& message, size_t capacity, uint64_t deadline_ns)
{
    unsigned peer_index = m_index ^ 1;
    ChannelCore& core = *m_core;
    // A racy hint: a call that finds nobody parked at the other end pays nothing more.
    if (core.parked(peer_index) == nullptr || message.has_handles())
        return CallOutcome::NotSent;
    auto& scheduler = sched::kernel_scheduler();
    Agent& agent = caller.agent();
    ipc::ChannelEndpoint& own = endpoint();
    ipc::ChannelEndpoint& peer = own.peer();
    Spinlock& lock = own.lock();
    ParkedCaller self { &caller, &caller.call_queue, &message, capacity, false };
    arch::InterruptState interrupts = arch::save_and_disable_interrupts();
    lock.lock();
    ParkedCaller* target = core.parked(peer_index);
    // Both queues empty (order is kept, and an answer already queued needs no wait), both ends
    // open, nobody parked here yet, and the parked caller's end watched by its own reader
    // waker alone (no wait set or WaitMany would have seen the message arrive).
    bool sent = false;
    if (target != nullptr && core.parked(m_index) == nullptr && !own.is_closed_locked() && !peer.is_closed_locked() && !own.has_queued_locked()
        && !peer.has_queued_locked() && message.size() <= target->capacity && peer.signal_source().observer_count_locked() == 1
        && !target->thread->agent().is_ending()) {
        sent = scheduler.switch_directly_to(caller.call_queue, deadline_ns, *target->queue, target->thread->kernel_thread(), [&] {
            // Under call_queue's lock: a kill that began before it is seen here, one that
            // begins after it finds this thread asleep in call_queue (Agent::kill).
            if (agent.is_ending())
                return false;
            target->reply->take_plain(message);
            __atomic_store_n(&target->delivered, true, __ATOMIC_RELEASE);
            core.set_parked(peer_index, nullptr);
            core.set_parked(m_index, &self);
            lock.unlock();
            return true;
        });
    }
    if (!sent) {
        lock.unlock();
        arch::restore_interrupts(interrupts);
        return CallOutcome::NotSent;
    }
    // Running again: answered (a call from the other end took this thread out of call_queue
    // and switched here), or woken otherwise (then perhaps still queued: a timeout). Nobody can
    // deliver to a thread that runs, so `delivered` is final already.
    bool delivered = __atomic_load_n(&self.delivered, __ATOMIC_ACQUIRE);
    if (!delivered) {
        (void)scheduler.finish_wait(caller.call_queue);
        lock.lock();
        if (core.parked(m_index) == &self)
            core.set_parked(m_index, nullptr);
        lock.unlock();
    }
    arch::restore_interrupts(interrupts);
    return delivered ? CallOutcome::Answered : CallOutcome::Sent;
}

bool ChannelEndpointObject::is_same_channel(const KernelObject& object) const
{
    if (object.type() != object_type)
        return false;
    return static_cast<const ChannelEndpointObject&>(object).m_core == m_core;
}

} // namespace gehri::object
