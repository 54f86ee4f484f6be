#pragma once

#include <kernel/lib/Result.h>
#include <kernel/lib/Span.h>
#include <user/wildfire/Cell.h>

namespace gehri::wildfire {

enum class MarkerKind : uint8_t { Drone, Rogue, Quarantined, Crashed };

// Something drawn on top of the map (a drone, by what the viewer knows about it).
struct Marker {
    Point at;
    MarkerKind kind { MarkerKind::Drone };
};

// The glyph of one cell for text summaries: fire '*', suppressed 'o', burnt '#', village 'V'
// (lost village 'X' once burned), base 'B', water '~', rock '^', grass '.', brush ',', forest 'T'.
char cell_glyph(const Cell& cell);
char marker_glyph(MarkerKind kind); // '@' drone, 'R' rogue, 'Q' quarantined, 'x' crashed

// Text map, one character per `scale` x `scale` block and '\n' after each row. A block shows
// its most important content: fire, then villages, then markers, then suppressed, burnt, base,
// and otherwise the terrain of its top-left cell. Returns the characters written (no NUL);
// OutOfRange if `out` is smaller than ascii_size(), InvalidArgument for scale < 1.
size_t ascii_size(const MapView& map, int32_t scale);
Result<size_t> render_ascii(const MapView& map, Span<const Marker> markers, int32_t scale, Span<char> out);

// 0x00RRGGBB, the framebuffer's pixel format on Gehri's console.
uint32_t cell_colour(const Cell& cell);
uint32_t marker_colour(MarkerKind kind);

struct PixelTarget {
    Span<uint32_t> pixels;
    uint32_t width { 0 };  // visible pixels per row
    uint32_t height { 0 }; // rows
    uint32_t stride { 0 }; // pixels from one row to the next (>= width)
};

// Each cell becomes a `scale` x `scale` block at the top-left of the target, each marker fills
// its cell's block. Pixels beyond the map are left alone. OutOfRange if the map does not fit or
// the pixel span is shorter than stride * height; InvalidArgument for scale < 1.
Result<void> render_rgb(const MapView& map, Span<const Marker> markers, int32_t scale, PixelTarget target);

} // namespace gehri::wildfire
