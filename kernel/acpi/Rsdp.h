#pragma once

#include <kernel/lib/Result.h>
#include <stddef.h>
#include <stdint.h>

namespace gehri::acpi {

// The Root System Description Pointer: where the firmware's table directory lives.
struct Rsdp {
    static constexpr size_t v1_length = 20;
    static constexpr size_t v2_minimum_length = 36;

    uint8_t revision { 0 }; // 0: ACPI 1.0 (RSDT only); 2 and later: XSDT too
    char oem_id[7] {}; // NUL-terminated copy
    uint32_t rsdt_address { 0 };
    uint64_t xsdt_address { 0 }; // 0 when the RSDP is version 1

    bool has_xsdt() const { return xsdt_address != 0; }
};

// Validates and decodes an RSDP held in `available` bytes (GRUB hands over a copy whose size
// is known). Checks the signature, the ACPI 1.0 checksum over the first 20 bytes and, for
// revision 2+, the declared length and the extended checksum over the whole structure.
Result<Rsdp> parse_rsdp(const uint8_t* bytes, size_t available);

} // namespace gehri::acpi
