#pragma once

#include <stddef.h>
#include <stdint.h>

namespace gehri::console {

// A fixed-size bitmap font: glyph_count glyphs of height rows, each row bytes_per_row bytes,
// the leftmost pixel in the most significant bit. The table is generated at build time by
// tools/psf-to-cpp from a console font a Debian package ships.
struct BitmapFont {
    // One code point drawn by one glyph; the table is sorted by code point.
    struct Mapping {
        uint32_t code_point;
        uint16_t glyph;
    };

    static constexpr uint32_t max_width = 32; // a glyph row fits in a uint32_t
    static constexpr uint32_t max_height = 64;

    uint32_t width;
    uint32_t height;
    uint32_t bytes_per_row;
    uint32_t glyph_count;
    uint32_t fallback_glyph; // shown for code points the font lacks (U+FFFD or '?')
    const uint8_t* glyphs;
    const Mapping* mapping;
    size_t mapping_count;

    // Whether the geometry is one the console can draw (generated fonts are; this guards
    // against a hand-made or corrupt table).
    bool is_usable() const;

    // The glyph that draws code_point: the Unicode map's entry, else the fallback glyph.
    uint32_t glyph_for(uint32_t code_point) const;

    // Row `row` of `glyph`, the leftmost pixel in bit (width - 1); 0 outside the font.
    uint32_t row_bits(uint32_t glyph, uint32_t row) const;

    bool pixel(uint32_t glyph, uint32_t x, uint32_t y) const
    {
        return x < width && (row_bits(glyph, y) >> (width - 1 - x)) & 1;
    }
};

// The console font compiled into the kernel (generated; see cmake/ConsoleFont.cmake).
extern const BitmapFont builtin_font;

} // namespace gehri::console
