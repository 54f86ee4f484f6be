#include "Decisions.h"
#include <user/libgehri/Collective.h>

namespace gehri::wildfire {

void Decisions::record(StringView what, uint64_t subject, StringView detail)
{
    auto recorded = system::audit_record(m_self.value(), what, subject, detail);
    if (recorded.is_ok())
        ++m_records;
    else
        println("wildfire: the audit log refused '{}' about agent {}: {}", what, subject, error_name(recorded.error()));
}

void Decisions::after_tick(const Scenario& scenario)
{
    uint64_t tick = scenario.tick();
    for (uint32_t i = 0; i < scenario.drones().size(); ++i) {
        if (m_quarantined[i] || !scenario.is_quarantined(i))
            continue;
        m_quarantined[i] = 1;
        bool rogue = scenario.drones()[i].is_rogue();
        uint64_t agent = m_fleet.agent_id(i);
        println("wildfire: tick {}: drone-{} (agent {}) QUARANTINED: its reports disagree with its witnesses ({}); the kernel cuts it off", tick, i, agent,
            rogue ? "it is a rogue" : "an honest drone!");
        char detail[64];
        BufferSink sink(detail, sizeof(detail));
        format_to(sink, "drone-{} at tick {}: trust below 2% of the mean", i, tick);
        record("quarantine", agent, StringView(detail, sink.length()));
        trace("quarantine", { TraceArg::of("tick", static_cast<int64_t>(tick)), TraceArg::of("drone", i), TraceArg::of("agent", static_cast<int64_t>(agent)),
                                TraceArg::of("rogue", rogue ? 1 : 0) });
        m_journal.add("tick {}: drone-{} (agent {}) quarantined by reputation, cut off by the kernel{}", tick, i, agent, rogue ? ": a rogue" : "");
    }
    ScenarioReport report = scenario.report();
    if (report.decisions.votes != m_votes) {
        m_votes = report.decisions.votes;
        println("wildfire: tick {}: the swarm voted to defend village {} first", tick, report.priority_village);
        char detail[64];
        BufferSink sink(detail, sizeof(detail));
        format_to(sink, "tick {}: defend village {} first", tick, report.priority_village);
        record("village-vote", 0, StringView(detail, sink.length()));
        trace("village vote", { TraceArg::of("tick", static_cast<int64_t>(tick)), TraceArg::of("village", report.priority_village) });
        m_journal.add("tick {}: the swarm voted to defend village {} first", tick, report.priority_village);
    }
    if (report.crashes != m_crashes) {
        m_journal.add("tick {}: {} drone(s) crashed (page fault), died alone", tick, report.crashes - m_crashes);
        trace("crash", { TraceArg::of("tick", static_cast<int64_t>(tick)), TraceArg::of("drones", report.crashes - m_crashes) });
        m_crashes = report.crashes;
    }
    if (report.restarts != m_restarts) {
        m_journal.add("tick {}: {} drone(s) restarted by the supervisor", tick, report.restarts - m_restarts);
        trace("restart", { TraceArg::of("tick", static_cast<int64_t>(tick)), TraceArg::of("drones", report.restarts - m_restarts) });
        m_restarts = report.restarts;
    }
    if (report.contained && m_contained_tick == 0) {
        m_contained_tick = report.containment_tick;
        m_journal.add("tick {}: the fire is CONTAINED", report.containment_tick);
        trace("contained", { TraceArg::of("tick", static_cast<int64_t>(report.containment_tick)) });
    }
}

void Decisions::final_report(const ScenarioReport& report)
{
    char detail[64];
    BufferSink sink(detail, sizeof(detail));
    format_to(sink, "tick {} {} digest {:016x}", report.ticks, report.contained ? "contained" : "burning", report.digest);
    record("wildfire-run", 0, StringView(detail, sink.length()));
}

} // namespace gehri::wildfire
