#include <kernel/collective/QuarantineAppeals.h>

namespace gehri::collective {

Result<AgentId> QuarantineAppeals::subject_of(StringView question)
{
    size_t length = 0;
    AgentId subject = 0;
    while (length < question.length() && question[length] >= '0' && question[length] <= '9') {
        if (length == 19)
            return Error::InvalidArgument; // beyond any agent id
        subject = subject * 10 + static_cast<AgentId>(question[length] - '0');
        ++length;
    }
    if (length == 0 || subject == kernel_agent)
        return Error::InvalidArgument;
    if (length < question.length() && question[length] != ':' && question[length] != ' ')
        return Error::InvalidArgument;
    return subject;
}

Result<ProposalId> QuarantineAppeals::open(AgentId proposer, ProposalSpec spec, Span<const AgentId> electorate, Nanoseconds now)
{
    if (spec.kind != lift_quarantine_kind)
        return Error::InvalidArgument;
    AgentId subject = TRY(subject_of(spec.question));
    if (!m_reputation.is_quarantined_by_trust(subject))
        return Error::NotFound;
    Appeal* free = nullptr;
    for (auto& appeal : m_appeals) {
        if (appeal.proposal != 0 && appeal.subject == subject)
            return Error::AlreadyExists;
        if (appeal.proposal == 0 && !free)
            free = &appeal;
    }
    if (!free)
        return Error::OutOfMemory;
    spec.listener = this;
    m_opening = subject;
    auto opened = m_board.open(proposer, spec, electorate, now);
    bool settled_at_once = m_opening == 0;
    m_opening = 0;
    if (opened.is_error())
        return opened.error();
    ProposalId id = opened.value();
    if (!settled_at_once)
        *free = { id, subject };
    return id;
}

void QuarantineAppeals::proposal_settled(const ProposalResult& result, Nanoseconds now)
{
    for (auto& appeal : m_appeals) {
        if (appeal.proposal == result.id) {
            AgentId subject = appeal.subject;
            appeal = {};
            settle(subject, result, now);
            return;
        }
    }
    if (m_opening != 0) {
        AgentId subject = m_opening;
        m_opening = 0;
        settle(subject, result, now);
    }
}

void QuarantineAppeals::settle(AgentId subject, const ProposalResult& result, Nanoseconds now)
{
    if (result.verdict != Verdict::Decided || result.option != 0)
        return;
    // NotFound: a human lifted it meanwhile, or the agent was forgotten; nothing left to do.
    (void)m_reputation.lift(subject, LiftAuthority::Vote, result.id, now);
}

size_t QuarantineAppeals::open_count() const
{
    size_t count = 0;
    for (const auto& appeal : m_appeals)
        count += appeal.proposal != 0;
    return count;
}

AgentId QuarantineAppeals::subject_of_proposal(ProposalId id) const
{
    for (const auto& appeal : m_appeals) {
        if (appeal.proposal == id && id != 0)
            return appeal.subject;
    }
    return 0;
}

} // namespace gehri::collective
