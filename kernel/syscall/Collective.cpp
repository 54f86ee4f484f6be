#include <kernel/audit/KernelAuditLog.h>
#include <kernel/collective/TokenBucket.h>
#include <kernel/govern/Collective.h>
#include <kernel/lib/HeapArray.h>
#include <kernel/lib/Optional.h>
#include <kernel/lib/Spinlock.h>
#include <kernel/time/Clock.h>
#include <kernel/object/Agent.h>
#include <kernel/syscall/Handlers.h>
#include <kernel/syscall/UserCopy.h>

// The collective services' system calls (Abi.h): arguments checked here, decisions in
// kernel/govern/Collective.cpp.
namespace gehri::syscall {

using object::Agent;

namespace {

// The caller's handle to itself, with `right`: the rights of taking part travel with that
// handle, so an agent can give them up (duplicate without them, close the original).
Result<void> check_self(Caller& caller, HandleArgument self, Rights right)
{
    auto agent = TRY(caller.agent().handles().get_object_with_rights<Agent>(self.value, right));
    if (agent.get() != &caller.agent())
        return Error::AccessDenied;
    return {};
}

Result<uint32_t> to_u32(uint64_t raw)
{
    if (raw > UINT32_MAX)
        return Error::InvalidArgument;
    return static_cast<uint32_t>(raw);
}

bool is_decision_name(StringView what)
{
    if (what.is_empty())
        return false;
    for (char c : what) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
            return false;
    }
    return true;
}

// Agents' audit records share one budget (a burst of 64, then 32 a second): the log's ring
// is finite, and a flood of them must not push out the kernel's own records.
class AgentRecordBudget {
public:
    Result<void> charge(uint64_t now)
    {
        InterruptSafeGuard guard(m_lock);
        if (!m_bucket.has_value())
            m_bucket.emplace(TRY(collective::TokenBucket::per_second(64, 32, now)));
        return m_bucket.value().try_charge(1, now);
    }

private:
    Spinlock m_lock;
    Optional<collective::TokenBucket> m_bucket;
};

AgentRecordBudget s_agent_record_budget;

} // namespace

Result<uint64_t> sys_audit_record(Caller& caller, HandleArgument self, UserPointer<const abi::AuditNote> note_pointer)
{
    TRY(check_self(caller, self, Rights::Govern));
    abi::AuditNote note = TRY(copy_from_user(note_pointer));
    if (note.what_length == 0 || note.what_length > abi::audit_note_max_what || note.detail_length > abi::audit_note_max_detail)
        return Error::InvalidArgument;
    char what[abi::audit_note_max_what];
    char detail[abi::audit_note_max_detail];
    TRY(copy_from_user(what, UserPointer<const void>(note.what), note.what_length));
    TRY(copy_from_user(detail, UserPointer<const void>(note.detail), note.detail_length));
    StringView what_text(what, note.what_length);
    if (!is_decision_name(what_text))
        return Error::InvalidArgument;
    if (!audit::kernel_log_ready())
        return Error::NotSupported;
    TRY(s_agent_record_budget.charge(time::now_ns()));
    return audit::kernel_log().append(audit::RecordKind::SwarmDecision, caller.agent().id(),
        { audit::Field::string("what", what_text), audit::Field::integer("subject", static_cast<int64_t>(note.subject)),
            audit::Field::string("detail", StringView(detail, note.detail_length)) });
}

Result<uint64_t> sys_proposal_open(Caller& caller, HandleArgument self, UserPointer<const abi::ProposalRequest> request)
{
    TRY(check_self(caller, self, Rights::Govern));
    abi::ProposalRequest copy = TRY(copy_from_user(request));
    if (copy.group[0] != '\0') {
        if (copy.electorate != 0 || copy.electorate_count != 0 || copy.weights != 0)
            return Error::InvalidArgument;
        return govern::open_proposal(caller.agent(), copy, {});
    }
    if (copy.electorate_count == 0 || copy.electorate_count > abi::proposal_max_electorate)
        return Error::InvalidArgument;
    bool given = copy.weighting == static_cast<uint32_t>(abi::ProposalWeighting::Given);
    if (given != (copy.weights != 0))
        return Error::InvalidArgument;
    if (copy.electorate >= mm::user_space_end || copy.weights >= mm::user_space_end)
        return Error::BadAddress;
    // Up to 128 KiB of ids and as much of weights: on the heap, for the call.
    size_t count = copy.electorate_count;
    auto electorate = TRY(HeapArray<collective::AgentId>::create(count));
    TRY(copy_from_user(electorate.span().data(), UserPointer<const void>(copy.electorate), count * sizeof(collective::AgentId)));
    HeapArray<uint64_t> weights;
    if (given) {
        weights = TRY(HeapArray<uint64_t>::create(count));
        TRY(copy_from_user(weights.span().data(), UserPointer<const void>(copy.weights), count * sizeof(uint64_t)));
    }
    return govern::open_proposal(caller.agent(), copy, Span<const collective::AgentId>(electorate.span().data(), count),
        Span<const uint64_t>(weights.span().data(), weights.size()));
}

Result<uint64_t> sys_proposal_vote(Caller& caller, HandleArgument self, uint64_t proposal, uint64_t option)
{
    TRY(check_self(caller, self, Rights::Vote));
    TRY(govern::vote(caller.agent(), proposal, TRY(to_u32(option))));
    return 0;
}

Result<uint64_t> sys_proposal_result(Caller& caller, HandleArgument self, uint64_t proposal, UserPointer<abi::ProposalStatus> out,
    uint64_t counts_address)
{
    TRY(check_self(caller, self, Rights::Read));
    if (counts_address != 0 && !is_user_range(counts_address, sizeof(abi::ProposalCounts)))
        return Error::BadAddress;
    abi::ProposalCounts counts;
    abi::ProposalStatus status = TRY(govern::proposal_status(proposal, counts_address != 0 ? &counts : nullptr));
    TRY(copy_to_user(out, status));
    if (counts_address != 0)
        TRY(copy_to_user(UserPointer<abi::ProposalCounts>(counts_address), counts));
    return 0;
}

Result<uint64_t> sys_proposal_close(Caller& caller, HandleArgument self, uint64_t proposal)
{
    TRY(check_self(caller, self, Rights::Govern));
    TRY(govern::close_proposal(caller.agent(), proposal));
    return 0;
}

Result<uint64_t> sys_lease_acquire(Caller& caller, HandleArgument self, UserPointer<const char> resource, Length length, uint64_t term_ns,
    uint64_t flags, uint64_t bid)
{
    TRY(check_self(caller, self, Rights::Lease));
    if ((flags & ~uint64_t(abi::LeaseFlags::All)) != 0)
        return Error::InvalidArgument;
    char name[48];
    if (length.value == 0 || length.value > sizeof(name))
        return Error::InvalidArgument;
    TRY(copy_from_user(name, UserPointer<const void>(resource.address()), length.value));
    bool shared = (flags & uint64_t(abi::LeaseFlags::Shared)) != 0;
    return govern::acquire_lease(caller.agent(), StringView(name, length.value), term_ns, shared, bid);
}

Result<uint64_t> sys_lease_renew(Caller& caller, HandleArgument self, uint64_t lease, uint64_t term_ns)
{
    TRY(check_self(caller, self, Rights::Lease));
    TRY(govern::renew_lease(caller.agent(), lease, term_ns));
    return 0;
}

Result<uint64_t> sys_lease_release(Caller& caller, HandleArgument self, uint64_t lease)
{
    TRY(check_self(caller, self, Rights::Lease));
    TRY(govern::release_lease(caller.agent(), lease));
    return 0;
}

Result<uint64_t> sys_auction_open(Caller& caller, HandleArgument self, UserPointer<const abi::AuctionRequest> request)
{
    TRY(check_self(caller, self, Rights::Govern));
    abi::AuctionRequest copy = TRY(copy_from_user(request));
    return govern::open_auction(caller.agent(), copy);
}

Result<uint64_t> sys_auction_bid(Caller& caller, HandleArgument self, uint64_t auction, uint64_t amount)
{
    TRY(check_self(caller, self, Rights::Bid));
    TRY(govern::bid(caller.agent(), auction, amount));
    return 0;
}

Result<uint64_t> sys_auction_settle(Caller& caller, HandleArgument self, uint64_t auction)
{
    TRY(check_self(caller, self, Rights::Govern));
    return TRY(govern::settle_auction(caller.agent(), auction));
}

Result<uint64_t> sys_auction_awards(Caller& caller, HandleArgument self, uint64_t auction, UserPointer<abi::AuctionAward> out, Length capacity)
{
    if (check_self(caller, self, Rights::Read).is_error())
        TRY(check_self(caller, self, Rights::Govern));
    // No auction has more winners than bids: a larger buffer is only partly used.
    size_t room = capacity.value < abi::auction_max_bids ? capacity.value : abi::auction_max_bids;
    if (room > 0 && !is_user_range(out.address(), room * sizeof(abi::AuctionAward)))
        return Error::BadAddress;
    // Copied out after the service lock is dropped (a user page may fault): a small answer
    // through the stack, a big one through the heap.
    constexpr size_t on_stack = 32;
    abi::AuctionAward small[on_stack];
    HeapArray<abi::AuctionAward> large;
    Span<abi::AuctionAward> winners(small, room < on_stack ? room : on_stack);
    if (room > on_stack) {
        large = TRY(HeapArray<abi::AuctionAward>::create(room));
        winners = large.span();
    }
    size_t count = TRY(govern::auction_awards(caller.agent(), auction, winners));
    if (count > 0)
        TRY(copy_to_user(UserPointer<void>(out.address()), winners.data(), count * sizeof(abi::AuctionAward)));
    return count;
}

Result<uint64_t> sys_auction_exclude(Caller& caller, HandleArgument self, uint64_t auction, uint64_t agent)
{
    TRY(check_self(caller, self, Rights::Govern));
    return TRY(govern::exclude_bidder(caller.agent(), auction, agent)) ? 1 : 0;
}

Result<uint64_t> sys_reputation_report(Caller& caller, HandleArgument self, uint64_t ratee, uint64_t satisfied, uint64_t unsatisfied)
{
    TRY(check_self(caller, self, Rights::Rate));
    TRY(govern::report_feedback(caller.agent(), ratee, TRY(to_u32(satisfied)), TRY(to_u32(unsatisfied))));
    return 0;
}

Result<uint64_t> sys_event_take(Caller& caller, HandleArgument self, UserPointer<abi::CollectiveEvent> out, uint64_t timeout_ns)
{
    TRY(check_self(caller, self, Rights::Read));
    if (!is_user_range(out.address(), sizeof(abi::CollectiveEvent)))
        return Error::BadAddress;
    abi::CollectiveEvent event;
    TRY(govern::take_event(caller.thread, event, deadline_after(timeout_ns)));
    TRY(copy_to_user(out, event));
    return 0;
}

Result<uint64_t> sys_agent_quarantine(Caller& caller, HandleArgument handle, uint64_t on, UserPointer<const char> reason, Length length)
{
    auto target = TRY(caller.agent().handles().get_object_with_rights<Agent>(handle.value, Rights::Quarantine));
    if (on > 1 || length.value > abi::agent_quarantine_max_reason)
        return Error::InvalidArgument;
    char text[abi::agent_quarantine_max_reason];
    TRY(copy_from_user(text, UserPointer<const void>(reason.address()), length.value));
    TRY(govern::supervise_quarantine(caller.agent(), *target, on == 1, StringView(text, length.value)));
    return 0;
}

} // namespace gehri::syscall
