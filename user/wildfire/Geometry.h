#pragma once

#include <stdint.h>

namespace gehri::wildfire {

// Cells are addressed by (x, y), x to the east, y to the south; (0, 0) is the north-west corner.
struct Point {
    int32_t x { 0 };
    int32_t y { 0 };
    constexpr bool operator==(const Point&) const = default;
};

constexpr int32_t absolute(int32_t value) { return value < 0 ? -value : value; }
constexpr int32_t maximum(int32_t a, int32_t b) { return a > b ? a : b; }
constexpr int32_t minimum(int32_t a, int32_t b) { return a < b ? a : b; }
constexpr int32_t clamp(int32_t value, int32_t low, int32_t high) { return value < low ? low : (value > high ? high : value); }
constexpr int32_t sign(int32_t value) { return value > 0 ? 1 : (value < 0 ? -1 : 0); }

// Drones fly in 8 directions at one cell per step, so Chebyshev distance is the travel time.
constexpr int32_t distance(Point a, Point b) { return maximum(absolute(a.x - b.x), absolute(a.y - b.y)); }

// At most `steps` diagonal-first moves from `from` toward `to`.
constexpr Point step_toward(Point from, Point to, int32_t steps)
{
    for (int32_t i = 0; i < steps && !(from == to); ++i) {
        from.x += sign(to.x - from.x);
        from.y += sign(to.y - from.y);
    }
    return from;
}

// Half-open rectangle [x0, x1) x [y0, y1).
struct Rect {
    int32_t x0 { 0 };
    int32_t y0 { 0 };
    int32_t x1 { 0 };
    int32_t y1 { 0 };

    constexpr int32_t width() const { return x1 > x0 ? x1 - x0 : 0; }
    constexpr int32_t height() const { return y1 > y0 ? y1 - y0 : 0; }
    constexpr bool is_empty() const { return width() == 0 || height() == 0; }
    constexpr bool contains(Point p) const { return p.x >= x0 && p.x < x1 && p.y >= y0 && p.y < y1; }
    constexpr Rect intersect(const Rect& other) const
    {
        return { maximum(x0, other.x0), maximum(y0, other.y0), minimum(x1, other.x1), minimum(y1, other.y1) };
    }
    // The square of the given radius around a centre.
    static constexpr Rect around(Point centre, int32_t radius) { return { centre.x - radius, centre.y - radius, centre.x + radius + 1, centre.y + radius + 1 }; }
    constexpr bool operator==(const Rect&) const = default;
};

// Compass directions, clockwise from north. Wind "from the west" blows toward East.
enum class Direction : uint8_t { North, NorthEast, East, SouthEast, South, SouthWest, West, NorthWest };
constexpr uint32_t direction_count = 8;

constexpr Point direction_vector(Direction direction)
{
    constexpr Point vectors[direction_count] = { { 0, -1 }, { 1, -1 }, { 1, 0 }, { 1, 1 }, { 0, 1 }, { -1, 1 }, { -1, 0 }, { -1, -1 } };
    return vectors[static_cast<uint32_t>(direction) % direction_count];
}

constexpr Direction rotate(Direction direction, int32_t eighths)
{
    int32_t value = (static_cast<int32_t>(direction) + eighths) % static_cast<int32_t>(direction_count);
    return static_cast<Direction>(value < 0 ? value + static_cast<int32_t>(direction_count) : value);
}

// 0 (same direction) .. 4 (opposite), in eighths of a turn.
constexpr uint32_t angle_between(Direction a, Direction b)
{
    uint32_t difference = (static_cast<uint32_t>(a) - static_cast<uint32_t>(b)) & 7u;
    return difference > 4 ? 8 - difference : difference;
}

} // namespace gehri::wildfire
