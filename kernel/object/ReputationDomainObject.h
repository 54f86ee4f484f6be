#pragma once

#include <kernel/collective/TrustDomain.h>
#include <kernel/lib/HeapArray.h>
#include <kernel/lib/Spinlock.h>
#include <kernel/object/KernelObject.h>
#include <kernel/syscall/Abi.h>

namespace gehri::object {

class Agent;

// A swarm's own reputation (ReputationDomainCreate): a TrustDomain (an EigenTrust over `peers`
// peer slots, storage on the kernel heap) charged to the creator's memory quota. Its holder
// with Govern binds peers to agents (the handles it has to its children) and judges: refines
// the trust and quarantines, through the kernel's supervisor quarantine (AgentQuarantine's
// path), the agents of the peers the policy condemns. The kernel's own reputation spans every
// agent of the system; a domain spans only the peers its owner chose, with the owner's
// pre-trusted peers, so a swarm's coordinator is the judge of its members while the kernel
// enforces the verdict. Every call is serialized by the domain's lock; a judgment refines in parts
// of judge_work_per_part units, dropping the lock (a preemption point) between them.
class ReputationDomainObject final : public KernelObject {
public:
    static constexpr ObjectType object_type = ObjectType::ReputationDomain;

    // InvalidArgument for a bad request (abi::ReputationDomainRequest's limits); QuotaExceeded
    // past `payer`'s quota or abi::reputation_domain_max_live domains; OutOfMemory.
    static Result<RefPtr<ReputationDomainObject>> create(const abi::ReputationDomainRequest& request, Agent& payer);
    ~ReputationDomainObject() override;

    uint32_t peer_count() const { return m_domain.peer_count(); }
    // TrustDomain::rate.
    Result<size_t> rate(Span<const abi::DomainRating> ratings);
    // `agent` is now `peer`'s. If the peer is judged quarantined, `judge` quarantines it at once.
    // OutOfRange; InvalidArgument for the judge itself.
    Result<void> bind(uint32_t peer, RefPtr<Agent> agent, Agent& judge);
    // TrustDomain::judge; each newly judged peer's bound agent, if alive, is cut off by `judge`
    // (a supervisor quarantine whose reason names the domain and the peer's trust).
    Result<size_t> judge(Agent& judge, uint32_t steps, const abi::QuarantinePolicy& policy, Span<uint32_t> out);
    Result<void> trust(uint32_t first, Span<uint64_t> out);
    bool is_judged(uint32_t peer);

private:
    ReputationDomainObject(Agent& payer, uint64_t charged, collective::TrustDomain domain, HeapArray<RefPtr<Agent>> agents);
    void quarantine_locked(Agent& judge, uint32_t peer);
    // Units of EigenTrust work (a peer or a feedback slot visited) per hold of the lock while
    // judging: a few hundred microseconds under TCG.
    static constexpr uint64_t judge_work_per_part = 16 * 1024;

    Spinlock m_lock;
    RefPtr<Agent> m_payer; // pays for the storage until the domain goes
    uint64_t m_charged { 0 };
    collective::TrustDomain m_domain;
    HeapArray<RefPtr<Agent>> m_agents; // per peer: its current agent, if bound
};

} // namespace gehri::object
