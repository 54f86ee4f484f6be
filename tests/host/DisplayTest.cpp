// The portable parts of the display capability: pixel conversion, filling, text drawn on a
// surface, the text console that stops and restarts painting, the shared screen (lending,
// the FROZEN banner, taking it back), and libgehri's Display over memory.
#include <gtest/gtest.h>
#include <kernel/console/Palette.h>
#include <kernel/console/SharedScreen.h>
#include <kernel/console/TextPainter.h>
#include <string.h>
#include <string>
#include <user/libgehri/Display.h>
#include <vector>

using namespace gehri;
using namespace gehri::console;

namespace {

constexpr uint8_t canary = 0x5A;

// Exactly the bytes a surface may touch, on the heap (AddressSanitizer catches any store
// outside); the pitch padding holds a canary.
struct Pixels {
    Pixels(uint32_t width, uint32_t height, size_t pitch, PixelFormat format = {})
        : width(width)
        , height(height)
        , pitch(pitch)
        , format(format)
        , memory(pitch * (height - 1) + size_t(width) * 4, canary)
    {
    }
    PixelSurface surface()
    {
        auto made = PixelSurface::create(memory.data(), pitch, width, height, format);
        EXPECT_TRUE(made.is_ok());
        return made.value();
    }
    uint32_t at(uint32_t x, uint32_t y) const
    {
        uint32_t value;
        memcpy(&value, memory.data() + y * pitch + size_t(x) * 4, 4);
        return value;
    }
    void set(uint32_t x, uint32_t y, uint32_t value) { memcpy(memory.data() + y * pitch + size_t(x) * 4, &value, 4); }
    bool padding_intact() const
    {
        for (uint32_t y = 0; y + 1 < height; ++y) {
            for (size_t i = y * pitch + size_t(width) * 4; i < (y + 1) * pitch; ++i) {
                if (memory[i] != canary)
                    return false;
            }
        }
        return true;
    }
    // Pixels of the cell at (x, y) that differ from `code_point` drawn foreground on background.
    size_t glyph_mismatches(uint32_t x, uint32_t y, uint32_t code_point, uint32_t foreground, uint32_t background) const
    {
        const BitmapFont& font = builtin_font;
        uint32_t glyph = font.glyph_for(code_point);
        size_t mismatches = 0;
        for (uint32_t row = 0; row < font.height; ++row) {
            for (uint32_t column = 0; column < font.width; ++column)
                mismatches += at(x + column, y + row) != (font.pixel(glyph, column, row) ? foreground : background);
        }
        return mismatches;
    }

    uint32_t width, height;
    size_t pitch;
    PixelFormat format;
    std::vector<uint8_t> memory;
};

constexpr PixelFormat bgr { .red_shift = 0, .green_shift = 8, .blue_shift = 16 };

} // namespace

TEST(PixelSurface, PackRgbFollowsTheFormat)
{
    Pixels rgb(4, 1, 16);
    Pixels swapped(4, 1, 16, bgr);
    EXPECT_EQ(rgb.surface().pack_rgb(0x123456), 0x123456u);
    EXPECT_EQ(swapped.surface().pack_rgb(0x123456), 0x563412u);
    EXPECT_EQ(swapped.surface().pack_rgb(0xFF000000 | 0x00FF00), 0x00FF00u); // the top byte is ignored
    Pixels high(4, 1, 16, { .red_shift = 24, .green_shift = 16, .blue_shift = 8 });
    EXPECT_EQ(high.surface().pack_rgb(0xA1B2C3), 0xA1B2C300u);
}

TEST(PixelSurface, FillCoversWideRowsExactlyAndClips)
{
    // Wider than the fill's run of pixels, with padding after each row.
    Pixels screen(300, 5, 300 * 4 + 12);
    auto surface = screen.surface();
    surface.fill(0, 0, 300, 5, 0x11111111);
    surface.fill(7, 1, 290, 3, 0x22222222);
    surface.fill(250, 4, 1000, 1000, 0x33333333); // clipped right and below
    surface.fill(300, 0, 5, 5, 0x44444444); // wholly outside
    for (uint32_t y = 0; y < 5; ++y) {
        for (uint32_t x = 0; x < 300; ++x) {
            uint32_t expected = 0x11111111;
            if (y >= 1 && y <= 3 && x >= 7 && x < 297)
                expected = 0x22222222;
            if (y == 4 && x >= 250)
                expected = 0x33333333;
            ASSERT_EQ(screen.at(x, y), expected) << x << "," << y;
        }
    }
    EXPECT_TRUE(screen.padding_intact());
}

TEST(TextPainter, DrawsEachCharacterInItsCell)
{
    const BitmapFont& font = builtin_font;
    Pixels screen(100, 40, 100 * 4 + 8);
    auto surface = screen.surface();
    surface.fill(0, 0, 100, 40, 0x01010101);
    uint32_t width = draw_text(surface, font, 3, 2, "Hi!", 0xFFFFFF, 0x000080);
    EXPECT_EQ(width, 3 * font.width);
    EXPECT_EQ(screen.glyph_mismatches(3, 2, 'H', 0xFFFFFF, 0x000080), 0u);
    EXPECT_EQ(screen.glyph_mismatches(3 + font.width, 2, 'i', 0xFFFFFF, 0x000080), 0u);
    EXPECT_EQ(screen.glyph_mismatches(3 + 2 * font.width, 2, '!', 0xFFFFFF, 0x000080), 0u);
    // Nothing outside the three cells.
    EXPECT_EQ(screen.at(2, 2), 0x01010101u);
    EXPECT_EQ(screen.at(3 + 3 * font.width, 2), 0x01010101u);
    EXPECT_EQ(screen.at(3, 1), 0x01010101u);
    EXPECT_EQ(screen.at(3, 2 + font.height), 0x01010101u);
    EXPECT_TRUE(screen.padding_intact());
}

TEST(TextPainter, Utf8AndInvalidBytes)
{
    const BitmapFont& font = builtin_font;
    EXPECT_EQ(text_width(font, "é"), font.width); // two bytes, one character
    EXPECT_EQ(text_width(font, ""), 0u);
    EXPECT_EQ(text_width(font, "\xff" "a"), 2 * font.width); // the invalid byte shows one replacement
    Pixels screen(64, 20, 64 * 4);
    auto surface = screen.surface();
    draw_text(surface, font, 0, 0, "é\xff", 7, 0);
    EXPECT_EQ(screen.glyph_mismatches(0, 0, 0xE9, 7, 0), 0u);
    EXPECT_EQ(screen.glyph_mismatches(font.width, 0, 0xFFFD, 7, 0), 0u);
}

TEST(TextPainter, ClipsAtEveryEdge)
{
    const BitmapFont& font = builtin_font;
    // A surface smaller than one line of text and not as tall as a glyph.
    Pixels screen(font.width * 2 + 3, font.height - 4, (font.width * 2 + 3) * 4 + 4);
    auto surface = screen.surface();
    uint32_t width = draw_text(surface, font, font.width, 0, "abcdef", 1, 2);
    EXPECT_EQ(width, 6 * font.width); // what the text takes, drawn or not
    draw_text(surface, font, 0, font.height - 6, "xyz", 1, 2); // runs off the bottom
    draw_text(surface, font, 5000, 5000, "far away", 1, 2);
    draw_text(surface, font, 0xFFFFFFF0u, 0xFFFFFFF0u, "wrap", 1, 2); // coordinates near 2^32
    EXPECT_TRUE(screen.padding_intact());
    // The part of 'a' that fits is drawn.
    const uint32_t glyph = font.glyph_for('a');
    for (uint32_t row = 0; row < font.height - 6; ++row) {
        for (uint32_t column = 0; column < font.width; ++column)
            ASSERT_EQ(screen.at(font.width + column, row), font.pixel(glyph, column, row) ? 1u : 2u);
    }
}

namespace {

// A text console on a small screen, behind a shared screen.
struct Screen {
    Screen()
        : pixels(320, 200, 320 * 4 + 16)
        , storage(4096)
    {
        auto console = TextConsole::create(pixels.surface(), builtin_font, storage.data(), storage.size());
        EXPECT_TRUE(console.is_ok());
        text = console.release_value();
        shared.attach(text, pixels.surface(), builtin_font);
    }
    // What an agent draws: the whole screen one colour.
    void paint_picture(uint32_t colour)
    {
        for (uint32_t y = 0; y < pixels.height; ++y) {
            for (uint32_t x = 0; x < pixels.width; ++x)
                pixels.set(x, y, colour);
        }
    }
    uint32_t background() const { return pack({ ansi_palette[TextConsole::default_background] }); }
    uint32_t foreground() const { return pack({ ansi_palette[TextConsole::default_foreground] }); }
    static uint32_t pack(Rgb c) { return (uint32_t(c.red) << 16) | (uint32_t(c.green) << 8) | c.blue; }
    // Whether cell (column, 0) of the console shows code_point.
    bool shows(uint32_t column, uint32_t code_point) const
    {
        return pixels.glyph_mismatches(text.cell_x(column), text.cell_y(0), code_point, foreground(), background()) == 0;
    }

    Pixels pixels;
    std::vector<Cell> storage;
    TextConsole text;
    SharedScreen shared;
};

constexpr uint32_t picture = 0x00336699;

} // namespace

TEST(TextConsole, StopsPaintingAndRepaintsEverythingWhenItStartsAgain)
{
    Screen screen;
    screen.text.write("ab");
    EXPECT_TRUE(screen.shows(0, 'a'));
    screen.text.set_painting(false);
    EXPECT_FALSE(screen.text.is_painting());
    screen.paint_picture(picture);
    screen.text.write("\rxy");
    EXPECT_EQ(screen.pixels.at(screen.text.cell_x(0), screen.text.cell_y(0)), picture);
    EXPECT_EQ(screen.pixels.at(screen.pixels.width - 1, screen.pixels.height - 1), picture);
    screen.text.set_painting(true);
    // The text as it is now, and the rest of the screen cleared.
    EXPECT_TRUE(screen.shows(0, 'x'));
    EXPECT_TRUE(screen.shows(1, 'y'));
    EXPECT_EQ(screen.pixels.at(screen.pixels.width - 1, screen.pixels.height - 1), screen.background());
    EXPECT_TRUE(screen.pixels.padding_intact());
}

TEST(SharedScreen, LendsOnceAndTakesBack)
{
    Screen screen;
    screen.shared.write("before");
    EXPECT_TRUE(screen.shows(0, 'b'));
    ASSERT_TRUE(screen.shared.lend().is_ok());
    EXPECT_TRUE(screen.shared.is_lent());
    auto again = screen.shared.lend();
    ASSERT_TRUE(again.is_error());
    EXPECT_EQ(again.error(), Error::Busy);

    screen.paint_picture(picture);
    screen.shared.write("\nwhile lent");
    EXPECT_EQ(screen.pixels.at(screen.text.cell_x(0), screen.text.cell_y(0)), picture);
    EXPECT_EQ(screen.pixels.at(screen.text.cell_x(0), screen.text.cell_y(1)), picture);

    screen.shared.take_back();
    EXPECT_FALSE(screen.shared.is_lent());
    EXPECT_TRUE(screen.shows(0, 'b'));
    EXPECT_EQ(screen.pixels.glyph_mismatches(screen.text.cell_x(0), screen.text.cell_y(1), 'w', screen.foreground(), screen.background()), 0u);
    EXPECT_EQ(screen.pixels.at(screen.pixels.width - 1, screen.pixels.height - 1), screen.background());
    screen.shared.take_back(); // not lent: nothing happens
    EXPECT_TRUE(screen.shared.lend().is_ok());
}

TEST(SharedScreen, FrozenBannerCoversTheTopOfTheBorrowersPictureOnly)
{
    Screen screen;
    const BitmapFont& font = builtin_font;
    uint32_t banner = SharedScreen::banner_background;
    uint32_t banner_height = screen.shared.banner_height();
    EXPECT_EQ(banner_height, 2 * font.height + 3 * SharedScreen::banner_padding);

    // Frozen while the console has the screen: no banner (the console shows the freeze).
    screen.shared.set_frozen(true);
    EXPECT_FALSE(screen.shared.is_banner_shown());
    EXPECT_NE(screen.pixels.at(screen.pixels.width - 1, 0), banner);
    screen.shared.set_frozen(false);

    ASSERT_TRUE(screen.shared.lend().is_ok());
    screen.paint_picture(picture);
    screen.shared.set_frozen(true);
    EXPECT_TRUE(screen.shared.is_banner_shown());
    EXPECT_EQ(screen.pixels.at(screen.pixels.width - 1, 0), banner);
    EXPECT_EQ(screen.pixels.at(0, banner_height - 1), banner);
    EXPECT_EQ(screen.pixels.at(0, banner_height), picture);
    uint32_t title_x = 2 * SharedScreen::banner_padding;
    EXPECT_EQ(screen.pixels.glyph_mismatches(title_x, SharedScreen::banner_padding, 'F', SharedScreen::banner_foreground, banner), 0u);
    EXPECT_EQ(screen.pixels.glyph_mismatches(title_x + font.width, SharedScreen::banner_padding, 'R', SharedScreen::banner_foreground, banner), 0u);

    // The borrower draws over it in its last moments: the next console line paints it again.
    screen.paint_picture(picture);
    screen.shared.write("freeze: every agent is stopped\n");
    EXPECT_EQ(screen.pixels.at(screen.pixels.width - 1, 0), banner);
    EXPECT_EQ(screen.pixels.at(screen.pixels.width - 1, screen.pixels.height - 1), picture);

    // Resumed: the banner stays until the borrower's next frame, and is not painted again.
    screen.shared.set_frozen(false);
    EXPECT_FALSE(screen.shared.is_banner_shown());
    screen.paint_picture(picture);
    screen.shared.write("resume: agents run again\n");
    EXPECT_EQ(screen.pixels.at(screen.pixels.width - 1, 0), picture);

    // Lent while frozen (a call already in the kernel): the banner comes at once.
    screen.shared.take_back();
    screen.shared.set_frozen(true);
    ASSERT_TRUE(screen.shared.lend().is_ok());
    EXPECT_EQ(screen.pixels.at(screen.pixels.width - 1, 0), banner);
    // Taken back while frozen (the holder was killed): the console, no banner.
    screen.shared.take_back();
    EXPECT_NE(screen.pixels.at(screen.pixels.width - 1, 0), banner);
    EXPECT_TRUE(screen.pixels.padding_intact());
}

TEST(SharedScreen, WithoutAConsoleThereIsNothingToLend)
{
    SharedScreen inert;
    auto lent = inert.lend();
    ASSERT_TRUE(lent.is_error());
    EXPECT_EQ(lent.error(), Error::NotSupported);
    inert.write("ignored");
    inert.set_frozen(true);
    inert.take_back();
    EXPECT_FALSE(inert.is_lent());
}

TEST(LibgehriDisplay, DrawsInTheFramebuffersFormat)
{
    gehri::abi::DisplayInfo info { .width = 40, .height = 20, .pitch = 40 * 4 + 8, .bits_per_pixel = 32, .red_shift = 0, .green_shift = 8, .blue_shift = 16 };
    Pixels memory(40, 20, info.pitch, bgr);
    auto made = Display::over(memory.memory.data(), info);
    ASSERT_TRUE(made.is_ok());
    Display display = made.release_value();
    EXPECT_EQ(display.width(), 40u);
    EXPECT_EQ(display.height(), 20u);
    EXPECT_EQ(display.pixel(0xAABBCC), 0xCCBBAAu);
    display.clear(0x000000);
    display.fill_rect(10, 5, 100, 2, 0xFF0000); // clipped on the right
    display.put_pixel(0, 19, 0x0000FF);
    display.put_pixel(40, 0, 0xFFFFFF); // outside: ignored
    EXPECT_EQ(memory.at(10, 5), 0x0000FFu);
    EXPECT_EQ(memory.at(39, 6), 0x0000FFu);
    EXPECT_EQ(memory.at(9, 5), 0u);
    EXPECT_EQ(memory.at(10, 7), 0u);
    EXPECT_EQ(memory.at(0, 19), 0xFF0000u);
    uint32_t row[3] = { display.pixel(0x010203), display.pixel(0x040506), display.pixel(0x070809) };
    display.store_row(38, 0, row, 3); // the third pixel is clipped
    EXPECT_EQ(memory.at(38, 0), 0x030201u);
    EXPECT_EQ(memory.at(39, 0), 0x060504u);
    uint32_t width = display.draw_text(1, 2, "Go", 0xFFFFFF, 0x000000);
    EXPECT_EQ(width, 2 * display.font().width);
    EXPECT_EQ(memory.glyph_mismatches(1, 2, 'G', 0xFFFFFF, 0), 0u);
    EXPECT_TRUE(memory.padding_intact());
}

TEST(LibgehriDisplay, RefusesWhatItCannotDrawOn)
{
    std::vector<uint8_t> memory(64 * 4);
    gehri::abi::DisplayInfo info { .width = 8, .height = 8, .pitch = 32, .bits_per_pixel = 24 };
    EXPECT_EQ(Display::over(memory.data(), info).error(), Error::InvalidArgument);
    info.bits_per_pixel = 32;
    EXPECT_EQ(Display::over(nullptr, info).error(), Error::InvalidArgument);
    info.red_shift = 25;
    EXPECT_EQ(Display::over(memory.data(), info).error(), Error::InvalidArgument);
}
