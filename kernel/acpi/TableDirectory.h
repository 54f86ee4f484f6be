#pragma once

#include <kernel/acpi/Rsdp.h>
#include <kernel/acpi/Table.h>

namespace gehri::acpi {

// The tables listed by the XSDT (or, for ACPI 1.0 firmware or an unreachable XSDT, the RSDT),
// each validated once when the directory is built. A table that fails validation does not
// stop discovery: it is remembered with its error so that looking it up reports why.
class TableDirectory {
public:
    static constexpr size_t max_entries = 64;

    // Kept small (the directory lives on the boot stack while it is built): a valid table
    // is loaded again, and so checked again, when it is looked up.
    struct Entry {
        uint64_t physical_address { 0 };
        uint32_t length { 0 }; // valid only when error_free
        bool error_free { false };
        Error error { Error::NotFound };
        char signature[5] {}; // from the header when it could be read, else empty
    };

    static Result<TableDirectory> create(const PhysicalMemory& memory, const Rsdp& rsdp);

    // The index-th valid table with this signature (index counts only valid ones). When none
    // is valid but one with that signature was rejected, its error; otherwise NotFound.
    Result<Table> find(StringView signature, size_t index = 0) const;

    size_t entry_count() const { return m_entry_count; }
    const Entry& entry(size_t index) const { return m_entries[index]; }
    size_t dropped_entries() const { return m_dropped_entries; } // beyond max_entries
    bool uses_xsdt() const { return m_uses_xsdt; }
    const Table& root() const { return m_root; }

private:
    explicit TableDirectory(const PhysicalMemory& memory)
        : m_memory(&memory)
    {
    }
    void walk(const Table& root, size_t pointer_size);
    void add(uint64_t address);

    const PhysicalMemory* m_memory;

    Table m_root;
    bool m_uses_xsdt { false };
    Entry m_entries[max_entries];
    size_t m_entry_count { 0 };
    size_t m_dropped_entries { 0 };
};

} // namespace gehri::acpi
