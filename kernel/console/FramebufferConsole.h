#pragma once

#include <kernel/boot/BootInfo.h>
#include <kernel/console/PixelSurface.h>
#include <kernel/console/SharedScreen.h>
#include <kernel/lib/Result.h>

namespace gehri::console {

// Starts the text console on the boot loader's framebuffer and adds it to the console
// devices next to the serial port. Without a usable framebuffer the console stays
// serial-only; either way the outcome is logged.
void start_framebuffer_console(const boot::Framebuffer& framebuffer);

// The screen the framebuffer console draws on, to lend to an agent (kernel/display/), and the
// framebuffer it is: null before start_framebuffer_console, or without a usable framebuffer.
SharedScreen* shared_screen();
const boot::Framebuffer* shared_framebuffer();

// The surface for a framebuffer mapped at `mapped`: fails unless it is 32-bit direct colour
// wholly inside the memory the boot page tables map (the first 4 GiB).
Result<PixelSurface> surface_for(const boot::Framebuffer& framebuffer, uint8_t* mapped);

} // namespace gehri::console
