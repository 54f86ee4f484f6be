// A voting swarm (docs/collective.md, "Swarm tests"): a coordinator spawns 15 electors and 5
// outsiders (this program, role by argument), opens four proposals, one per quorum rule and
// outcome, and every elector votes by the plan below. Hostile electors vote twice, vote an
// option that does not exist and vote after settlement; outsiders and the coordinator vote
// without being electors. Every party checks the answers and the ProposalDecided it is told;
// the kernel test (kernel/tests/SwarmTests.cpp) checks the audit log's tallies. Later phases
// (Phases.h) vote with members of their own.
#include "Phases.h"
#include <user/libgehri/Channel.h>
#include <user/swarm/Swarm.h>

namespace {

using namespace swarm;

constexpr size_t elector_count = 15;
constexpr size_t outsider_count = 5;
constexpr size_t proposal_count = 4;
constexpr size_t straggler = elector_count - 1; // votes last, when the coordinator says so
constexpr uint64_t role_elector = role_member;
constexpr uint64_t role_outsider = 2ull << role_shift;
constexpr uint64_t id_bits = 14; // an outsider's argument carries the four proposal ids
constexpr uint64_t member_quota = 256 * 1024;

struct Plan {
    abi::ProposalThreshold threshold;
    const char* ballots; // per elector: y(es, option 1), n(o, option 0), a(bstain)
    uint64_t verdict;
    uint64_t detail; // the winning option, or the tied options' mask
};

// The straggler's ballot decides each: without it no proposal can settle, so outsiders vote
// while every proposal is open, and P1..P3 settle only with all 15 ballots in.
constexpr Plan plans[proposal_count] = {
    { abi::ProposalThreshold::SimpleMajority, "yyyyyyynnnnnnny", verdict_decided, 1 }, // 8 of 15
    { abi::ProposalThreshold::TwoThirds, "yyyyyyyyynnnnnn", verdict_no_majority, 0 }, // 9 < 2/3 of 15
    { abi::ProposalThreshold::Unanimity, "yyyyyyyyyyyyaay", verdict_decided, 1 }, // abstentions allowed
    { abi::ProposalThreshold::SimpleMajority, "yyyyyyynnnnnnna", verdict_tie, 0b11 }, // 7 to 7
};

uint32_t option_of(char ballot) { return ballot == 'y' ? 1 : ballot == 'n' ? 0 : abi::ballot_abstain; }

size_t index_of(const uint64_t (&ids)[proposal_count], uint64_t id)
{
    for (size_t i = 0; i < proposal_count; ++i) {
        if (ids[i] == id)
            return i;
    }
    return proposal_count;
}

bool decided_as_planned(const abi::CollectiveEvent& event, size_t k)
{
    return k < proposal_count && event.detail == plans[k].verdict && event.detail2 == plans[k].detail;
}

void cast(Checks& checks, uint64_t me, size_t index, size_t k, uint64_t id)
{
    char ballot = plans[k].ballots[index];
    auto voted = system::proposal_vote(me, id, option_of(ballot));
    // P0 settles at its 8th yes (the straggler's): a no still outstanding then is too late.
    if (k == 0 && ballot == 'n' && voted.is_error())
        checks.expect_error("a late no on the settled majority", voted, Error::TimedOut);
    else
        checks.expect_ok("vote by the plan", voted);
    if (index == 0 && !(k == 0 && voted.is_error()))
        checks.expect_error("vote twice", system::proposal_vote(me, id, 0), Error::AlreadyExists);
}

int elector(uint64_t me, size_t index)
{
    Checks checks("swarm-votes elector");
    gehri::Channel go;
    if (index == straggler)
        go = gehri::Channel(gehri::bootstrap_handle().release_value());
    uint64_t ids[proposal_count] {};
    size_t opened = 0;
    size_t decided = 0;
    while (decided < proposal_count) {
        auto event = system::event_take(me, 20 * second);
        if (!checks.expect_ok("told of every opening and outcome", event))
            break;
        auto& e = event.value();
        if (e.kind == static_cast<uint32_t>(EventKind::ProposalOpened) && opened < proposal_count) {
            ids[opened++] = e.subject;
            if (index == 2 && opened == 1)
                checks.expect_error("vote an option that does not exist", system::proposal_vote(me, e.subject, 5), Error::InvalidArgument);
            if (index != straggler)
                cast(checks, me, index, opened - 1, e.subject);
            if (index == straggler && opened == proposal_count) {
                char word[4];
                checks.expect_ok("the coordinator's go", go.read(word, sizeof(word), 20 * second));
                for (size_t k = 0; k < proposal_count; ++k)
                    cast(checks, me, index, k, ids[k]);
            }
        } else if (e.kind == static_cast<uint32_t>(EventKind::ProposalDecided)) {
            ++decided;
            checks.expect("the outcome the plan makes", decided_as_planned(e, index_of(ids, e.subject)));
        }
    }
    if (index == 1)
        checks.expect_error("vote after settlement", system::proposal_vote(me, ids[2], 1), Error::TimedOut);
    return checks.report();
}

int outsider(uint64_t me, uint64_t argument)
{
    Checks checks("swarm-votes outsider");
    for (size_t k = 0; k < proposal_count; ++k) {
        uint64_t id = (argument >> (k * id_bits)) & ((1ull << id_bits) - 1);
        checks.expect_error("vote outside the electorate", system::proposal_vote(me, id, 1), Error::AccessDenied);
    }
    return checks.report();
}

bool spawn_electors(Checks& checks, const gehri::Agent& self, gehri::ChildAgent (&electors)[elector_count], uint64_t (&ids)[elector_count], gehri::Channel& go)
{
    for (size_t i = 0; i < elector_count; ++i) {
        gehri::Handle end;
        if (i == straggler) {
            auto pair = gehri::Channel::create();
            if (!checks.expect_ok("a channel to the straggler", pair))
                return false;
            go = std::move(pair.value().first);
            end = pair.value().second.release_handle();
        }
        auto child = gehri::spawn(self.handle(), { .program = "bin/swarm-votes", .name = "swarm-elector", .argument = role_elector | i, .memory_quota = member_quota, .bootstrap = i == straggler ? &end : nullptr });
        if (!checks.expect_ok("spawn an elector", child))
            return false;
        electors[i] = std::move(child.value());
        auto info = electors[i].info();
        if (!checks.expect_ok("an elector's id", info))
            return false;
        ids[i] = info.value().id;
    }
    return true;
}

void run_outsiders(Checks& checks, const gehri::Agent& self, const uint64_t (&proposals)[proposal_count])
{
    uint64_t argument = role_outsider;
    for (size_t k = 0; k < proposal_count; ++k) {
        checks.expect("proposal ids fit an outsider's argument", proposals[k] < (1ull << id_bits));
        argument |= proposals[k] << (k * id_bits);
    }
    gehri::ChildAgent outsiders[outsider_count];
    for (auto& outsider : outsiders) {
        auto child = gehri::spawn(self.handle(), { .program = "bin/swarm-votes", .name = "swarm-outsider", .argument = argument, .memory_quota = member_quota });
        if (checks.expect_ok("spawn an outsider", child))
            outsider = std::move(child.value());
    }
    for (auto& outsider : outsiders)
        checks.absorb("an outsider", outsider.wait(30 * second));
}

void check_outcomes(Checks& checks, uint64_t me, const uint64_t (&proposals)[proposal_count])
{
    size_t decided = 0;
    while (decided < proposal_count) {
        auto event = next_event(me, EventKind::ProposalDecided, 20 * second);
        if (!checks.expect_ok("the proposer is told every outcome", event))
            return;
        ++decided;
        checks.expect("the proposer is told the planned outcome", decided_as_planned(event.value(), index_of(proposals, event.value().subject)));
    }
    for (size_t k = 0; k < proposal_count; ++k) {
        auto status = system::proposal_result(me, proposals[k]);
        checks.expect("ProposalResult has the settled outcome",
            status.is_ok() && status.value().state == static_cast<uint32_t>(abi::ProposalState::Settled) && status.value().verdict == plans[k].verdict
                && status.value().option == plans[k].detail);
    }
}

int coordinator(const gehri::Agent& self)
{
    Checks checks("swarm-votes");
    uint64_t me = self.handle().value();
    gehri::ChildAgent electors[elector_count];
    uint64_t ids[elector_count] {};
    gehri::Channel go;
    if (!spawn_electors(checks, self, electors, ids, go))
        return checks.report() + 1;
    const StringView options[] = { "no", "yes" };
    uint64_t proposals[proposal_count] {};
    for (size_t k = 0; k < proposal_count; ++k) {
        system::Proposal proposal { "swarm", "shall the swarm proceed?", options, plans[k].threshold, 30 * second, ids };
        auto id = system::proposal_open(me, proposal);
        if (!checks.expect_ok("open a proposal", id))
            return checks.report() + 1;
        proposals[k] = id.value();
    }
    checks.expect_error("the proposer is no elector", system::proposal_vote(me, proposals[0], 1), Error::AccessDenied);
    run_outsiders(checks, self, proposals);
    checks.expect_ok("tell the straggler to vote", go.write("go"));
    check_outcomes(checks, me, proposals);
    for (auto& elector : electors)
        checks.absorb("an elector", elector.wait(30 * second));
    swarm_votes::run_weighted(checks, self);
    swarm_votes::run_grouped(checks, self);
    return checks.report();
}

} // namespace

int main(gehri::Agent& self)
{
    uint64_t me = self.handle().value();
    uint64_t role = role_of(self.argument());
    if (role == role_elector)
        return elector(me, self.argument() & 0xffff);
    if (role == role_outsider)
        return outsider(me, self.argument() & ~role_mask);
    if (role == swarm_votes::role_weighted)
        return swarm_votes::weighted_member(me, self.argument());
    if (role == swarm_votes::role_grouped)
        return swarm_votes::grouped_member(me, self.argument());
    return coordinator(self);
}
