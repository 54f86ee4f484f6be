#pragma once

#include <kernel/lib/Result.h>
#include <kernel/lib/Span.h>
#include <user/wildfire/MindProtocol.h>

namespace gehri::wildfire {

class BallotBox;
class SwarmTrust;

// The coordinator's line to the drones' minds. Each round is split in two so that a fleet of
// drone agents can think in parallel: the coordinator posts the request to every drone of the
// round, then collects the replies in drone order (which is what makes the run deterministic).
// A reply that cannot be had (the mind died, or answered nonsense) is an error; the
// coordinator then treats the drone as crashed.
class Fleet {
public:

    // Starts drone `drone`'s mind (again, after a crash) in `state`.
    virtual Result<void> start(uint32_t drone, const Drone& state) = 0;
    // Ends its mind: a crash, or the end of the run.
    virtual Result<void> stop(uint32_t drone) = 0;

    virtual Result<void> post_sense(uint32_t drone, uint64_t tick, Span<const Observation> seen) = 0;
    // The drone's report into `report`; returns its cell count.
    virtual Result<uint32_t> collect_sense(uint32_t drone, Span<Observation> report) = 0;

    virtual Result<void> post_offer(uint32_t drone, const OfferRequest& request) = 0;
    virtual Result<OfferReply> collect_offer(uint32_t drone) = 0;

    virtual Result<void> post_act(uint32_t drone, const ActRequest& request) = 0;
    virtual Result<ActReply> collect_act(uint32_t drone) = 0;

    // The coordinator has quarantined the drone (and tells the fleet again when it restarts
    // it): the drone agents' supervisor has the kernel cut its current agent off. The minds in
    // one process need nothing: the coordinator already neither asks nor hears them.
    virtual Result<void> quarantine(uint32_t) { return {}; }

    // The village vote's runoff round (its electors only, when the first round had no majority).
    virtual Result<void> post_ballot(uint32_t drone, const BallotRequest& request) = 0;
    virtual Result<BallotReply> collect_ballot(uint32_t drone) = 0;

    // Where the minds' votes are counted when they vote themselves (the kernel, for drone
    // agents); null: their replies' choices are counted in this process.
    virtual BallotBox* ballot_box() { return nullptr; }

    // Where the swarm's trust is kept when the fleet's supervisor has the kernel keep it (a
    // reputation domain whose judgments the kernel enforces on the drone agents); null: in
    // this process. With one, quarantine() has nothing left to do for judged drones.
    virtual SwarmTrust* swarm_trust() { return nullptr; }

protected:
    // Never deleted through this interface (no allocator needed in freestanding code).
    ~Fleet() = default;
};

} // namespace gehri::wildfire
