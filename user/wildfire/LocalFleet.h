#pragma once

#include <user/wildfire/Arena.h>
#include <user/wildfire/DroneMind.h>
#include <user/wildfire/Fleet.h>

namespace gehri::wildfire {

// Every mind in this process, answering at once: the reference run (and the host tests) use
// the same mind code as the drone agents, without the messages.
class LocalFleet final : public Fleet {
public:
    LocalFleet() = default;
    // Carves the minds out of `arena` (measuring arenas only add up the size).
    LocalFleet(Arena& arena, uint32_t drones, size_t window_cells, const MindSettings& settings);

    Result<void> start(uint32_t drone, const Drone& state) override;
    Result<void> stop(uint32_t drone) override;
    Result<void> post_sense(uint32_t drone, uint64_t tick, Span<const Observation> seen) override;
    Result<uint32_t> collect_sense(uint32_t drone, Span<Observation> report) override;
    Result<void> post_offer(uint32_t drone, const OfferRequest& request) override;
    Result<OfferReply> collect_offer(uint32_t drone) override;
    Result<void> post_act(uint32_t drone, const ActRequest& request) override;
    Result<ActReply> collect_act(uint32_t drone) override;
    Result<void> post_ballot(uint32_t drone, const BallotRequest& request) override;
    Result<BallotReply> collect_ballot(uint32_t drone) override;

private:
    struct Slot {
        DroneMind mind;
        bool alive { false };
        uint32_t report_count { 0 };
        Result<OfferReply> offer { Error::NotFound };
        Result<ActReply> act { Error::NotFound };
        Result<BallotReply> ballot { Error::NotFound };
    };
    Result<Slot*> live(uint32_t drone);

    Span<Slot> m_slots;
    Span<Observation> m_reports; // window_cells per drone: each mind's last report
    size_t m_window_cells { 0 };
    MindSettings m_settings {};
};

} // namespace gehri::wildfire
