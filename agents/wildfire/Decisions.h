#pragma once

#include "AgentFleet.h"
#include "Journal.h"
#include "Tracer.h"
#include <user/wildfire/Scenario.h>

namespace gehri::wildfire {

// Puts the swarm's decisions where humans look: the console and the kernel's audit log
// (SwarmDecision records, stamped by the kernel with this agent's id). After each tick it
// notes what changed: drones quarantined, the village vote's choice.
class Decisions {
public:
    Decisions(const Handle& self, const AgentFleet& fleet, Span<uint8_t> quarantined)
        : m_self(self)
        , m_fleet(fleet)
        , m_quarantined(quarantined)
    {
    }

    // Decisions also go into the trace as instant events (null: no trace).
    void trace_to(Tracer* tracer) { m_tracer = tracer; }
    void after_tick(const Scenario& scenario);
    void final_report(const ScenarioReport& report);
    uint32_t records() const { return m_records; }
    const Journal& journal() const { return m_journal; }

private:
    void record(StringView what, uint64_t subject, StringView detail);
    template<size_t N>
    void trace(StringView name, const TraceArg (&args)[N])
    {
        if (m_tracer)
            m_tracer->decision(name, Span<const TraceArg>(args, N));
    }

    const Handle& m_self;
    const AgentFleet& m_fleet;
    Span<uint8_t> m_quarantined; // one per drone: already reported
    uint64_t m_votes { 0 };
    uint32_t m_records { 0 };
    Journal m_journal;
    Tracer* m_tracer { nullptr };
    uint32_t m_crashes { 0 };
    uint32_t m_restarts { 0 };
    uint64_t m_contained_tick { 0 };
};

} // namespace gehri::wildfire
