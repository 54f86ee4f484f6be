// A proposal's electorate by group (docs/collective.md, "Group electorates"): every living
// agent of that name at opening, isolated ones left out, each able to vote; a group nobody
// bears is refused, and so is a group larger than the limit (abi::proposal_max_group_electorate).
#include <kernel/audit/KernelAuditLog.h>
#include <kernel/govern/Collective.h>
#include <kernel/lib/HeapArray.h>
#include <kernel/object/Agent.h>
#include <kernel/tests/Framework.h>
#include <string.h>

namespace gehri {

namespace {

constexpr size_t members = 6;

abi::ProposalRequest group_request(StringView group)
{
    abi::ProposalRequest request;
    memcpy(request.kind, "group-test", 10);
    memcpy(request.question, "by group?", 9);
    memcpy(request.options[0], "no", 2);
    memcpy(request.options[1], "yes", 3);
    request.option_count = 2;
    request.voting_period_ns = 10'000'000'000;
    memcpy(request.group, group.characters(), group.length());
    return request;
}

// The `electorate` of the ProposalOpened record for `proposal`, or UINT64_MAX.
uint64_t audited_electorate(uint64_t since, uint64_t proposal)
{
    uint64_t electorate = UINT64_MAX;
    (void)audit::kernel_log().for_each_pending([&](const audit::RecordView& record, const audit::Sha256Digest&, const audit::Sha256Digest&) {
        if (record.sequence < since || record.kind != audit::RecordKind::ProposalOpened)
            return;
        uint64_t id = UINT64_MAX;
        uint64_t size = UINT64_MAX;
        for (size_t i = 0; i < record.field_count; ++i) {
            if (record.fields[i].key == "proposal")
                id = record.fields[i].magnitude;
            if (record.fields[i].key == "electorate")
                size = record.fields[i].magnitude;
        }
        if (id == proposal)
            electorate = size;
    });
    return electorate;
}

} // namespace

KERNEL_TEST(group_electorate_is_every_living_member_but_the_cut_off)
{
    auto proposer = object::Agent::create("group-proposer").release_value();
    RefPtr<object::Agent> group[members];
    for (auto& member : group)
        member = object::Agent::create("group-voters").release_value();
    group[members - 1]->set_isolated(true);
    object::AgentId found[members] {};
    EXPECT_EQ(object::Agent::find_group("group-voters", Span<object::AgentId>(found, members)), members - 1);
    EXPECT_EQ(found[0], group[0]->id()); // oldest first
    EXPECT_EQ(object::Agent::find_group("group-voters", {}), members - 1); // counted without room

    EXPECT_EQ(govern::open_proposal(*proposer, group_request("group-nobody"), {}).error(), Error::InvalidArgument);
    auto before = audit::kernel_log().status();
    auto opened = govern::open_proposal(*proposer, group_request("group-voters"), {});
    EXPECT(opened.is_ok());
    if (opened.is_error())
        return;
    EXPECT_EQ(audited_electorate(before.next_sequence, opened.value()), members - 1);
    EXPECT_EQ(govern::vote(*proposer, opened.value(), 1).error(), Error::AccessDenied); // not of the group
    EXPECT_EQ(govern::vote(*group[members - 1], opened.value(), 1).error(), Error::AccessDenied); // isolated
    // Three of five decide it; the fourth ballot comes too late.
    for (size_t i = 0; i < 3; ++i)
        EXPECT(govern::vote(*group[i], opened.value(), 1).is_ok());
    EXPECT_EQ(govern::vote(*group[3], opened.value(), 1).error(), Error::TimedOut);
    auto status = govern::proposal_status(opened.value());
    EXPECT(status.is_ok() && status.value().state == static_cast<uint32_t>(abi::ProposalState::Settled) && status.value().option == 1);
    // These agents never run a thread, so nothing else tells the services they are gone.
    govern::collective_agent_exited(proposer->id());
    for (auto& member : group)
        govern::collective_agent_exited(member->id());
}

KERNEL_TEST(group_electorate_past_its_maximum_is_refused)
{
    // The bound's code with a bound of 1,024 (abi::proposal_max_group_electorate is 16,384:
    // making that many agents would add ten seconds to every boot test).
    constexpr size_t limit = 1024;
    size_t previous = govern::set_group_electorate_limit(limit);
    EXPECT_EQ(previous, abi::proposal_max_group_electorate);
    auto proposer = object::Agent::create("group-proposer").release_value();
    auto crowd = HeapArray<RefPtr<object::Agent>>::create(limit + 1).release_value();
    object::AgentOptions small;
    small.handle_capacity = 4;
    for (auto& member : crowd.span())
        member = object::Agent::create("group-crowd", small).release_value();
    EXPECT_EQ(object::Agent::find_group("group-crowd", {}), limit + 1);
    auto before = audit::kernel_log().status();
    EXPECT_EQ(govern::open_proposal(*proposer, group_request("group-crowd"), {}).error(), Error::QuotaExceeded);
    // Refused before anyone was enrolled or anything recorded.
    EXPECT_EQ(audit::kernel_log().status().next_sequence, before.next_sequence);
    // An isolated member is not counted: one fewer is within the bound (the rest of the check
    // stops short of opening, which would enroll a thousand agents).
    crowd.span()[0]->set_isolated(true);
    EXPECT_EQ(object::Agent::find_group("group-crowd", {}), limit);
    // No limit above the ABI's.
    EXPECT_EQ(govern::set_group_electorate_limit(SIZE_MAX), limit);
    EXPECT_EQ(govern::set_group_electorate_limit(previous), abi::proposal_max_group_electorate);
}

} // namespace gehri
