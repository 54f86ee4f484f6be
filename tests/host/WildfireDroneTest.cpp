#include <gtest/gtest.h>
#include <user/wildfire/Drone.h>
#include <vector>

using namespace gehri;
using namespace gehri::wildfire;

namespace {

// The observations of a square of grass around `centre`, with the given cells burning.
std::vector<Observation> window(Point centre, int32_t radius, std::initializer_list<Point> burning)
{
    std::vector<Observation> cells;
    for (int32_t y = centre.y - radius; y <= centre.y + radius; ++y) {
        for (int32_t x = centre.x - radius; x <= centre.x + radius; ++x) {
            Observation cell { static_cast<int16_t>(x), static_cast<int16_t>(y), FireState::Unburnt, 0, 100 };
            for (Point p : burning) {
                if (p == Point { x, y })
                    cell = { cell.x, cell.y, FireState::Burning, 100, 100 };
            }
            cells.push_back(cell);
        }
    }
    return cells;
}

Span<const Observation> view(const std::vector<Observation>& cells) { return { cells.data(), cells.size() }; }

} // namespace

TEST(WildfireDrone, BidCostPrefersNearAndChargedDrones)
{
    DroneConfig config;
    Drone drone(3, { 50, 50 }, 1, false, 256, 256, config);
    EXPECT_TRUE(drone.is_free());
    EXPECT_EQ(drone.bid_cost({ 60, 50 }, config), 10u * 16);
    EXPECT_LT(drone.bid_cost({ 60, 50 }, config), drone.bid_cost({ 90, 50 }, config));
    // Unreachable with a working margin and the flight home: no bid.
    EXPECT_EQ(drone.bid_cost({ 50, 50 + config.battery_capacity / 2 }, config), Drone::no_bid);
    drone.grant({ 0, { 0, 0, 16, 16 }, { 60, 50 } });
    EXPECT_EQ(drone.bid_cost({ 60, 50 }, config), Drone::no_bid); // busy
    Drone rogue(4, { 50, 50 }, 1, true, 256, 256, config);
    EXPECT_EQ(rogue.bid_cost({ 250, 250 }, config), 1u); // claims everything
}

TEST(WildfireDrone, TravelsToItsSectorSuppressesTheFrontAndReleasesWhenClear)
{
    DroneConfig config;
    Drone drone(0, { 10, 10 }, 1, false, 256, 256, config);
    drone.grant({ 5, { 32, 0, 48, 16 }, { 40, 10 } });
    EXPECT_EQ(drone.state(), DroneState::Travel);
    auto empty = window(drone.position(), 4, {});
    DroneAction action = drone.decide(view(empty), config);
    EXPECT_EQ(action, (DroneAction { ActionKind::Move, { 12, 10 } })); // two cells per tick
    drone.commit(action, config);
    EXPECT_EQ(drone.battery(), config.battery_capacity - 2);
    // Next to a burning front cell: suppress it.
    for (int i = 0; i < 20 && distance(drone.position(), { 40, 10 }) > 3; ++i) {
        auto seen = window(drone.position(), 4, {});
        drone.commit(drone.decide(view(seen), config), config);
    }
    auto fire = window(drone.position(), 4, { { drone.position().x + 1, drone.position().y } });
    action = drone.decide(view(fire), config);
    EXPECT_EQ(action.kind, ActionKind::Suppress);
    EXPECT_EQ(action.target, (Point { drone.position().x + 1, drone.position().y }));
    EXPECT_EQ(drone.state(), DroneState::Suppress);
    // Nothing burning and at the target: the sector is clear.
    for (int i = 0; i < 10 && drone.has_lease(); ++i) {
        auto seen = window(drone.position(), 4, {});
        drone.commit(drone.decide(view(seen), config), config);
    }
    EXPECT_FALSE(drone.has_lease());
    EXPECT_TRUE(drone.take_released());
    EXPECT_FALSE(drone.take_released());
    EXPECT_EQ(drone.state(), DroneState::Explore);
}

TEST(WildfireDrone, ReturnsToRechargeBeforeTheBatteryRunsOut)
{
    DroneConfig config;
    config.battery_capacity = 60;
    Drone drone(0, { 10, 10 }, 7, false, 256, 256, config);
    int flights = 0;
    bool recharged = false;
    for (int tick = 0; tick < 400; ++tick) {
        auto seen = window(drone.position(), 1, {});
        DroneAction action = drone.decide(view(seen), config);
        drone.commit(action, config);
        ASSERT_GT(drone.battery(), 0) << "tick " << tick;
        flights += drone.state() == DroneState::Return;
        recharged |= action.kind == ActionKind::Recharge;
    }
    EXPECT_GT(flights, 0);
    EXPECT_TRUE(recharged);
}

TEST(WildfireDrone, ExplorationIsDeterministicPerSeedAndId)
{
    DroneConfig config;
    Drone a(5, { 64, 64 }, 9, false, 256, 256, config), b(5, { 64, 64 }, 9, false, 256, 256, config), c(6, { 64, 64 }, 9, false, 256, 256, config);
    bool diverged = false;
    for (int i = 0; i < 50; ++i) {
        auto seen = window(a.position(), 1, {});
        DroneAction x = a.decide(view(seen), config), y = b.decide(view(seen), config), z = c.decide(view(seen), config);
        EXPECT_EQ(x, y);
        diverged |= !(x == z);
        a.commit(x, config);
        b.commit(y, config);
        c.commit(z, config);
    }
    EXPECT_TRUE(diverged);
    EXPECT_EQ(a.digest(), b.digest());
}

TEST(WildfireDrone, RoguesLieConsistentlyAndIgnoreTheirLeases)
{
    DroneConfig config;
    Drone honest(0, { 20, 20 }, 3, false, 256, 256, config), rogue(1, { 20, 20 }, 3, true, 256, 256, config), other(2, { 20, 20 }, 3, true, 256, 256, config);
    auto seen = window({ 20, 20 }, 4, { { 20, 20 } });
    std::vector<Observation> a(seen.size()), b(seen.size()), c(seen.size());
    EXPECT_EQ(honest.report(view(seen), Span<Observation>(a.data(), a.size()), 3), seen.size());
    (void)rogue.report(view(seen), Span<Observation>(b.data(), b.size()), 3);
    (void)other.report(view(seen), Span<Observation>(c.data(), c.size()), 3);
    EXPECT_EQ(a, seen);
    EXPECT_NE(b, seen);
    EXPECT_EQ(b, c); // the rogues tell the same lie
    EXPECT_EQ(b[40].fire, FireState::Unburnt); // the real fire is hidden
    int phantoms = 0;
    for (const Observation& cell : b)
        phantoms += cell.fire == FireState::Burning;
    EXPECT_GT(phantoms, 10);
    rogue.grant({ 0, { 100, 100, 116, 116 }, { 108, 108 } });
    EXPECT_EQ(rogue.state(), DroneState::Explore);
    for (int i = 0; i < 30; ++i) {
        auto around = window(rogue.position(), 4, {});
        rogue.commit(rogue.decide(view(around), config), config);
    }
    EXPECT_TRUE(rogue.has_lease()); // holds it, never works it
}

TEST(WildfireDrone, CrashAndRestart)
{
    DroneConfig config;
    Drone drone(0, { 10, 10 }, 1, false, 256, 256, config);
    drone.grant({ 0, { 0, 0, 16, 16 }, { 5, 5 } });
    drone.crash();
    EXPECT_EQ(drone.state(), DroneState::Crashed);
    EXPECT_FALSE(drone.has_lease());
    EXPECT_FALSE(drone.is_flying());
    EXPECT_EQ(drone.decide({}, config).kind, ActionKind::None);
    drone.restart({ 64, 64 });
    EXPECT_EQ(drone.position(), (Point { 64, 64 }));
    EXPECT_EQ(drone.state(), DroneState::Recharge);
    EXPECT_EQ(drone.incarnation(), 1u);
}
