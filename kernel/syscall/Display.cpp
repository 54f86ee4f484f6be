#include <kernel/display/Display.h>
#include <kernel/syscall/Handlers.h>
#include <kernel/syscall/UserCopy.h>

namespace gehri::syscall {

Result<uint64_t> sys_display_acquire(Caller& caller, HandleArgument self, UserPointer<abi::DisplayInfo> out)
{
    // The right travels with the caller's handle to itself, as the collective services' do.
    auto agent = TRY(caller.agent().handles().get_object_with_rights<object::Agent>(self.value, Rights::Display));
    if (agent.get() != &caller.agent())
        return Error::AccessDenied;
    // A pointer that cannot be user memory fails before the screen changes hands.
    if (out.is_null() || !is_user_range(out.address(), sizeof(abi::DisplayInfo)))
        return Error::BadAddress;
    auto acquired = TRY(display::acquire(caller.agent(), map_area_low, map_area_high));
    if (auto copied = copy_to_user(out, acquired.info); copied.is_error()) {
        display::give_back(caller.agent(), acquired);
        return copied.error();
    }
    return acquired.address;
}

} // namespace gehri::syscall
