#include <kernel/console/Scancode.h>
#include <stddef.h>

namespace gehri::console {

namespace {

constexpr uint8_t extended_prefix = 0xE0;
constexpr uint8_t pause_prefix = 0xE1;
constexpr uint8_t break_bit = 0x80;
constexpr uint8_t ctrl_code = 0x1D;
constexpr uint8_t alt_code = 0x38;
constexpr uint8_t left_shift_code = 0x2A;
constexpr uint8_t right_shift_code = 0x36;

// Set 1 make codes 0x00..0x39 to their unshifted characters (US layout).
constexpr char characters[0x3A] = {
    0, 0x1B, '1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '-', '=', '\b', '\t', // 0x00
    'q', 'w', 'e', 'r', 't', 'y', 'u', 'i', 'o', 'p', '[', ']', '\n', 0, 'a', 's', // 0x10
    'd', 'f', 'g', 'h', 'j', 'k', 'l', ';', '\'', '`', 0, '\\', 'z', 'x', 'c', 'v', // 0x20
    'b', 'n', 'm', ',', '.', '/', 0, '*', 0, ' ', // 0x30
};

} // namespace

bool ScancodeDecoder::feed(uint8_t byte, KeyEvent& event)
{
    if (m_pause_bytes_left > 0) {
        --m_pause_bytes_left;
        return false;
    }
    if (byte == pause_prefix) {
        // Pause sends E1 1D 45 E1 9D C5 and has no break of its own.
        m_pause_bytes_left = 5;
        m_extended = false;
        return false;
    }
    if (byte == extended_prefix) {
        m_extended = true;
        return false;
    }
    bool extended = m_extended;
    m_extended = false;
    bool pressed = (byte & break_bit) == 0;
    uint8_t code = byte & ~break_bit;
    // E0 2A / E0 AA (and E0 36 / E0 B6) are fake shifts around extended keys: not keys at all.
    if (extended && (code == left_shift_code || code == right_shift_code))
        return false;
    if (code == ctrl_code)
        (extended ? m_right_ctrl : m_left_ctrl) = pressed;
    else if (code == alt_code)
        (extended ? m_right_alt : m_left_alt) = pressed;
    else if (!extended && code == left_shift_code)
        m_left_shift = pressed;
    else if (!extended && code == right_shift_code)
        m_right_shift = pressed;
    char character = 0;
    if (extended) {
        // Keypad Enter and keypad slash are the only extended keys with a character.
        if (code == 0x1C)
            character = '\n';
        else if (code == 0x35)
            character = '/';
    } else if (code < sizeof(characters)) {
        character = characters[code];
    }
    event = KeyEvent {
        .code = code,
        .extended = extended,
        .pressed = pressed,
        .character = character,
        .ctrl = m_left_ctrl || m_right_ctrl,
        .alt = m_left_alt || m_right_alt,
        .shift = m_left_shift || m_right_shift,
    };
    return true;
}

char typed_byte(const KeyEvent& event)
{
    if (!event.pressed || event.ctrl || event.alt || event.character == 0)
        return 0;
    char c = event.character;
    if (c == '\n')
        return '\r'; // what a terminal's Enter sends: the console ends lines on either
    if (c == '\b' || c == '\t' || c == 0x1B)
        return c == '\b' ? 0x08 : 0; // Tab and Escape do nothing at the console
    if (!event.shift)
        return c;
    if (c >= 'a' && c <= 'z')
        return static_cast<char>(c - 'a' + 'A');
    constexpr char plain[] = "1234567890-=[];'`\\,./";
    constexpr char shifted[] = "!@#$%^&*()_+{}:\"~|<>?";
    static_assert(sizeof(plain) == sizeof(shifted));
    for (size_t i = 0; i + 1 < sizeof(plain); ++i) {
        if (plain[i] == c)
            return shifted[i];
    }
    return c; // space, keypad '*' and '/': the same with Shift
}

BreakGlassKey break_glass_key_of(const KeyEvent& event)
{
    if (!event.pressed || !event.ctrl || !event.alt || event.extended)
        return BreakGlassKey::None;
    if (event.character == 'f')
        return BreakGlassKey::Freeze;
    if (event.character == 'r')
        return BreakGlassKey::Resume;
    return BreakGlassKey::None;
}

} // namespace gehri::console
