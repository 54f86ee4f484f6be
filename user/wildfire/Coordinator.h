#pragma once

#include <kernel/collective/Auction.h>
#include <kernel/collective/Tally.h>
#include <kernel/lib/Result.h>
#include <kernel/lib/Span.h>
#include <user/wildfire/Cell.h>
#include <user/wildfire/Sectors.h>

// The swarm's collective decisions as pure functions over kernel/collective: what the kernel
// services (auctions, votes, reputation) will decide for the agents, computed in-process.
namespace gehri::wildfire {

// ---- Sector auctions ----

struct SectorDemand {
    uint32_t sector;
    uint32_t units; // drones still wanted
};

struct SectorBid {
    uint32_t drone;
    uint32_t sector;
    uint64_t cost; // Drone::bid_cost(), 1 .. max_cost
};

struct SectorAward {
    uint32_t drone;
    uint32_t sector;
    uint64_t price; // the Vickrey price, as a cost: the best losing cost (or max_cost)
};

struct AuctionScratch {
    Span<collective::SealedBid> bids; // at least as many as the most bids on one sector
    Span<collective::Award> awards;   // at least the largest demand
    Span<uint8_t> taken;              // one per drone id
};

// The amount a drone bids for a sector at cost c: max_cost + 1 - c (the cheapest wins) above
// 16 bits that rank equal costs by drone index, lower first. Every amount is unique, so the
// ranking never reaches an auction's own tie-break: the agents' kernel auctions, whose bidders
// are agent ids in no particular order, rank exactly as the model. Scores, never prices.
constexpr uint32_t max_ranked_drones = 16384;
constexpr uint32_t bid_rank_bits = 16;
constexpr uint64_t sector_bid_amount(uint64_t cost, uint64_t max_cost, uint32_t drone)
{
    return ((max_cost + 1 - cost) << bid_rank_bits) | (0xFFFFu - drone);
}
// A cleared price (an amount, or the reserve 1 << bid_rank_bits) back as a cost.
constexpr uint64_t sector_price_cost(uint64_t price, uint64_t max_cost) { return max_cost + 1 - (price >> bid_rank_bits); }
// The reserve: the lowest amount of any valid bid's rank (cost max_cost).
constexpr uint64_t sector_reserve = uint64_t { 1 } << bid_rank_bits;

// Sequential multi-unit sealed-bid auctions, one per sector, in the order of `demands` (most
// urgent first). Each is a kernel SealedBidAuction (second price, reserve sector_reserve) of
// `units` units over the amounts sector_bid_amount() gives, so the cheapest drones win and
// equal costs go to the lower drone index. A drone wins at most one sector: once it wins, its
// bids in later auctions are withdrawn. Drone indices must be below max_ranked_drones.
// `bids` is sorted in place. Bids with cost 0 or above max_cost, or for a sector without
// demand, are ignored. Returns the number of awards written; OutOfRange if `out` or the
// scratch is too small.
Result<size_t> auction_sectors(Span<const SectorDemand> demands, Span<SectorBid> bids, uint64_t max_cost, AuctionScratch scratch, Span<SectorAward> out);

// ---- Village-priority vote ----

struct VillageCandidate {
    uint32_t village;       // index into the world's villages
    Point centre;
    int32_t fire_distance;  // from the nearest known front cell
};

struct VillageVote {
    uint32_t village { no_village }; // the choice
    collective::OutcomeKind first_round { collective::OutcomeKind::Undecided };
    bool runoff { false };           // the first round had no majority: top two, again
    bool fallback { false };         // even the runoff tied: the first round's leader
    uint32_t ballots { 0 };          // ballots cast in all rounds
};

// A reputation-weighted vote (simple majority of the weight cast) among the candidates (at
// most collective::Tally::max_options). `electorate` holds each voter's id (a drone id) and
// weight (its reputation); `prefer(voter_id, candidates)` returns the index of the voter's
// choice among `candidates`. Without a majority, a runoff between the two leaders (the same
// preferences restricted to them); if that ties, the first round's leader (lower index on
// equal weight) is taken. InvalidArgument with fewer than two candidates or no voters.
template<typename Prefer>
Result<VillageVote> village_vote(Span<const VillageCandidate> candidates, Span<collective::Elector> electorate, Prefer prefer);

// ---- Cross-checking observations ----

struct ObservationReport {
    uint32_t drone;
    Rect area; // the reported square, clipped to the map; cells are its row-major contents
    Span<const Observation> cells;
};

enum class Agreement : uint8_t { NoOverlap, Agree, Disagree };

// Compares two reports of the same tick on the cells both cover: fire state and fuel must be
// equal (intensity is not compared: drones see it with noise in the real system). Only cells
// that can burn or burn tell a liar from an honest drone (everyone agrees about a lake), so an
// overlap with fewer than min_overlap such cells proves nothing either way and counts as none.
constexpr int32_t min_overlap = 16;
Agreement cross_check(const ObservationReport& a, const ObservationReport& b);

struct WitnessPair {
    uint32_t witness; // index into the reports: the rater
    uint32_t subject; // index into the reports: the rated
    Agreement agreement; // NoOverlap: inconclusive, the caller records no rating
};

struct WitnessScratch {
    Span<uint32_t> order;        // one per report
    Span<uint32_t> bucket_start; // grid.count() + 1
};

// For every report, up to `per_report` other reports of overlapping areas (chosen by a hash of
// `round` and the pair, so the choice rotates and does not favour low ids) and the outcome of
// their cross check. Witnesses are searched in the sectors around the report's centre, far
// enough for any overlap of two squares of `radius`. Writes the pairs (subject-major) and
// returns their number; OutOfRange if `out` or the scratch is too small.
Result<size_t> pick_witnesses(Span<const ObservationReport> reports, const SectorGrid& grid, int32_t radius, uint32_t per_report, uint64_t round, WitnessScratch scratch, Span<WitnessPair> out);

// ---- Template implementation ----

namespace detail {
Result<collective::Tally> open_tally(uint32_t options, Span<collective::Elector> electorate);
uint32_t leading_options(const collective::Tally& tally, uint32_t options, uint32_t& runner_up);
// The same from the weights cast for each option: the leader (lower index on equal weight) and,
// in `runner_up`, the best of the others.
uint32_t leading_of(const uint64_t* option_weight, uint32_t options, uint32_t& runner_up);
}

template<typename Prefer>
Result<VillageVote> village_vote(Span<const VillageCandidate> candidates, Span<collective::Elector> electorate, Prefer prefer)
{
    using namespace collective;
    if (candidates.size() < 2 || candidates.size() > Tally::max_options || electorate.is_empty())
        return Error::InvalidArgument;
    VillageVote vote;
    uint32_t options = static_cast<uint32_t>(candidates.size());
    auto first = TRY(detail::open_tally(options, electorate));
    for (const Elector& elector : electorate) {
        uint32_t choice = prefer(elector.id, candidates);
        TRY(first.cast(elector.id, Ballot::for_option(choice < options ? choice : 0), 0));
        ++vote.ballots;
    }
    Outcome outcome = first.evaluate(1);
    vote.first_round = outcome.kind;
    if (outcome.kind == OutcomeKind::Decided) {
        vote.village = candidates[outcome.option].village;
        return vote;
    }
    uint32_t runner_up = 0;
    uint32_t leader = detail::leading_options(first, options, runner_up);
    vote.runoff = true;
    VillageCandidate pair[2] = { candidates[leader], candidates[runner_up] };
    auto second = TRY(detail::open_tally(2, electorate));
    for (const Elector& elector : electorate) {
        uint32_t choice = prefer(elector.id, Span<const VillageCandidate>(pair, 2));
        TRY(second.cast(elector.id, Ballot::for_option(choice < 2 ? choice : 0), 0));
        ++vote.ballots;
    }
    outcome = second.evaluate(1);
    if (outcome.kind == OutcomeKind::Decided) {
        vote.village = pair[outcome.option].village;
        return vote;
    }
    vote.fallback = true;
    vote.village = pair[0].village;
    return vote;
}

} // namespace gehri::wildfire
