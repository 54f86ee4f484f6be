#pragma once

#include <kernel/collective/EigenTrust.h>
#include <kernel/lib/HeapArray.h>
#include <kernel/syscall/Abi.h>

namespace gehri::collective {

// The portable heart of a reputation domain (kernel/object/ReputationDomainObject): an
// EigenTrust over a swarm's own peers with its storage on the kernel heap, the ratings its
// owner records, and its judgments, which stick (a peer once quarantined stays judged). The
// kernel object adds the lock, the quota, the agents bound to the peers and the quarantines.
// Not synchronized.
class TrustDomain {
public:
    // Within abi::ReputationDomainRequest's limits?
    static bool is_valid(const abi::ReputationDomainRequest& request);
    // The heap the domain takes (what its creator is charged), per peer and per slot.
    static uint64_t bytes_per_peer() { return sizeof(PeerTrust) + 1; }
    // InvalidArgument for a request !is_valid; OutOfMemory.
    static Result<TrustDomain> create(const abi::ReputationDomainRequest& request);

    uint32_t peer_count() const { return static_cast<uint32_t>(m_peers.size()); }
    // Records `ratings` in order; returns how many before the first refused one, or that one's
    // error if it is the first: OutOfRange (a peer), InvalidArgument (self-rating, nothing),
    // OutOfMemory (the feedback table is full).
    Result<size_t> rate(Span<const abi::DomainRating> ratings);
    // refine(steps), then collect(policy, ...). InvalidArgument for too many steps or a bad
    // policy.
    template<typename NewlyJudged>
    Result<size_t> judge(uint32_t steps, const abi::QuarantinePolicy& policy, Span<uint32_t> out, NewlyJudged newly_judged)
    {
        TRY(check(steps, policy));
        if (steps > 0)
            m_trust.refine(steps);
        return collect(policy, out, newly_judged);
    }

    // A judgment's refinement in parts, so that its owner can let go of the CPU between them:
    // at most about `work` units (EigenTrust::refine_bounded) and `iterations` iterations per
    // part. The first part (`first`) abandons an iteration an earlier judgment left half done,
    // as refine does; parts until `iterations` are done or the trust converges give exactly the
    // vector refine(steps) gives.
    RefineProgress refine_part(uint64_t work, uint32_t iterations, bool first)
    {
        if (first)
            (void)m_trust.refine(0);
        return m_trust.refine_bounded(work, iterations);
    }

    // `policy` (collect_quarantined): the quarantined peers (ascending) into `out` up to its
    // size; returns how many there are. Calls newly_judged(peer) for each peer quarantined for
    // the first time.
    template<typename NewlyJudged>
    Result<size_t> collect(const abi::QuarantinePolicy& policy, Span<uint32_t> out, NewlyJudged newly_judged)
    {
        TRY(check(0, policy));
        QuarantinePolicy rule { policy.fraction_of_mean_ppm, policy.min_ratings };
        size_t total = 0;
        for (PeerIndex peer = 0; peer < peer_count(); ++peer) {
            if (!m_trust.should_quarantine(peer, rule))
                continue;
            if (total < out.size())
                out[total] = peer;
            ++total;
            if (!m_judged.span()[peer]) {
                m_judged.span()[peer] = 1;
                newly_judged(peer);
            }
        }
        return total;
    }
    static Result<void> check(uint32_t steps, const abi::QuarantinePolicy& policy);

    // Raw trust of peers first..first+out.size()-1; OutOfRange past the last.
    Result<void> trust(uint32_t first, Span<uint64_t> out) const;
    Trust trust_of(PeerIndex peer) const { return m_trust.trust(peer); }
    bool is_judged(PeerIndex peer) const { return peer < peer_count() && m_judged.span()[peer]; }

private:
    TrustDomain(HeapArray<PeerTrust> peers, HeapArray<FeedbackSlot> feedback, HeapArray<uint8_t> judged, EigenTrust trust)
        : m_peers(std::move(peers))
        , m_feedback(std::move(feedback))
        , m_judged(std::move(judged))
        , m_trust(trust)
    {
    }

    HeapArray<PeerTrust> m_peers;
    HeapArray<FeedbackSlot> m_feedback;
    HeapArray<uint8_t> m_judged; // per peer: quarantined by a judgment (for good)
    EigenTrust m_trust;           // over m_peers and m_feedback (their heap blocks never move)
};

} // namespace gehri::collective
