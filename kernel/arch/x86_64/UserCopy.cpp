#include <kernel/syscall/UserCopy.h>

extern "C" size_t gehri_user_copy(void* destination, const void* source, size_t length);

namespace gehri {

Result<void> copy_from_user(void* destination, UserPointer<const void> source, size_t length)
{
    if (!is_user_range(source.address(), length))
        return Error::BadAddress;
    if (length == 0)
        return {};
    if (gehri_user_copy(destination, reinterpret_cast<const void*>(source.address()), length) != 0)
        return Error::BadAddress;
    return {};
}

Result<void> copy_to_user(UserPointer<void> destination, const void* source, size_t length)
{
    if (!is_user_range(destination.address(), length))
        return Error::BadAddress;
    if (length == 0)
        return {};
    if (gehri_user_copy(reinterpret_cast<void*>(destination.address()), source, length) != 0)
        return Error::BadAddress;
    return {};
}

} // namespace gehri
