#pragma once

#include <kernel/lib/Result.h>
#include <kernel/syscall/UserPointer.h>
#include <type_traits>

// Moving bytes across the user boundary. Every access to memory an agent names goes through
// here: the range must lie in user space (else BadAddress, nothing touched), and a fault while
// copying (an unmapped or read-only page) makes the copy fail with BadAddress instead of
// crashing the kernel. The architecture implements the two primitives
// (kernel/arch/x86_64/UserCopy.cpp: SMAP-aware copies with an exception fixup).
namespace gehri {

Result<void> copy_from_user(void* destination, UserPointer<const void> source, size_t length);
Result<void> copy_to_user(UserPointer<void> destination, const void* source, size_t length);

template<typename T>
    requires std::is_trivially_copyable_v<T>
Result<T> copy_from_user(UserPointer<const T> source)
{
    T value;
    TRY(copy_from_user(&value, UserPointer<const void>(source.address()), sizeof(T)));
    return value;
}

template<typename T>
    requires std::is_trivially_copyable_v<T>
Result<void> copy_to_user(UserPointer<T> destination, const T& value)
{
    return copy_to_user(UserPointer<void>(destination.address()), &value, sizeof(T));
}

} // namespace gehri
