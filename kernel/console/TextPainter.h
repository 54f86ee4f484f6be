#pragma once

#include <kernel/console/BitmapFont.h>
#include <kernel/console/PixelSurface.h>
#include <kernel/lib/StringView.h>

// Text drawn straight onto a pixel surface, one line at a time: what the kernel's FROZEN
// banner and agents drawing on the display (libgehri's Display) share. Unlike TextConsole
// there is no grid, no scrolling and no escape sequences: a string lands where it is told.
namespace gehri::console {

// Draws glyph `glyph` of `font` with its top-left pixel at (x, y): every pixel of the cell,
// foreground where the glyph is lit, background elsewhere. Clipped to the surface.
void draw_glyph(PixelSurface& surface, const BitmapFont& font, uint32_t x, uint32_t y, uint32_t glyph, uint32_t foreground, uint32_t background);

// Draws UTF-8 `text` from (x, y) rightwards, one cell per character (invalid UTF-8 shows the
// replacement glyph; control characters show the font's glyph for them, or its fallback).
// Clipped to the surface; returns the width in pixels the whole text takes, drawn or not.
uint32_t draw_text(PixelSurface& surface, const BitmapFont& font, uint32_t x, uint32_t y, StringView text, uint32_t foreground,
    uint32_t background);

// The width in pixels draw_text would take for `text`.
uint32_t text_width(const BitmapFont& font, StringView text);

} // namespace gehri::console
