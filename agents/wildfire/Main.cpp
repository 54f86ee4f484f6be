// The wildfire demo's world and coordinator (docs/wildfire.md): it owns the map and the fire,
// starts one drone agent per drone, and runs the swarm's rounds with them tick by tick. The
// drones' minds live in their own processes; this agent shows them the world, merges their
// reports, runs the auctions, the vote and the trust that catches the rogues, and applies their
// actions. It reads etc/wildfire.conf from the boot image.
#include "AgentFleet.h"
#include "Decisions.h"
#include "KernelMarket.h"
#include "KernelTrust.h"
#include "LiveView.h"
#include "SharedFireMap.h"
#include "SwarmSizing.h"
#include "Tracer.h"
#include <kernel/lib/Optional.h>
#include <user/libgehri/Gehri.h>
#include <user/wildfire/ReportText.h>
#include <user/wildfire/RunConfig.h>

using namespace gehri;
using namespace gehri::wildfire;

namespace {

constexpr StringView config_path = "etc/wildfire.conf";
constexpr size_t max_config_bytes = 4096;

Result<RunConfig> read_config(Agent& self)
{
    static char text[max_config_bytes];
    auto read = system::boot_file_read(self.handle().value(), config_path, 0, text, sizeof(text));
    if (read.is_error()) {
        if (read.error() == Error::NotFound) {
            println("wildfire: no {} in the boot image: the defaults", config_path);
            return RunConfig {};
        }
        println("wildfire: cannot read {}: {}", config_path, error_name(read.error()));
        return read.error();
    }
    Diagnostic diagnostic;
    auto config = parse_run_config(config_path, StringView(text, read.value()), diagnostic);
    if (config.is_error())
        println("wildfire: {}", diagnostic.message());
    return config;
}

template<typename T>
Result<Span<T>> map_array(size_t count)
{
    size_t bytes = (count * sizeof(T) + 4095) & ~size_t(4095);
    void* memory = TRY(system::memory_map(bytes));
    Arena arena(Span<uint8_t>(static_cast<uint8_t*>(memory), bytes));
    return arena.take<T>(count);
}

// Drones that faulted (the chaos monkey's crashes) have ended: let the kernel forget them.
void reap_children()
{
    while (system::wait_child(0).is_ok()) {
    }
}

uint32_t drones_up(const Scenario& scenario)
{
    uint32_t up = 0;
    for (const Drone& drone : scenario.drones())
        up += drone.state() != DroneState::Crashed;
    return up;
}

LiveRates rates_since(const Scenario& scenario, uint64_t started_ns, uint64_t first_tick)
{
    ScenarioReport report = scenario.report();
    uint64_t elapsed_ns = system::clock_now_ns() - started_ns;
    uint64_t ms = elapsed_ns / 1'000'000 ? elapsed_ns / 1'000'000 : 1;
    return { ms, report.messages.total() * 1000 / ms, report.decisions.total() * 1000 / ms, (report.ticks - first_tick) * 10'000 / ms };
}

void print_summary(const Scenario& scenario, uint64_t started_ns, uint64_t first_tick)
{
    ScenarioReport report = scenario.report();
    LiveRates rates = rates_since(scenario, started_ns, first_tick);
    char line[320];
    BufferSink sink(line, sizeof(line));
    format_summary(sink, report, drones_up(scenario), static_cast<uint32_t>(scenario.drones().size()), rates);
    println("wildfire: {}", StringView(line, sink.length()));
}

// The fire map on the swarm's blackboard, if the manifest grants it (blackboard:fire-map).
void open_shared_map(const Optional<Blackboard>& board, const Scenario& scenario, Optional<SharedFireMap>& shared)
{
    if (!board.has_value()) {
        println("wildfire: no {} capability: the fire map is not shared", SharedFireMap::capability);
        return;
    }
    auto handle = board.value().handle().duplicate(Rights::Read | Rights::Write);
    auto opened = handle.is_ok() ? SharedFireMap::open(Blackboard(handle.release_value()), scenario.grid(), scenario.belief().width, scenario.belief().height)
                                 : Result<SharedFireMap>(handle.error());
    if (opened.is_error()) {
        println("wildfire: cannot share the fire map: {}", error_name(opened.error()));
        return;
    }
    shared.emplace(opened.release_value());
    println("wildfire: the fire map is shared on the blackboard (fire/sector/N, fire/tick), and each auction round's call for bids ({})", call_for_bids_key);
}

} // namespace

int main(Agent& self)
{
    auto config = read_config(self);
    if (config.is_error())
        return 1;
    if (config.value().largest_swarm) {
        uint32_t fits = largest_swarm(self, config.value());
        if (fits == 0 || config.value().fit_to(fits).is_error()) {
            println("wildfire: drones = max: this agent's memory holds no swarm{}", fits == 0 ? "" : " with that many rogues");
            return 1;
        }
        println("wildfire: the largest swarm this agent's memory allows: {} drones ({} KiB of quota each)", fits, AgentFleet::drone_memory_quota / 1024);
    }
    const ScenarioConfig& scenario_config = config.value().scenario;
    size_t bytes = Scenario::bytes_needed(scenario_config, Scenario::Minds::Remote);
    if (bytes == 0) {
        println("wildfire: the configuration is not valid");
        return 1;
    }
    // The swarm's reputation in a kernel domain: the kernel quarantines the drones it judges.
    Optional<KernelTrust> kernel_trust;
    auto rating_queue = map_array<abi::DomainRating>(4096);
    auto trust_values = map_array<uint64_t>(size_t { scenario_config.drones } + 1);
    if (rating_queue.is_ok() && trust_values.is_ok()) {
        auto domain = KernelTrust::create(self.handle(), scenario_config, rating_queue.value(), trust_values.value());
        if (domain.is_ok()) {
            kernel_trust.emplace(domain.release_value());
            bytes = Scenario::bytes_needed(scenario_config, Scenario::Minds::Remote, Scenario::TrustKeeper::Fleet);
        } else {
            println("wildfire: no reputation domain ({}): the coordinator keeps the trust itself", error_name(domain.error()));
        }
    }
    auto arena = map_array<uint8_t>(bytes);
    auto links = map_array<AgentFleet::Link>(scenario_config.drones);
    auto reported = map_array<uint8_t>(scenario_config.drones);
    auto by_agent = map_array<KernelMarket::DroneAgent>(scenario_config.drones);
    auto taken = map_array<uint8_t>(scenario_config.drones);
    auto winners = map_array<abi::AuctionAward>(scenario_config.max_units_per_sector);
    if (arena.is_error() || links.is_error() || reported.is_error() || by_agent.is_error() || taken.is_error() || winners.is_error()) {
        println("wildfire: no memory for {} drones ({} KiB of world)", scenario_config.drones, bytes / 1024);
        return 1;
    }
    println("wildfire: seed {}, {} drones ({} rogues), up to {} ticks; {} KiB of world and coordinator; starting the drone agents",
        scenario_config.world.seed, scenario_config.drones, scenario_config.rogues, scenario_config.ticks, bytes / 1024);
    MindSettings settings = Scenario::mind_settings(scenario_config);
    uint32_t side = 2 * static_cast<uint32_t>(settings.drone.observe_radius) + 1;
    auto reports = ReportInbox::open(scenario_config.drones, side * side);
    if (reports.is_error()) {
        println("wildfire: no reports topic for {} drones: {}", scenario_config.drones, error_name(reports.error()));
        return 1;
    }
    AgentFleet fleet(self.handle(), links.value(), reports.value(), settings);
    if (kernel_trust.has_value())
        fleet.trust_in_kernel(&kernel_trust.value());
    // The swarm's blackboard, if the manifest grants it: the fire map, and each auction round's
    // call for bids, which every drone (granted the board read only) reads there.
    Optional<Blackboard> board;
    if (auto granted = self.capability(board_capability); granted.is_ok())
        board.emplace(Blackboard(granted.release_value()));
    Optional<CallForBids> calls;
    if (board.has_value()) {
        calls.emplace(CallForBids(board.value()));
        fleet.call_for_bids_on(&calls.value());
    }
    // The sector auctions are the kernel's: the drones bid in them themselves.
    KernelMarket market(self.handle(), fleet, by_agent.value(), taken.value(), winners.value());
    // The village vote through the kernel: a proposal per round, each drone agent voting on it.
    auto vote_ids = map_array<uint64_t>(scenario_config.drones);
    auto vote_weights = map_array<uint64_t>(scenario_config.drones);
    if (vote_ids.is_ok() && vote_weights.is_ok())
        fleet.vote_in_kernel(vote_ids.value(), vote_weights.value());
    else
        println("wildfire: no memory for the kernel vote's electorate: the coordinator counts the votes itself");
    uint64_t started_ns = system::clock_now_ns();
    auto created = Scenario::create(scenario_config, arena.value(), fleet, &market);
    if (created.is_error()) {
        println("wildfire: cannot start the swarm after {} drone agents: {}", fleet.spawned(), error_name(created.error()));
        fleet.stop_all();
        return 1;
    }
    Scenario& scenario = created.value();
    uint64_t spawn_ms = (system::clock_now_ns() - started_ns) / 1'000'000;
    println("wildfire: {} drone agents up in {} ms; the fire has burned {} ticks before the alarm", fleet.spawned(), spawn_ms, scenario_config.head_start);

    Decisions decisions(self.handle(), fleet, reported.value());
    Optional<Tracer> tracer;
    RoundTimes rounds;
    if (config.value().trace) {
        tracer.emplace(Tracer(self.id()));
        tracer.value().name_tracks(scenario_config.drones);
        fleet.time_rounds(&rounds);
        decisions.trace_to(&tracer.value());
        println("wildfire: tracing: TRACE lines carry Chrome trace events (./gehri run --record DIR gathers them)");
    }
    Optional<LiveView> view;
    if (config.value().view == ViewMode::Live) {
        auto opened = LiveView::open(self, scenario_config);
        if (opened.is_ok()) {
            view.emplace(opened.release_value());
            println("wildfire: drawing the swarm on the screen (map cells {} px, panel at x={})", view.value().scale(), view.value().panel_x());
        } else {
            println("wildfire: no live view ({}): text summaries only", error_name(opened.error()));
        }
    }
    Optional<SharedFireMap> shared_map;
    open_shared_map(board, scenario, shared_map);
    constexpr uint64_t frame_interval_ns = 200'000'000;
    uint64_t next_frame_ns = 0;
    uint64_t run_started_ns = system::clock_now_ns();
    uint64_t first_tick = scenario.tick();
    uint32_t summary_every = config.value().summary_every;
    ScenarioReport report = scenario.report();
    while (scenario.tick() < scenario_config.ticks && !(scenario_config.stop_when_contained && report.contained)) {
        rounds.begin_tick();
        uint64_t tick_started_ns = tracer.has_value() ? system::clock_now_ns() : 0;
        scenario.step();
        if (tracer.has_value())
            tracer.value().tick(scenario.tick(), tick_started_ns, system::clock_now_ns(), rounds);
        reap_children();
        decisions.after_tick(scenario);
        if (shared_map.has_value() && shared_map.value().publish(scenario.belief(), scenario.tick()).is_error()) {
            println("wildfire: the shared fire map could not be written; it stays as of tick {}", scenario.tick() - 1);
            shared_map.reset();
        }
        report = scenario.report();
        if (tracer.has_value())
            tracer.value().counters(system::clock_now_ns(), report, drones_up(scenario));
        bool finished = scenario.tick() >= scenario_config.ticks || report.contained;
        if (view.has_value() && (system::clock_now_ns() >= next_frame_ns || finished)) {
            uint64_t draw_started_ns = system::clock_now_ns();
            view.value().draw(scenario, fleet, rates_since(scenario, run_started_ns, first_tick), drones_up(scenario), decisions.journal());
            next_frame_ns = system::clock_now_ns() + frame_interval_ns;
            if (tracer.has_value()) {
                TraceArg tick[] = { TraceArg::of("tick", static_cast<int64_t>(scenario.tick())) };
                tracer.value().span("draw", Tracer::view_track, draw_started_ns, next_frame_ns - frame_interval_ns, tick);
            }
        }
        if (summary_every != 0 && (scenario.tick() - first_tick) % summary_every == 0)
            print_summary(scenario, run_started_ns, first_tick);
    }
    if (summary_every == 0 || (scenario.tick() - first_tick) % summary_every != 0)
        print_summary(scenario, run_started_ns, first_tick);
    decisions.final_report(scenario.report());
    if (shared_map.has_value())
        (void)shared_map.value().publish(scenario.belief(), scenario.tick(), true);
    fleet.stop_all();
    char line[512];
    BufferSink sink(line, sizeof(line));
    format_report(sink, scenario_config, scenario.report());
    println("wildfire: report {}", StringView(line, sink.length()));
    if (tracer.has_value()) {
        TraceArg end[] = { TraceArg::of("tick", static_cast<int64_t>(report.ticks)), TraceArg::of("contained", report.contained ? 1 : 0) };
        tracer.value().decision("run end", end);
        println("wildfire: trace done ({} events too long were left out)", tracer.value().dropped());
    }
    println("wildfire: {} sector auctions held by the kernel ({} faulty winners)", market.auctions(), market.faults());
    println("wildfire: {} drone agents started in all ({} restarts after crashes); {} decisions in the audit log; done", fleet.spawned(),
        report.restarts, decisions.records());
    if (view.has_value()) {
        // The screen is ours until we end: keep the final picture up until a human ends it.
        println("wildfire: the final picture stays on screen; 'kill {}' on the console ends it", self.id());
        for (;;)
            (void)system::sleep_ns(60'000'000'000);
    }
    return 0;
}
