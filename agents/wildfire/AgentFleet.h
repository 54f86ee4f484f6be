#pragma once

#include "CallForBids.h"

#include "KernelTrust.h"
#include "ReportInbox.h"
#include <user/libgehri/Gehri.h>
#include <user/wildfire/BallotBox.h>
#include <user/wildfire/Fleet.h>
#include <user/wildfire/MindWire.h>
#include <user/wildfire/RoundTimes.h>

namespace gehri::wildfire {

// The drones' minds as drone agents: one process per drone, born with two capabilities: one
// end of a channel, on which it is spoken to with the messages of MindWire.h and answers offers
// and actions, and a view of the swarm's topics, on which it takes its window from its own
// sense topic and publishes what it senses on the reports topic (the ReportInbox). A crash
// order makes the drone fault for real; a mind that does not answer within the reply timeout
// counts as dead.
// It is also the kernel ballot box of the village vote (once vote_in_kernel gave it room): each
// round is a kernel proposal (kind village-priority) with the drones' current agent ids as the
// electorate and their trust as the given weights; the drone agents vote on it themselves.
class AgentFleet final : public Fleet
    , public BallotBox {
public:
    struct Link {
        Channel channel;
        Publisher sense; // on wildfire/sense/<drone>; kept across incarnations
        Handle agent; // the drone's current incarnation (Quarantine right: AgentQuarantine)
        uint64_t agent_id { 0 }; // of the drone's current incarnation
    };

    static constexpr uint64_t drone_memory_quota = 128 * 1024; // 100 KiB reserved (64 KiB of stack), 32 KiB touched
    static constexpr uint64_t reply_timeout_ns = 20'000'000'000;

    // `links` has one slot per drone; `spawner` is this agent's handle with the Spawn right.
    AgentFleet(const Handle& spawner, Span<Link> links, ReportInbox& reports, const MindSettings& settings);

    Result<void> start(uint32_t drone, const Drone& state) override;
    Result<void> stop(uint32_t drone) override;
    Result<void> post_sense(uint32_t drone, uint64_t tick, Span<const Observation> seen) override;
    Result<uint32_t> collect_sense(uint32_t drone, Span<Observation> report) override;
    Result<void> post_offer(uint32_t drone, const OfferRequest& request) override;
    Result<OfferReply> collect_offer(uint32_t drone) override;
    Result<void> post_act(uint32_t drone, const ActRequest& request) override;
    Result<ActReply> collect_act(uint32_t drone) override;
    // Has the kernel quarantine the drone's current agent (AgentQuarantine, as its parent);
    // with the trust in the kernel nothing: the domain's judgment and binding already did.
    Result<void> quarantine(uint32_t drone) override;

    // The swarm's trust in a kernel reputation domain from now on (before the drones start:
    // each start binds the drone's new agent to its peer).
    void trust_in_kernel(KernelTrust* trust) { m_trust = trust; }
    // From now on the drones started get the swarm's blackboard (read only), and each auction
    // round's sectors go there once instead of into every offer.
    void call_for_bids_on(CallForBids* calls) { m_calls = calls; }
    SwarmTrust* swarm_trust() override { return m_trust; }

    Result<void> post_ballot(uint32_t drone, const BallotRequest& request) override;
    Result<BallotReply> collect_ballot(uint32_t drone) override;

    // Votes through the kernel from now on; `ids` and `weights` hold one entry per drone.
    void vote_in_kernel(Span<uint64_t> ids, Span<uint64_t> weights)
    {
        m_vote_ids = ids;
        m_vote_weights = weights;
    }
    BallotBox* ballot_box() override { return m_vote_ids.is_empty() ? nullptr : this; }
    Result<uint64_t> open(Span<const VillageCandidate> candidates, Span<const collective::Elector> electorate) override;
    void replied(uint32_t, uint32_t) override { } // the drone voted itself
    Result<VoteCount> close() override;

    // Ends every mind (closing its channel ends the drone agent cleanly).
    void stop_all();
    uint64_t spawned() const { return m_spawned; }
    uint64_t agent_id(uint32_t drone) const { return drone < m_links.size() ? m_links[drone].agent_id : 0; }
    // Its mind is running (started, not stopped).
    bool is_up(uint32_t drone) const { return drone < m_links.size() && m_links[drone].channel.handle(); }
    // Notes the guest clock at every post and collect into `times` (for the trace); null: off,
    // so untraced runs make no clock calls.
    void time_rounds(RoundTimes* times) { m_times = times; }

private:
    Result<const Channel*> link(uint32_t drone) const;
    template<typename Body>
    Result<void> send(uint32_t drone, MindMessage kind, const Body& body, size_t body_bytes);
    Result<size_t> receive(uint32_t drone, void* reply, size_t capacity);
    void note_posted(Round round);
    void note_collected(Round round);

    const Handle& m_spawner;
    Span<Link> m_links;
    ReportInbox& m_reports;
    uint64_t m_sense_tick { 0 };
    MindSettings m_settings;
    uint64_t m_spawned { 0 };
    RoundTimes* m_times { nullptr };
    KernelTrust* m_trust { nullptr };
    CallForBids* m_calls { nullptr };
    Span<uint64_t> m_vote_ids {};
    Span<uint64_t> m_vote_weights {};
    uint64_t m_proposal { 0 };
    alignas(16) uint8_t m_out[max_mind_request_bytes];
};

} // namespace gehri::wildfire
