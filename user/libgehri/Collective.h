#pragma once

#include <kernel/lib/Result.h>
#include <kernel/lib/Span.h>
#include <kernel/lib/StringView.h>
#include <kernel/syscall/Abi.h>

// The collective services' system calls (kernel/syscall/Abi.h, docs/collective.md). `self` is
// the agent's handle to itself (Agent::handle()), which carries the rights of taking part.
// Implemented in runtime/Collective.cpp.
namespace gehri::system {

using ProposalId = uint64_t;
using LeaseId = uint64_t;
using AuctionId = uint64_t;

// Fills a ProposalRequest from views (cut to the fields' sizes) and opens it.
struct Proposal {
    StringView kind;
    StringView question;
    Span<const StringView> options;
    abi::ProposalThreshold threshold { abi::ProposalThreshold::SimpleMajority };
    uint64_t voting_period_ns { 0 };
    Span<const uint64_t> electorate;
    abi::ProposalWeighting weighting { abi::ProposalWeighting::OneAgentOneVote };
    // Instead of an electorate: every living agent of this name (its manifest's [agent NAME]).
    StringView group {};
    // With ProposalWeighting::Given: one weight per elector of `electorate`.
    Span<const uint64_t> weights {};
    // The electors are not told (ProposalFlags::Quiet): the proposer tells them the id.
    bool quiet { false };
};
Result<ProposalId> proposal_open(HandleValue self, const Proposal&);
Result<void> proposal_vote(HandleValue self, ProposalId, uint32_t option);
Result<abi::ProposalStatus> proposal_result(HandleValue self, ProposalId);
// The status and the weights cast (for each option, in all, abstained).
Result<abi::ProposalStatus> proposal_result(HandleValue self, ProposalId, abi::ProposalCounts& counts);
// The proposer ends the vote now: it settles with the ballots in.
Result<void> proposal_close(HandleValue self, ProposalId);

// The lease id, or 0 when the request waits in the queue (a LeaseGranted event follows).
Result<LeaseId> lease_acquire(HandleValue self, StringView resource, uint64_t term_ns, abi::LeaseFlags flags = abi::LeaseFlags::None, uint64_t bid = 0);
Result<void> lease_renew(HandleValue self, LeaseId, uint64_t term_ns);
Result<void> lease_release(HandleValue self, LeaseId);

Result<AuctionId> auction_open(HandleValue self, const abi::AuctionRequest&);
Result<void> auction_bid(HandleValue self, AuctionId, uint64_t amount);

// Award auctions (AuctionEffect::Award): opens one for `units` units of the caller's task,
// taking up to max_bids bids; closes only by auction_settle unless closes_in_ns is given.
Result<AuctionId> award_auction_open(HandleValue self, uint64_t units, uint32_t max_bids, uint64_t closes_in_ns = 0);
// The auctioneer closes it now; returns the number of winners.
Result<size_t> auction_settle(HandleValue self, AuctionId);
// The winners of a settled auction of the caller, best first, into `out`; returns how many.
Result<size_t> auction_awards(HandleValue self, AuctionId, Span<abi::AuctionAward> out);
// The auctioneer withdraws `agent`'s bid; true if it had one.
Result<bool> auction_exclude(HandleValue self, AuctionId, uint64_t agent);

Result<void> reputation_report(HandleValue self, uint64_t ratee, uint32_t satisfied, uint32_t unsatisfied);

// The oldest collective event for this agent; TimedOut if none came within timeout_ns (0 polls).
Result<abi::CollectiveEvent> event_take(HandleValue self, uint64_t timeout_ns);

// Records a decision this agent took in the kernel's audit log (a SwarmDecision record with
// this agent's id): `what` in [a-z0-9_-] (1..32 bytes), about agent `subject` (0: none),
// `detail` up to 64 bytes. Needs Govern on `self`. Returns the record's sequence number;
// QuotaExceeded when agents record faster than the kernel allows.
Result<uint64_t> audit_record(HandleValue self, StringView what, uint64_t subject, StringView detail);

// A supervisor quarantines `agent` (a child's handle, which carries Rights::Quarantine) with
// `reason` (up to abi::agent_quarantine_max_reason bytes), or with on = false lifts the
// quarantine it imposed (AgentQuarantine; ChildAgent::quarantine wraps it).
Result<void> agent_quarantine(HandleValue agent, bool on, StringView reason = {});

// Reputation domains (ReputationDomainCreate..Trust, docs/collective.md): a swarm's own
// EigenTrust in the kernel, behind a handle. Create needs Govern on `self`; returns the domain's
// handle (abi::reputation_domain_rights).
Result<HandleValue> reputation_domain_create(HandleValue self, const abi::ReputationDomainRequest&);
// Records `ratings` in order; returns how many (ratings[result] was refused if fewer).
Result<size_t> reputation_domain_rate(HandleValue domain, Span<const abi::DomainRating> ratings);
// Binds `peer` to `agent` (a child's handle, with Rights::Quarantine).
Result<void> reputation_domain_bind(HandleValue domain, uint32_t peer, HandleValue agent);
// refine(steps) and the quarantine rule: the quarantined peers into `out`, returns how many in
// all; the kernel cuts off the bound agents of newly judged peers.
Result<size_t> reputation_domain_judge(HandleValue domain, uint32_t steps, const abi::QuarantinePolicy&, Span<uint32_t> out);
// Raw trust (Q2.62) of peers first.. into `out`.
Result<void> reputation_domain_trust(HandleValue domain, uint32_t first, Span<uint64_t> out);

} // namespace gehri::system
