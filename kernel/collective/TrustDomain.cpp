#include <bit>
#include <kernel/collective/TrustDomain.h>

namespace gehri::collective {

bool TrustDomain::is_valid(const abi::ReputationDomainRequest& request)
{
    if (request.peers == 0 || request.peers > abi::reputation_domain_max_peers || request.reserved != 0)
        return false;
    if (request.feedback_slots < 64 || request.feedback_slots > abi::reputation_domain_max_feedback_slots || !std::has_single_bit(request.feedback_slots))
        return false;
    if (request.damping_ppm == 0 || request.damping_ppm >= parts_per_million || request.max_iterations == 0)
        return false;
    if (request.pretrusted_count > abi::reputation_domain_max_pretrusted)
        return false;
    for (uint32_t i = 0; i < request.pretrusted_count; ++i) {
        if (request.pretrusted[i] >= request.peers)
            return false;
    }
    return true;
}

Result<TrustDomain> TrustDomain::create(const abi::ReputationDomainRequest& request)
{
    if (!is_valid(request))
        return Error::InvalidArgument;
    auto peers = TRY(HeapArray<PeerTrust>::create(request.peers));
    auto feedback = TRY(HeapArray<FeedbackSlot>::create(request.feedback_slots));
    auto judged = TRY(HeapArray<uint8_t>::create(request.peers));
    for (auto& flag : judged.span())
        flag = 0;
    EigenTrustConfig config;
    config.damping_ppm = request.damping_ppm;
    config.max_iterations = request.max_iterations;
    if (request.epsilon != 0)
        config.epsilon = request.epsilon;
    auto trust = TRY(EigenTrust::create(config, peers.span(), feedback.span()));
    if (request.pretrusted_count > 0)
        TRY(trust.set_pretrusted(Span<const PeerIndex>(request.pretrusted, request.pretrusted_count)));
    return TrustDomain(std::move(peers), std::move(feedback), std::move(judged), trust);
}

Result<size_t> TrustDomain::rate(Span<const abi::DomainRating> ratings)
{
    for (size_t i = 0; i < ratings.size(); ++i) {
        const abi::DomainRating& rating = ratings[i];
        Result<void> recorded = Error::OutOfRange;
        if (rating.from < peer_count() && rating.to < peer_count())
            recorded = m_trust.record_feedback(rating.from, rating.to, rating.satisfied, rating.unsatisfied);
        if (recorded.is_error()) {
            if (i == 0)
                return recorded.error();
            return i;
        }
    }
    return ratings.size();
}

Result<void> TrustDomain::check(uint32_t steps, const abi::QuarantinePolicy& policy)
{
    if (steps > abi::reputation_domain_max_steps || policy.reserved != 0 || policy.fraction_of_mean_ppm > parts_per_million)
        return Error::InvalidArgument;
    return {};
}

Result<void> TrustDomain::trust(uint32_t first, Span<uint64_t> out) const
{
    if (first > peer_count() || out.size() > peer_count() - first)
        return Error::OutOfRange;
    for (size_t i = 0; i < out.size(); ++i)
        out[i] = m_trust.trust(static_cast<PeerIndex>(first + i));
    return {};
}

} // namespace gehri::collective
