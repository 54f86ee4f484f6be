#include <kernel/acpi/Bytes.h>
#include <kernel/acpi/Table.h>

namespace gehri::acpi {

namespace {
constexpr size_t length_offset = 4;
constexpr size_t revision_offset = 8;
} // namespace

Result<Table> load_table(const PhysicalMemory& memory, uint64_t address)
{
    const uint8_t* header = TRY(memory.view(address, Table::header_size));
    uint32_t length = read_u32(header, length_offset);
    if (length < Table::header_size)
        return Error::BadFormat;
    if (length > Table::max_length)
        return Error::OutOfRange;

    Table table;
    table.bytes = TRY(memory.view(address, length));
    if (!checksum_is_valid(table.bytes, length))
        return Error::BadFormat;
    table.length = length;
    table.physical_address = address;
    memcpy(table.signature, table.bytes, 4);
    table.revision = read_u8(table.bytes, revision_offset);
    return table;
}

} // namespace gehri::acpi
