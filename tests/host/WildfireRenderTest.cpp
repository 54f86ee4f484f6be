#include <gtest/gtest.h>
#include <string>
#include <user/wildfire/Render.h>
#include <vector>

using namespace gehri;
using namespace gehri::wildfire;

namespace {

struct Map {
    Map(int32_t w, int32_t h)
        : width(w)
        , height(h)
        , cells(static_cast<size_t>(w * h), Cell { Terrain::Grass, FireState::Unburnt, 80, 0 })
    {
    }
    MapView view() const { return { Span<const Cell>(cells.data(), cells.size()), width, height }; }
    Cell& at(Point p) { return cells[static_cast<size_t>(p.y * width + p.x)]; }
    int32_t width, height;
    std::vector<Cell> cells;
};

} // namespace

TEST(WildfireRender, AsciiDimensionsGlyphsAndPriorities)
{
    Map map(10, 5);
    map.at({ 0, 0 }).terrain = Terrain::Water;
    map.at({ 3, 0 }).fire = FireState::Burning;
    map.at({ 9, 4 }).terrain = Terrain::Village;
    map.at({ 5, 2 }).fire = FireState::Burnt;
    Marker markers[] = { { { 7, 1 }, MarkerKind::Drone }, { { 3, 0 }, MarkerKind::Rogue } };
    EXPECT_EQ(ascii_size(map.view(), 1), 11u * 5);
    std::vector<char> out(ascii_size(map.view(), 1));
    ASSERT_EQ(render_ascii(map.view(), Span<const Marker>(markers, 2), 1, Span<char>(out.data(), out.size())).value(), 55u);
    std::string text(out.begin(), out.end());
    EXPECT_EQ(text, "~..*......\n"
                    ".......@..\n"
                    ".....#....\n"
                    "..........\n"
                    ".........V\n");
    // Scale 3: 4x2 blocks; fire outranks the rogue and the water in block (0..2, 0..2)?
    // No: block (0,0) covers x 0..2, the fire is at x 3, block (1,0).
    EXPECT_EQ(ascii_size(map.view(), 3), 5u * 2);
    std::vector<char> small(ascii_size(map.view(), 3));
    ASSERT_TRUE(render_ascii(map.view(), Span<const Marker>(markers, 2), 3, Span<char>(small.data(), small.size())).is_ok());
    EXPECT_EQ(std::string(small.begin(), small.end()), "~*@.\n...V\n");
    EXPECT_EQ(render_ascii(map.view(), {}, 1, Span<char>(out.data(), 10)).error(), Error::OutOfRange);
    EXPECT_EQ(render_ascii(map.view(), {}, 0, Span<char>(out.data(), out.size())).error(), Error::InvalidArgument);
    EXPECT_EQ(cell_glyph({ Terrain::Village, FireState::Burnt, 0, 0 }), 'X');
    EXPECT_EQ(cell_glyph({ Terrain::Forest, FireState::Suppressed, 0, 0 }), 'o');
}

TEST(WildfireRender, RgbBlocksColoursAndBounds)
{
    Map map(4, 3);
    map.at({ 1, 1 }).fire = FireState::Burning;
    map.at({ 1, 1 }).intensity = 200;
    map.at({ 2, 0 }).terrain = Terrain::Water;
    Marker markers[] = { { { 3, 2 }, MarkerKind::Quarantined } };
    constexpr uint32_t stride = 10;
    std::vector<uint32_t> pixels(stride * 7, 0xdeadbeef);
    PixelTarget target { Span<uint32_t>(pixels.data(), pixels.size()), 9, 7, stride };
    ASSERT_TRUE(render_rgb(map.view(), Span<const Marker>(markers, 1), 2, target).is_ok());
    auto pixel = [&](uint32_t x, uint32_t y) { return pixels[y * stride + x]; };
    EXPECT_EQ(pixel(0, 0), 0x9acd32u);          // grass
    EXPECT_EQ(pixel(2, 2), 0xffd020u);          // hot fire, block (1,1) covers pixels 2..3
    EXPECT_EQ(pixel(3, 3), 0xffd020u);
    EXPECT_EQ(pixel(4, 0), 0x1e4a9au);          // water
    EXPECT_EQ(pixel(7, 5), marker_colour(MarkerKind::Quarantined));
    EXPECT_EQ(pixel(8, 0), 0xdeadbeefu);        // beyond the map: untouched
    EXPECT_EQ(pixel(0, 6), 0xdeadbeefu);
    EXPECT_EQ(cell_colour({ Terrain::Grass, FireState::Burning, 50, 50 }), 0xff4000u);
    target.width = 7; // 4 cells * 2 = 8 pixels do not fit
    EXPECT_EQ(render_rgb(map.view(), {}, 2, target).error(), Error::OutOfRange);
    target = { Span<uint32_t>(pixels.data(), 20), 9, 7, stride };
    EXPECT_EQ(render_rgb(map.view(), {}, 2, target).error(), Error::OutOfRange);
    EXPECT_EQ(render_rgb(map.view(), {}, 0, target).error(), Error::InvalidArgument);
}
