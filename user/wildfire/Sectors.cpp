#include <kernel/lib/Sort.h>
#include <user/wildfire/Sectors.h>

namespace gehri::wildfire {

Result<SectorGrid> SectorGrid::create(int32_t map_width, int32_t map_height, int32_t sector_size)
{
    if (sector_size < 4 || map_width < 1 || map_height < 1)
        return Error::InvalidArgument;
    return SectorGrid(map_width, map_height, sector_size);
}

Rect SectorGrid::area(uint32_t sector) const
{
    int32_t x0 = static_cast<int32_t>(sector % m_columns) * m_size;
    int32_t y0 = static_cast<int32_t>(sector / m_columns) * m_size;
    return Rect { x0, y0, x0 + m_size, y0 + m_size }.intersect({ 0, 0, m_width, m_height });
}

Point SectorGrid::centre(uint32_t sector) const
{
    Rect r = area(sector);
    return { r.x0 + r.width() / 2, r.y0 + r.height() / 2 };
}

namespace {

struct NearestVillage {
    int32_t distance;
    uint32_t index;
};

NearestVillage nearest_intact_village(Point p, Span<const Village> villages)
{
    NearestVillage best { INT32_MAX, no_village };
    for (uint32_t i = 0; i < villages.size(); ++i) {
        if (villages[i].lost)
            continue;
        int32_t d = distance(p, villages[i].centre);
        if (d < best.distance)
            best = { d, i };
    }
    return best;
}

void scan_sector(const MapView& map, Rect area, Span<const Village> villages, FrontSector& out)
{
    out.village_distance = INT32_MAX;
    out.village = no_village;
    for (int32_t y = area.y0; y < area.y1; ++y) {
        for (int32_t x = area.x0; x < area.x1; ++x) {
            if (!map.at({ x, y }).is_burning())
                continue;
            ++out.burning;
            if (!map.is_front({ x, y }))
                continue;
            if (out.front++ == 0)
                out.target = { x, y };
            NearestVillage nearest = nearest_intact_village({ x, y }, villages);
            if (nearest.distance < out.village_distance) {
                out.village_distance = nearest.distance;
                out.village = nearest.index;
                out.target = { x, y };
            }
        }
    }
}

uint64_t urgency_of(const FrontSector& sector, const UrgencyWeights& weights)
{
    uint64_t urgency = sector.front * weights.per_front_cell + sector.burning * weights.per_burning_cell;
    if (sector.village != no_village && sector.village_distance < weights.threat_radius) {
        uint64_t threat = static_cast<uint64_t>(weights.threat_radius - sector.village_distance) * weights.per_threat_step;
        urgency += sector.village == weights.priority_village ? 2 * threat : threat;
    }
    return urgency;
}

} // namespace

Result<size_t> list_front_sectors(const MapView& map, const SectorGrid& grid, Span<const Village> villages, const UrgencyWeights& weights, Span<FrontSector> out)
{
    if (out.size() < grid.count())
        return Error::OutOfRange;
    size_t count = 0;
    for (uint32_t sector = 0; sector < grid.count(); ++sector) {
        FrontSector candidate { sector, 0, 0, 0, no_village, {}, 0 };
        scan_sector(map, grid.area(sector), villages, candidate);
        if (candidate.front == 0)
            continue;
        candidate.urgency = urgency_of(candidate, weights);
        out[count++] = candidate;
    }
    heap_sort(out.first(count), [](const FrontSector& a, const FrontSector& b) {
        if (a.urgency != b.urgency)
            return a.urgency > b.urgency;
        return a.sector < b.sector;
    });
    return count;
}

} // namespace gehri::wildfire
