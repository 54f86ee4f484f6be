#include <kernel/console/Utf8Decoder.h>

namespace gehri::console {

namespace {
constexpr uint32_t smallest_of_length[5] = { 0, 0, 0x80, 0x800, 0x10000 };
}

size_t Utf8Decoder::start(uint8_t byte, uint32_t* out)
{
    if (byte < 0x80) {
        out[0] = byte;
        return 1;
    }
    if (byte >= 0xC2 && byte <= 0xDF) {
        m_code_point = byte & 0x1F;
        m_needed = 1;
    } else if (byte >= 0xE0 && byte <= 0xEF) {
        m_code_point = byte & 0x0F;
        m_needed = 2;
    } else if (byte >= 0xF0 && byte <= 0xF4) {
        m_code_point = byte & 0x07;
        m_needed = 3;
    } else {
        out[0] = replacement_character; // continuation byte without a lead, C0/C1 overlong lead, or > U+10FFFF
        return 1;
    }
    m_length = m_needed + 1;
    return 0;
}

size_t Utf8Decoder::feed(uint8_t byte, uint32_t out[2])
{
    if (m_needed == 0)
        return start(byte, out);
    if ((byte & 0xC0) != 0x80) {
        m_needed = 0;
        out[0] = replacement_character;
        return 1 + start(byte, out + 1);
    }
    m_code_point = (m_code_point << 6) | (byte & 0x3F);
    if (--m_needed != 0)
        return 0;
    bool valid = m_code_point >= smallest_of_length[m_length] && m_code_point <= 0x10FFFF
        && !(m_code_point >= 0xD800 && m_code_point <= 0xDFFF);
    out[0] = valid ? m_code_point : replacement_character;
    return 1;
}

size_t Utf8Decoder::flush(uint32_t out[1])
{
    if (m_needed == 0)
        return 0;
    m_needed = 0;
    out[0] = replacement_character;
    return 1;
}

} // namespace gehri::console
