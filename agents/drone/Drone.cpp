// One drone of the wildfire swarm (docs/wildfire.md): a mind that takes what it sees from its
// own sense topic, publishes its report on the reports topic, and answers its coordinator's
// offers and orders on the channel it was born with. Its only other capability is a view of
// the swarm's topics that may subscribe to its own sense topic and publish on the reports
// topic, nothing else: the kernel keeps it from seeing any other drone's observations. It
// reports (honestly, or not: rogues lie), bids, scores villages and decides where to fly.
// Quarantined, the kernel cuts it off: its window no longer comes and it acts blind. Crashes
// are real: on the chaos monkey's word it faults, the kernel ends it alone, and the
// coordinator restarts it.
#include <kernel/lib/Optional.h>
#include <user/libgehri/Blackboard.h>
#include <user/libgehri/Collective.h>
#include <user/libgehri/Gehri.h>
#include <user/libgehri/Topic.h>
#include <user/wildfire/DroneMind.h>
#include <user/wildfire/MindWire.h>

using namespace gehri;
using namespace gehri::wildfire;

namespace {

alignas(16) uint8_t s_request[max_mind_request_bytes];
struct ReportSample {
    ReportHeader header;
    SenseReply reply;
};
alignas(16) ReportSample s_report_sample;
Observation s_report[max_window_cells];

template<typename T>
const T* body(size_t size)
{
    if (size < sizeof(MindHeader) + sizeof(T))
        return nullptr;
    return reinterpret_cast<const T*>(s_request + sizeof(MindHeader));
}

[[noreturn]] void fault_for_real()
{
    // A hardware fault, not an exit: the kernel reports it and tells the supervisor.
    volatile uint64_t* nowhere = nullptr;
    *nowhere = 0xdead;
    __builtin_unreachable();
}

// While the coordinator's reliable queue is full the kernel holds the report until there is
// room, serving the waiting drones one per freed slot.
Result<void> publish_report(const Publisher& reports, size_t bytes)
{
    TRY(reports.publish(&s_report_sample, bytes, abi::wait_forever));
    return {};
}

// Bids in the kernel's award auctions the offer names, with this agent's own identity (the
// kernel stamps it): the reply then lists the bids the kernel took. Bids on sectors without an
// auction stay in the reply as they are (the coordinator holds that auction itself).
void bid_in_kernel(Agent& self, const OfferRequest& request, const DroneMind& mind, OfferReply& reply)
{
    uint32_t kept = 0;
    for (uint32_t b = 0; b < reply.bid_count; ++b) {
        const SectorBid& bid = reply.bids[b];
        uint64_t auction = 0;
        for (uint32_t s = 0; s < request.sector_count && auction == 0; ++s) {
            if (request.sectors[s].sector == bid.sector)
                auction = request.sectors[s].auction;
        }
        uint64_t max_cost = mind.settings().max_cost;
        if (auction != 0) {
            if (bid.cost == 0 || bid.cost > max_cost || bid.drone >= max_ranked_drones)
                continue;
            if (system::auction_bid(self.handle().value(), auction, sector_bid_amount(bid.cost, max_cost, bid.drone)).is_error())
                continue; // refused (a quarantined agent, say): not a bid
        }
        reply.bids[kept++] = bid;
    }
    reply.bid_count = kept;
}

// The village vote is a kernel proposal: the drone casts its own ballot (the kernel stamps who
// votes, and counts it with the weight the coordinator gave this drone) before it replies, so
// every ballot is in when the coordinator has every reply. A ballot after the vote was already
// decided is refused (TimedOut), which changes nothing.
void vote(Agent& self, uint64_t ballot, uint32_t choice)
{
    if (ballot != 0)
        (void)system::proposal_vote(self.handle().value(), ballot, choice);
}

// Where a drone takes its windows: its sense topic, from the tick its incarnation starts at.
struct SenseInput {
    Subscription subscription;
    uint64_t next_tick { 0 };
    // Cut off (quarantined): the kernel refuses the topic calls and no window comes any more.
    bool is_blind() const { return !subscription.handle(); }
};

// Waits for this tick's window or a channel message, whichever comes: a drone the kernel has
// quarantined gets no window, only its act request. Returns true when the window was sensed
// and the report published; false when the channel has something (or nothing more will come
// by topic).
Result<bool> sense_if_shown(SenseInput& input, const Channel& link, const Publisher& reports, DroneMind& mind)
{
    for (;;) {
        if (input.is_blind())
            return false;
        WaitSet either;
        size_t sample = TRY(either.add(input.subscription.handle(), abi::signal::readable));
        size_t message = TRY(either.add(link.handle(), abi::signal::readable | abi::signal::peer_closed));
        TRY(either.wait());
        if (either.is_ready(message))
            return false;
        if (!either.is_ready(sample))
            continue;
        auto taken = input.subscription.take(s_request, sizeof(s_request), 0);
        if (taken.is_error()) {
            if (taken.error() == Error::AccessDenied) {
                input.subscription = Subscription(); // quarantined meanwhile
                return false;
            }
            if (taken.error() == Error::WouldBlock)
                continue;
            return taken.error();
        }
        auto* request = reinterpret_cast<const SenseRequest*>(s_request);
        size_t size = taken.value().size;
        if (size < sense_request_bytes(0) || request->cell_count > max_window_cells || size < sense_request_bytes(request->cell_count))
            return Error::BadFormat;
        if (request->tick < input.next_tick)
            continue; // kept for an earlier incarnation: not ours to answer
        input.next_tick = request->tick + 1;
        SenseReply& reply = s_report_sample.reply;
        s_report_sample.header.tick = request->tick;
        reply.cell_count = mind.sense(Span<const Observation>(request->cells, request->cell_count), Span<Observation>(reply.cells, max_window_cells));
        TRY(publish_report(reports, report_sample_bytes(reply.cell_count)));
        return true;
    }
}

// The round's sectors from the call for bids on the swarm's blackboard (the offer says
// sectors_on_board): into the request, as if they had come in it. BadFormat if the board's call
// is not this round's or not whole.
Result<void> read_call_for_bids(const Optional<Blackboard>& board, OfferRequest& request)
{
    struct Call {
        CallForBidsHeader header;
        SectorOffer sectors[max_offer_sectors];
    };
    alignas(16) static Call call;
    if (!board.has_value())
        return Error::NotFound;
    auto entry = TRY(board.value().get(call_for_bids_key, &call, sizeof(call)));
    size_t expected = sizeof(CallForBidsHeader) + size_t(request.sector_count) * sizeof(SectorOffer);
    if (entry.size != expected || call.header.round != request.round || call.header.sector_count != request.sector_count)
        return Error::BadFormat;
    for (uint32_t s = 0; s < request.sector_count; ++s)
        request.sectors[s] = call.sectors[s];
    return {};
}

} // namespace

int main(Agent& self)
{
    auto bootstrap = bootstrap_handle();
    if (bootstrap.is_error())
        return 1;
    Channel link(bootstrap.release_value());
    auto granted = self.capability(drone_topics_capability);
    if (granted.is_error())
        return 7;
    TopicNamespace topics(granted.release_value());
    auto reports = topics.publisher(reports_topic, false);
    if (reports.is_error())
        return 7;
    // The swarm's blackboard, read only, where each auction round's sectors are posted (if the
    // coordinator shares one).
    Optional<Blackboard> board;
    if (auto shared = self.capability(board_capability); shared.is_ok())
        board.emplace(Blackboard(shared.release_value()));
    // The first message is always Start: who it is, and from which tick it senses.
    auto first = link.read(s_request, sizeof(s_request));
    if (first.is_error())
        return first.error() == Error::PeerClosed ? 0 : 2;
    const MindStart* start = body<MindStart>(first.value().size);
    if (!start || reinterpret_cast<const MindHeader*>(s_request)->kind != MindMessage::Start)
        return 4;
    DroneMind mind(start->state, start->settings, Span<Observation>(s_report, max_window_cells));
    SenseInput sense { {}, start->first_tick };
    // latest_value: a window published before this incarnation subscribed still reaches it.
    // Refused (AccessDenied) when its supervisor has quarantined it already: it senses nothing.
    auto subscribed = topics.subscribe(SenseTopicName(start->state.id()).view(), { .history_depth = 1, .reliable = false, .latest_value = true }, false);
    if (subscribed.is_ok())
        sense.subscription = subscribed.release_value();
    else if (subscribed.error() != Error::AccessDenied)
        return 7;
    // What the kernel promises, checked once: another drone's window is out of its reach.
    auto other = topics.subscribe(SenseTopicName(start->state.id() + 1).view(), { .history_depth = 1 }, false);
    if (other.is_ok() || other.error() != Error::AccessDenied)
        return 8;
    bool want_window = true;
    for (;;) {
        if (want_window) {
            auto sensed = sense_if_shown(sense, link, reports.value(), mind);
            if (sensed.is_error())
                return sensed.error() == Error::BadFormat ? 3 : 6;
            want_window = !sensed.value();
        }
        auto message = link.read(s_request, sizeof(s_request));
        if (message.is_error())
            return message.error() == Error::PeerClosed ? 0 : 2;
        size_t size = message.value().size;
        if (size < sizeof(MindHeader))
            return 3;
        auto kind = reinterpret_cast<const MindHeader*>(s_request)->kind;
        if (kind == MindMessage::Crash)
            fault_for_real();
        Result<void> written { Error::InvalidArgument };
        switch (kind) {
        case MindMessage::Offer: {
            // The sectors past sector_count were not sent: the buffer holds zeroes or old bytes there, never read.
            auto* request = reinterpret_cast<OfferRequest*>(s_request + sizeof(MindHeader));
            if (size < sizeof(MindHeader) + offer_request_bytes(0) || request->sector_count > max_offer_sectors)
                return 3;
            if (request->sectors_on_board) {
                if (read_call_for_bids(board, *request).is_error())
                    return 9;
            } else if (size < sizeof(MindHeader) + offer_request_bytes(request->sector_count)) {
                return 3;
            }
            auto reply = mind.offer(*request);
            if (reply.is_error())
                return 5;
            bid_in_kernel(self, *request, mind, reply.value());
            if (request->candidate_count > 0)
                vote(self, request->ballot, reply.value().choice);
            written = link.write(&reply.value(), sizeof(OfferReply));
            break;
        }
        case MindMessage::Ballot: {
            const BallotRequest* request = body<BallotRequest>(size);
            if (!request)
                return 3;
            auto reply = mind.ballot(*request);
            if (reply.is_error())
                return 5;
            vote(self, request->ballot, reply.value().choice);
            written = link.write(&reply.value(), sizeof(BallotReply));
            break;
        }
        case MindMessage::Act: {
            const ActRequest* request = body<ActRequest>(size);
            if (!request)
                return 3;
            auto reply = mind.act(*request);
            if (reply.is_error())
                return 5;
            written = link.write(&reply.value(), sizeof(ActReply));
            want_window = true; // the next tick's
            break;
        }
        default:
            return 3;
        }
        if (written.is_error())
            return written.error() == Error::PeerClosed ? 0 : 6;
    }
}
