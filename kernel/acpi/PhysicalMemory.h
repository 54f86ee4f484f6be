#pragma once

#include <kernel/lib/Result.h>
#include <stddef.h>
#include <stdint.h>

namespace gehri::acpi {

// How the ACPI parser reaches firmware tables. The kernel reads them through the direct map;
// host tests hand it tables built in byte arrays at made-up physical addresses.
class PhysicalMemory {
public:
    // A pointer to `length` readable bytes at physical `address`, valid as long as this object
    // lives, or an error when the whole range cannot be reached.
    virtual Result<const uint8_t*> view(uint64_t address, size_t length) const = 0;

protected:
    ~PhysicalMemory() = default;
};

} // namespace gehri::acpi
