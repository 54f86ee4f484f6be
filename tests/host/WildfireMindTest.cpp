#include <cstring>
#include <gtest/gtest.h>
#include <set>
#include <memory>
#include <string>
#include <user/wildfire/DroneMind.h>
#include <user/wildfire/MindWire.h>
#include <user/wildfire/ReportText.h>
#include <user/wildfire/RunConfig.h>
#include <user/wildfire/Scenario.h>
#include <vector>

using namespace gehri;
using namespace gehri::wildfire;

namespace {

MindSettings settings() { return { DroneConfig {}, 1, 3 }; }

Drone drone_at(Point base, bool rogue = false) { return Drone(7, base, 1, rogue, 256, 256, DroneConfig {}); }

struct MindFixture {
    explicit MindFixture(const Drone& drone)
        : report(max_window_cells)
        , mind(drone, settings(), Span<Observation>(report.data(), report.size()))
    {
    }
    std::vector<Observation> report;
    DroneMind mind;
};

// Each request and reply goes through bytes as the channel and the sense topic carry them
// (MindWire.h: a header, then only the filled part of the arrays); the minds are a LocalFleet.
class WireFleet final : public Fleet {
public:
    explicit WireFleet(LocalFleet& inner)
        : m_inner(inner)
    {
    }
    Result<void> start(uint32_t drone, const Drone& state) override
    {
        MindStart start { state, {} };
        auto bytes = frame(MindMessage::Start, &start, sizeof(start));
        MindStart decoded;
        std::memcpy(&decoded, bytes.data() + sizeof(MindHeader), sizeof(decoded));
        return m_inner.start(drone, decoded.state);
    }
    Result<void> stop(uint32_t drone) override { return m_inner.stop(drone); }
    Result<void> post_sense(uint32_t drone, uint64_t tick, Span<const Observation> seen) override
    {
        SenseRequest request;
        request.tick = tick;
        request.cell_count = static_cast<uint32_t>(seen.size());
        std::memcpy(request.cells, seen.data(), seen.size() * sizeof(Observation));
        // A sample of the drone's sense topic: no header, cells as far as cell_count.
        std::vector<uint8_t> bytes(sense_request_bytes(request.cell_count));
        std::memcpy(bytes.data(), &request, bytes.size());
        auto decoded = std::make_unique<SenseRequest>();
        std::memcpy(decoded.get(), bytes.data(), bytes.size());
        return m_inner.post_sense(drone, decoded->tick, Span<const Observation>(decoded->cells, decoded->cell_count));
    }
    Result<uint32_t> collect_sense(uint32_t drone, Span<Observation> report) override { return m_inner.collect_sense(drone, report); }
    Result<void> post_offer(uint32_t drone, const OfferRequest& request) override
    {
        auto bytes = frame(MindMessage::Offer, &request, offer_request_bytes(request.sector_count));
        auto decoded = std::make_unique<OfferRequest>();
        std::memset(static_cast<void*>(decoded.get()), 0xa5, sizeof(OfferRequest)); // what was not sent is garbage
        std::memcpy(static_cast<void*>(decoded.get()), bytes.data() + sizeof(MindHeader), bytes.size() - sizeof(MindHeader));
        return m_inner.post_offer(drone, *decoded);
    }
    Result<OfferReply> collect_offer(uint32_t drone) override { return m_inner.collect_offer(drone); }
    Result<void> post_act(uint32_t drone, const ActRequest& request) override { return m_inner.post_act(drone, request); }
    Result<ActReply> collect_act(uint32_t drone) override { return m_inner.collect_act(drone); }
    Result<void> post_ballot(uint32_t drone, const BallotRequest& request) override
    {
        auto bytes = frame(MindMessage::Ballot, &request, sizeof(request));
        BallotRequest decoded;
        std::memcpy(&decoded, bytes.data() + sizeof(MindHeader), sizeof(decoded));
        return m_inner.post_ballot(drone, decoded);
    }
    Result<BallotReply> collect_ballot(uint32_t drone) override { return m_inner.collect_ballot(drone); }

private:
    static std::vector<uint8_t> frame(MindMessage kind, const void* body, size_t size)
    {
        std::vector<uint8_t> bytes(sizeof(MindHeader) + size);
        MindHeader header { kind };
        std::memcpy(bytes.data(), &header, sizeof(header));
        std::memcpy(bytes.data() + sizeof(header), body, size);
        EXPECT_LE(bytes.size(), max_mind_request_bytes);
        return bytes;
    }
    LocalFleet& m_inner;
};

// Minds that misbehave: one drone teleports, one goes silent once.
class FaultyFleet final : public Fleet {
public:
    FaultyFleet(LocalFleet& inner, uint32_t teleporter, uint32_t silent, uint64_t silent_at_call)
        : m_inner(inner)
        , m_teleporter(teleporter)
        , m_silent(silent)
        , m_silent_at_call(silent_at_call)
    {
    }
    Result<void> start(uint32_t drone, const Drone& state) override { ++starts; return m_inner.start(drone, state); }
    Result<void> stop(uint32_t drone) override { return m_inner.stop(drone); }
    Result<void> post_sense(uint32_t drone, uint64_t tick, Span<const Observation> seen) override { return m_inner.post_sense(drone, tick, seen); }
    Result<uint32_t> collect_sense(uint32_t drone, Span<Observation> report) override
    {
        if (drone == m_silent && ++m_sense_calls == m_silent_at_call)
            return Error::PeerClosed;
        return m_inner.collect_sense(drone, report);
    }
    Result<void> post_offer(uint32_t drone, const OfferRequest& request) override { return m_inner.post_offer(drone, request); }
    Result<OfferReply> collect_offer(uint32_t drone) override { return m_inner.collect_offer(drone); }
    Result<void> post_act(uint32_t drone, const ActRequest& request) override { return m_inner.post_act(drone, request); }
    Result<ActReply> collect_act(uint32_t drone) override
    {
        auto reply = TRY(m_inner.collect_act(drone));
        if (drone == m_teleporter && !teleported && reply.action.kind == ActionKind::Move) {
            teleported = true;
            Drone moved = reply.state;
            // Its telemetry claims a jump across the map: the coordinator must not believe it.
            moved.restart({ 250, 250 });
            reply.state = moved;
        }
        return reply;
    }
    Result<void> post_ballot(uint32_t drone, const BallotRequest& request) override { return m_inner.post_ballot(drone, request); }
    Result<BallotReply> collect_ballot(uint32_t drone) override { return m_inner.collect_ballot(drone); }
    bool teleported { false };
    uint32_t starts { 0 };

private:
    LocalFleet& m_inner;
    uint32_t m_teleporter;
    uint32_t m_silent;
    uint64_t m_silent_at_call;
    uint64_t m_sense_calls { 0 };
};

struct FleetRun {
    explicit FleetRun(const ScenarioConfig& config)
        : minds_arena(LocalFleetBytes(config))
        , world_arena(Scenario::bytes_needed(config, Scenario::Minds::Remote))
    {
        Arena arena(Span<uint8_t>(minds_arena.data(), minds_arena.size()));
        minds = LocalFleet(arena, config.drones, window(config), Scenario::mind_settings(config));
        EXPECT_FALSE(arena.failed());
    }
    static size_t window(const ScenarioConfig& config)
    {
        size_t side = static_cast<size_t>(2 * config.drone.observe_radius + 1);
        return side * side;
    }
    static size_t LocalFleetBytes(const ScenarioConfig& config)
    {
        Arena measuring = Arena::measuring();
        LocalFleet fleet(measuring, config.drones, window(config), Scenario::mind_settings(config));
        return measuring.used() + 64;
    }
    Span<uint8_t> world() { return Span<uint8_t>(world_arena.data(), world_arena.size()); }
    std::vector<uint8_t> minds_arena;
    std::vector<uint8_t> world_arena;
    LocalFleet minds;
};

ScenarioReport local_run(const ScenarioConfig& config)
{
    std::vector<uint8_t> arena(Scenario::bytes_needed(config));
    return Scenario::create(config, Span<uint8_t>(arena.data(), arena.size())).release_value().run();
}

ScenarioConfig small_config()
{
    ScenarioConfig config;
    config.drones = 120;
    config.rogues = 2;
    config.world.seed = 3;
    return config;
}

} // namespace

TEST(WildfireMind, RejectsMalformedOrdersAndOffers)
{
    MindFixture fixture(drone_at({ 10, 10 }));
    OfferRequest offer;
    offer.candidate_count = max_candidates + 1;
    EXPECT_EQ(fixture.mind.offer(offer).error(), Error::InvalidArgument);
    offer = {};
    offer.sector_count = max_offer_sectors + 1;
    EXPECT_EQ(fixture.mind.offer(offer).error(), Error::InvalidArgument);
    ActRequest act;
    act.orders.count = max_orders + 1;
    EXPECT_EQ(fixture.mind.act(act).error(), Error::InvalidArgument);
    act.orders.count = 1;
    act.orders.items[0].kind = static_cast<OrderKind>(200);
    EXPECT_EQ(fixture.mind.act(act).error(), Error::InvalidArgument);
}

TEST(WildfireMind, BidsOnItsCheapestSectorsAndScoresVillages)
{
    MindFixture fixture(drone_at({ 64, 64 }));
    OfferRequest offer;
    const Point targets[] = { { 120, 64 }, { 70, 64 }, { 64, 90 }, { 64, 66 }, { 200, 200 } };
    for (uint32_t i = 0; i < 5; ++i)
        offer.sectors[offer.sector_count++] = { i, targets[i] };
    offer.candidate_count = 2;
    offer.candidates[0] = { 0, { 64, 70 }, 30 }; // near, fire 30 away
    offer.candidates[1] = { 1, { 200, 200 }, 10 }; // far, fire 10 away
    auto reply = fixture.mind.offer(offer);
    ASSERT_TRUE(reply.is_ok());
    ASSERT_EQ(reply.value().bid_count, 3u); // bids_per_drone
    EXPECT_EQ(reply.value().bids[0].sector, 3u);
    EXPECT_EQ(reply.value().bids[1].sector, 1u);
    EXPECT_EQ(reply.value().bids[2].sector, 2u);
    EXPECT_LE(reply.value().bids[0].cost, reply.value().bids[1].cost);
    EXPECT_EQ(reply.value().scores[0], 4 * 30 + 6);
    EXPECT_EQ(reply.value().scores[1], 4 * 10 + 136);

    MindFixture rogue(drone_at({ 64, 64 }, true));
    auto lie = rogue.mind.offer(offer);
    ASSERT_TRUE(lie.is_ok());
    EXPECT_EQ(lie.value().bids[0].cost, 1u); // claims to be right there
    EXPECT_LT(lie.value().scores[0], lie.value().scores[1]); // prefers the village the fire is farthest from
}

TEST(WildfireMind, ObeysAGrantBeforeDeciding)
{
    MindFixture fixture(drone_at({ 64, 64 }));
    Observation seen[1] = { { 64, 64, FireState::Unburnt, 0, 100 } };
    Observation out[1];
    EXPECT_EQ(fixture.mind.sense(Span<const Observation>(seen, 1), Span<Observation>(out, 1)), 1u);
    ActRequest act;
    act.orders.count = 1;
    act.orders.items[0] = { OrderKind::Grant, { 5, { 96, 64, 112, 80 }, { 100, 70 } } };
    auto reply = fixture.mind.act(act);
    ASSERT_TRUE(reply.is_ok());
    EXPECT_TRUE(reply.value().state.has_lease());
    EXPECT_EQ(reply.value().state.state(), DroneState::Travel);
    EXPECT_EQ(reply.value().action.kind, ActionKind::Move);
    EXPECT_EQ(reply.value().action.target, reply.value().state.position());
    EXPECT_EQ(distance(reply.value().state.position(), { 100, 70 }), distance({ 64, 64 }, { 100, 70 }) - 2);
}

// Through bytes as the channels carry them, the coordinator decides exactly what it decides
// with the minds in-process.
TEST(WildfireMind, MessagesThroughBytesGiveTheSameRun)
{
    ScenarioConfig config = small_config();
    FleetRun run(config);
    WireFleet wire(run.minds);
    auto scenario = Scenario::create(config, run.world(), wire);
    ASSERT_TRUE(scenario.is_ok());
    ScenarioReport remote = scenario.value().run();
    ScenarioReport local = local_run(config);
    EXPECT_EQ(remote.digest, local.digest);
    EXPECT_EQ(remote.messages.total(), local.messages.total());
    EXPECT_EQ(remote.mind_faults, 0u);
}

// The kernel's side of a quarantine, as a fleet sees it: the drone is told to the fleet once
// when quarantined and again at every restart, and from then on is never shown its window.
class QuarantineWatch final : public Fleet {
public:
    explicit QuarantineWatch(LocalFleet& inner)
        : m_inner(inner)
    {
    }
    Result<void> start(uint32_t drone, const Drone& state) override
    {
        if (quarantined.count(drone))
            ++restarts_of_quarantined;
        return m_inner.start(drone, state);
    }
    Result<void> stop(uint32_t drone) override { return m_inner.stop(drone); }
    Result<void> post_sense(uint32_t drone, uint64_t tick, Span<const Observation> seen) override
    {
        shown_to_quarantined += quarantined.count(drone);
        return m_inner.post_sense(drone, tick, seen);
    }
    Result<uint32_t> collect_sense(uint32_t drone, Span<Observation> report) override { return m_inner.collect_sense(drone, report); }
    Result<void> post_offer(uint32_t drone, const OfferRequest& request) override { return m_inner.post_offer(drone, request); }
    Result<OfferReply> collect_offer(uint32_t drone) override { return m_inner.collect_offer(drone); }
    Result<void> post_act(uint32_t drone, const ActRequest& request) override { return m_inner.post_act(drone, request); }
    Result<ActReply> collect_act(uint32_t drone) override { return m_inner.collect_act(drone); }
    Result<void> post_ballot(uint32_t drone, const BallotRequest& request) override { return m_inner.post_ballot(drone, request); }
    Result<BallotReply> collect_ballot(uint32_t drone) override { return m_inner.collect_ballot(drone); }
    Result<void> quarantine(uint32_t drone) override
    {
        ++quarantine_calls;
        quarantined.insert(drone);
        return {};
    }
    std::set<uint32_t> quarantined;
    uint64_t quarantine_calls { 0 };
    uint64_t restarts_of_quarantined { 0 };
    uint64_t shown_to_quarantined { 0 };

private:
    LocalFleet& m_inner;
};

TEST(WildfireMind, QuarantinedDronesAreCutOffAndShownNothing)
{
    ScenarioConfig config = small_config();
    config.rogues = 8;
    config.crash_ppm = 3000; // enough crashes that some quarantined drones restart
    FleetRun run(config);
    QuarantineWatch watch(run.minds);
    auto scenario = Scenario::create(config, run.world(), watch);
    ASSERT_TRUE(scenario.is_ok());
    ScenarioReport report = scenario.value().run();
    EXPECT_GT(report.rogues_quarantined, 0u);
    EXPECT_EQ(watch.quarantined.size(), size_t(report.rogues_quarantined + report.honest_quarantined));
    EXPECT_EQ(watch.quarantine_calls, watch.quarantined.size() + watch.restarts_of_quarantined);
    EXPECT_EQ(watch.shown_to_quarantined, 0u);
    EXPECT_EQ(report.digest, local_run(config).digest);
}

// Acting without having sensed since the last action (quarantined: shown nothing), a drone
// decides on nothing, not on its old report: exactly as if it had been shown an empty window.
TEST(WildfireMind, DecidesOnNothingWhenNotShownTheWorld)
{
    MindFixture blind(drone_at({ 64, 64 }));
    MindFixture empty(drone_at({ 64, 64 }));
    MindFixture stale(drone_at({ 64, 64 }));
    Observation seen[3] = { { 65, 64, FireState::Burning, 90, 100 }, { 64, 64, FireState::Unburnt, 0, 100 }, { 66, 64, FireState::Unburnt, 0, 100 } };
    Observation out[3];
    ActRequest grant;
    grant.orders.count = 1;
    grant.orders.items[0] = { OrderKind::Grant, { 5, { 48, 48, 80, 80 }, { 66, 66 } } };
    for (MindFixture* fixture : { &blind, &empty, &stale }) {
        ASSERT_EQ(fixture->mind.sense(Span<const Observation>(seen, 3), Span<Observation>(out, 3)), 3u);
        ASSERT_TRUE(fixture->mind.act(grant).is_ok());
    }
    ASSERT_EQ(empty.mind.sense({}, Span<Observation>(out, 3)), 0u);
    ASSERT_EQ(stale.mind.sense(Span<const Observation>(seen, 3), Span<Observation>(out, 3)), 3u);
    ActRequest nothing;
    auto unseen = blind.mind.act(nothing).release_value();
    auto shown_nothing = empty.mind.act(nothing).release_value();
    auto shown_again = stale.mind.act(nothing).release_value();
    EXPECT_EQ(unseen.action.kind, shown_nothing.action.kind);
    EXPECT_EQ(unseen.action.target, shown_nothing.action.target);
    EXPECT_EQ(unseen.state.digest(), shown_nothing.state.digest());
    // The old report would have decided otherwise: it still shows the fire.
    EXPECT_NE(unseen.state.digest(), shown_again.state.digest());
}

// A mind that lies about where it flew, or dies, is treated as a crashed drone: the lease it
// held is reauctioned, the supervisor restarts it, and the run goes on to containment.
TEST(WildfireMind, LawlessOrDeadMindsAreTreatedAsCrashes)
{
    ScenarioConfig config = small_config();
    FleetRun run(config);
    FaultyFleet faulty(run.minds, 4, 9, 30);
    auto scenario = Scenario::create(config, run.world(), faulty);
    ASSERT_TRUE(scenario.is_ok());
    ScenarioReport report = scenario.value().run();
    EXPECT_TRUE(faulty.teleported);
    EXPECT_EQ(report.mind_faults, 2u);
    EXPECT_EQ(faulty.starts, config.drones + report.restarts);
    EXPECT_GE(report.restarts, 2u);
    EXPECT_TRUE(report.contained);
    EXPECT_EQ(report.honest_quarantined, 0u);
    EXPECT_FALSE(scenario.value().drones()[4].position() == (Point { 250, 250 }));
}

TEST(WildfireRunConfig, ReadsEveryKeyAndDefaults)
{
    Diagnostic diagnostic;
    auto defaults = parse_run_config("c", "", diagnostic);
    ASSERT_TRUE(defaults.is_ok());
    EXPECT_EQ(defaults.value().scenario.drones, 1000u);
    EXPECT_EQ(defaults.value().scenario.rogues, 10u);
    EXPECT_EQ(defaults.value().view, ViewMode::Live);
    EXPECT_FALSE(defaults.value().trace); // normal runs stay quiet
    auto config = parse_run_config("c", "# demo\ndrones = 250   # a quarter\r\nseed=42\nticks = 90\nsummary = 0\nview = headless\n", diagnostic);
    ASSERT_TRUE(config.is_ok()) << diagnostic.c_str();
    EXPECT_EQ(config.value().scenario.drones, 250u);
    EXPECT_EQ(config.value().scenario.rogues, 2u); // one in a hundred
    EXPECT_EQ(config.value().scenario.world.seed, 42u);
    EXPECT_EQ(config.value().scenario.ticks, 90u);
    EXPECT_EQ(config.value().summary_every, 0u);
    EXPECT_EQ(config.value().view, ViewMode::Headless);
    EXPECT_FALSE(config.value().trace);
    auto traced = parse_run_config("c", "trace = on\n", diagnostic);
    ASSERT_TRUE(traced.is_ok()) << diagnostic.c_str();
    EXPECT_TRUE(traced.value().trace);
    auto untraced = parse_run_config("c", "trace = on\ntrace = off  # again\n", diagnostic);
    ASSERT_TRUE(untraced.is_ok()) << diagnostic.c_str();
    EXPECT_FALSE(untraced.value().trace);
    auto rogues = parse_run_config("c", "rogues = 0\ndrones = 5", diagnostic);
    ASSERT_TRUE(rogues.is_ok());
    EXPECT_EQ(rogues.value().scenario.rogues, 0u);
}

TEST(WildfireRunConfig, TheLargestSwarmIsSizedByItsRunner)
{
    Diagnostic diagnostic;
    auto largest = parse_run_config("c", "drones = max\n", diagnostic);
    ASSERT_TRUE(largest.is_ok()) << diagnostic.c_str();
    RunConfig config = largest.value();
    EXPECT_TRUE(config.largest_swarm);
    EXPECT_EQ(config.scenario.drones, max_drone_agents); // an upper bound until fitted
    ASSERT_TRUE(config.fit_to(6'950).is_ok());
    EXPECT_EQ(config.scenario.drones, 6'950u);
    EXPECT_EQ(config.scenario.rogues, 69u); // one in a hundred of what fits
    EXPECT_EQ(config.fit_to(0).error(), Error::OutOfRange);
    EXPECT_EQ(config.fit_to(max_drone_agents + 1).error(), Error::OutOfRange);
    auto given = parse_run_config("c", "drones = max\nrogues = 40\n", diagnostic);
    ASSERT_TRUE(given.is_ok()) << diagnostic.c_str();
    RunConfig with_rogues = given.value();
    ASSERT_TRUE(with_rogues.fit_to(500).is_ok());
    EXPECT_EQ(with_rogues.scenario.rogues, 40u); // as given
    EXPECT_EQ(with_rogues.fit_to(30).error(), Error::OutOfRange); // 40 rogues cannot fit in 30
    EXPECT_FALSE(parse_run_config("c", "drones = 7\n", diagnostic).value().largest_swarm);
    EXPECT_TRUE(parse_run_config("c", "drones = maximum\n", diagnostic).is_error());
}

TEST(WildfireRunConfig, ErrorsNameTheLine)
{
    struct Case {
        const char* text;
        Error error;
        const char* message;
    };
    const Case cases[] = {
        { "drones = 10\nspeed = 3\n", Error::BadFormat, "etc/wildfire.conf:2: unknown key 'speed' (expected drones, rogues, seed, ticks, summary, view or trace)" },
        { "drones = ten\n", Error::BadFormat, "etc/wildfire.conf:1: drones: 'ten' is not a decimal number" },
        { "\n\ndrones = 0\n", Error::OutOfRange, "etc/wildfire.conf:3: drones must be between 1 and 10000, not 0" },
        { "drones = 10001\n", Error::OutOfRange, "etc/wildfire.conf:1: drones must be between 1 and 10000, not 10001" },
        { "seed = 99999999999999999999\n", Error::OutOfRange, "etc/wildfire.conf:1: seed: '99999999999999999999' is not a decimal number" },
        { "drones = 5\nrogues = 6\n", Error::OutOfRange, "etc/wildfire.conf:2: rogues (6) cannot outnumber drones (5)" },
        { "view = window\n", Error::BadFormat, "etc/wildfire.conf:1: view must be live or headless, not 'window'" },
        { "drones = 5\ntrace = yes\n", Error::BadFormat, "etc/wildfire.conf:2: trace must be on or off, not 'yes'" },
        { "drones 10\n", Error::BadFormat, "etc/wildfire.conf:1: expected 'key = value', not 'drones 10'" },
        { "ticks =\n", Error::BadFormat, "etc/wildfire.conf:1: key 'ticks' has no value" },
    };
    for (const Case& c : cases) {
        Diagnostic diagnostic;
        auto config = parse_run_config("etc/wildfire.conf", c.text, diagnostic);
        ASSERT_TRUE(config.is_error()) << c.text;
        EXPECT_EQ(config.error(), c.error) << c.text;
        EXPECT_STREQ(diagnostic.c_str(), c.message);
    }
}

TEST(WildfireReportText, TheReportLineNamesEveryOutcome)
{
    ScenarioConfig config = small_config();
    ScenarioReport report = local_run(config);
    char line[512];
    BufferSink sink(line, sizeof(line));
    format_report(sink, config, report);
    std::string text(line, sink.length());
    EXPECT_NE(text.find("drones=120 rogues=2 seed=3 "), std::string::npos) << text;
    EXPECT_NE(text.find("contained=yes"), std::string::npos) << text;
    EXPECT_NE(text.find("rogues_quarantined=2/2 honest_quarantined=0"), std::string::npos) << text;
    char digest[32];
    std::snprintf(digest, sizeof(digest), "digest=%016llx", static_cast<unsigned long long>(report.digest));
    EXPECT_NE(text.find(digest), std::string::npos) << text;
    EXPECT_LT(sink.length(), sizeof(line) - 1); // nothing cut

    char summary[320];
    BufferSink summary_sink(summary, sizeof(summary));
    format_summary(summary_sink, report, 118, 120, { 1000, 4500, 12, 255 });
    std::string summary_text(summary, summary_sink.length());
    EXPECT_NE(summary_text.find("drones 118/120 up"), std::string::npos) << summary_text;
    EXPECT_NE(summary_text.find("25.5 ticks/s, 4500 msgs/s, 12 decisions/s"), std::string::npos) << summary_text;
}
