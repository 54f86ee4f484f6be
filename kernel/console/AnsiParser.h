#pragma once

#include <stddef.h>
#include <stdint.h>

namespace gehri::console {

// Splits a byte stream into text, control characters and ANSI/ECMA-48 escape sequences,
// one byte at a time, so a sequence may span several writes. Malformed input never stalls
// the stream: a byte that cannot continue a sequence (a newline inside "ESC[31", say) ends
// the sequence, which is dropped, and the byte is then read as ordinary input. Bytes of
// 0x80 and above are text (UTF-8), never C1 controls.
class AnsiParser {
public:
    enum class Action : uint8_t {
        None, // the byte is part of an escape sequence that is not finished or is ignored
        Print, // a text byte
        Execute, // a C0 control character (or DEL)
        CsiDispatch, // a control sequence ended with this byte; see csi()
        EscapeDispatch, // a two-byte escape sequence "ESC byte"
    };

    struct ControlSequence {
        static constexpr size_t max_parameters = 16;
        static constexpr uint16_t max_parameter_value = 9999;
        uint16_t parameters[max_parameters];
        size_t parameter_count;
        char private_marker; // '?', '<', '=', '>' or 0
        bool has_intermediate; // a byte 0x20-0x2F before the final byte
        char final_byte;

        // Parameter i, or fallback when absent or empty (ECMA-48 default values).
        uint16_t parameter(size_t i, uint16_t fallback) const;
    };

    Action feed(uint8_t byte);
    const ControlSequence& csi() const { return m_csi; }
    bool in_sequence() const { return m_state != State::Ground; }

private:
    enum class State : uint8_t { Ground, Escape, EscapeIntermediate, CsiParameters, OperatingSystemCommand, OperatingSystemCommandEscape };
    static constexpr size_t max_command_length = 512;

    Action ground(uint8_t byte);
    Action escape(uint8_t byte);
    Action csi_parameters(uint8_t byte);
    Action operating_system_command(uint8_t byte);
    Action abort_and_reprocess(uint8_t byte);
    void begin_csi();

    State m_state { State::Ground };
    ControlSequence m_csi {};
    bool m_parameter_started { false };
    size_t m_command_length { 0 };
};

} // namespace gehri::console
