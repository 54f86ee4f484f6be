#pragma once

#include <kernel/console/AnsiParser.h>
#include <kernel/console/BitmapFont.h>
#include <kernel/console/Console.h>
#include <kernel/console/PixelSurface.h>
#include <kernel/console/Utf8Decoder.h>
#include <kernel/lib/Result.h>

namespace gehri::console {

// One character cell of the text grid.
struct Cell {
    enum Flags : uint8_t { Bold = 1, Cursor = 2 };
    uint16_t glyph;
    uint8_t colours; // palette index of the foreground in the low nibble, background in the high
    uint8_t flags;
    uint8_t foreground() const { return colours & 0x0F; }
    uint8_t background() const { return colours >> 4; }
    bool operator==(const Cell&) const = default;
};

// A text terminal drawn with a bitmap font on a pixel surface: UTF-8 text, line wrap,
// scrolling, \n \r \t \b, and the common ANSI sequences (SGR colours and bold, cursor
// movement and erasing; see TextConsoleSequences.cpp). It never reads the surface back
// (framebuffer reads are slow): it keeps the text grid and a copy of what is on screen,
// and after each write redraws only the cells that differ, so a scroll costs the changed
// cells, and a write of many lines at most one redraw.
class TextConsole final : public ConsoleDevice {
public:
    static constexpr uint32_t tab_width = 8;
    static constexpr uint8_t default_foreground = 7;
    static constexpr uint8_t default_background = 0;

    // An inert console without cells; write() does nothing.
    constexpr TextConsole() = default;

    // The grid fills the surface less margin pixels on each side (less the margin if the
    // surface is small), centred. storage holds two cells per grid cell; a grid that would
    // need more is cut to fit. Fails if not even one cell fits or the font is unusable.
    static Result<TextConsole> create(const PixelSurface& surface, const BitmapFont& font, Cell* storage, size_t storage_cells, uint32_t margin = 0);

    void write(StringView text) override;
    bool understands_escape_sequences() const override { return true; }

    // While painting is off (an agent has the screen, kernel/display/) writes still change the
    // text and move the cursor, but nothing is drawn. Turning it back on repaints the whole
    // surface from the text: whatever the surface showed meanwhile is gone.
    void set_painting(bool painting);
    bool is_painting() const { return m_painting; }

    // Deferred, a write changes only the text; paint_some() brings the surface up to date a
    // few rows at a time, so a burst of lines costs one repaint, paid by whoever paints (the
    // console thread) in steps short enough not to hold the console lock for long.
    // Turning deferral off paints everything pending.
    void set_deferred(bool deferred) override;
    bool is_deferred() const { return m_deferred; }
    // Paints at most row_budget of the rows that changed, top first; true once nothing is
    // left to paint.
    bool paint_some(uint32_t row_budget) override;

    uint32_t columns() const { return m_columns; }
    uint32_t rows() const { return m_rows; }
    uint32_t cursor_column() const { return m_column; }
    uint32_t cursor_row() const { return m_row; }
    Cell cell(uint32_t column, uint32_t row) const { return m_cells[index_of(column, row)]; }
    // The top-left pixel of a cell.
    uint32_t cell_x(uint32_t column) const { return m_origin_x + column * m_font->width; }
    uint32_t cell_y(uint32_t row) const { return m_origin_y + row * m_font->height; }

private:
    TextConsole(const PixelSurface& surface, const BitmapFont& font, Cell* storage, uint32_t columns, uint32_t rows, uint32_t origin_x, uint32_t origin_y);

    size_t index_of(uint32_t column, uint32_t row) const { return static_cast<size_t>(row) * m_columns + column; }
    void feed(uint8_t byte);
    void put(uint32_t code_point);
    void execute(uint8_t control);
    void control_sequence(const AnsiParser::ControlSequence& csi);
    void select_graphic_rendition(const AnsiParser::ControlSequence& csi);
    size_t extended_colour(const AnsiParser::ControlSequence& csi, size_t i, uint8_t& colour);
    void reset();

    void carriage_return();
    void line_feed();
    void move_cursor_to(uint32_t column, uint32_t row);
    void erase(uint32_t column, uint32_t row, size_t count);
    void erase_in_display(uint16_t mode);
    void erase_in_line(uint16_t mode);
    Cell blank() const;
    uint8_t current_colours() const;

    void mark_dirty(uint32_t first_row, uint32_t last_row);
    void flush();
    void paint_row(uint32_t row);
    void draw(uint32_t column, uint32_t row, Cell cell);

    PixelSurface m_surface;
    const BitmapFont* m_font { nullptr };
    Cell* m_cells { nullptr }; // what the text is
    Cell* m_shown { nullptr }; // what the surface shows, cursor included
    uint32_t m_columns { 0 };
    uint32_t m_rows { 0 };
    uint32_t m_origin_x { 0 };
    uint32_t m_origin_y { 0 };
    uint32_t m_pixels[16] {}; // the palette in the surface's pixel format
    uint16_t m_space_glyph { 0 };

    uint32_t m_column { 0 };
    uint32_t m_row { 0 };
    // After a character lands in the last column the cursor stays there until the next
    // character (which wraps first): a full-width line then "\n" leaves no blank line.
    bool m_pending_wrap { false };
    bool m_cursor_visible { true };
    bool m_painting { true };
    bool m_deferred { false };
    bool m_pass_open { false }; // paint_some has painted part of the dirty rows
    uint32_t m_shown_cursor_row { 0 };

    uint8_t m_foreground { default_foreground };
    uint8_t m_background { default_background };
    bool m_bold { false };
    bool m_reverse { false };

    uint32_t m_dirty_first { ~0u };
    uint32_t m_dirty_last { 0 };

    AnsiParser m_parser;
    Utf8Decoder m_decoder;
};

} // namespace gehri::console
