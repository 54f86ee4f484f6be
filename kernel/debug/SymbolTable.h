#pragma once

#include <kernel/lib/Format.h>
#include <kernel/lib/Result.h>
#include <kernel/lib/StringView.h>
#include <stddef.h>
#include <stdint.h>

namespace gehri::debug {

// The kernel's embedded symbol table, as tools/gen-kernel-symbols writes it into the
// .kernel_symbols section. All fields little-endian; that tool and this parser are the
// two halves of one format, so a change here is a change there.
//
//   0   char[8]  magic "GEHRISYM"
//   8   u32      version (1)
//   12  u32      symbol count N
//   16  u64      text start: the lowest address the table describes
//   24  u64      text end: one past the highest
//   32  u32      size of the string area in bytes
//   36  u32      reserved, 0
//   40  N x 24   entries sorted by address: u64 address, u32 size (0 = unknown: the symbol
//                extends to the next one), u32 name offset, u32 name length, u32 reserved
//   ..  strings  names (demangled, not NUL-terminated), referenced by offset and length
// Bytes after the string area are ignored (section padding).
namespace symbol_blob {
constexpr char magic[8] = { 'G', 'E', 'H', 'R', 'I', 'S', 'Y', 'M' };
constexpr uint32_t version = 1;
constexpr size_t header_size = 40;
constexpr size_t entry_size = 24;
} // namespace symbol_blob

struct Symbol {
    StringView name;
    uint64_t address { 0 };
    uint64_t size { 0 };
};

// Where an address falls: inside `symbol`, `offset` bytes from its start.
struct SymbolizedAddress {
    Symbol symbol;
    uint64_t offset { 0 };
};

// A read-only view of a symbol blob; it does not copy, so the bytes must outlive it.
class SymbolTable {
public:
    // An empty table: every lookup misses. What the kernel has when no blob is embedded.
    SymbolTable() = default;

    // Validates the whole blob up front (bounds, order, name ranges), so lookups need
    // no checks and a corrupt blob is an error here rather than a wild read in a crash.
    static Result<SymbolTable> create(const uint8_t* data, size_t size);

    // NotFound before the first symbol, at or past the text end, or in the padding after
    // a symbol of known size.
    Result<SymbolizedAddress> lookup(uint64_t address) const;

    size_t symbol_count() const { return m_count; }
    Symbol symbol_at(size_t index) const; // index < symbol_count()
    uint64_t text_start() const { return m_text_start; }
    uint64_t text_end() const { return m_text_end; }

private:
    SymbolTable(const uint8_t* entries, size_t count, const char* strings, uint64_t text_start, uint64_t text_end)
        : m_entries(entries)
        , m_count(count)
        , m_strings(strings)
        , m_text_start(text_start)
        , m_text_end(text_end)
    {
    }

    const uint8_t* m_entries { nullptr };
    size_t m_count { 0 };
    const char* m_strings { nullptr };
    uint64_t m_text_start { 0 };
    uint64_t m_text_end { 0 };
};

// Writes "name+0xoffset" for an address the table covers, "??" otherwise.
void format_symbolized(FormatSink& sink, const SymbolTable& table, uint64_t address);

} // namespace gehri::debug
