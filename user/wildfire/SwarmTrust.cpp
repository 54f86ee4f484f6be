#include <user/wildfire/SwarmTrust.h>

namespace gehri::wildfire {

void LocalTrust::rate(uint32_t from, uint32_t to, uint32_t satisfied, uint32_t unsatisfied)
{
    if (m_trust.record_feedback(from, to, satisfied, unsatisfied).is_error())
        ++m_counts.dropped;
    else
        ++m_counts.recorded;
}

RatingCounts LocalTrust::flush()
{
    RatingCounts counts = m_counts;
    m_counts = {};
    return counts;
}

Result<size_t> LocalTrust::judge(uint32_t steps, const collective::QuarantinePolicy& policy, Span<collective::PeerIndex> out)
{
    m_trust.refine(steps);
    return m_trust.collect_quarantined(policy, out);
}

} // namespace gehri::wildfire
