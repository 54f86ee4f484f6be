#include <user/wildfire/BallotBox.h>
#include <utility>

namespace gehri::wildfire {

using namespace collective;

Result<uint64_t> LocalBallotBox::open(Span<const VillageCandidate> candidates, Span<const Elector> electorate)
{
    if (candidates.size() < 2 || candidates.size() > max_candidates || electorate.size() > m_electors.size())
        return Error::InvalidArgument;
    for (size_t i = 0; i < electorate.size(); ++i)
        m_electors[i] = electorate[i];
    m_options = static_cast<uint32_t>(candidates.size());
    m_tally.reset();
    m_tally.emplace(TRY(detail::open_tally(m_options, m_electors.first(electorate.size()))));
    return ++m_round;
}

void LocalBallotBox::replied(uint32_t drone, uint32_t option)
{
    // The whole vote happens at time 0 and is read at time 1 (open_tally's deadline).
    if (m_tally.has_value())
        (void)m_tally->cast(drone, Ballot::for_option(option < m_options ? option : 0), 0);
}

Result<VoteCount> LocalBallotBox::close()
{
    if (!m_tally.has_value())
        return Error::NotFound;
    Outcome outcome = m_tally->evaluate(1);
    VoteCount count { outcome.kind, outcome.option, {}, m_tally->ballots_cast() };
    for (uint32_t option = 0; option < m_options; ++option)
        count.option_weight[option] = m_tally->option_weight(option);
    m_tally.reset();
    return count;
}

} // namespace gehri::wildfire
