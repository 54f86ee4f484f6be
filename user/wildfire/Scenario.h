#pragma once

#include <kernel/collective/EigenTrust.h>
#include <kernel/lib/Result.h>
#include <kernel/lib/Span.h>
#include <user/wildfire/Arena.h>
#include <user/wildfire/Coordinator.h>
#include <user/wildfire/Drone.h>
#include <user/wildfire/FireMap.h>
#include <user/wildfire/Fleet.h>
#include <user/wildfire/BallotBox.h>
#include <user/wildfire/LocalFleet.h>
#include <user/wildfire/Render.h>
#include <user/wildfire/SectorMarket.h>
#include <user/wildfire/Sectors.h>
#include <user/wildfire/SwarmTrust.h>
#include <user/wildfire/World.h>

namespace gehri::wildfire {

struct ScenarioConfig {
    WorldConfig world {};
    DroneConfig drone {};
    uint32_t drones { 1000 };
    uint32_t rogues { 10 };
    uint64_t ticks { 600 };
    bool stop_when_contained { true };
    uint32_t head_start { 80 };        // ticks the fire burns before the alarm launches the swarm
    int32_t sector_size { 16 };
    uint32_t auction_period { 2 };     // ticks between auction rounds
    uint32_t bids_per_drone { 3 };     // a free drone bids on its cheapest open sectors
    uint32_t max_open_sectors { 64 };  // sectors auctioned per round, most urgent first
    uint32_t max_units_per_sector { 12 };
    uint32_t lease_slack { 10 };       // ticks beyond the flight time before work is due
    uint32_t vote_period { 40 };
    uint32_t max_vote_candidates { 4 };
    uint32_t check_period { 5 };       // ticks between observation cross-checks
    uint32_t witnesses { 3 };          // per report and check
    uint32_t trust_period { 10 };
    uint32_t trust_iterations { 40 };  // EigenTrust refine() steps per trust period
    collective::QuarantinePolicy quarantine { 20'000, 8 };
    uint32_t crash_ppm { 150 };        // per flying drone per tick
    uint32_t restart_delay { 10 };     // ticks the supervisor takes to restart a crashed drone
};

// Counted as the agent system would send them.
struct MessageCounts {
    uint64_t observations { 0 };     // one publish per live drone per tick, on its region topic
    uint64_t blackboard_writes { 0 };// one put per sector a report changed
    uint64_t announcements { 0 };    // open sectors published per auction round
    uint64_t bids { 0 };
    uint64_t awards { 0 };           // lease grants and target updates
    uint64_t ballots { 0 };
    uint64_t feedback { 0 };         // reputation ratings
    uint64_t actions { 0 };          // drone -> world: move, suppress, recharge
    uint64_t total() const { return observations + blackboard_writes + announcements + bids + awards + ballots + feedback + actions; }
};

struct DecisionCounts {
    uint64_t auctions { 0 };         // sector auctions that cleared with a winner
    uint64_t votes { 0 };
    uint64_t quarantines { 0 };
    uint64_t revocations { 0 };      // broken leases taken back
    uint64_t reauctions { 0 };       // sectors reopened by a crash, a revocation or a quarantine
    uint64_t total() const { return auctions + votes + quarantines + revocations; }
};

struct ScenarioReport {
    uint64_t ticks { 0 };
    bool contained { false };
    uint64_t containment_tick { 0 };
    uint32_t burned_cells { 0 };     // burnt or still burning
    uint32_t suppressed_cells { 0 };
    uint32_t burning_cells { 0 };
    uint32_t villages { 0 };
    uint32_t villages_lost { 0 };
    uint32_t rogues { 0 };
    uint32_t rogues_quarantined { 0 };
    uint32_t honest_quarantined { 0 };
    uint64_t first_quarantine_tick { 0 };
    uint64_t last_rogue_quarantine_tick { 0 };
    uint32_t crashes { 0 };
    uint32_t restarts { 0 };
    uint32_t priority_village { no_village };
    uint64_t feedback_dropped { 0 }; // the feedback graph was full
    uint32_t mind_faults { 0 };      // minds that died or broke the laws of flight: crashed
    MessageCounts messages;
    DecisionCounts decisions;
    uint64_t digest { 0 };           // world, drones and counters: equal digests, equal runs
};

// The world and the coordinator of the demo; the drones' minds answer through a Fleet: in this
// process (LocalFleet, the reference run and the host tests) or as drone agents (the demo).
// Everything lives in one caller-provided arena of bytes_needed() bytes. Each tick: drones
// observe and report; the coordinator merges reports into the fire map, cross-checks them,
// judges leases, updates trust and quarantines, auctions open sectors, holds the village vote;
// drones act; the world steps. Both fleets give bit-identical runs. See docs/wildfire.md.
class Scenario {
public:
    enum class Minds : uint8_t { Local, Remote };
    // Where the swarm's trust is kept: in the arena (LocalTrust), or by the fleet
    // (Fleet::swarm_trust(), a kernel reputation domain), which needs no room here for it.
    enum class TrustKeeper : uint8_t { Local, Fleet };
    static size_t bytes_needed(const ScenarioConfig& config, Minds minds = Minds::Local, TrustKeeper keeper = TrustKeeper::Local);
    // With the minds in this process. InvalidArgument for a bad configuration, OutOfRange if
    // the arena is too small.
    static Result<Scenario> create(const ScenarioConfig& config, Span<uint8_t> arena);
    // With the minds behind `fleet` (which must outlive the scenario); starts every mind. The
    // sector auctions are held in `market` (which must outlive the scenario too), or in this
    // process without one.
    static Result<Scenario> create(const ScenarioConfig& config, Span<uint8_t> arena, Fleet& fleet, SectorMarket* market = nullptr);
    // What a mind is told at its start.
    static MindSettings mind_settings(const ScenarioConfig& config);
    // The swarm trust's feedback table: slots (a power of two) for the drones' ratings.
    static size_t trust_feedback_slots(const ScenarioConfig& config);
    // The highest cost of any bid (a flight across the map on an empty battery).
    static uint64_t max_bid_cost(const ScenarioConfig& config);

    void step();
    // Steps until config.ticks (or containment, if stop_when_contained) and reports.
    ScenarioReport run();
    ScenarioReport report() const;

    const World& world() const { return m_world; }
    MapView belief() const { return m_fire_map.view(); }
    Span<const Drone> drones() const { return m_drones; }
    bool is_quarantined(uint32_t drone) const { return m_books[drone].quarantined; }
    uint64_t tick() const { return m_world.tick(); }
    const SectorGrid& grid() const { return m_grid; }
    // Per sector: drones holding a lease on it now.
    Span<const uint32_t> sector_assignments() const { return m_buffers.assigned; }
    // Peers 0..drones-1 are the drones, peer `drones` the coordinator.
    const SwarmTrust& trust() const
    {
        if (m_kernel_trust)
            return *m_kernel_trust;
        return m_local_trust;
    }
    // One marker per drone: crashed, quarantined, rogue (not yet caught) or plain.
    size_t markers(Span<Marker> out) const;

private:
    struct DroneBook {
        uint64_t lease_granted { 0 };
        uint64_t lease_deadline { 0 };
        uint64_t crashed_at { 0 };
        uint32_t work { 0 };       // suppressions since the lease was granted
        bool lease_active { false };
        bool lease_judged { false };
        bool quarantined { false };
    };

    struct Buffers {
        Span<Cell> world_cells;
        Span<Cell> belief_cells;
        Span<Drone> drones;
        Span<DroneBook> books;
        Span<Observation> seen;
        Span<Observation> report_cells;
        Span<ObservationReport> reports;
        Span<ObservationReport> checked;
        Span<collective::PeerTrust> peers;
        Span<collective::FeedbackSlot> feedback;
        Span<FrontSector> front;
        Span<uint32_t> assigned;
        Span<Point> sector_target;
        Span<SectorDemand> demands;
        Span<SectorBid> bids;
        Span<collective::SealedBid> sealed;
        Span<collective::Award> awards;
        Span<uint8_t> taken;
        Span<SectorAward> won;
        Span<uint32_t> order;
        Span<uint32_t> bucket_start;
        Span<WitnessPair> pairs;
        Span<collective::Elector> electors;
        Span<collective::PeerIndex> quarantined;
        Span<Orders> orders;       // per drone: orders not yet delivered
        Span<collective::Elector> ballot_electors; // the in-process ballot box's
        Span<uint8_t> posted;      // per drone: asked in this round
        Span<LocalFleet> local_fleet; // one, with Minds::Local
        Span<uint64_t> auction_ids; // per demand: its auction in the market
        Span<uint32_t> withdrawn;   // drones whose offer reply was lost this round
    };
    static Result<void> validate(const ScenarioConfig& config);
    static Buffers layout(const ScenarioConfig& config, Arena& arena, Minds minds, TrustKeeper keeper);
    static Result<Scenario> create(const ScenarioConfig& config, Span<uint8_t> arena, Fleet* fleet, SectorMarket* market);

    Scenario(const ScenarioConfig& config, const Buffers& buffers, World world, FireMap fire_map, SectorGrid grid, collective::EigenTrust trust, Fleet& fleet,
        SectorMarket* market);
    SectorMarket& market() { return m_market ? *m_market : m_local_market; }
    SwarmTrust& reputation()
    {
        if (m_kernel_trust)
            return *m_kernel_trust;
        return m_local_trust;
    }

    size_t window_cells() const;
    void choose_rogues();
    Result<void> start_minds();
    void observe_and_report();
    void cross_check_reports();
    void judge_leases();
    void update_trust();
    void run_auctions();
    uint32_t vote_candidates(size_t front_count, VillageCandidate* candidates);
    void consult(const VillageCandidate* candidates, uint32_t candidate_count, size_t demand_count, uint64_t ballot);
    BallotBox& ballot_box();
    uint64_t open_vote(Span<const VillageCandidate> candidates);
    Result<VoteCount> runoff(Span<const VillageCandidate> pair, uint64_t ballot);
    void tally_vote(const VillageCandidate* candidates, uint32_t candidate_count, uint64_t ballot);
    void act();
    bool is_lawful(uint32_t drone, const ActReply& reply) const;
    void end_lease(uint32_t drone);
    void order(uint32_t drone, const Order& order);
    void lose_mind(uint32_t drone);
    void rate(uint32_t from, uint32_t to, bool satisfied);

    ScenarioConfig m_config;
    Fleet* m_fleet;
    SectorMarket* m_market; // null: m_local_market (a pointer to a member would not survive a move)
    Buffers m_buffers;
    LocalMarket m_local_market;
    World m_world;
    FireMap m_fire_map;
    SectorGrid m_grid;
    LocalTrust m_local_trust;
    SwarmTrust* m_kernel_trust; // the fleet's (a kernel reputation domain), or null: m_local_trust
    Span<Drone> m_drones;
    Span<DroneBook> m_books;
    LocalBallotBox m_local_ballots;
    uint64_t m_ballots_cast { 0 }; // this vote's: one per elector's reply
    Village m_believed_villages[World::max_villages] {};
    uint32_t m_priority_village { no_village };
    ScenarioReport m_report {};
    uint64_t m_checks { 0 };
    size_t m_bid_count { 0 };
    size_t m_withdrawn_count { 0 };
    OfferRequest m_offer {}; // this round's offer, shared by every drone but for its orders
};

} // namespace gehri::wildfire
