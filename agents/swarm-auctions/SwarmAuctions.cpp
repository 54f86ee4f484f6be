// An auction swarm (docs/collective.md, "Swarm tests"): a coordinator opens five sealed-bid
// auctions (first and second price, one and two units, scheduling weight and memory quota) and
// spawns seven bidders (this program, role by argument) that bid by the plan below. Each bidder
// checks that it wins or loses exactly as planned at the planned price, that a bid beyond its
// credit or below the reserve is refused, that its credit is debited, refunded and refilled at
// 10 credits a second, and that a won weight or quota is in force for the term, then reverts.
#include <user/swarm/Swarm.h>

namespace {

using namespace swarm;

constexpr size_t bidder_count = 7;
constexpr size_t auction_count = 5;
constexpr uint64_t role_bidder = role_member;
constexpr uint64_t id_bits = 9; // a bidder's argument carries the five auction ids
constexpr uint64_t member_quota = 256 * 1024;
constexpr uint64_t prize_bytes = 512 * 1024;
constexpr uint64_t base_weight = 1024;
constexpr uint64_t term = 400 * millisecond;
constexpr uint64_t credit_capacity = 100; // CreditConfig's defaults
constexpr uint64_t credits_per_second = 10;
constexpr uint64_t slack = 8;

struct AuctionPlan {
    abi::AuctionEffect effect;
    abi::AuctionPricing pricing;
    uint64_t value;
    uint64_t units;
    uint64_t reserve;
    uint64_t closes_in;
};

constexpr AuctionPlan auctions[auction_count] = {
    { abi::AuctionEffect::SchedulingWeight, abi::AuctionPricing::SecondPrice, 3000, 1, 0, 800 * millisecond },
    { abi::AuctionEffect::MemoryQuota, abi::AuctionPricing::FirstPrice, prize_bytes, 2, 0, 800 * millisecond },
    { abi::AuctionEffect::SchedulingWeight, abi::AuctionPricing::SecondPrice, 1500, 2, 8, 800 * millisecond },
    { abi::AuctionEffect::SchedulingWeight, abi::AuctionPricing::FirstPrice, 2500, 1, 0, 800 * millisecond },
    { abi::AuctionEffect::MemoryQuota, abi::AuctionPricing::FirstPrice, 4096, 1, 1, 1600 * millisecond }, // outlives the rest: credit probes
};

// bids[bidder][auction] (0: none) and what each brings: the price paid, or `lost` (refunded).
// Every winner wins one timed prize, so each can watch its prize for the whole term.
constexpr uint64_t lost = ~uint64_t(0);
constexpr uint64_t bids[bidder_count][auction_count] = {
    { 30, 10, 12, 33, 0 },
    { 90, 0, 0, 0, 1 },
    { 20, 25, 7, 0, 0 }, // 7 is below A2's reserve: refused
    { 45, 15, 0, 20, 0 },
    { 0, 5, 40, 0, 0 },
    { 0, 0, 0, 0, 32 }, // spends only in A4, which closes last: its credit moves by refill alone
    { 0, 0, 30, 0, 0 },
};
constexpr uint64_t outcomes[bidder_count][auction_count] = {
    { lost, lost, lost, 33, 0 }, // first price: the bid
    { 45, 0, 0, 0, lost }, // Vickrey: the highest losing bid
    { lost, 25, 0, 0, 0 },
    { lost, 15, 0, lost, 0 },
    { 0, lost, 12, 0, 0 }, // two units, second price: both pay the third bid
    { 0, 0, 0, 0, 32 },
    { 0, 0, 12, 0, 0 },
};

constexpr bool refused(size_t bidder, size_t auction) { return bids[bidder][auction] != 0 && bids[bidder][auction] < auctions[auction].reserve; }

// Probes the available credit without spending: a second bid in an auction is refused with
// QuotaExceeded if it exceeds the credit, with AlreadyExists otherwise (Auction::submit's order).
bool credit_at_least(uint64_t me, uint64_t auction, uint64_t amount)
{
    auto probe = system::auction_bid(me, auction, amount);
    return probe.is_error() && probe.error() == Error::AlreadyExists;
}

template<typename Predicate>
bool becomes(uint64_t me, Predicate predicate, uint64_t timeout)
{
    uint64_t deadline = system::clock_now_ns() + timeout;
    do {
        auto info = system::agent_info(me);
        if (info.is_ok() && predicate(info.value()))
            return true;
        (void)system::sleep_ns(5 * millisecond);
    } while (system::clock_now_ns() < deadline);
    return false;
}

void sleep_until(uint64_t when)
{
    uint64_t now = system::clock_now_ns();
    if (now < when)
        (void)system::sleep_ns(when - now);
}

// The prize is in force from AuctionWon until `until` (its detail2), then reverts. A bidder the
// loaded host let run only after its term cannot look; it says so and checks the revert only.
void check_prize(Checks& checks, uint64_t me, size_t auction, uint64_t until)
{
    const AuctionPlan& plan = auctions[auction];
    bool weight = plan.effect == abi::AuctionEffect::SchedulingWeight;
    auto in_force = [&](const abi::AgentInfo& info) { return weight ? info.weight == plan.value : info.memory_quota == member_quota + plan.value; };
    auto reverted = [&](const abi::AgentInfo& info) { return weight ? info.weight == base_weight : info.memory_quota == member_quota; };
    if (system::clock_now_ns() + 50 * millisecond < until) {
        checks.expect("the prize is in force when the winner is told", becomes(me, in_force, 0));
        if (!weight && plan.value == prize_bytes) {
            auto region = system::memory_map(prize_bytes);
            if (checks.expect_ok("an allocation only the won quota allows", region)) {
                static_cast<volatile uint8_t*>(region.value())[prize_bytes - 1] = 1;
                checks.expect_ok("give it back", system::memory_unmap(region.value(), prize_bytes));
            }
        }
        sleep_until(until - 30 * millisecond);
        if (system::clock_now_ns() + 10 * millisecond < until)
            checks.expect("and for the whole term", becomes(me, in_force, 0));
    } else {
        gehri::println("swarm-auctions bidder: ran too late to see prize {} in force", auction);
    }
    sleep_until(until);
    checks.expect("then it reverts", becomes(me, reverted, 300 * millisecond));
}

// Credit `left` after the debits: at least that plus what refilled since `debited_by` (when the
// last debit had surely happened), at most that plus what refilled since `first_debit` until
// `now`, with `slack` for what refills while the probes themselves run (a loaded -smp 4 host
// can hold a thread off its CPU for a good part of a second).
void check_credit(Checks& checks, StringView what, uint64_t me, uint64_t probe_auction, uint64_t left, uint64_t first_debit, uint64_t debited_by)
{
    uint64_t now = system::clock_now_ns();
    uint64_t low = left + (now - debited_by) * credits_per_second / second;
    uint64_t high = left + (now - first_debit) * credits_per_second / second + slack;
    low = low > credit_capacity ? credit_capacity : low;
    checks.expect(what, credit_at_least(me, probe_auction, low) && (high >= credit_capacity || !credit_at_least(me, probe_auction, high + 1)));
}

int bidder(uint64_t me, size_t index, uint64_t argument)
{
    Checks checks("swarm-auctions bidder");
    uint64_t ids[auction_count];
    for (size_t k = 0; k < auction_count; ++k)
        ids[k] = (argument >> (k * id_bits)) & ((1ull << id_bits) - 1);
    uint64_t first_bid = system::clock_now_ns();
    size_t expected_events = 0;
    for (size_t k = 0; k < auction_count; ++k) {
        if (bids[index][k] == 0)
            continue;
        auto placed = system::auction_bid(me, ids[k], bids[index][k]);
        if (refused(index, k)) {
            checks.expect_error("a bid below the reserve", placed, Error::OutOfRange);
            continue;
        }
        checks.expect_ok("a bid within the credit", placed);
        ++expected_events;
    }
    uint64_t bids_done = system::clock_now_ns();
    if (index == 5) {
        // b5 bid 32 of its 100: 68 left; 0.6 s later 6 more (10 a second), and no more.
        checks.expect_error("a bid beyond the credit", system::auction_bid(me, ids[4], credit_capacity + 1), Error::QuotaExceeded);
        check_credit(checks, "the bids are debited", me, ids[4], 68, first_bid, bids_done);
        (void)system::sleep_ns(600 * millisecond);
        check_credit(checks, "credit refills at 10 a second", me, ids[4], 68, first_bid, bids_done);
    }
    if (index == 0)
        checks.expect_error("no quota beyond the agent's own", system::memory_map(prize_bytes), Error::QuotaExceeded);
    for (size_t seen = 0; seen < expected_events; ++seen) {
        auto event = system::event_take(me, 20 * second);
        if (!checks.expect_ok("told of every auction's result", event))
            break;
        const abi::CollectiveEvent& e = event.value();
        size_t k = 0;
        while (k < auction_count && ids[k] != e.subject)
            ++k;
        if (!checks.expect("an auction it bid in", k < auction_count))
            continue;
        uint64_t outcome = outcomes[index][k];
        bool won = e.kind == static_cast<uint32_t>(EventKind::AuctionWon);
        if (outcome == lost) {
            checks.expect("lost, refunded in full", e.kind == static_cast<uint32_t>(EventKind::AuctionLost) && e.detail == bids[index][k]);
            continue;
        }
        checks.expect("won at the planned price", won && e.detail == outcome);
        // b1 paid 45 of its 90 in A0 and holds 1 in A4: 54 left, the rest refunded at once.
        if (index == 1 && k == 0)
            check_credit(checks, "the winner is refunded its bid above the price", me, ids[4], credit_capacity - 91 + 45, first_bid, bids_done);
        if (won && k != 4)
            check_prize(checks, me, k, e.detail2);
    }
    return checks.report();
}

int coordinator(const gehri::Agent& self)
{
    Checks checks("swarm-auctions");
    uint64_t me = self.handle().value();
    uint64_t argument = role_bidder;
    for (size_t k = 0; k < auction_count; ++k) {
        const AuctionPlan& plan = auctions[k];
        abi::AuctionRequest request { static_cast<uint32_t>(plan.effect), static_cast<uint32_t>(plan.pricing), plan.value, term, plan.units, plan.reserve, plan.closes_in };
        auto id = system::auction_open(me, request);
        if (!checks.expect_ok("open an auction", id) || !checks.expect("its id fits a bidder's argument", id.value() < (1ull << id_bits)))
            return checks.report() + 1;
        argument |= id.value() << (k * id_bits);
    }
    gehri::ChildAgent bidders[bidder_count];
    for (size_t i = 0; i < bidder_count; ++i) {
        auto child = gehri::spawn(self.handle(), { .program = "bin/swarm-auctions", .name = "swarm-bidder", .argument = argument | (uint64_t(i) << 48), .memory_quota = member_quota });
        if (checks.expect_ok("spawn a bidder", child))
            bidders[i] = std::move(child.value());
    }
    for (auto& bidder : bidders)
        checks.absorb("a bidder", bidder.wait(30 * second));
    return checks.report();
}

} // namespace

int main(gehri::Agent& self)
{
    if (role_of(self.argument()) == role_bidder)
        return bidder(self.handle().value(), (self.argument() >> 48) & 0xff, self.argument() & ((1ull << 48) - 1));
    return coordinator(self);
}
