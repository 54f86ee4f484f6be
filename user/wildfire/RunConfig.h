#pragma once

#include <kernel/lib/Diagnostic.h>
#include <kernel/lib/Result.h>
#include <kernel/lib/StringView.h>
#include <user/wildfire/Scenario.h>

// etc/wildfire.conf: how the wildfire agent runs the demo. `./gehri run --agents N --seed S
// --ticks T --headless` writes it into the boot image. One `key = value` per line, '#' starts
// a comment:
//   drones = 1000        # drone agents, 1 to 10000, or max: the largest swarm the memory allows
//   rogues = 10          # of them lying, 0 to drones (default: one in a hundred)
//   seed = 1             # everything follows from it
//   ticks = 600          # at most; the run ends earlier when the fire is contained
//   summary = 10         # a text summary every N ticks (0: only the final report)
//   view = live          # live: draw the map on the screen if there is one; headless: never
//   trace = off          # on: print Chrome trace events as "TRACE {json}" lines (./gehri run --record)
namespace gehri::wildfire {

enum class ViewMode : uint8_t { Live, Headless };

struct RunConfig {
    ScenarioConfig scenario {};
    uint32_t summary_every { 10 };
    ViewMode view { ViewMode::Live };
    bool trace { false };
    // `drones = max`: the runner sizes the swarm to its memory (fit_to) before it starts it.
    bool largest_swarm { false };
    bool rogues_given { false };

    // Sets the swarm's size; rogues, unless given, are one in a hundred again. OutOfRange if the
    // given rogues would outnumber the drones.
    Result<void> fit_to(uint32_t drones);
};

constexpr uint32_t max_drone_agents = 10000; // three handles each (channel, sense topic, agent), in a 32768-handle table

// Unknown keys, bad numbers and out-of-range values fail with "FILE:LINE: what is wrong".
Result<RunConfig> parse_run_config(StringView file_name, StringView text, Diagnostic& diagnostic);

} // namespace gehri::wildfire
