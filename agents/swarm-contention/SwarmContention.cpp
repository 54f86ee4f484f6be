// A contention swarm (docs/collective.md, "Swarm tests"): members (this program, role by
// argument) contend for the resources the boot policy declares (manifests/default.policy).
// radio:uplink (rule priority): while the coordinator holds it, a batch, a normal and an
// interactive member queue in that order; on release the interactive one gets it first, then
// the normal one, then the batch one: the kernel's priority class decides, not the arrival.
// gpu:0 (rule auction, reserve 5, 200 ms rounds): while the coordinator holds it, a bid of 4 is
// refused (below the reserve) and bids of 30, 50 and 20 enter one sealed-bid round; when it
// closes the 30 and 20 bidders are dropped (outbid) and, on release, the 50 bidder gets the
// lease (the kernel's test checks it paid the second price, 30).
// The coordinator sends 'b' (acquire now) and 'r' (release); members report over their
// bootstrap channel: 'g' granted at once, 'q' queued, 'e' refused, then 'G' granted later or
// 'o' outbid.
#include <user/swarm/Swarm.h>

namespace {

using namespace swarm;

constexpr uint64_t member_quota = 256 * 1024;
constexpr StringView resources[] = { "radio:uplink", "gpu:0" };
constexpr uint64_t radio = 0;
constexpr uint64_t gpu = 1;
constexpr uint64_t first_declared = 4; // after the kernel's four built-in resources
constexpr uint64_t lease_end_outbid = 3;
constexpr uint32_t batch = 3;
constexpr uint32_t normal = 2;
constexpr uint32_t interactive = 1;

// Waits for the lease it queued for, or to be outbid.
char wait_turn(Checks& checks, uint64_t me, uint64_t resource, uint64_t& lease)
{
    for (;;) {
        auto event = system::event_take(me, 20 * second);
        if (!checks.expect_ok("told when the lease comes", event))
            return '?';
        if (event.value().kind == static_cast<uint32_t>(EventKind::LeaseRequestDropped)) {
            checks.expect("dropped because outbid", event.value().subject == first_declared + resource && event.value().detail == lease_end_outbid);
            return 'o';
        }
        if (event.value().kind == static_cast<uint32_t>(EventKind::LeaseGranted)) {
            checks.expect("granted the resource it asked for", event.value().detail == first_declared + resource);
            lease = event.value().subject;
            return 'G';
        }
    }
}

int member(uint64_t me, uint64_t argument)
{
    Checks checks("swarm-contention member");
    gehri::Channel channel(gehri::bootstrap_handle().release_value());
    uint64_t resource = argument & 0xff;
    uint64_t bid = (argument >> 8) & 0xffff;
    char command = 0;
    checks.expect_ok("the coordinator's go", channel.read(&command, 1, 30 * second));
    auto acquired = system::lease_acquire(me, resources[resource], 20 * second, abi::LeaseFlags::None, bid);
    if (acquired.is_error()) {
        checks.expect("only a bid below the reserve is refused", acquired.error() == Error::OutOfRange && bid < 5);
        (void)channel.write("e");
        return checks.report();
    }
    uint64_t lease = acquired.value();
    (void)channel.write(lease != 0 ? "g" : "q");
    if (lease == 0) {
        char turn = wait_turn(checks, me, resource, lease);
        (void)channel.write(&turn, 1);
        if (turn != 'G')
            return checks.report();
    }
    checks.expect_ok("the coordinator's release", channel.read(&command, 1, 30 * second));
    checks.expect_ok("release", system::lease_release(me, lease));
    return checks.report();
}

void expect_report(Checks& checks, Member& member, char expected, StringView what)
{
    char got = member.report(2 * second);
    if (got != expected)
        gehri::println("swarm-contention: member reported '{}', expected '{}' ({})", got, expected, what);
    checks.expect(what, got == expected);
}

Member start(Checks& checks, const gehri::Agent& self, uint64_t resource, uint64_t bid, uint32_t priority_class)
{
    Member member;
    (void)spawn_member(checks, self, { .program = "bin/swarm-contention", .name = "swarm-contender", .argument = role_member | resource | (bid << 8), .memory_quota = member_quota, .priority_class = priority_class }, member);
    return member;
}

// Tells the member to acquire and checks its answer.
void go(Checks& checks, Member& member, char expected, StringView what)
{
    checks.expect_ok("tell the member to acquire", member.channel.write("b"));
    expect_report(checks, member, expected, what);
}

void finish(Checks& checks, Member& member)
{
    checks.expect_ok("tell the member to release", member.channel.write("r"));
    checks.absorb("a member", member.agent.wait(20 * second));
}

uint64_t hold(Checks& checks, uint64_t me, uint64_t resource)
{
    auto lease = system::lease_acquire(me, resources[resource], 20 * second);
    checks.expect("a free resource is granted at once", lease.is_ok() && lease.value() != 0);
    return lease.value_or(0);
}

// The last to arrive is the most urgent, and goes first.
void priority(Checks& checks, const gehri::Agent& self, uint64_t me)
{
    uint64_t lease = hold(checks, me, radio);
    Member members[3] = { start(checks, self, radio, 0, batch), start(checks, self, radio, 0, normal), start(checks, self, radio, 0, interactive) };
    for (auto& member : members)
        go(checks, member, 'q', "a held resource queues the request");
    checks.expect_ok("release", system::lease_release(me, lease));
    expect_report(checks, members[2], 'G', "the interactive member is next");
    finish(checks, members[2]);
    expect_report(checks, members[1], 'G', "then the normal one");
    finish(checks, members[1]);
    expect_report(checks, members[0], 'G', "then the batch one");
    finish(checks, members[0]);
}

// Bids while the coordinator holds gpu:0: the highest bidder is next.
void auction(Checks& checks, const gehri::Agent& self, uint64_t me)
{
    uint64_t lease = hold(checks, me, gpu);
    Member low = start(checks, self, gpu, 4, normal);
    Member bidders[3] = { start(checks, self, gpu, 30, normal), start(checks, self, gpu, 50, normal), start(checks, self, gpu, 20, normal) };
    go(checks, low, 'e', "a bid below the reserve is refused");
    checks.absorb("the member below the reserve", low.agent.wait(20 * second));
    // All three bid within the round, which opened with the first of them.
    for (auto& bidder : bidders)
        go(checks, bidder, 'q', "a bid queues for the held resource");
    expect_report(checks, bidders[0], 'o', "the 30 bidder is outbid when the round closes");
    expect_report(checks, bidders[2], 'o', "the 20 bidder is outbid");
    checks.absorb("the 30 bidder", bidders[0].agent.wait(20 * second));
    checks.absorb("the 20 bidder", bidders[2].agent.wait(20 * second));
    checks.expect_error("no renewal while the winner waits", system::lease_renew(me, lease, second), Error::Busy);
    checks.expect_ok("release", system::lease_release(me, lease));
    expect_report(checks, bidders[1], 'G', "the highest bidder gets the lease");
    finish(checks, bidders[1]);
}

int coordinator(const gehri::Agent& self)
{
    Checks checks("swarm-contention");
    uint64_t me = self.handle().value();
    uint64_t started = system::clock_now_ns();
    priority(checks, self, me);
    auction(checks, self, me);
    gehri::println("swarm-contention: {} ms", (system::clock_now_ns() - started) / millisecond);
    return checks.report();
}

} // namespace

int main(gehri::Agent& self)
{
    if (role_of(self.argument()) == role_member)
        return member(self.handle().value(), self.argument());
    return coordinator(self);
}
