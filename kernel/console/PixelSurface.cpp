#include <kernel/console/PixelSurface.h>
#include <string.h>

namespace gehri::console {

Result<PixelSurface> PixelSurface::create(uint8_t* base, size_t pitch, uint32_t width, uint32_t height, PixelFormat format)
{
    if (base == nullptr)
        return Error::InvalidArgument;
    if (format.red_shift > 24 || format.green_shift > 24 || format.blue_shift > 24)
        return Error::InvalidArgument;
    if (width > pitch / 4)
        width = static_cast<uint32_t>(pitch / 4);
    return PixelSurface(base, pitch, width, height, format);
}

uint32_t PixelSurface::pack(Rgb colour) const
{
    return (static_cast<uint32_t>(colour.red) << m_format.red_shift)
        | (static_cast<uint32_t>(colour.green) << m_format.green_shift)
        | (static_cast<uint32_t>(colour.blue) << m_format.blue_shift);
}

void PixelSurface::fill(uint32_t x, uint32_t y, uint32_t width, uint32_t height, uint32_t pixel)
{
    if (x >= m_width || y >= m_height)
        return;
    uint32_t columns = width < m_width - x ? width : m_width - x;
    uint32_t rows = height < m_height - y ? height : m_height - y;
    // Rows are copied from a run of the pixel on the stack: a framebuffer is never read back
    // (reads of video memory are slow), and memcpy moves whole words.
    constexpr uint32_t run_length = 128;
    uint32_t run[run_length];
    for (uint32_t i = 0; i < run_length; ++i)
        run[i] = pixel;
    for (uint32_t row = 0; row < rows; ++row) {
        uint8_t* line = m_base + (y + row) * m_pitch + static_cast<size_t>(x) * 4;
        // The pitch need not keep pixels 4-byte aligned; memcpy stores regardless.
        for (uint32_t column = 0; column < columns; column += run_length) {
            uint32_t count = columns - column < run_length ? columns - column : run_length;
            memcpy(line + static_cast<size_t>(column) * 4, run, static_cast<size_t>(count) * 4);
        }
    }
}

void PixelSurface::store_span(uint32_t x, uint32_t y, const uint32_t* pixels, uint32_t count)
{
    if (x >= m_width || y >= m_height)
        return;
    uint32_t columns = count < m_width - x ? count : m_width - x;
    memcpy(m_base + y * m_pitch + static_cast<size_t>(x) * 4, pixels, static_cast<size_t>(columns) * 4);
}

} // namespace gehri::console
