#pragma once

#include <kernel/lib/StringView.h>
#include <stdint.h>
#include <type_traits>
#include <user/wildfire/Coordinator.h>
#include <user/wildfire/Drone.h>

// What the coordinator and a drone's mind say to each other, tick by tick. The same structs
// travel as channel messages between the wildfire agent and the drone agents, and as plain
// calls in the one-process reference run (LocalFleet): both runs execute the same mind code.
namespace gehri::wildfire {

// Changes the coordinator makes to a drone's mind between two of its decisions. The
// coordinator applies each to its copy of the drone at once and delivers it with the next
// request, before the mind does anything else, so both copies stay equal.
enum class OrderKind : uint8_t { TakeReleased, Revoke, Retarget, Grant };

struct Order {
    OrderKind kind { OrderKind::TakeReleased };
    Lease lease {}; // Grant: the lease; Retarget: lease.target
};

// Between two requests a drone gets at most: take-released or revoke (lease judgement),
// revoke (quarantine), retarget and grant (auction round).
constexpr uint32_t max_orders = 6;

struct Orders {
    uint32_t count { 0 };
    Order items[max_orders] {};
};

constexpr int32_t max_observe_radius = 16;
constexpr size_t max_window_cells = (2 * max_observe_radius + 1) * (2 * max_observe_radius + 1);
constexpr uint32_t max_offer_sectors = 128;
constexpr uint32_t max_bids_per_drone = 8;
constexpr uint32_t max_candidates = 4;

// What every mind knows from the start.
struct MindSettings {
    DroneConfig drone {};
    uint64_t seed { 0 };
    uint32_t bids_per_drone { 3 };
    uint64_t max_cost { 0 }; // the highest bid cost: bids are ranked by sector_bid_amount()
};

// Round 1 of every tick: what the drone sees, answered by what it reports.
struct SenseRequest {
    uint64_t tick { 0 };
    uint32_t cell_count { 0 };
    Observation cells[max_window_cells];
};

struct SenseReply {
    uint32_t cell_count { 0 };
    Observation cells[max_window_cells];
};

// Round 2, in auction rounds: open sectors to bid on and village candidates to score.
struct SectorOffer {
    uint32_t sector { 0 };
    Point target {};
    uint64_t auction { 0 }; // the kernel award auction to bid in; 0: the bids go in the reply
};

// The open sectors of an auction round as the coordinator posts them on the swarm's blackboard
// (when the drones are granted it): this header, then sector_count SectorOffers.
constexpr StringView call_for_bids_key = "fire/front";
struct CallForBidsHeader {
    uint64_t round { 0 };
    uint32_t sector_count { 0 };
    uint32_t reserved { 0 };
};

struct OfferRequest {
    Orders orders {};
    uint32_t candidate_count { 0 }; // 0: no vote this round
    VillageCandidate candidates[max_candidates] {};
    // The kernel proposal to vote on with the choice (the drone agent casts its ballot itself,
    // ProposalVote); 0 in the one-process run, where the reply's choice is counted.
    uint64_t ballot { 0 };
    uint64_t round { 0 }; // the tick of this auction round
    // 1: the sectors are not in this message but in the round's call for bids on the swarm's
    // blackboard (CallForBids, key call_for_bids_key), one copy for every drone to read.
    uint32_t sectors_on_board { 0 };
    uint32_t sector_count { 0 };    // 0: no auction this round
    SectorOffer sectors[max_offer_sectors] {};
};

struct OfferReply {
    // The drone's cost of each candidate, lower preferred; the coordinator's tally takes, among
    // the options of a round, the first with the lowest score.
    int64_t scores[max_candidates] {};
    uint32_t bid_count { 0 };
    // Cheapest first. With kernel auctions, the bids the drone placed there itself (the
    // coordinator counts them and withdraws the ones of drones that already won).
    SectorBid bids[max_bids_per_drone] {};
    uint32_t choice { 0 }; // the candidate it votes for: the first with the lowest score
};

// The village vote's runoff (only when its first round had no majority): the two leaders, and
// the proposal to vote on; answered by the choice between them.
struct BallotRequest {
    uint64_t ballot { 0 }; // as OfferRequest::ballot
    uint32_t candidate_count { 0 };
    VillageCandidate candidates[max_candidates] {};
};

struct BallotReply {
    uint32_t choice { 0 };
};

// Round 3 of every tick: decide and act. The reply carries the drone's whole state after the
// action (its telemetry), which the coordinator checks against the laws of flight and keeps.
struct ActRequest {
    Orders orders {};
};

struct ActReply {
    DroneAction action {};
    Drone state {};
};

static_assert(std::is_trivially_copyable_v<Drone>);
static_assert(std::is_trivially_copyable_v<SenseRequest> && std::is_trivially_copyable_v<OfferRequest> && std::is_trivially_copyable_v<ActReply>);

// The bytes of a request or reply that carry information (cell arrays are sent only as far as
// they are filled).
constexpr size_t sense_request_bytes(uint32_t cells) { return __builtin_offsetof(SenseRequest, cells) + cells * sizeof(Observation); }
constexpr size_t sense_reply_bytes(uint32_t cells) { return __builtin_offsetof(SenseReply, cells) + cells * sizeof(Observation); }
constexpr size_t offer_request_bytes(uint32_t sectors) { return __builtin_offsetof(OfferRequest, sectors) + sectors * sizeof(SectorOffer); }

} // namespace gehri::wildfire
