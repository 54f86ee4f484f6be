#include <kernel/console/AnsiParser.h>

namespace gehri::console {

namespace {
constexpr uint8_t escape_byte = 0x1B;
constexpr uint8_t bell = 0x07;
constexpr uint8_t delete_byte = 0x7F;

bool is_control(uint8_t byte) { return byte < 0x20 || byte == delete_byte; }
bool is_intermediate(uint8_t byte) { return byte >= 0x20 && byte <= 0x2F; }
} // namespace

uint16_t AnsiParser::ControlSequence::parameter(size_t i, uint16_t fallback) const
{
    if (i >= parameter_count || parameters[i] == 0)
        return fallback;
    return parameters[i];
}

AnsiParser::Action AnsiParser::feed(uint8_t byte)
{
    switch (m_state) {
    case State::Ground:
        return ground(byte);
    case State::Escape:
        return escape(byte);
    case State::EscapeIntermediate:
        if (is_intermediate(byte))
            return Action::None;
        if (byte >= 0x30 && byte <= 0x7E) {
            m_state = State::Ground; // e.g. "ESC ( B": a character set choice, ignored
            return Action::None;
        }
        return abort_and_reprocess(byte);
    case State::CsiParameters:
        return csi_parameters(byte);
    case State::OperatingSystemCommand:
    case State::OperatingSystemCommandEscape:
        return operating_system_command(byte);
    }
    return Action::None;
}

AnsiParser::Action AnsiParser::ground(uint8_t byte)
{
    if (byte == escape_byte) {
        m_state = State::Escape;
        return Action::None;
    }
    return is_control(byte) ? Action::Execute : Action::Print;
}

AnsiParser::Action AnsiParser::escape(uint8_t byte)
{
    if (byte == '[') {
        begin_csi();
        return Action::None;
    }
    if (byte == ']') {
        m_state = State::OperatingSystemCommand;
        m_command_length = 0;
        return Action::None;
    }
    if (byte == escape_byte)
        return Action::None; // a second ESC restarts the sequence
    if (is_intermediate(byte)) {
        m_state = State::EscapeIntermediate;
        return Action::None;
    }
    if (byte >= 0x30 && byte <= 0x7E) {
        m_state = State::Ground;
        return Action::EscapeDispatch;
    }
    return abort_and_reprocess(byte);
}

void AnsiParser::begin_csi()
{
    m_state = State::CsiParameters;
    m_csi = {};
    m_parameter_started = false;
}

AnsiParser::Action AnsiParser::csi_parameters(uint8_t byte)
{
    auto& csi = m_csi;
    if (byte >= '0' && byte <= '9') {
        if (!m_parameter_started) {
            m_parameter_started = true;
            if (csi.parameter_count < ControlSequence::max_parameters)
                csi.parameters[csi.parameter_count] = 0;
        }
        if (csi.parameter_count < ControlSequence::max_parameters) {
            uint32_t value = csi.parameters[csi.parameter_count] * 10u + (byte - '0');
            csi.parameters[csi.parameter_count] = static_cast<uint16_t>(value > ControlSequence::max_parameter_value ? ControlSequence::max_parameter_value : value);
        }
        return Action::None;
    }
    if (byte == ';' || byte == ':') {
        // Every separator ends a parameter, an empty one included ("ESC[;5H" is row 0, column 5).
        if (csi.parameter_count < ControlSequence::max_parameters) {
            if (!m_parameter_started)
                csi.parameters[csi.parameter_count] = 0;
            ++csi.parameter_count;
        }
        m_parameter_started = false;
        return Action::None;
    }
    if (byte >= '<' && byte <= '?') {
        if (csi.parameter_count == 0 && !m_parameter_started && csi.private_marker == 0)
            csi.private_marker = static_cast<char>(byte);
        else
            csi.has_intermediate = true; // misplaced: the sequence is kept but marked unusable
        return Action::None;
    }
    if (is_intermediate(byte)) {
        csi.has_intermediate = true;
        return Action::None;
    }
    if (byte >= 0x40 && byte <= 0x7E) {
        if (m_parameter_started && csi.parameter_count < ControlSequence::max_parameters)
            ++csi.parameter_count;
        csi.final_byte = static_cast<char>(byte);
        m_state = State::Ground;
        return Action::CsiDispatch;
    }
    return abort_and_reprocess(byte);
}

AnsiParser::Action AnsiParser::operating_system_command(uint8_t byte)
{
    // "ESC ] ... BEL" or "ESC ] ... ESC \": window titles and the like, all ignored.
    if (m_state == State::OperatingSystemCommandEscape) {
        if (byte == '\\') {
            m_state = State::Ground;
            return Action::None;
        }
        m_state = State::Escape;
        return escape(byte);
    }
    if (byte == bell) {
        m_state = State::Ground;
        return Action::None;
    }
    if (byte == escape_byte) {
        m_state = State::OperatingSystemCommandEscape;
        return Action::None;
    }
    if (is_control(byte) || ++m_command_length > max_command_length)
        return abort_and_reprocess(byte);
    return Action::None;
}

AnsiParser::Action AnsiParser::abort_and_reprocess(uint8_t byte)
{
    m_state = State::Ground;
    return ground(byte);
}

} // namespace gehri::console
