#include <kernel/boot/Multiboot2.h>
#include <string.h>

namespace gehri::boot {

namespace {

enum TagType : uint32_t {
    End = 0,
    CommandLine = 1,
    BootLoaderName = 2,
    ModuleTag = 3,
    MemoryMap = 6,
    FramebufferInfo = 8,
    AcpiOld = 14,
    AcpiNew = 15,
};

template<typename T>
T read(const uint8_t* p)
{
    T value;
    memcpy(&value, p, sizeof(T));
    return value;
}

// A string inside a tag: NUL-terminated within the tag, or the tag is malformed.
Result<StringView> tag_string(const uint8_t* start, size_t available)
{
    for (size_t i = 0; i < available; ++i) {
        if (start[i] == '\0')
            return StringView(reinterpret_cast<const char*>(start), i);
    }
    return Error::BadFormat;
}

MemoryRegion::Kind memory_kind(uint32_t multiboot_type)
{
    switch (multiboot_type) {
    case 1: return MemoryRegion::Kind::Usable;
    case 3: return MemoryRegion::Kind::AcpiReclaimable;
    case 4: return MemoryRegion::Kind::AcpiNvs;
    case 5: return MemoryRegion::Kind::Defective;
    default: return MemoryRegion::Kind::Reserved;
    }
}

Result<void> parse_memory_map(const uint8_t* tag, uint32_t size, BootInfo& out)
{
    if (size < 16)
        return Error::BadFormat;
    uint32_t entry_size = read<uint32_t>(tag + 8);
    if (entry_size < 24)
        return Error::BadFormat;
    for (uint32_t offset = 16; offset + entry_size <= size; offset += entry_size) {
        if (out.memory_region_count == BootInfo::max_memory_regions)
            break;
        const uint8_t* entry = tag + offset;
        out.memory_regions[out.memory_region_count++] = {
            read<uint64_t>(entry), read<uint64_t>(entry + 8), memory_kind(read<uint32_t>(entry + 16))
        };
    }
    return {};
}

Result<void> parse_framebuffer(const uint8_t* tag, uint32_t size, BootInfo& out)
{
    if (size < 31)
        return Error::BadFormat;
    Framebuffer& fb = out.framebuffer;
    fb.physical_address = read<uint64_t>(tag + 8);
    fb.pitch = read<uint32_t>(tag + 16);
    fb.width = read<uint32_t>(tag + 20);
    fb.height = read<uint32_t>(tag + 24);
    fb.bits_per_pixel = tag[28];
    uint8_t type = tag[29];
    if (type != 1 || size < 38) {
        fb = Framebuffer {}; // indexed or EGA text: not a pixel framebuffer we can draw on
        return {};
    }
    // Direct RGB: each colour's field position follows the common header, a byte apart.
    fb.red_shift = tag[32];
    fb.green_shift = tag[34];
    fb.blue_shift = tag[36];
    return {};
}

Result<void> parse_tag(uint32_t type, const uint8_t* tag, uint32_t size, BootInfo& out)
{
    switch (type) {
    case CommandLine:
        out.command_line = TRY(tag_string(tag + 8, size - 8));
        return {};
    case BootLoaderName:
        out.loader_name = TRY(tag_string(tag + 8, size - 8));
        return {};
    case ModuleTag: {
        if (size < 16)
            return Error::BadFormat;
        if (out.module_count < BootInfo::max_modules)
            out.modules[out.module_count++] = { read<uint32_t>(tag + 8), read<uint32_t>(tag + 12), TRY(tag_string(tag + 16, size - 16)) };
        return {};
    }
    case MemoryMap:
        return parse_memory_map(tag, size, out);
    case FramebufferInfo:
        return parse_framebuffer(tag, size, out);
    case AcpiOld:
    case AcpiNew:
        // Prefer the ACPI 2.0+ RSDP when both are given.
        if (size > 8 && (type == AcpiNew || out.acpi_rsdp_copy == nullptr)) {
            out.acpi_rsdp_copy = tag + 8;
            out.acpi_rsdp_length = size - 8;
        }
        return {};
    default:
        return {}; // tags we do not use are skipped, not rejected
    }
}

} // namespace

Result<void> parse_multiboot2(const uint8_t* info, size_t available, BootInfo& out)
{
    if (info == nullptr || available < 8)
        return Error::BadFormat;
    uint32_t total_size = read<uint32_t>(info);
    if (total_size < 16 || total_size > available)
        return Error::BadFormat;
    out.loader_block_size = total_size;
    size_t offset = 8;
    while (offset + 8 <= total_size) {
        uint32_t type = read<uint32_t>(info + offset);
        uint32_t size = read<uint32_t>(info + offset + 4);
        if (size < 8 || size > total_size - offset)
            return Error::BadFormat;
        if (type == End)
            return {};
        TRY(parse_tag(type, info + offset, size, out));
        offset += (size + 7) & ~size_t(7);
    }
    return Error::BadFormat; // no end tag
}

uint64_t BootInfo::usable_memory_bytes() const
{
    uint64_t total = 0;
    for (size_t i = 0; i < memory_region_count; ++i) {
        if (memory_regions[i].kind == MemoryRegion::Kind::Usable)
            total += memory_regions[i].length;
    }
    return total;
}

} // namespace gehri::boot
