#include "SharedFireMap.h"

namespace gehri::wildfire {

namespace {

// No state a cell can have: the first publish writes every sector.
constexpr uint8_t never_written = 0xff;

Result<Span<uint8_t>> map_bytes(size_t count)
{
    size_t bytes = (count + 4095) & ~size_t(4095);
    void* memory = TRY(system::memory_map(bytes));
    return Span<uint8_t>(static_cast<uint8_t*>(memory), count);
}

} // namespace

Result<SharedFireMap> SharedFireMap::open(Blackboard board, const SectorGrid& grid, int32_t width, int32_t height)
{
    if (width <= 0 || height <= 0)
        return Error::InvalidArgument;
    auto shown = TRY(map_bytes(size_t(width) * size_t(height)));
    for (uint8_t& state : shown)
        state = never_written;
    auto value = TRY(map_bytes(size_t(grid.sector_size()) * size_t(grid.sector_size())));
    uint32_t layout[] = { grid.columns(), grid.rows(), static_cast<uint32_t>(grid.sector_size()), static_cast<uint32_t>(width), static_cast<uint32_t>(height) };
    TRY(board.put("fire/grid", layout, sizeof(layout)));
    return SharedFireMap(std::move(board), grid, shown, value);
}

Result<void> SharedFireMap::publish_sector(MapView belief, uint32_t sector, bool& written)
{
    int32_t size = m_grid.sector_size();
    int32_t left = static_cast<int32_t>(sector % m_grid.columns()) * size;
    int32_t top = static_cast<int32_t>(sector / m_grid.columns()) * size;
    int32_t right = left + size < belief.width ? left + size : belief.width;
    int32_t bottom = top + size < belief.height ? top + size : belief.height;
    size_t length = 0;
    bool changed = false;
    for (int32_t y = top; y < bottom; ++y) {
        for (int32_t x = left; x < right; ++x) {
            size_t index = belief.index_of({ x, y });
            uint8_t state = static_cast<uint8_t>(belief.cells[index].fire);
            changed |= m_shown[index] != state;
            m_shown[index] = state;
            m_value[length++] = state;
        }
    }
    written = changed;
    if (!changed)
        return {};
    char key[32];
    BufferSink sink(key, sizeof(key));
    format_to(sink, "fire/sector/{}", sector);
    TRY(m_board.put(StringView(key, sink.length()), m_value.data(), length));
    return {};
}

Result<uint32_t> SharedFireMap::publish(MapView belief, uint64_t tick, bool ended)
{
    uint32_t written_sectors = 0;
    for (uint32_t sector = 0; sector < m_grid.count(); ++sector) {
        bool written = false;
        TRY(publish_sector(belief, sector, written));
        written_sectors += written;
    }
    FireMapTick written { tick, ended ? 1u : 0u };
    TRY(m_board.put("fire/tick", &written, sizeof(written)));
    return written_sectors;
}

} // namespace gehri::wildfire
