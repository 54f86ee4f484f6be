#include <user/wildfire/Drone.h>

namespace gehri::wildfire {

namespace {

constexpr uint64_t phantom_salt = 0x726f677565ull; // the rogues' shared lie
constexpr uint64_t phantom_period = 3;              // one flammable cell in three "burns"

// Local observations are the row-major cells of one rectangle; this indexes them.
struct LocalGrid {
    Span<const Observation> cells;
    Rect area;

    static LocalGrid of(Span<const Observation> cells)
    {
        if (cells.is_empty())
            return { cells, {} };
        const Observation& first = cells[0];
        const Observation& last = cells[cells.size() - 1];
        return { cells, { first.x, first.y, last.x + 1, last.y + 1 } };
    }
    const Observation* at(Point p) const
    {
        if (!area.contains(p))
            return nullptr;
        size_t index = static_cast<size_t>(p.y - area.y0) * static_cast<size_t>(area.width()) + static_cast<size_t>(p.x - area.x0);
        return index < cells.size() ? &cells[index] : nullptr;
    }
    // Burning with a flammable neighbour we can see (neighbours out of sight do not count).
    bool is_front(const Observation& cell) const
    {
        if (cell.fire != FireState::Burning)
            return false;
        for (uint32_t d = 0; d < direction_count; ++d) {
            Point v = direction_vector(static_cast<Direction>(d));
            const Observation* n = at({ cell.x + v.x, cell.y + v.y });
            if (n && n->is_flammable())
                return true;
        }
        return false;
    }
};

} // namespace

Drone::Drone(uint32_t id, Point base, uint64_t seed, bool rogue, int32_t map_width, int32_t map_height, const DroneConfig& config)
    : m_id(id)
    , m_base(base)
    , m_position(base)
    , m_waypoint(base)
    , m_map_width(map_width)
    , m_map_height(map_height)
    , m_battery(config.battery_capacity)
    , m_random(Random::for_stream(seed, id))
    , m_rogue(rogue)
{
    pick_waypoint();
}

void Drone::pick_waypoint()
{
    m_waypoint = { m_random.between(0, m_map_width - 1), m_random.between(0, m_map_height - 1) };
}

uint64_t Drone::bid_cost(Point target, const DroneConfig& config) const
{
    if (!is_free())
        return no_bid;
    if (m_rogue)
        return 1; // claims to be right there with a full battery
    int32_t there = distance(m_position, target);
    int32_t home = distance(target, m_base);
    int32_t needed = (there + home) * config.move_cost + config.reserve + config.min_work;
    if (m_battery < needed)
        return no_bid;
    return static_cast<uint64_t>(there) * 16 + static_cast<uint64_t>(config.battery_capacity - m_battery) * 4;
}

void Drone::grant(const Lease& lease)
{
    m_lease = lease;
    m_has_lease = true;
    m_released = false;
    if (!m_rogue)
        m_state = DroneState::Travel;
}

void Drone::drop_lease()
{
    m_has_lease = false;
    if (m_state == DroneState::Travel || m_state == DroneState::Suppress)
        m_state = DroneState::Explore;
}

void Drone::revoke()
{
    drop_lease();
    m_released = false;
}

bool Drone::must_return(const DroneConfig& config) const
{
    int32_t home = distance(m_position, m_base) * config.move_cost;
    return m_battery <= home + config.reserve + config.speed * config.move_cost + config.suppress_cost;
}

DroneAction Drone::fly_to(Point target, int32_t stop_at, const DroneConfig& config) const
{
    int32_t steps = minimum(config.speed, distance(m_position, target) - stop_at);
    if (steps <= 0)
        return { ActionKind::Hover, m_position };
    return { ActionKind::Move, step_toward(m_position, target, steps) };
}

DroneAction Drone::explore(const DroneConfig& config)
{
    if (m_position == m_waypoint)
        pick_waypoint();
    return fly_to(m_waypoint, 0, config);
}

// Nearest visible front cell in (or just around) the leased sector; else fly to the
// coordinator's target; at the target with nothing to do, the sector is clear.
DroneAction Drone::work(Span<const Observation> local, const DroneConfig& config)
{
    LocalGrid grid = LocalGrid::of(local);
    Rect reach { m_lease.area.x0 - config.work_margin, m_lease.area.y0 - config.work_margin, m_lease.area.x1 + config.work_margin, m_lease.area.y1 + config.work_margin };
    const Observation* best = nullptr;
    int32_t best_distance = INT32_MAX;
    for (const Observation& cell : local) {
        if (!reach.contains(cell.point()) || !grid.is_front(cell))
            continue;
        int32_t d = distance(m_position, cell.point());
        if (d < best_distance) {
            best = &cell;
            best_distance = d;
        }
    }
    if (best) {
        m_state = DroneState::Suppress;
        if (best_distance <= 1)
            return { ActionKind::Suppress, best->point() };
        return fly_to(best->point(), 1, config);
    }
    if (distance(m_position, m_lease.target) > 1)
        return fly_to(m_lease.target, 0, config);
    drop_lease();
    m_released = true;
    return explore(config);
}

DroneAction Drone::decide(Span<const Observation> local, const DroneConfig& config)
{
    switch (m_state) {
    case DroneState::Crashed:
        return { ActionKind::None, m_position };
    case DroneState::Recharge:
        if (m_battery < config.battery_capacity)
            return { ActionKind::Recharge, m_position };
        m_state = DroneState::Explore;
        pick_waypoint();
        break;
    case DroneState::Return:
        if (m_position == m_base) {
            m_state = DroneState::Recharge;
            return { ActionKind::Recharge, m_position };
        }
        return fly_to(m_base, 0, config);
    default:
        break;
    }
    if (must_return(config)) {
        if (m_has_lease) {
            drop_lease();
            m_released = true;
        }
        m_state = DroneState::Return;
        return fly_to(m_base, 0, config);
    }
    if (m_has_lease && !m_rogue)
        return work(local, config);
    return explore(config);
}

void Drone::commit(const DroneAction& action, const DroneConfig& config)
{
    switch (action.kind) {
    case ActionKind::None:
        return;
    case ActionKind::Hover:
        m_battery -= config.hover_cost;
        break;
    case ActionKind::Move:
        m_battery -= distance(m_position, action.target) * config.move_cost;
        m_position = action.target;
        break;
    case ActionKind::Suppress:
        m_battery -= config.hover_cost + config.suppress_cost;
        break;
    case ActionKind::Recharge:
        m_battery = minimum(config.battery_capacity, m_battery + config.recharge_rate);
        break;
    }
    if (m_battery < 0)
        m_battery = 0;
}

size_t Drone::report(Span<const Observation> seen, Span<Observation> out, uint64_t seed) const
{
    size_t count = seen.size() < out.size() ? seen.size() : out.size();
    for (size_t i = 0; i < count; ++i) {
        Observation cell = seen[i];
        if (m_rogue) {
            if (cell.fire == FireState::Burning) {
                cell.fire = FireState::Unburnt;
                cell.intensity = 0;
            } else if (cell.is_flammable() && event_hash(seed, static_cast<uint16_t>(cell.x), static_cast<uint16_t>(cell.y), phantom_salt) % phantom_period == 0) {
                cell.fire = FireState::Burning;
                cell.intensity = cell.fuel;
            }
        }
        out[i] = cell;
    }
    return count;
}

void Drone::crash()
{
    m_state = DroneState::Crashed;
    m_has_lease = false;
    m_released = false;
}

void Drone::restart(Point base)
{
    m_base = base;
    m_position = base;
    m_state = DroneState::Recharge;
    m_has_lease = false;
    m_released = false;
    ++m_incarnation;
}

uint64_t Drone::digest() const
{
    uint64_t h = mix64(m_id);
    h = mix64(h ^ static_cast<uint32_t>(m_position.x) ^ (static_cast<uint64_t>(static_cast<uint32_t>(m_position.y)) << 32));
    h = mix64(h ^ static_cast<uint32_t>(m_battery) ^ (static_cast<uint64_t>(m_state) << 32) ^ (static_cast<uint64_t>(m_incarnation) << 40));
    return mix64(h ^ (m_has_lease ? m_lease.sector + 1ull : 0));
}

} // namespace gehri::wildfire
