#pragma once

#include <kernel/lib/Result.h>
#include <kernel/lib/Span.h>
#include <user/wildfire/Cell.h>
#include <user/wildfire/Sectors.h>

namespace gehri::wildfire {

// The swarm's shared belief about the fire: what the blackboard holds. It starts as the public
// terrain with no fire known, and each accepted observation report overwrites the cells it
// covers (the newest report wins; reports of one tick are applied in drone order). In the
// agent system one blackboard key per sector holds that sector's cells.
class FireMap {
public:
    // Copies the terrain (fire cleared) from `terrain`. OutOfRange if `storage` is smaller
    // than the map.
    static Result<FireMap> create(const MapView& terrain, Span<Cell> storage);

    struct ApplyResult {
        uint32_t changed_cells;
        uint32_t changed_sectors; // blackboard writes: one per sector whose cells changed
    };
    ApplyResult apply(Span<const Observation> report, const SectorGrid& grid);

    MapView view() const { return { m_cells, m_width, m_height }; }
    // The believed village states (a village is lost once the map shows lost_threshold of its
    // cells burned), so the swarm's plans use its own knowledge, not the world's.
    void update_villages(Span<Village> villages, uint16_t lost_threshold) const;

private:
    FireMap(Span<Cell> cells, int32_t width, int32_t height)
        : m_cells(cells)
        , m_width(width)
        , m_height(height)
    {
    }

    Span<Cell> m_cells;
    int32_t m_width;
    int32_t m_height;
};

} // namespace gehri::wildfire
