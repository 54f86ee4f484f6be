#include <kernel/loader/Elf64.h>
#include <string.h>

namespace gehri::loader {

namespace {

// The ELF64 structures are read field by field at their documented offsets (System V
// gABI, "ELF-64 Object File Format"), with memcpy: the input may sit at any alignment.
constexpr size_t elf_header_size = 64;
constexpr size_t program_header_size = 56;

enum : uint8_t {
    class_64 = 2,
    data_little_endian = 1,
    current_version = 1,
    os_abi_system_v = 0,
    os_abi_gnu = 3, // GNU ld marks binaries using IFUNC or unique symbols; loading is the same
};
enum : uint16_t {
    type_relocatable = 1,
    type_executable = 2,
    type_shared = 3,
    type_core = 4,
    machine_x86_64 = 62,
    extended_numbering = 0xffff,
};
enum : uint32_t {
    pt_null = 0,
    pt_load = 1,
    pt_dynamic = 2,
    pt_interp = 3,
    pt_note = 4,
    pt_shlib = 5,
    pt_phdr = 6,
    pt_tls = 7,
    pt_first_os_specific = 0x60000000,
    pt_gnu_stack = 0x6474e551,
};
enum : uint32_t {
    pf_x = 1,
    pf_w = 2,
    pf_r = 4,
};
constexpr uint64_t max_segment_alignment = 1ull << 30;

template<typename T>
T read(ReadonlyBytes bytes, size_t offset)
{
    T value;
    memcpy(&value, bytes.data() + offset, sizeof(T));
    return value;
}

struct ProgramHeader {
    uint32_t type;
    uint32_t flags;
    uint64_t offset;
    uint64_t virtual_address;
    uint64_t file_size;
    uint64_t memory_size;
    uint64_t alignment;
};

ProgramHeader read_program_header(ReadonlyBytes entry)
{
    return {
        read<uint32_t>(entry, 0),
        read<uint32_t>(entry, 4),
        read<uint64_t>(entry, 8),
        read<uint64_t>(entry, 16),
        read<uint64_t>(entry, 32),
        read<uint64_t>(entry, 40),
        read<uint64_t>(entry, 48),
    };
}

Result<void> check_identification(ReadonlyBytes file, Diagnostic& diagnostic)
{
    if (file.size() < elf_header_size)
        return diagnostic.fail(Error::BadFormat, "file is too small for an ELF header ({} bytes)", file.size());
    if (file[0] != 0x7f || file[1] != 'E' || file[2] != 'L' || file[3] != 'F')
        return diagnostic.fail(Error::BadFormat, "not an ELF file (bad magic)");
    if (file[4] != class_64)
        return diagnostic.fail(Error::NotSupported, "not a 64-bit ELF file (class {})", file[4]);
    if (file[5] != data_little_endian)
        return diagnostic.fail(Error::NotSupported, "not little-endian (data encoding {})", file[5]);
    if (file[6] != current_version)
        return diagnostic.fail(Error::BadFormat, "unknown ELF identification version {}", file[6]);
    if (file[7] != os_abi_system_v && file[7] != os_abi_gnu)
        return diagnostic.fail(Error::NotSupported, "unsupported OS ABI {}", file[7]);
    if (file[8] != 0)
        return diagnostic.fail(Error::NotSupported, "unsupported ABI version {}", file[8]);
    return {};
}

Result<void> check_file_type(uint16_t type, Diagnostic& diagnostic)
{
    switch (type) {
    case type_executable:
        return {};
    case type_shared:
        // A static PIE would need the loader to apply relocations; every agent has an
        // address space of its own, so a fixed address costs nothing and we keep the
        // loader free of a relocation engine.
        return diagnostic.fail(Error::NotSupported, "position-independent executable or shared object (ET_DYN); link with -static -no-pie");
    case type_relocatable:
        return diagnostic.fail(Error::NotSupported, "relocatable object file (ET_REL), not a linked executable");
    case type_core:
        return diagnostic.fail(Error::NotSupported, "core dump (ET_CORE), not an executable");
    default:
        return diagnostic.fail(Error::BadFormat, "unknown ELF file type {:#x}", type);
    }
}

Result<void> check_header(ReadonlyBytes file, Diagnostic& diagnostic)
{
    TRY(check_identification(file, diagnostic));
    TRY(check_file_type(read<uint16_t>(file, 16), diagnostic));
    auto machine = read<uint16_t>(file, 18);
    if (machine != machine_x86_64)
        return diagnostic.fail(Error::NotSupported, "not an x86_64 program (machine {})", machine);
    auto version = read<uint32_t>(file, 20);
    if (version != current_version)
        return diagnostic.fail(Error::BadFormat, "unknown ELF version {}", version);
    auto header_size = read<uint16_t>(file, 52);
    if (header_size != elf_header_size)
        return diagnostic.fail(Error::BadFormat, "ELF header size is {}, expected {}", header_size, elf_header_size);
    auto entry_size = read<uint16_t>(file, 54);
    if (entry_size != program_header_size)
        return diagnostic.fail(Error::BadFormat, "program header size is {}, expected {}", entry_size, program_header_size);
    auto count = read<uint16_t>(file, 56);
    if (count == 0)
        return diagnostic.fail(Error::BadFormat, "no program headers");
    if (count == extended_numbering || count > max_program_headers)
        return diagnostic.fail(Error::NotSupported, "too many program headers ({}, at most {})", count, max_program_headers);
    auto table_offset = read<uint64_t>(file, 32);
    if (table_offset < elf_header_size)
        return diagnostic.fail(Error::BadFormat, "program header table at offset {:#x} overlaps the ELF header", table_offset);
    if (!file.contains_range(table_offset, uint64_t(count) * program_header_size))
        return diagnostic.fail(Error::BadFormat, "program header table (offset {:#x}, {} entries) extends past the end of the file", table_offset, count);
    return {};
}

Result<void> check_load_flags(size_t index, const ProgramHeader& header, Diagnostic& diagnostic)
{
    if (header.flags & ~uint32_t(pf_r | pf_w | pf_x))
        return diagnostic.fail(Error::BadFormat, "program header {}: unknown segment flags {:#x}", index, header.flags);
    if ((header.flags & pf_w) && (header.flags & pf_x))
        return diagnostic.fail(Error::AccessDenied, "program header {}: segment is writable and executable (W^X)", index);
    return {};
}

Result<void> check_load_geometry(size_t index, const ProgramHeader& header, Diagnostic& diagnostic)
{
    if (header.memory_size == 0)
        return diagnostic.fail(Error::BadFormat, "program header {}: loadable segment is empty", index);
    if (header.file_size > header.memory_size)
        return diagnostic.fail(Error::BadFormat, "program header {}: file size {:#x} exceeds memory size {:#x}", index, header.file_size, header.memory_size);
    auto alignment = header.alignment;
    if (alignment < mm::page_size || alignment > max_segment_alignment || (alignment & (alignment - 1)) != 0)
        return diagnostic.fail(Error::BadFormat, "program header {}: alignment {:#x} is not a power of two between a page and 1 GiB", index, alignment);
    // Mapping file pages at their virtual pages needs offset and address to agree
    // within a page (the gABI demands it modulo p_align).
    if (header.virtual_address % alignment != header.offset % alignment)
        return diagnostic.fail(Error::BadFormat, "program header {}: virtual address {:#x} and file offset {:#x} disagree modulo the alignment {:#x}", index, header.virtual_address, header.offset, alignment);
    if (header.virtual_address < user_image_floor || header.virtual_address > user_image_ceiling
        || header.memory_size > user_image_ceiling - header.virtual_address)
        return diagnostic.fail(Error::OutOfRange, "program header {}: segment {:#x}+{:#x} is outside user space [{:#x}, {:#x})", index, header.virtual_address, header.memory_size, user_image_floor, user_image_ceiling);
    return {};
}

ElfSegment to_segment(const ProgramHeader& header)
{
    ElfSegment segment;
    segment.virtual_address = header.virtual_address;
    segment.memory_size = header.memory_size;
    segment.file_offset = header.offset;
    segment.file_size = header.file_size;
    segment.alignment = header.alignment;
    segment.readable = header.flags & pf_r;
    segment.writable = header.flags & pf_w;
    segment.executable = header.flags & pf_x;
    return segment;
}

// Every header we accept but do not load is checked for what would make it dangerous.
Result<void> check_other_header(size_t index, const ProgramHeader& header, Diagnostic& diagnostic)
{
    switch (header.type) {
    case pt_dynamic:
        return diagnostic.fail(Error::NotSupported, "program header {}: dynamic linking is not supported (PT_DYNAMIC); link with -static", index);
    case pt_interp:
        return diagnostic.fail(Error::NotSupported, "program header {}: program asks for an interpreter (PT_INTERP); link with -static", index);
    case pt_shlib:
        return diagnostic.fail(Error::NotSupported, "program header {}: reserved type PT_SHLIB", index);
    case pt_tls:
        return diagnostic.fail(Error::NotSupported, "program header {}: thread-local storage (PT_TLS) is not supported yet", index);
    case pt_gnu_stack:
        if (header.flags & pf_x)
            return diagnostic.fail(Error::AccessDenied, "program header {}: program asks for an executable stack (PT_GNU_STACK with PF_X)", index);
        return {};
    case pt_note:
    case pt_phdr:
        return {};
    default:
        if (header.type < pt_first_os_specific)
            return diagnostic.fail(Error::BadFormat, "program header {}: unknown type {:#x}", index, header.type);
        return {}; // OS- or processor-specific (GNU_EH_FRAME, GNU_RELRO, GNU_PROPERTY, ...)
    }
}

} // namespace

Result<ElfImage> ElfImage::parse(ReadonlyBytes file, Diagnostic& diagnostic)
{
    TRY(check_header(file, diagnostic));
    ElfImage image;
    image.m_file = file;
    image.m_entry = read<uint64_t>(file, 24);

    auto table_offset = read<uint64_t>(file, 32);
    auto count = read<uint16_t>(file, 56);
    size_t previous_load_index = 0;
    for (size_t index = 0; index < count; ++index) {
        auto header = read_program_header(file.slice(table_offset + index * program_header_size, program_header_size));
        if (header.type == pt_null)
            continue;
        if (!file.contains_range(header.offset, header.file_size))
            return diagnostic.fail(Error::BadFormat, "program header {}: file range {:#x}+{:#x} extends past the end of the file ({:#x} bytes)", index, header.offset, header.file_size, file.size());
        if (header.type != pt_load) {
            TRY(check_other_header(index, header, diagnostic));
            continue;
        }
        TRY(check_load_flags(index, header, diagnostic));
        TRY(check_load_geometry(index, header, diagnostic));
        auto segment = to_segment(header);
        if (image.m_segment_count > 0) {
            auto& previous = image.m_segments[image.m_segment_count - 1];
            if (segment.virtual_address < previous.virtual_address)
                return diagnostic.fail(Error::BadFormat, "program header {}: loadable segments are not in ascending address order", index);
            // Page permissions are per page: two segments on one page would force one
            // of them to take the other's rights.
            if (segment.page_start() < previous.page_end())
                return diagnostic.fail(Error::BadFormat, "program header {}: segment overlaps or shares a page with program header {}", index, previous_load_index);
        }
        if (image.m_segment_count == max_loadable_segments)
            return diagnostic.fail(Error::NotSupported, "program header {}: too many loadable segments (at most {})", index, max_loadable_segments);
        image.m_segments[image.m_segment_count++] = segment;
        previous_load_index = index;
    }
    if (image.m_segment_count == 0)
        return diagnostic.fail(Error::BadFormat, "no loadable segments");
    TRY(image.check_entry(diagnostic));
    return image;
}

Result<void> ElfImage::check_entry(Diagnostic& diagnostic) const
{
    for (size_t i = 0; i < m_segment_count; ++i) {
        auto& segment = m_segments[i];
        if (m_entry < segment.virtual_address || m_entry >= segment.end())
            continue;
        if (!segment.executable)
            return diagnostic.fail(Error::BadFormat, "entry point {:#x} is in a non-executable segment", m_entry);
        if (m_entry - segment.virtual_address >= segment.file_size)
            return diagnostic.fail(Error::BadFormat, "entry point {:#x} is in the zero-filled part of its segment", m_entry);
        return {};
    }
    return diagnostic.fail(Error::BadFormat, "entry point {:#x} is outside every loadable segment", m_entry);
}

ReadonlyBytes ElfImage::segment_bytes(size_t index) const
{
    auto& segment = m_segments[index];
    return m_file.slice(segment.file_offset, segment.file_size);
}

uint64_t ElfImage::mapped_size() const
{
    uint64_t total = 0;
    for (size_t i = 0; i < m_segment_count; ++i)
        total += m_segments[i].page_end() - m_segments[i].page_start();
    return total;
}

} // namespace gehri::loader
