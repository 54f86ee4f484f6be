// Votes a swarm's coordinator runs through the kernel (docs/collective.md, "Given weights"):
// weights the proposer supplies, electorates past a slot's share of the pool (heap storage)
// and past the notified bound (quiet), settling when every elector has voted, the proposer
// closing early, and the counts ProposalResult reads.
#include <kernel/govern/Collective.h>
#include <kernel/govern/Governance.h>
#include <kernel/lib/HeapArray.h>
#include <kernel/object/Agent.h>
#include <kernel/tests/Framework.h>
#include <string.h>

namespace gehri {

namespace {

abi::ProposalRequest request(uint32_t options, abi::ProposalWeighting weighting, uint32_t flags = 0)
{
    abi::ProposalRequest request;
    memcpy(request.kind, "vote-test", 9);
    memcpy(request.question, "which?", 6);
    for (uint32_t i = 0; i < options; ++i)
        request.options[i][0] = static_cast<char>('a' + i);
    request.option_count = options;
    request.voting_period_ns = 60'000'000'000;
    request.weighting = static_cast<uint32_t>(weighting);
    request.flags = flags;
    return request;
}

// Agents that run no thread: the services are told they are gone by hand.
struct Crowd {
    explicit Crowd(size_t count)
        : agents(HeapArray<RefPtr<object::Agent>>::create(count).release_value())
        , ids(HeapArray<collective::AgentId>::create(count).release_value())
    {
        object::AgentOptions options;
        options.handle_capacity = 4;
        for (size_t i = 0; i < count; ++i) {
            agents.span()[i] = object::Agent::create("vote-crowd", options).release_value();
            ids.span()[i] = agents.span()[i]->id();
        }
    }
    ~Crowd()
    {
        for (auto& agent : agents.span())
            govern::collective_agent_exited(agent->id());
    }
    object::Agent& operator[](size_t i) { return *agents.span()[i]; }
    Span<const collective::AgentId> electorate() const { return { ids.span().data(), ids.size() }; }

    HeapArray<RefPtr<object::Agent>> agents;
    HeapArray<collective::AgentId> ids;
};

} // namespace

KERNEL_TEST(kernel_vote_given_weights_decide_a_large_vote_that_settles_when_all_have_voted)
{
    // 40 electors (more than a board slot's pooled 16): four of weight 100 say "c", thirty-six
    // of weight 1 split between "a" and "b". One agent, one vote would not give "c" a majority.
    auto proposer = object::Agent::create("vote-proposer").release_value();
    Crowd crowd(40);
    uint64_t weights[40];
    for (size_t i = 0; i < 40; ++i)
        weights[i] = i < 4 ? 100 : 1;
    auto bad = govern::open_proposal(*proposer, request(3, abi::ProposalWeighting::Given), crowd.electorate(), Span<const uint64_t>(weights, 39));
    EXPECT_EQ(bad.error(), Error::InvalidArgument); // one weight short
    bad = govern::open_proposal(*proposer, request(3, abi::ProposalWeighting::OneAgentOneVote), crowd.electorate(), Span<const uint64_t>(weights, 40));
    EXPECT_EQ(bad.error(), Error::InvalidArgument); // weights without Given
    auto opened = govern::open_proposal(*proposer, request(3, abi::ProposalWeighting::Given), crowd.electorate(), Span<const uint64_t>(weights, 40));
    EXPECT(opened.is_ok());
    if (opened.is_error())
        return;
    uint64_t id = opened.value();
    for (size_t i = 4; i < 39; ++i)
        EXPECT(govern::vote(crowd[i], id, static_cast<uint32_t>(i % 2)).is_ok());
    for (size_t i = 0; i < 3; ++i)
        EXPECT(govern::vote(crowd[i], id, 2).is_ok());
    // 300 of 436 is a majority whatever the two still out do: decided at the third "c".
    EXPECT_EQ(govern::vote(crowd[3], id, 2).error(), Error::TimedOut);
    abi::ProposalCounts counts;
    auto status = govern::proposal_status(id, &counts);
    EXPECT(status.is_ok());
    EXPECT_EQ(status.value().state, static_cast<uint32_t>(abi::ProposalState::Settled));
    EXPECT_EQ(status.value().verdict, 0u);
    EXPECT_EQ(status.value().option, 2u);
    EXPECT_EQ(counts.option_weight[2], 300u);
    EXPECT_EQ(counts.option_weight[0] + counts.option_weight[1], 35u);
    EXPECT_EQ(counts.electorate_weight, 436u);
    EXPECT_EQ(counts.ballots, 38u);
    EXPECT_EQ(counts.electorate, 40u);
    govern::collective_agent_exited(proposer->id());
}

KERNEL_TEST(kernel_vote_a_vote_without_majority_settles_at_the_last_ballot_not_the_deadline)
{
    auto proposer = object::Agent::create("vote-proposer").release_value();
    Crowd crowd(20);
    uint64_t weights[20];
    for (size_t i = 0; i < 20; ++i)
        weights[i] = 10 + i;
    auto opened = govern::open_proposal(*proposer, request(4, abi::ProposalWeighting::Given), crowd.electorate(), Span<const uint64_t>(weights, 20));
    EXPECT(opened.is_ok());
    if (opened.is_error())
        return;
    for (size_t i = 0; i < 20; ++i) {
        auto status = govern::proposal_status(opened.value());
        EXPECT(status.is_ok() && status.value().state == static_cast<uint32_t>(abi::ProposalState::Voting));
        EXPECT(govern::vote(crowd[i], opened.value(), static_cast<uint32_t>(i % 4)).is_ok());
    }
    abi::ProposalCounts counts;
    auto status = govern::proposal_status(opened.value(), &counts);
    EXPECT(status.is_ok() && status.value().state == static_cast<uint32_t>(abi::ProposalState::Settled));
    EXPECT_EQ(status.value().verdict, 3u); // NoMajority
    // Options 0..3 got electors i = k mod 4: weights 10+k, 14+k, ... (five each).
    for (uint32_t k = 0; k < 4; ++k)
        EXPECT_EQ(counts.option_weight[k], 5 * (10 + k) + 40u);
    govern::collective_agent_exited(proposer->id());
}

KERNEL_TEST(kernel_vote_the_proposer_closes_its_vote_early)
{
    auto proposer = object::Agent::create("vote-proposer").release_value();
    Crowd crowd(5);
    auto opened = govern::open_proposal(*proposer, request(2, abi::ProposalWeighting::OneAgentOneVote), crowd.electorate());
    EXPECT(opened.is_ok());
    if (opened.is_error())
        return;
    uint64_t id = opened.value();
    EXPECT(govern::vote(crowd[0], id, 1).is_ok());
    EXPECT(govern::vote(crowd[1], id, 1).is_ok());
    EXPECT(govern::vote(crowd[2], id, 0).is_ok());
    EXPECT_EQ(govern::close_proposal(crowd[0], id).error(), Error::AccessDenied);
    EXPECT_EQ(govern::close_proposal(*proposer, 0).error(), Error::NotFound);
    EXPECT_EQ(govern::close_proposal(*proposer, ~0ull).error(), Error::NotFound);
    EXPECT(govern::close_proposal(*proposer, id).is_ok());
    auto status = govern::proposal_status(id);
    EXPECT(status.is_ok() && status.value().state == static_cast<uint32_t>(abi::ProposalState::Settled));
    EXPECT_EQ(status.value().verdict, 0u); // Decided: 2 of the 3 ballots cast
    EXPECT_EQ(status.value().option, 1u);
    EXPECT_EQ(govern::close_proposal(*proposer, id).error(), Error::TimedOut);
    EXPECT_EQ(govern::vote(crowd[3], id, 0).error(), Error::TimedOut);
    govern::collective_agent_exited(proposer->id());
}

KERNEL_TEST(kernel_vote_an_electorate_past_the_notified_bound_is_quiet_and_its_storage_freed)
{
    // 1,100 living electors and 20 ids of nobody: the living vote, told nothing per elector
    // (the kernel's ring of pending events would not hold them); the proposer is told.
    constexpr size_t living = abi::proposal_notified_electorate + 76;
    auto proposer = object::Agent::create("vote-proposer").release_value();
    Crowd crowd(living);
    auto ids = HeapArray<collective::AgentId>::create(living + 20).release_value();
    for (size_t i = 0; i < living; ++i)
        ids.span()[i] = crowd.ids.span()[i];
    for (size_t i = 0; i < 20; ++i)
        ids.span()[living + i] = ~0ull - i; // never an agent
    auto electorate = Span<const collective::AgentId>(ids.span().data(), ids.size());
    auto opened = govern::open_proposal(*proposer, request(2, abi::ProposalWeighting::OneAgentOneVote), electorate);
    EXPECT(opened.is_ok());
    if (opened.is_error())
        return;
    uint64_t id = opened.value();
    EXPECT_EQ(govern::events().pending(crowd[0].id()), 0u);
    EXPECT_EQ(govern::events().pending(crowd[living - 1].id()), 0u);
    EXPECT(govern::events().pending(proposer->id()) >= 1);
    abi::ProposalCounts counts;
    EXPECT(govern::proposal_status(id, &counts).is_ok());
    EXPECT_EQ(counts.electorate, living); // the nobodies are no electors
    for (size_t i = 0; i < living; ++i)
        EXPECT(govern::vote(crowd[i], id, i < living / 2 ? 1 : 0).is_ok());
    auto status = govern::proposal_status(id, &counts);
    EXPECT(status.is_ok() && status.value().state == static_cast<uint32_t>(abi::ProposalState::Settled));
    EXPECT_EQ(status.value().verdict, 2u); // Tie, 550 to 550
    EXPECT_EQ(counts.ballots, living);
    EXPECT_EQ(govern::events().pending(crowd[0].id()), 0u);
    // A quiet proposal asked for by the flag, small: its electors are not told either.
    auto quiet = govern::open_proposal(*proposer, request(2, abi::ProposalWeighting::OneAgentOneVote, uint32_t(abi::ProposalFlags::Quiet)),
        crowd.electorate().first(3));
    EXPECT(quiet.is_ok());
    EXPECT_EQ(govern::events().pending(crowd[0].id()), 0u);
    if (quiet.is_ok())
        EXPECT(govern::close_proposal(*proposer, quiet.value()).is_ok());
    auto unknown_flag = govern::open_proposal(*proposer, request(2, abi::ProposalWeighting::OneAgentOneVote, 2), crowd.electorate().first(3));
    EXPECT_EQ(unknown_flag.error(), Error::InvalidArgument);
    auto crowded = HeapArray<collective::AgentId>::create(abi::proposal_max_electorate + 1).release_value();
    for (size_t i = 0; i < crowded.size(); ++i)
        crowded.span()[i] = i + 1;
    auto refused = govern::open_proposal(*proposer, request(2, abi::ProposalWeighting::OneAgentOneVote),
        Span<const collective::AgentId>(crowded.span().data(), crowded.size()));
    EXPECT_EQ(refused.error(), Error::InvalidArgument);
    govern::collective_agent_exited(proposer->id());
}

} // namespace gehri
