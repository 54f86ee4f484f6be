#pragma once

#include <kernel/acpi/PhysicalMemory.h>

namespace gehri::acpi {

// The kernel's view of firmware memory: the direct map. Only the first 4 GiB are mapped at
// boot, so a table above that is reported as NotSupported until the memory manager can map it.
class DirectMapMemory final : public PhysicalMemory {
public:
    static constexpr uint64_t mapped_limit = 4ull * 1024 * 1024 * 1024;

    Result<const uint8_t*> view(uint64_t address, size_t length) const override;
};

} // namespace gehri::acpi
