#include <kernel/object/SignalWait.h>
#include <kernel/object/WaitSetObject.h>
#include <kernel/syscall/Handlers.h>
#include <kernel/syscall/UserCopy.h>

namespace gehri::syscall {

using object::WaitSetObject;

Result<uint64_t> sys_wait_set_create(Caller& caller)
{
    auto set = TRY(WaitSetObject::create());
    return TRY(caller.agent().handles().add(std::move(set), abi::wait_set_rights));
}

Result<uint64_t> sys_wait_set_add(Caller& caller, HandleArgument set_handle, HandleArgument handle, uint64_t key, uint64_t interest)
{
    if (interest > std::numeric_limits<ipc::Signals>::max())
        return Error::InvalidArgument;
    auto& handles = caller.agent().handles();
    auto set = TRY(handles.get_object_with_rights<WaitSetObject>(set_handle.value, Rights::Write));
    auto object = TRY(handles.get_any_with_rights(handle.value, Rights::Wait));
    TRY(set->add(std::move(object), key, static_cast<ipc::Signals>(interest)));
    return 0;
}

Result<uint64_t> sys_wait_set_remove(Caller& caller, HandleArgument set_handle, uint64_t key)
{
    auto set = TRY(caller.agent().handles().get_object_with_rights<WaitSetObject>(set_handle.value, Rights::Write));
    TRY(set->remove(key));
    return 0;
}

Result<uint64_t> sys_wait_set_wait(Caller& caller, HandleArgument set_handle, UserPointer<abi::WaitSetReady> out, Length capacity,
    uint64_t timeout_ns)
{
    auto set = TRY(caller.agent().handles().get_object_with_rights<WaitSetObject>(set_handle.value, Rights::Wait));
    if (capacity.value == 0 || capacity.value > abi::max_wait_set_results)
        return Error::InvalidArgument;
    // Checked before anything is collected, so a bad buffer does not rotate the ready list.
    if (!is_user_range(out.address(), capacity.value * sizeof(abi::WaitSetReady)))
        return Error::BadAddress;
    uint64_t deadline = timeout_ns == 0 ? 0 : deadline_after(timeout_ns);
    ipc::WaitSet::Ready ready[abi::max_wait_set_results];
    for (;;) {
        size_t count = set->set().collect(Span<ipc::WaitSet::Ready>(ready, capacity.value));
        if (count != 0) {
            abi::WaitSetReady results[abi::max_wait_set_results];
            for (size_t i = 0; i < count; ++i) {
                results[i] = {
                    .key = ready[i].key,
                    .signals = ready[i].signals,
                    .flags = ready[i].source_gone ? uint32_t(abi::WaitSetReadyFlags::SourceGone) : 0u,
                };
            }
            TRY(copy_to_user(UserPointer<void>(out.address()), results, count * sizeof(abi::WaitSetReady)));
            return count;
        }
        if (timeout_ns == 0)
            return Error::TimedOut;
        // One observer on the set's own signal: readable while any entry is ready.
        auto waited = object::wait_for_signals(*set->signal_source(), ipc::signal::readable, deadline, &caller.thread);
        if (waited.is_error() && waited.error() != Error::WouldBlock)
            return waited.error();
    }
}

} // namespace gehri::syscall
