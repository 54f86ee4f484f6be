// A flooding swarm (docs/collective.md, "Swarm tests"): the coordinator floods proposals
// (policy: at most 4 open per agent) and reputation reports (a token bucket of 20, refilled at
// 5 a second) until the kernel refuses with QuotaExceeded, while three members (this program,
// role by argument) open proposals of their own, vote them through unanimously and report on
// each other: the flood costs them nothing. Once the flood's proposals have expired, the
// flooder may open one again (the limit is on open proposals, not a lifetime quota).
#include <user/swarm/Swarm.h>

namespace {

using namespace swarm;

constexpr size_t member_count = 3;
constexpr uint64_t member_quota = 256 * 1024;
constexpr int proposal_limit = 4; // manifests/default.policy: limit proposals 4
constexpr uint64_t report_burst = 20; // ReputationConfig's defaults
constexpr uint64_t reports_per_second = 5;
constexpr uint64_t flood_period = 300 * millisecond;
const StringView options[] = { "no", "yes" };

int member(uint64_t me, uint64_t my_id, size_t index)
{
    Checks checks("swarm-flood member");
    gehri::Channel channel(gehri::bootstrap_handle().release_value());
    enroll(checks, me, my_id, channel);
    uint64_t ids[member_count] {};
    if (!checks.expect_ok("the members' ids", channel.read(ids, sizeof(ids), 20 * second)))
        return checks.report();
    system::Proposal proposal { "swarm", "carry on despite the flood?", options, abi::ProposalThreshold::Unanimity, 20 * second, ids };
    auto mine = system::proposal_open(me, proposal);
    checks.expect_ok("a proposal of its own goes through the flood", mine);
    checks.expect_ok("a report goes through the flood", system::reputation_report(me, ids[(index + 1) % member_count], 1, 0));
    size_t opened = 0;
    size_t decided = 0;
    while (decided < member_count) {
        auto event = system::event_take(me, 20 * second);
        if (!checks.expect_ok("told of every member's proposal", event))
            break;
        const abi::CollectiveEvent& e = event.value();
        if (e.kind == static_cast<uint32_t>(EventKind::ProposalOpened) && opened++ < member_count)
            checks.expect_ok("vote", system::proposal_vote(me, e.subject, 1));
        if (e.kind == static_cast<uint32_t>(EventKind::ProposalDecided)) {
            ++decided;
            checks.expect("decided unanimously", e.detail == verdict_decided && e.detail2 == 1);
        }
    }
    checks.expect("not quarantined for the flooder's slander", next_event(me, EventKind::Quarantined, 0).is_error());
    return checks.report();
}

// Opens proposals until refused: exactly the policy's limit are open at once.
void flood_proposals(Checks& checks, uint64_t me, uint64_t self_id)
{
    const uint64_t electorate[] = { self_id };
    system::Proposal proposal { "swarm", "flood", options, abi::ProposalThreshold::SimpleMajority, flood_period, electorate };
    int opened = 0;
    gehri::Result<system::ProposalId> refused = Error::InvalidArgument;
    for (int i = 0; i < 3 * proposal_limit; ++i) {
        refused = system::proposal_open(me, proposal);
        if (refused.is_error())
            break;
        ++opened;
    }
    checks.expect_error("the proposal flood is refused", refused, Error::QuotaExceeded);
    checks.expect("after exactly the limit", opened == proposal_limit);
}

// Reports until refused: the burst, plus what refilled while flooding.
void flood_reports(Checks& checks, uint64_t me, uint64_t target)
{
    uint64_t started = system::clock_now_ns();
    uint64_t accepted = 0;
    gehri::Result<void> refused = {};
    while (accepted < 10 * report_burst) {
        refused = system::reputation_report(me, target, 0, 1);
        if (refused.is_error())
            break;
        ++accepted;
    }
    uint64_t refill = (system::clock_now_ns() - started) * reports_per_second / second;
    checks.expect_error("the report flood is refused", refused, Error::QuotaExceeded);
    checks.expect("after the burst and its refill", accepted >= report_burst && accepted <= report_burst + refill);
}

int coordinator(const gehri::Agent& self)
{
    Checks checks("swarm-flood");
    uint64_t me = self.handle().value();
    uint64_t flood_started = system::clock_now_ns();
    flood_proposals(checks, me, self.id());
    Member members[member_count];
    uint64_t ids[member_count] {};
    for (size_t i = 0; i < member_count; ++i) {
        if (!spawn_member(checks, self, { .program = "bin/swarm-flood", .name = "swarm-steady", .argument = role_member | i, .memory_quota = member_quota }, members[i]))
            return checks.report() + 1;
        ids[i] = members[i].id;
    }
    // The flood slanders the first member, so the members enroll first; they act after it.
    for (auto& member : members)
        checks.expect("a member is enrolled", member.report() == 'e');
    flood_reports(checks, me, ids[0]);
    for (auto& member : members)
        checks.expect_ok("send the ids", member.channel.write(ids, sizeof(ids)));
    for (auto& member : members)
        checks.absorb("a member", member.agent.wait(30 * second));
    uint64_t expired = flood_started + flood_period + 50 * millisecond;
    uint64_t now = system::clock_now_ns();
    if (now < expired)
        (void)system::sleep_ns(expired - now);
    const uint64_t electorate[] = { self.id() };
    system::Proposal again { "swarm", "flood", options, abi::ProposalThreshold::SimpleMajority, 100 * millisecond, electorate };
    checks.expect_ok("once the flood has expired, a proposal opens again", system::proposal_open(me, again));
    return checks.report();
}

} // namespace

int main(gehri::Agent& self)
{
    if (role_of(self.argument()) == role_member)
        return member(self.handle().value(), self.id(), self.argument() & 0xff);
    return coordinator(self);
}
