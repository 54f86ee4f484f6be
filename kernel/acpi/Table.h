#pragma once

#include <kernel/acpi/PhysicalMemory.h>
#include <kernel/lib/StringView.h>

namespace gehri::acpi {

// A system description table whose length and checksum have been checked; `bytes` covers
// exactly `length` bytes, header included.
struct Table {
    static constexpr size_t header_size = 36;
    // No table the kernel reads comes near this; a larger length is a corrupt header.
    static constexpr uint32_t max_length = 1024 * 1024;

    const uint8_t* bytes { nullptr };
    uint32_t length { 0 };
    uint64_t physical_address { 0 };
    char signature[5] {}; // NUL-terminated copy
    uint8_t revision { 0 };

    StringView signature_view() const { return { signature, 4 }; }
    // The part after the common header.
    const uint8_t* body() const { return bytes + header_size; }
    size_t body_length() const { return length - header_size; }
};

// Reads the table at `address`: the header first, then the whole table once its length is
// known to be sane. BadFormat for a length below the header size or a bad checksum,
// OutOfRange for an absurd length; errors from `memory` (e.g. a table that runs past the
// memory that holds it) are passed on.
Result<Table> load_table(const PhysicalMemory& memory, uint64_t address);

} // namespace gehri::acpi
