// firewatch: follows the wildfire swarm's fire map on the blackboard (docs/wildfire.md, "The fire
// map on the blackboard"), a separate process holding only a read-only `blackboard:fire-map`
// capability. It watches the key the coordinator writes after each tick, reads the sectors,
// and prints what the swarm believes every 50 ticks, when no tick came for 10 s (a frozen
// swarm) and when the run ends (then it ends too), naming the agent the kernel says wrote it.
#include <user/libgehri/Blackboard.h>
#include <user/libgehri/Gehri.h>

using namespace gehri;

namespace {

constexpr StringView capability = "blackboard:fire-map";
constexpr uint64_t ticks_between_lines = 50;
constexpr uint64_t quiet_after_ns = 10'000'000'000; // no new tick for this long: the run ended or is frozen
constexpr size_t max_sector_bytes = 64 * 1024;

// Fire states as the coordinator writes them (user/wildfire/Cell.h FireState).
enum State : uint8_t { Unburnt = 0, Burning = 1, Burnt = 2, Suppressed = 3 };

// What the coordinator writes as fire/tick (agents/wildfire/SharedFireMap.h).
struct FireMapTick {
    uint64_t tick { 0 };
    uint64_t ended { 0 };
};

struct Census {
    FireMapTick tick {};
    uint64_t writer { 0 };
    uint64_t counts[4] {};
    uint32_t burning_sectors { 0 };
};

uint8_t s_sector[max_sector_bytes];

Result<uint32_t> sector_count(const Blackboard& board)
{
    uint32_t grid[5];
    auto entry = TRY(board.get("fire/grid", grid, sizeof(grid)));
    if (entry.size != sizeof(grid))
        return Error::BadFormat;
    return grid[0] * grid[1];
}

Result<Census> take_census(const Blackboard& board, uint32_t sectors)
{
    Census census;
    auto tick = TRY(board.get("fire/tick", &census.tick, sizeof(census.tick)));
    if (tick.size != sizeof(census.tick))
        return Error::BadFormat;
    census.writer = tick.writer;
    for (uint32_t sector = 0; sector < sectors; ++sector) {
        auto key = FixedString<32>::formatted("fire/sector/{}", sector);
        auto entry = board.get(key.view(), s_sector, sizeof(s_sector));
        if (entry.is_error())
            continue; // not written yet
        bool burning = false;
        for (size_t i = 0; i < entry.value().size; ++i) {
            uint8_t state = s_sector[i] & 3;
            ++census.counts[state];
            burning |= state == Burning;
        }
        census.burning_sectors += burning;
    }
    return census;
}

void print(const Census& census, StringView when)
{
    println("firewatch: {}tick {}, map by agent {}: {} cells burning in {} sectors, {} burnt, {} wetted", when, census.tick.tick, census.writer,
        census.counts[Burning], census.burning_sectors, census.counts[Burnt], census.counts[Suppressed]);
}

} // namespace

int main(Agent& self)
{
    auto granted = self.capability(capability);
    if (granted.is_error()) {
        println("firewatch: no {} capability ({}): nothing to watch", capability, error_name(granted.error()));
        return 1;
    }
    Blackboard board(granted.release_value());
    auto watch = board.watch("fire/tick", abi::WatchScope::Key, 16);
    if (watch.is_error()) {
        println("firewatch: cannot watch the fire map: {}", error_name(watch.error()));
        return 1;
    }
    uint64_t printed_tick = 0;
    bool unprinted = false;
    uint32_t sectors = 0;
    for (;;) {
        char key[32];
        auto event = watch.value().next(key, sizeof(key), unprinted ? quiet_after_ns : abi::wait_forever);
        bool quiet = event.is_error() && event.error() == Error::TimedOut;
        if (event.is_error() && !quiet) {
            println("firewatch: the watch failed: {}", error_name(event.error()));
            return 1;
        }
        if (sectors == 0)
            sectors = sector_count(board).value_or(0);
        FireMapTick tick;
        if (auto read = board.get("fire/tick", &tick, sizeof(tick)); read.is_error() || read.value().size != sizeof(tick))
            continue;
        unprinted = true;
        if (!tick.ended && !quiet && tick.tick < printed_tick + ticks_between_lines)
            continue;
        auto census = take_census(board, sectors);
        if (census.is_error()) {
            println("firewatch: cannot read the fire map: {}", error_name(census.error()));
            return 1;
        }
        if (census.value().tick.ended) {
            print(census.value(), "the run ended at ");
            return 0;
        }
        print(census.value(), quiet ? "no new tick for 10 s: " : "");
        printed_tick = census.value().tick.tick;
        unprinted = false;
    }
}
