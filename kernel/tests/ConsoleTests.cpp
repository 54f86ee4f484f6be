#include <kernel/console/Palette.h>
#include <kernel/console/TextConsole.h>
#include <kernel/tests/Framework.h>
#include <string.h>

using namespace gehri;
using namespace gehri::console;

namespace {
// Two 8x16 cells with an odd pitch, drawn by the freestanding build itself.
constexpr size_t pitch = 16 * 4 + 3;
uint8_t s_pixels[pitch * 16];
Cell s_cells[4];

uint32_t pixel_at(uint32_t x, uint32_t y)
{
    uint32_t value;
    memcpy(&value, s_pixels + y * pitch + x * 4, 4);
    return value;
}
} // namespace

KERNEL_TEST(text_console_draws_font_glyphs_in_colour)
{
    auto surface = PixelSurface::create(s_pixels, pitch, 16, 16, {});
    EXPECT(surface.is_ok());
    auto console = TextConsole::create(surface.value(), builtin_font, s_cells, 4);
    EXPECT(console.is_ok());
    if (console.is_error())
        return;
    auto& text = console.value();
    EXPECT_EQ(text.columns(), 2u);
    text.write("\x1b[32mA\x1b[0m");
    uint32_t glyph = builtin_font.glyph_for('A');
    uint32_t green = surface.value().pack(ansi_palette[2]);
    uint32_t black = surface.value().pack(ansi_palette[TextConsole::default_background]);
    size_t mismatches = 0;
    for (uint32_t y = 0; y < 16; ++y) {
        for (uint32_t x = 0; x < 8; ++x)
            mismatches += pixel_at(x, y) != (builtin_font.pixel(glyph, x, y) ? green : black);
    }
    EXPECT_EQ(mismatches, 0u);
    EXPECT_EQ(pixel_at(3, 0) == green, builtin_font.pixel(glyph, 3, 0));
}

KERNEL_TEST(text_console_scrolls_a_one_line_screen)
{
    auto surface = PixelSurface::create(s_pixels, pitch, 16, 16, {});
    auto console = TextConsole::create(surface.value(), builtin_font, s_cells, 4);
    EXPECT(console.is_ok());
    if (console.is_error())
        return;
    auto& text = console.value();
    text.write("ab\ncd\nx");
    EXPECT_EQ(text.cell(0, 0).glyph, builtin_font.glyph_for('x'));
    EXPECT_EQ(text.cell(1, 0).glyph, builtin_font.glyph_for(' '));
    for (size_t i = 0; i < 3; ++i)
        EXPECT_EQ(s_pixels[16 * 4 + i], 0); // the pitch padding of row 0 was never written
}
