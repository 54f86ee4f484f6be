#include <gtest/gtest.h>
#include <kernel/console/PixelSurface.h>
#include <string.h>
#include <vector>

using namespace gehri;
using namespace gehri::console;

namespace {
constexpr uint8_t canary = 0xA5;

// A 5x3 surface with an odd 23-byte pitch in memory of exactly 2 * 23 + 5 * 4 bytes.
struct SmallSurface {
    SmallSurface()
        : memory(2 * 23 + 5 * 4, canary)
        , surface(PixelSurface::create(memory.data(), 23, 5, 3, {}).release_value())
    {
    }
    uint32_t pixel(uint32_t x, uint32_t y) const
    {
        uint32_t value;
        memcpy(&value, memory.data() + y * 23 + x * 4, 4);
        return value;
    }
    bool is_canary(uint32_t x, uint32_t y) const { return pixel(x, y) == 0xA5A5A5A5u; }
    std::vector<uint8_t> memory;
    PixelSurface surface;
};
} // namespace

TEST(PixelSurface, PacksChannelsAtTheirShifts)
{
    uint8_t pixel[4];
    auto rgb = PixelSurface::create(pixel, 4, 1, 1, { 16, 8, 0 }).release_value();
    EXPECT_EQ(rgb.pack({ 0x12, 0x34, 0x56 }), 0x123456u);
    auto bgr = PixelSurface::create(pixel, 4, 1, 1, { 0, 8, 16 }).release_value();
    EXPECT_EQ(bgr.pack({ 0x12, 0x34, 0x56 }), 0x563412u);
    auto high = PixelSurface::create(pixel, 4, 1, 1, { 24, 16, 8 }).release_value();
    EXPECT_EQ(high.pack({ 0x12, 0x34, 0x56 }), 0x12345600u);
}

TEST(PixelSurface, FillIsClippedToTheSurface)
{
    SmallSurface s;
    s.surface.fill(3, 1, 100, 100, 0x11223344u);
    for (uint32_t y = 0; y < 3; ++y) {
        for (uint32_t x = 0; x < 5; ++x) {
            if (x >= 3 && y >= 1) {
                EXPECT_EQ(s.pixel(x, y), 0x11223344u) << x << "," << y;
            } else {
                EXPECT_TRUE(s.is_canary(x, y)) << x << "," << y;
            }
        }
    }
    // The 3 padding bytes after each of the first two rows are untouched.
    for (size_t row = 0; row < 2; ++row) {
        for (size_t i = row * 23 + 20; i < (row + 1) * 23; ++i)
            EXPECT_EQ(s.memory[i], canary);
    }
}

TEST(PixelSurface, StoresOutsideAreDropped)
{
    SmallSurface s;
    uint32_t span[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
    s.surface.store_span(3, 2, span, 8); // only two pixels fit
    EXPECT_EQ(s.pixel(3, 2), 1u);
    EXPECT_EQ(s.pixel(4, 2), 2u);
    s.surface.store_span(5, 0, span, 1);
    s.surface.store_span(0, 3, span, 1);
    s.surface.store_span(0xFFFFFFFFu, 0xFFFFFFFFu, span, 8);
    s.surface.fill(5, 0, 1, 1, 0);
    s.surface.fill(0, 3, 1, 1, 0);
    s.surface.fill(0xFFFFFFFFu, 0, 0xFFFFFFFFu, 1, 0);
    for (uint32_t y = 0; y < 3; ++y) {
        for (uint32_t x = 0; x < 5; ++x) {
            if (!(y == 2 && x >= 3)) {
                EXPECT_TRUE(s.is_canary(x, y)) << x << "," << y;
            }
        }
    }
}

TEST(PixelSurface, WidthIsNarrowedToThePitch)
{
    std::vector<uint8_t> memory(2 * 10 + 8, canary);
    auto surface = PixelSurface::create(memory.data(), 10, 7, 3, {}).release_value();
    EXPECT_EQ(surface.width(), 2u);
    surface.fill(0, 0, 100, 100, 0);
    EXPECT_EQ(memory[8], canary); // bytes 8 and 9 of each row are beyond the narrowed width
    EXPECT_EQ(memory[9], canary);
}

TEST(PixelSurface, RejectsBadArguments)
{
    uint8_t pixel[4];
    EXPECT_EQ(PixelSurface::create(nullptr, 400, 100, 100, {}).error(), Error::InvalidArgument);
    EXPECT_EQ(PixelSurface::create(pixel, 4, 1, 1, { 25, 8, 0 }).error(), Error::InvalidArgument);
    EXPECT_EQ(PixelSurface::create(pixel, 4, 1, 1, { 0, 25, 0 }).error(), Error::InvalidArgument);
    EXPECT_EQ(PixelSurface::create(pixel, 4, 1, 1, { 0, 8, 25 }).error(), Error::InvalidArgument);
    EXPECT_TRUE(PixelSurface::create(pixel, 4, 1, 1, { 24, 8, 0 }).is_ok());
}
