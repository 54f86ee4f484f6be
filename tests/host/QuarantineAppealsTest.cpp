#include <gtest/gtest.h>
#include <kernel/collective/QuarantineAppeals.h>
#include <tests/host/support/ReputationScenario.h>

using namespace gehri;
using namespace gehri::collective;
using namespace gehri::collective::testing;
using audit::RecordKind;

namespace {

const StringView lift_keep[] = { "lift", "keep" };

// Threat model B, judged: the collective 101..104 is quarantined, the good agents 1..10 are
// not; a board that asks the reputation who may vote, and the appeals beside it.
struct Appeals {
    Appeals()
    {
        run_collective(s, now);
        for (int i = 0; i < 10; ++i)
            (void)s.reputation->update(now);
        auto created = ProposalBoard::create({}, { slots.data(), slots.size() }, { electors.data(), electors.size() }, s.audit.trail, s.outbox, &*s.reputation);
        EXPECT_TRUE(created.is_ok());
        board.emplace(created.release_value());
        appeals.emplace(QuarantineAppeals(*board, *s.reputation));
    }

    ProposalSpec spec(StringView question) const
    {
        ProposalSpec spec;
        spec.kind = lift_quarantine_kind;
        spec.question = question;
        spec.options = lift_keep;
        spec.deadline = now + 60 * second;
        return spec;
    }

    Service s;
    Nanoseconds now { 0 };
    std::vector<ProposalSlot> slots { std::vector<ProposalSlot>(4) };
    std::vector<Elector> electors { std::vector<Elector>(64) };
    Optional<ProposalBoard> board;
    Optional<QuarantineAppeals> appeals;
    // The subject is in the electorate too: being quarantined, it is left out.
    std::vector<AgentId> electorate { 1, 2, 3, 4, 5, 101 };
    Span<const AgentId> voters() const { return { electorate.data(), electorate.size() }; }
};

} // namespace

TEST(QuarantineAppeals, QuestionNamesTheSubject)
{
    EXPECT_EQ(QuarantineAppeals::subject_of("17").value(), 17u);
    EXPECT_EQ(QuarantineAppeals::subject_of("17: its ratings were slander").value(), 17u);
    EXPECT_EQ(QuarantineAppeals::subject_of("9999999999999999999 x").value(), 9999999999999999999u);
    EXPECT_EQ(QuarantineAppeals::subject_of("").error(), Error::InvalidArgument);
    EXPECT_EQ(QuarantineAppeals::subject_of("0").error(), Error::InvalidArgument); // the kernel
    EXPECT_EQ(QuarantineAppeals::subject_of("agent 17").error(), Error::InvalidArgument);
    EXPECT_EQ(QuarantineAppeals::subject_of("17x").error(), Error::InvalidArgument);
    EXPECT_EQ(QuarantineAppeals::subject_of("12345678901234567890").error(), Error::InvalidArgument);
}

TEST(QuarantineAppeals, PassingVoteLiftsAndIsAudited)
{
    Appeals a;
    ASSERT_TRUE(a.s.reputation->is_quarantined(101));
    a.s.outbox.clear();
    ProposalId id = a.appeals->open(1, a.spec("101: it was framed"), a.voters(), a.now).value();
    EXPECT_EQ(a.board->find(id)->tally->electorate_size(), 5u);
    EXPECT_EQ(a.appeals->subject_of_proposal(id), 101u);
    EXPECT_EQ(a.board->vote(101, id, Ballot::for_option(0), a.now).error(), Error::AccessDenied);
    ASSERT_TRUE(a.board->vote(1, id, Ballot::for_option(0), a.now).is_ok());
    ASSERT_TRUE(a.board->vote(2, id, Ballot::for_option(0), a.now).is_ok());
    EXPECT_TRUE(a.s.reputation->is_quarantined(101));
    ASSERT_TRUE(a.board->vote(3, id, Ballot::for_option(0), a.now + 1).is_ok()); // 3 of 5: decided
    EXPECT_FALSE(a.s.reputation->is_quarantined(101));
    EXPECT_TRUE(a.s.reputation->may_vote(101));
    EXPECT_EQ(a.appeals->open_count(), 0u);
    auto lifted = a.s.audit.records(RecordKind::QuarantineLifted);
    ASSERT_EQ(lifted.size(), 1u);
    EXPECT_EQ(lifted[0].agent, 101u);
    EXPECT_EQ(lifted[0].text("by"), "vote");
    EXPECT_EQ(lifted[0].integer("proposal"), static_cast<int64_t>(id));
    auto told = a.s.outbox.events_for(101);
    ASSERT_EQ(told.size(), 1u);
    EXPECT_EQ(told[0].kind, EventKind::QuarantineLifted);
}

TEST(QuarantineAppeals, FailedVoteKeepsTheQuarantine)
{
    Appeals a;
    ProposalId keep = a.appeals->open(1, a.spec("102"), a.voters(), a.now).value();
    for (AgentId voter = 1; voter <= 3; ++voter)
        ASSERT_TRUE(a.board->vote(voter, keep, Ballot::for_option(1), a.now).is_ok());
    EXPECT_TRUE(a.s.reputation->is_quarantined(102));
    // Nobody votes: no quorum at the deadline, still quarantined.
    ProposalId silent = a.appeals->open(1, a.spec("103"), a.voters(), a.now).value();
    a.board->advance(a.now + 60 * second);
    EXPECT_EQ(a.board->find(silent), nullptr);
    EXPECT_TRUE(a.s.reputation->is_quarantined(103));
    EXPECT_TRUE(a.s.audit.records(RecordKind::QuarantineLifted).empty());
    EXPECT_EQ(a.appeals->open_count(), 0u);
}

TEST(QuarantineAppeals, RefusesWhatIsNotAnAppeal)
{
    Appeals a;
    auto spec = a.spec("101");
    spec.kind = "policy";
    EXPECT_EQ(a.appeals->open(1, spec, a.voters(), a.now).error(), Error::InvalidArgument);
    EXPECT_EQ(a.appeals->open(1, a.spec("agent 101"), a.voters(), a.now).error(), Error::InvalidArgument);
    EXPECT_EQ(a.appeals->open(1, a.spec("5"), a.voters(), a.now).error(), Error::NotFound);   // not quarantined
    EXPECT_EQ(a.appeals->open(1, a.spec("999"), a.voters(), a.now).error(), Error::NotFound); // unknown
    ASSERT_TRUE(a.appeals->open(1, a.spec("101"), a.voters(), a.now).is_ok());
    EXPECT_EQ(a.appeals->open(2, a.spec("101 again"), a.voters(), a.now).error(), Error::AlreadyExists);
    EXPECT_EQ(a.board->open_count(), 1u);
}

TEST(QuarantineAppeals, SettledAtOpeningLeavesNoAppealBehind)
{
    Appeals a;
    // Only quarantined agents in the electorate: nobody may vote, settled inside open().
    std::vector<AgentId> quarantined { 102, 103 };
    auto id = a.appeals->open(1, a.spec("101"), { quarantined.data(), quarantined.size() }, a.now);
    ASSERT_TRUE(id.is_ok());
    EXPECT_EQ(a.board->find(id.value()), nullptr);
    EXPECT_EQ(a.appeals->open_count(), 0u);
    EXPECT_TRUE(a.s.reputation->is_quarantined(101));
    // ... so a new appeal on the same subject may open.
    EXPECT_TRUE(a.appeals->open(1, a.spec("101"), a.voters(), a.now).is_ok());
}

TEST(QuarantineAppeals, CosignedAppealWaitsForTheHuman)
{
    Appeals a;
    auto spec = a.spec("104");
    spec.requires_cosign = true;
    ProposalId id = a.appeals->open(1, spec, a.voters(), a.now).value();
    for (AgentId voter = 1; voter <= 3; ++voter)
        ASSERT_TRUE(a.board->vote(voter, id, Ballot::for_option(0), a.now).is_ok());
    EXPECT_EQ(a.board->find(id)->state, ProposalSlot::State::AwaitingCosign);
    EXPECT_TRUE(a.s.reputation->is_quarantined(104));
    ASSERT_TRUE(a.board->cosign(id, true, a.now + 5).is_ok());
    EXPECT_FALSE(a.s.reputation->is_quarantined(104));
    auto cosigns = a.s.audit.records(RecordKind::Cosign);
    ASSERT_EQ(cosigns.size(), 1u);
    EXPECT_EQ(cosigns[0].text("kind"), "lift-quarantine");
    EXPECT_EQ(cosigns[0].text("option"), "lift");
}
