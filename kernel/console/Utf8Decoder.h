#pragma once

#include <stddef.h>
#include <stdint.h>

namespace gehri::console {

// Decodes UTF-8 a byte at a time. Invalid input (a stray continuation byte, an overlong
// form, a surrogate, a sequence cut short) becomes U+FFFD, and the byte that revealed a
// cut-short sequence is decoded afresh, so no valid character is lost after an invalid one.
class Utf8Decoder {
public:
    static constexpr uint32_t replacement_character = 0xFFFD;

    // Feeds one byte; writes 0, 1 or 2 finished code points to out and returns how many.
    size_t feed(uint8_t byte, uint32_t out[2]);
    // Ends a sequence early (a control character arrived): U+FFFD if one was pending.
    size_t flush(uint32_t out[1]);
    bool pending() const { return m_needed != 0; }

private:
    size_t start(uint8_t byte, uint32_t* out);

    uint32_t m_code_point { 0 };
    uint8_t m_needed { 0 };
    uint8_t m_length { 0 };
};

} // namespace gehri::console
