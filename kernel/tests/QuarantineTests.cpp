#include <kernel/collective/QuarantineAppeals.h>
#include <kernel/govern/Collective.h>
#include <kernel/govern/Governance.h>
#include <kernel/govern/HumanControls.h>
#include <kernel/ipc/Topic.h>
#include <kernel/object/Agent.h>
#include <kernel/sched/KernelScheduler.h>
#include <kernel/tests/ConsoleDriver.h>
#include <kernel/tests/Framework.h>
#include <string.h>

// Quarantine on the kernel's own services: an agent whose standing falls below the threshold
// (here through policy denials, which the kernel witnesses itself) is cut off from proposals,
// votes, auctions and topics while it keeps running; a human at the console or a vote lifts it.
namespace gehri {

namespace {

using collective::AgentId;

constexpr AgentId first_rater = 7'100'001;

// Denied leases until its standing is gone (every 4 halve it: 24 leave 1/64), then ratings elsewhere until a judgment runs.
bool quarantine_by_denials(object::Agent& agent)
{
    for (int i = 0; i < 24; ++i) {
        auto leased = govern::acquire_lease(agent, "kernel:watchdog", 1'000'000'000, false, 0);
        if (leased.is_ok() || leased.error() != Error::AccessDenied)
            return false;
    }
    for (AgentId rater = first_rater; rater <= first_rater + 16; ++rater) {
        if (govern::collective_enroll(rater).is_error())
            return false;
    }
    // Each rating refines trust by a bounded step; the judgment waits for a settled vector,
    // which takes more steps the more agents earlier tests left behind.
    for (size_t step = 0; step < 256 && !agent.is_quarantined(); ++step) {
        AgentId rater = first_rater + step % 16;
        if (govern::collective_rate(rater, rater + 1, 1, 0).is_error())
            return false;
    }
    return agent.is_quarantined() && govern::collective_is_quarantined(agent.id());
}

abi::ProposalRequest request(StringView kind, StringView question)
{
    abi::ProposalRequest request;
    memcpy(request.kind, kind.characters(), kind.length());
    memcpy(request.question, question.characters(), question.length());
    memcpy(request.options[0], "lift", 4);
    memcpy(request.options[1], "keep", 4);
    request.option_count = 2;
    request.voting_period_ns = 10'000'000'000;
    return request;
}

uint64_t now_plus_seconds(uint64_t seconds) { return sched::kernel_scheduler().platform().now_ns() + seconds * 1'000'000'000; }

size_t pending(ipc::Subscription& subscription) { return subscription.pending(); }

} // namespace

KERNEL_TEST(quarantine_cuts_an_agent_off_until_a_human_lifts_it)
{
    auto agent = object::Agent::create("suspect").release_value();
    EXPECT(quarantine_by_denials(*agent));
    EXPECT(agent->is_cut_off());
    EXPECT(!agent->is_isolated());
    // The same judgment lowered its scheduling weight to the floor: 10% of its own.
    EXPECT_EQ(agent->trust_factor(), 100'000u);
    EXPECT_EQ(agent->weight(), agent->own_weight() / 10);

    const AgentId electorate[] = { first_rater, first_rater + 1 };
    EXPECT_EQ(govern::open_proposal(*agent, request("policy", "q"), electorate).error(), Error::AccessDenied);
    abi::AuctionRequest auction {};
    auction.effect = static_cast<uint32_t>(abi::AuctionEffect::SchedulingWeight);
    auction.value = 200;
    auction.units = 1;
    auction.term_ns = 1'000'000'000;
    auction.closes_in_ns = 1'000'000'000;
    EXPECT_EQ(govern::open_auction(*agent, auction).error(), Error::AccessDenied);
    const StringView options[] = { "no", "yes" };
    const AgentId with_suspect[] = { agent->id(), first_rater, first_rater + 1 };
    collective::ProposalSpec spec { "policy", "q", options, collective::Threshold::simple_majority(), {},
        collective::Weighting::OneAgentOneVote, now_plus_seconds(10), false, nullptr };
    auto open = govern::open_kernel_proposal(spec, with_suspect);
    EXPECT(open.is_ok());
    EXPECT_EQ(govern::vote(*agent, open.value(), 1).error(), Error::AccessDenied);

    // Its subscription stops receiving; the others' do not.
    auto topic = ipc::Topic::create("quarantine/test").release_value();
    auto own = topic->subscribe({ 4, ipc::Reliability::BestEffort, false }, agent->delivery_gate()).release_value();
    auto other = topic->subscribe({ 4, ipc::Reliability::BestEffort, false }).release_value();
    const uint8_t sample[] = { 1, 2, 3 };
    EXPECT(topic->publish(1, ReadonlyBytes(sample, sizeof(sample))).is_ok());
    EXPECT_EQ(pending(*own), 0u);
    EXPECT_EQ(pending(*other), 1u);

    ktest::ConsoleDriver console;
    EXPECT(agent->snapshot().quarantined); // ps shows it as "quarant" once it runs
    EXPECT(console.run(FixedString<32>::formatted("lift {}", agent->id()).view()).contains("quarantine lifted"));
    EXPECT(!agent->is_cut_off());
    EXPECT(!govern::collective_is_quarantined(agent->id()));
    EXPECT(topic->publish(1, ReadonlyBytes(sample, sizeof(sample))).is_ok());
    EXPECT_EQ(pending(*own), 1u);

    // The console's isolation closes the same gate, and lift opens it too.
    EXPECT(console.run(FixedString<32>::formatted("isolate {}", agent->id()).view()).contains("cut off"));
    EXPECT(agent->is_cut_off());
    EXPECT_EQ(govern::open_proposal(*agent, request("policy", "q"), electorate).error(), Error::AccessDenied);
    EXPECT(console.run(FixedString<32>::formatted("lift {}", agent->id()).view()).contains("isolation released"));
    EXPECT(!agent->is_cut_off());
    govern::collective_agent_exited(agent->id());
}

KERNEL_TEST(quarantine_lifted_by_a_passing_vote)
{
    auto agent = object::Agent::create("appellant").release_value();
    EXPECT(quarantine_by_denials(*agent));
    const AgentId electorate[] = { first_rater + 2, first_rater + 3, first_rater + 4 };
    for (AgentId elector : electorate)
        EXPECT(govern::collective_enroll(elector).is_ok());
    const StringView options[] = { "lift", "keep" };
    auto question = FixedString<32>::formatted("{}: appeal", agent->id());
    collective::ProposalSpec spec { collective::lift_quarantine_kind, question.view(), options, collective::Threshold::simple_majority(), {},
        collective::Weighting::OneAgentOneVote, now_plus_seconds(10), false, nullptr };
    auto id = govern::open_kernel_proposal(spec, electorate);
    EXPECT(id.is_ok());
    EXPECT(govern::collective_vote_as(electorate[0], id.value(), 0).is_ok());
    EXPECT(agent->is_quarantined());
    EXPECT(govern::collective_vote_as(electorate[1], id.value(), 0).is_ok());
    EXPECT(!agent->is_quarantined());
    EXPECT(!govern::collective_is_quarantined(agent->id()));
    govern::collective_agent_exited(agent->id());
}

} // namespace gehri

namespace gehri {

// AgentQuarantine's kernel path: a supervisor cuts its child off exactly as a reputation
// quarantine does, and lifts only what it imposed.
KERNEL_TEST(supervisor_quarantine_cuts_a_child_off_until_it_lifts_it)
{
    auto parent = object::Agent::create("supervisor").release_value();
    auto child = object::Agent::create("supervised").release_value();
    auto other = object::Agent::create("bystander").release_value();
    EXPECT_EQ(govern::supervise_quarantine(*parent, *parent, true, "self").error(), Error::InvalidArgument);
    EXPECT_EQ(govern::supervise_quarantine(*parent, *child, false, "").error(), Error::NotFound);
    for (AgentId elector = first_rater; elector <= first_rater + 1; ++elector)
        EXPECT(govern::collective_enroll(elector).is_ok());
    EXPECT(govern::supervise_quarantine(*parent, *child, true, "lies about the fire").is_ok());
    EXPECT(child->is_quarantined());
    EXPECT(child->is_cut_off());
    EXPECT(!child->is_isolated());
    EXPECT(child->snapshot().quarantined); // ps: "quarant"
    EXPECT(govern::collective_is_quarantined(child->id()));
    EXPECT(!parent->is_cut_off());

    const AgentId electorate[] = { first_rater, first_rater + 1 };
    EXPECT_EQ(govern::open_proposal(*child, request("policy", "q"), electorate).error(), Error::AccessDenied);
    EXPECT_EQ(govern::acquire_lease(*child, "sensor:thermal0", 1'000'000'000, false, 0).error(), Error::AccessDenied);
    const StringView options[] = { "no", "yes" };
    const AgentId with_child[] = { child->id(), first_rater, first_rater + 1 };
    collective::ProposalSpec spec { "policy", "q", options, collective::Threshold::simple_majority(), {},
        collective::Weighting::OneAgentOneVote, now_plus_seconds(10), false, nullptr };
    auto open = govern::open_kernel_proposal(spec, with_child);
    EXPECT(open.is_ok());
    EXPECT_EQ(govern::vote(*child, open.value(), 1).error(), Error::AccessDenied);
    auto topic = ipc::Topic::create("supervised/test").release_value();
    auto own = topic->subscribe({ 4, ipc::Reliability::BestEffort, false }, child->delivery_gate()).release_value();
    const uint8_t sample[] = { 4, 5, 6 };
    EXPECT(topic->publish(1, ReadonlyBytes(sample, sizeof(sample))).is_ok());
    EXPECT_EQ(pending(*own), 0u);

    // Only the supervisor that imposed it lifts it; a second one cannot take it over.
    EXPECT(govern::supervise_quarantine(*parent, *child, true, "again").is_ok());
    EXPECT_EQ(govern::supervise_quarantine(*other, *child, true, "mine").error(), Error::AlreadyExists);
    EXPECT_EQ(govern::supervise_quarantine(*other, *child, false, "").error(), Error::NotFound);
    EXPECT(child->is_cut_off());
    EXPECT(govern::supervise_quarantine(*parent, *child, false, "").is_ok());
    EXPECT(!child->is_cut_off());
    EXPECT(!govern::collective_is_quarantined(child->id()));
    EXPECT(topic->publish(1, ReadonlyBytes(sample, sizeof(sample))).is_ok());
    EXPECT_EQ(pending(*own), 1u);

    // A human's isolation is not the supervisor's to lift, and stays when it lifts its own.
    ktest::ConsoleDriver console;
    EXPECT(console.run(FixedString<32>::formatted("isolate {}", child->id()).view()).contains("cut off"));
    EXPECT_EQ(govern::supervise_quarantine(*parent, *child, false, "").error(), Error::NotFound);
    EXPECT(govern::supervise_quarantine(*parent, *child, true, "both").is_ok());
    EXPECT(govern::supervise_quarantine(*parent, *child, false, "").is_ok());
    EXPECT(child->is_cut_off());
    EXPECT(child->is_isolated());
    // The human's lift ends a supervisor's quarantine too.
    EXPECT(govern::supervise_quarantine(*parent, *child, true, "again").is_ok());
    EXPECT(console.run(FixedString<32>::formatted("lift {}", child->id()).view()).contains("quarantine lifted"));
    EXPECT(!child->is_cut_off());
    govern::collective_agent_exited(child->id());
    govern::collective_agent_exited(parent->id());
    govern::collective_agent_exited(other->id());
}

} // namespace gehri
