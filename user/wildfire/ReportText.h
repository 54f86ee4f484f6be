#pragma once

#include <kernel/lib/Format.h>
#include <user/wildfire/Scenario.h>

// The demo's reports as text: the same words from the wildfire agent (over the kernel log)
// and from the host's reference model (tools/wildfire-model), so a test can compare the two.
namespace gehri::wildfire {

// One line, everything deterministic: equal configurations give equal lines.
void format_report(FormatSink& sink, const ScenarioConfig& config, const ScenarioReport& report);

struct LiveRates {
    uint64_t elapsed_ms { 0 };
    uint64_t messages_per_second { 0 };
    uint64_t decisions_per_second { 0 };
    uint64_t ticks_per_second_x10 { 0 };
};

// The periodic summary: where the fire and the swarm stand, and how fast it goes.
void format_summary(FormatSink& sink, const ScenarioReport& report, uint32_t drones_alive, uint32_t drones, const LiveRates& rates);

} // namespace gehri::wildfire
