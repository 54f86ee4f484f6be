// The weighting phase of swarm-votes (docs/collective.md, "Swarm tests"): five members, of whom
// the first three break policy 8 times each (leasing kernel:watchdog), which halves their
// standing twice (Reputation: a halving per 4 denials) and so their vote weight to a quarter;
// 8 denials and no rating stay below the quarantine's 10 pieces of evidence. The three vote
// yes and the two others no, on two proposals that differ only in weighting: one agent, one
// vote decides yes (3 of 5), reputation weighting decides no (2 x w against 3 x w/4). Each
// member reports once on the coordinator, so trust is recomputed after every member has
// enrolled (a member's weight is its trust at opening).
#include "Phases.h"

namespace swarm_votes {

using namespace swarm;

namespace {

constexpr size_t member_count = 5;
constexpr size_t low_standing = 3; // members 0 .. 2
constexpr int denials = 8;
constexpr uint64_t id_shift = 8;

// Proposal 0: one agent, one vote (yes wins); proposal 1: reputation-weighted (no wins).
constexpr uint64_t planned_option[2] = { 1, 0 };

void break_policy(Checks& checks, uint64_t me)
{
    for (int i = 0; i < denials; ++i)
        checks.expect_error("policy keeps kernel:* for the kernel", system::lease_acquire(me, "kernel:watchdog", second), Error::AccessDenied);
}

// A ballot on the losing side may come after the winners settled the proposal.
void cast(Checks& checks, uint64_t me, uint64_t proposal, size_t k, uint32_t option)
{
    auto voted = system::proposal_vote(me, proposal, option);
    if (option != planned_option[k] && voted.is_error())
        checks.expect_error("a losing ballot after the decision", voted, Error::TimedOut);
    else
        checks.expect_ok("vote", voted);
}

bool start(Checks& checks, const gehri::Agent& self, size_t index, Member& member)
{
    uint64_t argument = role_weighted | (self.id() << id_shift) | index;
    return spawn_member(checks, self, { .program = "bin/swarm-votes", .name = index < low_standing ? "swarm-distrusted" : "swarm-trusted", .argument = argument, .memory_quota = member_quota }, member);
}

bool decided_as_planned(const gehri::Result<abi::CollectiveEvent>& event, uint64_t proposal, size_t k)
{
    return is_event(event, EventKind::ProposalDecided, proposal) && event.value().detail == verdict_decided && event.value().detail2 == planned_option[k];
}

} // namespace

int weighted_member(uint64_t me, uint64_t argument)
{
    Checks checks("swarm-votes weighted member");
    gehri::Channel channel(gehri::bootstrap_handle().release_value());
    size_t index = argument & 0xff;
    uint64_t coordinator = (argument & ~role_mask) >> id_shift;
    if (index < low_standing)
        break_policy(checks, me);
    checks.expect_ok("report on the coordinator", system::reputation_report(me, coordinator, 1, 0));
    checks.expect_ok("say it is ready", channel.write("r"));
    uint32_t option = index < low_standing ? 1 : 0;
    // The first proposal may be decided before the second opens: events are taken in order.
    uint64_t proposals[2] {};
    size_t opened = 0;
    size_t decided = 0;
    while (decided < 2) {
        auto event = system::event_take(me, 20 * second);
        if (!checks.expect_ok("told of each opening and outcome", event))
            break;
        if (event.value().kind == static_cast<uint32_t>(EventKind::ProposalOpened) && opened < 2) {
            proposals[opened] = event.value().subject;
            cast(checks, me, proposals[opened], opened, option);
            ++opened;
        } else if (event.value().kind == static_cast<uint32_t>(EventKind::ProposalDecided)) {
            ++decided;
            size_t k = event.value().subject == proposals[1] ? 1 : 0;
            checks.expect("told the weighting's outcome", decided_as_planned(event, proposals[k], k));
        }
    }
    return checks.report();
}

void run_weighted(Checks& checks, const gehri::Agent& self)
{
    uint64_t me = self.handle().value();
    Member members[member_count];
    uint64_t ids[member_count] {};
    for (size_t i = 0; i < member_count; ++i) {
        if (!start(checks, self, i, members[i]))
            return;
        ids[i] = members[i].id;
    }
    for (auto& member : members) {
        char word = 0;
        checks.expect_ok("a member is ready", member.channel.read(&word, 1, 20 * second));
    }
    const StringView options[] = { "no", "yes" };
    system::Proposal proposal { "swarm", "trust the majority?", options, abi::ProposalThreshold::SimpleMajority, 30 * second, ids };
    proposal.weighting = static_cast<abi::ProposalWeighting>(3);
    checks.expect_error("a weighting that does not exist", system::proposal_open(me, proposal), Error::InvalidArgument);
    uint64_t proposals[2] {};
    for (size_t k = 0; k < 2; ++k) {
        proposal.weighting = k == 0 ? abi::ProposalWeighting::OneAgentOneVote : abi::ProposalWeighting::ReputationWeighted;
        auto id = system::proposal_open(me, proposal);
        if (!checks.expect_ok("open a weighted proposal", id))
            return;
        proposals[k] = id.value();
    }
    for (size_t k = 0; k < 2; ++k) {
        auto decided = next_event(me, EventKind::ProposalDecided, 20 * second);
        size_t which = decided.is_ok() && decided.value().subject == proposals[1] ? 1 : 0;
        checks.expect("the proposer is told the weighting's outcome", decided_as_planned(decided, proposals[which], which));
    }
    for (auto& member : members)
        checks.absorb("a weighted member", member.agent.wait(30 * second));
}

} // namespace swarm_votes
