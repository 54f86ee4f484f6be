#pragma once

#include <kernel/lib/Result.h>
#include <kernel/lib/Span.h>
#include <user/wildfire/MindProtocol.h>

namespace gehri::wildfire {

// One drone's mind: its Drone state machine plus what it reported last (a drone acts on its own
// report, lies included). A drone agent runs exactly one; the reference run one per drone.
class DroneMind {
public:
    DroneMind() = default;
    // `report` holds the last report; it must have room for the drone's observation window.
    DroneMind(const Drone& state, const MindSettings& settings, Span<Observation> report);

    // Round 1: what the drone publishes about what it sees. Returns the reply's cell count.
    uint32_t sense(Span<const Observation> seen, Span<Observation> out);
    // A round of the village vote: the candidate it prefers (the first with the lowest score).
    Result<BallotReply> ballot(const BallotRequest& request) const;
    // Round 2: the drone's bids on the offered sectors, its scores of the candidates and its choice.
    // InvalidArgument for a malformed request (the coordinator's bug, or an attack on the mind).
    Result<OfferReply> offer(const OfferRequest& request);
    // Round 3: obey the orders, decide, commit; reply with the action and the new state. The
    // drone decides on what it reported since its last action: nothing if it was not asked
    // to sense (quarantined: the coordinator no longer shows it the world).
    Result<ActReply> act(const ActRequest& request);

    const Drone& state() const { return m_drone; }
    const MindSettings& settings() const { return m_settings; }

private:
    Result<void> obey(const Orders& orders);
    int64_t score(const VillageCandidate&) const;
    uint32_t choose(Span<const VillageCandidate>) const;

    Drone m_drone {};
    MindSettings m_settings {};
    Span<Observation> m_report {};
    uint32_t m_report_count { 0 };
    bool m_sensed { false }; // since the last act
};

} // namespace gehri::wildfire
