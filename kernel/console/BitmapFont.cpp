#include <kernel/console/BitmapFont.h>

namespace gehri::console {

bool BitmapFont::is_usable() const
{
    return width > 0 && width <= max_width && height > 0 && height <= max_height
        && bytes_per_row == (width + 7) / 8 && glyph_count > 0 && fallback_glyph < glyph_count
        && glyphs != nullptr && (mapping != nullptr || mapping_count == 0);
}

uint32_t BitmapFont::glyph_for(uint32_t code_point) const
{
    size_t low = 0;
    size_t high = mapping_count;
    while (low < high) {
        size_t middle = low + (high - low) / 2;
        if (mapping[middle].code_point < code_point)
            low = middle + 1;
        else
            high = middle;
    }
    if (low < mapping_count && mapping[low].code_point == code_point && mapping[low].glyph < glyph_count)
        return mapping[low].glyph;
    return fallback_glyph;
}

uint32_t BitmapFont::row_bits(uint32_t glyph, uint32_t row) const
{
    if (glyph >= glyph_count || row >= height)
        return 0;
    const uint8_t* bytes = glyphs + (static_cast<size_t>(glyph) * height + row) * bytes_per_row;
    uint32_t bits = 0;
    for (uint32_t i = 0; i < bytes_per_row; ++i)
        bits = (bits << 8) | bytes[i];
    // The row is padded to whole bytes on the right; drop the padding.
    return bits >> (bytes_per_row * 8 - width);
}

} // namespace gehri::console
