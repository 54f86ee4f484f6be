#include <kernel/console/Palette.h>
#include <kernel/console/TextConsole.h>
#include <string.h>

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
    if (!m_deferred)
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

void TextConsole::set_painting(bool painting)
{
    if (m_cells == nullptr || painting == m_painting)
        return;
    m_painting = painting;
    if (!painting)
        return;
    // Nothing on the surface can be trusted: clear it, record it as blank, and draw every
    // cell that is not.
    m_surface.fill(0, 0, m_surface.width(), m_surface.height(), m_pixels[default_background]);
    Cell cleared { m_space_glyph, colours_of(default_foreground, default_background), 0 };
    for (size_t i = 0; i < static_cast<size_t>(m_columns) * m_rows; ++i)
        m_shown[i] = cleared;
    mark_dirty(0, m_rows - 1);
    flush();
}

void TextConsole::set_deferred(bool deferred)
{
    m_deferred = deferred;
    if (!deferred)
        flush();
}

void TextConsole::flush()
{
    while (!paint_some(~0u)) { }
}

bool TextConsole::paint_some(uint32_t row_budget)
{
    if (!m_painting || m_cells == nullptr)
        return true;
    // The cursor's rows join a pass when it starts; a cursor that moves into rows already
    // painted waits for the next pass (the console thread starts one every poll).
    if (!m_pass_open) {
        mark_dirty(m_row, m_row);
        mark_dirty(m_shown_cursor_row, m_shown_cursor_row);
        m_pass_open = true;
    }
    uint32_t row = m_dirty_first;
    for (; row <= m_dirty_last && row < m_rows && row_budget > 0; ++row, --row_budget)
        paint_row(row);
    if (row <= m_dirty_last && row < m_rows) {
        m_dirty_first = row;
        return false;
    }
    m_dirty_first = ~0u;
    m_dirty_last = 0;
    m_pass_open = false;
    return true;
}

void TextConsole::paint_row(uint32_t row)
{
    size_t cursor = m_cursor_visible ? index_of(m_column, m_row) : ~size_t(0);
    for (uint32_t column = 0; column < m_columns; ++column) {
        size_t i = index_of(column, row);
        Cell wanted = m_cells[i];
        if (i == cursor) {
            wanted.flags |= Cell::Cursor;
            // Where the cursor was last drawn, so the next pass erases it there even if the
            // row it was on has been painted already.
            m_shown_cursor_row = row;
        }
        if (wanted == m_shown[i])
            continue;
        draw(column, row, wanted);
        m_shown[i] = wanted;
    }
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
