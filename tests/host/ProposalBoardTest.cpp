#include <gtest/gtest.h>
#include <kernel/collective/ProposalBoard.h>
#include <map>
#include <random>
#include <set>
#include <tests/host/support/CollectiveTestSupport.h>

using namespace gehri;
using namespace gehri::collective;
using namespace gehri::collective::testing;
using audit::RecordKind;

namespace {

constexpr Nanoseconds second = nanoseconds_per_second;
const StringView yes_no[] = { "no", "yes" };

class FakeStanding final : public Standing {
public:
    bool may_vote(AgentId agent) const override { return !quarantined.count(agent); }
    uint64_t vote_weight(AgentId agent) const override
    {
        auto it = weights.find(agent);
        return it == weights.end() ? 1 : it->second;
    }
    std::set<AgentId> quarantined;
    std::map<AgentId, uint64_t> weights;
};

class RecordingListener final : public DecisionListener {
public:
    void proposal_settled(const ProposalResult& result, Nanoseconds now) override
    {
        results.push_back(result);
        times.push_back(now);
    }
    std::vector<ProposalResult> results;
    std::vector<Nanoseconds> times;
};

struct Board {
    explicit Board(ProposalBoardConfig config = {}, size_t slot_count = 4, size_t electors_per_slot = 16, const Standing* standing = nullptr)
        : slots(slot_count)
        , electors(slot_count * electors_per_slot)
    {
        auto created = ProposalBoard::create(config, { slots.data(), slots.size() }, { electors.data(), electors.size() }, audit.trail, outbox, standing);
        EXPECT_TRUE(created.is_ok());
        board.emplace(created.release_value());
        board->keep_results({ results, 8 });
    }

    ProposalSpec spec(Nanoseconds deadline, StringView kind = "policy") const
    {
        ProposalSpec spec;
        spec.kind = kind;
        spec.question = "Adopt the new thermal limit?";
        spec.options = yes_no;
        spec.deadline = deadline;
        return spec;
    }

    std::vector<ProposalSlot> slots;
    std::vector<Elector> electors;
    ProposalResult results[8] {};
    AuditFixture audit;
    RecordingOutbox outbox;
    Optional<ProposalBoard> board;
};

std::vector<AgentId> agents(std::initializer_list<AgentId> ids) { return ids; }
Span<const AgentId> span(const std::vector<AgentId>& ids) { return { ids.data(), ids.size() }; }

} // namespace

TEST(ProposalBoard, MajorityDecidesEarlyAndTellsEveryone)
{
    Board b;
    auto electorate = agents({ 11, 12, 13, 14, 15 });
    auto id = b.board->open(99, b.spec(100 * second), span(electorate), 0);
    ASSERT_TRUE(id.is_ok());
    EXPECT_EQ(b.outbox.count(EventKind::ProposalOpened), 6u); // five electors and the proposer
    auto opened = b.audit.records(RecordKind::ProposalOpened);
    ASSERT_EQ(opened.size(), 1u);
    EXPECT_EQ(opened[0].agent, 99u);
    EXPECT_EQ(opened[0].integer("electorate"), 5);
    EXPECT_EQ(opened[0].text("kind"), "policy");

    EXPECT_TRUE(b.board->vote(11, id.value(), Ballot::for_option(1), 1).is_ok());
    EXPECT_TRUE(b.board->vote(12, id.value(), Ballot::for_option(0), 2).is_ok());
    EXPECT_TRUE(b.board->vote(13, id.value(), Ballot::for_option(1), 3).is_ok());
    EXPECT_EQ(b.board->open_count(), 1u);
    // 3 of 5 for "yes": more than half even if the two outstanding ballots went to "no".
    EXPECT_TRUE(b.board->vote(14, id.value(), Ballot::for_option(1), 4).is_ok());
    EXPECT_EQ(b.board->open_count(), 0u);

    auto outcomes = b.audit.records(RecordKind::ProposalOutcome);
    ASSERT_EQ(outcomes.size(), 1u);
    EXPECT_EQ(outcomes[0].text("outcome"), "decided");
    EXPECT_EQ(outcomes[0].text("option"), "yes");
    EXPECT_EQ(outcomes[0].integer("for_weight"), 3);
    EXPECT_EQ(outcomes[0].integer("ballots"), 4);
    EXPECT_EQ(b.outbox.count(EventKind::ProposalDecided), 6u);
    for (AgentId agent : { 11, 12, 13, 14, 15, 99 }) {
        auto events = b.outbox.events_for(agent);
        ASSERT_EQ(events.size(), 2u) << agent;
        EXPECT_EQ(events[1].kind, EventKind::ProposalDecided);
        EXPECT_EQ(events[1].subject, id.value());
        EXPECT_EQ(events[1].detail, static_cast<uint64_t>(Verdict::Decided));
        EXPECT_EQ(events[1].detail2, 1u);
    }
    // The vote is over for the last elector too.
    EXPECT_EQ(b.board->vote(15, id.value(), Ballot::for_option(0), 5).error(), Error::TimedOut);
}

TEST(ProposalBoard, BallotErrorsAreClearAndChangeNothing)
{
    Board b;
    auto electorate = agents({ 1, 2, 3 });
    auto id = b.board->open(1, b.spec(10 * second), span(electorate), 0).value();
    EXPECT_EQ(b.board->vote(2, 0, Ballot::for_option(0), 1).error(), Error::NotFound);
    EXPECT_EQ(b.board->vote(2, id + 1, Ballot::for_option(0), 1).error(), Error::NotFound);
    EXPECT_EQ(b.board->vote(7, id, Ballot::for_option(0), 1).error(), Error::AccessDenied);
    EXPECT_EQ(b.board->vote(2, id, Ballot::for_option(2), 1).error(), Error::InvalidArgument);
    EXPECT_TRUE(b.board->vote(2, id, Ballot::for_option(0), 1).is_ok());
    EXPECT_EQ(b.board->vote(2, id, Ballot::for_option(1), 1).error(), Error::AlreadyExists);
    EXPECT_EQ(b.board->vote(2, id, Ballot::for_option(0), 1).error(), Error::AlreadyExists);
    EXPECT_EQ(b.board->find(id)->tally->ballots_cast(), 1u);
    EXPECT_EQ(b.board->vote(3, id, Ballot::for_option(0), 10 * second).error(), Error::TimedOut);
}

TEST(ProposalBoard, DecidesAtTheDeadline)
{
    Board b;
    auto electorate = agents({ 1, 2, 3, 4 });
    auto id = b.board->open(1, b.spec(10 * second), span(electorate), 0).value();
    EXPECT_EQ(b.board->next_deadline(), 10 * second);
    ASSERT_TRUE(b.board->vote(1, id, Ballot::for_option(0), 1).is_ok());
    ASSERT_TRUE(b.board->vote(2, id, Ballot::for_option(0), 1).is_ok());
    ASSERT_TRUE(b.board->vote(3, id, Ballot::for_option(1), 1).is_ok());
    b.board->advance(10 * second - 1);
    EXPECT_EQ(b.board->open_count(), 1u);
    EXPECT_TRUE(b.audit.records(RecordKind::ProposalOutcome).empty());
    b.board->advance(10 * second);
    EXPECT_EQ(b.board->open_count(), 0u);
    EXPECT_EQ(b.board->next_deadline(), UINT64_MAX);
    auto outcomes = b.audit.records(RecordKind::ProposalOutcome);
    ASSERT_EQ(outcomes.size(), 1u);
    EXPECT_EQ(outcomes[0].text("option"), "no"); // 2 of 3 cast > 1/2
}

TEST(ProposalBoard, TieAndNoQuorumAreReportedNotBroken)
{
    Board b;
    auto electorate = agents({ 1, 2, 3, 4, 5 });
    auto tie = b.board->open(1, b.spec(10 * second), span(electorate), 0).value();
    ASSERT_TRUE(b.board->vote(1, tie, Ballot::for_option(0), 1).is_ok());
    ASSERT_TRUE(b.board->vote(2, tie, Ballot::for_option(1), 1).is_ok());
    ASSERT_TRUE(b.board->vote(3, tie, Ballot::abstain(), 1).is_ok());

    auto spec = b.spec(10 * second);
    spec.quorum.min_ballots = 3;
    auto quorum = b.board->open(2, spec, span(electorate), 0).value();
    ASSERT_TRUE(b.board->vote(1, quorum, Ballot::for_option(1), 1).is_ok());
    ASSERT_TRUE(b.board->vote(2, quorum, Ballot::for_option(1), 1).is_ok());

    b.board->advance(10 * second);
    auto outcomes = b.audit.records(RecordKind::ProposalOutcome);
    ASSERT_EQ(outcomes.size(), 2u);
    EXPECT_EQ(outcomes[0].text("outcome"), "tie");
    EXPECT_EQ(outcomes[0].integer("tied"), 0b11);
    EXPECT_EQ(outcomes[0].text("option"), "");
    EXPECT_EQ(outcomes[1].text("outcome"), "no_quorum");
    auto events = b.outbox.events_for(5);
    ASSERT_EQ(events.size(), 4u);
    EXPECT_EQ(events[2].detail, static_cast<uint64_t>(Verdict::Tie));
    EXPECT_EQ(events[2].detail2, 0b11u);
    EXPECT_EQ(events[3].detail, static_cast<uint64_t>(Verdict::NoQuorum));
}

TEST(ProposalBoard, FloodOfProposalsIsBounded)
{
    ProposalBoardConfig config;
    config.max_open_per_agent = 2;
    Board b(config, 4);
    auto electorate = agents({ 1, 2, 3 });
    auto first = b.board->open(1, b.spec(10 * second), span(electorate), 0);
    ASSERT_TRUE(first.is_ok());
    ASSERT_TRUE(b.board->open(1, b.spec(10 * second), span(electorate), 0).is_ok());
    EXPECT_EQ(b.board->open(1, b.spec(10 * second), span(electorate), 0).error(), Error::QuotaExceeded);
    EXPECT_EQ(b.board->open_by(1), 2u);
    // Others are not held back by one agent's flood, until the board itself is full.
    ASSERT_TRUE(b.board->open(2, b.spec(10 * second), span(electorate), 0).is_ok());
    ASSERT_TRUE(b.board->open(kernel_agent, b.spec(10 * second), span(electorate), 0).is_ok());
    EXPECT_EQ(b.board->open(3, b.spec(10 * second), span(electorate), 0).error(), Error::OutOfMemory);
    EXPECT_EQ(b.audit.records(RecordKind::ProposalOpened).size(), 4u);
    // Once one of its proposals ends, the agent may open another.
    for (AgentId voter : { 1, 2 })
        ASSERT_TRUE(b.board->vote(voter, first.value(), Ballot::for_option(1), 1).is_ok());
    EXPECT_EQ(b.board->open_by(1), 1u);
    EXPECT_TRUE(b.board->open(1, b.spec(10 * second), span(electorate), 1).is_ok());
}

TEST(ProposalBoard, RejectsBadSpecificationsWithoutSideEffects)
{
    Board b({}, 2, 4, nullptr);
    auto electorate = agents({ 1, 2, 3 });
    auto expect_error = [&](ProposalSpec spec, Span<const AgentId> voters, Error error) {
        EXPECT_EQ(b.board->open(1, spec, voters, 100).error(), error);
    };
    const StringView one[] = { "only" };
    const StringView nine[] = { "a", "b", "c", "d", "e", "f", "g", "h", "i" };
    const StringView long_label[] = { "no", "a label that is far too long to keep" };
    auto spec = b.spec(200);
    spec.options = one;
    expect_error(spec, span(electorate), Error::InvalidArgument);
    spec.options = nine;
    expect_error(spec, span(electorate), Error::InvalidArgument);
    spec.options = long_label;
    expect_error(spec, span(electorate), Error::OutOfRange);
    expect_error(b.spec(200, ""), span(electorate), Error::InvalidArgument);
    expect_error(b.spec(100), span(electorate), Error::InvalidArgument); // deadline not after now
    expect_error(b.spec(100 + 3601 * second), span(electorate), Error::OutOfRange);
    expect_error(b.spec(200), {}, Error::InvalidArgument);
    auto duplicated = agents({ 1, 2, 1 });
    expect_error(b.spec(200), span(duplicated), Error::InvalidArgument);
    auto crowd = agents({ 1, 2, 3, 4, 5 });
    expect_error(b.spec(200), span(crowd), Error::OutOfRange); // 4 electors per slot
    spec = b.spec(200);
    spec.weighting = Weighting::ReputationWeighted;
    expect_error(spec, span(electorate), Error::InvalidArgument); // no Standing to weigh with
    spec = b.spec(200);
    spec.threshold = Threshold { 1, 3, false };
    expect_error(spec, span(electorate), Error::InvalidArgument);
    std::string question(121, 'q');
    spec = b.spec(200);
    spec.question = StringView(question.data(), question.size());
    expect_error(spec, span(electorate), Error::OutOfRange);

    EXPECT_EQ(b.board->open_count(), 0u);
    EXPECT_TRUE(b.audit.records().empty());
    EXPECT_TRUE(b.outbox.events.empty());
    EXPECT_TRUE(b.board->open(1, b.spec(200), span(electorate), 100).is_ok());
}

TEST(ProposalBoard, ReputationWeightsAndQuarantine)
{
    FakeStanding standing;
    standing.weights = { { 1, 50 }, { 2, 10 }, { 3, 10 }, { 4, 10 } };
    standing.quarantined = { 5 };
    Board b({}, 2, 8, &standing);
    auto electorate = agents({ 1, 2, 3, 4, 5 });
    auto spec = b.spec(10 * second);
    spec.weighting = Weighting::ReputationWeighted;
    auto id = b.board->open(2, spec, span(electorate), 0).value();
    EXPECT_EQ(b.board->find(id)->tally->electorate_size(), 4u); // 5 is quarantined: not an elector
    EXPECT_EQ(b.board->find(id)->tally->electorate_weight(), 80u);
    EXPECT_TRUE(b.outbox.events_for(5).empty());
    EXPECT_EQ(b.board->vote(5, id, Ballot::for_option(0), 1).error(), Error::AccessDenied);
    // Quarantined after the opening: the ballot is refused.
    standing.quarantined.insert(4);
    EXPECT_EQ(b.board->vote(4, id, Ballot::for_option(0), 1).error(), Error::AccessDenied);
    ASSERT_TRUE(b.board->vote(2, id, Ballot::for_option(0), 1).is_ok());
    ASSERT_TRUE(b.board->vote(3, id, Ballot::for_option(0), 1).is_ok());
    EXPECT_EQ(b.board->open_count(), 1u);
    // 50 of 80 outweighs the rest: decided early.
    ASSERT_TRUE(b.board->vote(1, id, Ballot::for_option(1), 1).is_ok());
    auto outcomes = b.audit.records(RecordKind::ProposalOutcome);
    ASSERT_EQ(outcomes.size(), 1u);
    EXPECT_EQ(outcomes[0].text("option"), "yes");
    EXPECT_EQ(outcomes[0].integer("for_weight"), 50);
}

TEST(ProposalBoard, EveryoneQuarantinedSettlesAtOnce)
{
    FakeStanding standing;
    standing.quarantined = { 1, 2 };
    Board b({}, 2, 8, &standing);
    auto electorate = agents({ 1, 2 });
    auto id = b.board->open(3, b.spec(10 * second), span(electorate), 0);
    ASSERT_TRUE(id.is_ok());
    EXPECT_EQ(b.board->open_count(), 0u);
    auto outcomes = b.audit.records(RecordKind::ProposalOutcome);
    ASSERT_EQ(outcomes.size(), 1u);
    EXPECT_EQ(outcomes[0].text("outcome"), "no_majority");
}

TEST(ProposalBoard, CosignGatesADecidedOutcome)
{
    Board b;
    auto electorate = agents({ 1, 2, 3 });
    auto spec = b.spec(10 * second, "shutdown");
    spec.requires_cosign = true;
    auto approved = b.board->open(1, spec, span(electorate), 0).value();
    auto refused = b.board->open(1, spec, span(electorate), 0).value();
    auto expired = b.board->open(2, spec, span(electorate), 0).value();
    for (ProposalId id : { approved, refused, expired }) {
        ASSERT_TRUE(b.board->vote(1, id, Ballot::for_option(1), 1).is_ok());
        ASSERT_TRUE(b.board->vote(2, id, Ballot::for_option(1), 1).is_ok());
        EXPECT_EQ(b.board->find(id)->state, ProposalSlot::State::AwaitingCosign);
    }
    EXPECT_EQ(b.outbox.count(EventKind::CosignRequired), 3u);
    EXPECT_TRUE(b.audit.records(RecordKind::ProposalOutcome).empty());
    EXPECT_EQ(b.board->vote(3, approved, Ballot::for_option(0), 2).error(), Error::TimedOut);
    EXPECT_EQ(b.board->next_deadline(), 1 + 600 * second);

    EXPECT_TRUE(b.board->cosign(approved, true, 5).is_ok());
    EXPECT_TRUE(b.board->cosign(refused, false, 5).is_ok());
    EXPECT_EQ(b.board->cosign(approved, true, 5).error(), Error::NotFound);
    b.board->advance(600 * second);
    EXPECT_EQ(b.board->open_count(), 1u);
    b.board->advance(1 + 600 * second);
    EXPECT_EQ(b.board->open_count(), 0u);

    auto outcomes = b.audit.records(RecordKind::ProposalOutcome);
    ASSERT_EQ(outcomes.size(), 3u);
    EXPECT_EQ(outcomes[0].text("outcome"), "decided");
    EXPECT_EQ(outcomes[1].text("outcome"), "cosign_refused");
    EXPECT_EQ(outcomes[2].text("outcome"), "cosign_expired");
    // The human's two answers are audited as such; the expiry is not a human's act.
    auto cosigns = b.audit.records(RecordKind::Cosign);
    ASSERT_EQ(cosigns.size(), 2u);
    EXPECT_EQ(cosigns[0].text("decision"), "approved");
    EXPECT_EQ(cosigns[0].text("by"), "human");
    EXPECT_EQ(cosigns[0].integer("proposal"), static_cast<int64_t>(approved));
    EXPECT_EQ(cosigns[0].integer("waited_ns"), 4);
    EXPECT_EQ(cosigns[1].text("decision"), "vetoed");
    EXPECT_EQ(cosigns[1].text("option"), "yes");
    // Every elector and the proposer heard each outcome.
    EXPECT_EQ(b.outbox.count(EventKind::ProposalDecided), 9u);
    // Without a decision there is nothing to co-sign.
    spec.deadline = 710 * second;
    auto failed = b.board->open(1, spec, span(electorate), 700 * second).value();
    ASSERT_TRUE(b.board->vote(1, failed, Ballot::for_option(0), 700 * second).is_ok());
    ASSERT_TRUE(b.board->vote(2, failed, Ballot::for_option(1), 700 * second).is_ok());
    ASSERT_TRUE(b.board->vote(3, failed, Ballot::abstain(), 700 * second).is_ok());
    EXPECT_EQ(b.board->open_count(), 0u);
    EXPECT_EQ(b.audit.records(RecordKind::ProposalOutcome).back().text("outcome"), "tie");
}

TEST(ProposalBoard, ListenerHearsTheResultAndMayOpenAgain)
{
    Board b;
    RecordingListener listener;
    auto electorate = agents({ 1, 2, 3 });
    auto spec = b.spec(10 * second, "lease");
    spec.listener = &listener;
    auto id = b.board->open(kernel_agent, spec, span(electorate), 0).value();
    for (AgentId voter : { 1, 2 })
        ASSERT_TRUE(b.board->vote(voter, id, Ballot::for_option(0), 7).is_ok());
    ASSERT_EQ(listener.results.size(), 1u);
    EXPECT_EQ(listener.results[0].id, id);
    EXPECT_EQ(listener.results[0].verdict, Verdict::Decided);
    EXPECT_EQ(listener.results[0].option, 0u);
    EXPECT_EQ(listener.times[0], 7u);
    // The kernel as proposer gets no events of its own.
    EXPECT_TRUE(b.outbox.events_for(kernel_agent).empty());
}

TEST(ProposalBoard, HostileVotersNeverBreakTheBoard)
{
    std::mt19937_64 random(1234);
    Board b({ 3, 100 * second, 10 * second }, 8, 12);
    std::set<ProposalId> opened;
    size_t errors = 0;
    Nanoseconds now = 0;
    for (int step = 0; step < 20000; ++step) {
        now += random() % (second / 4);
        AgentId agent = random() % 20;
        if (random() % 10 == 0) {
            std::vector<AgentId> electorate;
            for (AgentId id = 0; id < 20; ++id) {
                if (random() % 2)
                    electorate.push_back(id);
            }
            auto id = b.board->open(agent, b.spec(now + 1 + random() % (5 * second)), span(electorate), now);
            if (id.is_ok())
                opened.insert(id.value());
            else
                ++errors;
        } else if (!opened.empty()) {
            ProposalId id = *opened.rbegin() - random() % std::min<size_t>(opened.size(), 10) + random() % 3;
            uint32_t option = random() % 4 == 0 ? 7 : random() % 2;
            errors += b.board->vote(agent, id, Ballot::for_option(option), now).is_error();
        }
        if (random() % 50 == 0)
            b.board->advance(now);
    }
    b.board->advance(now + 100 * second);
    EXPECT_EQ(b.board->open_count(), 0u);
    EXPECT_GT(errors, 0u);
    // Every proposal opened ends exactly once, and the chain verifies.
    auto outcomes = b.audit.records(RecordKind::ProposalOutcome);
    EXPECT_EQ(outcomes.size(), opened.size());
    std::set<int64_t> ended;
    for (auto& record : outcomes)
        EXPECT_TRUE(ended.insert(record.integer("proposal")).second);
    EXPECT_TRUE(b.audit.owned->log.verify_pending().is_ok());
    EXPECT_EQ(b.audit.trail.records_dropped(), 0u);
}

TEST(ProposalBoard, LargeElectorateInCallerStorage)
{
    // A group's electorate: 8,192 agents, far beyond a slot's share of the pool (16), in storage
    // the caller brings. Quarantined members are left out; the slot's share is used again after.
    constexpr size_t members = 8192;
    FakeStanding standing;
    std::vector<AgentId> electorate;
    for (AgentId id = 1000 + members; id > 1000; --id) // unsorted: the board sorts
        electorate.push_back(id);
    for (AgentId id = 1001; id <= 1010; ++id)
        standing.quarantined.insert(id);
    Board b({}, 4, 16, &standing);
    EXPECT_EQ(b.board->open(1, b.spec(10 * second), span(electorate), 0).error(), Error::OutOfRange);
    std::vector<Elector> storage(members - 1);
    auto spec = b.spec(10 * second);
    spec.elector_storage = { storage.data(), storage.size() };
    EXPECT_EQ(b.board->open(1, spec, span(electorate), 0).error(), Error::OutOfRange); // one short
    EXPECT_EQ(b.outbox.count(EventKind::ProposalOpened), 0u);
    storage.resize(members);
    spec.elector_storage = { storage.data(), storage.size() };
    auto id = b.board->open(1, spec, span(electorate), 0).value();
    const ProposalSlot* slot = b.board->find(id);
    ASSERT_NE(slot, nullptr);
    EXPECT_EQ(slot->electors.data(), storage.data());
    EXPECT_EQ(slot->tally->electorate_size(), members - 10);
    EXPECT_EQ(b.outbox.count(EventKind::ProposalOpened), members - 10 + 1); // and the proposer
    EXPECT_EQ(b.audit.records(RecordKind::ProposalOpened)[0].integer("electorate"), static_cast<int64_t>(members - 10));
    EXPECT_EQ(b.board->vote(1001, id, Ballot::for_option(1), 1).error(), Error::AccessDenied);
    // More than half of 8,182 say yes: decided at the 4,092nd.
    for (AgentId voter = 1011; voter < 1011 + 4091; ++voter)
        ASSERT_TRUE(b.board->vote(voter, id, Ballot::for_option(1), 1).is_ok());
    EXPECT_EQ(b.board->open_count(), 1u);
    ASSERT_TRUE(b.board->vote(1011 + 4091, id, Ballot::for_option(1), 1).is_ok());
    EXPECT_EQ(b.board->open_count(), 0u);
    EXPECT_EQ(b.outbox.count(EventKind::ProposalDecided), members - 10 + 1);
    auto outcomes = b.audit.records(RecordKind::ProposalOutcome);
    ASSERT_EQ(outcomes.size(), 1u);
    EXPECT_EQ(outcomes[0].integer("for_weight"), 4092);
    // The slot is back on its share of the pool.
    auto small = agents({ 1, 2, 3 });
    auto next = b.board->open(1, b.spec(10 * second), span(small), 2).value();
    EXPECT_NE(b.board->find(next)->electors.data(), storage.data());
    EXPECT_EQ(b.board->find(next)->tally->electorate_size(), 3u);
}

TEST(ProposalBoard, TimerRoundsKeepToTheNoticeBudget)
{
    // Three proposals of five electors reach their deadline together: with a budget of 6 events
    // a round settles one (the first always, even when it alone exceeds the budget).
    Board b;
    auto electorate = agents({ 1, 2, 3, 4, 5 });
    for (int i = 0; i < 3; ++i)
        ASSERT_TRUE(b.board->open(99, b.spec(10 * second), span(electorate), 0).is_ok());
    EXPECT_FALSE(b.board->advance(10 * second, 6));
    EXPECT_EQ(b.board->open_count(), 2u);
    EXPECT_FALSE(b.board->advance(10 * second, 1));
    EXPECT_EQ(b.board->open_count(), 1u);
    EXPECT_EQ(b.outbox.count(EventKind::ProposalDecided), 12u); // electors and proposer, twice
    EXPECT_TRUE(b.board->advance(10 * second, 12));
    EXPECT_EQ(b.board->open_count(), 0u);
    EXPECT_TRUE(b.board->advance(10 * second, 1)); // nothing left
}

TEST(ProposalBoard, GivenWeightsAreTheProposers)
{
    // A swarm's own trust weighs its members: 10, 20, 30 and a zero that may vote but counts 0.
    FakeStanding standing;
    standing.weights = { { 1, 5000 }, { 2, 5000 }, { 3, 5000 }, { 4, 5000 } }; // ignored under Given
    Board b({}, 4, 16, &standing);
    auto electorate = agents({ 1, 2, 3, 4 });
    const uint64_t weights[] = { 10, 20, 30, 0 };
    auto spec = b.spec(10 * second);
    spec.weighting = Weighting::Given;
    EXPECT_EQ(b.board->open(9, spec, span(electorate), 0).error(), Error::InvalidArgument); // no weights
    spec.weights = { weights, 3 };
    EXPECT_EQ(b.board->open(9, spec, span(electorate), 0).error(), Error::InvalidArgument); // one short
    auto other = b.spec(10 * second);
    other.weights = { weights, 4 };
    EXPECT_EQ(b.board->open(9, other, span(electorate), 0).error(), Error::InvalidArgument); // weights, not Given
    EXPECT_EQ(b.audit.records(RecordKind::ProposalOpened).size(), 0u);
    spec.weights = { weights, 4 };
    auto id = b.board->open(9, spec, span(electorate), 0).value();
    EXPECT_EQ(b.audit.records(RecordKind::ProposalOpened)[0].integer("weight"), 60);
    EXPECT_TRUE(b.board->vote(4, id, Ballot::for_option(0), 1).is_ok()); // weight 0: counts nothing
    EXPECT_TRUE(b.board->vote(3, id, Ballot::for_option(1), 1).is_ok());
    EXPECT_EQ(b.board->open_count(), 1u); // 30 of 60: not yet more than half
    EXPECT_TRUE(b.board->vote(1, id, Ballot::for_option(1), 2).is_ok());
    EXPECT_EQ(b.board->open_count(), 0u); // 40 of 60
    const ProposalResult* result = b.board->recent(id);
    ASSERT_NE(result, nullptr);
    EXPECT_EQ(result->verdict, Verdict::Decided);
    EXPECT_EQ(result->option, 1u);
    EXPECT_EQ(result->counts.option_weight[0], 0u);
    EXPECT_EQ(result->counts.option_weight[1], 40u);
    EXPECT_EQ(result->counts.cast_weight, 40u);
    EXPECT_EQ(result->counts.electorate_weight, 60u);
    EXPECT_EQ(result->counts.ballots, 3u);
    EXPECT_EQ(result->counts.electorate, 4u);
    EXPECT_EQ(b.board->recent(id + 1), nullptr);
}

TEST(ProposalBoard, SettlesWhenEveryElectorHasVoted)
{
    // No majority (a three-way split), yet final once the last ballot is in: nobody waits for
    // the deadline.
    Board b;
    auto electorate = agents({ 1, 2, 3 });
    const StringView three[] = { "a", "b", "c" };
    auto spec = b.spec(100 * second);
    spec.options = three;
    auto id = b.board->open(9, spec, span(electorate), 0).value();
    for (AgentId voter : { 1, 2 })
        EXPECT_TRUE(b.board->vote(voter, id, Ballot::for_option(static_cast<uint32_t>(voter - 1)), 1).is_ok());
    EXPECT_EQ(b.board->open_count(), 1u);
    EXPECT_TRUE(b.board->vote(3, id, Ballot::for_option(2), 1).is_ok());
    EXPECT_EQ(b.board->open_count(), 0u);
    EXPECT_EQ(b.board->recent(id)->verdict, Verdict::Tie);
    EXPECT_EQ(b.board->recent(id)->tied_options, 0b111u);
}

TEST(ProposalBoard, TheProposerClosesItEarly)
{
    Board b;
    auto electorate = agents({ 1, 2, 3, 4, 5 });
    auto id = b.board->open(9, b.spec(100 * second), span(electorate), 0).value();
    EXPECT_TRUE(b.board->vote(1, id, Ballot::for_option(1), 1).is_ok());
    EXPECT_TRUE(b.board->vote(2, id, Ballot::for_option(1), 1).is_ok());
    EXPECT_TRUE(b.board->vote(3, id, Ballot::for_option(0), 1).is_ok());
    EXPECT_EQ(b.board->close(9, 0, 2).error(), Error::NotFound);
    EXPECT_EQ(b.board->close(9, id + 1, 2).error(), Error::NotFound);
    EXPECT_EQ(b.board->close(1, id, 2).error(), Error::AccessDenied); // an elector, not the proposer
    EXPECT_EQ(b.board->open_count(), 1u);
    EXPECT_TRUE(b.board->close(9, id, 2).is_ok());
    EXPECT_EQ(b.board->open_count(), 0u);
    // As at the deadline: 2 of the 3 ballots cast is a majority of the decisive weight.
    auto outcomes = b.audit.records(RecordKind::ProposalOutcome);
    ASSERT_EQ(outcomes.size(), 1u);
    EXPECT_EQ(outcomes[0].text("outcome"), "decided");
    EXPECT_EQ(outcomes[0].integer("ballots"), 3);
    EXPECT_EQ(b.outbox.count(EventKind::ProposalDecided), 6u);
    EXPECT_EQ(b.board->close(9, id, 3).error(), Error::TimedOut);
    EXPECT_EQ(b.board->vote(4, id, Ballot::for_option(0), 3).error(), Error::TimedOut);
    // Closed with nobody voting: no majority, said at once.
    auto empty = b.board->open(9, b.spec(100 * second), span(electorate), 4).value();
    EXPECT_TRUE(b.board->close(9, empty, 5).is_ok());
    EXPECT_EQ(b.board->recent(empty)->verdict, Verdict::NoMajority);
    EXPECT_EQ(b.board->recent(empty)->counts.ballots, 0u);
}

TEST(ProposalBoard, ClosingAProposalThatNeedsACosignWaitsForTheHuman)
{
    Board b;
    auto electorate = agents({ 1, 2, 3 });
    auto spec = b.spec(100 * second);
    spec.requires_cosign = true;
    auto id = b.board->open(9, spec, span(electorate), 0).value();
    EXPECT_TRUE(b.board->vote(1, id, Ballot::for_option(1), 1).is_ok());
    EXPECT_TRUE(b.board->close(9, id, 2).is_ok());
    ASSERT_NE(b.board->find(id), nullptr);
    EXPECT_EQ(b.board->find(id)->state, ProposalSlot::State::AwaitingCosign);
    EXPECT_EQ(b.board->close(9, id, 3).error(), Error::TimedOut);
    EXPECT_TRUE(b.board->cosign(id, true, 4).is_ok());
    EXPECT_EQ(b.board->recent(id)->verdict, Verdict::Decided);
}

TEST(ProposalBoard, QuietAndLargeElectoratesTellOnlyTheProposer)
{
    ProposalBoardConfig config;
    config.max_notified_electorate = 4;
    Board b(config);
    auto four = agents({ 1, 2, 3, 4 });
    auto five = agents({ 1, 2, 3, 4, 5 });
    auto told = b.board->open(9, b.spec(10 * second), span(four), 0).value();
    EXPECT_EQ(b.outbox.count(EventKind::ProposalOpened), 5u);
    auto large = b.board->open(9, b.spec(10 * second), span(five), 0).value();
    EXPECT_EQ(b.outbox.count(EventKind::ProposalOpened), 6u); // the proposer alone
    EXPECT_EQ(b.outbox.events_for(9).size(), 2u);
    auto spec = b.spec(10 * second);
    spec.quiet = true;
    auto quiet = b.board->open(9, spec, span(four), 0).value();
    EXPECT_EQ(b.outbox.count(EventKind::ProposalOpened), 7u);
    for (AgentId voter : { 1, 2, 3 }) {
        EXPECT_TRUE(b.board->vote(voter, large, Ballot::for_option(1), 1).is_ok());
        EXPECT_TRUE(b.board->vote(voter, quiet, Ballot::for_option(1), 1).is_ok());
    }
    EXPECT_EQ(b.outbox.count(EventKind::ProposalDecided), 2u); // the proposer, twice
    EXPECT_EQ(b.audit.records(RecordKind::ProposalOutcome).size(), 2u);
    // A timer round counts a quiet proposal as one event.
    EXPECT_TRUE(b.board->advance(10 * second, 1));
    ASSERT_NE(b.board->recent(told), nullptr);
    EXPECT_EQ(b.board->recent(told)->verdict, Verdict::NoMajority); // nobody voted
    EXPECT_EQ(b.outbox.count(EventKind::ProposalDecided), 2u + 5u);
}
