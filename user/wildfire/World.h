#pragma once

#include <kernel/lib/Result.h>
#include <kernel/lib/Span.h>
#include <user/wildfire/Cell.h>
#include <user/wildfire/Geometry.h>
#include <user/wildfire/Random.h>

namespace gehri::wildfire {

struct Wind {
    Direction toward { Direction::East };
    uint8_t strength { 2 }; // 0 (calm) .. max_wind_strength
    constexpr bool operator==(const Wind&) const = default;
};
constexpr uint8_t max_wind_strength = 4;

struct Village {
    Point centre;          // of a 3x3 footprint
    uint16_t cells_burned; // Burning or Burnt cells of the footprint
    bool lost;             // once lost_threshold cells have burned; never undone
};

// The numbers of the model; docs/wildfire.md explains each. Defaults are the demo's.
struct WorldConfig {
    int32_t width { 256 };
    int32_t height { 256 };
    uint64_t seed { 1 };
    uint32_t village_count { 6 };
    int32_t village_min_distance { 48 };  // from the ignition point
    Probability spread { 6000 };          // per neighbour per tick, fuel 255, no wind (~9%)
    uint8_t burn_rate { 20 };             // intensity burned per tick
    uint32_t wind_period { 25 };          // ticks between wind changes
    Wind initial_wind {};
    uint16_t village_lost_threshold { 3 };
    bool place_ignition { true };         // false: no seed fire (tests light their own)
};

struct WorldStats {
    uint32_t burning { 0 };
    uint32_t burnt { 0 };
    uint32_t suppressed { 0 };
    uint32_t villages_lost { 0 };
};

// The ground truth: terrain, fuel, wind and fire. Cells live in caller storage of
// cells_needed(config) entries. step() advances one tick: the fire spreads from the cells that
// were burning when the tick began (so a new cell spreads from the next tick on), burning cells
// consume intensity and burn out, villages are checked, the wind may change.
class World {
public:
    static constexpr uint32_t max_villages = 16;
    static constexpr uint32_t base_count = 4;
    static constexpr int32_t min_side = 32;
    static constexpr int32_t max_side = 4096;

    static size_t cells_needed(const WorldConfig& config);
    // InvalidArgument: a side outside [min_side, max_side], too many villages. OutOfRange:
    // storage too small.
    static Result<World> create(const WorldConfig& config, Span<Cell> storage);

    void step();
    // A drone's water drop on one cell: a burning cell loses `power` intensity and is
    // Suppressed when none is left; an unburnt flammable cell is wetted into a firebreak
    // (Suppressed). Returns true if the cell changed. OutOfRange outside the map.
    Result<bool> suppress(Point at, uint8_t power);
    // Sets a cell burning (the seed fire; tests). OutOfRange outside, InvalidArgument if it
    // cannot burn.
    Result<void> ignite(Point at);

    // The cells within `radius` (a square) around `centre`, clipped to the map, row-major.
    // Returns how many were written; OutOfRange if `out` is too small for the clipped square.
    Result<size_t> observe(Point centre, int32_t radius, Span<Observation> out) const;
    static Rect observed_area(Point centre, int32_t radius, int32_t width, int32_t height)
    {
        return Rect::around(centre, radius).intersect({ 0, 0, width, height });
    }

    // No burning cell has a flammable neighbour (also true when nothing burns).
    bool is_contained() const;
    uint32_t burning_count() const { return m_burning; }
    WorldStats stats() const;

    MapView view() const { return { m_cells, m_config.width, m_config.height }; }
    const Cell& at(Point p) const { return m_cells[view().index_of(p)]; }
    Wind wind() const { return m_wind; }
    uint64_t tick() const { return m_tick; }
    Point ignition() const { return m_ignition; }
    Span<const Village> villages() const { return { m_villages, m_village_count }; }
    Span<const Point> bases() const { return { m_bases, base_count }; }
    Point nearest_base(Point from) const;
    const WorldConfig& config() const { return m_config; }
    // A hash of everything that evolves: cells, wind, tick, villages.
    uint64_t digest() const;

    // Spread probability from a burning cell to the neighbour in `direction` (exposed for tests
    // and docs/wildfire.md).
    Probability spread_probability(const Cell& target, Direction direction) const;

private:
    World(const WorldConfig& config, Span<Cell> cells)
        : m_config(config)
        , m_cells(cells)
        , m_weather(Random::for_stream(config.seed, 0x77656174686572ull))
        , m_wind(config.initial_wind)
    {
    }

    Cell& cell(Point p) { return m_cells[view().index_of(p)]; }
    void generate();
    void place_bases();
    void place_villages(Random& random);
    void place_ignition(Random& random);
    void spread_fire();
    void burn_down();
    void update_villages();
    void change_wind();
    void include_in_fire_box(Point p);

    WorldConfig m_config;
    Span<Cell> m_cells;
    Random m_weather;
    Wind m_wind;
    uint64_t m_tick { 0 };
    Point m_ignition { -1, -1 };
    Village m_villages[max_villages] {};
    uint32_t m_village_count { 0 };
    Point m_bases[base_count] {};
    uint32_t m_burning { 0 };
    Rect m_fire_box {}; // contains every burning cell
};

} // namespace gehri::wildfire
