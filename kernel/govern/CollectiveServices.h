#pragma once

#include <kernel/collective/CreditLedger.h>
#include <kernel/collective/LeaseManager.h>
#include <kernel/collective/PolicyEnforcer.h>
#include <kernel/collective/ProposalBoard.h>
#include <kernel/collective/QuarantineAppeals.h>
#include <kernel/collective/Reputation.h>
#include <kernel/govern/AwardAuctions.h>
#include <kernel/lib/HeapArray.h>
#include <kernel/govern/KernelOutbox.h>
#include <kernel/lib/Optional.h>
#include <kernel/lib/Spinlock.h>

// The kernel's instances of the decision services and their one lock, shared by the files of
// kernel/govern that serve agents (Collective.cpp) and the human at the console
// (HumanControls.cpp). Not for use outside kernel/govern.
namespace gehri::govern::internal {

using namespace collective;

constexpr size_t recent_results = 32;
constexpr size_t proposal_slots = 16;

// Records how proposals ended before forwarding every act to the KernelOutbox: the board frees
// a proposal's slot when it settles, and ProposalResult must still answer afterwards.
class RecordingOutbox final : public Outbox {
public:
    explicit RecordingOutbox(KernelOutbox& next)
        : m_next(next)
    {
    }
    void notify(const Event& event) override
    {
        if (event.kind == EventKind::ProposalDecided)
            remember(event);
        m_next.notify(event);
    }
    void apply(const ResourceEffect& effect) override { m_next.apply(effect); }
    void control(const ControlAction& action) override { m_next.control(action); }

    const Event* find(ProposalId id) const
    {
        for (const auto& result : m_results) {
            if (result.subject == id && id != 0)
                return &result;
        }
        return nullptr;
    }

private:
    void remember(const Event& event)
    {
        if (find(event.subject) != nullptr)
            return; // the same decision, told to the next elector
        m_results[m_next_result] = event;
        m_next_result = (m_next_result + 1) % recent_results;
    }

    KernelOutbox& m_next;
    Event m_results[recent_results] {};
    size_t m_next_result { 0 };
};

// The growable per-agent storage, on the kernel heap.
struct AgentStorage {
    HeapArray<ReputationPeer> peers;
    HeapArray<PeerTrust> trust;
    HeapArray<FeedbackSlot> feedback;
    HeapArray<HashSlot<uint32_t>> index;
    HeapArray<CreditAccount> accounts;
    HeapArray<HashSlot<uint32_t>> account_index;

    size_t bytes() const { return peers.bytes() + trust.bytes() + feedback.bytes() + index.bytes() + accounts.bytes() + account_index.bytes(); }
};

// A large proposal's electorate (a group's, or more explicit electors than a slot's share of
// the pool), on the heap (up to abi::proposal_max_electorate electors, 24 bytes each), kept
// until the board no longer knows the proposal: freed after the call that settles it (or when
// the next large proposal opens). At most one per board slot.
struct GroupElectorate {
    ProposalId proposal { 0 };
    HeapArray<Elector> electors;
};

struct Services {
    Services(AuditTrail& trail, KernelOutbox& outbox, Policy policy_)
        : outbox(outbox)
        , recorder(outbox)
        , policy(policy_)
        , trail(trail)
        , awards(trail)
    {
    }
    KernelOutbox& outbox;
    RecordingOutbox recorder;
    Policy policy;
    AuditTrail& trail;
    AgentStorage agents;
    Optional<Reputation> reputation;
    Optional<PolicyEnforcer> enforcer;
    Optional<CreditLedger> ledger;
    Optional<ProposalBoard> board;
    Optional<LeaseManager> leases;
    Optional<QuarantineAppeals> appeals;
    AwardAuctions awards;
    GroupElectorate group_electorates[proposal_slots];
};

// The services, once initialize_collective has built them (VERIFY).
Services& services();
// Serializes every service above; never held while acting (the outbox performs after it).
Spinlock& service_lock();
uint64_t service_now();
// Performs what a call queued, wakes event waiters and lets the govern thread look at the
// services' new deadlines. Call with the service lock dropped.
void after_service_call(Services&);

// Runs `body` under the service lock, then after_service_call.
template<typename Body>
auto locked(Body body)
{
    auto& all = services();
    auto result = [&] {
        InterruptSafeGuard guard(service_lock());
        return body(all, service_now());
    }();
    after_service_call(all);
    return result;
}

} // namespace gehri::govern::internal
