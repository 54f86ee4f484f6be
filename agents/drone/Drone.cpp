// One drone of the wildfire swarm (docs/wildfire.md): a mind that answers its coordinator on
// the channel it was born with, and publishes what it sees on the reports topic (its only other
// capability: a view of the swarm's topics that may publish there and nowhere else). It sees
// only what the coordinator shows it, reports (honestly, or not: rogues lie), bids, scores
// villages and decides where to fly. Crashes are real: on the
// chaos monkey's word it faults, the kernel ends it alone, and the coordinator restarts it.
#include <user/libgehri/Collective.h>
#include <user/libgehri/Gehri.h>
#include <user/libgehri/Topic.h>
#include <user/libgehri/WaitSet.h>
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

// A reliable topic refuses a sample while the coordinator's queue is full: wait for room.
Result<void> publish_report(const Publisher& reports, size_t bytes)
{
    for (;;) {
        auto published = reports.publish(&s_report_sample, bytes);
        if (published.is_ok() || published.error() != Error::QueueFull)
            return published.is_ok() ? Result<void> {} : Result<void>(published.error());
        WaitSet room;
        TRY(room.add(reports.handle(), abi::signal::writable));
        TRY(room.wait());
    }
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

Result<Publisher> open_reports(Agent& self)
{
    TopicNamespace topics(TRY(self.capability(reports_capability)));
    return topics.publisher(reports_topic, false);
}

} // namespace

int main(Agent& self)
{
    auto bootstrap = bootstrap_handle();
    if (bootstrap.is_error())
        return 1;
    Channel link(bootstrap.release_value());
    auto reports = open_reports(self);
    if (reports.is_error())
        return 7;
    DroneMind mind;
    bool started = false;
    for (;;) {
        auto message = link.read(s_request, sizeof(s_request));
        if (message.is_error())
            return message.error() == Error::PeerClosed ? 0 : 2;
        size_t size = message.value().size;
        if (size < sizeof(MindHeader))
            return 3;
        auto kind = reinterpret_cast<const MindHeader*>(s_request)->kind;
        if (kind == MindMessage::Crash)
            fault_for_real();
        if (kind == MindMessage::Start) {
            const MindStart* start = body<MindStart>(size);
            if (!start)
                return 3;
            mind = DroneMind(start->state, start->settings, Span<Observation>(s_report, max_window_cells));
            started = true;
            continue;
        }
        if (!started)
            return 4;
        Result<void> written { Error::InvalidArgument };
        switch (kind) {
        case MindMessage::Sense: {
            auto* request = reinterpret_cast<const SenseRequest*>(s_request + sizeof(MindHeader));
            if (size < sizeof(MindHeader) + sense_request_bytes(0) || request->cell_count > max_window_cells || size < sizeof(MindHeader) + sense_request_bytes(request->cell_count))
                return 3;
            SenseReply& reply = s_report_sample.reply;
            s_report_sample.header.tick = request->tick;
            reply.cell_count = mind.sense(Span<const Observation>(request->cells, request->cell_count), Span<Observation>(reply.cells, max_window_cells));
            written = publish_report(reports.value(), report_sample_bytes(reply.cell_count));
            break;
        }
        case MindMessage::Offer: {
            // The sectors past sector_count were not sent: the buffer holds zeroes or old bytes there, never read.
            auto* request = reinterpret_cast<const OfferRequest*>(s_request + sizeof(MindHeader));
            if (size < sizeof(MindHeader) + offer_request_bytes(0) || request->sector_count > max_offer_sectors || size < sizeof(MindHeader) + offer_request_bytes(request->sector_count))
                return 3;
            auto reply = mind.offer(*request);
            if (reply.is_error())
                return 5;
            bid_in_kernel(self, *request, mind, reply.value());
            written = link.write(&reply.value(), sizeof(OfferReply));
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
            break;
        }
        default:
            return 3;
        }
        if (written.is_error())
            return written.error() == Error::PeerClosed ? 0 : 6;
    }
}
