#include <kernel/acpi/Bytes.h>
#include <kernel/acpi/TableDirectory.h>

namespace gehri::acpi {

Result<TableDirectory> TableDirectory::create(const PhysicalMemory& memory, const Rsdp& rsdp)
{
    TableDirectory directory(memory);
    if (rsdp.has_xsdt()) {
        auto xsdt = load_table(memory, rsdp.xsdt_address);
        if (xsdt.is_ok() && xsdt.value().signature_view() == "XSDT") {
            directory.walk(xsdt.value(), sizeof(uint64_t));
            directory.m_uses_xsdt = true;
            return directory;
        }
        // Some firmware publishes a broken XSDT beside a good RSDT; the RSDT is then the
        // only directory left, and the same one an ACPI 1.0 system would use.
        if (rsdp.rsdt_address == 0)
            return xsdt.is_error() ? xsdt.error() : Error::BadFormat;
    }
    Table rsdt = TRY(load_table(memory, rsdp.rsdt_address));
    if (rsdt.signature_view() != "RSDT")
        return Error::BadFormat;
    directory.walk(rsdt, sizeof(uint32_t));
    return directory;
}

void TableDirectory::walk(const Table& root, size_t pointer_size)
{
    m_root = root;
    // A trailing partial pointer is ignored rather than rejected: the whole table passed
    // its checksum, so the complete entries before it are trustworthy.
    size_t count = root.body_length() / pointer_size;
    for (size_t i = 0; i < count; ++i) {
        size_t offset = Table::header_size + i * pointer_size;
        uint64_t address = pointer_size == 8 ? read_u64(root.bytes, offset) : read_u32(root.bytes, offset);
        if (address == 0)
            continue;
        add(address);
    }
}

void TableDirectory::add(uint64_t address)
{
    if (m_entry_count == max_entries) {
        ++m_dropped_entries;
        return;
    }
    Entry& entry = m_entries[m_entry_count++];
    entry.physical_address = address;
    auto header = m_memory->view(address, 4);
    if (header.is_ok())
        memcpy(entry.signature, header.value(), 4);
    auto table = load_table(*m_memory, address);
    if (table.is_ok()) {
        entry.length = table.value().length;
        entry.error_free = true;
    } else {
        entry.error = table.error();
    }
}

Result<Table> TableDirectory::find(StringView signature, size_t index) const
{
    Error error_of_rejected = Error::NotFound;
    for (size_t i = 0; i < m_entry_count; ++i) {
        const Entry& entry = m_entries[i];
        if (StringView(entry.signature, 4) != signature)
            continue;
        if (!entry.error_free) {
            error_of_rejected = entry.error;
            continue;
        }
        if (index == 0)
            return load_table(*m_memory, entry.physical_address);
        --index;
    }
    return error_of_rejected;
}

} // namespace gehri::acpi
