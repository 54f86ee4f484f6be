#pragma once

#include <user/libgehri/Blackboard.h>
#include <user/libgehri/Gehri.h>
#include <user/wildfire/Cell.h>
#include <user/wildfire/MindWire.h>
#include <user/wildfire/Sectors.h>

namespace gehri::wildfire {

// The swarm's fire map (the coordinator's merged belief, FireMap) on a kernel blackboard, for
// every agent granted the board (`blackboard:fire-map` in the manifest) to read or watch, each
// entry stamped by the kernel with its writer. The keys (docs/wildfire.md):
//   fire/grid          once: columns, rows, sector size, map width, map height (u32 each)
//   fire/sector/N      sector N's cells' FireState, one byte each, row-major, the sector
//                      clipped to the map; rewritten only when one of them changed
//   fire/tick          after each tick's sectors: the tick the map is as of, and whether the
//                      run has ended (FireMapTick)
struct FireMapTick {
    uint64_t tick { 0 };
    uint64_t ended { 0 }; // 1 in the last write: no more ticks will come
};

class SharedFireMap {
public:
    static constexpr StringView capability = board_capability;

    static Result<SharedFireMap> open(Blackboard board, const SectorGrid& grid, int32_t width, int32_t height);

    // Writes the sectors whose cells changed since the last call, then the tick (`ended`: the
    // run's last). Returns how many sectors it wrote.
    Result<uint32_t> publish(MapView belief, uint64_t tick, bool ended = false);

private:
    SharedFireMap(Blackboard board, const SectorGrid& grid, Span<uint8_t> shown, Span<uint8_t> value)
        : m_board(std::move(board))
        , m_grid(grid)
        , m_shown(shown)
        , m_value(value)
    {
    }

    Result<void> publish_sector(MapView belief, uint32_t sector, bool& written);

    Blackboard m_board;
    const SectorGrid& m_grid;
    Span<uint8_t> m_shown; // the states last written, per map cell (row-major)
    Span<uint8_t> m_value; // one sector's value being built
};

} // namespace gehri::wildfire
