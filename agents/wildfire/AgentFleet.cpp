#include "AgentFleet.h"
#include <user/libgehri/Collective.h>
#include <utility>

namespace gehri::wildfire {

AgentFleet::AgentFleet(const Handle& spawner, Span<Link> links, ReportInbox& reports, const MindSettings& settings)
    : m_spawner(spawner)
    , m_links(links)
    , m_reports(reports)
    , m_settings(settings)
{
}

Result<const Channel*> AgentFleet::link(uint32_t drone) const
{
    if (drone >= m_links.size() || !m_links[drone].channel.handle())
        return Error::NotFound;
    return &m_links[drone].channel;
}

template<typename Body>
Result<void> AgentFleet::send(uint32_t drone, MindMessage kind, const Body& body, size_t body_bytes)
{
    const Channel* channel = TRY(link(drone));
    MindHeader header { kind };
    __builtin_memcpy(m_out, &header, sizeof(header));
    __builtin_memcpy(m_out + sizeof(header), &body, body_bytes);
    return channel->write(m_out, sizeof(header) + body_bytes);
}

Result<size_t> AgentFleet::receive(uint32_t drone, void* reply, size_t capacity)
{
    const Channel* channel = TRY(link(drone));
    auto received = TRY(channel->read(reply, capacity, reply_timeout_ns));
    return received.size;
}

void AgentFleet::note_posted(Round round)
{
    if (m_times)
        m_times->posted(round, system::clock_now_ns());
}

void AgentFleet::note_collected(Round round)
{
    if (m_times)
        m_times->collected(round, system::clock_now_ns());
}

Result<void> AgentFleet::start(uint32_t drone, const Drone& state)
{
    if (drone >= m_links.size())
        return Error::OutOfRange;
    m_links[drone].channel = Channel();
    // The topic exists before the drone subscribes to it (its view may not create topics).
    if (!m_links[drone].sense.handle())
        m_links[drone].sense = TRY(m_reports.sense_publisher(drone));
    auto pair = TRY(Channel::create());
    Handle theirs = pair.second.release_handle();
    Handle topics = TRY(m_reports.drone_capability(drone));
    Handle board = m_calls ? TRY(m_calls->drone_grant()) : Handle();
    SpawnGrant grants[] = { { drone_topics_capability, &topics }, { board_capability, &board } };
    char name[32];
    BufferSink sink(name, sizeof(name));
    format_to(sink, "drone-{}", drone);
    auto child = TRY(spawn(m_spawner,
        {
            .program = "bin/drone",
            .name = StringView(name, sink.length()),
            .argument = drone,
            .memory_quota = drone_memory_quota,
            .bootstrap = &theirs,
            .grants = Span<const SpawnGrant>(grants, m_calls ? 2 : 1),
        }));
    // The drone is supervised through WaitChild (this agent is its parent); the handle is kept
    // for the kernel quarantine the coordinator may ask for.
    auto info = child.info();
    m_links[drone].agent_id = info.is_ok() ? info.value().id : 0;
    m_reports.expect(drone, m_links[drone].agent_id);
    m_links[drone].agent = child.release_handle();
    ++m_spawned;
    // Bound before it hears anything: a restarted incarnation of a judged drone is cut off
    // by the kernel before it subscribes to its window.
    if (m_trust) {
        if (auto bound = m_trust->bind(drone, m_links[drone].agent); bound.is_error())
            println("wildfire: drone-{} (agent {}) is not bound to the swarm's reputation domain: {}", drone, m_links[drone].agent_id, error_name(bound.error()));
    }
    m_links[drone].channel = std::move(pair.first);
    // Every sample already on its sense topic is of a tick posted before (at most m_sense_tick).
    MindStart start { state, m_settings, m_sense_tick + 1 };
    return send(drone, MindMessage::Start, start, sizeof(start));
}

Result<void> AgentFleet::stop(uint32_t drone)
{
    TRY(link(drone));
    struct Empty {
    } nothing;
    (void)send(drone, MindMessage::Crash, nothing, 0);
    m_links[drone].channel = Channel();
    m_links[drone].agent = Handle();
    return {};
}

void AgentFleet::stop_all()
{
    for (Link& link : m_links) {
        link.channel = Channel();
        link.sense = Publisher();
        link.agent = Handle();
    }
}

Result<void> AgentFleet::quarantine(uint32_t drone)
{
    if (drone >= m_links.size() || !m_links[drone].agent)
        return Error::NotFound;
    if (m_trust)
        return {};
    char reason[abi::agent_quarantine_max_reason];
    BufferSink sink(reason, sizeof(reason));
    format_to(sink, "drone-{}: its trust fell below 2% of the mean", drone);
    auto quarantined = system::agent_quarantine(m_links[drone].agent.value(), true, StringView(reason, sink.length()));
    if (quarantined.is_error())
        println("wildfire: the kernel did not quarantine drone-{} (agent {}): {}", drone, m_links[drone].agent_id, error_name(quarantined.error()));
    return quarantined;
}

Result<void> AgentFleet::post_sense(uint32_t drone, uint64_t tick, Span<const Observation> seen)
{
    if (seen.size() > max_window_cells)
        return Error::TooLarge;
    note_posted(Round::Sense);
    m_sense_tick = tick;
    TRY(link(drone));
    // Only the tick and the filled cells go out: build them in place. The drone's subscription
    // keeps one sample (best effort): it has taken the last tick's before this one comes.
    auto* request = reinterpret_cast<SenseRequest*>(m_out);
    request->tick = tick;
    request->cell_count = static_cast<uint32_t>(seen.size());
    for (size_t i = 0; i < seen.size(); ++i)
        request->cells[i] = seen[i];
    TRY(m_links[drone].sense.publish(m_out, sense_request_bytes(request->cell_count)));
    return {};
}

Result<uint32_t> AgentFleet::collect_sense(uint32_t drone, Span<Observation> report)
{
    TRY(link(drone));
    // One deadline per drone, counted from when the coordinator starts waiting for it, as
    // for a reply on its channel.
    uint64_t deadline = system::clock_now_ns() + reply_timeout_ns;
    auto cells = TRY(m_reports.collect(drone, m_sense_tick, report, deadline));
    note_collected(Round::Sense);
    return cells;
}

Result<void> AgentFleet::post_offer(uint32_t drone, const OfferRequest& request)
{
    if (request.sector_count > max_offer_sectors)
        return Error::TooLarge;
    note_posted(Round::Offer);
    if (m_calls == nullptr || request.sector_count == 0)
        return send(drone, MindMessage::Offer, request, offer_request_bytes(request.sector_count));
    TRY(m_calls->post(request));
    static OfferRequest without_sectors;
    memcpy(&without_sectors, &request, offer_request_bytes(0)); // all but the sectors
    without_sectors.sectors_on_board = 1;
    return send(drone, MindMessage::Offer, without_sectors, offer_request_bytes(0));
}

Result<OfferReply> AgentFleet::collect_offer(uint32_t drone)
{
    OfferReply reply;
    size_t size = TRY(receive(drone, &reply, sizeof(reply)));
    note_collected(Round::Offer);
    if (size != sizeof(reply) || reply.bid_count > max_bids_per_drone)
        return Error::BadFormat;
    return reply;
}

Result<void> AgentFleet::post_act(uint32_t drone, const ActRequest& request)
{
    note_posted(Round::Act);
    return send(drone, MindMessage::Act, request, sizeof(request));
}

Result<void> AgentFleet::post_ballot(uint32_t drone, const BallotRequest& request)
{
    return send(drone, MindMessage::Ballot, request, sizeof(request));
}

Result<BallotReply> AgentFleet::collect_ballot(uint32_t drone)
{
    BallotReply reply;
    size_t size = TRY(receive(drone, &reply, sizeof(reply)));
    if (size != sizeof(reply))
        return Error::BadFormat;
    return reply;
}

Result<uint64_t> AgentFleet::open(Span<const VillageCandidate> candidates, Span<const collective::Elector> electorate)
{
    if (candidates.size() < 2 || candidates.size() > max_candidates || electorate.size() > m_vote_ids.size())
        return Error::InvalidArgument;
    size_t count = 0;
    for (const collective::Elector& elector : electorate) {
        uint64_t agent = agent_id(static_cast<uint32_t>(elector.id));
        if (agent == 0)
            continue; // no mind to vote
        m_vote_ids[count] = agent;
        m_vote_weights[count++] = elector.weight;
    }
    if (count == 0)
        return Error::InvalidArgument;
    char labels[max_candidates][24];
    StringView options[max_candidates];
    for (size_t k = 0; k < candidates.size(); ++k) {
        BufferSink sink(labels[k], sizeof(labels[k]));
        format_to(sink, "village {}", candidates[k].village);
        options[k] = StringView(labels[k], sink.length());
    }
    system::Proposal proposal {
        .kind = "village-priority",
        .question = "Which village to defend first?",
        .options = Span<const StringView>(options, candidates.size()),
        .threshold = abi::ProposalThreshold::SimpleMajority,
        // Closed as soon as every reply is in; the period only bounds a coordinator that died.
        .voting_period_ns = 600'000'000'000,
        .electorate = Span<const uint64_t>(m_vote_ids.data(), count),
        .weighting = abi::ProposalWeighting::Given,
        .weights = Span<const uint64_t>(m_vote_weights.data(), count),
        // The drones learn the id from their offer (or ballot) request: no event each.
        .quiet = true,
    };
    auto opened = system::proposal_open(m_spawner.value(), proposal);
    if (opened.is_error()) {
        // The policy may deny the kind; the swarm then holds no vote this time (and says so).
        println("wildfire: the kernel refused the village vote's proposal: {}", error_name(opened.error()));
        return opened.error();
    }
    m_proposal = opened.value();
    return m_proposal;
}

Result<VoteCount> AgentFleet::close()
{
    uint64_t proposal = std::exchange(m_proposal, 0);
    if (proposal == 0)
        return Error::NotFound;
    abi::ProposalCounts counts;
    auto status = TRY(system::proposal_result(m_spawner.value(), proposal, counts));
    if (status.state == static_cast<uint32_t>(abi::ProposalState::Voting)) {
        // A drone lost in the round never voted: settle with the ballots in.
        TRY(system::proposal_close(m_spawner.value(), proposal));
        status = TRY(system::proposal_result(m_spawner.value(), proposal, counts));
    }
    if (status.state != static_cast<uint32_t>(abi::ProposalState::Settled))
        return Error::Busy; // waiting for a human's co-sign: no decision for this tick
    VoteCount count;
    switch (status.verdict) {
    case 0: count.outcome = collective::OutcomeKind::Decided; break;
    case 1: count.outcome = collective::OutcomeKind::NoQuorum; break;
    case 2: count.outcome = collective::OutcomeKind::Tie; break;
    default: count.outcome = collective::OutcomeKind::NoMajority; break;
    }
    count.option = count.outcome == collective::OutcomeKind::Decided ? status.option : 0;
    for (size_t k = 0; k < max_candidates; ++k)
        count.option_weight[k] = counts.option_weight[k];
    count.ballots = counts.ballots;
    return count;
}

Result<ActReply> AgentFleet::collect_act(uint32_t drone)
{
    ActReply reply;
    size_t size = TRY(receive(drone, &reply, sizeof(reply)));
    note_collected(Round::Act);
    if (size != sizeof(reply))
        return Error::BadFormat;
    return reply;
}

} // namespace gehri::wildfire
