#pragma once

#include <kernel/boot/BootInfo.h>
#include <kernel/console/PixelSurface.h>
#include <kernel/lib/Result.h>

namespace gehri::console {

// Starts the text console on the boot loader's framebuffer and adds it to the console
// devices next to the serial port. Without a usable framebuffer the console stays
// serial-only; either way the outcome is logged.
void start_framebuffer_console(const boot::Framebuffer& framebuffer);

// The surface for a framebuffer mapped at `mapped`: fails unless it is 32-bit direct colour
// wholly inside the memory the boot page tables map (the first 4 GiB).
Result<PixelSurface> surface_for(const boot::Framebuffer& framebuffer, uint8_t* mapped);

} // namespace gehri::console
