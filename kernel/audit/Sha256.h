#pragma once

#include <kernel/lib/StringView.h>
#include <stddef.h>
#include <stdint.h>

namespace gehri::audit {

struct Sha256Digest {
    static constexpr size_t size = 32;
    uint8_t bytes[size] {};

    bool operator==(const Sha256Digest&) const = default;
};

// Lowercase hex of a digest: exactly 64 characters, no terminator.
constexpr size_t sha256_hex_length = Sha256Digest::size * 2;
void to_hex(const Sha256Digest& digest, char out[sha256_hex_length]);
// Accepts upper- or lowercase; fails on any other length or character.
bool parse_hex(StringView text, Sha256Digest& out);

// SHA-256 (FIPS 180-4), streaming: update() any number of times, then finalize() once.
// Integer-only and allocation-free so it runs in the kernel, in interrupt context and on the host.
class Sha256 {
public:
    Sha256() { reset(); }

    void reset();
    void update(const void* data, size_t length);
    void update(StringView text) { update(text.characters(), text.length()); }
    // Pads, returns the digest and resets, so the object can hash the next message.
    Sha256Digest finalize();

    static Sha256Digest digest(const void* data, size_t length);
    static Sha256Digest digest(StringView text) { return digest(text.characters(), text.length()); }

private:
    static constexpr size_t block_size = 64;
    void compress(const uint8_t* block);

    uint32_t m_state[8];
    uint8_t m_buffer[block_size];
    size_t m_buffered { 0 };
    uint64_t m_total_bytes { 0 };
};

} // namespace gehri::audit
