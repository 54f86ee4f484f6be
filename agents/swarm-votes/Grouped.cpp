// The group phase of swarm-votes (docs/collective.md, "Swarm tests"): twenty members share the
// name swarm-grouped, and the coordinator opens a proposal for that group instead of naming
// them. Each is told of it (ProposalOpened) as an elector; fourteen vote yes, six no, so it is
// decided yes at the eleventh yes (a later ballot, yes or no, may find it settled). A group nobody bears, and a
// group together with explicit electors, are refused.
#include "Phases.h"

namespace swarm_votes {

using namespace swarm;

namespace {

constexpr size_t member_count = 20;
constexpr size_t yes_count = 14;
constexpr StringView group_name = "swarm-grouped";

} // namespace

int grouped_member(uint64_t me, uint64_t argument)
{
    Checks checks("swarm-votes grouped member");
    size_t index = argument & 0xff;
    auto opened = next_event(me, EventKind::ProposalOpened, 30 * second);
    if (!checks.expect_ok("a group member is told of the opening", opened))
        return checks.report();
    uint64_t proposal = opened.value().subject;
    uint32_t option = index < yes_count ? 1 : 0;
    auto voted = system::proposal_vote(me, proposal, option);
    if (voted.is_error())
        checks.expect_error("a ballot after the decision", voted, Error::TimedOut);
    else
        checks.expect_ok("a group member votes", voted);
    auto decided = next_event(me, EventKind::ProposalDecided, 30 * second);
    checks.expect("the group decided yes", is_event(decided, EventKind::ProposalDecided, proposal) && decided.value().detail == verdict_decided && decided.value().detail2 == 1);
    return checks.report();
}

void run_grouped(Checks& checks, const gehri::Agent& self)
{
    uint64_t me = self.handle().value();
    gehri::ChildAgent members[member_count];
    for (size_t i = 0; i < member_count; ++i) {
        auto child = gehri::spawn(self.handle(), { .program = "bin/swarm-votes", .name = group_name, .argument = role_grouped | i, .memory_quota = member_quota });
        if (!checks.expect_ok("spawn a group member", child))
            return;
        members[i] = std::move(child.value());
    }
    const StringView options[] = { "no", "yes" };
    system::Proposal proposal { "swarm", "shall the group proceed?", options, abi::ProposalThreshold::SimpleMajority, 30 * second, {} };
    proposal.group = "swarm-nobody";
    checks.expect_error("a group nobody bears", system::proposal_open(me, proposal), Error::InvalidArgument);
    const uint64_t someone[] = { self.id() };
    proposal.group = group_name;
    proposal.electorate = someone;
    checks.expect_error("a group and explicit electors", system::proposal_open(me, proposal), Error::InvalidArgument);
    proposal.electorate = {};
    auto id = system::proposal_open(me, proposal);
    if (checks.expect_ok("open a proposal for the group", id)) {
        auto decided = next_event(me, EventKind::ProposalDecided, 30 * second);
        checks.expect("the proposer is told the group's outcome", is_event(decided, EventKind::ProposalDecided, id.value()) && decided.value().detail == verdict_decided && decided.value().detail2 == 1);
        auto status = system::proposal_result(me, id.value());
        checks.expect("ProposalResult has the group's outcome", status.is_ok() && status.value().state == static_cast<uint32_t>(abi::ProposalState::Settled) && status.value().option == 1);
    }
    for (auto& member : members)
        checks.absorb("a group member", member.wait(30 * second));
}

} // namespace swarm_votes
