#pragma once

#include <kernel/collective/EigenTrust.h>
#include <kernel/lib/HeapArray.h>
#include <kernel/lib/Spinlock.h>
#include <kernel/object/KernelObject.h>
#include <kernel/syscall/Abi.h>

namespace gehri::object {

class Agent;

// A swarm's own reputation (ReputationDomainCreate): an EigenTrust over `peers` peer slots,
// with its storage on the kernel heap, charged to the creator's memory quota. Its holder with
// Govern binds peers to agents (the handles it has to its children) and judges: refines the
// trust and quarantines, through the kernel's supervisor quarantine (AgentQuarantine's path),
// the agents of peers the policy condemns. The kernel's own reputation spans every agent of the
// system; a domain spans only the peers its owner chose, with the owner's pre-trusted peers,
// so a swarm's coordinator can be the judge of its members while the kernel enforces the
// verdict. Every call is serialized by the domain's lock (refine runs under it).
class ReputationDomainObject final : public KernelObject {
public:
    static constexpr ObjectType object_type = ObjectType::ReputationDomain;

    // InvalidArgument for a bad request (abi::ReputationDomainRequest's limits); QuotaExceeded
    // past `payer`'s quota or abi::reputation_domain_max_live domains; OutOfMemory. A null payer
    // pays nothing (host tests).
    static Result<RefPtr<ReputationDomainObject>> create(const abi::ReputationDomainRequest& request, Agent* payer);
    ~ReputationDomainObject() override;

    uint32_t peer_count() const { return static_cast<uint32_t>(m_peers.size()); }
    // Records `ratings` in order; returns how many before the first refused (that one's error
    // if it is the first).
    Result<size_t> rate(Span<const abi::DomainRating> ratings);
    // `agent` is now `peer`'s. If the peer is judged quarantined, `judge` quarantines it at once
    // (the result of that quarantine, NotFound for an agent that has ended, is returned).
    Result<void> bind(uint32_t peer, RefPtr<Agent> agent, Agent& judge);
    // refine(steps), then the policy: writes the quarantined peers (ascending) into `out` up to
    // its size and returns how many there are; newly judged peers' live agents are cut off by
    // `judge`. InvalidArgument for steps beyond abi::reputation_domain_max_steps or a bad policy.
    Result<size_t> judge(Agent& judge, uint32_t steps, const abi::QuarantinePolicy& policy, Span<uint32_t> out);
    // Raw trust of peers first..first+out.size()-1. OutOfRange past the last peer.
    Result<void> trust(uint32_t first, Span<uint64_t> out);
    bool is_judged(uint32_t peer);

private:
    ReputationDomainObject(RefPtr<Agent> payer, uint64_t charged, HeapArray<collective::PeerTrust> peers, HeapArray<collective::FeedbackSlot> feedback,
        HeapArray<RefPtr<Agent>> agents, HeapArray<uint8_t> judged, collective::EigenTrust trust)
        : KernelObject(object_type)
        , m_payer(std::move(payer))
        , m_charged(charged)
        , m_peers(std::move(peers))
        , m_feedback(std::move(feedback))
        , m_agents(std::move(agents))
        , m_judged(std::move(judged))
        , m_trust(trust)
    {
    }
    void quarantine_locked(Agent& judge, uint32_t peer);

    Spinlock m_lock;
    RefPtr<Agent> m_payer; // pays for the storage until the domain goes
    uint64_t m_charged { 0 };
    HeapArray<collective::PeerTrust> m_peers;
    HeapArray<collective::FeedbackSlot> m_feedback;
    HeapArray<RefPtr<Agent>> m_agents; // per peer: its current agent, if bound
    HeapArray<uint8_t> m_judged;       // per peer: quarantined by a judgment (for good)
    collective::EigenTrust m_trust;
};

} // namespace gehri::object
