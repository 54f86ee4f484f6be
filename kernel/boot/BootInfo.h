#pragma once

#include <kernel/lib/StringView.h>
#include <stdint.h>

namespace gehri::boot {

// What the boot loader told us, in a form that does not depend on Multiboot2.
struct MemoryRegion {
    enum class Kind : uint8_t { Usable, Reserved, AcpiReclaimable, AcpiNvs, Defective };
    uint64_t base;
    uint64_t length;
    Kind kind;
};

struct Framebuffer {
    uint64_t physical_address { 0 };
    uint32_t pitch { 0 };
    uint32_t width { 0 };
    uint32_t height { 0 };
    uint8_t bits_per_pixel { 0 };
    uint8_t red_shift { 16 }, green_shift { 8 }, blue_shift { 0 };
    bool present() const { return physical_address != 0 && bits_per_pixel == 32; }
};

struct Module {
    uint64_t start;
    uint64_t end;
    StringView name;
};

struct BootInfo {
    static constexpr size_t max_memory_regions = 128;
    static constexpr size_t max_modules = 16;

    MemoryRegion memory_regions[max_memory_regions];
    size_t memory_region_count { 0 };
    Framebuffer framebuffer;
    const void* acpi_rsdp_copy { nullptr }; // the RSDP as the loader copied it; null if none
    uint32_t acpi_rsdp_length { 0 };
    StringView command_line;
    StringView loader_name;
    Module modules[max_modules];
    size_t module_count { 0 };
    // Where the loader's information block itself lies. The memory manager keeps it reserved:
    // the strings and the RSDP copy above point into it.
    uint64_t loader_block_physical { 0 };
    uint64_t loader_block_size { 0 };

    uint64_t usable_memory_bytes() const;
};

} // namespace gehri::boot
