#pragma once

#include <kernel/lib/Span.h>
#include <stdint.h>
#include <user/wildfire/Geometry.h>

namespace gehri::wildfire {

enum class Terrain : uint8_t { Grass, Brush, Forest, Rock, Water, Village, Base };
enum class FireState : uint8_t { Unburnt, Burning, Burnt, Suppressed };

// One map cell in four bytes: 256x256 cells are 256 KiB, one blackboard-sized fire map.
struct Cell {
    Terrain terrain { Terrain::Grass };
    FireState fire { FireState::Unburnt };
    uint8_t fuel { 0 };      // 0..255; 0 never burns
    uint8_t intensity { 0 }; // while burning: fuel left to burn

    constexpr bool is_flammable() const { return fire == FireState::Unburnt && fuel > 0; }
    constexpr bool is_burning() const { return fire == FireState::Burning; }
    constexpr bool operator==(const Cell&) const = default;
};

// What a drone sees of one cell. The terrain is public (every agent has the map); the fire is not.
struct Observation {
    int16_t x { 0 };
    int16_t y { 0 };
    FireState fire { FireState::Unburnt };
    uint8_t intensity { 0 };
    uint8_t fuel { 0 }; // what is left to burn: a burnt or wetted cell cannot burn again
    constexpr Point point() const { return { x, y }; }
    constexpr bool is_flammable() const { return fire == FireState::Unburnt && fuel > 0; }
    constexpr bool operator==(const Observation&) const = default;
};

// A read-only, row-major grid of cells: the world's truth or the swarm's belief.
struct MapView {
    Span<const Cell> cells;
    int32_t width { 0 };
    int32_t height { 0 };

    constexpr bool contains(Point p) const { return p.x >= 0 && p.y >= 0 && p.x < width && p.y < height; }
    constexpr size_t index_of(Point p) const { return static_cast<size_t>(p.y) * static_cast<size_t>(width) + static_cast<size_t>(p.x); }
    constexpr const Cell& at(Point p) const { return cells[index_of(p)]; }
    constexpr Rect bounds() const { return { 0, 0, width, height }; }

    // A burning cell with a flammable neighbour: where the fire can still grow.
    bool is_front(Point p) const;
};

} // namespace gehri::wildfire
