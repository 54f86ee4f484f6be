#pragma once

#include <kernel/collective/Outbox.h>
#include <kernel/lib/HeapArray.h>
#include <kernel/lib/FixedHashMap.h>
#include <kernel/lib/Span.h>
#include <kernel/lib/Spinlock.h>

namespace gehri::govern {

// Each agent's pending collective events (proposal decided, lease granted or lost, outbid,
// quarantined ...), read by the agent through a syscall. A bounded queue per agent: when it is
// full the oldest event is dropped and the loss counted, so a flood of decisions cannot eat
// kernel memory and the agent learns that it missed some. A queue is allocated from the kernel
// heap on the first event for an agent and freed when it exits; the AgentId -> queue map
// doubles when it fills. Up to max_agents queues at once; an event for an agent beyond that,
// or when the heap is out of memory, is counted as dropped.
class EventQueues {
public:
    static constexpr size_t max_agents = 16384;
    static constexpr size_t events_per_agent = 32;

    EventQueues() = default;
    ~EventQueues();
    EventQueues(const EventQueues&) = delete;
    EventQueues& operator=(const EventQueues&) = delete;

    // False if no queue could be made for a new agent (the event is counted as dropped).
    bool post(const collective::Event&);
    // Moves up to out.size() of `agent`'s oldest events to `out`; returns how many.
    size_t take(collective::AgentId agent, Span<collective::Event> out);
    size_t pending(collective::AgentId agent) const;
    // Events `agent` lost to a full queue since it last asked (and resets the count).
    uint64_t take_lost(collective::AgentId agent);
    void forget(collective::AgentId agent);
    uint64_t dropped_without_queue() const { return m_dropped_without_queue; }
    size_t queue_count() const { return m_map.size(); }

private:
    struct Queue {
        collective::Event events[events_per_agent] {};
        size_t head { 0 };
        size_t count { 0 };
        uint64_t lost { 0 };
    };
    Queue* find_locked(collective::AgentId agent) const;
    Queue* make_locked(collective::AgentId agent);
    bool grow_map_locked();

    mutable Spinlock m_lock;
    // The map owns the queues it points to (made by make_owned, freed through an OwnPtr).
    HeapArray<HashSlot<Queue*>> m_slots;
    FixedHashMap<Queue*> m_map;
    uint64_t m_dropped_without_queue { 0 };
};

} // namespace gehri::govern
