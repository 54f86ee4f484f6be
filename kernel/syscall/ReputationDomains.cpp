#include <kernel/object/Agent.h>
#include <kernel/object/ReputationDomainObject.h>
#include <kernel/syscall/Handlers.h>
#include <kernel/syscall/UserCopy.h>

// Reputation domains (Abi.h ReputationDomainCreate..ReputationDomainTrust): arguments checked
// here, the EigenTrust and its judgments in kernel/object/ReputationDomainObject.cpp.
namespace gehri::syscall {

using object::Agent;
using object::ReputationDomainObject;

namespace {

// Ratings and trust values cross in chunks of this many: the domain's lock is never held
// while user memory is touched.
constexpr size_t chunk = 64;

Result<RefPtr<ReputationDomainObject>> domain_with(Caller& caller, HandleArgument handle, Rights right)
{
    return caller.agent().handles().get_object_with_rights<ReputationDomainObject>(handle.value, right);
}

} // namespace

Result<uint64_t> sys_reputation_domain_create(Caller& caller, HandleArgument self, UserPointer<const abi::ReputationDomainRequest> request)
{
    auto agent = TRY(caller.agent().handles().get_object_with_rights<Agent>(self.value, Rights::Govern));
    if (agent.get() != &caller.agent())
        return Error::AccessDenied;
    auto copy = TRY(copy_from_user(request));
    auto domain = TRY(ReputationDomainObject::create(copy, caller.agent()));
    return TRY(caller.agent().handles().add(std::move(domain), abi::reputation_domain_rights));
}

Result<uint64_t> sys_reputation_domain_rate(Caller& caller, HandleArgument handle, UserPointer<const abi::DomainRating> ratings, Length count)
{
    auto domain = TRY(domain_with(caller, handle, Rights::Rate));
    if (count.value > abi::reputation_domain_max_batch)
        return Error::InvalidArgument;
    abi::DomainRating batch[chunk];
    uint64_t recorded = 0;
    while (recorded < count.value) {
        size_t take = count.value - recorded < chunk ? count.value - recorded : chunk;
        TRY(copy_from_user(batch, UserPointer<const void>(ratings.address() + recorded * sizeof(abi::DomainRating)), take * sizeof(abi::DomainRating)));
        auto done = domain->rate(Span<const abi::DomainRating>(batch, take));
        if (done.is_error()) {
            if (recorded == 0)
                return done.error();
            return recorded;
        }
        recorded += done.value();
        if (done.value() < take)
            return recorded;
    }
    return recorded;
}

Result<uint64_t> sys_reputation_domain_bind(Caller& caller, HandleArgument handle, uint64_t peer, HandleArgument agent_handle)
{
    auto domain = TRY(domain_with(caller, handle, Rights::Govern));
    auto agent = TRY(caller.agent().handles().get_object_with_rights<Agent>(agent_handle.value, Rights::Quarantine));
    if (peer >= domain->peer_count())
        return Error::OutOfRange;
    TRY(domain->bind(static_cast<uint32_t>(peer), std::move(agent), caller.agent()));
    return 0;
}

Result<uint64_t> sys_reputation_domain_judge(Caller& caller, HandleArgument handle, uint64_t steps, UserPointer<const abi::QuarantinePolicy> policy,
    UserPointer<uint32_t> out, Length capacity)
{
    auto domain = TRY(domain_with(caller, handle, Rights::Govern));
    if (steps > abi::reputation_domain_max_steps)
        return Error::InvalidArgument;
    auto rule = TRY(copy_from_user(policy));
    size_t room = capacity.value < domain->peer_count() ? capacity.value : domain->peer_count();
    if (room > 0 && !is_user_range(out.address(), room * sizeof(uint32_t)))
        return Error::BadAddress;
    auto peers = TRY(HeapArray<uint32_t>::create(room > 0 ? room : 1));
    size_t total = TRY(domain->judge(caller.agent(), static_cast<uint32_t>(steps), rule, peers.span().first(room)));
    size_t written = total < room ? total : room;
    if (written > 0)
        TRY(copy_to_user(UserPointer<void>(out.address()), peers.span().data(), written * sizeof(uint32_t)));
    return total;
}

Result<uint64_t> sys_reputation_domain_trust(Caller& caller, HandleArgument handle, uint64_t first, UserPointer<uint64_t> out, Length count)
{
    auto domain = TRY(domain_with(caller, handle, Rights::Read));
    if (first > domain->peer_count() || count.value > domain->peer_count() - first)
        return Error::OutOfRange;
    uint64_t values[chunk];
    for (uint64_t done = 0; done < count.value;) {
        size_t take = count.value - done < chunk ? count.value - done : chunk;
        TRY(domain->trust(static_cast<uint32_t>(first + done), Span<uint64_t>(values, take)));
        TRY(copy_to_user(UserPointer<void>(out.address() + done * sizeof(uint64_t)), values, take * sizeof(uint64_t)));
        done += take;
    }
    return count.value;
}

} // namespace gehri::syscall
