#pragma once

#include <kernel/ipc/SpscRing.h>
#include <user/libgehri/Event.h>

namespace gehri {

// The two ends of an SpscRing (kernel/ipc/SpscRing.h) in shared memory, blocking: a consumer
// that finds the ring empty sleeps on an event until the producer pushes, a producer that finds
// it full sleeps until the consumer pops. The fast path makes no system call: a side signals
// the event only when the other has said (in the ring's header) that it sleeps. Both ends use
// one event (handles need Wait and Signal): ring_data wakes the consumer, ring_room the producer.
namespace ring_signal {
constexpr uint32_t data = abi::signal::user0;
constexpr uint32_t room = abi::signal::user1;
} // namespace ring_signal

// What a ring end did on its slow path, for tests and tuning.
struct RingStats {
    uint64_t sleeps { 0 };  // waits on the event
    uint64_t wakeups { 0 }; // signals sent to the peer
};

namespace detail {

// Retries `attempt` (WouldBlock: not now) until it succeeds or `timeout_ns` passes, sleeping on
// `event` for `wake_bit` in between, announced by `set_waiting` so that the peer signals.
template<typename Attempt, typename SetWaiting>
auto ring_blocking(Attempt attempt, SetWaiting set_waiting, const Event& event, uint32_t wake_bit, uint64_t timeout_ns, RingStats& stats)
    -> decltype(attempt())
{
    uint64_t deadline = timeout_ns == abi::wait_forever ? abi::wait_forever : system::clock_now_ns() + timeout_ns;
    for (;;) {
        auto result = attempt();
        if (result.is_ok() || result.error() != Error::WouldBlock || timeout_ns == 0)
            return result;
        // Clear a stale wake-up, announce the sleep, then look once more: a push (pop) that
        // came before the announcement is seen now, one after it signals.
        TRY(event.signal(wake_bit, 0));
        set_waiting(true);
        result = attempt();
        if (result.is_ok() || result.error() != Error::WouldBlock) {
            set_waiting(false);
            return result;
        }
        uint64_t now = system::clock_now_ns();
        if (deadline != abi::wait_forever && now >= deadline) {
            set_waiting(false);
            return Error::TimedOut;
        }
        ++stats.sleeps;
        auto woken = event.wait(wake_bit, deadline == abi::wait_forever ? abi::wait_forever : deadline - now);
        set_waiting(false);
        if (woken.is_error())
            return woken.error();
    }
}

} // namespace detail

class RingProducer {
public:
    RingProducer(ipc::SpscRing ring, Event event)
        : m_ring(ring)
        , m_event(std::move(event))
    {
    }
    // Pushes one record, sleeping up to `timeout_ns` while there is no room (0: WouldBlock).
    // TooLarge past the ring's max_record(); TimedOut; BadFormat if the consumer lies.
    Result<void> push(ReadonlyBytes record, uint64_t timeout_ns = abi::wait_forever)
    {
        TRY(detail::ring_blocking([&] { return m_ring.try_push(record); }, [&](bool waiting) { m_ring.set_producer_waiting(waiting); }, m_event,
            ring_signal::room, timeout_ns, m_stats));
        if (m_ring.consumer_waiting()) {
            ++m_stats.wakeups;
            TRY(m_event.signal(0, ring_signal::data));
        }
        return {};
    }
    const RingStats& stats() const { return m_stats; }
    ipc::SpscRing& ring() { return m_ring; }

private:
    ipc::SpscRing m_ring;
    Event m_event;
    RingStats m_stats;
};

class RingConsumer {
public:
    RingConsumer(ipc::SpscRing ring, Event event)
        : m_ring(ring)
        , m_event(std::move(event))
    {
    }
    // Takes the next record into `out`, sleeping up to `timeout_ns` while the ring is empty
    // (0: WouldBlock); returns its size. BufferTooSmall (it stays); TimedOut; BadFormat.
    Result<size_t> pop(Span<uint8_t> out, uint64_t timeout_ns = abi::wait_forever)
    {
        size_t size = TRY(detail::ring_blocking([&] { return m_ring.try_pop(out); }, [&](bool waiting) { m_ring.set_consumer_waiting(waiting); },
            m_event, ring_signal::data, timeout_ns, m_stats));
        if (m_ring.producer_waiting()) {
            ++m_stats.wakeups;
            TRY(m_event.signal(0, ring_signal::room));
        }
        return size;
    }
    const RingStats& stats() const { return m_stats; }
    ipc::SpscRing& ring() { return m_ring; }

private:
    ipc::SpscRing m_ring;
    Event m_event;
    RingStats m_stats;
};

} // namespace gehri
