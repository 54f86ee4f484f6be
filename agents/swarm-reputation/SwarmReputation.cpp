// A reputation swarm (docs/collective.md, "Swarm tests"): a coordinator and six honest members
// rate each other well and the four members of a collective badly; the collective praises
// itself and slanders everyone else (EigenTrust's threat model B). Every agent receives 10
// ratings, the quarantine's minimum of evidence. The collective then also breaks policy
// (leasing kernel:watchdog) 40 times each, which halves its standing ten times (its trust
// may be far above the average when departed agents' records thin the mean). The honest stay
// voters; the collective is quarantined, told so, and refused a vote. The kernel test
// (kernel/tests/SwarmTests.cpp) reads every member's trust. Over its bootstrap channel a
// member says 'e' (enrolled), gets everyone's ids, says 'd' (rated), gets 'x' and says 'q' or
// 'h' (told of quarantine or not), gets a proposal id and says 'v' (tried to vote).
#include <user/swarm/Swarm.h>

namespace {

using namespace swarm;

constexpr size_t honest_count = 6;
constexpr size_t collective_count = 4;
constexpr size_t member_count = honest_count + collective_count;
constexpr size_t agent_count = member_count + 1; // index 0: the coordinator, honest
constexpr uint64_t member_quota = 256 * 1024;
constexpr int violations = 40;

constexpr bool in_collective(size_t index) { return index > honest_count; }

// What agent `from` reports about agent `to`: praise within its side, blame across.
void rate(Checks& checks, uint64_t me, size_t from, const uint64_t (&ids)[agent_count])
{
    for (size_t to = 0; to < agent_count; ++to) {
        if (to == from)
            continue;
        bool same_side = in_collective(from) == in_collective(to);
        uint32_t satisfied = same_side ? (in_collective(from) ? 16 : 5) : 0;
        uint32_t unsatisfied = same_side ? 0 : 5;
        checks.expect_ok("report", system::reputation_report(me, ids[to], satisfied, unsatisfied));
    }
}

int member(uint64_t me, uint64_t my_id, size_t index)
{
    Checks checks("swarm-reputation member");
    gehri::Channel channel(gehri::bootstrap_handle().release_value());
    enroll(checks, me, my_id, channel);
    uint64_t ids[agent_count] {};
    if (!checks.expect_ok("everyone's ids", channel.read(ids, sizeof(ids), 20 * second)))
        return checks.report();
    rate(checks, me, index, ids);
    if (in_collective(index)) {
        for (int i = 0; i < violations; ++i)
            checks.expect_error("policy keeps kernel:* for the kernel", system::lease_acquire(me, "kernel:watchdog", second), Error::AccessDenied);
    }
    checks.expect_ok("say it is done", channel.write("d"));
    char command = 0;
    checks.expect_ok("the coordinator's go", channel.read(&command, 1, 20 * second));
    auto told = next_event(me, EventKind::Quarantined, 0);
    checks.expect_ok("answer", channel.write(told.is_ok() ? "q" : "h"));
    uint64_t proposal = 0;
    checks.expect_ok("the proposal", channel.read(&proposal, sizeof(proposal), 20 * second));
    auto voted = system::proposal_vote(me, proposal, 1);
    if (in_collective(index))
        checks.expect_error("a quarantined agent may not vote", voted, Error::AccessDenied);
    else
        checks.expect_ok("an honest member votes", voted);
    checks.expect_ok("say it has voted", channel.write("v"));
    return checks.report();
}

bool start(Checks& checks, const gehri::Agent& self, size_t index, Member& member)
{
    return spawn_member(checks, self, { .program = "bin/swarm-reputation", .name = in_collective(index) ? "swarm-colluder" : "swarm-honest", .argument = role_member | index, .memory_quota = member_quota }, member);
}

// A unanimous proposal naming every member settles as soon as everyone in its electorate has
// voted: with the collective left out (and its ballots refused), the honest six suffice.
void vote_without_the_collective(Checks& checks, uint64_t me, const uint64_t (&ids)[agent_count], Member (&members)[member_count])
{
    const StringView options[] = { "no", "yes" };
    system::Proposal proposal { "swarm", "trust the collective?", options, abi::ProposalThreshold::Unanimity, 20 * second, gehri::Span<const uint64_t>(ids + 1, member_count) };
    auto id = system::proposal_open(me, proposal);
    if (!checks.expect_ok("open a proposal", id))
        return;
    // The collective first: once the honest have voted, the proposal is settled.
    for (size_t i = member_count; i-- > 0;) {
        checks.expect_ok("send the proposal", members[i].channel.write(&id.value(), sizeof(id.value())));
        checks.expect("the member has voted", members[i].report() == 'v');
    }
    auto decided = next_event(me, EventKind::ProposalDecided, 20 * second);
    checks.expect("decided by the honest alone", is_event(decided, EventKind::ProposalDecided, id.value()) && decided.value().detail == verdict_decided && decided.value().detail2 == 1);
}

int coordinator(const gehri::Agent& self)
{
    Checks checks("swarm-reputation");
    uint64_t me = self.handle().value();
    uint64_t ids[agent_count] { self.id() };
    Member members[member_count];
    for (size_t i = 0; i < member_count; ++i) {
        if (!start(checks, self, i + 1, members[i]))
            return checks.report() + 1;
        ids[i + 1] = members[i].id;
        // The kernel test finds the members by id: the coordinator's, plus 1 .. 10.
        checks.expect("members' ids follow the coordinator's", ids[i + 1] == self.id() + i + 1);
    }
    checks.expect_error("rate oneself", system::reputation_report(me, self.id(), 1, 0), Error::InvalidArgument);
    for (auto& member : members)
        checks.expect("a member is enrolled", member.report() == 'e');
    for (auto& member : members)
        checks.expect_ok("send the ids", member.channel.write(ids, sizeof(ids)));
    for (auto& member : members)
        checks.expect("a member has rated", member.report() == 'd');
    rate(checks, me, 0, ids);
    for (auto& member : members)
        checks.expect_ok("go", member.channel.write("x"));
    for (size_t i = 0; i < member_count; ++i) {
        char told = members[i].report();
        checks.expect(in_collective(i + 1) ? "a colluder is told it is quarantined" : "an honest member is not quarantined", told == (in_collective(i + 1) ? 'q' : 'h'));
    }
    vote_without_the_collective(checks, me, ids, members);
    for (auto& member : members)
        checks.absorb("a member", member.agent.wait(20 * second));
    return checks.report();
}

} // namespace

int main(gehri::Agent& self)
{
    if (role_of(self.argument()) == role_member)
        return member(self.handle().value(), self.id(), self.argument() & 0xff);
    return coordinator(self);
}
