#pragma once

#include <stdint.h>

namespace gehri::console {

// One key going down or up, decoded from PS/2 scan code set 1 (what the i8042 delivers with
// translation on, the PC default). `character` is the key's unshifted ASCII character for the
// letter, digit and punctuation keys (lower case), or 0 for others; `code` is the make code
// (with `extended` for the E0-prefixed keys: right Ctrl/Alt, arrows, ...).
struct KeyEvent {
    uint8_t code;
    bool extended;
    bool pressed;
    char character;
    bool ctrl;  // either Ctrl key held, after this event
    bool alt;   // either Alt key held (AltGr included)
    bool shift; // either Shift key held
};

// Turns the keyboard's byte stream into key events, keeping the modifier state. Pause/Break
// (E1 ...) and the fake shifts some keyboards wrap around extended keys are swallowed.
class ScancodeDecoder {
public:
    // True when `byte` completed an event (written to `event`).
    bool feed(uint8_t byte, KeyEvent& event);

private:
    bool m_extended { false };
    uint8_t m_pause_bytes_left { 0 };
    bool m_left_ctrl { false }, m_right_ctrl { false };
    bool m_left_alt { false }, m_right_alt { false };
    bool m_left_shift { false }, m_right_shift { false };
};

// The break-glass key combinations (docs/collective.md): Ctrl+Alt+F freezes every agent,
// Ctrl+Alt+R resumes them. Recognized on the key going down.
enum class BreakGlassKey : uint8_t { None, Freeze, Resume };
BreakGlassKey break_glass_key_of(const KeyEvent&);

// The byte a key going down types at the console (US layout): letters and symbols with Shift
// applied, '\r' for either Enter, 0x08 for Backspace; 0 for releases, keys without a
// character, and anything typed with Ctrl or Alt held (those are commands, not text).
char typed_byte(const KeyEvent&);

} // namespace gehri::console
