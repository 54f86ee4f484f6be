#include <kernel/console/Palette.h>
#include <kernel/console/TextConsole.h>
#include <string.h>

// Supported sequences (everything else is consumed and ignored):
//   ESC[...m   SGR: 0 reset, 1 bold, 22 normal, 7/27 reverse on/off, 30-37 40-47 colours,
//              90-97 100-107 bright colours, 39/49 default colours, 38/48;5;N and
//              38/48;2;R;G;B (drawn with the nearest of the 16 palette colours)
//   ESC[nA/B/C/D cursor up/down/right/left, ESC[r;cH (or f) cursor position
//   ESC[nJ     erase in display (0 to end, 1 to cursor, 2/3 all), ESC[nK erase in line
//   ESC[?25h/l show/hide the cursor, ESC c reset
namespace gehri::console {

namespace {
constexpr uint8_t colours_of(uint8_t foreground, uint8_t background) { return static_cast<uint8_t>(foreground | (background << 4)); }
template<typename T>
constexpr T min_of(T a, T b) { return a < b ? a : b; }
} // namespace

Result<TextConsole> TextConsole::create(const PixelSurface& surface, const BitmapFont& font, Cell* storage, size_t storage_cells, uint32_t margin)
{
    if (!font.is_usable() || storage == nullptr)
        return Error::InvalidArgument;
    if (surface.width() <= 2 * static_cast<uint64_t>(margin) + font.width || surface.height() <= 2 * static_cast<uint64_t>(margin) + font.height)
        margin = 0;
    uint32_t columns = (surface.width() - 2 * margin) / font.width;
    uint32_t rows = (surface.height() - 2 * margin) / font.height;
    size_t grid_capacity = storage_cells / 2;
    columns = static_cast<uint32_t>(min_of<size_t>(columns, grid_capacity));
    if (columns == 0 || rows == 0)
        return Error::OutOfRange;
    rows = static_cast<uint32_t>(min_of<size_t>(rows, grid_capacity / columns));
    uint32_t origin_x = (surface.width() - columns * font.width) / 2;
    uint32_t origin_y = (surface.height() - rows * font.height) / 2;
    return TextConsole(surface, font, storage, columns, rows, origin_x, origin_y);
}

TextConsole::TextConsole(const PixelSurface& surface, const BitmapFont& font, Cell* storage, uint32_t columns, uint32_t rows, uint32_t origin_x, uint32_t origin_y)
    : m_surface(surface)
    , m_font(&font)
    , m_cells(storage)
    , m_shown(storage + static_cast<size_t>(columns) * rows)
    , m_columns(columns)
    , m_rows(rows)
    , m_origin_x(origin_x)
    , m_origin_y(origin_y)
    , m_space_glyph(static_cast<uint16_t>(font.glyph_for(' ')))
{
    for (size_t i = 0; i < 16; ++i)
        m_pixels[i] = m_surface.pack(ansi_palette[i]);
    // Start from a known screen: all background, every cell blank both in the text and in
    // the record of what is shown, so the first write draws only what it writes.
    m_surface.fill(0, 0, m_surface.width(), m_surface.height(), m_pixels[default_background]);
    for (size_t i = 0; i < static_cast<size_t>(columns) * rows; ++i)
        m_cells[i] = m_shown[i] = blank();
}

void TextConsole::write(StringView text)
{
    if (m_cells == nullptr)
        return;
    for (char c : text)
        feed(static_cast<uint8_t>(c));
    flush();
}

void TextConsole::feed(uint8_t byte)
{
    auto action = m_parser.feed(byte);
    uint32_t code_points[2];
    if (action != AnsiParser::Action::Print && m_decoder.flush(code_points) != 0)
        put(code_points[0]); // a UTF-8 sequence cut short by a control or an escape
    switch (action) {
    case AnsiParser::Action::Print: {
        size_t count = m_decoder.feed(byte, code_points);
        for (size_t i = 0; i < count; ++i)
            put(code_points[i]);
        break;
    }
    case AnsiParser::Action::Execute:
        execute(byte);
        break;
    case AnsiParser::Action::CsiDispatch:
        control_sequence(m_parser.csi());
        break;
    case AnsiParser::Action::EscapeDispatch:
        if (byte == 'c')
            reset();
        break;
    case AnsiParser::Action::None:
        break;
    }
}

void TextConsole::put(uint32_t code_point)
{
    if (m_pending_wrap) {
        carriage_return();
        line_feed();
    }
    m_cells[index_of(m_column, m_row)] = { static_cast<uint16_t>(m_font->glyph_for(code_point)), current_colours(), static_cast<uint8_t>(m_bold ? Cell::Bold : 0) };
    mark_dirty(m_row, m_row);
    if (m_column + 1 < m_columns)
        ++m_column;
    else
        m_pending_wrap = true;
}

void TextConsole::execute(uint8_t control)
{
    switch (control) {
    case '\n':
        // Kernel text ends lines with "\n" alone: a new line starts at the left margin.
        carriage_return();
        line_feed();
        break;
    case '\r':
        carriage_return();
        break;
    case '\t':
        m_pending_wrap = false;
        m_column = min_of(m_column / tab_width * tab_width + tab_width, m_columns - 1);
        break;
    case '\b':
        // From a pending wrap, backspace only cancels the wrap: the cursor is already on the
        // last character, so "\b \b" erases it as it does anywhere else on the line.
        if (m_pending_wrap)
            m_pending_wrap = false;
        else if (m_column > 0)
            --m_column;
        break;
    default:
        break; // BEL and the other controls have nothing to show
    }
}

void TextConsole::carriage_return()
{
    m_column = 0;
    m_pending_wrap = false;
}

void TextConsole::line_feed()
{
    if (m_row + 1 < m_rows) {
        ++m_row;
        return;
    }
    memmove(m_cells, m_cells + m_columns, static_cast<size_t>(m_rows - 1) * m_columns * sizeof(Cell));
    erase(0, m_rows - 1, m_columns);
    mark_dirty(0, m_rows - 1);
}

void TextConsole::move_cursor_to(uint32_t column, uint32_t row)
{
    m_column = min_of(column, m_columns - 1);
    m_row = min_of(row, m_rows - 1);
    m_pending_wrap = false;
}

void TextConsole::control_sequence(const AnsiParser::ControlSequence& csi)
{
    if (csi.has_intermediate)
        return;
    if (csi.private_marker == '?') {
        if ((csi.final_byte == 'h' || csi.final_byte == 'l') && csi.parameter(0, 0) == 25)
            m_cursor_visible = csi.final_byte == 'h';
        return;
    }
    if (csi.private_marker != 0)
        return;
    uint32_t count = csi.parameter(0, 1);
    switch (csi.final_byte) {
    case 'm':
        select_graphic_rendition(csi);
        break;
    case 'A':
        move_cursor_to(m_column, m_row > count ? m_row - count : 0);
        break;
    case 'B':
        move_cursor_to(m_column, m_row + count);
        break;
    case 'C':
        move_cursor_to(m_column + count, m_row);
        break;
    case 'D':
        move_cursor_to(m_column > count ? m_column - count : 0, m_row);
        break;
    case 'H':
    case 'f':
        move_cursor_to(csi.parameter(1, 1) - 1u, csi.parameter(0, 1) - 1u);
        break;
    case 'J':
        erase_in_display(csi.parameter(0, 0));
        break;
    case 'K':
        erase_in_line(csi.parameter(0, 0));
        break;
    default:
        break;
    }
}

void TextConsole::select_graphic_rendition(const AnsiParser::ControlSequence& csi)
{
    if (csi.parameter_count == 0) {
        m_foreground = default_foreground;
        m_background = default_background;
        m_bold = m_reverse = false;
        return;
    }
    for (size_t i = 0; i < csi.parameter_count; ++i) {
        uint16_t p = csi.parameters[i];
        if (p == 0) {
            m_foreground = default_foreground;
            m_background = default_background;
            m_bold = m_reverse = false;
        } else if (p == 1) {
            m_bold = true;
        } else if (p == 22) {
            m_bold = false;
        } else if (p == 7) {
            m_reverse = true;
        } else if (p == 27) {
            m_reverse = false;
        } else if (p >= 30 && p <= 37) {
            m_foreground = static_cast<uint8_t>(p - 30);
        } else if (p >= 90 && p <= 97) {
            m_foreground = static_cast<uint8_t>(p - 90 + 8);
        } else if (p == 39) {
            m_foreground = default_foreground;
        } else if (p >= 40 && p <= 47) {
            m_background = static_cast<uint8_t>(p - 40);
        } else if (p >= 100 && p <= 107) {
            m_background = static_cast<uint8_t>(p - 100 + 8);
        } else if (p == 49) {
            m_background = default_background;
        } else if (p == 38) {
            i += extended_colour(csi, i, m_foreground);
        } else if (p == 48) {
            i += extended_colour(csi, i, m_background);
        }
    }
}

// "38;5;N" or "38;2;R;G;B" starting at parameter i; returns how many parameters it used
// beyond i. A malformed one uses the rest, as xterm does, so its numbers are not misread
// as other attributes.
size_t TextConsole::extended_colour(const AnsiParser::ControlSequence& csi, size_t i, uint8_t& colour)
{
    size_t remaining = csi.parameter_count - i - 1;
    uint16_t kind = remaining >= 1 ? csi.parameters[i + 1] : 0;
    if (kind == 5 && remaining >= 2) {
        uint16_t index = csi.parameters[i + 2];
        if (index < 256)
            colour = index < 16 ? static_cast<uint8_t>(index) : nearest_palette_index(xterm_256_colour(static_cast<uint8_t>(index)));
        return 2;
    }
    if (kind == 2 && remaining >= 4) {
        auto channel = [&](size_t k) { return static_cast<uint8_t>(min_of<uint16_t>(csi.parameters[i + k], 255)); };
        colour = nearest_palette_index({ channel(2), channel(3), channel(4) });
        return 4;
    }
    return remaining;
}

void TextConsole::reset()
{
    m_foreground = default_foreground;
    m_background = default_background;
    m_bold = m_reverse = false;
    m_cursor_visible = true;
    erase(0, 0, static_cast<size_t>(m_columns) * m_rows);
    mark_dirty(0, m_rows - 1);
    move_cursor_to(0, 0);
}

void TextConsole::erase(uint32_t column, uint32_t row, size_t count)
{
    size_t start = index_of(column, row);
    size_t end = min_of(start + count, static_cast<size_t>(m_columns) * m_rows);
    Cell empty = blank();
    for (size_t i = start; i < end; ++i)
        m_cells[i] = empty;
}

void TextConsole::erase_in_display(uint16_t mode)
{
    size_t all = static_cast<size_t>(m_columns) * m_rows;
    size_t cursor = index_of(m_column, m_row);
    if (mode == 0) {
        erase(m_column, m_row, all - cursor);
        mark_dirty(m_row, m_rows - 1);
    } else if (mode == 1) {
        erase(0, 0, cursor + 1);
        mark_dirty(0, m_row);
    } else if (mode == 2 || mode == 3) {
        erase(0, 0, all);
        mark_dirty(0, m_rows - 1);
    }
}

void TextConsole::erase_in_line(uint16_t mode)
{
    if (mode == 0)
        erase(m_column, m_row, m_columns - m_column);
    else if (mode == 1)
        erase(0, m_row, m_column + 1);
    else if (mode == 2)
        erase(0, m_row, m_columns);
    mark_dirty(m_row, m_row);
}

uint8_t TextConsole::current_colours() const
{
    uint8_t foreground = m_foreground < 8 && m_bold ? static_cast<uint8_t>(m_foreground + 8) : m_foreground;
    return m_reverse ? colours_of(m_background, foreground) : colours_of(foreground, m_background);
}

Cell TextConsole::blank() const
{
    return { m_space_glyph, current_colours(), 0 };
}

void TextConsole::mark_dirty(uint32_t first_row, uint32_t last_row)
{
    m_dirty_first = min_of(m_dirty_first, first_row);
    m_dirty_last = m_dirty_last > last_row ? m_dirty_last : last_row;
}

void TextConsole::flush()
{
    mark_dirty(m_row, m_row);
    mark_dirty(m_shown_cursor_row, m_shown_cursor_row);
    size_t cursor = m_cursor_visible ? index_of(m_column, m_row) : ~size_t(0);
    for (uint32_t row = m_dirty_first; row <= m_dirty_last && row < m_rows; ++row) {
        for (uint32_t column = 0; column < m_columns; ++column) {
            size_t i = index_of(column, row);
            Cell wanted = m_cells[i];
            if (i == cursor)
                wanted.flags |= Cell::Cursor;
            if (wanted == m_shown[i])
                continue;
            draw(column, row, wanted);
            m_shown[i] = wanted;
        }
    }
    m_shown_cursor_row = m_row;
    m_dirty_first = ~0u;
    m_dirty_last = 0;
}

void TextConsole::draw(uint32_t column, uint32_t row, Cell cell)
{
    const BitmapFont& font = *m_font;
    uint32_t foreground = m_pixels[cell.foreground()];
    uint32_t background = m_pixels[cell.background()];
    uint32_t cursor_from = (cell.flags & Cell::Cursor) ? font.height - (font.height >= 8 ? 2 : 1) : font.height;
    uint32_t line[BitmapFont::max_width];
    for (uint32_t y = 0; y < font.height; ++y) {
        uint32_t bits = font.row_bits(cell.glyph, y);
        if (cell.flags & Cell::Bold)
            bits |= bits >> 1; // embolden: every lit pixel also lights its right neighbour
        if (y >= cursor_from)
            bits = ~0u;
        for (uint32_t x = 0; x < font.width; ++x)
            line[x] = (bits >> (font.width - 1 - x)) & 1 ? foreground : background;
        m_surface.store_span(cell_x(column), cell_y(row) + y, line, font.width);
    }
}

} // namespace gehri::console
