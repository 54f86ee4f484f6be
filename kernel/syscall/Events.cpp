#include <kernel/object/EventObject.h>
#include <kernel/syscall/Handlers.h>

namespace gehri::syscall {

using object::EventObject;

Result<uint64_t> sys_event_create(Caller& caller)
{
    auto event = TRY(EventObject::create());
    return TRY(caller.agent().handles().add(std::move(event), abi::event_rights));
}

Result<uint64_t> sys_event_signal(Caller& caller, HandleArgument handle, uint64_t clear, uint64_t set)
{
    if (((clear | set) & ~uint64_t(EventObject::settable)) != 0)
        return Error::InvalidArgument;
    auto event = TRY(caller.agent().handles().get_object_with_rights<EventObject>(handle.value, Rights::Signal));
    TRY(event->signal(static_cast<ipc::Signals>(clear), static_cast<ipc::Signals>(set)));
    return 0;
}

} // namespace gehri::syscall
