#include <kernel/console/Palette.h>
#include <kernel/console/TextConsole.h>

// The control sequences TextConsole carries out (everything else is consumed and ignored):
//   ESC[...m   SGR: 0 reset, 1 bold, 22 normal, 7/27 reverse on/off, 30-37 40-47 colours,
//              90-97 100-107 bright colours, 39/49 default colours, 38/48;5;N and
//              38/48;2;R;G;B (drawn with the nearest of the 16 palette colours)
//   ESC[nA/B/C/D cursor up/down/right/left, ESC[r;cH (or f) cursor position
//   ESC[nJ     erase in display (0 to end, 1 to cursor, 2/3 all), ESC[nK erase in line
//   ESC[?25h/l show/hide the cursor, ESC c reset
namespace gehri::console {

namespace {
template<typename T>
constexpr T min_of(T a, T b) { return a < b ? a : b; }
} // namespace

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

} // namespace gehri::console
