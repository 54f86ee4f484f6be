#pragma once

#include <kernel/collective/Types.h>

// What the collective services ask the rest of the kernel to do. The services are portable and
// own no agents, mailboxes or run queues, so they never act on them directly: they describe the
// act as data and hand it to an Outbox the kernel implements (posting to an agent's mailbox,
// changing a scheduling weight, freezing run queues). The host tests implement it with vectors.
namespace gehri::collective {

enum class EventKind : uint8_t {
    ProposalOpened,   // subject: proposal; you are in its electorate
    ProposalDecided,  // subject: proposal; detail: OutcomeKind; detail2: winning option or tied-option mask
    CosignRequired,   // subject: proposal; its outcome waits for a human co-sign
    LeaseGranted,     // subject: lease; detail: resource index; detail2: expiry (ns)
    LeaseLost,        // subject: lease; detail: resource index; detail2: LeaseEnd
    LeaseRequestDropped, // subject: resource index; detail: why (LeaseEnd); your queued request is gone
    ResourceFreed,    // subject: resource index; you are waiting for it and its holder let go
    AuctionWon,       // subject: auction; detail: price paid; detail2: when the prize ends (ns; 0 for a lease)
    AuctionLost,      // subject: auction; detail: bid refunded
    Quarantined,      // subject: the agent itself
    QuarantineLifted, // subject: the agent itself
};

// A notification for one agent.
struct Event {
    AgentId recipient;
    EventKind kind;
    uint64_t subject;
    uint64_t detail { 0 };
    uint64_t detail2 { 0 };
};

enum class EffectKind : uint8_t {
    SchedulingWeight, // value: the agent's new weight until `until`, then its own again
    MemoryQuota,      // value: extra bytes of memory quota until `until`
    TrustWeight,      // value: the agent's trust factor (ppm of its weight, 1..10^6) from now on; no `until`
};

// A change to a resource the kernel controls, decided by a service (an auction clearing).
struct ResourceEffect {
    EffectKind kind;
    AgentId agent;
    uint64_t value;
    Nanoseconds until;
};

enum class ControlKind : uint8_t {
    FreezeAll, // stop every agent from running at the next scheduler tick
    ResumeAll,
    KillAll,
    Isolate,   // cut `agent` off from topics, votes and leases; it keeps running
    Release,   // undo Isolate for `agent`
};

struct ControlAction {
    ControlKind kind;
    AgentId agent { 0 };
};

// Implemented by the kernel. Calls happen with the calling service's lock held, so an
// implementation must only queue the act (never call back into the service).
class Outbox {
public:
    virtual void notify(const Event&) = 0;
    virtual void apply(const ResourceEffect&) = 0;
    virtual void control(const ControlAction&) = 0;

protected:
    ~Outbox() = default;
};

} // namespace gehri::collective
