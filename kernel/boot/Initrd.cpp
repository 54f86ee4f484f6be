#include <kernel/boot/Initrd.h>
#include <kernel/lib/Sort.h>
#include <kernel/log/Panic.h>
#include <string.h>

namespace gehri::boot {

namespace {

// The newc header: a 6-byte magic, then 13 fields of exactly 8 ASCII hex digits.
constexpr size_t header_size = 110;
constexpr size_t hex_field_size = 8;
constexpr size_t max_name_size = 4096; // PATH_MAX, including the NUL
constexpr StringView magic_newc = "070701";
constexpr StringView magic_crc = "070702";
constexpr StringView trailer_name = "TRAILER!!!";

enum Field : size_t { Inode, Mode, Uid, Gid, LinkCount, ModificationTime, FileSize, DeviceMajor, DeviceMinor, RdevMajor, RdevMinor, NameSize, Check, FieldCount };
constexpr const char* field_names[FieldCount] = { "ino", "mode", "uid", "gid", "nlink", "mtime", "filesize", "devmajor", "devminor", "rdevmajor", "rdevminor", "namesize", "check" };

constexpr uint32_t mode_type_mask = 0170000;
constexpr uint32_t mode_regular = 0100000;
constexpr uint32_t mode_directory = 0040000;
constexpr uint32_t mode_symlink = 0120000;

constexpr uint64_t align4(uint64_t value) { return (value + 3) & ~uint64_t(3); }

StringView as_text(ReadonlyBytes bytes) { return { reinterpret_cast<const char*>(bytes.data()), bytes.size() }; }

int hex_digit(uint8_t c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

InitrdEntryKind kind_of(uint32_t mode)
{
    switch (mode & mode_type_mask) {
    case mode_regular: return InitrdEntryKind::File;
    case mode_directory: return InitrdEntryKind::Directory;
    case mode_symlink: return InitrdEntryKind::Symlink;
    default: return InitrdEntryKind::Other;
    }
}

// cpio stores whatever path `find` printed: "./bin/drone", "bin/drone" or "/bin/drone".
StringView strip_root_prefix(StringView path)
{
    while (true) {
        if (path.starts_with("/"))
            path = path.substring(1);
        else if (path.starts_with("./"))
            path = path.substring(2);
        else if (path == ".")
            return {};
        else
            return path;
    }
}

bool is_canonical(StringView path)
{
    size_t start = 0;
    while (start <= path.length()) {
        size_t slash = path.find('/', start);
        size_t end = slash == StringView::npos ? path.length() : slash;
        auto component = path.substring(start, end - start);
        if (component.is_empty() || component == "." || component == "..")
            return false;
        start = end + 1;
    }
    return true;
}

struct RawEntry {
    InitrdEntry entry;
    uint32_t fields[FieldCount] {};
    size_t next_offset { 0 };
    bool is_trailer { false };
};

Result<void> parse_header_fields(ReadonlyBytes header, size_t offset, RawEntry& raw, Diagnostic& diagnostic)
{
    for (size_t field = 0; field < FieldCount; ++field) {
        uint32_t value = 0;
        for (size_t i = 0; i < hex_field_size; ++i) {
            int digit = hex_digit(header[magic_newc.length() + field * hex_field_size + i]);
            if (digit < 0)
                return diagnostic.fail(Error::BadFormat, "cpio entry at offset {:#x}: field {} is not 8 hex digits", offset, field_names[field]);
            value = (value << 4) | uint32_t(digit);
        }
        raw.fields[field] = value;
    }
    return {};
}

Result<StringView> parse_name(ReadonlyBytes archive, size_t offset, uint32_t name_size, Diagnostic& diagnostic)
{
    if (name_size == 0 || name_size > max_name_size)
        return diagnostic.fail(Error::BadFormat, "cpio entry at offset {:#x}: name size {} is not between 1 and {}", offset, name_size, max_name_size);
    auto name = archive.slice(offset + header_size, name_size);
    if (name.is_empty())
        return diagnostic.fail(Error::BadFormat, "cpio entry at offset {:#x}: name ({} bytes) extends past the end of the archive", offset, name_size);
    for (size_t i = 0; i + 1 < name_size; ++i) {
        if (name[i] == 0)
            return diagnostic.fail(Error::BadFormat, "cpio entry at offset {:#x}: name contains a NUL byte", offset);
    }
    if (name[name_size - 1] != 0)
        return diagnostic.fail(Error::BadFormat, "cpio entry at offset {:#x}: name is not NUL-terminated", offset);
    return as_text(name.slice(0, name_size - 1));
}

uint32_t checksum(ReadonlyBytes data)
{
    uint32_t sum = 0;
    for (auto byte : data)
        sum += byte;
    return sum;
}

Result<RawEntry> parse_entry(ReadonlyBytes archive, size_t offset, Diagnostic& diagnostic)
{
    auto header = archive.slice(offset, header_size);
    if (header.is_empty())
        return diagnostic.fail(Error::BadFormat, "cpio archive is truncated: entry at offset {:#x} has no room for its header (the archive must end with {})", offset, trailer_name);
    auto magic = as_text(header.slice(0, magic_newc.length()));
    bool with_checksum = magic == magic_crc;
    if (magic != magic_newc && !with_checksum)
        return diagnostic.fail(Error::BadFormat, "cpio entry at offset {:#x}: bad magic (expected {}, the newc format)", offset, magic_newc);
    RawEntry raw;
    TRY(parse_header_fields(header, offset, raw, diagnostic));
    auto name = TRY(parse_name(archive, offset, raw.fields[NameSize], diagnostic));
    raw.is_trailer = name == trailer_name;
    if (raw.is_trailer)
        return raw; // its padding and anything after it may be missing or be anything

    uint64_t data_offset = align4(offset + header_size + raw.fields[NameSize]);
    uint32_t data_size = raw.fields[FileSize];
    if (!archive.contains_range(data_offset, data_size))
        return diagnostic.fail(Error::BadFormat, "cpio entry '{}' at offset {:#x}: its {} bytes of data extend past the end of the archive", name, offset, data_size);
    raw.entry.data = archive.slice(data_offset, data_size);
    raw.entry.mode = raw.fields[Mode];
    raw.entry.kind = kind_of(raw.entry.mode);
    raw.entry.path = strip_root_prefix(name);
    raw.next_offset = static_cast<size_t>(align4(data_offset + data_size));
    if (!raw.entry.path.is_empty() && !is_canonical(raw.entry.path))
        return diagnostic.fail(Error::BadFormat, "cpio entry at offset {:#x}: path '{}' is not canonical (empty, '.' or '..' component)", offset, name);
    if (with_checksum && raw.entry.kind == InitrdEntryKind::File && checksum(raw.entry.data) != raw.fields[Check])
        return diagnostic.fail(Error::BadFormat, "cpio entry '{}' at offset {:#x}: data checksum mismatch", name, offset);
    return raw;
}

// On an archive create() accepted, parsing cannot fail.
RawEntry parse_validated(ReadonlyBytes archive, size_t offset)
{
    Diagnostic diagnostic;
    auto raw = parse_entry(archive, offset, diagnostic);
    VERIFY(raw.is_ok());
    return raw.release_value();
}

bool is_hard_link_of(const RawEntry& candidate, const RawEntry& link)
{
    return candidate.fields[Inode] == link.fields[Inode] && candidate.fields[DeviceMajor] == link.fields[DeviceMajor]
        && candidate.fields[DeviceMinor] == link.fields[DeviceMinor];
}

bool path_before(StringView a, StringView b)
{
    size_t common = a.length() < b.length() ? a.length() : b.length();
    int order = memcmp(a.characters(), b.characters(), common);
    return order != 0 ? order < 0 : a.length() < b.length();
}

// newc stores a hard-linked file's data once, with the last of its links.
InitrdEntry resolved(ReadonlyBytes archive, const RawEntry& raw, size_t trailer_offset)
{
    if (raw.entry.kind != InitrdEntryKind::File || !raw.entry.data.is_empty() || raw.fields[LinkCount] <= 1)
        return raw.entry;
    for (size_t later = raw.next_offset; later < trailer_offset;) {
        auto other = parse_validated(archive, later);
        later = other.next_offset;
        if (other.entry.kind == InitrdEntryKind::File && !other.entry.data.is_empty() && is_hard_link_of(other, raw)) {
            InitrdEntry entry = raw.entry;
            entry.data = other.entry.data;
            return entry;
        }
    }
    return raw.entry;
}

// Validates every entry; returns the number of entries and where the trailer is.
Result<size_t> validate(ReadonlyBytes archive, size_t& trailer_offset, Diagnostic& diagnostic)
{
    size_t count = 0;
    size_t offset = 0;
    while (true) {
        auto raw = TRY(parse_entry(archive, offset, diagnostic));
        if (raw.is_trailer) {
            trailer_offset = offset;
            return count;
        }
        count += raw.entry.path.is_empty() ? 0 : 1;
        offset = raw.next_offset;
    }
}

Error report_duplicate(ReadonlyBytes archive, StringView path, Diagnostic& diagnostic)
{
    size_t offsets[2] {};
    size_t found = 0;
    for (size_t offset = 0; found < 2;) {
        auto raw = parse_validated(archive, offset);
        if (raw.entry.path == path)
            offsets[found++] = offset;
        offset = raw.next_offset;
    }
    return diagnostic.fail(Error::AlreadyExists, "cpio archive holds '{}' twice (offsets {:#x} and {:#x})", path, offsets[0], offsets[1]);
}

} // namespace

Result<Initrd> Initrd::create(ReadonlyBytes archive, Diagnostic& diagnostic)
{
    size_t trailer_offset = 0;
    size_t count = TRY(validate(archive, trailer_offset, diagnostic));
    auto by_path = HeapArray<InitrdEntry>::create(count);
    if (by_path.is_error())
        return diagnostic.fail(by_path.error(), "cannot index the cpio archive's {} entries ({})", count, error_name(by_path.error()));
    Span<InitrdEntry> entries = by_path.value().span();
    size_t next = 0;
    for (size_t offset = 0; offset < trailer_offset;) {
        auto raw = parse_validated(archive, offset);
        if (!raw.entry.path.is_empty())
            entries[next++] = resolved(archive, raw, trailer_offset);
        offset = raw.next_offset;
    }
    heap_sort(entries, [](const InitrdEntry& a, const InitrdEntry& b) { return path_before(a.path, b.path); });
    for (size_t i = 1; i < entries.size(); ++i) {
        if (entries[i].path == entries[i - 1].path)
            return report_duplicate(archive, entries[i].path, diagnostic);
    }
    return Initrd(archive, count, trailer_offset, by_path.release_value());
}

Result<InitrdEntry> Initrd::find(StringView path) const
{
    path = strip_root_prefix(path);
    if (path.is_empty())
        return Error::NotFound;
    Span<InitrdEntry> entries = m_by_path.span();
    size_t low = 0;
    size_t high = entries.size();
    while (low < high) {
        size_t middle = low + (high - low) / 2;
        if (path_before(entries[middle].path, path))
            low = middle + 1;
        else
            high = middle;
    }
    if (low < entries.size() && entries[low].path == path)
        return entries[low];
    return Error::NotFound;
}

Result<ReadonlyBytes> Initrd::file(StringView path) const
{
    auto entry = TRY(find(path));
    if (entry.kind != InitrdEntryKind::File)
        return Error::InvalidArgument;
    return entry.data;
}

Initrd::Iterator::Iterator(ReadonlyBytes archive, size_t offset)
    : m_archive(archive)
    , m_offset(offset)
{
}

void Initrd::Iterator::settle()
{
    while (true) {
        auto raw = parse_validated(m_archive, m_offset);
        if (raw.is_trailer || !raw.entry.path.is_empty()) {
            m_entry = raw.entry;
            m_next_offset = raw.next_offset;
            return;
        }
        m_offset = raw.next_offset; // the archive root is not an entry of its own
    }
}

Initrd::Iterator& Initrd::Iterator::operator++()
{
    m_offset = m_next_offset;
    settle();
    return *this;
}

} // namespace gehri::boot
