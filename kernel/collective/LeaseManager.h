#pragma once

#include <kernel/collective/ContentionRule.h>
#include <kernel/collective/CreditLedger.h>
#include <kernel/collective/ProposalBoard.h>

namespace gehri::collective {

using LeaseId = uint64_t; // 0 is never a lease

// Why a lease or a queued request ended.
enum class LeaseEnd : uint8_t { Released, Expired, HolderDied, Outbid, Refused };
StringView lease_end_name(LeaseEnd);

struct ResourceSpec {
    StringView name;             // e.g. "sensor:thermal0"
    ContentionRule rule { ContentionRule::FirstCome };
    uint32_t max_shared { 1 };   // holders of shared leases at once; 1: exclusive only
    Nanoseconds max_term { 60 * nanoseconds_per_second };
    uint64_t reserve_price { 0 };                           // Auction
    Nanoseconds round_length { nanoseconds_per_second };    // Auction and GroupVote
    Span<const AgentId> group;                              // GroupVote: the electorate
};

struct LeaseRequest {
    bool shared { false };
    Nanoseconds term { 0 };
    uint32_t priority { 0 }; // Priority rule; higher first
    uint64_t bid { 0 };      // Auction rule; debited from the agent's credit when it queues
};

struct AcquireResult {
    bool granted;
    LeaseId lease; // when granted
};

struct ResourceSlot {
    static constexpr size_t max_group = 16;

    bool used { false };
    FixedName<48> name;
    ContentionRule rule { ContentionRule::FirstCome };
    uint32_t max_shared { 1 };
    Nanoseconds max_term { 0 };
    uint64_t reserve_price { 0 };
    Nanoseconds round_length { 0 };
    AgentId group[max_group] {};
    size_t group_size { 0 };
    AuctionId round { 0 };       // the open auction round, if any
    ProposalId vote { 0 };       // the open vote, if any
    AgentId candidates[ProposalBoard::max_options] {};
};

struct LeaseSlot {
    LeaseId id { 0 }; // 0: free
    uint32_t resource { 0 };
    AgentId holder { 0 };
    bool shared { false };
    Nanoseconds expires_at { 0 };
};

struct WaiterSlot {
    bool used { false };
    uint32_t resource { 0 };
    AgentId agent { 0 };
    LeaseRequest request {};
    uint64_t sequence { 0 };
    bool next { false };   // won its auction round: granted before anyone else
};

struct LeaseStorage {
    Span<ResourceSlot> resources;
    Span<LeaseSlot> leases;
    Span<WaiterSlot> waiters;
};

// Leases on named resources (docs/collective.md): exclusive or shared, with expiry and renewal;
// contention resolved by the resource's rule; a dead holder's leases end at once and its waiters
// are told. Grants, losses and expiries are audited. The ledger and board are needed only for
// the Auction and GroupVote rules (may be null otherwise). Not synchronized.
class LeaseManager final : public AuctionListener, public DecisionListener {
public:
    static Result<LeaseManager> create(const LeaseStorage& storage, AuditTrail& audit, Outbox& outbox,
        CreditLedger* ledger, ProposalBoard* board);

    // Returns the resource's index. AlreadyExists, OutOfMemory, OutOfRange (name, group too
    // long), InvalidArgument (empty name, 0 max_term or max_shared, Auction without a ledger,
    // GroupVote without a board or a group, a round_length of 0 for those).
    Result<uint32_t> add_resource(const ResourceSpec& spec);
    Result<uint32_t> find_resource(StringView name) const;

    // Granted at once when nothing conflicts and nobody waits; otherwise queued (granted:
    // false) until the rule picks it, told by a LeaseGranted event. NotFound (resource),
    // InvalidArgument (term 0, shared on an exclusive-only resource), OutOfRange (term above
    // max_term), AlreadyExists (already holds or waits on it), QueueFull (no waiter slot),
    // and the ledger's errors for a bid (QuotaExceeded beyond its credit, ...).
    Result<AcquireResult> acquire(AgentId agent, uint32_t resource, const LeaseRequest& request, Nanoseconds now);
    // Extends to now + term. NotFound (not the agent's lease), OutOfRange (term), Busy (others
    // wait: a holder cannot starve them by renewing).
    Result<void> renew(AgentId agent, LeaseId lease, Nanoseconds term, Nanoseconds now);
    // Ends the lease, tells its waiters (ResourceFreed) and grants to the next. NotFound if it is
    // not the agent's lease.
    Result<void> release(AgentId agent, LeaseId lease, Nanoseconds now);
    // The agent died: every lease it holds ends at once (its waiters are told), and its queued
    // requests are dropped. Returns how many leases it lost.
    size_t agent_exited(AgentId agent, Nanoseconds now);
    // Ends expired leases and grants what can be granted.
    void advance(Nanoseconds now);
    Nanoseconds next_deadline() const;

    const LeaseSlot* find_lease(LeaseId lease) const;
    size_t holders(uint32_t resource) const;
    size_t waiting(uint32_t resource) const;
    bool holds(AgentId agent, uint32_t resource) const;

    void auction_settled(AuctionId, Span<const Award> awards, Nanoseconds now) override;
    void proposal_settled(const ProposalResult&, Nanoseconds now) override;

private:
    LeaseManager(const LeaseStorage& storage, AuditTrail& audit, Outbox& outbox, CreditLedger* ledger, ProposalBoard* board)
        : m_resources(storage.resources)
        , m_leases(storage.leases)
        , m_waiters(storage.waiters)
        , m_audit(audit)
        , m_outbox(outbox)
        , m_ledger(ledger)
        , m_board(board)
    {
    }

    bool compatible(uint32_t resource, bool shared) const;
    WaiterSlot* pick(uint32_t resource);
    Result<LeaseId> grant(uint32_t resource, AgentId agent, const LeaseRequest& request, Nanoseconds now);
    void end_lease(LeaseSlot&, LeaseEnd, Nanoseconds now);
    void drop_waiter(WaiterSlot&, LeaseEnd);
    void tell_waiters(uint32_t resource);
    Result<void> join_round(ResourceSlot&, uint32_t resource, AgentId agent, uint64_t bid, Nanoseconds now);
    void start_vote(ResourceSlot&, uint32_t resource, Nanoseconds now);
    void grant_waiting(uint32_t resource, Nanoseconds now);
    WaiterSlot* waiter_of(uint32_t resource, AgentId agent);

    Span<ResourceSlot> m_resources;
    Span<LeaseSlot> m_leases;
    Span<WaiterSlot> m_waiters;
    AuditTrail& m_audit;
    Outbox& m_outbox;
    CreditLedger* m_ledger;
    ProposalBoard* m_board;
    static constexpr uint32_t no_resource = UINT32_MAX;
    uint32_t m_opening { no_resource }; // the resource whose vote open() is opening
    LeaseId m_next_lease { 1 };
    uint64_t m_next_sequence { 0 };
};

} // namespace gehri::collective
