#include <gtest/gtest.h>
#include <kernel/console/BitmapFont.h>
#include <string.h>

using namespace gehri::console;

namespace gehri::console {
// The same packaged font, re-encoded as PSF2 by the build and read back by psf-to-cpp.
extern const BitmapFont psf2_copy_font;
} // namespace gehri::console

TEST(BitmapFont, BuiltinFontIsAnEightBySixteenConsoleFont)
{
    const auto& font = builtin_font;
    EXPECT_TRUE(font.is_usable());
    EXPECT_EQ(font.width, 8u);
    EXPECT_EQ(font.height, 16u);
    EXPECT_EQ(font.bytes_per_row, 1u);
    EXPECT_GE(font.glyph_count, 256u);
}

TEST(BitmapFont, MappingIsSortedAndPointsAtGlyphs)
{
    const auto& font = builtin_font;
    ASSERT_GT(font.mapping_count, 0u);
    for (size_t i = 0; i < font.mapping_count; ++i) {
        EXPECT_LT(font.mapping[i].glyph, font.glyph_count);
        if (i > 0) {
            EXPECT_LT(font.mapping[i - 1].code_point, font.mapping[i].code_point) << "at " << i;
        }
    }
}

TEST(BitmapFont, AsciiAndLatin1HaveTheirOwnGlyphs)
{
    const auto& font = builtin_font;
    for (uint32_t c = 0x21; c < 0x7F; ++c)
        EXPECT_NE(font.glyph_for(c), font.fallback_glyph) << "U+" << std::hex << c;
    for (uint32_t c = 0xA1; c <= 0xFF; ++c)
        EXPECT_NE(font.glyph_for(c), font.fallback_glyph) << "U+" << std::hex << c;
    // Different letters look different, and a letter is not blank.
    EXPECT_NE(font.glyph_for('A'), font.glyph_for('B'));
    EXPECT_NE(memcmp(font.glyphs + font.glyph_for('A') * 16, font.glyphs + font.glyph_for('B') * 16, 16), 0);
    uint32_t ink = 0;
    for (uint32_t y = 0; y < font.height; ++y)
        ink |= font.row_bits(font.glyph_for('A'), y);
    EXPECT_NE(ink, 0u);
    for (uint32_t y = 0; y < font.height; ++y)
        EXPECT_EQ(font.row_bits(font.glyph_for(' '), y), 0u);
}

TEST(BitmapFont, UnknownCodePointsUseTheFallbackGlyph)
{
    const auto& font = builtin_font;
    EXPECT_EQ(font.glyph_for(0xFFFD), font.fallback_glyph);
    EXPECT_EQ(font.glyph_for(0xE000), font.fallback_glyph); // private use
    EXPECT_EQ(font.glyph_for(0x10FFFF), font.fallback_glyph);
    EXPECT_EQ(font.glyph_for(0xFFFFFFFF), font.fallback_glyph);
    EXPECT_EQ(font.glyph_for(0), font.glyph_for(0)); // whatever it is, looking up 0 is safe
}

TEST(BitmapFont, Psf2CopyDecodesToTheSameFont)
{
    const auto& a = builtin_font;
    const auto& b = psf2_copy_font;
    ASSERT_EQ(a.width, b.width);
    ASSERT_EQ(a.height, b.height);
    ASSERT_EQ(a.bytes_per_row, b.bytes_per_row);
    ASSERT_EQ(a.glyph_count, b.glyph_count);
    EXPECT_EQ(a.fallback_glyph, b.fallback_glyph);
    EXPECT_EQ(memcmp(a.glyphs, b.glyphs, size_t(a.glyph_count) * a.height * a.bytes_per_row), 0);
    ASSERT_EQ(a.mapping_count, b.mapping_count);
    for (size_t i = 0; i < a.mapping_count; ++i) {
        EXPECT_EQ(a.mapping[i].code_point, b.mapping[i].code_point);
        EXPECT_EQ(a.mapping[i].glyph, b.mapping[i].glyph);
    }
}

TEST(BitmapFont, WideRowsDropTheirPadding)
{
    // Two 12x2 glyphs, two bytes a row, the last 4 bits of each row padding.
    static constexpr uint8_t glyphs[] = { 0xFF, 0xF0, 0x80, 0x10, 0x00, 0x00, 0xFF, 0xFF };
    static constexpr BitmapFont::Mapping mapping[] = { { 'a', 0 }, { 'b', 1 } };
    BitmapFont font { 12, 2, 2, 2, 1, glyphs, mapping, 2 };
    ASSERT_TRUE(font.is_usable());
    EXPECT_EQ(font.row_bits(0, 0), 0xFFFu);
    EXPECT_EQ(font.row_bits(0, 1), 0x801u);
    EXPECT_EQ(font.row_bits(1, 1), 0xFFFu); // padding bits set in the data are still dropped
    EXPECT_TRUE(font.pixel(0, 0, 1));
    EXPECT_FALSE(font.pixel(0, 1, 1));
    EXPECT_TRUE(font.pixel(0, 11, 1));
    EXPECT_FALSE(font.pixel(0, 12, 0)); // outside the glyph
    EXPECT_EQ(font.row_bits(2, 0), 0u); // no such glyph
    EXPECT_EQ(font.row_bits(0, 2), 0u); // no such row
    EXPECT_EQ(font.glyph_for('b'), 1u);
    EXPECT_EQ(font.glyph_for('c'), 1u); // the fallback
}

TEST(BitmapFont, UnusableGeometryIsRejected)
{
    static constexpr uint8_t glyphs[64] = {};
    EXPECT_TRUE((BitmapFont { 8, 8, 1, 8, 0, glyphs, nullptr, 0 }).is_usable());
    EXPECT_FALSE((BitmapFont { 0, 8, 1, 8, 0, glyphs, nullptr, 0 }).is_usable());
    EXPECT_FALSE((BitmapFont { 33, 8, 5, 1, 0, glyphs, nullptr, 0 }).is_usable());
    EXPECT_FALSE((BitmapFont { 8, 8, 2, 4, 0, glyphs, nullptr, 0 }).is_usable()); // bytes per row
    EXPECT_FALSE((BitmapFont { 8, 8, 1, 8, 8, glyphs, nullptr, 0 }).is_usable()); // fallback out of range
    EXPECT_FALSE((BitmapFont { 8, 8, 1, 0, 0, glyphs, nullptr, 0 }).is_usable());
    EXPECT_FALSE((BitmapFont { 8, 8, 1, 8, 0, nullptr, nullptr, 0 }).is_usable());
    EXPECT_FALSE((BitmapFont { 8, 8, 1, 8, 0, glyphs, nullptr, 3 }).is_usable());
    // A mapping entry naming a glyph the font lacks falls back instead of reading past it.
    static constexpr BitmapFont::Mapping bad[] = { { 'x', 200 } };
    BitmapFont font { 8, 8, 1, 8, 0, glyphs, bad, 1 };
    EXPECT_EQ(font.glyph_for('x'), 0u);
}
