#include <gtest/gtest.h>
#include <user/wildfire/Coordinator.h>
#include <user/wildfire/FireMap.h>
#include <user/wildfire/Sectors.h>
#include <vector>

using namespace gehri;
using namespace gehri::wildfire;
using namespace gehri::collective;

namespace {

// A 64x64 grass map for hand-made fires.
struct Map {
    Map()
        : cells(64 * 64, Cell { Terrain::Grass, FireState::Unburnt, 100, 0 })
    {
    }
    MapView view() const { return { Span<const Cell>(cells.data(), cells.size()), 64, 64 }; }
    Cell& at(Point p) { return cells[static_cast<size_t>(p.y) * 64 + static_cast<size_t>(p.x)]; }
    void burn(Point p) { at(p) = { Terrain::Grass, FireState::Burning, 100, 100 }; }
    std::vector<Cell> cells;
};

SectorGrid grid16() { return SectorGrid::create(64, 64, 16).release_value(); }

} // namespace

TEST(WildfireSectors, GridGeometry)
{
    EXPECT_EQ(SectorGrid::create(64, 64, 3).error(), Error::InvalidArgument);
    auto grid = SectorGrid::create(70, 40, 16).release_value();
    EXPECT_EQ(grid.columns(), 5u);
    EXPECT_EQ(grid.rows(), 3u);
    EXPECT_EQ(grid.sector_of({ 17, 33 }), 2u * 5 + 1);
    EXPECT_EQ(grid.area(4), (Rect { 64, 0, 70, 16 })); // clipped last column
    EXPECT_EQ(grid.centre(0), (Point { 8, 8 }));
}

TEST(WildfireSectors, ListsFrontSectorsByUrgency)
{
    Map map;
    // Sector 0: a 2x2 fire, all front. Sector 3 (top right): one burning cell walled in by
    // burnt cells: burning but not a front.
    for (Point p : { Point { 2, 2 }, Point { 3, 2 }, Point { 2, 3 }, Point { 3, 3 } })
        map.burn(p);
    map.burn({ 60, 5 });
    for (int dy = -1; dy <= 1; ++dy) {
        for (int dx = -1; dx <= 1; ++dx) {
            if (dx || dy)
                map.at({ 60 + dx, 5 + dy }) = { Terrain::Grass, FireState::Burnt, 0, 0 };
        }
    }
    // Sector 15 (bottom right): one front cell close to a village.
    map.burn({ 50, 50 });
    Village villages[] = { { { 56, 56 }, 0, false }, { { 2, 40 }, 0, true } };
    std::vector<FrontSector> out(grid16().count());
    UrgencyWeights weights;
    auto count = list_front_sectors(map.view(), grid16(), Span<const Village>(villages, 2), weights, Span<FrontSector>(out.data(), out.size()));
    ASSERT_EQ(count.value(), 2u);
    // Sector 15: front 1, burning 1, village 6 away: 4 + 1 + (96 - 6) * 8 = 725.
    EXPECT_EQ(out[0].sector, 15u);
    EXPECT_EQ(out[0].urgency, 725u);
    EXPECT_EQ(out[0].village, 0u);
    EXPECT_EQ(out[0].village_distance, 6);
    EXPECT_EQ(out[0].target, (Point { 50, 50 }));
    // Sector 0: front 4, burning 4; the lost village does not count; the intact one is 54 away.
    EXPECT_EQ(out[1].sector, 0u);
    EXPECT_EQ(out[1].front, 4u);
    EXPECT_EQ(out[1].village_distance, 53);
    EXPECT_EQ(out[1].urgency, 4u * 4 + 4 + (96 - 53) * 8);
    EXPECT_EQ(out[1].target, (Point { 3, 3 }));
    // The priority village doubles its threat.
    weights.priority_village = 0;
    (void)list_front_sectors(map.view(), grid16(), Span<const Village>(villages, 2), weights, Span<FrontSector>(out.data(), out.size()));
    EXPECT_EQ(out[0].urgency, 4u + 1 + 2 * (96 - 6) * 8);
    EXPECT_EQ(list_front_sectors(map.view(), grid16(), {}, weights, Span<FrontSector>(out.data(), 3)).error(), Error::OutOfRange);
}

TEST(WildfireFireMap, StartsBlindAndTakesReports)
{
    Map truth;
    truth.burn({ 5, 5 });
    std::vector<Cell> storage(64 * 64);
    auto map = FireMap::create(truth.view(), Span<Cell>(storage.data(), storage.size())).release_value();
    EXPECT_EQ(map.view().at({ 5, 5 }).fire, FireState::Unburnt); // nobody has seen it yet
    EXPECT_EQ(map.view().at({ 5, 5 }).terrain, Terrain::Grass);
    Observation report[] = { { 5, 5, FireState::Burning, 90, 100 }, { 16, 5, FireState::Burnt, 0, 0 }, { 6, 5, FireState::Unburnt, 0, 100 } };
    auto applied = map.apply(Span<const Observation>(report, 3), grid16());
    EXPECT_EQ(applied.changed_cells, 2u);
    EXPECT_EQ(applied.changed_sectors, 2u);
    EXPECT_EQ(map.view().at({ 5, 5 }).fire, FireState::Burning);
    EXPECT_EQ(map.apply(Span<const Observation>(report, 3), grid16()).changed_cells, 0u);
    EXPECT_EQ(FireMap::create(truth.view(), Span<Cell>(storage.data(), 10)).error(), Error::OutOfRange);
}

TEST(WildfireAuction, CheapestDronesWinEachDroneWinsOnce)
{
    SectorDemand demands[] = { { 7, 2 }, { 3, 1 } };
    // Drone 1 is cheapest for both sectors; it wins sector 7 (auctioned first) and its bid on
    // sector 3 is withdrawn, so drone 4 gets sector 3.
    std::vector<SectorBid> bids = { { 1, 3, 10 }, { 1, 7, 20 }, { 2, 7, 50 }, { 3, 7, 30 }, { 4, 3, 40 }, { 5, 9, 1 }, { 6, 7, 0 } };
    std::vector<SealedBid> sealed(16);
    std::vector<Award> awards(4);
    std::vector<uint8_t> taken(8);
    std::vector<SectorAward> out(8);
    AuctionScratch scratch { Span<SealedBid>(sealed.data(), sealed.size()), Span<Award>(awards.data(), awards.size()), Span<uint8_t>(taken.data(), taken.size()) };
    auto count = auction_sectors(Span<const SectorDemand>(demands, 2), Span<SectorBid>(bids.data(), bids.size()), 100, scratch, Span<SectorAward>(out.data(), out.size()));
    ASSERT_EQ(count.value(), 3u);
    EXPECT_EQ(out[0].drone, 1u);
    EXPECT_EQ(out[0].sector, 7u);
    EXPECT_EQ(out[1].drone, 3u);
    EXPECT_EQ(out[1].sector, 7u);
    // Vickrey with 2 units: both pay the best losing cost (50).
    EXPECT_EQ(out[0].price, 50u);
    EXPECT_EQ(out[1].price, 50u);
    EXPECT_EQ(out[2].drone, 4u);
    EXPECT_EQ(out[2].sector, 3u);
    EXPECT_EQ(out[2].price, 100u); // no losing bid: the reserve, i.e. max_cost
    // Equal costs: the lower drone id wins, whatever the submission order.
    std::vector<SectorBid> ties = { { 6, 1, 5 }, { 2, 1, 5 } };
    SectorDemand one[] = { { 1, 1 } };
    count = auction_sectors(Span<const SectorDemand>(one, 1), Span<SectorBid>(ties.data(), ties.size()), 100, scratch, Span<SectorAward>(out.data(), out.size()));
    ASSERT_EQ(count.value(), 1u);
    EXPECT_EQ(out[0].drone, 2u);
    EXPECT_EQ(auction_sectors(Span<const SectorDemand>(demands, 2), Span<SectorBid>(bids.data(), bids.size()), 100, scratch, Span<SectorAward>(out.data(), 1)).error(), Error::OutOfRange);
}

TEST(WildfireVote, MajorityRunoffAndFallback)
{
    VillageCandidate candidates[] = { { 10, { 0, 0 }, 5 }, { 11, { 9, 9 }, 8 }, { 12, { 20, 20 }, 30 } };
    std::vector<Elector> electorate;
    for (AgentId id = 1; id <= 5; ++id)
        electorate.push_back({ id, 100, 0 });
    Span<Elector> voters(electorate.data(), electorate.size());
    // Everyone picks candidate 1: decided in the first round.
    auto vote = village_vote(Span<const VillageCandidate>(candidates, 3), voters, [](AgentId, Span<const VillageCandidate>) { return 1u; });
    EXPECT_EQ(vote.value().village, 11u);
    EXPECT_EQ(vote.value().first_round, OutcomeKind::Decided);
    EXPECT_FALSE(vote.value().runoff);
    EXPECT_EQ(vote.value().ballots, 5u);
    // 2 for A, 2 for B, 1 for C: a tie, no majority; the runoff between A and B: C's voter prefers B.
    auto split = [](AgentId id, Span<const VillageCandidate> options) -> uint32_t {
        uint32_t wanted = id <= 2 ? 10 : (id <= 4 ? 11 : 12);
        if (id == 5 && options.size() == 2)
            wanted = 11;
        for (uint32_t k = 0; k < options.size(); ++k) {
            if (options[k].village == wanted)
                return k;
        }
        return 0;
    };
    vote = village_vote(Span<const VillageCandidate>(candidates, 3), voters, split);
    EXPECT_EQ(vote.value().first_round, OutcomeKind::Tie);
    EXPECT_TRUE(vote.value().runoff);
    EXPECT_EQ(vote.value().village, 11u);
    EXPECT_EQ(vote.value().ballots, 10u);
    // Reputation weighs: a single heavy voter outweighs four light ones.
    electorate[0].weight = 1000;
    vote = village_vote(Span<const VillageCandidate>(candidates, 3), voters, [](AgentId id, Span<const VillageCandidate>) { return id == 1 ? 2u : 0u; });
    EXPECT_EQ(vote.value().village, 12u);
    EXPECT_EQ(village_vote(Span<const VillageCandidate>(candidates, 1), voters, split).error(), Error::InvalidArgument);
}

TEST(WildfireCrossCheck, AgreementOnTheInformativeOverlap)
{
    auto square = [](Rect area, FireState fire, uint8_t fuel) {
        std::vector<Observation> cells;
        for (int32_t y = area.y0; y < area.y1; ++y) {
            for (int32_t x = area.x0; x < area.x1; ++x)
                cells.push_back({ static_cast<int16_t>(x), static_cast<int16_t>(y), fire, 0, fuel });
        }
        return cells;
    };
    Rect a_area = Rect::around({ 10, 10 }, 4), b_area = Rect::around({ 14, 10 }, 4), far = Rect::around({ 40, 40 }, 4);
    auto a = square(a_area, FireState::Unburnt, 100), b = square(b_area, FireState::Unburnt, 100), c = square(far, FireState::Unburnt, 100);
    ObservationReport ra { 0, a_area, Span<const Observation>(a.data(), a.size()) };
    ObservationReport rb { 1, b_area, Span<const Observation>(b.data(), b.size()) };
    ObservationReport rc { 2, far, Span<const Observation>(c.data(), c.size()) };
    EXPECT_EQ(cross_check(ra, rb), Agreement::Agree);   // a 5x9 overlap of grass
    EXPECT_EQ(cross_check(ra, rc), Agreement::NoOverlap);
    b[4].fire = FireState::Burning;                      // (10, 6): inside the overlap
    EXPECT_EQ(cross_check(ra, rb), Agreement::Disagree);
    b[4].fire = FireState::Unburnt;
    // Over water (no fuel) nobody can lie: inconclusive.
    auto wa = square(a_area, FireState::Unburnt, 0), wb = square(b_area, FireState::Unburnt, 0);
    EXPECT_EQ(cross_check({ 0, a_area, Span<const Observation>(wa.data(), wa.size()) }, { 1, b_area, Span<const Observation>(wb.data(), wb.size()) }), Agreement::NoOverlap);

    // Witness selection: a and b witness each other, c has nobody.
    ObservationReport reports[] = { ra, rb, rc };
    std::vector<uint32_t> order(3), starts(grid16().count() + 1);
    std::vector<WitnessPair> pairs(9);
    WitnessScratch scratch { Span<uint32_t>(order.data(), 3), Span<uint32_t>(starts.data(), starts.size()) };
    auto count = pick_witnesses(Span<const ObservationReport>(reports, 3), grid16(), 4, 3, 0, scratch, Span<WitnessPair>(pairs.data(), pairs.size()));
    ASSERT_EQ(count.value(), 2u);
    EXPECT_EQ(pairs[0].witness, 1u);
    EXPECT_EQ(pairs[0].subject, 0u);
    EXPECT_EQ(pairs[1].witness, 0u);
    EXPECT_EQ(pairs[1].subject, 1u);
    EXPECT_EQ(pairs[1].agreement, Agreement::Agree);
    EXPECT_EQ(pick_witnesses(Span<const ObservationReport>(reports, 3), grid16(), 4, 3, 0, scratch, Span<WitnessPair>(pairs.data(), 1)).error(), Error::OutOfRange);
}
