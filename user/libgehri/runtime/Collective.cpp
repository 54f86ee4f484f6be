#include <user/libgehri/Collective.h>
#include <user/libgehri/runtime/Syscall.h>

namespace gehri::system {

namespace {

using abi::Syscall;

Result<uint64_t> checked(int64_t value)
{
    if (abi::is_error_value(value))
        return abi::decode_error(value);
    return static_cast<uint64_t>(value);
}

template<size_t N>
void copy_name(char (&destination)[N], StringView source)
{
    for (size_t i = 0; i < N && i < source.length(); ++i)
        destination[i] = source[i];
}

uint64_t address(const void* pointer) { return reinterpret_cast<uint64_t>(pointer); }

} // namespace

Result<ProposalId> proposal_open(HandleValue self, const Proposal& proposal)
{
    if (proposal.options.size() > abi::proposal_max_options)
        return Error::InvalidArgument;
    abi::ProposalRequest request;
    copy_name(request.kind, proposal.kind);
    copy_name(request.question, proposal.question);
    for (size_t i = 0; i < proposal.options.size(); ++i)
        copy_name(request.options[i], proposal.options[i]);
    request.option_count = static_cast<uint32_t>(proposal.options.size());
    request.threshold = static_cast<uint32_t>(proposal.threshold);
    request.voting_period_ns = proposal.voting_period_ns;
    request.electorate = address(proposal.electorate.data());
    request.electorate_count = proposal.electorate.size();
    request.weighting = static_cast<uint32_t>(proposal.weighting);
    copy_name(request.group, proposal.group);
    request.weights = proposal.weights.is_empty() ? 0 : address(proposal.weights.data());
    request.flags = proposal.quiet ? static_cast<uint32_t>(abi::ProposalFlags::Quiet) : 0;
    return TRY(checked(raw::syscall3(Syscall::ProposalOpen, self, address(&request))));
}

Result<void> proposal_vote(HandleValue self, ProposalId proposal, uint32_t option)
{
    TRY(checked(raw::syscall3(Syscall::ProposalVote, self, proposal, option)));
    return {};
}

Result<abi::ProposalStatus> proposal_result(HandleValue self, ProposalId proposal)
{
    abi::ProposalStatus status;
    TRY(checked(raw::syscall3(Syscall::ProposalResult, self, proposal, address(&status))));
    return status;
}

Result<abi::ProposalStatus> proposal_result(HandleValue self, ProposalId proposal, abi::ProposalCounts& counts)
{
    abi::ProposalStatus status;
    TRY(checked(raw::syscall4(Syscall::ProposalResult, self, proposal, address(&status), address(&counts))));
    return status;
}

Result<void> proposal_close(HandleValue self, ProposalId proposal)
{
    TRY(checked(raw::syscall3(Syscall::ProposalClose, self, proposal)));
    return {};
}

Result<LeaseId> lease_acquire(HandleValue self, StringView resource, uint64_t term_ns, abi::LeaseFlags flags, uint64_t bid)
{
    return TRY(checked(raw::syscall6(static_cast<uint64_t>(Syscall::LeaseAcquire), self, address(resource.characters()), resource.length(),
        term_ns, static_cast<uint64_t>(flags), bid)));
}

Result<void> lease_renew(HandleValue self, LeaseId lease, uint64_t term_ns)
{
    TRY(checked(raw::syscall3(Syscall::LeaseRenew, self, lease, term_ns)));
    return {};
}

Result<void> lease_release(HandleValue self, LeaseId lease)
{
    TRY(checked(raw::syscall3(Syscall::LeaseRelease, self, lease)));
    return {};
}

Result<AuctionId> auction_open(HandleValue self, const abi::AuctionRequest& request)
{
    return TRY(checked(raw::syscall3(Syscall::AuctionOpen, self, address(&request))));
}

Result<void> auction_bid(HandleValue self, AuctionId auction, uint64_t amount)
{
    TRY(checked(raw::syscall3(Syscall::AuctionBid, self, auction, amount)));
    return {};
}

Result<AuctionId> award_auction_open(HandleValue self, uint64_t units, uint32_t max_bids, uint64_t closes_in_ns)
{
    abi::AuctionRequest request;
    request.effect = static_cast<uint32_t>(abi::AuctionEffect::Award);
    request.pricing = static_cast<uint32_t>(abi::AuctionPricing::SecondPrice);
    request.units = units;
    request.closes_in_ns = closes_in_ns;
    request.max_bids = max_bids;
    return auction_open(self, request);
}

Result<size_t> auction_settle(HandleValue self, AuctionId auction)
{
    return TRY(checked(raw::syscall3(Syscall::AuctionSettle, self, auction)));
}

Result<size_t> auction_awards(HandleValue self, AuctionId auction, Span<abi::AuctionAward> out)
{
    return TRY(checked(raw::syscall4(Syscall::AuctionAwards, self, auction, address(out.data()), out.size())));
}

Result<bool> auction_exclude(HandleValue self, AuctionId auction, uint64_t agent)
{
    return TRY(checked(raw::syscall3(Syscall::AuctionExclude, self, auction, agent))) != 0;
}

Result<void> reputation_report(HandleValue self, uint64_t ratee, uint32_t satisfied, uint32_t unsatisfied)
{
    TRY(checked(raw::syscall4(Syscall::ReputationReport, self, ratee, satisfied, unsatisfied)));
    return {};
}

Result<uint64_t> audit_record(HandleValue self, StringView what, uint64_t subject, StringView detail)
{
    abi::AuditNote note { reinterpret_cast<uint64_t>(what.characters()), what.length(), subject, reinterpret_cast<uint64_t>(detail.characters()), detail.length() };
    return checked(raw::syscall3(Syscall::AuditRecord, self, reinterpret_cast<uint64_t>(&note)));
}

Result<abi::CollectiveEvent> event_take(HandleValue self, uint64_t timeout_ns)
{
    abi::CollectiveEvent event;
    TRY(checked(raw::syscall3(Syscall::EventTake, self, address(&event), timeout_ns)));
    return event;
}

Result<void> agent_quarantine(HandleValue agent, bool on, StringView reason)
{
    TRY(checked(raw::syscall4(Syscall::AgentQuarantine, agent, on ? 1 : 0, address(reason.characters()), reason.length())));
    return {};
}

Result<HandleValue> reputation_domain_create(HandleValue self, const abi::ReputationDomainRequest& request)
{
    return static_cast<HandleValue>(TRY(checked(raw::syscall3(Syscall::ReputationDomainCreate, self, address(&request)))));
}

Result<size_t> reputation_domain_rate(HandleValue domain, Span<const abi::DomainRating> ratings)
{
    return TRY(checked(raw::syscall3(Syscall::ReputationDomainRate, domain, address(ratings.data()), ratings.size())));
}

Result<void> reputation_domain_bind(HandleValue domain, uint32_t peer, HandleValue agent)
{
    TRY(checked(raw::syscall3(Syscall::ReputationDomainBind, domain, peer, agent)));
    return {};
}

Result<size_t> reputation_domain_judge(HandleValue domain, uint32_t steps, const abi::QuarantinePolicy& policy, Span<uint32_t> out)
{
    return TRY(checked(raw::syscall6(static_cast<uint64_t>(Syscall::ReputationDomainJudge), domain, steps, address(&policy), address(out.data()), out.size(), 0)));
}

Result<void> reputation_domain_trust(HandleValue domain, uint32_t first, Span<uint64_t> out)
{
    TRY(checked(raw::syscall4(Syscall::ReputationDomainTrust, domain, first, address(out.data()), out.size())));
    return {};
}

} // namespace gehri::system
