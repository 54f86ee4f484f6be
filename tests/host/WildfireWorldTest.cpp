#include <gtest/gtest.h>
#include <set>
#include <user/wildfire/Random.h>
#include <user/wildfire/World.h>
#include <vector>

using namespace gehri;
using namespace gehri::wildfire;

namespace {

struct OwnedWorld {
    explicit OwnedWorld(WorldConfig config)
        : cells(World::cells_needed(config))
        , world(World::create(config, Span<Cell>(cells.data(), cells.size())).release_value())
    {
    }
    std::vector<Cell> cells;
    World world;
};

WorldConfig quiet_config(uint64_t seed = 1)
{
    WorldConfig config;
    config.seed = seed;
    config.place_ignition = false;
    return config;
}

Point first_cell(const World& world, Terrain terrain, int32_t margin = 2)
{
    for (int32_t y = margin; y < world.config().height - margin; ++y) {
        for (int32_t x = margin; x < world.config().width - margin; ++x) {
            if (world.at({ x, y }).terrain == terrain)
                return { x, y };
        }
    }
    return { -1, -1 };
}

} // namespace

TEST(WildfireRandom, Xoshiro256StarStarMatchesTheReferenceOutput)
{
    // Reference outputs of xoshiro256** (Vigna's xoshiro256starstar.c, written out here) from
    // the state {1, 2, 3, 4}.
    uint64_t state[4] = { 1, 2, 3, 4 };
    auto rotl = [](uint64_t x, int k) { return (x << k) | (x >> (64 - k)); };
    auto reference = [&]() {
        uint64_t result = rotl(state[1] * 5, 7) * 9;
        uint64_t t = state[1] << 17;
        state[2] ^= state[0];
        state[3] ^= state[1];
        state[1] ^= state[2];
        state[0] ^= state[3];
        state[2] ^= t;
        state[3] = rotl(state[3], 45);
        return result;
    };
    Random ours = Random::from_state(1, 2, 3, 4);
    EXPECT_EQ(ours.next(), 11520u); // 2 * 5 = 10, rotl 7 = 1280, * 9
    EXPECT_EQ(reference(), 11520u);
    for (int i = 0; i < 1000; ++i)
        ASSERT_EQ(ours.next(), reference()) << i;
    // SplitMix64 seeding: equal seeds, equal streams; different seeds differ.
    // Our generator is the same algorithm: equal seeds, equal streams; different seeds differ.
    Random a(42), b(42), c(43);
    bool differs = false;
    for (int i = 0; i < 100; ++i) {
        uint64_t x = a.next();
        EXPECT_EQ(x, b.next());
        differs |= x != c.next();
    }
    EXPECT_TRUE(differs);
}

TEST(WildfireRandom, BelowIsInRangeAndRoughlyUniform)
{
    Random random(7);
    int counts[6] = {};
    for (int i = 0; i < 60000; ++i) {
        uint32_t value = random.below(6);
        ASSERT_LT(value, 6u);
        ++counts[value];
    }
    for (int count : counts) {
        EXPECT_GT(count, 9400);
        EXPECT_LT(count, 10600);
    }
    EXPECT_EQ(random.below(0), 0u);
    EXPECT_EQ(random.between(5, 5), 5);
    EXPECT_EQ(random.between(5, 2), 5);
    for (int i = 0; i < 1000; ++i) {
        int32_t v = random.between(-3, 3);
        EXPECT_GE(v, -3);
        EXPECT_LE(v, 3);
    }
}

TEST(WildfireRandom, EventChanceFollowsItsProbabilityAndItsInputsOnly)
{
    int hits = 0;
    for (uint64_t i = 0; i < 65536; ++i)
        hits += event_chance(probability_one / 4, 9, i, 1, 2);
    EXPECT_NEAR(hits, 16384, 700);
    EXPECT_EQ(event_hash(1, 2, 3, 4), event_hash(1, 2, 3, 4));
    EXPECT_NE(event_hash(1, 2, 3, 4), event_hash(1, 2, 3, 5));
    EXPECT_NE(event_hash(1, 2, 3, 4), event_hash(2, 2, 3, 4));
    EXPECT_FALSE(event_chance(0, 1, 2));
    EXPECT_TRUE(event_chance(probability_one, 1, 2));
    // Independent streams per id.
    Random d0 = Random::for_stream(5, 0), d1 = Random::for_stream(5, 1);
    EXPECT_NE(d0.next(), d1.next());
}

TEST(WildfireWorld, RejectsBadConfigurationsAndSmallStorage)
{
    WorldConfig config = quiet_config();
    config.width = 8;
    std::vector<Cell> cells(256 * 256);
    EXPECT_EQ(World::create(config, Span<Cell>(cells.data(), cells.size())).error(), Error::InvalidArgument);
    config = quiet_config();
    config.village_count = World::max_villages + 1;
    EXPECT_EQ(World::create(config, Span<Cell>(cells.data(), cells.size())).error(), Error::InvalidArgument);
    config = quiet_config();
    EXPECT_EQ(World::create(config, Span<Cell>(cells.data(), 100)).error(), Error::OutOfRange);
    EXPECT_EQ(World::cells_needed(config), 256u * 256u);
}

TEST(WildfireWorld, GeneratesTerrainVillagesBasesAndASeedFire)
{
    WorldConfig config;
    OwnedWorld owned(config);
    const World& world = owned.world;
    EXPECT_EQ(world.villages().size(), config.village_count);
    for (const Village& village : world.villages()) {
        EXPECT_GE(distance(village.centre, world.ignition()), config.village_min_distance);
        EXPECT_EQ(world.at(village.centre).terrain, Terrain::Village);
        EXPECT_FALSE(village.lost);
    }
    ASSERT_EQ(world.bases().size(), World::base_count);
    EXPECT_EQ(world.bases()[0], (Point { 64, 64 }));
    EXPECT_EQ(world.at(world.bases()[3]).terrain, Terrain::Base);
    EXPECT_TRUE(world.at(world.ignition()).is_burning());
    EXPECT_GE(world.burning_count(), 1u);
    std::set<Terrain> seen;
    for (const Cell& cell : owned.cells)
        seen.insert(cell.terrain);
    for (Terrain terrain : { Terrain::Grass, Terrain::Brush, Terrain::Forest, Terrain::Rock, Terrain::Water })
        EXPECT_TRUE(seen.count(terrain)) << static_cast<int>(terrain);
    EXPECT_EQ(world.nearest_base({ 250, 250 }), (Point { 192, 192 }));
}

TEST(WildfireWorld, SameSeedSameHistoryDifferentSeedDifferentMap)
{
    WorldConfig config;
    OwnedWorld a(config), b(config);
    config.seed = 2;
    OwnedWorld c(config);
    EXPECT_NE(a.world.digest(), c.world.digest());
    for (int i = 0; i < 100; ++i) {
        a.world.step();
        b.world.step();
    }
    EXPECT_EQ(a.world.digest(), b.world.digest());
    EXPECT_EQ(a.world.wind(), b.world.wind());
    EXPECT_GT(a.world.stats().burnt, 0u);
}

TEST(WildfireWorld, SpreadProbabilityFollowsFuelWindAndDiagonals)
{
    WorldConfig config = quiet_config();
    config.initial_wind = { Direction::East, 2 };
    OwnedWorld owned(config);
    const World& world = owned.world;
    Cell brush { Terrain::Brush, FireState::Unburnt, 255, 0 };
    // Brush, full fuel, downwind at strength 2: spread * (256 + 2 * 128) / 256 = 2 * spread.
    EXPECT_EQ(world.spread_probability(brush, Direction::East), 2 * config.spread);
    EXPECT_EQ(world.spread_probability(brush, Direction::North), config.spread);
    EXPECT_EQ(world.spread_probability(brush, Direction::West), config.spread * (256 - 76) / 256);
    EXPECT_EQ(world.spread_probability(brush, Direction::NorthEast), static_cast<uint64_t>(config.spread) * (256 + 128) / 256 * 181 / 256);
    Cell half { Terrain::Brush, FireState::Unburnt, 127, 0 };
    EXPECT_LT(world.spread_probability(half, Direction::North), config.spread / 2 + 1);
    EXPECT_EQ(world.spread_probability({ Terrain::Water, FireState::Unburnt, 0, 0 }, Direction::East), 0u);
    EXPECT_EQ(world.spread_probability({ Terrain::Brush, FireState::Burnt, 0, 0 }, Direction::East), 0u);
}

TEST(WildfireWorld, FireSpreadsBurnsOutAndNeverCrossesWater)
{
    WorldConfig config = quiet_config();
    config.spread = probability_one - 1; // fast spread
    config.wind_period = 0;
    config.initial_wind = { Direction::East, 0 };
    OwnedWorld owned(config);
    World& world = owned.world;
    Point start = first_cell(world, Terrain::Forest, 10);
    ASSERT_TRUE(world.ignite(start).is_ok());
    EXPECT_EQ(world.ignite(start).error(), Error::InvalidArgument); // already burning
    EXPECT_EQ(world.ignite({ -1, 0 }).error(), Error::OutOfRange);
    world.step(); // only neighbours can catch fire in one tick, and they do not spread yet
    int caught = 0;
    for (int32_t y = 0; y < config.height; ++y) {
        for (int32_t x = 0; x < config.width; ++x) {
            if (!world.at({ x, y }).is_burning())
                continue;
            EXPECT_LE(distance({ x, y }, start), 1) << x << "," << y;
            ++caught;
        }
    }
    EXPECT_GT(caught, 1);
    EXPECT_EQ(static_cast<uint32_t>(caught), world.burning_count());
    for (int i = 0; i < 40; ++i)
        world.step();
    // Forest burns at most 255 / burn_rate + 1 ticks: the start is burnt out by now.
    EXPECT_EQ(world.at(start).fire, FireState::Burnt);
    EXPECT_EQ(world.at(start).fuel, 0);
    for (const Cell& cell : owned.cells) {
        if (cell.terrain == Terrain::Water || cell.terrain == Terrain::Rock || cell.terrain == Terrain::Base) {
            EXPECT_EQ(cell.fire, FireState::Unburnt);
        }
    }
}

TEST(WildfireWorld, SuppressionWetsCellsAndContainsAFire)
{
    WorldConfig config = quiet_config();
    OwnedWorld owned(config);
    World& world = owned.world;
    Point start = first_cell(world, Terrain::Forest, 10);
    EXPECT_TRUE(world.is_contained()); // nothing burns
    ASSERT_TRUE(world.ignite(start).is_ok());
    EXPECT_FALSE(world.is_contained());
    // Wet every neighbour: the fire is surrounded, hence contained while it still burns.
    for (uint32_t d = 0; d < direction_count; ++d) {
        Point v = direction_vector(static_cast<Direction>(d));
        (void)world.suppress({ start.x + v.x, start.y + v.y }, 1);
    }
    EXPECT_TRUE(world.is_contained());
    EXPECT_EQ(world.burning_count(), 1u);
    uint8_t intensity = world.at(start).intensity;
    EXPECT_TRUE(world.suppress(start, 1).value());
    EXPECT_EQ(world.at(start).intensity, intensity - 1);
    EXPECT_TRUE(world.suppress(start, 255).value());
    EXPECT_EQ(world.at(start).fire, FireState::Suppressed);
    EXPECT_EQ(world.burning_count(), 0u);
    EXPECT_FALSE(world.suppress(start, 255).value()); // nothing left to do
    EXPECT_EQ(world.suppress({ 0, 9999 }, 1).error(), Error::OutOfRange);
    Point water = first_cell(world, Terrain::Water);
    EXPECT_FALSE(world.suppress(water, 10).value());
}

TEST(WildfireWorld, ObserveReturnsTheClippedSquareRowMajor)
{
    OwnedWorld owned(quiet_config());
    World& world = owned.world;
    Observation out[81];
    auto count = world.observe({ 100, 50 }, 4, Span<Observation>(out, 81));
    ASSERT_EQ(count.value(), 81u);
    EXPECT_EQ(out[0].point(), (Point { 96, 46 }));
    EXPECT_EQ(out[80].point(), (Point { 104, 54 }));
    EXPECT_EQ(out[10].point(), (Point { 97, 47 }));
    EXPECT_EQ(out[40].fuel, world.at({ 100, 50 }).fuel);
    // A corner: only the 5x5 part inside the map.
    ASSERT_EQ(world.observe({ 0, 0 }, 4, Span<Observation>(out, 81)).value(), 25u);
    EXPECT_EQ(out[24].point(), (Point { 4, 4 }));
    EXPECT_EQ(world.observe({ 100, 50 }, 4, Span<Observation>(out, 80)).error(), Error::OutOfRange);
    EXPECT_EQ(World::observed_area({ 255, 255 }, 2, 256, 256), (Rect { 253, 253, 256, 256 }));
}

TEST(WildfireWorld, WindChangesSlowlyAndStaysInRange)
{
    WorldConfig config = quiet_config();
    config.wind_period = 5;
    OwnedWorld owned(config);
    World& world = owned.world;
    Wind previous = world.wind();
    int changes = 0;
    for (int i = 1; i <= 500; ++i) {
        world.step();
        Wind now = world.wind();
        EXPECT_LE(now.strength, max_wind_strength);
        if (i % 5 != 0) {
            EXPECT_EQ(now, previous);
        } else {
            EXPECT_LE(angle_between(now.toward, previous.toward), 1u);
            EXPECT_LE(absolute(now.strength - previous.strength), 1);
            changes += !(now == previous);
        }
        previous = now;
    }
    EXPECT_GT(changes, 30);
}

TEST(WildfireWorld, AnUnfoughtFireBurnsVillagesDown)
{
    // The baseline the swarm is measured against: no drones, default seed.
    OwnedWorld owned(WorldConfig {});
    for (int i = 0; i < 600; ++i)
        owned.world.step();
    WorldStats stats = owned.world.stats();
    EXPECT_GT(stats.burnt, 10000u);
    EXPECT_GE(stats.villages_lost, 1u);
}
