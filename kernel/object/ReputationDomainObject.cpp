#include <bit>
#include <kernel/govern/Collective.h>
#include <kernel/lib/Format.h>
#include <kernel/object/Agent.h>
#include <kernel/object/ReputationDomainObject.h>
#include <new>

namespace gehri::object {

using collective::EigenTrust;
using collective::EigenTrustConfig;
using collective::FeedbackSlot;
using collective::PeerIndex;
using collective::PeerTrust;

namespace {

uint32_t s_live_domains = 0;

bool is_valid(const abi::ReputationDomainRequest& request)
{
    if (request.peers == 0 || request.peers > abi::reputation_domain_max_peers || request.reserved != 0)
        return false;
    if (request.feedback_slots < 64 || request.feedback_slots > abi::reputation_domain_max_feedback_slots || !std::has_single_bit(request.feedback_slots))
        return false;
    if (request.damping_ppm == 0 || request.damping_ppm >= collective::parts_per_million || request.max_iterations == 0)
        return false;
    if (request.pretrusted_count > abi::reputation_domain_max_pretrusted)
        return false;
    for (uint32_t i = 0; i < request.pretrusted_count; ++i) {
        if (request.pretrusted[i] >= request.peers)
            return false;
    }
    return true;
}

// One live domain more, unless there are already the most allowed.
bool take_live_slot()
{
    uint32_t live = __atomic_load_n(&s_live_domains, __ATOMIC_RELAXED);
    while (live < abi::reputation_domain_max_live) {
        if (__atomic_compare_exchange_n(&s_live_domains, &live, live + 1, true, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
            return true;
    }
    return false;
}

void give_live_slot() { __atomic_fetch_sub(&s_live_domains, 1, __ATOMIC_ACQ_REL); }

} // namespace

Result<RefPtr<ReputationDomainObject>> ReputationDomainObject::create(const abi::ReputationDomainRequest& request, Agent* payer)
{
    if (!is_valid(request))
        return Error::InvalidArgument;
    uint64_t bytes = sizeof(ReputationDomainObject) + uint64_t { request.peers } * (sizeof(PeerTrust) + sizeof(RefPtr<Agent>) + 1)
        + uint64_t { request.feedback_slots } * sizeof(FeedbackSlot);
    if (!take_live_slot())
        return Error::QuotaExceeded;
    if (payer) {
        if (auto charged = payer->memory().charge(bytes); charged.is_error()) {
            give_live_slot();
            return charged.error();
        }
    }
    auto undo = [&](Error error) -> Error {
        if (payer)
            payer->memory().refund(bytes);
        give_live_slot();
        return error;
    };
    auto peers = HeapArray<PeerTrust>::create(request.peers);
    auto feedback = HeapArray<FeedbackSlot>::create(request.feedback_slots);
    auto agents = HeapArray<RefPtr<Agent>>::create(request.peers);
    auto judged = HeapArray<uint8_t>::create(request.peers);
    if (peers.is_error() || feedback.is_error() || agents.is_error() || judged.is_error())
        return undo(Error::OutOfMemory);
    for (auto& flag : judged.value().span())
        flag = 0;
    EigenTrustConfig config;
    config.damping_ppm = request.damping_ppm;
    config.max_iterations = request.max_iterations;
    if (request.epsilon != 0)
        config.epsilon = request.epsilon;
    auto trust = EigenTrust::create(config, peers.value().span(), feedback.value().span());
    if (trust.is_error())
        return undo(trust.error());
    if (request.pretrusted_count > 0) {
        if (auto set = trust.value().set_pretrusted(Span<const PeerIndex>(request.pretrusted, request.pretrusted_count)); set.is_error())
            return undo(set.error());
    }
    auto* domain = new (std::nothrow) ReputationDomainObject(RefPtr<Agent>(payer), bytes, peers.release_value(), feedback.release_value(),
        agents.release_value(), judged.release_value(), trust.release_value());
    if (!domain)
        return undo(Error::OutOfMemory);
    return adopt_ref_if_nonnull(domain);
}

ReputationDomainObject::~ReputationDomainObject()
{
    if (m_payer)
        m_payer->memory().refund(m_charged);
    give_live_slot();
}

Result<size_t> ReputationDomainObject::rate(Span<const abi::DomainRating> ratings)
{
    LockGuard guard(m_lock);
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

// The audit record (a supervisor's Quarantine, by the judge) names the domain and the peer's
// trust in it.
void ReputationDomainObject::quarantine_locked(Agent& judge, uint32_t peer)
{
    RefPtr<Agent> agent = m_agents.span()[peer];
    if (!agent || agent->has_exited() || agent.get() == &judge)
        return;
    auto reason = FixedString<abi::agent_quarantine_max_reason>::formatted("reputation domain of agent {}: peer {}, trust_ppm {}", judge.id(), peer,
        collective::trust_to_ppm(m_trust.trust(peer)));
    (void)govern::supervise_quarantine(judge, *agent, true, reason.view());
}

Result<void> ReputationDomainObject::bind(uint32_t peer, RefPtr<Agent> agent, Agent& judge)
{
    if (peer >= peer_count())
        return Error::OutOfRange;
    if (!agent || agent.get() == &judge)
        return Error::InvalidArgument;
    LockGuard guard(m_lock);
    m_agents.span()[peer] = agent;
    if (m_judged.span()[peer])
        quarantine_locked(judge, peer);
    return {};
}

Result<size_t> ReputationDomainObject::judge(Agent& judge, uint32_t steps, const abi::QuarantinePolicy& policy, Span<uint32_t> out)
{
    if (steps > abi::reputation_domain_max_steps || policy.reserved != 0 || policy.fraction_of_mean_ppm > collective::parts_per_million)
        return Error::InvalidArgument;
    collective::QuarantinePolicy rule { policy.fraction_of_mean_ppm, policy.min_ratings };
    LockGuard guard(m_lock);
    if (steps > 0)
        m_trust.refine(steps);
    size_t total = 0;
    for (uint32_t peer = 0; peer < peer_count(); ++peer) {
        if (!m_trust.should_quarantine(peer, rule))
            continue;
        if (total < out.size())
            out[total] = peer;
        ++total;
        if (!m_judged.span()[peer]) {
            m_judged.span()[peer] = 1;
            quarantine_locked(judge, peer);
        }
    }
    return total;
}

Result<void> ReputationDomainObject::trust(uint32_t first, Span<uint64_t> out)
{
    if (first > peer_count() || out.size() > peer_count() - first)
        return Error::OutOfRange;
    LockGuard guard(m_lock);
    for (size_t i = 0; i < out.size(); ++i)
        out[i] = m_trust.trust(static_cast<PeerIndex>(first + i));
    return {};
}

bool ReputationDomainObject::is_judged(uint32_t peer)
{
    LockGuard guard(m_lock);
    return peer < peer_count() && m_judged.span()[peer];
}

} // namespace gehri::object
