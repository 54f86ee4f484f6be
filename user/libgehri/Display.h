#pragma once

#include <kernel/console/BitmapFont.h>
#include <kernel/console/PixelSurface.h>
#include <kernel/console/TextPainter.h>
#include <user/libgehri/System.h>

namespace gehri {

class Agent;

// The screen, for the one agent that holds it (docs/display.md): the boot framebuffer mapped
// into this agent, and simple drawing on it. Colours are 0x00RRGGBB and are converted to the
// framebuffer's pixel format; pixel() gives the converted value for store_row, the fast path
// (one memcpy per row). Text uses the kernel console's font.
//
// The screen stays this agent's until it ends (there is no giving it back early): the kernel
// then unmaps it and redraws its text console. While the swarm is frozen the kernel paints a
// FROZEN banner over the top rows; the next frame after resume covers it.
class Display {
public:
    // Takes the screen. `self` is the agent's handle to itself, which must carry
    // Rights::Display (the manifest's `display` capability): AccessDenied otherwise;
    // NotSupported without a usable 32-bit framebuffer; Busy while any agent holds it.
    static Result<Display> acquire(Agent& self); // runtime/Display.cpp

    // A display over pixels the caller provides (pitch * height bytes): for drawing off
    // screen, and for tests. InvalidArgument for a null buffer, another pixel size, or shifts
    // that do not fit a 32-bit pixel.
    static Result<Display> over(uint8_t* pixels, const abi::DisplayInfo& info)
    {
        if (info.bits_per_pixel != 32)
            return Error::InvalidArgument;
        auto surface = TRY(console::PixelSurface::create(pixels, info.pitch, info.width, info.height,
            { info.red_shift, info.green_shift, info.blue_shift }));
        return Display(surface, info);
    }

    uint32_t width() const { return m_surface.width(); }
    uint32_t height() const { return m_surface.height(); }
    const abi::DisplayInfo& info() const { return m_info; }
    const console::BitmapFont& font() const { return console::builtin_font; }
    console::PixelSurface& surface() { return m_surface; }

    // 0x00RRGGBB as a pixel of this framebuffer.
    uint32_t pixel(uint32_t rgb) const { return m_surface.pack_rgb(rgb); }

    // Everything below is clipped to the screen.
    void put_pixel(uint32_t x, uint32_t y, uint32_t rgb)
    {
        uint32_t packed = pixel(rgb);
        m_surface.store_span(x, y, &packed, 1);
    }
    void fill_rect(uint32_t x, uint32_t y, uint32_t width, uint32_t height, uint32_t rgb) { m_surface.fill(x, y, width, height, pixel(rgb)); }
    void clear(uint32_t rgb) { fill_rect(0, 0, width(), height(), rgb); }
    // Stores `count` pixels already converted with pixel() from (x, y) rightwards.
    void store_row(uint32_t x, uint32_t y, const uint32_t* pixels, uint32_t count) { m_surface.store_span(x, y, pixels, count); }
    // UTF-8 text from (x, y), each character a font().width x font().height cell of
    // foreground on background. Returns the width the text takes in pixels.
    uint32_t draw_text(uint32_t x, uint32_t y, StringView text, uint32_t foreground_rgb, uint32_t background_rgb)
    {
        return console::draw_text(m_surface, font(), x, y, text, pixel(foreground_rgb), pixel(background_rgb));
    }

private:
    Display(const console::PixelSurface& surface, const abi::DisplayInfo& info)
        : m_surface(surface)
        , m_info(info)
    {
    }

    console::PixelSurface m_surface;
    abi::DisplayInfo m_info;
};

} // namespace gehri
