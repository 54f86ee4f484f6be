#pragma once

#include <kernel/mm/Layout.h>
#include <stddef.h>
#include <stdint.h>

namespace gehri {

// Whether [address, address + length) lies entirely in user space. Immune to overflow. An
// empty range is in user space wherever it is (nothing will be touched).
constexpr bool is_user_range(uint64_t address, uint64_t length)
{
    if (length == 0)
        return true;
    return address < mm::user_space_end && length <= mm::user_space_end - address;
}

// An address an agent handed to the kernel. It cannot be dereferenced: the only way to the
// memory behind it is copy_from_user / copy_to_user (UserCopy.h), which check the range and
// survive faults. T says what the agent claims is there.
template<typename T>
class UserPointer {
public:
    constexpr UserPointer() = default;
    constexpr explicit UserPointer(uint64_t address)
        : m_address(address)
    {
    }

    constexpr uint64_t address() const { return m_address; }
    constexpr bool is_null() const { return m_address == 0; }
    // The pointer `count` elements further on (still unchecked).
    constexpr UserPointer offset(size_t count) const { return UserPointer(m_address + count * sizeof(T)); }

private:
    uint64_t m_address { 0 };
};

} // namespace gehri
