#include <kernel/debug/SymbolTable.h>
#include <string.h>

namespace gehri::debug {

namespace {

// Unaligned-safe little-endian reads (the blob is only byte-aligned in general; x86 and
// every host we test on are little-endian).
uint32_t read_u32(const uint8_t* at)
{
    uint32_t value;
    memcpy(&value, at, sizeof(value));
    return value;
}

uint64_t read_u64(const uint8_t* at)
{
    uint64_t value;
    memcpy(&value, at, sizeof(value));
    return value;
}

struct RawEntry {
    uint64_t address;
    uint32_t size;
    uint32_t name_offset;
    uint32_t name_length;
};

RawEntry read_entry(const uint8_t* entries, size_t index)
{
    const uint8_t* at = entries + index * symbol_blob::entry_size;
    return { read_u64(at), read_u32(at + 8), read_u32(at + 12), read_u32(at + 16) };
}

bool entry_is_valid(const RawEntry& entry, uint64_t text_start, uint64_t text_end, uint32_t strings_size)
{
    if (entry.name_offset > strings_size || entry.name_length > strings_size - entry.name_offset)
        return false;
    if (entry.address < text_start || entry.address >= text_end)
        return false;
    return entry.size <= text_end - entry.address;
}

} // namespace

Result<SymbolTable> SymbolTable::create(const uint8_t* data, size_t size)
{
    if (data == nullptr || size < symbol_blob::header_size)
        return Error::BadFormat;
    if (memcmp(data, symbol_blob::magic, sizeof(symbol_blob::magic)) != 0)
        return Error::BadFormat;
    if (read_u32(data + 8) != symbol_blob::version)
        return Error::NotSupported;
    uint32_t count = read_u32(data + 12);
    uint64_t text_start = read_u64(data + 16);
    uint64_t text_end = read_u64(data + 24);
    uint32_t strings_size = read_u32(data + 32);
    if (text_start > text_end)
        return Error::BadFormat;

    size_t available = size - symbol_blob::header_size;
    if (count > available / symbol_blob::entry_size)
        return Error::BadFormat;
    size_t entries_size = static_cast<size_t>(count) * symbol_blob::entry_size;
    if (strings_size > available - entries_size)
        return Error::BadFormat;

    const uint8_t* entries = data + symbol_blob::header_size;
    uint64_t previous_address = 0;
    for (size_t i = 0; i < count; ++i) {
        RawEntry entry = read_entry(entries, i);
        if (!entry_is_valid(entry, text_start, text_end, strings_size))
            return Error::BadFormat;
        if (i > 0 && entry.address <= previous_address)
            return Error::BadFormat; // lookup relies on strictly ascending addresses
        previous_address = entry.address;
    }
    auto* strings = reinterpret_cast<const char*>(entries + entries_size);
    return SymbolTable(entries, count, strings, text_start, text_end);
}

Symbol SymbolTable::symbol_at(size_t index) const
{
    RawEntry entry = read_entry(m_entries, index);
    return { StringView(m_strings + entry.name_offset, entry.name_length), entry.address, entry.size };
}

Result<SymbolizedAddress> SymbolTable::lookup(uint64_t address) const
{
    if (m_count == 0 || address >= m_text_end || address < read_entry(m_entries, 0).address)
        return Error::NotFound;
    // The last symbol starting at or below the address.
    size_t low = 0;
    size_t high = m_count;
    while (high - low > 1) {
        size_t middle = low + (high - low) / 2;
        if (read_entry(m_entries, middle).address <= address)
            low = middle;
        else
            high = middle;
    }
    Symbol symbol = symbol_at(low);
    uint64_t offset = address - symbol.address;
    if (symbol.size != 0 && offset >= symbol.size)
        return Error::NotFound;
    return SymbolizedAddress { symbol, offset };
}

void format_symbolized(FormatSink& sink, const SymbolTable& table, uint64_t address)
{
    auto found = table.lookup(address);
    if (found.is_error()) {
        sink.write("??");
        return;
    }
    format_to(sink, "{}+{:#x}", found.value().symbol.name, found.value().offset);
}

} // namespace gehri::debug
