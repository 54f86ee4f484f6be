#include <cstdlib>
#include <gtest/gtest.h>
#include <kernel/console/Palette.h>
#include <kernel/console/TextConsole.h>
#include <string.h>
#include <string>
#include <vector>

using namespace gehri;
using namespace gehri::console;

namespace {

constexpr uint8_t canary = 0xA5;
constexpr uint8_t fg_default = TextConsole::default_foreground;
constexpr uint8_t bg_default = TextConsole::default_background;

// Pixel memory of exactly the size a surface may touch (pitch * (height - 1) + width * 4),
// on the heap so that AddressSanitizer reports any store outside it. Unused bytes (the
// pitch padding) hold a canary.
struct TestScreen {
    TestScreen(uint32_t width, uint32_t height, size_t pitch, PixelFormat format = {})
        : width(width)
        , height(height)
        , pitch(pitch)
        , format(format)
        , memory(height == 0 ? 1 : pitch * (height - 1) + size_t(width) * 4, canary)
    {
    }

    Result<PixelSurface> surface() { return PixelSurface::create(memory.data(), pitch, width, height, format); }

    uint32_t pixel(uint32_t x, uint32_t y) const
    {
        uint32_t value;
        memcpy(&value, memory.data() + y * pitch + size_t(x) * 4, 4);
        return value;
    }

    bool padding_intact(uint32_t drawn_width) const
    {
        for (uint32_t y = 0; y + 1 < height; ++y) {
            for (size_t i = y * pitch + size_t(drawn_width) * 4; i < (y + 1) * pitch; ++i) {
                if (memory[i] != canary)
                    return false;
            }
        }
        return true;
    }

    bool untouched() const
    {
        for (uint8_t byte : memory) {
            if (byte != canary)
                return false;
        }
        return true;
    }

    uint32_t width, height;
    size_t pitch;
    PixelFormat format;
    std::vector<uint8_t> memory;
};

uint32_t packed(uint8_t palette_index, PixelFormat format = {})
{
    Rgb c = ansi_palette[palette_index];
    return (uint32_t(c.red) << format.red_shift) | (uint32_t(c.green) << format.green_shift) | (uint32_t(c.blue) << format.blue_shift);
}

struct Harness {
    Harness(uint32_t width, uint32_t height, size_t pitch = 0, uint32_t margin = 0, size_t storage_cells = 4096, PixelFormat format = {})
        : screen(width, height, pitch ? pitch : size_t(width) * 4, format)
        , storage(storage_cells)
    {
        auto surface = screen.surface();
        if (surface.is_error()) {
            ADD_FAILURE() << "surface: " << error_name(surface.error());
            std::abort();
        }
        auto created = TextConsole::create(surface.value(), builtin_font, storage.data(), storage.size(), margin);
        if (created.is_error()) {
            ADD_FAILURE() << "console: " << error_name(created.error());
            std::abort();
        }
        console = created.release_value();
    }

    void write(const std::string& text) { console.write(StringView(text.data(), text.size())); }

    // The text of a row, trailing blanks removed; '?' for anything not printable ASCII.
    std::string row_text(uint32_t row) const
    {
        std::string text;
        for (uint32_t column = 0; column < console.columns(); ++column) {
            char shown = '?';
            for (char c = 0x20; c < 0x7F; ++c) {
                if (builtin_font.glyph_for(c) == console.cell(column, row).glyph)
                    shown = c;
            }
            text += shown;
        }
        return text.substr(0, text.find_last_not_of(' ') + 1);
    }

    // Pixels of the cell that differ from the glyph of code_point drawn in the given colours.
    size_t cell_mismatches(uint32_t column, uint32_t row, uint32_t code_point, uint8_t fg, uint8_t bg, bool bold = false, bool cursor = false) const
    {
        const auto& font = builtin_font;
        uint32_t glyph = font.glyph_for(code_point);
        size_t mismatches = 0;
        for (uint32_t y = 0; y < font.height; ++y) {
            uint32_t bits = font.row_bits(glyph, y);
            if (bold)
                bits |= bits >> 1;
            for (uint32_t x = 0; x < font.width; ++x) {
                bool lit = (bits >> (font.width - 1 - x)) & 1 || (cursor && y >= font.height - 2);
                uint32_t expected = packed(lit ? fg : bg, screen.format);
                if (screen.pixel(console.cell_x(column) + x, console.cell_y(row) + y) != expected)
                    ++mismatches;
            }
        }
        return mismatches;
    }

    // Copies the pixels of a text row (for comparing before and after a scroll).
    std::vector<uint32_t> row_pixels(uint32_t row) const
    {
        std::vector<uint32_t> pixels;
        for (uint32_t y = console.cell_y(row); y < console.cell_y(row) + builtin_font.height; ++y) {
            for (uint32_t x = 0; x < screen.width; ++x)
                pixels.push_back(screen.pixel(x, y));
        }
        return pixels;
    }

    TestScreen screen;
    std::vector<Cell> storage;
    TextConsole console;
};

} // namespace

TEST(TextConsole, DrawsTheFontsGlyphPixels)
{
    Harness h(80, 32); // 10 x 2 cells
    ASSERT_EQ(h.console.columns(), 10u);
    ASSERT_EQ(h.console.rows(), 2u);
    h.write("Hi!");
    EXPECT_EQ(h.cell_mismatches(0, 0, 'H', fg_default, bg_default), 0u);
    EXPECT_EQ(h.cell_mismatches(1, 0, 'i', fg_default, bg_default), 0u);
    EXPECT_EQ(h.cell_mismatches(2, 0, '!', fg_default, bg_default), 0u);
    // The cursor: an underline in the text colour under the next cell.
    EXPECT_EQ(h.cell_mismatches(3, 0, ' ', fg_default, bg_default, false, true), 0u);
    for (uint32_t column = 4; column < 10; ++column)
        EXPECT_EQ(h.cell_mismatches(column, 0, ' ', fg_default, bg_default), 0u);
    EXPECT_EQ(h.row_text(0), "Hi!");
    EXPECT_EQ(h.console.cursor_column(), 3u);
}

TEST(TextConsole, HonoursThePixelFormat)
{
    PixelFormat bgr { 0, 8, 16 };
    Harness h(80, 32, 0, 0, 4096, bgr);
    h.write("\x1b[41m \x1b[0m");
    uint32_t red = 197u | (15u << 8) | (31u << 16);
    EXPECT_EQ(packed(1, bgr), red);
    EXPECT_EQ(h.screen.pixel(0, 0), red);
    EXPECT_EQ(h.screen.pixel(7, 15), red);
    EXPECT_EQ(h.screen.pixel(8, 0), packed(bg_default, bgr));
}

TEST(TextConsole, WrapsAtTheRightMargin)
{
    Harness h(80, 48); // 10 x 3
    h.write("0123456789AB");
    EXPECT_EQ(h.row_text(0), "0123456789");
    EXPECT_EQ(h.row_text(1), "AB");
    EXPECT_EQ(h.console.cursor_column(), 2u);
    EXPECT_EQ(h.console.cursor_row(), 1u);
    EXPECT_EQ(h.cell_mismatches(9, 0, '9', fg_default, bg_default), 0u);
    EXPECT_EQ(h.cell_mismatches(0, 1, 'A', fg_default, bg_default), 0u);
}

TEST(TextConsole, FullLineThenNewlineLeavesNoBlankLine)
{
    Harness h(80, 48);
    h.write("abcdefghij");
    // The cursor waits on the last column, shown under the last character.
    EXPECT_EQ(h.console.cursor_column(), 9u);
    EXPECT_EQ(h.console.cursor_row(), 0u);
    EXPECT_EQ(h.cell_mismatches(9, 0, 'j', fg_default, bg_default, false, true), 0u);
    h.write("\nk");
    EXPECT_EQ(h.row_text(1), "k");
    EXPECT_EQ(h.console.cursor_row(), 1u);
}

TEST(TextConsole, ScrollShiftsEveryLineUpOneRow)
{
    Harness h(80, 48); // 3 rows
    h.write("\x1b[?25lone\ntwo\nthree");
    auto two = h.row_pixels(1);
    auto three = h.row_pixels(2);
    h.write("\nfour");
    EXPECT_EQ(h.row_text(0), "two");
    EXPECT_EQ(h.row_text(1), "three");
    EXPECT_EQ(h.row_text(2), "four");
    EXPECT_EQ(h.row_pixels(0), two);
    EXPECT_EQ(h.row_pixels(1), three);
    for (uint32_t i = 0; i < 4; ++i)
        EXPECT_EQ(h.cell_mismatches(i, 2, "four"[i], fg_default, bg_default), 0u);
    for (uint32_t i = 4; i < 10; ++i)
        EXPECT_EQ(h.cell_mismatches(i, 2, ' ', fg_default, bg_default), 0u);
}

TEST(TextConsole, ScrolledScreenEqualsTheSameTextWrittenFresh)
{
    Harness scrolled_once(80, 48), scrolled_per_line(80, 48), fresh(80, 48);
    scrolled_once.write("l1 long line\nl2\nl3\n\x1b[32ml4\x1b[0m\nl5\n");
    for (const char* line : { "l1 long line\n", "l2\n", "l3\n", "\x1b[32ml4\x1b[0m\n", "l5\n" })
        scrolled_per_line.write(line);
    fresh.write("\x1b[32ml4\x1b[0m\nl5\n");
    EXPECT_EQ(scrolled_once.row_text(0), "l4");
    EXPECT_EQ(scrolled_once.row_text(2), "");
    EXPECT_TRUE(scrolled_once.screen.memory == fresh.screen.memory);
    EXPECT_TRUE(scrolled_per_line.screen.memory == fresh.screen.memory);
}

TEST(TextConsole, DeferredWritesChangeTheTextButNotThePixels)
{
    Harness h(80, 48);
    auto before = h.screen.memory;
    h.console.set_deferred(true);
    h.write("one\ntwo");
    EXPECT_EQ(h.row_text(1), "two");
    EXPECT_TRUE(h.screen.memory == before);
}

TEST(TextConsole, PaintingInStepsEndsEqualToPaintingAtOnce)
{
    // 6 rows; the deferred console paints at most two rows per step, and a write lands
    // between steps (above the rows painted so far, and with the cursor moving).
    Harness stepped(80, 96), direct(80, 96);
    stepped.console.set_deferred(true);
    const char* first = "a\nb\nc\nd\ne\nf\ng\nh";
    const char* second = "\x1b[1;1Hx\x1b[6;3Hy";
    stepped.write(first);
    EXPECT_FALSE(stepped.console.paint_some(2));
    stepped.write(second);
    size_t steps = 1;
    while (!stepped.console.paint_some(2))
        ++steps;
    EXPECT_LE(steps, 4u);
    direct.write(first);
    direct.write(second);
    EXPECT_TRUE(stepped.screen.memory == direct.screen.memory);
    EXPECT_EQ(stepped.cell_mismatches(3, 5, ' ', fg_default, bg_default, false, true), 0u);
}

TEST(TextConsole, EndingDeferralPaintsWhatIsPending)
{
    Harness deferred(80, 48), direct(80, 48);
    deferred.console.set_deferred(true);
    deferred.write("l1\nl2\nl3\nl4");
    direct.write("l1\nl2\nl3\nl4");
    deferred.console.set_deferred(false);
    EXPECT_TRUE(deferred.screen.memory == direct.screen.memory);
    EXPECT_TRUE(deferred.console.paint_some(1));
}

TEST(TextConsole, NothingToPaintIsDoneAtOnce)
{
    Harness h(80, 48);
    h.console.set_deferred(true);
    EXPECT_TRUE(h.console.paint_some(1));
    h.write("x");
    EXPECT_TRUE(h.console.paint_some(1));
    EXPECT_EQ(h.cell_mismatches(0, 0, 'x', fg_default, bg_default), 0u);
}

TEST(TextConsole, SgrColoursChangePixelColours)
{
    Harness h(160, 32);
    h.write("\x1b[31mR\x1b[42mG\x1b[0mN\x1b[1mB\x1b[0;94mL\x1b[7mV\x1b[27;39;49mD\x1b[1;31mr\x1b[22mx\x1b[0m");
    EXPECT_EQ(h.cell_mismatches(0, 0, 'R', 1, bg_default), 0u);
    EXPECT_EQ(h.cell_mismatches(1, 0, 'G', 1, 2), 0u);
    EXPECT_EQ(h.cell_mismatches(2, 0, 'N', fg_default, bg_default), 0u);
    EXPECT_EQ(h.cell_mismatches(3, 0, 'B', 15, bg_default, true), 0u); // bold: bright and emboldened
    EXPECT_EQ(h.cell_mismatches(4, 0, 'L', 12, bg_default), 0u);
    EXPECT_EQ(h.cell_mismatches(5, 0, 'V', bg_default, 12), 0u); // reverse video
    EXPECT_EQ(h.cell_mismatches(6, 0, 'D', fg_default, bg_default), 0u);
    EXPECT_EQ(h.cell_mismatches(7, 0, 'r', 9, bg_default, true), 0u);
    EXPECT_EQ(h.cell_mismatches(8, 0, 'x', 1, bg_default), 0u);
    // The colour must really differ on screen, not only in the cell records.
    EXPECT_NE(packed(1), packed(fg_default));
}

TEST(TextConsole, ExtendedColoursUseTheNearestPaletteEntry)
{
    Harness h(160, 32);
    h.write("\x1b[38;5;10ma\x1b[38;2;242;242;242mb\x1b[48;5;21mc\x1b[0m\x1b[38;5mz\x1b[38;2;1;2md");
    EXPECT_EQ(h.cell_mismatches(0, 0, 'a', 10, bg_default), 0u);
    EXPECT_EQ(h.cell_mismatches(1, 0, 'b', 15, bg_default), 0u);
    EXPECT_EQ(h.cell_mismatches(2, 0, 'c', 15, 4), 0u); // pure blue is nearest to palette blue
    // Truncated extended colours change nothing and do not leak their numbers as attributes.
    EXPECT_EQ(h.cell_mismatches(3, 0, 'z', fg_default, bg_default), 0u);
    EXPECT_EQ(h.cell_mismatches(4, 0, 'd', fg_default, bg_default), 0u);
}

TEST(TextConsole, UnterminatedEscapeIsDroppedAndTextContinues)
{
    Harness h(80, 48);
    h.write("\x1b[31");
    h.write("\nX");
    EXPECT_EQ(h.row_text(0), "");
    EXPECT_EQ(h.row_text(1), "X");
    EXPECT_EQ(h.cell_mismatches(0, 1, 'X', fg_default, bg_default), 0u);
}

TEST(TextConsole, EscapeSequenceMaySpanWrites)
{
    Harness h(80, 48);
    h.write("A\x1b");
    h.write("[3");
    h.write("2mB");
    EXPECT_EQ(h.row_text(0), "AB");
    EXPECT_EQ(h.cell_mismatches(1, 0, 'B', 2, bg_default), 0u);
}

TEST(TextConsole, UnknownSequencesAreConsumedNotPrinted)
{
    Harness h(160, 48);
    h.write("\x1b]0;a window title\x07T\x1b[5n\x1b[?1049h\x1b[1 q\x1b(BU\x1b[>1;2mV\x1b#8W");
    EXPECT_EQ(h.row_text(0), "TUVW");
}

TEST(TextConsole, ControlCharacters)
{
    Harness h(80, 96); // 10 x 6
    h.write("abc\rX\n");
    EXPECT_EQ(h.row_text(0), "Xbc");
    h.write("a\tb\n");
    EXPECT_EQ(h.row_text(1), "a       b");
    h.write("ab\bX\x07\n");
    EXPECT_EQ(h.row_text(2), "aX");
    h.write("01234567\t\tZ");
    EXPECT_EQ(h.row_text(3), "01234567 Z"); // tabs stop at the last column
    h.write("\n0123456789\b \bZ");
    EXPECT_EQ(h.row_text(4), "012345678Z"); // "\b \b" erases the last character, even at the margin
    h.write("\n\b\bq");
    EXPECT_EQ(h.row_text(5), "q");
}

TEST(TextConsole, CursorMovementAndErasing)
{
    Harness h(80, 48);
    h.write("hello\x1b[3DX");
    EXPECT_EQ(h.row_text(0), "heXlo");
    h.write("\x1b[2;3HY");
    EXPECT_EQ(h.row_text(1), "  Y");
    h.write("\x1b[99;99HZ");
    EXPECT_EQ(h.row_text(2), "         Z");
    h.write("\x1b[1;3H\x1b[K");
    EXPECT_EQ(h.row_text(0), "he");
    h.write("\x1b[2;3H\x1b[1K");
    EXPECT_EQ(h.row_text(1), "");
    h.write("\x1b[H\x1b[A\x1b[D\x1b[3B\x1b[20Cq");
    EXPECT_EQ(h.row_text(2), "         q");
    h.write("\x1b[2J");
    for (uint32_t row = 0; row < 3; ++row)
        EXPECT_EQ(h.row_text(row), "");
    for (uint32_t column = 0; column < 9; ++column)
        EXPECT_EQ(h.cell_mismatches(column, 2, ' ', fg_default, bg_default), 0u);
}

TEST(TextConsole, EraseUsesTheCurrentBackground)
{
    Harness h(80, 32);
    h.write("\x1b[44m\x1b[2J\x1b[0m");
    EXPECT_EQ(h.cell_mismatches(5, 1, ' ', fg_default, 4), 0u);
}

TEST(TextConsole, HiddenCursorIsNotDrawn)
{
    Harness h(80, 32);
    h.write("\x1b[?25la");
    EXPECT_EQ(h.cell_mismatches(1, 0, ' ', fg_default, bg_default), 0u);
    h.write("\x1b[?25h");
    EXPECT_EQ(h.cell_mismatches(1, 0, ' ', fg_default, bg_default, false, true), 0u);
}

TEST(TextConsole, ResetClearsAndHomes)
{
    Harness h(80, 48);
    h.write("\x1b[31mabc\ndef\x1b" "cz");
    EXPECT_EQ(h.row_text(0), "z");
    EXPECT_EQ(h.row_text(1), "");
    EXPECT_EQ(h.cell_mismatches(0, 0, 'z', fg_default, bg_default), 0u);
}

TEST(TextConsole, Utf8TextUsesTheUnicodeMap)
{
    Harness h(80, 32);
    h.write("\xc3\xa9\xe2\x94\x80\xff" "a\xc3");
    EXPECT_EQ(h.console.cell(0, 0).glyph, builtin_font.glyph_for(0xE9));
    EXPECT_EQ(h.console.cell(1, 0).glyph, builtin_font.glyph_for(0x2500));
    EXPECT_NE(builtin_font.glyph_for(0x2500), builtin_font.fallback_glyph);
    EXPECT_EQ(h.console.cell(2, 0).glyph, builtin_font.fallback_glyph);
    EXPECT_EQ(h.cell_mismatches(3, 0, 'a', fg_default, bg_default), 0u);
    h.write("\n"); // the cut-short sequence shows as U+FFFD before the newline
    EXPECT_EQ(h.console.cell(4, 0).glyph, builtin_font.fallback_glyph);
    EXPECT_EQ(h.cell_mismatches(0, 0, 0xE9, fg_default, bg_default), 0u);
}

TEST(TextConsole, MarginCentresTheGrid)
{
    Harness h(100, 50, 0, 8);
    EXPECT_EQ(h.console.columns(), 10u);
    EXPECT_EQ(h.console.rows(), 2u);
    EXPECT_EQ(h.console.cell_x(0), 10u);
    EXPECT_EQ(h.console.cell_y(0), 9u);
    h.write("\x1b[41m0123456789abcdefghij\x1b[0m");
    for (uint32_t y = 0; y < 50; ++y) {
        for (uint32_t x = 0; x < 100; ++x) {
            bool inside = x >= 10 && x < 90 && y >= 9 && y < 41;
            if (!inside) {
                ASSERT_EQ(h.screen.pixel(x, y), packed(bg_default)) << x << "," << y;
            }
        }
    }
    EXPECT_EQ(h.cell_mismatches(9, 1, 'j', 7, 1, false, true), 0u);
}

TEST(TextConsole, MarginIsDroppedOnASmallSurface)
{
    Harness h(20, 20, 0, 8);
    EXPECT_EQ(h.console.columns(), 2u);
    EXPECT_EQ(h.console.rows(), 1u);
}

TEST(TextConsole, SurfaceSmallerThanOneGlyphIsRefusedUntouched)
{
    const std::vector<std::pair<uint32_t, uint32_t>> sizes { { 7, 15 }, { 7, 100 }, { 100, 15 }, { 0, 0 }, { 0, 20 }, { 20, 0 } };
    for (auto [width, height] : sizes) {
        TestScreen screen(width, height, size_t(width) * 4 + 3);
        std::vector<Cell> storage(64);
        auto surface = screen.surface();
        ASSERT_TRUE(surface.is_ok());
        auto console = TextConsole::create(surface.value(), builtin_font, storage.data(), storage.size());
        EXPECT_TRUE(console.is_error()) << width << "x" << height;
        EXPECT_EQ(console.error(), Error::OutOfRange);
        EXPECT_TRUE(screen.untouched());
    }
}

TEST(TextConsole, OneCellSurfaceSurvivesAnything)
{
    Harness h(8, 16);
    ASSERT_EQ(h.console.columns(), 1u);
    ASSERT_EQ(h.console.rows(), 1u);
    h.write("hello world\n\x1b[31mmore\x1b[2J\x1b[5;5H\t\b\b\x1b[10Aok");
    EXPECT_EQ(h.row_text(0), "k");
    EXPECT_EQ(h.cell_mismatches(0, 0, 'k', 1, bg_default, false, true), 0u);
}

TEST(TextConsole, OddPitchPaddingIsNeverWritten)
{
    Harness h(9, 17, 37); // one cell, 1 pixel to spare each way, odd pitch
    h.write("xyz\n\x1b[44mabc\x1b[2J");
    EXPECT_TRUE(h.screen.padding_intact(9));

    Harness wide(101, 53, 409); // 12 x 3 cells, 5 bytes of padding a row, rows not 4-byte aligned
    for (int i = 0; i < 50; ++i)
        wide.write("line " + std::to_string(i) + " \x1b[4" + std::to_string(i % 8) + "mcoloured\x1b[0m\n");
    EXPECT_TRUE(wide.screen.padding_intact(101));
    EXPECT_EQ(wide.row_text(0), "line 49 colo");
    EXPECT_EQ(wide.row_text(1), "ured");
}

TEST(TextConsole, PitchNarrowerThanTheWidthNarrowsTheSurface)
{
    Harness h(16, 16, 40); // the pitch holds 10 pixels: one 8-pixel cell
    EXPECT_EQ(h.console.columns(), 1u);
    h.write("abc");
    EXPECT_EQ(h.row_text(0), "c");
}

TEST(TextConsole, StorageLimitsTheGrid)
{
    Harness h(80, 48, 0, 0, 2 * 5); // room for 5 cells: 5 columns, 1 row
    EXPECT_EQ(h.console.columns(), 5u);
    EXPECT_EQ(h.console.rows(), 1u);
    h.write("abcdefg");
    EXPECT_EQ(h.row_text(0), "fg");

    TestScreen screen(80, 48, 320);
    std::vector<Cell> one(1);
    auto console = TextConsole::create(screen.surface().value(), builtin_font, one.data(), one.size());
    EXPECT_TRUE(console.is_error());
}

TEST(TextConsole, InertConsoleIgnoresWrites)
{
    TextConsole console;
    console.write("nothing to draw on\n");
    EXPECT_EQ(console.columns(), 0u);
}

TEST(TextConsole, RandomInputStaysInBounds)
{
    // Bytes biased towards escape sequences, controls and UTF-8, on an odd-pitched surface.
    Harness h(83, 37, 337);
    const char alphabet[] = "\x1b\x1b[[;;0123456789mHJKABCDfhl?\n\r\t\b\x07 az\xc3\xa9\xe2\x94\x80\xff\x80]\\";
    uint64_t state = 0x9E3779B97F4A7C15ull;
    std::string chunk;
    for (int round = 0; round < 2000; ++round) {
        chunk.clear();
        size_t length = 1 + (state >> 60);
        for (size_t i = 0; i < length * 8; ++i) {
            state = state * 6364136223846793005ull + 1442695040888963407ull;
            chunk += alphabet[(state >> 33) % (sizeof(alphabet) - 1)];
        }
        h.write(chunk);
        ASSERT_LT(h.console.cursor_column(), h.console.columns());
        ASSERT_LT(h.console.cursor_row(), h.console.rows());
    }
    EXPECT_TRUE(h.screen.padding_intact(83));
    for (uint32_t row = 0; row < h.console.rows(); ++row) {
        for (uint32_t column = 0; column < h.console.columns(); ++column)
            EXPECT_LT(h.console.cell(column, row).glyph, builtin_font.glyph_count);
    }
}
