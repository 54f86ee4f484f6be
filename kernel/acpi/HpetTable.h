#pragma once

#include <kernel/lib/Result.h>
#include <stddef.h>
#include <stdint.h>

namespace gehri::acpi {

// The "HPET" table: where the first High Precision Event Timer block lives.
struct HpetTable {
    uint32_t event_timer_block_id { 0 }; // mirrors the block's capabilities register, low half
    uint64_t address { 0 }; // physical, memory space
    uint8_t hpet_number { 0 };
    uint16_t minimum_tick { 0 }; // in main counter ticks, for periodic mode
    uint8_t page_protection { 0 };
};

// Decodes a whole, checksum-validated "HPET" table (header included). BadFormat when it is
// too short, NotSupported when the block is not in memory space (the spec allows only that).
Result<HpetTable> parse_hpet_table(const uint8_t* table, size_t length);

} // namespace gehri::acpi
