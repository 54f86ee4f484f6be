#pragma once

#include <kernel/console/PixelSurface.h>

namespace gehri::console {

// The 16 ANSI colours (0-7 normal, 8-15 bright), a modern, well-balanced set rather than
// the harsh CGA one. Index 0 is the console background, 7 its text.
inline constexpr Rgb ansi_palette[16] = {
    { 12, 12, 12 }, { 197, 15, 31 }, { 19, 161, 14 }, { 193, 156, 0 },
    { 0, 55, 218 }, { 136, 23, 152 }, { 58, 150, 221 }, { 204, 204, 204 },
    { 118, 118, 118 }, { 231, 72, 86 }, { 22, 198, 12 }, { 249, 241, 165 },
    { 59, 120, 255 }, { 180, 0, 158 }, { 97, 214, 214 }, { 242, 242, 242 },
};

// The palette entry closest to an arbitrary colour (for 256-colour and 24-bit SGR).
uint8_t nearest_palette_index(Rgb colour);

// The colour of xterm's 256-colour index (16-231 a 6x6x6 cube, 232-255 greys).
Rgb xterm_256_colour(uint8_t index);

} // namespace gehri::console
