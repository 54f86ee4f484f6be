#pragma once

#include <kernel/lib/Result.h>
#include <kernel/lib/Span.h>
#include <user/wildfire/Cell.h>
#include <user/wildfire/World.h>

namespace gehri::wildfire {

// The map cut into square sectors (the last row and column may be smaller). A sector is the
// unit of work the swarm auctions, and the natural key of a region topic.
class SectorGrid {
public:
    // InvalidArgument for a sector side < 4 or a map side < 1.
    static Result<SectorGrid> create(int32_t map_width, int32_t map_height, int32_t sector_size);

    uint32_t columns() const { return m_columns; }
    uint32_t rows() const { return m_rows; }
    uint32_t count() const { return m_columns * m_rows; }
    int32_t sector_size() const { return m_size; }
    uint32_t sector_of(Point p) const { return static_cast<uint32_t>(p.y / m_size) * m_columns + static_cast<uint32_t>(p.x / m_size); }
    Rect area(uint32_t sector) const;
    Point centre(uint32_t sector) const;

private:
    SectorGrid(int32_t width, int32_t height, int32_t size)
        : m_width(width)
        , m_height(height)
        , m_size(size)
        , m_columns(static_cast<uint32_t>((width + size - 1) / size))
        , m_rows(static_cast<uint32_t>((height + size - 1) / size))
    {
    }

    int32_t m_width;
    int32_t m_height;
    int32_t m_size;
    uint32_t m_columns;
    uint32_t m_rows;
};

// A sector on the fire front, as the map (usually the swarm's belief) shows it.
struct FrontSector {
    uint32_t sector;
    uint32_t burning;          // burning cells
    uint32_t front;            // burning cells with a flammable neighbour
    int32_t village_distance;  // from the nearest front cell to the nearest intact village
    uint32_t village;          // index of that village; no_village if none is intact
    Point target;              // the front cell nearest to that village (lowest index on ties)
    uint64_t urgency;
};
constexpr uint32_t no_village = UINT32_MAX;

struct UrgencyWeights {
    uint64_t per_front_cell { 4 };
    uint64_t per_burning_cell { 1 };
    int32_t threat_radius { 96 };    // villages farther than this add nothing
    uint64_t per_threat_step { 8 };  // per cell closer than threat_radius
    uint32_t priority_village { no_village }; // the vote's choice: its threat counts double
};

// Writes every sector with at least one front cell, most urgent first (ties: lower sector id),
// and returns how many. urgency = front * per_front_cell + burning * per_burning_cell +
// max(0, threat_radius - village_distance) * per_threat_step (doubled for the priority
// village). OutOfRange if `out` has fewer than grid.count() entries.
Result<size_t> list_front_sectors(const MapView& map, const SectorGrid& grid, Span<const Village> villages, const UrgencyWeights& weights, Span<FrontSector> out);

} // namespace gehri::wildfire
