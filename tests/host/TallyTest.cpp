#include <gtest/gtest.h>
#include <kernel/collective/Tally.h>
#include <random>
#include <vector>

using namespace gehri;
using namespace gehri::collective;

namespace {

constexpr Nanoseconds deadline = 1'000;
constexpr Nanoseconds before = 10;
constexpr uint32_t yes = 0;
constexpr uint32_t no = 1;

std::vector<Elector> electorate(size_t count, uint64_t weight = 1)
{
    std::vector<Elector> electors;
    for (size_t i = 0; i < count; ++i)
        electors.push_back({ 100 + i, weight, 0 });
    return electors;
}

TallyConfig config(Threshold threshold = Threshold::simple_majority(), Quorum quorum = {}, uint32_t options = 2,
    Weighting weighting = Weighting::OneAgentOneVote)
{
    return { options, weighting, threshold, quorum, deadline };
}

Tally make(const TallyConfig& tally_config, std::vector<Elector>& electors)
{
    auto tally = Tally::create(tally_config, Span<Elector>(electors.data(), electors.size()));
    EXPECT_TRUE(tally.is_ok());
    return tally.release_value();
}

void cast_all(Tally& tally, std::initializer_list<std::pair<AgentId, Ballot>> ballots)
{
    for (auto [voter, ballot] : ballots)
        ASSERT_TRUE(tally.cast(voter, ballot, before).is_ok()) << "voter " << voter;
}

Ballot option(uint32_t index) { return Ballot::for_option(index); }

} // namespace

TEST(Tally, SimpleMajorityNeedsMoreThanHalf)
{
    auto electors = electorate(4);
    auto tally = make(config(), electors);
    cast_all(tally, { { 100, option(yes) }, { 101, option(yes) }, { 102, option(no) } });
    EXPECT_EQ(tally.evaluate(before).kind, OutcomeKind::Undecided); // 2 of 4 is not more than half
    cast_all(tally, { { 103, option(no) } });
    // Everyone has voted, so the result is final before the deadline: 2-2, a tie.
    Outcome outcome = tally.evaluate(before);
    EXPECT_EQ(outcome.kind, OutcomeKind::Tie);
    EXPECT_EQ(outcome.tied_options, 0b11u);
}

TEST(Tally, SimpleMajorityWinsAtDeadline)
{
    auto electors = electorate(5);
    auto tally = make(config(), electors);
    cast_all(tally, { { 100, option(yes) }, { 101, option(yes) }, { 102, option(no) } });
    EXPECT_EQ(tally.evaluate(before).kind, OutcomeKind::Undecided);
    EXPECT_EQ(tally.evaluate(deadline), Outcome::decided(yes)); // 2 of 3 cast
}

TEST(Tally, QuorumByCountExactlyAtAndOneBelow)
{
    for (uint64_t ballots : { 3u, 2u }) {
        auto electors = electorate(5);
        auto tally = make(config(Threshold::simple_majority(), Quorum { 3, 0 }), electors);
        for (uint64_t i = 0; i < ballots; ++i)
            ASSERT_TRUE(tally.cast(100 + i, option(yes), before).is_ok());
        Outcome outcome = tally.evaluate(deadline);
        if (ballots == 3)
            EXPECT_EQ(outcome, Outcome::decided(yes));
        else
            EXPECT_EQ(outcome.kind, OutcomeKind::NoQuorum);
    }
}

TEST(Tally, QuorumByWeightExactlyAtAndOneBelow)
{
    for (uint64_t weight : { 40u, 39u }) {
        std::vector<Elector> electors { { 1, weight, 0 }, { 2, 60, 0 } };
        auto tally = make(config(Threshold::simple_majority(), Quorum { 0, 40 }, 2, Weighting::ReputationWeighted), electors);
        ASSERT_TRUE(tally.cast(1, option(no), before).is_ok());
        Outcome outcome = tally.evaluate(deadline);
        if (weight == 40)
            EXPECT_EQ(outcome, Outcome::decided(no));
        else
            EXPECT_EQ(outcome.kind, OutcomeKind::NoQuorum);
    }
}

TEST(Tally, AbstentionsCountTowardQuorumButNotTheMajority)
{
    auto electors = electorate(5);
    auto tally = make(config(Threshold::simple_majority(), Quorum { 4, 0 }), electors);
    cast_all(tally, { { 100, option(yes) }, { 101, Ballot::abstain() }, { 102, Ballot::abstain() }, { 103, option(no) } });
    EXPECT_EQ(tally.evaluate(deadline).kind, OutcomeKind::Tie); // 1-1 among the decisive ballots
    EXPECT_EQ(tally.abstained_weight(), 2u);
}

TEST(Tally, SupermajorityTwoThirdsBoundary)
{
    struct Case {
        int yes_votes;
        int no_votes;
        OutcomeKind expected;
    };
    // 4/6 is exactly 2/3 (passes, "at least"); 4/7 and 5/8 are below.
    for (Case c : { Case { 4, 2, OutcomeKind::Decided }, Case { 4, 3, OutcomeKind::NoMajority }, Case { 5, 3, OutcomeKind::NoMajority },
             Case { 6, 3, OutcomeKind::Decided } }) {
        auto electors = electorate(c.yes_votes + c.no_votes);
        auto tally = make(config(Threshold::supermajority(2, 3)), electors);
        for (int i = 0; i < c.yes_votes + c.no_votes; ++i)
            ASSERT_TRUE(tally.cast(100 + i, option(i < c.yes_votes ? yes : no), before).is_ok());
        Outcome outcome = tally.evaluate(deadline);
        EXPECT_EQ(outcome.kind, c.expected) << c.yes_votes << "-" << c.no_votes;
        if (c.expected == OutcomeKind::Decided) {
            EXPECT_EQ(outcome.option, yes);
        }
    }
}

TEST(Tally, UnanimityIgnoresAbstentions)
{
    auto electors = electorate(4);
    auto tally = make(config(Threshold::unanimity()), electors);
    cast_all(tally, { { 100, option(yes) }, { 101, option(yes) }, { 102, Ballot::abstain() } });
    // One elector is still out and could veto: no early decision under unanimity.
    EXPECT_EQ(tally.evaluate(before).kind, OutcomeKind::Undecided);
    EXPECT_TRUE(tally.can_still_decide());
    cast_all(tally, { { 103, option(yes) } });
    EXPECT_EQ(tally.evaluate(before), Outcome::decided(yes));
}

TEST(Tally, UnanimityBrokenByOneDissent)
{
    auto electors = electorate(4);
    auto tally = make(config(Threshold::unanimity()), electors);
    cast_all(tally, { { 100, option(yes) }, { 101, option(no) } });
    EXPECT_FALSE(tally.can_still_decide());
    EXPECT_EQ(tally.evaluate(before).kind, OutcomeKind::Undecided); // final only at the deadline
    EXPECT_EQ(tally.evaluate(deadline).kind, OutcomeKind::Tie);
}

TEST(Tally, UnanimityWhenEveryoneAbstainsDecidesNothing)
{
    auto electors = electorate(3);
    auto tally = make(config(Threshold::unanimity()), electors);
    cast_all(tally, { { 100, Ballot::abstain() }, { 101, Ballot::abstain() }, { 102, Ballot::abstain() } });
    EXPECT_EQ(tally.evaluate(before).kind, OutcomeKind::NoMajority);
}

TEST(Tally, HeavyVoterDecidesEarly)
{
    std::vector<Elector> electors { { 7, 100, 0 } };
    for (AgentId id = 10; id < 20; ++id)
        electors.push_back({ id, 1, 0 });
    auto tally = make(config(Threshold::simple_majority(), {}, 2, Weighting::ReputationWeighted), electors);
    EXPECT_EQ(tally.electorate_weight(), 110u);
    cast_all(tally, { { 7, option(no) } });
    // 100 > (100 + 10 uncast) / 2: nobody left can change it.
    EXPECT_EQ(tally.evaluate(before), Outcome::decided(no));
    for (AgentId id = 10; id < 20; ++id)
        ASSERT_TRUE(tally.cast(id, option(yes), before).is_ok());
    EXPECT_EQ(tally.evaluate(before), Outcome::decided(no));
    EXPECT_EQ(tally.evaluate(deadline), Outcome::decided(no));
}

TEST(Tally, OneAgentOneVoteIgnoresWeights)
{
    std::vector<Elector> electors { { 7, 100, 0 }, { 8, 1, 0 }, { 9, 1, 0 } };
    auto tally = make(config(), electors);
    cast_all(tally, { { 7, option(no) }, { 8, option(yes) } });
    EXPECT_EQ(tally.evaluate(before).kind, OutcomeKind::Undecided);
    cast_all(tally, { { 9, option(yes) } });
    EXPECT_EQ(tally.evaluate(before), Outcome::decided(yes));
}

TEST(Tally, EarlyDecisionAsSoonAsTheRestCannotMatter)
{
    auto electors = electorate(5);
    auto tally = make(config(), electors);
    cast_all(tally, { { 100, option(yes) }, { 101, option(yes) } });
    EXPECT_EQ(tally.evaluate(before).kind, OutcomeKind::Undecided);
    cast_all(tally, { { 102, option(yes) } });
    EXPECT_EQ(tally.evaluate(before), Outcome::decided(yes));
}

TEST(Tally, EarlyDecisionWaitsForQuorum)
{
    auto electors = electorate(5);
    auto tally = make(config(Threshold::simple_majority(), Quorum { 4, 0 }), electors);
    cast_all(tally, { { 100, option(yes) }, { 101, option(yes) }, { 102, option(yes) } });
    EXPECT_EQ(tally.evaluate(before).kind, OutcomeKind::Undecided);
    EXPECT_EQ(tally.evaluate(deadline).kind, OutcomeKind::NoQuorum);
    cast_all(tally, { { 103, option(no) } });
    EXPECT_EQ(tally.evaluate(before), Outcome::decided(yes));
}

TEST(Tally, ThreeWayTieAndNoMajority)
{
    {
        auto electors = electorate(5);
        auto tally = make(config(Threshold::simple_majority(), {}, 3), electors);
        cast_all(tally, { { 100, option(0) }, { 101, option(0) }, { 102, option(2) }, { 103, option(2) }, { 104, option(1) } });
        Outcome outcome = tally.evaluate(before);
        EXPECT_EQ(outcome.kind, OutcomeKind::Tie);
        EXPECT_EQ(outcome.tied_options, 0b101u);
    }
    {
        auto electors = electorate(5);
        auto tally = make(config(Threshold::simple_majority(), {}, 3), electors);
        cast_all(tally, { { 100, option(0) }, { 101, option(0) }, { 102, option(2) }, { 103, option(1) }, { 104, Ballot::abstain() } });
        EXPECT_EQ(tally.evaluate(before).kind, OutcomeKind::NoMajority); // 2 of 4 decisive: a plurality, not a majority
    }
}

TEST(Tally, RejectsSecondVoteAndOutsiders)
{
    auto electors = electorate(3);
    auto tally = make(config(), electors);
    ASSERT_TRUE(tally.cast(100, option(yes), before).is_ok());
    auto second = tally.cast(100, option(no), before);
    ASSERT_TRUE(second.is_error());
    EXPECT_EQ(second.error(), Error::AlreadyExists);
    auto abstain_after = tally.cast(100, Ballot::abstain(), before);
    EXPECT_EQ(abstain_after.error(), Error::AlreadyExists);
    auto outsider = tally.cast(999, option(yes), before);
    ASSERT_TRUE(outsider.is_error());
    EXPECT_EQ(outsider.error(), Error::AccessDenied);
    auto bad_option = tally.cast(101, option(2), before);
    EXPECT_EQ(bad_option.error(), Error::InvalidArgument);
    auto late = tally.cast(101, option(yes), deadline);
    EXPECT_EQ(late.error(), Error::TimedOut);
    // The rejected ballots changed nothing, and 101 may still vote (before the deadline).
    EXPECT_EQ(tally.ballots_cast(), 1u);
    EXPECT_EQ(tally.option_weight(yes), 1u);
    EXPECT_EQ(tally.option_weight(no), 0u);
    EXPECT_TRUE(tally.cast(101, option(no), before).is_ok());
}

TEST(Tally, EmptyElectorate)
{
    std::vector<Elector> none;
    auto without_quorum = make(config(), none);
    EXPECT_EQ(without_quorum.evaluate(0).kind, OutcomeKind::NoMajority);
    EXPECT_FALSE(without_quorum.can_still_decide());
    auto with_quorum = make(config(Threshold::simple_majority(), Quorum { 1, 0 }), none);
    EXPECT_EQ(with_quorum.evaluate(0).kind, OutcomeKind::NoQuorum);
    EXPECT_EQ(with_quorum.cast(1, option(yes), 0).error(), Error::AccessDenied);
}

TEST(Tally, ZeroWeightsParticipateButDecideNothing)
{
    std::vector<Elector> electors { { 1, 0, 0 }, { 2, 0, 0 }, { 3, 0, 0 } };
    auto tally = make(config(Threshold::simple_majority(), Quorum { 3, 0 }, 2, Weighting::ReputationWeighted), electors);
    cast_all(tally, { { 1, option(yes) }, { 2, option(yes) }, { 3, option(no) } });
    EXPECT_TRUE(tally.quorum_reached());
    EXPECT_EQ(tally.evaluate(before).kind, OutcomeKind::NoMajority);
}

TEST(Tally, ZeroWeightVoterCannotSwing)
{
    std::vector<Elector> electors { { 1, 5, 0 }, { 2, 5, 0 }, { 3, 0, 0 } };
    auto tally = make(config(Threshold::simple_majority(), {}, 2, Weighting::ReputationWeighted), electors);
    cast_all(tally, { { 1, option(yes) }, { 2, option(no) } });
    EXPECT_FALSE(tally.can_still_decide()); // only weight 0 is left
    cast_all(tally, { { 3, option(yes) } });
    EXPECT_EQ(tally.evaluate(before).kind, OutcomeKind::Tie);
}

TEST(Tally, OverflowScaleWeights)
{
    std::vector<Elector> too_heavy { { 1, UINT64_MAX / 2, 0 }, { 2, UINT64_MAX / 2, 0 }, { 3, 2, 0 } };
    auto rejected = Tally::create(config(Threshold::simple_majority(), {}, 2, Weighting::ReputationWeighted),
        Span<Elector>(too_heavy.data(), too_heavy.size()));
    ASSERT_TRUE(rejected.is_error());
    EXPECT_EQ(rejected.error(), Error::OutOfRange);

    // Total 2^64 - 1: products with the threshold need 128 bits.
    std::vector<Elector> heavy { { 1, uint64_t { 1 } << 63, 0 }, { 2, (uint64_t { 1 } << 63) - 1, 0 } };
    auto tally = make(config(Threshold::simple_majority(), {}, 2, Weighting::ReputationWeighted), heavy);
    EXPECT_EQ(tally.electorate_weight(), UINT64_MAX);
    cast_all(tally, { { 1, option(yes) } });
    EXPECT_EQ(tally.evaluate(before), Outcome::decided(yes));

    std::vector<Elector> heavy2 { { 1, UINT64_MAX / 3 * 2, 0 }, { 2, UINT64_MAX / 3, 0 } };
    auto super = make(config(Threshold::supermajority(2, 3), {}, 2, Weighting::ReputationWeighted), heavy2);
    cast_all(super, { { 1, option(no) } });
    EXPECT_EQ(super.evaluate(before), Outcome::decided(no)); // exactly 2/3 of everything
}

TEST(Tally, RejectsBadConfigurations)
{
    auto electors = electorate(3);
    Span<Elector> span(electors.data(), electors.size());
    for (Threshold bad : { Threshold { 1, 2, false }, Threshold { 1, 3, false }, Threshold { 0, 0, false }, Threshold { 3, 2, false },
             Threshold { 1, 1, true } }) {
        auto result = Tally::create(config(bad), span);
        EXPECT_EQ(result.error(), Error::InvalidArgument) << bad.numerator << "/" << bad.denominator;
    }
    EXPECT_EQ(Tally::create(config(Threshold::simple_majority(), {}, 1), span).error(), Error::InvalidArgument);
    EXPECT_EQ(Tally::create(config(Threshold::simple_majority(), {}, 33), span).error(), Error::InvalidArgument);
    EXPECT_TRUE(Tally::create(config(Threshold::simple_majority(), {}, 32), span).is_ok());
    std::vector<Elector> duplicate { { 5, 1, 0 }, { 6, 1, 0 }, { 5, 1, 0 } };
    EXPECT_EQ(Tally::create(config(), Span<Elector>(duplicate.data(), duplicate.size())).error(), Error::InvalidArgument);
}

TEST(Tally, QuorumShare)
{
    EXPECT_EQ(Quorum::share_of(10, 1, 3).value(), 4u); // ceil(10/3)
    EXPECT_EQ(Quorum::share_of(9, 1, 3).value(), 3u);
    EXPECT_EQ(Quorum::share_of(UINT64_MAX, 1, 1).value(), UINT64_MAX);
    EXPECT_EQ(Quorum::share_of(UINT64_MAX, 1, 2).value(), uint64_t { 1 } << 63);
    EXPECT_EQ(Quorum::share_of(10, 0, 3).value(), 0u);
    EXPECT_EQ(Quorum::share_of(10, 4, 3).error(), Error::InvalidArgument);
    EXPECT_EQ(Quorum::share_of(10, 1, 0).error(), Error::InvalidArgument);
}

// Properties over random elections: the outcome does not depend on ballot order; an early
// decision is always the final one; can_still_decide() == false means no decision at the end.
TEST(Tally, RandomElectionsAreConsistent)
{
    std::mt19937_64 random(12345);
    const Threshold thresholds[] = { Threshold::simple_majority(), Threshold::supermajority(2, 3), Threshold::supermajority(3, 4),
        Threshold::unanimity() };
    int early_decisions = 0;
    int doomed_votes = 0;
    for (int round = 0; round < 3000; ++round) {
        size_t voters = random() % 9;
        uint32_t options = 2 + random() % 3;
        Threshold threshold = thresholds[random() % 4];
        Weighting weighting = random() % 2 ? Weighting::OneAgentOneVote : Weighting::ReputationWeighted;
        Quorum quorum { random() % (voters + 1), random() % 2 ? random() % 20 : 0 };
        TallyConfig tally_config { options, weighting, threshold, quorum, deadline };

        std::vector<Elector> electors;
        std::vector<std::pair<AgentId, Ballot>> ballots;
        for (size_t i = 0; i < voters; ++i) {
            electors.push_back({ 1000 + random() % 1000 * 10 + i, random() % 6, 0 });
            if (random() % 5 != 0) {
                uint32_t choice = random() % (options + 1);
                ballots.push_back({ electors.back().id, choice == options ? Ballot::abstain() : Ballot::for_option(choice) });
            }
        }
        auto first_electors = electors;
        auto first = make(tally_config, first_electors);
        Outcome early {};
        bool doomed = false;
        for (auto [voter, ballot] : ballots) {
            ASSERT_TRUE(first.cast(voter, ballot, before).is_ok());
            Outcome now = first.evaluate(before);
            if (now.kind == OutcomeKind::Decided && early.kind == OutcomeKind::Undecided)
                early = now;
            if (!first.can_still_decide())
                doomed = true;
        }
        Outcome final_outcome = first.evaluate(deadline);
        if (early.kind == OutcomeKind::Decided) {
            ++early_decisions;
            EXPECT_EQ(final_outcome, early) << "round " << round;
        }
        if (doomed) {
            ++doomed_votes;
            EXPECT_NE(final_outcome.kind, OutcomeKind::Decided) << "round " << round;
        }

        std::shuffle(ballots.begin(), ballots.end(), random);
        auto second_electors = electors;
        std::shuffle(second_electors.begin(), second_electors.end(), random);
        auto second = make(tally_config, second_electors);
        for (auto [voter, ballot] : ballots)
            ASSERT_TRUE(second.cast(voter, ballot, before).is_ok());
        EXPECT_EQ(second.evaluate(deadline), final_outcome) << "round " << round;
    }
    // The properties were exercised, not vacuously true.
    EXPECT_GT(early_decisions, 300);
    EXPECT_GT(doomed_votes, 300);
}
