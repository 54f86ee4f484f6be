#pragma once

#include <kernel/boot/BootInfo.h>
#include <kernel/lib/Result.h>
#include <stddef.h>

namespace gehri::boot {

constexpr uint32_t multiboot2_bootloader_magic = 0x36d76289;

// Parses the Multiboot2 information structure. `info` points at it (already mapped);
// `available` bounds how many bytes may be read, so a corrupt total_size cannot walk off.
// Every tag is checked against its container before it is read.
Result<void> parse_multiboot2(const uint8_t* info, size_t available, BootInfo& out);

} // namespace gehri::boot
