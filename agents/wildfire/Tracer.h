#pragma once

#include <user/wildfire/RoundTimes.h>
#include <user/wildfire/Scenario.h>
#include <user/wildfire/TraceEvents.h>

namespace gehri::wildfire {

// The wildfire agent's trace (etc/wildfire.conf `trace = on`): Chrome trace events printed as
// "TRACE {json}" lines, which `./gehri run --record DIR` gathers into DIR/trace.json for the
// Perfetto UI. The process is this agent; its tracks: the coordinator's ticks with their
// rounds and the world step, the swarm's decisions as instants, the live view's frames, and
// counters. A handful of lines per tick.
class Tracer {
public:
    static constexpr uint64_t coordinator_track = 1;
    static constexpr uint64_t decisions_track = 2;
    static constexpr uint64_t view_track = 3;

    explicit Tracer(uint64_t agent_id)
        : m_pid(agent_id)
    {
    }

    void name_tracks(uint32_t drones);
    // One tick of Scenario::step: its span, a span per round that happened, and the world's
    // step (from the last reply of the act round to the step's end).
    void tick(uint64_t tick, uint64_t start_ns, uint64_t end_ns, const RoundTimes& rounds);
    void span(StringView name, uint64_t track, uint64_t start_ns, uint64_t end_ns, Span<const TraceArg> args = {});
    void counters(uint64_t now_ns, const ScenarioReport& report, uint32_t drones_up);
    // A decision, now, on the decisions track.
    void decision(StringView name, Span<const TraceArg> args);
    uint64_t dropped() const { return m_dropped; }

private:
    void emit(const TraceEvent& event);

    uint64_t m_pid;
    uint64_t m_dropped { 0 }; // events too long for one console line
};

} // namespace gehri::wildfire
