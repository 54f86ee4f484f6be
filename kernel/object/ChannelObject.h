#pragma once

#include <kernel/ipc/Channel.h>
#include <kernel/ipc/RefCounted.h>
#include <kernel/object/KernelObject.h>
#include <kernel/sched/WaitQueue.h>

namespace gehri::object {

class Thread;

// A thread blocked in ChannelCall waiting for its reply on one end (on its kernel stack): a
// call from the other end may put its request straight into `reply` and switch to the thread
// (ChannelEndpointObject::call_directly). Guarded by the channel's lock.
struct ParkedCaller {
    Thread* thread;
    sched::WaitQueue* queue; // where it sleeps: its thread's call_queue
    ipc::Message* reply;
    size_t capacity;
    bool delivered;
};

// The portable channel (kernel/ipc/Channel.h), shared by its two endpoint objects: it lives
// until both are gone.
class ChannelCore final : public ipc::RefCounted<ChannelCore> {
public:
    static Result<ipc::RefPtr<ChannelCore>> create(ipc::QueueLimits limits);
    ipc::Channel& channel() { return *m_channel; }
    // The caller parked on end `index`, if any. Changed only under the channel's lock; read
    // under it, or without it as a hint (hence atomic: plain moves on x86).
    ParkedCaller* parked(unsigned index) const { return __atomic_load_n(&m_parked[index], __ATOMIC_RELAXED); }
    void set_parked(unsigned index, ParkedCaller* caller) { __atomic_store_n(&m_parked[index], caller, __ATOMIC_RELAXED); }

private:
    explicit ChannelCore(OwnPtr<ipc::Channel> channel)
        : m_channel(std::move(channel))
    {
    }
    OwnPtr<ipc::Channel> m_channel;
    ParkedCaller* m_parked[2] {};
};

// One end of a channel as a kernel object: what a channel handle names. When the last
// reference goes (every handle closed, no message carries it), the end closes and its peer sees
// peer_closed.
class ChannelEndpointObject final : public KernelObject {
public:
    static constexpr ObjectType object_type = ObjectType::ChannelEndpoint;

    struct Pair {
        RefPtr<ChannelEndpointObject> first;
        RefPtr<ChannelEndpointObject> second;
    };
    static Result<Pair> create_pair(ipc::QueueLimits limits = {});
    ~ChannelEndpointObject() override;

    ipc::ChannelEndpoint& endpoint() { return m_core->channel().endpoint(m_index); }
    ipc::SignalSource* signal_source() override { return &endpoint().signal_source(); }
    // Whether `object` is this end or its peer: neither may travel through this channel, or
    // the channel would keep itself alive through its own queue.
    bool is_same_channel(const KernelObject& object) const;

    // The blocking half of a read: sleeps until this end is readable or its peer closed (then
    // the caller reads again), TimedOut at the deadline, Interrupted if the agent of `reader`
    // (null: kernel code) is killed. The channel's hot path: the end keeps one observer and
    // one wait queue for its readers, so a blocking read registers nothing.
    Result<void> wait_readable(uint64_t deadline_ns, Thread* reader);

    // ChannelCall's wait for its reply: wait_readable, but parked (ParkedCaller), so that a
    // call from the other end can hand its message straight into `reply` (true: it did; false:
    // read again). Only one caller parks per end; others wait unparked.
    Result<bool> wait_reply(ipc::Message& reply, size_t capacity, uint64_t deadline_ns, Thread& reader);

    // The fast path of ChannelCall (docs/ipc.md): if a caller is parked at the other end, its
    // thread is blocked on this CPU in this thread's class, and both queues are empty and both
    // ends open, `message` goes straight into the parked caller's reply buffer (no queue, no
    // signals: nothing but the parked caller could have seen it), this thread parks for its own
    // reply and the CPU switches directly to the other caller, under one channel lock. NotSent:
    // none of it applied, nothing was sent. Sent: sent, then woken without an answer (timeout,
    // kill, a plain write or a close): read as usual. Answered: `message` holds the reply.
    enum class CallOutcome : uint8_t { NotSent, Sent, Answered };
    CallOutcome call_directly(Thread& caller, ipc::Message& message, size_t capacity, uint64_t deadline_ns);

private:
    ChannelEndpointObject(ipc::RefPtr<ChannelCore> core, unsigned index)
        : KernelObject(object_type)
        , m_core(std::move(core))
        , m_index(index)
        , m_reader_waker(*this)
    {
    }

    // Called under the channel's lock when readable or peer_closed changes: wakes blocked
    // readers, if there are any (most writes find none, and pay nothing more).
    class ReaderWaker final : public ipc::SignalObserver {
    public:
        explicit ReaderWaker(ChannelEndpointObject& end);
        void on_signals_changed(ipc::Signals current, bool source_gone) override;

    private:
        ChannelEndpointObject& m_end;
    };

    ipc::RefPtr<ChannelCore> m_core;
    unsigned m_index;
    sched::WaitQueue m_readers;
    uint32_t m_waiting_readers { 0 };
    ReaderWaker m_reader_waker;
};

} // namespace gehri::object
