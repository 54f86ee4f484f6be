#include <kernel/acpi/Bytes.h>
#include <kernel/acpi/HpetTable.h>

namespace gehri::acpi {

namespace {
constexpr size_t block_id_offset = 36;
constexpr size_t address_space_offset = 40; // Generic Address Structure: space, width, offset, size
constexpr size_t address_offset = 44;
constexpr size_t number_offset = 52;
constexpr size_t minimum_tick_offset = 53;
constexpr size_t page_protection_offset = 55;
constexpr size_t table_length = 56;
constexpr uint8_t system_memory_space = 0;
} // namespace

Result<HpetTable> parse_hpet_table(const uint8_t* table, size_t length)
{
    if (table == nullptr || length < table_length)
        return Error::BadFormat;
    if (read_u8(table, address_space_offset) != system_memory_space)
        return Error::NotSupported;
    HpetTable hpet;
    hpet.event_timer_block_id = read_u32(table, block_id_offset);
    hpet.address = read_u64(table, address_offset);
    hpet.hpet_number = read_u8(table, number_offset);
    hpet.minimum_tick = read_u16(table, minimum_tick_offset);
    hpet.page_protection = read_u8(table, page_protection_offset);
    if (hpet.address == 0)
        return Error::BadFormat;
    return hpet;
}

} // namespace gehri::acpi
