#include <kernel/console/TextPainter.h>
#include <kernel/console/Utf8Decoder.h>

namespace gehri::console {

void draw_glyph(PixelSurface& surface, const BitmapFont& font, uint32_t x, uint32_t y, uint32_t glyph, uint32_t foreground, uint32_t background)
{
    if (!font.is_usable())
        return;
    uint32_t line[BitmapFont::max_width];
    for (uint32_t row = 0; row < font.height; ++row) {
        uint32_t bits = font.row_bits(glyph, row);
        for (uint32_t column = 0; column < font.width; ++column)
            line[column] = (bits >> (font.width - 1 - column)) & 1 ? foreground : background;
        if (y + row < y) // past 2^32: nothing below can be on the surface
            return;
        surface.store_span(x, y + row, line, font.width);
    }
}

namespace {

// Calls each(code_point) for every character of text.
template<typename Each>
void for_each_code_point(StringView text, Each each)
{
    Utf8Decoder decoder;
    uint32_t code_points[2];
    for (char c : text) {
        size_t count = decoder.feed(static_cast<uint8_t>(c), code_points);
        for (size_t i = 0; i < count; ++i)
            each(code_points[i]);
    }
    if (decoder.flush(code_points) != 0)
        each(code_points[0]);
}

} // namespace

uint32_t draw_text(PixelSurface& surface, const BitmapFont& font, uint32_t x, uint32_t y, StringView text, uint32_t foreground,
    uint32_t background)
{
    if (!font.is_usable())
        return 0;
    uint64_t cursor = x;
    for_each_code_point(text, [&](uint32_t code_point) {
        if (cursor < surface.width())
            draw_glyph(surface, font, static_cast<uint32_t>(cursor), y, font.glyph_for(code_point), foreground, background);
        cursor += font.width;
    });
    uint64_t width = cursor - x;
    return width > UINT32_MAX ? UINT32_MAX : static_cast<uint32_t>(width);
}

uint32_t text_width(const BitmapFont& font, StringView text)
{
    if (!font.is_usable())
        return 0;
    uint64_t count = 0;
    for_each_code_point(text, [&](uint32_t) { ++count; });
    uint64_t width = count * font.width;
    return width > UINT32_MAX ? UINT32_MAX : static_cast<uint32_t>(width);
}

} // namespace gehri::console
