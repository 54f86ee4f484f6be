#include <user/wildfire/FireMap.h>

namespace gehri::wildfire {

Result<FireMap> FireMap::create(const MapView& terrain, Span<Cell> storage)
{
    size_t count = static_cast<size_t>(terrain.width) * static_cast<size_t>(terrain.height);
    if (storage.size() < count || terrain.cells.size() < count)
        return Error::OutOfRange;
    for (size_t i = 0; i < count; ++i) {
        Cell c = terrain.cells[i];
        if (c.fire != FireState::Unburnt) {
            c.fire = FireState::Unburnt;
            c.intensity = 0;
        }
        storage[i] = c;
    }
    return FireMap(storage.first(count), terrain.width, terrain.height);
}

FireMap::ApplyResult FireMap::apply(Span<const Observation> report, const SectorGrid& grid)
{
    ApplyResult result { 0, 0 };
    // A report covers a small square, so it touches a handful of sectors: count each once.
    constexpr size_t max_tracked = 16;
    uint32_t touched[max_tracked];
    size_t touched_count = 0;
    for (const Observation& observation : report) {
        Point p = observation.point();
        if (!view().contains(p))
            continue;
        Cell& c = m_cells[view().index_of(p)];
        if (c.fire == observation.fire && c.intensity == observation.intensity && c.fuel == observation.fuel)
            continue;
        c.fire = observation.fire;
        c.intensity = observation.intensity;
        c.fuel = observation.fuel;
        ++result.changed_cells;
        uint32_t sector = grid.sector_of(p);
        bool seen = false;
        for (size_t i = 0; i < touched_count && !seen; ++i)
            seen = touched[i] == sector;
        if (seen)
            continue;
        ++result.changed_sectors;
        if (touched_count < max_tracked)
            touched[touched_count++] = sector;
    }
    return result;
}

void FireMap::update_villages(Span<Village> villages, uint16_t lost_threshold) const
{
    for (Village& village : villages) {
        uint16_t burned = 0;
        for (int32_t dy = -1; dy <= 1; ++dy) {
            for (int32_t dx = -1; dx <= 1; ++dx) {
                Point p { village.centre.x + dx, village.centre.y + dy };
                if (!view().contains(p))
                    continue;
                FireState fire = view().at(p).fire;
                burned += fire == FireState::Burning || fire == FireState::Burnt;
            }
        }
        village.cells_burned = burned;
        if (burned >= lost_threshold)
            village.lost = true;
    }
}

} // namespace gehri::wildfire
