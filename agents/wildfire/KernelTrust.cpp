#include "KernelTrust.h"
#include <user/libgehri/Collective.h>

namespace gehri::wildfire {

Result<KernelTrust> KernelTrust::create(const Handle& self, const ScenarioConfig& config, Span<abi::DomainRating> queue, Span<uint64_t> trust)
{
    if (queue.is_empty() || trust.size() != size_t { config.drones } + 1)
        return Error::InvalidArgument;
    abi::ReputationDomainRequest request;
    request.peers = config.drones + 1;
    request.feedback_slots = static_cast<uint32_t>(Scenario::trust_feedback_slots(config));
    request.max_iterations = config.trust_iterations;
    request.pretrusted_count = 1;
    request.pretrusted[0] = config.drones; // the coordinator: trust flows from its verdicts
    Handle domain(TRY(system::reputation_domain_create(self.value(), request)));
    KernelTrust kernel(std::move(domain), queue, trust);
    TRY(kernel.read_trust());
    return kernel;
}

Result<void> KernelTrust::bind(uint32_t drone, const Handle& agent)
{
    return system::reputation_domain_bind(m_domain.value(), drone, agent.value());
}

void KernelTrust::rate(uint32_t from, uint32_t to, uint32_t satisfied, uint32_t unsatisfied)
{
    if (m_queued == m_queue.size())
        send_queue();
    m_queue[m_queued++] = { from, to, satisfied, unsatisfied };
}

void KernelTrust::send_queue()
{
    Span<const abi::DomainRating> queued(m_queue.data(), m_queued);
    RatingCounts sent = record_in_batches(queued, queued.size(), [&](Span<const abi::DomainRating> batch) { return system::reputation_domain_rate(m_domain.value(), batch); });
    m_counts.recorded += sent.recorded;
    m_counts.dropped += sent.dropped;
    m_queued = 0;
}

RatingCounts KernelTrust::flush()
{
    send_queue();
    RatingCounts counts = m_counts;
    m_counts = {};
    return counts;
}

Result<size_t> KernelTrust::judge(uint32_t steps, const collective::QuarantinePolicy& policy, Span<collective::PeerIndex> out)
{
    send_queue();
    abi::QuarantinePolicy rule { policy.fraction_of_mean_ppm, 0, policy.min_ratings_received };
    size_t total = TRY(system::reputation_domain_judge(m_domain.value(), steps, rule, out));
    TRY(read_trust());
    return total;
}

Result<void> KernelTrust::read_trust()
{
    return system::reputation_domain_trust(m_domain.value(), 0, m_trust);
}

} // namespace gehri::wildfire
