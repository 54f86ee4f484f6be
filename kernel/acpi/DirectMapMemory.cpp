#include <kernel/acpi/DirectMapMemory.h>
#include <kernel/mm/Layout.h>

namespace gehri::acpi {

Result<const uint8_t*> DirectMapMemory::view(uint64_t address, size_t length) const
{
    if (address == 0 || length == 0)
        return Error::InvalidArgument;
    if (address >= mapped_limit || length > mapped_limit - address)
        return Error::NotSupported;
    return mm::physical_to_virtual<const uint8_t>(address);
}

} // namespace gehri::acpi
