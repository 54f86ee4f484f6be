#include <kernel/lib/Sort.h>
#include <user/wildfire/Scenario.h>

namespace gehri::wildfire {

using namespace collective;

namespace {

constexpr uint64_t crash_salt = 0x6372617368ull;
constexpr uint64_t parts_per_million = 1'000'000;

size_t feedback_slots_for(uint32_t drones)
{
    size_t slots = 1024;
    while (slots < static_cast<size_t>(drones) * 128)
        slots *= 2;
    return slots;
}

uint64_t fold(uint64_t digest, uint64_t value) { return mix64(digest ^ value); }

} // namespace

Result<void> Scenario::validate(const ScenarioConfig& config)
{
    if (config.drones == 0 || config.rogues > config.drones || config.drones > max_ranked_drones)
        return Error::InvalidArgument;
    if (config.auction_period == 0 || config.check_period == 0 || config.trust_period == 0 || config.vote_period == 0)
        return Error::InvalidArgument;
    if (config.drone.observe_radius < 1 || config.drone.observe_radius > 16 || config.drone.speed < 1 || config.drone.battery_capacity < 1)
        return Error::InvalidArgument;
    if (config.max_units_per_sector == 0 || config.max_open_sectors == 0 || config.bids_per_drone == 0)
        return Error::InvalidArgument;
    if (config.max_vote_candidates < 2 || config.max_vote_candidates > max_candidates)
        return Error::InvalidArgument;
    if (config.max_open_sectors > max_offer_sectors || config.bids_per_drone > max_bids_per_drone || config.drone.observe_radius > max_observe_radius)
        return Error::InvalidArgument;
    if (World::cells_needed(config.world) == 0 || config.sector_size < 4)
        return Error::InvalidArgument;
    return {};
}

MindSettings Scenario::mind_settings(const ScenarioConfig& config)
{
    return { config.drone, config.world.seed, config.bids_per_drone, max_bid_cost(config) };
}

uint64_t Scenario::max_bid_cost(const ScenarioConfig& config)
{
    return static_cast<uint64_t>(2 * (config.world.width + config.world.height)) * 16 + static_cast<uint64_t>(config.drone.battery_capacity) * 4 + 1;
}

Scenario::Buffers Scenario::layout(const ScenarioConfig& config, Arena& arena, Minds minds, TrustKeeper keeper)
{
    size_t cells = World::cells_needed(config.world);
    size_t window = static_cast<size_t>(2 * config.drone.observe_radius + 1) * static_cast<size_t>(2 * config.drone.observe_radius + 1);
    uint32_t columns = static_cast<uint32_t>((config.world.width + config.sector_size - 1) / config.sector_size);
    uint32_t rows = static_cast<uint32_t>((config.world.height + config.sector_size - 1) / config.sector_size);
    size_t sectors = static_cast<size_t>(columns) * rows;
    size_t n = config.drones;
    Buffers b;
    b.world_cells = arena.take<Cell>(cells);
    b.belief_cells = arena.take<Cell>(cells);
    b.drones = arena.take<Drone>(n);
    b.books = arena.take<DroneBook>(n);
    b.seen = arena.take<Observation>(window);
    b.report_cells = arena.take<Observation>(n * window);
    b.reports = arena.take<ObservationReport>(n);
    b.checked = arena.take<ObservationReport>(n);
    // Kept by the fleet: an idle one-peer EigenTrust stands in (never rated nor judged).
    bool local_trust = keeper == TrustKeeper::Local;
    b.peers = arena.take<PeerTrust>(local_trust ? n + 1 : 1);
    b.feedback = arena.take<FeedbackSlot>(local_trust ? feedback_slots_for(config.drones) : 2);
    b.front = arena.take<FrontSector>(sectors);
    b.assigned = arena.take<uint32_t>(sectors);
    b.sector_target = arena.take<Point>(sectors);
    b.demands = arena.take<SectorDemand>(config.max_open_sectors);
    b.bids = arena.take<SectorBid>(n * config.bids_per_drone);
    b.sealed = arena.take<SealedBid>(n);
    b.awards = arena.take<Award>(config.max_units_per_sector);
    b.taken = arena.take<uint8_t>(n);
    b.won = arena.take<SectorAward>(n);
    b.order = arena.take<uint32_t>(n);
    b.bucket_start = arena.take<uint32_t>(sectors + 1);
    b.pairs = arena.take<WitnessPair>(n * config.witnesses);
    b.electors = arena.take<Elector>(n);
    b.quarantined = arena.take<PeerIndex>(n + 1);
    b.orders = arena.take<Orders>(n);
    b.ballot_electors = arena.take<Elector>(n);
    b.posted = arena.take<uint8_t>(n);
    b.auction_ids = arena.take<uint64_t>(config.max_open_sectors);
    b.withdrawn = arena.take<uint32_t>(n);
    if (minds == Minds::Local) {
        b.local_fleet = arena.take<LocalFleet>(1);
        LocalFleet fleet(arena, config.drones, window, mind_settings(config));
        if (!b.local_fleet.is_empty())
            b.local_fleet[0] = fleet;
    }
    return b;
}

size_t Scenario::trust_feedback_slots(const ScenarioConfig& config) { return feedback_slots_for(config.drones); }

size_t Scenario::bytes_needed(const ScenarioConfig& config, Minds minds, TrustKeeper keeper)
{
    if (validate(config).is_error())
        return 0;
    Arena arena = Arena::measuring();
    (void)layout(config, arena, minds, keeper);
    return arena.failed() ? 0 : arena.used() + 64;
}

Result<Scenario> Scenario::create(const ScenarioConfig& config, Span<uint8_t> bytes)
{
    return create(config, bytes, nullptr, nullptr);
}

Result<Scenario> Scenario::create(const ScenarioConfig& config, Span<uint8_t> bytes, Fleet& fleet, SectorMarket* market)
{
    return create(config, bytes, &fleet, market);
}

Result<Scenario> Scenario::create(const ScenarioConfig& config, Span<uint8_t> bytes, Fleet* fleet, SectorMarket* market)
{
    TRY(validate(config));
    Arena arena(bytes);
    TrustKeeper keeper = fleet && fleet->swarm_trust() ? TrustKeeper::Fleet : TrustKeeper::Local;
    Buffers buffers = layout(config, arena, fleet ? Minds::Remote : Minds::Local, keeper);
    if (arena.failed())
        return Error::OutOfRange;
    if (!fleet)
        fleet = &buffers.local_fleet[0];
    auto world = TRY(World::create(config.world, buffers.world_cells));
    auto fire_map = TRY(FireMap::create(world.view(), buffers.belief_cells));
    auto grid = TRY(SectorGrid::create(config.world.width, config.world.height, config.sector_size));
    EigenTrustConfig trust_config;
    trust_config.max_iterations = config.trust_iterations;
    auto trust = TRY(EigenTrust::create(trust_config, buffers.peers, buffers.feedback));
    // The coordinator is the one pre-trusted peer: trust flows from its verdicts.
    PeerIndex coordinator = config.drones;
    if (keeper == TrustKeeper::Local)
        TRY(trust.set_pretrusted(Span<const PeerIndex>(&coordinator, 1)));
    for (uint32_t i = 0; i < config.head_start; ++i)
        world.step();
    Scenario scenario(config, buffers, world, fire_map, grid, trust, *fleet, market);
    TRY(scenario.start_minds());
    return scenario;
}

Scenario::Scenario(const ScenarioConfig& config, const Buffers& buffers, World world, FireMap fire_map, SectorGrid grid, EigenTrust trust, Fleet& fleet,
    SectorMarket* market)
    : m_config(config)
    , m_fleet(&fleet)
    , m_market(market)
    , m_buffers(buffers)
    , m_local_market(AuctionScratch { buffers.sealed, buffers.awards, buffers.taken })
    , m_world(world)
    , m_fire_map(fire_map)
    , m_grid(grid)
    , m_local_trust(trust)
    , m_kernel_trust(fleet.swarm_trust())
    , m_drones(buffers.drones)
    , m_books(buffers.books)
    , m_local_ballots(buffers.ballot_electors)
{
    Span<const Point> bases = m_world.bases();
    for (uint32_t i = 0; i < m_drones.size(); ++i)
        m_drones[i] = Drone(i, bases[i % bases.size()], config.world.seed, false, config.world.width, config.world.height, config.drone);
    choose_rogues();
    Span<const Village> villages = m_world.villages();
    for (uint32_t i = 0; i < villages.size(); ++i)
        m_believed_villages[i] = { villages[i].centre, 0, false };
    m_report.villages = static_cast<uint32_t>(villages.size());
    m_report.rogues = config.rogues;
}

// The rogues are the first `rogues` drones of a seeded shuffle.
void Scenario::choose_rogues()
{
    Span<uint32_t> ids = m_buffers.order;
    for (uint32_t i = 0; i < ids.size(); ++i)
        ids[i] = i;
    Random random = Random::for_stream(m_config.world.seed, 0x726f67756573ull);
    for (uint32_t i = 0; i < m_config.rogues; ++i) {
        uint32_t j = i + random.below(static_cast<uint32_t>(ids.size()) - i);
        uint32_t swap = ids[i];
        ids[i] = ids[j];
        ids[j] = swap;
        const Drone& d = m_drones[ids[i]];
        m_drones[ids[i]] = Drone(d.id(), d.base(), m_config.world.seed, true, m_config.world.width, m_config.world.height, m_config.drone);
    }
}

Result<void> Scenario::start_minds()
{
    for (uint32_t i = 0; i < m_drones.size(); ++i)
        TRY(m_fleet->start(i, m_drones[i]));
    return {};
}

size_t Scenario::window_cells() const
{
    return m_buffers.seen.size();
}

void Scenario::rate(uint32_t from, uint32_t to, bool satisfied)
{
    reputation().rate(from, to, satisfied ? 1 : 0, satisfied ? 0 : 1);
}

// Round 1: every live drone is shown its surroundings (all at once), then its report is merged
// in drone order. A quarantined drone is shown nothing and not heard (the kernel has cut it
// off: it could neither take its window nor publish a report); it acts blind.
void Scenario::observe_and_report()
{
    for (uint32_t i = 0; i < m_drones.size(); ++i) {
        const Drone& drone = m_drones[i];
        m_buffers.reports[i] = { i, {}, {} };
        m_buffers.posted[i] = 0;
        if (drone.state() == DroneState::Crashed || m_books[i].quarantined)
            continue;
        size_t seen = m_world.observe(drone.position(), m_config.drone.observe_radius, m_buffers.seen).value_or(0);
        if (m_fleet->post_sense(i, m_world.tick(), m_buffers.seen.first(seen)).is_error()) {
            lose_mind(i);
            continue;
        }
        m_buffers.posted[i] = 1;
    }
    for (uint32_t i = 0; i < m_drones.size(); ++i) {
        if (!m_buffers.posted[i])
            continue;
        const Drone& drone = m_drones[i];
        Span<Observation> cells = m_buffers.report_cells.slice(static_cast<size_t>(i) * window_cells(), window_cells());
        auto count = m_fleet->collect_sense(i, cells);
        if (count.is_error()) {
            lose_mind(i);
            continue;
        }
        ObservationReport& report = m_buffers.reports[i];
        report = { i, World::observed_area(drone.position(), m_config.drone.observe_radius, m_config.world.width, m_config.world.height), cells.first(count.value()) };
        ++m_report.messages.observations;
        auto applied = m_fire_map.apply(report.cells, m_grid);
        m_report.messages.blackboard_writes += applied.changed_sectors;
    }
}

// Witnesses rate the reports they overlap: the same cells at the same tick must agree.
void Scenario::cross_check_reports()
{
    if (m_world.tick() % m_config.check_period != 0)
        return;
    size_t count = 0;
    for (uint32_t i = 0; i < m_drones.size(); ++i) {
        if (!m_books[i].quarantined && !m_buffers.reports[i].cells.is_empty())
            m_buffers.checked[count++] = m_buffers.reports[i];
    }
    WitnessScratch scratch { m_buffers.order, m_buffers.bucket_start };
    auto pairs = pick_witnesses(m_buffers.checked.first(count), m_grid, m_config.drone.observe_radius, m_config.witnesses, m_checks++, scratch, m_buffers.pairs);
    size_t pair_count = pairs.value_or(0);
    // Pairs come subject by subject: every witness rates the subject, and the coordinator, which
    // merges the reports into the fire map, rates it by the witnesses' majority.
    uint32_t coordinator = static_cast<uint32_t>(m_drones.size());
    for (size_t i = 0; i < pair_count;) {
        uint32_t subject = m_buffers.pairs[i].subject;
        uint32_t agree = 0;
        uint32_t disagree = 0;
        for (; i < pair_count && m_buffers.pairs[i].subject == subject; ++i) {
            const WitnessPair& pair = m_buffers.pairs[i];
            if (pair.agreement == Agreement::NoOverlap)
                continue;
            bool agreed = pair.agreement == Agreement::Agree;
            agree += agreed;
            disagree += !agreed;
            rate(m_buffers.checked[pair.witness].drone, m_buffers.checked[subject].drone, agreed);
        }
        if (agree != disagree)
            rate(coordinator, m_buffers.checked[subject].drone, agree > disagree);
    }
}

void Scenario::end_lease(uint32_t drone)
{
    DroneBook& book = m_books[drone];
    if (!book.lease_active)
        return;
    book.lease_active = false;
    uint32_t sector = m_drones[drone].lease().sector;
    if (m_buffers.assigned[sector] > 0)
        --m_buffers.assigned[sector];
}

// The coordinator (peer `drones`) rates lease holders by the world's receipts of their work:
// a lease with no suppression by its deadline is broken, revoked and its sector reopened.
void Scenario::judge_leases()
{
    uint32_t coordinator = static_cast<uint32_t>(m_drones.size());
    for (uint32_t i = 0; i < m_drones.size(); ++i) {
        Drone& drone = m_drones[i];
        DroneBook& book = m_books[i];
        if (!book.lease_active)
            continue;
        if (drone.take_released()) {
            order(i, { OrderKind::TakeReleased, {} });
            if (!book.lease_judged && book.work > 0)
                rate(coordinator, i, true);
            end_lease(i);
            continue;
        }
        if (book.lease_judged || m_world.tick() < book.lease_deadline)
            continue;
        book.lease_judged = true;
        if (book.work > 0) {
            rate(coordinator, i, true);
            continue;
        }
        rate(coordinator, i, false);
        end_lease(i);
        order(i, { OrderKind::Revoke, {} });
        ++m_report.decisions.revocations;
        ++m_report.decisions.reauctions;
    }
}

void Scenario::update_trust()
{
    RatingCounts rated = reputation().flush();
    m_report.messages.feedback += rated.recorded;
    m_report.feedback_dropped += rated.dropped;
    uint64_t tick = m_world.tick();
    if (tick == 0 || tick % m_config.trust_period != 0)
        return;
    // A kernel domain has already cut the newly judged drones' agents off (the fleet's
    // quarantine() then does nothing); the judgment itself is the same EigenTrust's.
    size_t total = reputation().judge(m_config.trust_iterations, m_config.quarantine, m_buffers.quarantined).value_or(0);
    for (size_t k = 0; k < total && k < m_buffers.quarantined.size(); ++k) {
        PeerIndex peer = m_buffers.quarantined[k];
        if (peer >= m_drones.size() || m_books[peer].quarantined)
            continue;
        m_books[peer].quarantined = true;
        (void)m_fleet->quarantine(peer); // the kernel cuts its agent off (the coordinator ignores it either way)
        ++m_report.decisions.quarantines;
        if (m_report.first_quarantine_tick == 0)
            m_report.first_quarantine_tick = tick;
        if (m_drones[peer].is_rogue()) {
            ++m_report.rogues_quarantined;
            m_report.last_rogue_quarantine_tick = tick;
        } else {
            ++m_report.honest_quarantined;
        }
        if (m_books[peer].lease_active) {
            end_lease(peer);
            order(peer, { OrderKind::Revoke, {} });
            ++m_report.decisions.reauctions;
        }
    }
}

void Scenario::order(uint32_t drone, const Order& order)
{
    Drone& shadow = m_drones[drone];
    switch (order.kind) {
    case OrderKind::TakeReleased:
        (void)shadow.take_released();
        break;
    case OrderKind::Revoke:
        shadow.revoke();
        break;
    case OrderKind::Retarget:
        shadow.retarget(order.lease.target);
        break;
    case OrderKind::Grant:
        shadow.grant(order.lease);
        break;
    }
    Orders& pending = m_buffers.orders[drone];
    if (pending.count == max_orders) {
        lose_mind(drone); // cannot happen: at most four orders come between two acts
        return;
    }
    pending.items[pending.count++] = order;
}

// A mind that died or answered nonsense: the drone is down, as if it had crashed.
void Scenario::lose_mind(uint32_t drone)
{
    DroneBook& book = m_books[drone];
    if (book.lease_active) {
        end_lease(drone);
        ++m_report.decisions.reauctions;
    }
    m_drones[drone].crash();
    (void)m_fleet->stop(drone);
    m_buffers.orders[drone].count = 0;
    book.crashed_at = m_world.tick();
    ++m_report.mind_faults;
}

void Scenario::run_auctions()
{
    if (m_world.tick() % m_config.auction_period != 0)
        return;
    m_fire_map.update_villages({ m_believed_villages, m_report.villages }, m_config.world.village_lost_threshold);
    UrgencyWeights weights;
    weights.priority_village = m_priority_village;
    size_t front_count = list_front_sectors(m_fire_map.view(), m_grid, { m_believed_villages, m_report.villages }, weights, m_buffers.front).value_or(0);
    VillageCandidate candidates[max_candidates];
    uint32_t candidate_count = vote_candidates(front_count, candidates);

    for (size_t i = 0; i < front_count; ++i)
        m_buffers.sector_target[m_buffers.front[i].sector] = m_buffers.front[i].target;
    for (uint32_t i = 0; i < m_drones.size(); ++i) {
        if (m_books[i].lease_active && !m_drones[i].is_rogue()) {
            Point target = m_buffers.sector_target[m_drones[i].lease().sector];
            if (!(target == m_drones[i].lease().target)) {
                order(i, { OrderKind::Retarget, { 0, {}, target } });
                ++m_report.messages.awards;
            }
        }
    }

    size_t demand_count = 0;
    for (size_t i = 0; i < front_count && demand_count < m_buffers.demands.size(); ++i) {
        const FrontSector& sector = m_buffers.front[i];
        uint32_t wanted = minimum(static_cast<int32_t>(m_config.max_units_per_sector), static_cast<int32_t>((sector.front + 1) / 2));
        uint32_t have = m_buffers.assigned[sector.sector];
        if (wanted > have)
            m_buffers.demands[demand_count++] = { sector.sector, wanted - have };
    }
    m_report.messages.announcements += demand_count;
    if (candidate_count == 0 && demand_count == 0)
        return;
    Span<const SectorDemand> demands = m_buffers.demands.first(demand_count);
    // An auction that cannot be opened takes no bids: the round awards nothing.
    if (demand_count > 0 && market().open(demands, m_buffers.auction_ids).is_error())
        demand_count = 0;
    uint64_t ballot = candidate_count > 0 ? open_vote(Span<const VillageCandidate>(candidates, candidate_count)) : 0;
    consult(candidates, candidate_count, demand_count, ballot);
    if (ballot != 0)
        tally_vote(candidates, candidate_count, ballot);
    if (demand_count == 0)
        return;

    size_t won = market()
                     .settle(demands, m_buffers.bids.first(m_bid_count), m_buffers.withdrawn.first(m_withdrawn_count), max_bid_cost(m_config), m_buffers.won)
                     .value_or(0);
    uint32_t last_sector = UINT32_MAX;
    for (size_t i = 0; i < won; ++i) {
        const SectorAward& award = m_buffers.won[i];
        if (m_drones[award.drone].state() == DroneState::Crashed)
            continue; // its mind was lost in the vote's runoff, after it bid
        if (award.sector != last_sector) {
            ++m_report.decisions.auctions;
            last_sector = award.sector;
        }
        const Drone& drone = m_drones[award.drone];
        Point target = m_buffers.sector_target[award.sector];
        order(award.drone, { OrderKind::Grant, { award.sector, m_grid.area(award.sector), target } });
        DroneBook& book = m_books[award.drone];
        book.lease_active = true;
        book.lease_judged = false;
        book.work = 0;
        book.lease_granted = m_world.tick();
        book.lease_deadline = m_world.tick() + static_cast<uint64_t>(distance(drone.position(), target) / m_config.drone.speed) + m_config.lease_slack;
        ++m_buffers.assigned[award.sector];
        ++m_report.messages.awards;
    }
}

// Round 2: every elector votes on the candidates and every free drone bids on the open sectors,
// all at once; bids are gathered in drone order, each drone's cheapest first.
void Scenario::consult(const VillageCandidate* candidates, uint32_t candidate_count, size_t demand_count, uint64_t ballot)
{
    OfferRequest& request = m_offer;
    for (uint32_t k = 0; k < candidate_count; ++k)
        request.candidates[k] = candidates[k];
    request.ballot = ballot;
    request.round = m_world.tick();
    for (size_t d = 0; d < demand_count; ++d)
        request.sectors[d] = { m_buffers.demands[d].sector, m_buffers.sector_target[m_buffers.demands[d].sector], m_buffers.auction_ids[d] };
    for (uint32_t i = 0; i < m_drones.size(); ++i) {
        m_buffers.posted[i] = 0;
        const Drone& drone = m_drones[i];
        if (m_books[i].quarantined || drone.state() == DroneState::Crashed)
            continue;
        bool bids = demand_count > 0 && drone.is_free();
        if (candidate_count == 0 && !bids)
            continue;
        request.orders = m_buffers.orders[i];
        request.candidate_count = candidate_count;
        request.sector_count = bids ? static_cast<uint32_t>(demand_count) : 0;
        m_buffers.orders[i].count = 0;
        if (m_fleet->post_offer(i, request).is_error()) {
            lose_mind(i);
            continue;
        }
        m_buffers.posted[i] = 1;
    }
    m_bid_count = 0;
    m_withdrawn_count = 0;
    for (uint32_t i = 0; i < m_drones.size(); ++i) {
        if (!m_buffers.posted[i])
            continue;
        auto reply = m_fleet->collect_offer(i);
        if (reply.is_error() || reply.value().bid_count > m_config.bids_per_drone) {
            lose_mind(i);
            m_buffers.withdrawn[m_withdrawn_count++] = i;
            continue;
        }
        const OfferReply& offer = reply.value();
        if (ballot != 0) {
            ballot_box().replied(i, offer.choice);
            ++m_ballots_cast;
        }
        for (uint32_t b = 0; b < offer.bid_count && m_bid_count < m_buffers.bids.size(); ++b) {
            SectorBid bid = offer.bids[b];
            bid.drone = i; // the kernel stamps who speaks; a mind cannot bid for another
            m_buffers.bids[m_bid_count++] = bid;
        }
    }
    m_report.messages.bids += m_bid_count;
}

// Which threatened village first: the villages nearest the known front are the candidates.
// Returns how many there are when a vote is due and there is a choice (0 otherwise).
uint32_t Scenario::vote_candidates(size_t front_count, VillageCandidate* candidates)
{
    if (m_world.tick() % m_config.vote_period != 0)
        return 0;
    VillageCandidate all[Tally::max_options];
    uint32_t candidate_count = 0;
    for (size_t i = 0; i < front_count; ++i) {
        const FrontSector& sector = m_buffers.front[i];
        if (sector.village == no_village)
            continue;
        bool merged = false;
        for (uint32_t c = 0; c < candidate_count; ++c) {
            if (all[c].village == sector.village) {
                all[c].fire_distance = minimum(all[c].fire_distance, sector.village_distance);
                merged = true;
            }
        }
        if (!merged && candidate_count < Tally::max_options)
            all[candidate_count++] = { sector.village, m_believed_villages[sector.village].centre, sector.village_distance };
    }
    heap_sort(Span<VillageCandidate>(all, candidate_count), [](const VillageCandidate& a, const VillageCandidate& b) {
        if (a.fire_distance != b.fire_distance)
            return a.fire_distance < b.fire_distance;
        return a.village < b.village;
    });
    candidate_count = minimum(static_cast<int32_t>(candidate_count), static_cast<int32_t>(m_config.max_vote_candidates));
    if (candidate_count < 2) {
        m_priority_village = candidate_count == 1 ? all[0].village : no_village;
        return 0;
    }
    for (uint32_t c = 0; c < candidate_count; ++c)
        candidates[c] = all[c];
    return candidate_count;
}

BallotBox& Scenario::ballot_box()
{
    BallotBox* kernel = m_fleet->ballot_box();
    return kernel ? *kernel : m_local_ballots;
}

// A round of the village vote among `candidates`: the electorate is every live, unquarantined
// drone (every one the round asks), weighted by its trust. Returns the ballot, 0 if there is
// no vote (nobody to vote, or the ballot box refused).
uint64_t Scenario::open_vote(Span<const VillageCandidate> candidates)
{
    size_t voters = 0;
    for (uint32_t i = 0; i < m_drones.size(); ++i) {
        if (m_books[i].quarantined || m_drones[i].state() == DroneState::Crashed)
            continue;
        m_buffers.electors[voters++] = { i, reputation().trust_ppm(i), 0 };
    }
    m_ballots_cast = 0;
    if (voters == 0)
        return 0;
    return ballot_box().open(candidates, m_buffers.electors.first(voters)).value_or(0);
}

// The runoff's own round: the electorate of the first (less the drones lost meanwhile) chooses
// between the two leaders. Each drone prefers, as in the first round, the first it scores lowest.
Result<VoteCount> Scenario::runoff(Span<const VillageCandidate> pair, uint64_t ballot)
{
    BallotRequest request { ballot, static_cast<uint32_t>(pair.size()), {} };
    for (size_t k = 0; k < pair.size(); ++k)
        request.candidates[k] = pair[k];
    for (uint32_t i = 0; i < m_drones.size(); ++i) {
        m_buffers.posted[i] = 0;
        if (m_books[i].quarantined || m_drones[i].state() == DroneState::Crashed)
            continue;
        if (m_fleet->post_ballot(i, request).is_error()) {
            lose_mind(i);
            continue;
        }
        m_buffers.posted[i] = 1;
    }
    for (uint32_t i = 0; i < m_drones.size(); ++i) {
        if (!m_buffers.posted[i])
            continue;
        auto reply = m_fleet->collect_ballot(i);
        if (reply.is_error()) {
            lose_mind(i);
            continue;
        }
        ballot_box().replied(i, reply.value().choice);
        ++m_ballots_cast;
    }
    return ballot_box().close();
}

// A simple majority of the trust cast decides; without one, a runoff of the two leaders; if that
// does not decide either, the first round's leader (the lower index on equal weight).
void Scenario::tally_vote(const VillageCandidate* candidates, uint32_t candidate_count, uint64_t ballot)
{
    auto first = ballot_box().close();
    if (first.is_error())
        return;
    uint64_t ballots = m_ballots_cast;
    uint32_t village = no_village;
    if (first.value().outcome == OutcomeKind::Decided) {
        village = candidates[first.value().option].village;
    } else {
        uint32_t runner_up = 0;
        uint32_t leader = detail::leading_of(first.value().option_weight, candidate_count, runner_up);
        VillageCandidate pair[2] = { candidates[leader], candidates[runner_up] };
        village = pair[0].village;
        uint64_t second_ballot = open_vote(Span<const VillageCandidate>(pair, 2));
        if (second_ballot != 0) {
            auto second = runoff(Span<const VillageCandidate>(pair, 2), second_ballot);
            ballots += m_ballots_cast;
            if (second.is_ok() && second.value().outcome == OutcomeKind::Decided)
                village = pair[second.value().option].village;
        }
    }
    m_priority_village = village;
    m_report.messages.ballots += ballots;
    ++m_report.decisions.votes;
}

// A reply must describe this drone, moved no further than it can fly, to where the action
// says, and act within reach: a mind that breaks the laws of flight is treated as failed.
bool Scenario::is_lawful(uint32_t drone, const ActReply& reply) const
{
    const Drone& before = m_drones[drone];
    const Drone& after = reply.state;
    if (after.id() != drone || after.incarnation() != before.incarnation() || after.is_rogue() != before.is_rogue())
        return false;
    if (distance(before.position(), after.position()) > m_config.drone.speed)
        return false;
    if (after.battery() < 0 || after.battery() > m_config.drone.battery_capacity)
        return false;
    switch (reply.action.kind) {
    case ActionKind::Move:
        return reply.action.target == after.position();
    case ActionKind::Suppress:
        return after.position() == before.position() && distance(after.position(), reply.action.target) <= 1;
    default:
        return after.position() == before.position();
    }
}

// Round 3: crashes and restarts, then every live drone decides at once; actions take effect in
// drone order.
void Scenario::act()
{
    uint64_t tick = m_world.tick();
    for (uint32_t i = 0; i < m_drones.size(); ++i) {
        Drone& drone = m_drones[i];
        DroneBook& book = m_books[i];
        m_buffers.posted[i] = 0;
        if (drone.state() == DroneState::Crashed) {
            if (tick >= book.crashed_at + m_config.restart_delay) {
                drone.restart(m_world.nearest_base(drone.position()));
                m_buffers.orders[i].count = 0;
                if (m_fleet->start(i, drone).is_error()) {
                    drone.crash();
                    book.crashed_at = tick;
                    ++m_report.mind_faults;
                    continue;
                }
                if (book.quarantined)
                    (void)m_fleet->quarantine(i); // a new incarnation is no less suspect
                ++m_report.restarts;
            }
            continue;
        }
        if (drone.is_flying() && event_hash(m_config.world.seed, tick, i, crash_salt) % parts_per_million < m_config.crash_ppm) {
            if (book.lease_active) {
                end_lease(i);
                ++m_report.decisions.reauctions;
            }
            drone.crash();
            (void)m_fleet->stop(i);
            m_buffers.orders[i].count = 0;
            book.crashed_at = tick;
            ++m_report.crashes;
            continue;
        }
        ActRequest request { m_buffers.orders[i] };
        m_buffers.orders[i].count = 0;
        if (m_fleet->post_act(i, request).is_error()) {
            lose_mind(i);
            continue;
        }
        m_buffers.posted[i] = 1;
    }
    for (uint32_t i = 0; i < m_drones.size(); ++i) {
        if (!m_buffers.posted[i])
            continue;
        auto reply = m_fleet->collect_act(i);
        if (reply.is_error() || !is_lawful(i, reply.value())) {
            lose_mind(i);
            continue;
        }
        const DroneAction& action = reply.value().action;
        if (action.kind == ActionKind::Suppress) {
            auto changed = m_world.suppress(action.target, m_config.drone.suppress_power);
            if (changed.is_ok() && changed.value())
                ++m_books[i].work;
        }
        if (action.kind != ActionKind::None)
            ++m_report.messages.actions;
        m_drones[i] = reply.value().state;
    }
}

void Scenario::step()
{
    observe_and_report();
    cross_check_reports();
    judge_leases();
    update_trust();
    run_auctions();
    act();
    m_world.step();
    if (!m_report.contained && m_world.is_contained()) {
        m_report.contained = true;
        m_report.containment_tick = m_world.tick();
    }
}

ScenarioReport Scenario::run()
{
    while (m_world.tick() < m_config.ticks) {
        if (m_config.stop_when_contained && m_report.contained)
            break;
        step();
    }
    return report();
}

ScenarioReport Scenario::report() const
{
    ScenarioReport report = m_report;
    report.ticks = m_world.tick();
    WorldStats stats = m_world.stats();
    report.burned_cells = stats.burnt + stats.burning;
    report.burning_cells = stats.burning;
    report.suppressed_cells = stats.suppressed;
    report.villages_lost = stats.villages_lost;
    report.priority_village = m_priority_village;
    uint64_t digest = m_world.digest();
    for (const Drone& drone : m_drones)
        digest = fold(digest, drone.digest());
    for (uint32_t i = 0; i < m_drones.size(); ++i)
        digest = fold(digest, m_books[i].quarantined ? i + 1 : 0);
    const uint64_t counters[] = { report.messages.total(), report.decisions.total(), report.decisions.reauctions, report.crashes, report.restarts,
        report.rogues_quarantined, report.honest_quarantined, report.containment_tick, report.priority_village };
    for (uint64_t counter : counters)
        digest = fold(digest, counter);
    report.digest = digest;
    return report;
}

size_t Scenario::markers(Span<Marker> out) const
{
    size_t count = 0;
    for (uint32_t i = 0; i < m_drones.size() && count < out.size(); ++i) {
        const Drone& drone = m_drones[i];
        MarkerKind kind = MarkerKind::Drone;
        if (drone.state() == DroneState::Crashed)
            kind = MarkerKind::Crashed;
        else if (m_books[i].quarantined)
            kind = MarkerKind::Quarantined;
        else if (drone.is_rogue())
            kind = MarkerKind::Rogue;
        out[count++] = { drone.position(), kind };
    }
    return count;
}

} // namespace gehri::wildfire
