#include <chrono>
#include <gtest/gtest.h>
#include <user/wildfire/Scenario.h>
#include <vector>

using namespace gehri;
using namespace gehri::wildfire;

namespace {

struct OwnedScenario {
    explicit OwnedScenario(const ScenarioConfig& config)
        : arena(Scenario::bytes_needed(config))
        , scenario(Scenario::create(config, Span<uint8_t>(arena.data(), arena.size())).release_value())
    {
    }
    std::vector<uint8_t> arena;
    Scenario scenario;
};

ScenarioReport run(const ScenarioConfig& config)
{
    OwnedScenario owned(config);
    return owned.scenario.run();
}

} // namespace

TEST(WildfireScenario, RejectsBadConfigurationsAndSmallArenas)
{
    ScenarioConfig config;
    config.drones = 0;
    EXPECT_EQ(Scenario::bytes_needed(config), 0u);
    std::vector<uint8_t> bytes(1 << 20);
    EXPECT_EQ(Scenario::create(config, Span<uint8_t>(bytes.data(), bytes.size())).error(), Error::InvalidArgument);
    config = {};
    config.rogues = config.drones + 1;
    EXPECT_EQ(Scenario::create(config, Span<uint8_t>(bytes.data(), bytes.size())).error(), Error::InvalidArgument);
    config = {};
    EXPECT_GT(Scenario::bytes_needed(config), bytes.size());
    EXPECT_EQ(Scenario::create(config, Span<uint8_t>(bytes.data(), bytes.size())).error(), Error::OutOfRange);
}

// The demo's default: 1,000 drones, 10 rogues, seed 1. The fire is contained, no village is
// lost, every rogue and no honest drone is quarantined, and the run is bit-identical twice.
TEST(WildfireScenario, DefaultSeedThousandDronesContainsTheFireAndCatchesTheRogues)
{
    ScenarioConfig config;
    auto start = std::chrono::steady_clock::now();
    ScenarioReport first = run(config);
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    ScenarioReport second = run(config);
    EXPECT_TRUE(first.contained);
    EXPECT_LT(first.containment_tick, config.ticks);
    EXPECT_EQ(first.villages, 6u);
    EXPECT_EQ(first.villages_lost, 0u);
    EXPECT_EQ(first.rogues, 10u);
    EXPECT_EQ(first.rogues_quarantined, 10u);
    EXPECT_EQ(first.honest_quarantined, 0u);
    EXPECT_GT(first.crashes, 0u);
    EXPECT_GT(first.restarts, 0u);
    EXPECT_GE(first.crashes, first.restarts); // a restart follows its crash after a delay
    EXPECT_GT(first.decisions.auctions, 10u);
    EXPECT_GT(first.decisions.reauctions, 0u);
    EXPECT_GT(first.decisions.revocations, 0u); // rogues' unworked leases
    EXPECT_GT(first.messages.observations, 1000u * (first.ticks - config.head_start) / 2);
    EXPECT_GT(first.messages.bids, 0u);
    EXPECT_GT(first.messages.feedback, 0u);
    EXPECT_EQ(first.feedback_dropped, 0u);
    EXPECT_GT(first.suppressed_cells, 0u);
    EXPECT_EQ(first.digest, second.digest);
    EXPECT_EQ(first.ticks, second.ticks);
    EXPECT_EQ(first.messages.total(), second.messages.total());
    EXPECT_EQ(first.burned_cells, second.burned_cells);
    std::printf("[wildfire] seed 1, 1000 drones: contained at tick %llu, %u cells burned, %llu messages, %llu decisions, %.1f ticks/s (this build)\n",
        static_cast<unsigned long long>(first.containment_tick), first.burned_cells, static_cast<unsigned long long>(first.messages.total()),
        static_cast<unsigned long long>(first.decisions.total()), static_cast<double>(first.ticks - config.head_start) / seconds);
}

TEST(WildfireScenario, DifferentSeedsDiffer)
{
    ScenarioConfig config;
    config.drones = 300;
    config.rogues = 3;
    config.ticks = 200;
    ScenarioReport a = run(config);
    config.world.seed = 2;
    ScenarioReport b = run(config);
    EXPECT_NE(a.digest, b.digest);
}

TEST(WildfireScenario, TheSwarmSavesWhatTheFireWouldBurn)
{
    ScenarioConfig config;
    config.drones = 300;
    config.rogues = 3;
    config.ticks = 400;
    config.stop_when_contained = false;
    ScenarioReport with = run(config);
    std::vector<Cell> cells(World::cells_needed(config.world));
    World alone = World::create(config.world, Span<Cell>(cells.data(), cells.size())).release_value();
    for (uint64_t i = 0; i < config.ticks; ++i)
        alone.step();
    EXPECT_LT(with.burned_cells * 3, alone.stats().burnt + alone.stats().burning);
    EXPECT_LE(with.villages_lost, alone.stats().villages_lost);
}

TEST(WildfireScenario, StepByStepMatchesRunAndMarkersShowEveryDrone)
{
    ScenarioConfig config;
    config.drones = 120;
    config.rogues = 4;
    config.ticks = 150;
    config.stop_when_contained = false;
    OwnedScenario stepped(config);
    while (stepped.scenario.tick() < config.ticks)
        stepped.scenario.step();
    EXPECT_EQ(stepped.scenario.report().digest, run(config).digest);
    std::vector<Marker> markers(config.drones);
    EXPECT_EQ(stepped.scenario.markers(Span<Marker>(markers.data(), markers.size())), config.drones);
    uint32_t quarantined = 0;
    for (uint32_t i = 0; i < config.drones; ++i)
        quarantined += stepped.scenario.is_quarantined(i);
    EXPECT_EQ(quarantined, stepped.scenario.report().rogues_quarantined + stepped.scenario.report().honest_quarantined);
}
