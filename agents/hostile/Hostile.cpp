// A hostile agent against the collective services (docs/collective.md): it votes twice, bids
// beyond its credit, leases what policy keeps for the kernel, floods proposals, and has a child
// that dies holding a lease. It checks every answer itself, prints
// "hostile: N passed, N failed" and exits with the number of failures.
// Argument 1: the child role (lease sensor:thermal0, hold it a while, then crash).
#include <user/libgehri/Collective.h>
#include <user/libgehri/Gehri.h>
#include <user/libgehri/runtime/Syscall.h>

namespace {

using gehri::Error;
using gehri::Rights;
using gehri::StringView;
namespace abi = gehri::abi;
namespace system = gehri::system;

constexpr uint64_t millisecond = 1'000'000;
constexpr uint64_t second = 1000 * millisecond;
constexpr StringView contended = "sensor:thermal0";
constexpr uint64_t contended_index = 0; // the kernel's first leasable resource

int s_passed = 0;
int s_failed = 0;

void expect_true(const char* what, bool condition)
{
    if (condition) {
        ++s_passed;
        return;
    }
    ++s_failed;
    gehri::println("hostile: FAIL {}", what);
}

template<typename T>
void expect_error(const char* what, const gehri::Result<T>& result, Error expected)
{
    if (result.is_error() && result.error() == expected) {
        ++s_passed;
        return;
    }
    ++s_failed;
    gehri::println("hostile: FAIL {}: got {}, expected {}", what, result.is_error() ? gehri::error_name(result.error()) : StringView("success"),
        gehri::error_name(expected));
}

// Waits up to `timeout` for an event of `kind`, skipping others.
bool wait_for_event(uint64_t self, abi::CollectiveEvent& out, uint32_t kind, uint64_t timeout)
{
    uint64_t deadline = system::clock_now_ns() + timeout;
    for (;;) {
        uint64_t now = system::clock_now_ns();
        if (now >= deadline)
            return false;
        auto event = system::event_take(self, deadline - now);
        if (event.is_error())
            return false;
        if (event.value().kind == kind) {
            out = event.value();
            return true;
        }
    }
}

[[noreturn]] void hold_and_crash(uint64_t self)
{
    auto lease = system::lease_acquire(self, contended, 30 * second);
    if (lease.is_error() || lease.value() == 0) {
        gehri::println("hostile child: no lease on {}", contended);
        system::exit(1);
    }
    gehri::println("hostile child: holding lease {} on {}, crashing soon", lease.value(), contended);
    (void)system::sleep_ns(2 * second);
    asm volatile("hlt"); // privileged: a general-protection fault in ring 3
    system::exit(2);
}

// A child dies holding a lease: the lease ends at once, the waiter is told and gets it.
uint64_t dead_holder(const gehri::Agent& self)
{
    uint64_t me = self.handle().value();
    auto child = gehri::spawn(self.handle(), { .program = "bin/hostile", .name = "hostile-holder", .argument = 1 });
    expect_true("spawn the lease holder", child.is_ok());
    if (child.is_error())
        return 0;
    auto info = child.value().info();
    uint64_t child_id = info.is_ok() ? info.value().id : 0;
    (void)system::sleep_ns(500 * millisecond); // the child leases first
    auto queued = system::lease_acquire(me, contended, 5 * second);
    expect_true("a held lease queues the second request", queued.is_ok() && queued.value() == 0);
    auto exit = child.value().wait(10 * second);
    expect_true("the holder crashed", exit.is_ok() && exit.value().reason == abi::ExitReason::Faulted);
    abi::CollectiveEvent event;
    expect_true("the waiter is told the resource is free", wait_for_event(me, event, 6 /* ResourceFreed */, 2 * second) && event.subject == contended_index);
    expect_true("the waiter gets the lease", wait_for_event(me, event, 3 /* LeaseGranted */, 2 * second) && event.detail == contended_index);
    if (event.subject != 0) {
        expect_true("renew the lease", system::lease_renew(me, event.subject, 5 * second).is_ok());
        expect_true("release the lease", system::lease_release(me, event.subject).is_ok());
        expect_error("release it twice", system::lease_release(me, event.subject), Error::NotFound);
    }
    return child_id;
}

void leases(uint64_t me)
{
    auto lease = system::lease_acquire(me, "display:status", second);
    expect_true("acquire a free lease", lease.is_ok() && lease.value() != 0);
    expect_error("acquire it again", system::lease_acquire(me, "display:status", second), Error::AlreadyExists);
    expect_error("a term beyond the maximum", system::lease_acquire(me, contended, 3600 * second), Error::OutOfRange);
    expect_error("policy keeps kernel:* for the kernel", system::lease_acquire(me, "kernel:watchdog", second), Error::AccessDenied);
    expect_error("an unknown resource", system::lease_acquire(me, "no:such", second), Error::NotFound);
    if (lease.is_ok())
        expect_true("release", system::lease_release(me, lease.value()).is_ok());
}

void auctions(uint64_t me)
{
    abi::AuctionRequest request;
    request.effect = static_cast<uint32_t>(abi::AuctionEffect::SchedulingWeight);
    request.value = 2048;
    request.term_ns = 2 * second;
    request.closes_in_ns = 300 * millisecond;
    auto auction = system::auction_open(me, request);
    expect_true("open a weight auction", auction.is_ok());
    if (auction.is_error())
        return;
    expect_error("bid beyond the credit budget", system::auction_bid(me, auction.value(), 1000), Error::QuotaExceeded);
    expect_true("bid within it", system::auction_bid(me, auction.value(), 40).is_ok());
    expect_error("bid twice", system::auction_bid(me, auction.value(), 41), Error::AlreadyExists);
    abi::CollectiveEvent event;
    expect_true("win the auction", wait_for_event(me, event, 7 /* AuctionWon */, 3 * second) && event.subject == auction.value());
    auto info = system::agent_info(me);
    expect_true("the winner runs at the weight it bought", info.is_ok() && info.value().weight == 2048);
}

void proposals(uint64_t me, uint64_t self_id, uint64_t other_voter)
{
    const StringView options[] = { "no", "yes" };
    const uint64_t electorate[] = { self_id, other_voter };
    system::Proposal proposal { "test", "do we agree?", options, abi::ProposalThreshold::SimpleMajority, 30 * second, electorate };
    auto id = system::proposal_open(me, proposal);
    expect_true("open a proposal", id.is_ok());
    if (id.is_error())
        return;
    auto no_vote = system::handle_duplicate(me, Rights::Read);
    if (no_vote.is_ok()) {
        expect_error("vote without the Vote right", system::proposal_vote(no_vote.value(), id.value(), 1), Error::AccessDenied);
        (void)system::handle_close(no_vote.value());
    }
    expect_true("vote", system::proposal_vote(me, id.value(), 1).is_ok());
    expect_error("vote twice", system::proposal_vote(me, id.value(), 0), Error::AlreadyExists);
    expect_error("vote on no proposal", system::proposal_vote(me, 999'999, 0), Error::NotFound);
    auto status = system::proposal_result(me, id.value());
    expect_true("still voting", status.is_ok() && status.value().state == static_cast<uint32_t>(abi::ProposalState::Voting));
    // One open already; the boot policy allows four.
    int opened = 1;
    gehri::Result<system::ProposalId> flood = Error::InvalidArgument;
    for (int i = 0; i < 10; ++i) {
        flood = system::proposal_open(me, proposal);
        if (flood.is_error())
            break;
        ++opened;
    }
    expect_error("the proposal flood is refused", flood, Error::QuotaExceeded);
    expect_true("after exactly the limit", opened == 4);
}

} // namespace

// AuditRecord: bad notes are refused; a flood is cut off by the agents' shared budget.
void audit_records(uint64_t me, uint64_t subject)
{
    expect_true("record a decision", system::audit_record(me, "quarantine", subject, "hostile test: a decision an agent took").is_ok());
    expect_error("record with no name", system::audit_record(me, "", subject, "x"), Error::InvalidArgument);
    expect_error("record a name with capitals", system::audit_record(me, "Quarantine", subject, "x"), Error::InvalidArgument);
    expect_error("record a name of 33 bytes", system::audit_record(me, "abcdefghijklmnopqrstuvwxyz0123456", subject, "x"), Error::InvalidArgument);
    char long_detail[65];
    for (char& c : long_detail)
        c = 'x';
    expect_error("record a detail of 65 bytes", system::audit_record(me, "vote", subject, StringView(long_detail, sizeof(long_detail))), Error::InvalidArgument);
    expect_error("record from kernel memory", system::audit_record(me, StringView(reinterpret_cast<const char*>(0xffffffff80000000ull), 4), subject, "x"), Error::BadAddress);
    abi::AuditNote* nowhere = reinterpret_cast<abi::AuditNote*>(0x10);
    expect_true("record through a bad note pointer", system::raw::syscall3(abi::Syscall::AuditRecord, me, reinterpret_cast<uint64_t>(nowhere)) == abi::encode_error(Error::BadAddress));
    auto without_govern = system::handle_duplicate(me, Rights::Read);
    expect_true("duplicate the self handle without Govern", without_govern.is_ok());
    if (without_govern.is_ok()) {
        expect_error("record without the Govern right", system::audit_record(without_govern.value(), "vote", 0, "x"), Error::AccessDenied);
        (void)system::handle_close(without_govern.value());
    }
    bool cut_off = false;
    for (int i = 0; i < 200 && !cut_off; ++i) {
        auto flood = system::audit_record(me, "flood", 0, "");
        cut_off = flood.is_error() && flood.error() == Error::QuotaExceeded;
    }
    expect_true("a flood of records is cut off by the rate limit", cut_off);
}

int main(gehri::Agent& self)
{
    uint64_t me = self.handle().value();
    if (self.argument() == 1)
        hold_and_crash(me);
    int64_t unassigned = system::raw::syscall6(60, me, 0, 0, 0, 0, 0);
    expect_true("an unassigned syscall number is NotSupported", unassigned == abi::encode_error(Error::NotSupported));
    uint64_t child_id = dead_holder(self);
    leases(me);
    auctions(me);
    expect_error("rate oneself", system::reputation_report(me, self.id(), 1, 0), Error::InvalidArgument);
    expect_true("rate the dead holder", system::reputation_report(me, child_id, 0, 1).is_ok());
    proposals(me, self.id(), child_id);
    audit_records(me, child_id);
    gehri::println("hostile: {} passed, {} failed", s_passed, s_failed);
    return s_failed;
}
