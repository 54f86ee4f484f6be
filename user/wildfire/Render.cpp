#include <user/wildfire/Render.h>

namespace gehri::wildfire {

namespace {

// Higher wins inside a text block.
int glyph_rank(char glyph)
{
    switch (glyph) {
    case '*': return 9;
    case 'X': return 8;
    case 'V': return 7;
    case 'Q': return 6;
    case 'R': return 6;
    case '@': return 5;
    case 'x': return 5;
    case 'o': return 4;
    case '#': return 3;
    case 'B': return 2;
    default: return 0;
    }
}

} // namespace

char cell_glyph(const Cell& cell)
{
    switch (cell.fire) {
    case FireState::Burning: return '*';
    case FireState::Suppressed: return cell.terrain == Terrain::Village ? 'V' : 'o';
    case FireState::Burnt: return cell.terrain == Terrain::Village ? 'X' : '#';
    case FireState::Unburnt: break;
    }
    switch (cell.terrain) {
    case Terrain::Grass: return '.';
    case Terrain::Brush: return ',';
    case Terrain::Forest: return 'T';
    case Terrain::Rock: return '^';
    case Terrain::Water: return '~';
    case Terrain::Village: return 'V';
    case Terrain::Base: return 'B';
    }
    return '?';
}

char marker_glyph(MarkerKind kind)
{
    switch (kind) {
    case MarkerKind::Drone: return '@';
    case MarkerKind::Rogue: return 'R';
    case MarkerKind::Quarantined: return 'Q';
    case MarkerKind::Crashed: return 'x';
    }
    return '?';
}

size_t ascii_size(const MapView& map, int32_t scale)
{
    if (scale < 1)
        return 0;
    size_t columns = static_cast<size_t>((map.width + scale - 1) / scale);
    size_t rows = static_cast<size_t>((map.height + scale - 1) / scale);
    return (columns + 1) * rows;
}

Result<size_t> render_ascii(const MapView& map, Span<const Marker> markers, int32_t scale, Span<char> out)
{
    if (scale < 1)
        return Error::InvalidArgument;
    size_t size = ascii_size(map, scale);
    if (out.size() < size)
        return Error::OutOfRange;
    int32_t columns = (map.width + scale - 1) / scale;
    int32_t rows = (map.height + scale - 1) / scale;
    size_t row_length = static_cast<size_t>(columns) + 1;
    for (int32_t row = 0; row < rows; ++row) {
        for (int32_t column = 0; column < columns; ++column) {
            char best = cell_glyph(map.at({ column * scale, row * scale }));
            for (int32_t y = row * scale; y < minimum((row + 1) * scale, map.height); ++y) {
                for (int32_t x = column * scale; x < minimum((column + 1) * scale, map.width); ++x) {
                    char glyph = cell_glyph(map.at({ x, y }));
                    if (glyph_rank(glyph) > glyph_rank(best))
                        best = glyph;
                }
            }
            out[static_cast<size_t>(row) * row_length + static_cast<size_t>(column)] = best;
        }
        out[static_cast<size_t>(row) * row_length + static_cast<size_t>(columns)] = '\n';
    }
    for (const Marker& marker : markers) {
        if (!map.contains(marker.at))
            continue;
        char& slot = out[static_cast<size_t>(marker.at.y / scale) * row_length + static_cast<size_t>(marker.at.x / scale)];
        char glyph = marker_glyph(marker.kind);
        if (glyph_rank(glyph) > glyph_rank(slot))
            slot = glyph;
    }
    return size;
}

uint32_t cell_colour(const Cell& cell)
{
    switch (cell.fire) {
    case FireState::Burning: return cell.intensity >= 128 ? 0xffd020 : 0xff4000;
    case FireState::Burnt: return cell.terrain == Terrain::Village ? 0x800000 : 0x303030;
    case FireState::Suppressed: return cell.terrain == Terrain::Village ? 0xffffff : 0x40a0ff;
    case FireState::Unburnt: break;
    }
    switch (cell.terrain) {
    case Terrain::Grass: return 0x9acd32;
    case Terrain::Brush: return 0x6b8e23;
    case Terrain::Forest: return 0x1f5f1f;
    case Terrain::Rock: return 0x8c8070;
    case Terrain::Water: return 0x1e4a9a;
    case Terrain::Village: return 0xffffff;
    case Terrain::Base: return 0xc0c0c0;
    }
    return 0;
}

uint32_t marker_colour(MarkerKind kind)
{
    switch (kind) {
    case MarkerKind::Drone: return 0x00ffff;
    case MarkerKind::Rogue: return 0xff00ff;
    case MarkerKind::Quarantined: return 0xff80ff;
    case MarkerKind::Crashed: return 0x000000;
    }
    return 0;
}

Result<void> render_rgb(const MapView& map, Span<const Marker> markers, int32_t scale, PixelTarget target)
{
    if (scale < 1)
        return Error::InvalidArgument;
    uint64_t needed_width = static_cast<uint64_t>(map.width) * static_cast<uint64_t>(scale);
    uint64_t needed_height = static_cast<uint64_t>(map.height) * static_cast<uint64_t>(scale);
    if (target.stride < target.width || needed_width > target.width || needed_height > target.height)
        return Error::OutOfRange;
    if (static_cast<uint64_t>(target.pixels.size()) < static_cast<uint64_t>(target.stride) * target.height)
        return Error::OutOfRange;
    auto fill = [&](Point cell, uint32_t colour) {
        for (int32_t dy = 0; dy < scale; ++dy) {
            size_t row = (static_cast<size_t>(cell.y) * static_cast<size_t>(scale) + static_cast<size_t>(dy)) * target.stride;
            size_t column = static_cast<size_t>(cell.x) * static_cast<size_t>(scale);
            for (int32_t dx = 0; dx < scale; ++dx)
                target.pixels[row + column + static_cast<size_t>(dx)] = colour;
        }
    };
    for (int32_t y = 0; y < map.height; ++y) {
        for (int32_t x = 0; x < map.width; ++x)
            fill({ x, y }, cell_colour(map.at({ x, y })));
    }
    for (const Marker& marker : markers) {
        if (map.contains(marker.at))
            fill(marker.at, marker_colour(marker.kind));
    }
    return {};
}

} // namespace gehri::wildfire
