#include "Tracer.h"
#include <user/libgehri/Gehri.h>

namespace gehri::wildfire {

namespace {

// The kernel cuts an agent's console line at 400 bytes; an event must fit in one with "TRACE ".
constexpr size_t max_event_bytes = 380;

} // namespace

void Tracer::emit(const TraceEvent& event)
{
    char line[max_event_bytes + 1];
    BufferSink sink(line, sizeof(line));
    format_trace_event(sink, event);
    if (sink.truncated() || sink.length() > max_event_bytes) {
        ++m_dropped; // half an object would break the whole trace file
        return;
    }
    println("TRACE {}", sink.view());
}

void Tracer::name_tracks(uint32_t drones)
{
    char name[64];
    BufferSink sink(name, sizeof(name));
    format_to(sink, "wildfire (agent {}, {} drones)", m_pid, drones);
    TraceArg process = TraceArg::of("name", sink.view());
    emit({ .phase = TracePhase::Metadata, .name = "process_name", .pid = m_pid, .args = { &process, 1 } });
    const struct {
        uint64_t track;
        StringView name;
    } tracks[] = { { coordinator_track, "coordinator: ticks and rounds" }, { decisions_track, "decisions" }, { view_track, "live view" } };
    for (const auto& track : tracks) {
        TraceArg arg = TraceArg::of("name", track.name);
        emit({ .phase = TracePhase::Metadata, .name = "thread_name", .pid = m_pid, .tid = track.track, .args = { &arg, 1 } });
    }
}

void Tracer::span(StringView name, uint64_t track, uint64_t start_ns, uint64_t end_ns, Span<const TraceArg> args)
{
    uint64_t duration = end_ns > start_ns ? end_ns - start_ns : 0;
    emit({ .phase = TracePhase::Complete, .name = name, .category = track == coordinator_track ? "round" : "view", .pid = m_pid, .tid = track,
        .ts_ns = start_ns, .duration_ns = duration, .args = args });
}

void Tracer::tick(uint64_t tick, uint64_t start_ns, uint64_t end_ns, const RoundTimes& rounds)
{
    TraceArg tick_arg[] = { TraceArg::of("tick", static_cast<int64_t>(tick)) };
    emit({ .phase = TracePhase::Complete, .name = "tick", .category = "tick", .pid = m_pid, .tid = coordinator_track, .ts_ns = start_ns,
        .duration_ns = end_ns > start_ns ? end_ns - start_ns : 0, .args = tick_arg });
    for (Round round : { Round::Sense, Round::Offer, Round::Act }) {
        const RoundSpan& times = rounds.span(round);
        if (!times.happened())
            continue;
        TraceArg args[] = { TraceArg::of("tick", static_cast<int64_t>(tick)), TraceArg::of("requests", times.posted), TraceArg::of("replies", times.collected) };
        span(round_name(round), coordinator_track, times.start_ns, times.end_ns, args);
    }
    // What follows the act round in a step is the world's: fire spread, suppression settled.
    const RoundSpan& act = rounds.span(Round::Act);
    uint64_t world_start = act.happened() ? act.end_ns : start_ns;
    span("world step", coordinator_track, world_start, end_ns, tick_arg);
}

void Tracer::counters(uint64_t now_ns, const ScenarioReport& report, uint32_t drones_up)
{
    TraceArg traffic[] = { TraceArg::of("messages", static_cast<int64_t>(report.messages.total())),
        TraceArg::of("decisions", static_cast<int64_t>(report.decisions.total())) };
    emit({ .phase = TracePhase::Counter, .name = "swarm totals", .pid = m_pid, .ts_ns = now_ns, .args = traffic });
    TraceArg fire[] = { TraceArg::of("burning cells", report.burning_cells) };
    emit({ .phase = TracePhase::Counter, .name = "fire", .pid = m_pid, .ts_ns = now_ns, .args = fire });
    TraceArg drones[] = { TraceArg::of("up", drones_up), TraceArg::of("quarantined", report.rogues_quarantined + report.honest_quarantined) };
    emit({ .phase = TracePhase::Counter, .name = "drones", .pid = m_pid, .ts_ns = now_ns, .args = drones });
}

void Tracer::decision(StringView name, Span<const TraceArg> args)
{
    emit({ .phase = TracePhase::Instant, .name = name, .category = "decision", .pid = m_pid, .tid = decisions_track, .ts_ns = system::clock_now_ns(),
        .args = args });
}

} // namespace gehri::wildfire
