#pragma once

#include <kernel/collective/AuditTrail.h>
#include <kernel/collective/EigenTrust.h>
#include <kernel/collective/Outbox.h>
#include <kernel/collective/Standing.h>
#include <kernel/collective/TokenBucket.h>
#include <kernel/lib/Optional.h>

namespace gehri::collective {

struct ReputationConfig {
    EigenTrustConfig trust {};
    QuarantinePolicy quarantine {};
    uint32_t max_transactions_per_report { 16 }; // satisfied + unsatisfied in one report
    uint64_t report_burst { 20 };                // per rater: a token bucket of reports
    uint64_t reports_per_second { 5 };
    uint32_t refine_iterations { 8 };            // per update(): at most this many iterations
    uint64_t refine_work_per_update { 32 * 1024 }; // and at most this much work (EigenTrust units)
    Nanoseconds lift_grace { 60 * nanoseconds_per_second }; // a lifted agent is not re-quarantined this soon
    uint32_t denials_per_halving { 4 };          // see penalize()
    // Scheduling: an agent's trust factor (scheduling_factor_ppm) is handed to the kernel as a
    // TrustWeight effect when it has moved by weight_step_ppm since the last one, or reached 1.0
    // or the floor; at most weight_effects_per_update per update (the rest at the next).
    uint32_t weight_step_ppm { 50'000 };
    uint32_t weight_effects_per_update { 64 };
};

// Per agent, in caller storage (one per agent the service can ever know).
struct ReputationPeer {
    AgentId agent { 0 };
    bool departed { false }; // exited; forgotten when its slot is needed
    bool quarantined { false }; // by its trust (update)
    AgentId imposed_by { 0 };   // the supervisor that quarantined it (impose), 0 if none
    Nanoseconds immune_until { 0 };
    uint64_t denials { 0 };
    uint32_t published_factor { 1'000'000 }; // the trust factor last handed to the kernel
    Optional<TokenBucket> reports;
};

struct ReputationStorage {
    Span<ReputationPeer> peers;
    Span<PeerTrust> trust;              // same size as peers
    Span<FeedbackSlot> feedback;        // power of two; see EigenTrust
    Span<HashSlot<uint32_t>> index;     // AgentId -> slot; power of two, > peers.size() * 8/7
};

enum class LiftAuthority : uint8_t { Human, Vote };

// Reputation (docs/collective.md): agents rate each other, the kernel keeps global trust with
// EigenTrust, quarantines agents whose trust falls below the policy's threshold, and lifts a
// quarantine only on a human's or a vote's word. Policy denials, which the kernel witnesses
// itself, weigh on an agent's standing beside the trust its peers give it.
// An exited agent is marked departed and forgotten (forget: its record, trust and every rating it
// gave or received go, its slot is reused) when a registration needs its slot; capacity bounds
// the live agents plus the departed ones not yet forgotten. Not synchronized: the owning
// service serializes.
class Reputation final : public Standing {
public:
    // Pre-trusted agents are a handful of well-known ones (the init agent, operators' tools).
    static constexpr size_t max_pretrusted = 63;

    // InvalidArgument for mismatched or too-small storage or a bad EigenTrust configuration.
    static Result<Reputation> create(const ReputationConfig& config, const ReputationStorage& storage,
        AuditTrail& audit, Outbox& outbox, Nanoseconds now);

    // AlreadyExists, OutOfMemory (capacity, and no departed agent to forget), InvalidArgument
    // for the kernel's own id. When full, forgets departed agents (up to forget_batch, the
    // oldest holes first) to make room: one pass over the feedback table frees a batch of
    // slots, so agents that come and go at capacity do not pay a pass each.
    Result<void> register_agent(AgentId agent, Nanoseconds now);
    // The agent has exited. Its record stays (its ratings still shape others' trust, others may
    // still rate it, it still counts as an elector) until its slot is needed: register_agent
    // forgets a departed agent rather than fail. NotFound.
    Result<void> depart(AgentId agent);
    size_t departed_count() const { return m_departed; }
    // Forgets an exited agent: its record and quarantine, and (EigenTrust::remove_peer) every
    // rating it gave or received, so its raters' trust flows to the others. O(feedback slots).
    // NotFound.
    Result<void> forget(AgentId agent);
    static constexpr size_t forget_batch = 256;
    // Moves every record into bigger storage (at least as many peers, an index and a feedback
    // table that hold what is there; any span may be the current one). Trust and feedback are
    // kept; see EigenTrust::grow. InvalidArgument, OutOfMemory; on error nothing changed.
    Result<void> grow(const ReputationStorage& bigger);
    size_t capacity() const { return m_peers.size(); }
    // Room in the feedback graph for one more rated pair (else report() on a new pair fails
    // with OutOfMemory: the owner grows the graph first, or refuses).
    bool has_feedback_room() const { return m_trust.has_room_for_edges(1); }
    size_t feedback_edges() const { return m_trust.feedback_edges(); }
    size_t feedback_slots() const { return m_trust.feedback_slots(); }
    size_t index_slots() const { return m_index_slots.size(); }
    // Pre-trusted agents anchor trust and are never quarantined; with none, every peer is
    // pre-trusted alike (EigenTrust's default, weak against collectives: set some). Resets trust
    // to the pre-trust vector and recomputes. NotFound for an unregistered agent, OutOfRange
    // for more than max_pretrusted.
    Result<void> set_pretrusted(Span<const AgentId> agents, Nanoseconds now);
    // Adds one agent to the pre-trusted set (the policy's `pretrust group`, as its members
    // enroll): set_pretrusted with the current set and it, so a full recomputation. NotFound,
    // OutOfRange as set_pretrusted; a member already pre-trusted is a no-op.
    Result<void> add_pretrusted(AgentId agent, Nanoseconds now);
    bool is_pretrusted(AgentId agent) const;

    // `rater` reports its transactions with `ratee`. NotFound: either unknown. InvalidArgument:
    // rating itself, or no transactions. OutOfRange: more than
    // max_transactions_per_report. QuotaExceeded: the rater reports too fast.
    Result<void> report(AgentId rater, AgentId ratee, uint32_t satisfied, uint32_t unsatisfied, Nanoseconds now);
    // A policy denial counts against the agent: every denials_per_halving denials halve its
    // standing (the relative trust that sets its vote and scheduling weights and is tested for
    // quarantine), and each counts as evidence toward min_ratings_received. EigenTrust itself
    // cannot express this: it ignores distrust except to cancel a rater's own praise, and the
    // kernel praises nobody. NotFound for an unknown agent.
    Result<void> penalize(AgentId agent, Nanoseconds now);

    // Refines trust (at most refine_iterations iterations and refine_work_per_update units of
    // work, resuming an iteration an earlier call began) and, when an iteration completed and
    // the vector has settled (its last change puts every agent within half the quarantine
    // threshold of its fixed-point trust), quarantines agents now below the threshold. Returns
    // how many it quarantined.
    size_t update(Nanoseconds now);
    // A full recomputation, for the background.
    Convergence recompute();

    // NotFound: not quarantined. proposal is the deciding vote's id (0 for a human). The lift
    // also forgives the agent's policy denials: the authority has judged the case. A human
    // lifts a supervisor's quarantine too (a human overrides everyone); a vote only the trust
    // judgment's (NotFound if that is not the one holding it).
    Result<void> lift(AgentId agent, LiftAuthority, uint64_t proposal, Nanoseconds now);

    // A supervisor's quarantine (the AgentQuarantine system call: a parent cutting off its
    // child), beside the trust judgment: the agent is quarantined while either holds, and the
    // kernel treats both alike. Audited as Quarantine (by: supervisor, naming it and the
    // reason); the agent is told Quarantined if it was not quarantined already. NotFound: not
    // registered. InvalidArgument: the kernel, or itself. AlreadyExists: another supervisor
    // holds it quarantined (the same one again is a no-op).
    Result<void> impose(AgentId agent, AgentId supervisor, StringView reason, Nanoseconds now);
    // Ends the quarantine `supervisor` imposed (audited as QuarantineLifted, by: supervisor);
    // the agent is told QuarantineLifted unless its trust keeps it quarantined. NotFound: that
    // supervisor imposed none: a trust quarantine or another's is not its to lift.
    Result<void> lift_imposed(AgentId agent, AgentId supervisor, Nanoseconds now);
    AgentId imposed_by(AgentId agent) const;

    // By its trust or by a supervisor.
    bool is_quarantined(AgentId agent) const;
    // By its trust only (what a vote may lift).
    bool is_quarantined_by_trust(AgentId agent) const;
    bool is_registered(AgentId agent) const { return slot_of(agent) != nullptr; }
    Trust trust(AgentId agent) const;
    // Standing: trust relative to the average registered agent's (10^6 = average), halved per
    // denials_per_halving policy denials.
    uint64_t relative_trust(AgentId agent) const;
    uint64_t denials(AgentId agent) const;
    size_t agent_count() const { return m_count; }
    uint64_t scheduling_weight(AgentId agent, uint64_t base) const;
    // The factor (ppm) the kernel scales the agent's scheduling weight by: its standing clamped
    // to [default_scheduling_floor_ppm, 10^6]; 10^6 without evidence (fewer than
    // min_ratings_received ratings and denials) or for an unknown agent.
    uint64_t scheduling_factor_ppm(AgentId agent) const;

    // Standing: quarantined and unknown agents may not vote; weight from trust.
    bool may_vote(AgentId agent) const override;
    uint64_t vote_weight(AgentId agent) const override;

private:
    Reputation(const ReputationConfig& config, const ReputationStorage& storage, EigenTrust trust,
        FixedHashMap<uint32_t> index, AuditTrail& audit, Outbox& outbox)
        : m_config(config)
        , m_peers(storage.peers)
        , m_trust_storage(storage.trust)
        , m_trust(trust)
        , m_index(index)
        , m_index_slots(storage.index)
        , m_audit(audit)
        , m_outbox(outbox)
    {
    }

    const uint32_t* slot_of(AgentId agent) const { return m_index.find(agent); }
    bool below_threshold(PeerIndex) const;
    bool settled() const;
    Result<void> forget_departed();
    // Forgets the records in these slots (every one in use) in one pass over the table.
    void forget_slots(Span<const uint32_t> slots);
    uint64_t relative_ppm(PeerIndex) const;
    void refresh_total();
    void quarantine(PeerIndex, Nanoseconds now);
    static bool is_cut_off(const ReputationPeer& peer) { return peer.quarantined || peer.imposed_by != 0; }
    uint64_t factor_ppm(PeerIndex) const;
    void publish_factors();

    ReputationConfig m_config;
    Span<ReputationPeer> m_peers;
    Span<PeerTrust> m_trust_storage;
    EigenTrust m_trust;
    FixedHashMap<uint32_t> m_index;
    Span<HashSlot<uint32_t>> m_index_slots;
    AuditTrail& m_audit;
    Outbox& m_outbox;
    size_t m_count { 0 };
    size_t m_next_slot { 0 };
    size_t m_departed { 0 };
    size_t m_departed_cursor { 0 };
    size_t m_factor_cursor { 0 }; // where the last publish_factors stopped
    Trust m_last_residual { trust_one }; // of the last completed iteration
    Trust m_agent_total { 0 }; // held by registered agents (not idle capacity), as of the last iteration
};

} // namespace gehri::collective
