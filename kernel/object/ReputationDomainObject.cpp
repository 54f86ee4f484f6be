#include <kernel/govern/Collective.h>
#include <kernel/lib/Format.h>
#include <kernel/object/Agent.h>
#include <kernel/object/ReputationDomainObject.h>
#include <new>

namespace gehri::object {

using collective::TrustDomain;

namespace {

uint32_t s_live_domains = 0;

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

Result<RefPtr<ReputationDomainObject>> ReputationDomainObject::create(const abi::ReputationDomainRequest& request, Agent& payer)
{
    if (!TrustDomain::is_valid(request))
        return Error::InvalidArgument;
    uint64_t bytes = sizeof(ReputationDomainObject) + uint64_t { request.peers } * (TrustDomain::bytes_per_peer() + sizeof(RefPtr<Agent>))
        + uint64_t { request.feedback_slots } * sizeof(collective::FeedbackSlot);
    if (!take_live_slot())
        return Error::QuotaExceeded;
    if (auto charged = payer.memory().charge(bytes); charged.is_error()) {
        give_live_slot();
        return charged.error();
    }
    auto undo = [&](Error error) -> Error {
        payer.memory().refund(bytes);
        give_live_slot();
        return error;
    };
    auto domain = TrustDomain::create(request);
    if (domain.is_error())
        return undo(domain.error());
    auto agents = HeapArray<RefPtr<Agent>>::create(request.peers);
    if (agents.is_error())
        return undo(agents.error());
    auto* object = new (std::nothrow) ReputationDomainObject(payer, bytes, domain.release_value(), agents.release_value());
    if (!object)
        return undo(Error::OutOfMemory);
    return adopt_ref_if_nonnull(object);
}

ReputationDomainObject::ReputationDomainObject(Agent& payer, uint64_t charged, TrustDomain domain, HeapArray<RefPtr<Agent>> agents)
    : KernelObject(object_type)
    , m_payer(&payer)
    , m_charged(charged)
    , m_domain(std::move(domain))
    , m_agents(std::move(agents))
{
}

ReputationDomainObject::~ReputationDomainObject()
{
    m_payer->memory().refund(m_charged);
    give_live_slot();
}

Result<size_t> ReputationDomainObject::rate(Span<const abi::DomainRating> ratings)
{
    LockGuard guard(m_lock);
    return m_domain.rate(ratings);
}

// The audit record (a supervisor's Quarantine, by the judge) names the domain and the peer's
// trust in it.
void ReputationDomainObject::quarantine_locked(Agent& judge, uint32_t peer)
{
    RefPtr<Agent> agent = m_agents.span()[peer];
    if (!agent || agent->has_exited() || agent.get() == &judge)
        return;
    auto reason = FixedString<abi::agent_quarantine_max_reason>::formatted("reputation domain of agent {}: peer {}, trust_ppm {}", judge.id(), peer,
        collective::trust_to_ppm(m_domain.trust_of(peer)));
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
    if (m_domain.is_judged(peer))
        quarantine_locked(judge, peer);
    return {};
}

// The refinement goes in parts with the lock dropped between them (a preemption point): at
// thousands of peers a judgment is millions of units of work, which must not hold the CPU.
Result<size_t> ReputationDomainObject::judge(Agent& judge, uint32_t steps, const abi::QuarantinePolicy& policy, Span<uint32_t> out)
{
    TRY(collective::TrustDomain::check(steps, policy));
    uint32_t done = 0;
    for (bool first = true; done < steps; first = false) {
        LockGuard guard(m_lock);
        auto part = m_domain.refine_part(judge_work_per_part, steps - done, first);
        done += part.iterations;
        if (part.converged)
            break;
    }
    LockGuard guard(m_lock);
    return m_domain.collect(policy, out, [&](uint32_t peer) { quarantine_locked(judge, peer); });
}

Result<void> ReputationDomainObject::trust(uint32_t first, Span<uint64_t> out)
{
    LockGuard guard(m_lock);
    return m_domain.trust(first, out);
}

bool ReputationDomainObject::is_judged(uint32_t peer)
{
    LockGuard guard(m_lock);
    return m_domain.is_judged(peer);
}

} // namespace gehri::object
