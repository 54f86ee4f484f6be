#include <user/wildfire/ReportText.h>

namespace gehri::wildfire {

void format_report(FormatSink& sink, const ScenarioConfig& config, const ScenarioReport& report)
{
    format_to(sink, "drones={} rogues={} seed={} ticks={} contained={} containment_tick={} burned={} suppressed={} burning={} ",
        config.drones, config.rogues, config.world.seed, report.ticks, report.contained ? "yes" : "no", report.containment_tick,
        report.burned_cells, report.suppressed_cells, report.burning_cells);
    format_to(sink, "villages_lost={}/{} rogues_quarantined={}/{} honest_quarantined={} crashes={} restarts={} mind_faults={} ",
        report.villages_lost, report.villages, report.rogues_quarantined, report.rogues, report.honest_quarantined, report.crashes,
        report.restarts, report.mind_faults);
    format_to(sink, "messages={} decisions={} auctions={} votes={} quarantines={} revocations={} digest={:016x}",
        report.messages.total(), report.decisions.total(), report.decisions.auctions, report.decisions.votes,
        report.decisions.quarantines, report.decisions.revocations, report.digest);
}

void format_summary(FormatSink& sink, const ScenarioReport& report, uint32_t drones_alive, uint32_t drones, const LiveRates& rates)
{
    format_to(sink, "tick {:4} | drones {}/{} up | fire: {} burning, {} burned, {} wetted | villages lost {}/{} | quarantined {} (rogues {}/{}) | ",
        report.ticks, drones_alive, drones, report.burning_cells, report.burned_cells, report.suppressed_cells, report.villages_lost,
        report.villages, report.rogues_quarantined + report.honest_quarantined, report.rogues_quarantined, report.rogues);
    format_to(sink, "{}.{} ticks/s, {} msgs/s, {} decisions/s", rates.ticks_per_second_x10 / 10, rates.ticks_per_second_x10 % 10,
        rates.messages_per_second, rates.decisions_per_second);
}

} // namespace gehri::wildfire
