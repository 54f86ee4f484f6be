#include "AgentFleet.h"
#include "SwarmSizing.h"

namespace gehri::wildfire {

namespace {

// What the wildfire agent maps per drone besides the scenario's arena (links, the reports
// inbox, the vote's and the market's tables): about 1.5 KiB; and what it needs whatever the
// size (the view, its stack and program), with room to spare. 6,900 drones ran in 900 MiB with
// this agent's memory all but used; these figures choose a few dozen fewer.
constexpr uint64_t agent_bytes_per_drone = 2 * 1024;
constexpr uint64_t agent_fixed_bytes = 6 * 1024 * 1024;

uint64_t bytes_for(const RunConfig& config, uint32_t drones)
{
    ScenarioConfig sized = config.scenario;
    sized.drones = drones;
    sized.rogues = 0; // the arena does not depend on who lies
    size_t arena = Scenario::bytes_needed(sized, Scenario::Minds::Remote);
    if (arena == 0)
        return UINT64_MAX;
    return arena + uint64_t(drones) * (agent_bytes_per_drone + AgentFleet::drone_memory_quota) + agent_fixed_bytes;
}

} // namespace

uint32_t largest_swarm(const Agent& self, const RunConfig& config)
{
    auto info = system::agent_info(self.handle().value());
    if (info.is_error() || info.value().memory_committed >= info.value().memory_quota)
        return 0;
    uint64_t available = info.value().memory_quota - info.value().memory_committed;
    uint32_t low = 0; // fits
    uint32_t high = max_drone_agents + 1; // does not
    while (high - low > 1) {
        uint32_t middle = low + (high - low) / 2;
        if (bytes_for(config, middle) <= available)
            low = middle;
        else
            high = middle;
    }
    return low;
}

} // namespace gehri::wildfire
