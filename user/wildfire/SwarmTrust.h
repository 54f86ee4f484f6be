#pragma once

#include <kernel/collective/EigenTrust.h>
#include <kernel/lib/Result.h>
#include <kernel/lib/Span.h>

namespace gehri::wildfire {

// Ratings since the last flush: recorded in the swarm's trust, or dropped (the feedback table
// was full, or the trust refused them).
struct RatingCounts {
    uint64_t recorded { 0 };
    uint64_t dropped { 0 };
};

// Records `ratings` through `record`, at most `batch` at a time: `record` takes a batch and
// answers how many of it were recorded before the first it refused (as the kernel's
// ReputationDomainRate does); the refused one is dropped, as the model drops it, and the rest go
// again.
template<typename Rating, typename Record>
RatingCounts record_in_batches(Span<const Rating> ratings, size_t batch, Record record)
{
    RatingCounts counts;
    size_t sent = 0;
    while (sent < ratings.size()) {
        size_t take = batch < ratings.size() - sent ? batch : ratings.size() - sent;
        auto recorded = record(ratings.slice(sent, take));
        size_t taken = recorded.is_ok() ? recorded.value() : 0;
        counts.recorded += taken;
        sent += taken;
        if (taken < take) {
            ++counts.dropped;
            ++sent;
        }
    }
    return counts;
}

// Where the swarm's reputation is kept (docs/wildfire.md, "Collective decisions"): an EigenTrust
// over the drones 0..N-1 and the coordinator (peer N, the one pre-trusted peer). The
// coordinator rates (its cross-checks and lease judgments), flushes the ratings once a tick,
// judges every trust period (refine, then the quarantine rule) and weighs the vote by the trust.
// LocalTrust keeps it in this process (the model: LocalFleet, the host tests,
// gehri-wildfire-model); the demo's KernelTrust (agents/wildfire) in a kernel reputation domain,
// whose judgments the kernel enforces on the drone agents bound to its peers. Both run the same
// EigenTrust calls in the same order, so they judge alike.
class SwarmTrust {
public:
    // `from` had a transaction with `to` (one satisfied or unsatisfied). It counts at flush().
    virtual void rate(uint32_t from, uint32_t to, uint32_t satisfied, uint32_t unsatisfied) = 0;
    // Records the ratings made since the last flush, in order.
    virtual RatingCounts flush() = 0;
    // refine(steps), then the policy: the quarantined peers (ascending) into `out` up to its
    // size; returns how many there are in all.
    virtual Result<size_t> judge(uint32_t steps, const collective::QuarantinePolicy& policy, Span<collective::PeerIndex> out) = 0;
    // The peer's trust in ppm (trust_to_ppm), as of the last judgment.
    virtual uint64_t trust_ppm(uint32_t peer) const = 0;

protected:
    ~SwarmTrust() = default;
};

// The trust in this process: a kernel EigenTrust over the scenario's arena.
class LocalTrust final : public SwarmTrust {
public:
    explicit LocalTrust(collective::EigenTrust trust)
        : m_trust(trust)
    {
    }

    void rate(uint32_t from, uint32_t to, uint32_t satisfied, uint32_t unsatisfied) override;
    RatingCounts flush() override;
    Result<size_t> judge(uint32_t steps, const collective::QuarantinePolicy& policy, Span<collective::PeerIndex> out) override;
    uint64_t trust_ppm(uint32_t peer) const override { return collective::trust_to_ppm(m_trust.trust(peer)); }
    const collective::EigenTrust& eigen_trust() const { return m_trust; }

private:
    collective::EigenTrust m_trust;
    RatingCounts m_counts {};
};

} // namespace gehri::wildfire
