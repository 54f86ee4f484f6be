#pragma once

#include <kernel/collective/AuditTrail.h>
#include <kernel/collective/FixedName.h>
#include <kernel/collective/Outbox.h>
#include <kernel/collective/Standing.h>
#include <kernel/collective/Tally.h>
#include <kernel/lib/Optional.h>

namespace gehri::collective {

// 0 is never a proposal, so a zeroed handle cannot name one.
using ProposalId = uint64_t;

// How a proposal ended. The first four are the Tally's final outcomes; the co-sign verdicts
// exist because policy can make a decided outcome wait for a human (docs/policy.md).
enum class Verdict : uint8_t {
    Decided,
    NoQuorum,
    Tie,
    NoMajority,
    CosignRefused, // decided, but the human said no
    CosignExpired, // decided, but nobody co-signed in time
};
StringView verdict_name(Verdict);

// What the ballots carried: the weight for each option (as the electors were weighted), the
// weight cast in all (abstentions included) and abstained, the electorate's weight and size.
struct ProposalCounts {
    uint64_t option_weight[8] {};
    uint64_t cast_weight { 0 };
    uint64_t abstained_weight { 0 };
    uint64_t electorate_weight { 0 };
    uint64_t ballots { 0 };
    uint64_t electorate { 0 };

    static ProposalCounts of(const Tally&);
};

struct ProposalResult {
    ProposalId id;
    Verdict verdict;
    uint32_t option;       // the winner, when Decided
    uint32_t tied_options; // bit mask, when Tie
    ProposalCounts counts {};
};

// Told when a proposal it opened ends (a LeaseManager resolving contention by a group vote).
// Called after the proposal's slot is free, so the listener may open another one.
class DecisionListener {
public:
    virtual void proposal_settled(const ProposalResult&, Nanoseconds now) = 0;

protected:
    ~DecisionListener() = default;
};

struct ProposalSpec {
    StringView kind;                   // what it is about ("shutdown", "lease"); policy matches on it
    StringView question;
    Span<const StringView> options;    // labels, 2 .. ProposalBoard::max_options
    Threshold threshold { Threshold::simple_majority() };
    Quorum quorum {};
    Weighting weighting { Weighting::OneAgentOneVote };
    Nanoseconds deadline { 0 };
    bool requires_cosign { false };    // set by the caller from policy
    DecisionListener* listener { nullptr };
    // Weighting::Given: each elector's weight, in the order of the electorate (as many); empty
    // otherwise.
    Span<const uint64_t> weights {};
    // The electors are not told of the opening and the outcome (the proposer still is); always
    // so for an electorate larger than ProposalBoardConfig::max_notified_electorate.
    bool quiet { false };
    // Room for an electorate larger than a slot's share of the board's pool (a group's): at
    // least the electorate's size. The caller keeps it alive until the proposal has settled
    // (find() no longer finds it). Empty: the slot's share.
    Span<Elector> elector_storage {};
};

struct ProposalBoardConfig {
    uint32_t max_open_per_agent { 4 };             // flood protection; the kernel (agent 0) is exempt
    Nanoseconds max_voting_period { 3600 * nanoseconds_per_second };
    Nanoseconds cosign_window { 600 * nanoseconds_per_second }; // after the vote, for the human
    // Larger electorates are quiet (ProposalSpec::quiet): one opening or outcome must fit in the
    // owner's queue of events (the kernel's outbox).
    size_t max_notified_electorate { SIZE_MAX };
};

// One proposal's state; the board owns its contents. Caller storage, one per concurrent proposal.
struct ProposalSlot {
    enum class State : uint8_t { Free, Voting, AwaitingCosign };

    ProposalId id { 0 };
    State state { State::Free };
    AgentId proposer { 0 };
    FixedName<24> kind;
    FixedName<120> question;
    FixedName<24> options[8];
    uint32_t option_count { 0 };
    bool requires_cosign { false };
    bool quiet { false };               // the electors are not told (ProposalSpec::quiet)
    DecisionListener* listener { nullptr };
    Outcome outcome {};                 // while awaiting the co-sign
    Nanoseconds cosign_deadline { 0 };
    Span<Elector> electors;             // the proposal's: pool_share, or the spec's elector_storage
    Span<Elector> pool_share;           // this slot's share of the board's elector pool
    Optional<Tally> tally;
};

// Proposals and votes (docs/collective.md): agents open proposals, eligible agents vote once,
// the board decides at quorum or at the deadline via a Tally, tells the proposer and every
// elector (Outbox events), and records the opening and the outcome in the audit log.
// Not synchronized: the owning kernel service serializes access.
class ProposalBoard {
public:
    static constexpr uint32_t max_options = 8;

    // `slots` bounds the proposals open at once; `electors` is split evenly between the slots,
    // so it bounds one electorate at electors.size() / slots.size() unless the spec brings its
    // own storage. `standing` may be null.
    static Result<ProposalBoard> create(const ProposalBoardConfig& config, Span<ProposalSlot> slots,
        Span<Elector> electors, AuditTrail& audit, Outbox& outbox, const Standing* standing);

    // Opens a proposal by `proposer` for `electorate` (agents that may not vote are left out).
    // InvalidArgument: bad spec (options, names, threshold, empty or duplicate electorate,
    // reputation weighting without a Standing, Given weighting without one weight per elector or
    // weights with another weighting, deadline not after now). OutOfRange: deadline too
    // far, electorate bigger than its storage, a label or the question too long. QuotaExceeded:
    // the proposer has max_open_per_agent open. OutOfMemory: no free slot.
    // Cost: O(n log n) for an electorate of n (sorting it), one ProposalOpened per elector; a
    // ballot costs O(log n), the outcome n ProposalDecided events.
    Result<ProposalId> open(AgentId proposer, const ProposalSpec& spec, Span<const AgentId> electorate, Nanoseconds now);

    // One ballot per elector. NotFound: no such proposal ever. TimedOut: voting on it is over.
    // AccessDenied: not in its electorate, or may no longer vote (quarantined). AlreadyExists:
    // second ballot. InvalidArgument: no such option. Decides the proposal if this ballot settles it.
    Result<void> vote(AgentId voter, ProposalId, Ballot ballot, Nanoseconds now);

    // The proposer ends the vote before its deadline: the proposal settles with the ballots in,
    // as it would at the deadline (co-sign included). NotFound: no such proposal ever.
    // AccessDenied: `requester` did not open it. TimedOut: its vote is already over.
    Result<void> close(AgentId requester, ProposalId, Nanoseconds now);

    // The human's answer to a decided proposal that needs a co-sign: audited as a Cosign record
    // (by: human), then settled (Decided, or CosignRefused) and told like any outcome. NotFound:
    // no proposal waits for a co-sign under this id.
    Result<void> cosign(ProposalId, bool approve, Nanoseconds now);

    // Settles what is due by `now` (deadlines, co-sign windows), as long as the events it sends
    // (an electorate's size plus one per proposal) stay within `notice_budget`; the first due
    // proposal is always settled. False when due work is left for another call (so that an
    // outbox drained between calls is never asked to hold several large electorates' events).
    // The kernel calls it from its timer at next_deadline().
    bool advance(Nanoseconds now, size_t notice_budget = SIZE_MAX);
    // The earliest time advance() has work, or UINT64_MAX.
    Nanoseconds next_deadline() const;

    const ProposalSlot* find(ProposalId) const;
    // Keeps how the last `storage.size()` settled proposals ended (caller storage, outliving
    // the board; empty: none kept), for recent().
    void keep_results(Span<ProposalResult> storage);
    // How a recently settled proposal ended, counts included; null if it is open, unknown, or
    // settled longer ago than the kept results reach.
    const ProposalResult* recent(ProposalId) const;
    // Every slot, free ones included (state Free), for listings such as the console's.
    Span<const ProposalSlot> slots() const { return { m_slots.data(), m_slots.size() }; }
    size_t open_count() const;
    size_t open_by(AgentId proposer) const;
    size_t electorate_capacity() const { return m_electorate_capacity; }

private:
    ProposalBoard(const ProposalBoardConfig& config, Span<ProposalSlot> slots, size_t electorate_capacity,
        AuditTrail& audit, Outbox& outbox, const Standing* standing)
        : m_config(config)
        , m_slots(slots)
        , m_electorate_capacity(electorate_capacity)
        , m_audit(audit)
        , m_outbox(outbox)
        , m_standing(standing)
    {
    }

    Result<void> check_spec(AgentId proposer, const ProposalSpec& spec, size_t electorate_size, Nanoseconds now) const;
    Result<void> fill_slot(ProposalSlot&, AgentId proposer, const ProposalSpec& spec);
    Result<size_t> fill_electorate(ProposalSlot&, const ProposalSpec& spec, Span<const AgentId> electorate) const;
    size_t capacity_for(const ProposalSpec& spec) const;
    ProposalSlot* free_slot();
    ProposalSlot* find_slot(ProposalId);
    void record_opening(const ProposalSlot&, Nanoseconds deadline);
    void settle_if_final(ProposalSlot&, Nanoseconds now);
    void settle(ProposalSlot&, const Outcome&, Nanoseconds now);
    size_t notices_of(const ProposalSlot&) const;
    bool is_due(const ProposalSlot&, Nanoseconds now) const;
    void finish(ProposalSlot&, Verdict, Nanoseconds now);
    void notify_all(const ProposalSlot&, const Event& event);

    ProposalBoardConfig m_config;
    Span<ProposalSlot> m_slots;
    size_t m_electorate_capacity;
    AuditTrail& m_audit;
    Outbox& m_outbox;
    const Standing* m_standing;
    ProposalId m_next_id { 1 };
    Span<ProposalResult> m_recent {};
    size_t m_next_recent { 0 };
};

} // namespace gehri::collective
