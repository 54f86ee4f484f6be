#pragma once

#include <user/libgehri/Gehri.h>
#include <user/wildfire/Scenario.h>
#include <user/wildfire/SwarmTrust.h>

namespace gehri::wildfire {

// The swarm's trust as a kernel reputation domain (ReputationDomainCreate, docs/collective.md):
// peers 0..N-1 the drones, peer N this coordinator (pre-trusted), the same EigenTrust
// configuration as the model's. Each drone's current agent is bound to its peer (at every
// start, so a restarted incarnation of a judged drone is cut off at once), and each judgment
// (ReputationDomainJudge) has the kernel quarantine the newly judged drones' agents itself.
// The coordinator's ratings are queued and sent in batches (ReputationDomainRate) at flush();
// the trust is read back after every judgment (ReputationDomainTrust), once for all peers.
class KernelTrust final : public SwarmTrust {
public:
    // `queue` holds the ratings of a flush (more are sent as it fills), `trust` one per peer
    // (drones + 1).
    static Result<KernelTrust> create(const Handle& self, const ScenarioConfig& config, Span<abi::DomainRating> queue, Span<uint64_t> trust);

    KernelTrust(KernelTrust&&) = default;

    // Binds the drone's peer to its current agent (a handle with Rights::Quarantine).
    Result<void> bind(uint32_t drone, const Handle& agent);

    void rate(uint32_t from, uint32_t to, uint32_t satisfied, uint32_t unsatisfied) override;
    RatingCounts flush() override;
    Result<size_t> judge(uint32_t steps, const collective::QuarantinePolicy& policy, Span<collective::PeerIndex> out) override;
    uint64_t trust_ppm(uint32_t peer) const override { return peer < m_trust.size() ? collective::trust_to_ppm(m_trust[peer]) : 0; }

private:
    KernelTrust(Handle domain, Span<abi::DomainRating> queue, Span<uint64_t> trust)
        : m_domain(std::move(domain))
        , m_queue(queue)
        , m_trust(trust)
    {
    }
    void send_queue();
    Result<void> read_trust();

    Handle m_domain;
    Span<abi::DomainRating> m_queue;
    size_t m_queued { 0 };
    Span<uint64_t> m_trust;
    RatingCounts m_counts {};
};

} // namespace gehri::wildfire
