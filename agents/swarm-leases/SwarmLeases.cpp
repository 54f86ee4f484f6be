// A lease swarm (docs/collective.md, "Swarm tests"): members (this program, role by argument)
// contend with the coordinator for sensor:thermal0 (exclusive) and store:scratch (shared by up
// to 4). A holder dies of a null dereference while two wait: the lease ends at once, the first
// waiter is told and gets it, the second keeps waiting (renewal is refused while it does).
// Three shared holders coexist, an exclusive request waits for all of them, and a later shared
// request queues behind it (no queue jumping). A lease nobody waits for renews, then expires.
// Members report over their bootstrap channel: 'g' granted at once, 'q' queued, 'F' granted
// after being told the resource was freed, 'e' refused; the coordinator sends 'r' (release)
// or 'c' (crash).
#include <user/swarm/Swarm.h>

namespace {

using namespace swarm;

constexpr uint64_t shared_flag = 1ull << 8;
constexpr uint64_t member_quota = 256 * 1024;
constexpr StringView resources[] = { "sensor:thermal0", "display:status", "kernel:watchdog", "store:scratch" };
constexpr uint64_t thermal = 0;
constexpr uint64_t display = 1;
constexpr uint64_t scratch = 3;

[[noreturn]] void crash()
{
    volatile int* nowhere = nullptr;
    *nowhere = 1; // a real fault: a page fault in ring 3
    system::exit(100);
}

int member(uint64_t me, uint64_t argument)
{
    Checks checks("swarm-leases member");
    gehri::Channel channel(gehri::bootstrap_handle().release_value());
    uint64_t resource = argument & 0xff;
    auto flags = (argument & shared_flag) ? abi::LeaseFlags::Shared : abi::LeaseFlags::None;
    auto lease = system::lease_acquire(me, resources[resource], 20 * second, flags);
    if (!checks.expect_ok("acquire", lease)) {
        (void)channel.write("e");
        return checks.report();
    }
    uint64_t id = lease.value();
    if (id == 0) {
        (void)channel.write("q");
        bool freed = false;
        for (;;) {
            auto event = system::event_take(me, 20 * second);
            if (!checks.expect_ok("told when the lease comes", event))
                return checks.report();
            freed |= is_event(event, EventKind::ResourceFreed, resource);
            if (event.value().kind == static_cast<uint32_t>(EventKind::LeaseGranted)) {
                checks.expect("granted the resource it asked for", event.value().detail == resource);
                id = event.value().subject;
                break;
            }
        }
        (void)channel.write(freed ? "F" : "g");
    } else {
        (void)channel.write("g");
    }
    char command = 0;
    checks.expect_ok("the coordinator's command", channel.read(&command, 1, 30 * second));
    if (command == 'c')
        crash();
    checks.expect_ok("release", system::lease_release(me, id));
    return checks.report();
}

Member start(Checks& checks, const gehri::Agent& self, uint64_t resource, bool shared, char expected)
{
    Member member;
    if (!spawn_member(checks, self, { .program = "bin/swarm-leases", .name = "swarm-lessee", .argument = role_member | resource | (shared ? shared_flag : 0), .memory_quota = member_quota }, member))
        return member;
    char got = member.report();
    if (got != expected)
        gehri::println("swarm-leases: member reported '{}', expected '{}'", got, expected);
    checks.expect("the member's lease as planned", got == expected);
    return member;
}

void finish(Checks& checks, Member& member)
{
    checks.expect_ok("tell the member to release", member.channel.write("r"));
    checks.absorb("a member", member.agent.wait(20 * second));
}

// The holder crashes while the coordinator and a member wait for sensor:thermal0.
void holder_dies(Checks& checks, const gehri::Agent& self, uint64_t me)
{
    Member holder = start(checks, self, thermal, false, 'g');
    checks.expect("a held resource queues the next request", system::lease_acquire(me, resources[thermal], 20 * second).value_or(1) == 0);
    Member next_waiter = start(checks, self, thermal, false, 'q');
    checks.expect_ok("tell the holder to crash", holder.channel.write("c"));
    auto exit = holder.agent.wait(20 * second);
    checks.expect("the holder died of a page fault", exit.is_ok() && exit.value().reason == abi::ExitReason::Faulted);
    uint64_t died = system::clock_now_ns();
    checks.expect("the first waiter is told the resource is free", is_event(next_event(me, EventKind::ResourceFreed, 20 * second), EventKind::ResourceFreed, thermal));
    auto granted = next_event(me, EventKind::LeaseGranted, 20 * second);
    checks.expect("and gets the lease at once", granted.is_ok() && granted.value().detail == thermal && system::clock_now_ns() - died < 2 * second);
    uint64_t lease = granted.is_ok() ? granted.value().subject : 0;
    checks.expect_error("no renewal while another waits", system::lease_renew(me, lease, 20 * second), Error::Busy);
    checks.expect_ok("release", system::lease_release(me, lease));
    checks.expect_error("release twice", system::lease_release(me, lease), Error::NotFound);
    checks.expect("the second waiter gets it next", next_waiter.report() == 'F');
    finish(checks, next_waiter);
}

// Three share store:scratch; an exclusive request waits for all; a shared one queues behind it.
void sharing(Checks& checks, const gehri::Agent& self, uint64_t me)
{
    Member sharers[3];
    for (auto& sharer : sharers)
        sharer = start(checks, self, scratch, true, 'g');
    checks.expect("exclusive waits for the sharers", system::lease_acquire(me, resources[scratch], 20 * second).value_or(1) == 0);
    Member late = start(checks, self, scratch, true, 'q');
    for (auto& sharer : sharers)
        finish(checks, sharer);
    auto granted = next_event(me, EventKind::LeaseGranted, 20 * second);
    checks.expect("exclusive after the last sharer let go", granted.is_ok() && granted.value().detail == scratch);
    checks.expect_ok("release", system::lease_release(me, granted.is_ok() ? granted.value().subject : 0));
    // Each release tells the waiters (ResourceFreed), as expiry and death do.
    checks.expect("then the late sharer, told of the releases", late.report() == 'F');
    finish(checks, late);
}

// Nobody waits for display:status: a renewal extends the lease, which then expires.
void expiry(Checks& checks, uint64_t me)
{
    auto lease = system::lease_acquire(me, resources[display], 100 * millisecond);
    if (!checks.expect("a free resource is granted at once", lease.is_ok() && lease.value() != 0))
        return;
    uint64_t renewed = system::clock_now_ns();
    checks.expect_ok("renew while nobody waits", system::lease_renew(me, lease.value(), 200 * millisecond));
    auto lost = next_event(me, EventKind::LeaseLost, 20 * second);
    checks.expect("the lease expires", is_event(lost, EventKind::LeaseLost, lease.value()) && lost.value().detail2 == lease_end_expired);
    checks.expect("not before the renewed term", system::clock_now_ns() - renewed >= 200 * millisecond);
    checks.expect_error("an expired lease cannot be renewed", system::lease_renew(me, lease.value(), second), Error::NotFound);
}

int coordinator(const gehri::Agent& self)
{
    Checks checks("swarm-leases");
    uint64_t me = self.handle().value();
    holder_dies(checks, self, me);
    sharing(checks, self, me);
    expiry(checks, me);
    checks.expect_error("shared on an exclusive resource", system::lease_acquire(me, resources[thermal], second, abi::LeaseFlags::Shared), Error::InvalidArgument);
    return checks.report();
}

} // namespace

int main(gehri::Agent& self)
{
    if (role_of(self.argument()) == role_member)
        return member(self.handle().value(), self.argument());
    return coordinator(self);
}
