#include <kernel/collective/Tally.h>
#include <kernel/lib/Sort.h>
#include <kernel/lib/WideArithmetic.h>

namespace gehri::collective {

namespace {

bool threshold_is_valid(Threshold threshold)
{
    uint64_t doubled = 2 * static_cast<uint64_t>(threshold.numerator);
    if (threshold.denominator == 0 || threshold.numerator > threshold.denominator)
        return false;
    if (threshold.strict && threshold.numerator == threshold.denominator)
        return false; // more than everything: unreachable
    // Above one half, or exactly one half and strict: two options can never both qualify.
    return doubled > threshold.denominator || (doubled == threshold.denominator && threshold.strict);
}

} // namespace

Result<uint64_t> Quorum::share_of(uint64_t total, uint64_t numerator, uint64_t denominator)
{
    if (denominator == 0 || numerator > denominator)
        return Error::InvalidArgument;
    auto division = divide_wide(multiply_wide(total, numerator) + (denominator - 1), denominator);
    return low_half(division.quotient); // <= total, so it fits
}

Result<Tally> Tally::create(const TallyConfig& config, Span<Elector> electorate)
{
    if (config.option_count < 2 || config.option_count > max_options || !threshold_is_valid(config.threshold))
        return Error::InvalidArgument;
    heap_sort(electorate, [](const Elector& a, const Elector& b) { return a.id < b.id; });
    uint64_t total = 0;
    for (size_t i = 0; i < electorate.size(); ++i) {
        if (i > 0 && electorate[i].id == electorate[i - 1].id)
            return Error::InvalidArgument;
        uint64_t weight = config.weighting == Weighting::OneAgentOneVote ? 1 : electorate[i].weight;
        if (add_overflows(total, weight, total))
            return Error::OutOfRange;
        electorate[i].ballot = Ballot::not_cast_value;
    }
    return Tally(config, electorate, total);
}

uint64_t Tally::weight_of(const Elector& elector) const
{
    return m_config.weighting == Weighting::OneAgentOneVote ? 1 : elector.weight;
}

Result<void> Tally::cast(AgentId voter, Ballot ballot, Nanoseconds now)
{
    if (now >= m_config.deadline)
        return Error::TimedOut;
    size_t index = lower_bound(m_electorate, voter, [](const Elector& e, AgentId id) { return e.id < id; });
    if (index == m_electorate.size() || m_electorate[index].id != voter)
        return Error::AccessDenied;
    Elector& elector = m_electorate[index];
    if (elector.ballot != Ballot::not_cast_value)
        return Error::AlreadyExists;
    if (!ballot.is_abstention() && ballot.option() >= m_config.option_count)
        return Error::InvalidArgument;

    // Every partial sum is bounded by the electorate's total, which create() checked fits.
    uint64_t weight = weight_of(elector);
    elector.ballot = ballot.raw();
    m_cast_weight += weight;
    ++m_ballots_cast;
    if (ballot.is_abstention())
        m_abstained_weight += weight;
    else
        m_option_weight[ballot.option()] += weight;
    return {};
}

bool Tally::quorum_reached() const
{
    return m_ballots_cast >= m_config.quorum.min_ballots && m_cast_weight >= m_config.quorum.min_weight;
}

bool Tally::reaches_threshold(uint64_t weight, uint64_t decisive) const
{
    if (weight == 0)
        return false;
    UInt128 share = multiply_wide(weight, m_config.threshold.denominator);
    UInt128 needed = multiply_wide(decisive, m_config.threshold.numerator);
    return m_config.threshold.strict ? share > needed : share >= needed;
}

// Highest weight; the lowest index among equals (only a candidate for the check below, never
// a tie-break: a tied leader cannot reach a threshold above one half).
uint32_t Tally::leading_option() const
{
    uint32_t leader = 0;
    for (uint32_t option = 1; option < m_config.option_count; ++option) {
        if (m_option_weight[option] > m_option_weight[leader])
            leader = option;
    }
    return leader;
}

Outcome Tally::final_outcome() const
{
    if (!quorum_reached())
        return Outcome::of(OutcomeKind::NoQuorum);
    uint32_t leader = leading_option();
    uint64_t top = m_option_weight[leader];
    if (reaches_threshold(top, decisive_weight()))
        return Outcome::decided(leader);
    uint32_t tied = 0;
    for (uint32_t option = 0; option < m_config.option_count; ++option) {
        if (m_option_weight[option] == top)
            tied |= 1u << option;
    }
    if (top > 0 && (tied & (tied - 1)) != 0)
        return { OutcomeKind::Tie, 0, tied };
    return Outcome::of(OutcomeKind::NoMajority);
}

Outcome Tally::evaluate(Nanoseconds now) const
{
    if (now >= m_config.deadline || m_ballots_cast == m_electorate.size())
        return final_outcome();
    if (!quorum_reached())
        return Outcome::of(OutcomeKind::Undecided);
    // Worst case for the leader: every uncast unit of weight goes to a rival. Abstaining or
    // not voting only shrinks the decisive weight, so if the leader qualifies against
    // decisive + uncast it qualifies against every possible final tally (and keeps doing so as
    // ballots arrive, which makes an early decision final).
    uint32_t leader = leading_option();
    if (reaches_threshold(m_option_weight[leader], decisive_weight() + uncast_weight()))
        return Outcome::decided(leader);
    return Outcome::of(OutcomeKind::Undecided);
}

bool Tally::can_still_decide() const
{
    uint64_t remaining_ballots = m_electorate.size() - m_ballots_cast;
    if (m_ballots_cast + remaining_ballots < m_config.quorum.min_ballots || m_electorate_weight < m_config.quorum.min_weight)
        return false;
    // Best case for an option: every uncast unit of weight goes to it.
    uint64_t uncast = uncast_weight();
    for (uint32_t option = 0; option < m_config.option_count; ++option) {
        if (reaches_threshold(m_option_weight[option] + uncast, decisive_weight() + uncast))
            return true;
    }
    return false;
}

} // namespace gehri::collective
