#pragma once

#include <kernel/collective/Types.h>
#include <kernel/lib/FixedHashMap.h>
#include <kernel/lib/Result.h>
#include <kernel/lib/Span.h>

namespace gehri::collective {

// Global trust in unsigned Q2.62 fixed point: trust_one is 1.0, one unit is 2^-62 (~2.2e-19).
// A trust vector sums to (just under, see docs/collective.md) trust_one. 62 fraction bits keep
// the rounding noise of an iteration (about one unit per feedback edge) far below any useful
// convergence threshold even for millions of edges, while every intermediate product still
// fits in 128 bits and every sum of trust in 64.
using Trust = uint64_t;
constexpr int trust_fraction_bits = 62;
constexpr Trust trust_one = Trust { 1 } << trust_fraction_bits;

constexpr uint64_t parts_per_million = 1'000'000;
Trust trust_from_ppm(uint64_t ppm);
uint64_t trust_to_ppm(Trust trust); // rounded down

// Peers are dense indices 0..n-1; mapping AgentIds to indices is the caller's business.
using PeerIndex = uint32_t;

// Per-peer state, in storage the caller provides (one per peer) and keeps alive.
struct PeerTrust {
    Trust trust;
    Trust next;                   // scratch for the iteration
    Trust pretrust;               // p_i
    uint64_t positive_sum;        // sum over j of max(s_ij, 0): normalizes row i of C
    uint64_t ratings_received;    // satisfied + unsatisfied ratings about this peer
    bool pretrusted;
    bool leaving;                 // marked by remove_peers for its one pass over the table
};

// Feedback from one peer about another: counts of satisfactory and unsatisfactory
// transactions. s_ij = satisfied - unsatisfied.
struct Feedback {
    uint32_t satisfied;
    uint32_t unsatisfied;
};
using FeedbackSlot = HashSlot<Feedback>;

struct EigenTrustConfig {
    uint32_t damping_ppm { 150'000 }; // a: weight of the pre-trusted distribution, 0 < a < 1e6
    Trust epsilon { trust_one >> 30 }; // stop when the L1 change of one iteration is <= this (~1e-9)
    uint32_t max_iterations { 200 };   // of compute(); refine() takes its own bound
};

struct Convergence {
    uint32_t iterations;
    Trust residual; // L1 norm of the last iteration's change
    bool converged; // residual <= epsilon
};

// What refine_bounded() did: `iterations` iterations completed (each ended with `residual`),
// `work` units spent (one unit is one peer visited or one feedback-table slot walked).
struct RefineProgress {
    uint32_t iterations;
    uint64_t work;
    Trust residual;
    bool converged;
};

// Not in quarantine while trust * peer_count >= fraction_of_mean_ppm / 1e6 * trust_one, i.e.
// trust at or above that fraction of the mean (1/n). Pre-trusted peers are never quarantined, and
// neither is a peer with fewer than min_ratings_received ratings about it: a newcomer has no
// trust yet, and no evidence against it either.
struct QuarantinePolicy {
    uint32_t fraction_of_mean_ppm { 100'000 };
    uint64_t min_ratings_received { 10 };
};

// EigenTrust (Kamvar, Schlosser, Garcia-Molina, WWW 2003, algorithm 3 with pre-trusted peers):
// c_ij = max(s_ij, 0) / sum_j max(s_ij, 0), or c_ij = p_j if peer i trusts nobody;
// t(k+1) = (1 - a) C^T t(k) + a p, from t(0) = p. The iteration is a contraction with factor
// (1 - a) in the L1 norm, so it converges from any start to the same vector; refine() exploits
// that to warm-start from the previous vector after new feedback.
// All arithmetic is integer; the result is independent of feedback arrival order.
// Not synchronized: the owning service serializes access.
class EigenTrust {
public:
    // peers.size() is the number of peers (1 .. 2^32-2); feedback_slots is the sparse feedback
    // graph, a power-of-two number of slots of which 7/8 can be used. Starts with no pre-trusted
    // peers (p uniform) and t = p.
    static Result<EigenTrust> create(const EigenTrustConfig& config, Span<PeerTrust> peers, Span<FeedbackSlot> feedback_slots);

    // Replaces the pre-trusted set (duplicates ignored; empty: p uniform over all peers) and
    // resets t to p. InvalidArgument for an index out of range.
    Result<void> set_pretrusted(Span<const PeerIndex> pretrusted);

    // Adds transactions `from` had with `to` (saturating). InvalidArgument for a self-rating or an
    // index out of range; OutOfMemory when the feedback graph is full. During an iteration that
    // refine_bounded() has begun, the graph is frozen: the feedback waits (up to
    // pending_capacity reports) and is applied when that iteration ends; one more abandons the
    // iteration and applies them all. ratings_received counts the report at once.
    Result<void> record_feedback(PeerIndex from, PeerIndex to, uint32_t satisfied, uint32_t unsatisfied);

    // Full recomputation from t = p, up to config.max_iterations.
    Convergence compute();
    // Incremental update: iterates from the current vector, up to max_iterations.
    Convergence refine(uint32_t max_iterations);
    // Incremental update with bounded work, resumable: continues the iteration in progress (or
    // begins one), spending at most `work_budget` units (plus at most peer_count(): the last
    // phase, which forms the new vector, is never split, so trust() is always one iterate), and
    // completes at most max_iterations iterations. An iteration costs 2 * peer_count() + the table's slot count units; one
    // spread over several calls gives exactly the vector one uninterrupted iteration would.
    // Stops early once an iteration converges.
    RefineProgress refine_bounded(uint64_t work_budget, uint32_t max_iterations);
    uint64_t work_per_iteration() const { return 2 * m_peers.size() + m_feedback.slot_count(); }
    bool iteration_in_progress() const { return m_phase != Phase::Idle; }

    // Forgets `peer`: the feedback it gave and received (its raters' row sums shrink), its
    // trust and ratings; a pre-trusted peer leaves the set (the pre-trust is spread anew). The
    // index stays valid as an idle peer with trust 0, for reuse. An iteration in progress is
    // abandoned. O(table slots). InvalidArgument out of range.
    Result<void> remove_peer(PeerIndex peer);
    // remove_peer for each of `peers` in one pass over the table: forgetting many costs about
    // what forgetting one does. InvalidArgument (nothing removed) if one is out of range.
    Result<void> remove_peers(Span<const PeerIndex> peers);

    // Moves everything into bigger storage (peers.size() >= peer_count(), a table that holds
    // the current edges); the new peers start with trust 0 and, with no pre-trusted set, the
    // uniform pre-trust is spread anew over all peers. Either span may be the current one. An
    // iteration in progress is abandoned. InvalidArgument, OutOfMemory (table too small); on
    // error nothing changed. The caller frees the old storage afterwards.
    Result<void> grow(Span<PeerTrust> peers, Span<FeedbackSlot> feedback_slots);

    Trust trust(PeerIndex peer) const { return m_peers[peer].trust; }
    Feedback feedback(PeerIndex from, PeerIndex to) const;
    size_t peer_count() const { return m_peers.size(); }
    size_t feedback_edges() const { return m_feedback.size(); }
    size_t feedback_slots() const { return m_feedback.slot_count(); }
    // Room for feedback on `more` new rated pairs (pending reports counted)?
    bool has_room_for_edges(size_t more) const { return m_feedback.size() + m_pending_new_edges + more <= m_feedback.max_load(); }

    bool should_quarantine(PeerIndex peer, const QuarantinePolicy& policy) const;
    // Writes the quarantined peers (ascending) into `out` up to its size; returns how many
    // there are in all.
    size_t collect_quarantined(const QuarantinePolicy& policy, Span<PeerIndex> out) const;

private:
    EigenTrust(const EigenTrustConfig& config, Span<PeerTrust> peers, Span<FeedbackSlot> feedback_slots, FixedHashMap<Feedback> feedback)
        : m_config(config)
        , m_peers(peers)
        , m_feedback_slots(feedback_slots)
        , m_feedback(feedback)
        , m_damping(trust_from_ppm(config.damping_ppm))
    {
    }

    enum class Phase : uint8_t { Idle, Scatter, Edges, Gather };
    struct PendingFeedback {
        PeerIndex from;
        PeerIndex to;
        uint32_t satisfied;
        uint32_t unsatisfied;
    };

    void distribute_pretrust(Span<const PeerIndex> pretrusted);
    void distribute_pretrust_to_flagged();
    void reset_to_pretrust();
    Result<void> apply_feedback(PeerIndex from, PeerIndex to, uint32_t satisfied, uint32_t unsatisfied);
    void apply_pending();
    void abandon_iteration();
    void scatter(size_t first, size_t count);
    void spread_edge(uint64_t key, const Feedback&);
    void gather(size_t first, size_t count);
    Trust iterate_once();
    Convergence iterate(uint32_t max_iterations);

    EigenTrustConfig m_config;
    Span<PeerTrust> m_peers;
    Span<FeedbackSlot> m_feedback_slots;
    FixedHashMap<Feedback> m_feedback;
    Trust m_damping;
    size_t m_pretrusted_count { 0 };

public:
    static constexpr size_t pending_capacity = 64;

private:
    // The iteration refine_bounded() has begun: the phase, the next peer or slot in it, and
    // what the scatter and gather phases have summed so far.
    Phase m_phase { Phase::Idle };
    size_t m_cursor { 0 };
    Trust m_dangling { 0 };
    Trust m_residual { 0 };
    PendingFeedback m_pending[pending_capacity] {};
    size_t m_pending_count { 0 };
    size_t m_pending_new_edges { 0 }; // pending reports on pairs not in the table yet (at most)
};

} // namespace gehri::collective
