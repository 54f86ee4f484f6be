#pragma once

#include <kernel/boot/Initrd.h>
#include <kernel/collective/AuditTrail.h>
#include <kernel/collective/LeaseManager.h>
#include <kernel/govern/KernelOutbox.h>
#include <kernel/syscall/Abi.h>

namespace gehri::object {
class Agent;
class Thread;
}

// The kernel instances of the collective decision services (docs/collective.md): one
// ProposalBoard, LeaseManager, CreditLedger, Reputation and PolicyEnforcer, serialized by one
// service lock (the lease manager calls into the board and the ledger), acting through the
// KernelOutbox after the lock is dropped. Every entry point checks break-glass isolation and
// the policy before it changes anything; a policy denial is audited and counted against the
// agent's reputation. Accounts and reputation records are made on an agent's first use.
namespace gehri::govern {

// Called by govern::initialize. The policy is the initrd's etc/policy (BootPolicy.h), or the
// built-in one when the initrd (may be null) has none.
Result<void> initialize_collective(collective::AuditTrail&, KernelOutbox&, uint64_t now_ns, const boot::Initrd*);
// The boot image's policy file was refused: no agent may start.
bool policy_refused();
bool collective_ready();

// The named resources agents may lease, made at boot (indices 0, 1; kernel:watchdog is 2):
// exclusive ones, and one that up to shared_resource_holders agents may hold shared at once.
constexpr StringView leasable_resources[] = { "sensor:thermal0", "display:status" };
constexpr StringView shared_resource = "store:scratch"; // index 3
constexpr uint32_t shared_resource_holders = 4;
// After these four come the resources the policy declares (`resource` lines, docs/policy.md),
// in file order from index 4.

// Settles what is due (deadlines, expiries, auction closings); the govern thread calls it at
// collective_next_deadline(). Thread context.
void collective_advance(uint64_t now_ns);
uint64_t collective_next_deadline();

// The agent has exited: its leases end (waiters are told), its queued requests and account are
// dropped (the slot reused), its event queue freed, and its reputation record marked departed:
// forgotten, with every rating it gave or received, when a new agent needs the slot. No-op
// before initialization.
void collective_agent_exited(collective::AgentId);

// `weights`: with ProposalWeighting::Given one per elector of `electorate`, else empty.
Result<uint64_t> open_proposal(object::Agent&, const abi::ProposalRequest&, Span<const collective::AgentId> electorate,
    Span<const uint64_t> weights = {});
Result<void> vote(object::Agent&, collective::ProposalId, uint32_t option);
// The most members a group electorate may have (abi::proposal_max_group_electorate). The kernel
// tests lower it to check the bound without making 16,385 agents; returns the previous limit.
size_t set_group_electorate_limit(size_t);
// The proposer ends the vote at once (ProposalBoard::close).
Result<void> close_proposal(object::Agent&, collective::ProposalId);
// `counts`, if not null, gets the weights cast (zero when the proposal settled too long ago).
Result<abi::ProposalStatus> proposal_status(collective::ProposalId, abi::ProposalCounts* counts = nullptr);
// The lease id, or 0 when queued.
Result<uint64_t> acquire_lease(object::Agent&, StringView resource, uint64_t term_ns, bool shared, uint64_t bid);
Result<void> renew_lease(object::Agent&, collective::LeaseId, uint64_t term_ns);
Result<void> release_lease(object::Agent&, collective::LeaseId);
Result<uint64_t> open_auction(object::Agent&, const abi::AuctionRequest&);
Result<void> bid(object::Agent&, collective::AuctionId, uint64_t amount);
// Award auctions (AwardAuctions.h), by their auctioneer.
Result<size_t> settle_auction(object::Agent&, collective::AuctionId);
// The winners into `out`, best first; BufferTooSmall if they do not fit.
Result<size_t> auction_awards(object::Agent&, collective::AuctionId, Span<abi::AuctionAward> out);
Result<bool> exclude_bidder(object::Agent&, collective::AuctionId, collective::AgentId bidder);
Result<void> report_feedback(object::Agent&, collective::AgentId ratee, uint32_t satisfied, uint32_t unsatisfied);
// `supervisor` (holding Rights::Quarantine on `target`: its parent) quarantines `target`, or
// (on false) lifts the quarantine it imposed: Reputation::impose / lift_imposed, so the target
// is cut off exactly as by its trust (docs/collective.md, "Cut off"). NotFound: the target has
// exited, or (lifting) this supervisor imposed no quarantine on it; InvalidArgument: itself;
// AlreadyExists: another supervisor holds it; NotSupported before initialization.
Result<void> supervise_quarantine(object::Agent& supervisor, object::Agent& target, bool on, StringView reason);
// Moves the agent's oldest event to `out`; TimedOut if none arrives by the deadline.
// Waits for the caller's next event; Interrupted at once if its agent is killed.
Result<void> take_event(object::Thread& caller, abi::CollectiveEvent& out, uint64_t deadline_ns);

// At most this many agents enrolled at once (reputation records, credit accounts); past it, and
// when the kernel heap cannot supply a bigger table, enrollment fails with OutOfMemory.
constexpr size_t max_collective_agents = 2 * abi::proposal_max_electorate; // 32,768: an electorate and as many others
constexpr size_t max_feedback_slots = size_t { 1 } << 19;

// Enrolls an agent's records without a call of its own, and rates on an agent's behalf: for the
// kernel's tests, which fill the services with thousands of agents. NotSupported before
// initialization; enrollment's errors.
Result<void> collective_enroll(collective::AgentId);
Result<void> collective_rate(collective::AgentId rater, collective::AgentId ratee, uint32_t satisfied, uint32_t unsatisfied);
bool collective_is_quarantined(collective::AgentId);
// The agent's vote weight from its standing (1000 = average trust, capped at 10 000; 0 when
// quarantined): how the tests read trust.
uint64_t collective_vote_weight(collective::AgentId);

struct CollectiveStatistics {
    size_t agents;          // live agents' reputation records
    size_t departed;        // exited agents' records, forgotten when their slot is needed
    size_t agent_capacity;  // records the current tables hold
    size_t accounts;        // open credit accounts (closed on exit)
    size_t feedback_edges;
    size_t feedback_slots;
    size_t bytes;           // heap held by the per-agent tables
    size_t event_queues;
    size_t award_auctions_open;
    size_t award_auctions_settled;
    size_t award_bytes;     // heap held by award auctions (their table, bids and winners)
};
CollectiveStatistics collective_statistics();

// Policy denials since boot (for tests and ps).
uint64_t policy_denials();

} // namespace gehri::govern
