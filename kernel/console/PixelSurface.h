#pragma once

#include <kernel/lib/Result.h>
#include <stddef.h>
#include <stdint.h>

namespace gehri::console {

struct Rgb {
    uint8_t red;
    uint8_t green;
    uint8_t blue;
};

// Where each 8-bit colour channel sits inside a 32-bit pixel.
struct PixelFormat {
    uint8_t red_shift { 16 };
    uint8_t green_shift { 8 };
    uint8_t blue_shift { 0 };
};

// A rectangle of 32-bit pixels in memory (a linear framebuffer, or a test's buffer): row y
// starts pitch bytes after row y - 1. Every store is clipped to width x height and never
// touches the bytes between a row's last pixel and the next row (the pitch padding), so
// the memory it may write is exactly pitch * (height - 1) + width * 4 bytes from base.
class PixelSurface {
public:
    constexpr PixelSurface() = default;

    // Fails on a null base or channel shifts that do not fit a 32-bit pixel. A width the
    // pitch cannot hold is narrowed to what fits.
    static Result<PixelSurface> create(uint8_t* base, size_t pitch, uint32_t width, uint32_t height, PixelFormat format);

    uint32_t width() const { return m_width; }
    uint32_t height() const { return m_height; }
    uint32_t pack(Rgb colour) const;
    // 0x00RRGGBB (the usual way to write a colour) in this surface's pixel format.
    uint32_t pack_rgb(uint32_t rgb) const { return pack({ uint8_t(rgb >> 16), uint8_t(rgb >> 8), uint8_t(rgb) }); }
    PixelFormat format() const { return m_format; }
    size_t pitch() const { return m_pitch; }

    void fill(uint32_t x, uint32_t y, uint32_t width, uint32_t height, uint32_t pixel);
    // Stores count pixels from (x, y) rightwards, clipped to the row.
    void store_span(uint32_t x, uint32_t y, const uint32_t* pixels, uint32_t count);

private:
    PixelSurface(uint8_t* base, size_t pitch, uint32_t width, uint32_t height, PixelFormat format)
        : m_base(base)
        , m_pitch(pitch)
        , m_width(width)
        , m_height(height)
        , m_format(format)
    {
    }

    uint8_t* m_base { nullptr };
    size_t m_pitch { 0 };
    uint32_t m_width { 0 };
    uint32_t m_height { 0 };
    PixelFormat m_format;
};

} // namespace gehri::console
