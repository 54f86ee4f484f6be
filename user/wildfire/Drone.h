#pragma once

#include <kernel/lib/Span.h>
#include <user/wildfire/Cell.h>
#include <user/wildfire/Geometry.h>
#include <user/wildfire/Random.h>

namespace gehri::wildfire {

enum class DroneState : uint8_t { Explore, Travel, Suppress, Return, Recharge, Crashed };

struct DroneConfig {
    int32_t battery_capacity { 500 };
    int32_t move_cost { 1 };     // per cell flown
    int32_t hover_cost { 1 };    // per tick spent without moving (suppressing included)
    int32_t suppress_cost { 2 }; // on top of hovering
    int32_t recharge_rate { 50 };
    int32_t reserve { 12 };      // battery kept beyond the flight home
    int32_t min_work { 40 };     // battery a drone must have left at a sector to bid for it
    int32_t speed { 2 };         // cells per tick
    int32_t observe_radius { 4 };
    int32_t work_margin { 2 };   // a drone chases fire this far outside its sector
    uint8_t suppress_power { 96 };
};

// A drone's claim on a sector: granted by an auction, dropped when the sector is clear, the
// battery runs low, the drone crashes, or the coordinator revokes it.
struct Lease {
    uint32_t sector { 0 };
    Rect area {};
    Point target {}; // where the coordinator last saw the front nearest a village
};

enum class ActionKind : uint8_t { None, Hover, Move, Suppress, Recharge };

struct DroneAction {
    ActionKind kind { ActionKind::None };
    Point target {}; // Move: the position after this tick; Suppress: the cell to wet
    constexpr bool operator==(const DroneAction&) const = default;
};

// One drone as a pure state machine: decide() looks only at the drone's own state and its
// local observations and returns an action; commit() applies the action's effect on the drone
// (the world applies the effect on the map). A drone agent wraps exactly this. Rogue drones
// lie in report(), bid the lowest possible cost for everything, and never fly to a sector they
// won.
class Drone {
public:
    static constexpr uint64_t no_bid = UINT64_MAX;

    Drone()
        : Drone(0, {}, 0, false, 1, 1, DroneConfig {})
    {
    }
    Drone(uint32_t id, Point base, uint64_t seed, bool rogue, int32_t map_width, int32_t map_height, const DroneConfig& config);

    // The cost of taking a sector whose work is at `target`, lower is better: 16 per cell to fly
    // plus 4 per unit of battery already used. no_bid if the drone cannot fly there, work
    // min_work and fly home, or is not free to take work.
    uint64_t bid_cost(Point target, const DroneConfig& config) const;
    bool is_free() const { return m_state == DroneState::Explore && !m_has_lease; }
    bool is_flying() const { return m_state != DroneState::Recharge && m_state != DroneState::Crashed; }

    void grant(const Lease& lease);
    void retarget(Point target) { m_lease.target = target; }
    void revoke();
    // True once after the drone gave up its lease (sector clear, or battery low).
    bool take_released() { bool released = m_released; m_released = false; return released; }

    DroneAction decide(Span<const Observation> local, const DroneConfig& config);
    void commit(const DroneAction& action, const DroneConfig& config);

    // What the drone publishes about `seen`: the truth, or for a rogue a consistent lie (fire it
    // sees is reported out, and fixed phantom fires, the same for every rogue, are reported in).
    // Returns seen.size(); `out` must be at least that large.
    size_t report(Span<const Observation> seen, Span<Observation> out, uint64_t seed) const;

    void crash();
    void restart(Point base);

    uint32_t id() const { return m_id; }
    DroneState state() const { return m_state; }
    Point position() const { return m_position; }
    Point base() const { return m_base; }
    int32_t battery() const { return m_battery; }
    bool is_rogue() const { return m_rogue; }
    bool has_lease() const { return m_has_lease; }
    const Lease& lease() const { return m_lease; }
    uint32_t incarnation() const { return m_incarnation; }
    uint64_t digest() const;

private:
    DroneAction explore(const DroneConfig& config);
    DroneAction work(Span<const Observation> local, const DroneConfig& config);
    DroneAction fly_to(Point target, int32_t stop_at, const DroneConfig& config) const;
    bool must_return(const DroneConfig& config) const;
    void drop_lease();
    void pick_waypoint();

    uint32_t m_id;
    Point m_base;
    Point m_position;
    Point m_waypoint;
    int32_t m_map_width;
    int32_t m_map_height;
    int32_t m_battery;
    Random m_random;
    Lease m_lease {};
    DroneState m_state { DroneState::Explore };
    uint32_t m_incarnation { 0 };
    bool m_rogue;
    bool m_has_lease { false };
    bool m_released { false };
};

} // namespace gehri::wildfire
