#include <kernel/console/FramebufferConsole.h>
#include <kernel/console/TextConsole.h>
#include <kernel/log/Log.h>
#include <kernel/mm/Layout.h>

namespace gehri::console {

namespace {
// Static, because the console starts before any allocator: enough for 2560x1600 with an
// 8x16 font (two grids of cells: the text and what the screen shows).
constexpr size_t storage_cells = 2 * 320 * 100;
constexpr uint32_t margin_pixels = 8;
constexpr uint64_t boot_mapped_limit = 4ull << 30;

Cell s_storage[storage_cells];
constinit TextConsole s_console;
constinit SharedScreen s_screen;
boot::Framebuffer s_framebuffer;
bool s_started = false;
} // namespace

Result<PixelSurface> surface_for(const boot::Framebuffer& framebuffer, uint8_t* mapped)
{
    if (!framebuffer.present())
        return Error::NotFound;
    uint64_t bytes = static_cast<uint64_t>(framebuffer.pitch) * framebuffer.height;
    if (framebuffer.physical_address >= boot_mapped_limit || bytes > boot_mapped_limit - framebuffer.physical_address)
        return Error::NotSupported;
    return PixelSurface::create(mapped, framebuffer.pitch, framebuffer.width, framebuffer.height,
        { framebuffer.red_shift, framebuffer.green_shift, framebuffer.blue_shift });
}

void start_framebuffer_console(const boot::Framebuffer& framebuffer)
{
    auto surface = surface_for(framebuffer, mm::physical_to_virtual<uint8_t>(framebuffer.physical_address));
    if (surface.is_error()) {
        log::info("console: no usable framebuffer ({}); serial only", error_name(surface.error()));
        return;
    }
    auto console = TextConsole::create(surface.value(), builtin_font, s_storage, storage_cells, margin_pixels);
    if (console.is_error()) {
        log::warn("console: cannot start the text console on a {}x{} framebuffer ({})", framebuffer.width, framebuffer.height, error_name(console.error()));
        return;
    }
    s_console = console.release_value();
    // Logged before the screen joins the console, so the screen starts with the banner.
    log::info("console: framebuffer {}x{} at {:#x}, {}x{} text cells", framebuffer.width, framebuffer.height,
        framebuffer.physical_address, s_console.columns(), s_console.rows());
    s_screen.attach(s_console, surface.value(), builtin_font);
    s_framebuffer = framebuffer;
    s_started = true;
    add_device(s_screen);
}

SharedScreen* shared_screen() { return s_started ? &s_screen : nullptr; }

const boot::Framebuffer* shared_framebuffer() { return s_started ? &s_framebuffer : nullptr; }

} // namespace gehri::console
