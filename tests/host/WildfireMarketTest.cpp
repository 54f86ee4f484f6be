#include <gtest/gtest.h>
#include <kernel/govern/AwardAuctions.h>
#include <kernel/lib/Sort.h>
#include <tests/host/support/CollectiveTestSupport.h>
#include <user/wildfire/Scenario.h>
#include <vector>

// The demo's sector auctions held the way the agents hold them (agents/wildfire/KernelMarket):
// in the kernel's award auctions (the same AwardAuctions class), with bidders known by agent
// ids that are not in drone order and bids arriving in any order. The run must decide exactly
// what the in-process model decides, digest included.
using namespace gehri;
using namespace gehri::wildfire;

namespace {

constexpr collective::AgentId coordinator = 1;

// Agent ids as a restarted swarm has them: unrelated to the drone index's order.
uint64_t agent_of(uint32_t drone) { return 5000 + (static_cast<uint64_t>(drone) * 7919 + 13) % 100'003; }

class AwardMarket final : public SectorMarket {
public:
    AwardMarket(uint32_t drones, collective::AuditTrail& trail)
        : m_auctions(trail)
        , m_taken(drones)
    {
        for (uint32_t drone = 0; drone < drones; ++drone)
            m_by_agent.push_back({ agent_of(drone), drone });
        heap_sort(Span<std::pair<uint64_t, uint32_t>>(m_by_agent.data(), m_by_agent.size()), [](const auto& a, const auto& b) { return a.first < b.first; });
    }

    Result<void> open(Span<const SectorDemand> demands, Span<uint64_t> ids) override
    {
        m_open.clear();
        for (size_t k = 0; k < demands.size(); ++k) {
            govern::AwardSpec spec;
            spec.units = demands[k].units;
            spec.reserve_price = sector_reserve;
            spec.max_bids = static_cast<uint32_t>(m_taken.size());
            ids[k] = TRY(m_auctions.open(coordinator, spec, 0));
            m_open.push_back(ids[k]);
        }
        return {};
    }

    Result<size_t> settle(Span<const SectorDemand> demands, Span<SectorBid> bids, Span<const uint32_t>, uint64_t max_cost, Span<SectorAward> out) override
    {
        // The drones bid themselves, in whatever order they run: here, backwards.
        for (size_t i = bids.size(); i-- > 0;) {
            const SectorBid& bid = bids[i];
            for (size_t k = 0; k < demands.size(); ++k) {
                if (demands[k].sector == bid.sector && bid.cost >= 1 && bid.cost <= max_cost) {
                    EXPECT_TRUE(m_auctions.bid(agent_of(bid.drone), m_open[k], sector_bid_amount(bid.cost, max_cost, bid.drone)).is_ok());
                }
            }
        }
        std::fill(m_taken.begin(), m_taken.end(), 0);
        size_t written = 0;
        std::vector<collective::Award> winners(m_taken.size());
        for (size_t k = 0; k < demands.size(); ++k) {
            for (const SectorBid& bid : bids) {
                if (bid.sector == demands[k].sector && m_taken[bid.drone]) {
                    EXPECT_TRUE(m_auctions.exclude(coordinator, m_open[k], agent_of(bid.drone)).value());
                }
            }
            TRY(m_auctions.settle(coordinator, m_open[k], 0));
            size_t count = TRY(m_auctions.awards(coordinator, m_open[k], Span<collective::Award>(winners.data(), winners.size())));
            for (size_t i = 0; i < count && written < out.size(); ++i) {
                uint32_t drone = drone_of(winners[i].bidder);
                EXPECT_FALSE(m_taken[drone]);
                m_taken[drone] = 1;
                out[written++] = { drone, demands[k].sector, sector_price_cost(winners[i].price, max_cost) };
            }
        }
        ++m_rounds;
        return written;
    }

    uint64_t rounds() const { return m_rounds; }

private:
    uint32_t drone_of(uint64_t agent) const
    {
        Span<const std::pair<uint64_t, uint32_t>> sorted(m_by_agent.data(), m_by_agent.size());
        size_t at = lower_bound(sorted, agent, [](const auto& entry, uint64_t id) { return entry.first < id; });
        EXPECT_LT(at, m_by_agent.size());
        return m_by_agent[at].second;
    }

    govern::AwardAuctions m_auctions;
    std::vector<std::pair<uint64_t, uint32_t>> m_by_agent;
    std::vector<uint8_t> m_taken;
    std::vector<uint64_t> m_open;
    uint64_t m_rounds { 0 };
};

size_t window(const ScenarioConfig& config)
{
    size_t side = static_cast<size_t>(2 * config.drone.observe_radius + 1);
    return side * side;
}

ScenarioReport run_with_award_market(const ScenarioConfig& config, uint64_t& rounds)
{
    Arena measuring = Arena::measuring();
    LocalFleet sizing(measuring, config.drones, window(config), Scenario::mind_settings(config));
    std::vector<uint8_t> minds_bytes(measuring.used() + 64);
    Arena minds_arena(Span<uint8_t>(minds_bytes.data(), minds_bytes.size()));
    LocalFleet minds(minds_arena, config.drones, window(config), Scenario::mind_settings(config));
    std::vector<uint8_t> world(Scenario::bytes_needed(config, Scenario::Minds::Remote));
    collective::testing::AuditFixture audit;
    AwardMarket market(config.drones, audit.trail);
    auto scenario = Scenario::create(config, Span<uint8_t>(world.data(), world.size()), minds, &market);
    EXPECT_TRUE(scenario.is_ok());
    ScenarioReport report = scenario.value().run();
    rounds = market.rounds();
    return report;
}

ScenarioReport local_run(const ScenarioConfig& config)
{
    std::vector<uint8_t> arena(Scenario::bytes_needed(config));
    return Scenario::create(config, Span<uint8_t>(arena.data(), arena.size())).release_value().run();
}

} // namespace

TEST(WildfireMarket, AwardAuctionsWithUnorderedAgentIdsDecideAsTheModel)
{
    for (uint64_t seed : { 3u, 5u }) {
        ScenarioConfig config;
        config.drones = 150;
        config.rogues = 2;
        config.world.seed = seed;
        uint64_t rounds = 0;
        ScenarioReport kernel = run_with_award_market(config, rounds);
        ScenarioReport model = local_run(config);
        EXPECT_GT(rounds, 10u);
        EXPECT_GT(model.decisions.auctions, 10u);
        EXPECT_EQ(kernel.decisions.auctions, model.decisions.auctions);
        EXPECT_EQ(kernel.messages.bids, model.messages.bids);
        EXPECT_EQ(kernel.digest, model.digest) << "seed " << seed;
    }
}

TEST(WildfireMarket, BidAmountsAreUniqueAndRankCheapestThenLowerDrone)
{
    constexpr uint64_t max_cost = 18385;
    EXPECT_GT(sector_bid_amount(10, max_cost, 900), sector_bid_amount(11, max_cost, 0));
    EXPECT_GT(sector_bid_amount(10, max_cost, 4), sector_bid_amount(10, max_cost, 5));
    EXPECT_GE(sector_bid_amount(max_cost, max_cost, max_ranked_drones - 1), sector_reserve);
    EXPECT_EQ(sector_price_cost(sector_bid_amount(77, max_cost, 3), max_cost), 77u);
    EXPECT_EQ(sector_price_cost(sector_reserve, max_cost), max_cost);
}
