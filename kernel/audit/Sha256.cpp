#include <kernel/audit/Sha256.h>
#include <string.h>

namespace gehri::audit {

namespace {

constexpr uint32_t round_constants[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

constexpr uint32_t initial_state[8] = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

constexpr uint32_t rotate_right(uint32_t value, unsigned count) { return (value >> count) | (value << (32 - count)); }

constexpr uint32_t load_big_endian(const uint8_t* bytes)
{
    return (uint32_t(bytes[0]) << 24) | (uint32_t(bytes[1]) << 16) | (uint32_t(bytes[2]) << 8) | uint32_t(bytes[3]);
}

constexpr int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

} // namespace

void Sha256::reset()
{
    memcpy(m_state, initial_state, sizeof(m_state));
    m_buffered = 0;
    m_total_bytes = 0;
}

void Sha256::compress(const uint8_t* block)
{
    uint32_t schedule[64];
    for (size_t i = 0; i < 16; ++i)
        schedule[i] = load_big_endian(block + 4 * i);
    for (size_t i = 16; i < 64; ++i) {
        uint32_t s0 = rotate_right(schedule[i - 15], 7) ^ rotate_right(schedule[i - 15], 18) ^ (schedule[i - 15] >> 3);
        uint32_t s1 = rotate_right(schedule[i - 2], 17) ^ rotate_right(schedule[i - 2], 19) ^ (schedule[i - 2] >> 10);
        schedule[i] = schedule[i - 16] + s0 + schedule[i - 7] + s1;
    }

    uint32_t a = m_state[0], b = m_state[1], c = m_state[2], d = m_state[3];
    uint32_t e = m_state[4], f = m_state[5], g = m_state[6], h = m_state[7];
    for (size_t i = 0; i < 64; ++i) {
        uint32_t sum1 = rotate_right(e, 6) ^ rotate_right(e, 11) ^ rotate_right(e, 25);
        uint32_t choose = (e & f) ^ (~e & g);
        uint32_t temp1 = h + sum1 + choose + round_constants[i] + schedule[i];
        uint32_t sum0 = rotate_right(a, 2) ^ rotate_right(a, 13) ^ rotate_right(a, 22);
        uint32_t majority = (a & b) ^ (a & c) ^ (b & c);
        uint32_t temp2 = sum0 + majority;
        h = g;
        g = f;
        f = e;
        e = d + temp1;
        d = c;
        c = b;
        b = a;
        a = temp1 + temp2;
    }
    m_state[0] += a;
    m_state[1] += b;
    m_state[2] += c;
    m_state[3] += d;
    m_state[4] += e;
    m_state[5] += f;
    m_state[6] += g;
    m_state[7] += h;
}

void Sha256::update(const void* data, size_t length)
{
    auto* bytes = static_cast<const uint8_t*>(data);
    m_total_bytes += length;
    if (m_buffered > 0) {
        size_t take = block_size - m_buffered < length ? block_size - m_buffered : length;
        memcpy(m_buffer + m_buffered, bytes, take);
        m_buffered += take;
        bytes += take;
        length -= take;
        if (m_buffered < block_size)
            return;
        compress(m_buffer);
        m_buffered = 0;
    }
    while (length >= block_size) {
        compress(bytes);
        bytes += block_size;
        length -= block_size;
    }
    if (length > 0) {
        memcpy(m_buffer, bytes, length);
        m_buffered = length;
    }
}

Sha256Digest Sha256::finalize()
{
    // The message is followed by a 1 bit, zeros up to 56 bytes into the last block, and the
    // message length in bits as a 64-bit big-endian number.
    uint64_t total_bits = m_total_bytes * 8;
    m_buffer[m_buffered++] = 0x80;
    if (m_buffered > block_size - 8) {
        memset(m_buffer + m_buffered, 0, block_size - m_buffered);
        compress(m_buffer);
        m_buffered = 0;
    }
    memset(m_buffer + m_buffered, 0, block_size - 8 - m_buffered);
    for (size_t i = 0; i < 8; ++i)
        m_buffer[block_size - 1 - i] = static_cast<uint8_t>(total_bits >> (8 * i));
    compress(m_buffer);

    Sha256Digest digest;
    for (size_t i = 0; i < 8; ++i) {
        digest.bytes[4 * i + 0] = static_cast<uint8_t>(m_state[i] >> 24);
        digest.bytes[4 * i + 1] = static_cast<uint8_t>(m_state[i] >> 16);
        digest.bytes[4 * i + 2] = static_cast<uint8_t>(m_state[i] >> 8);
        digest.bytes[4 * i + 3] = static_cast<uint8_t>(m_state[i]);
    }
    reset();
    return digest;
}

Sha256Digest Sha256::digest(const void* data, size_t length)
{
    Sha256 hasher;
    hasher.update(data, length);
    return hasher.finalize();
}

void to_hex(const Sha256Digest& digest, char out[sha256_hex_length])
{
    constexpr char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < Sha256Digest::size; ++i) {
        out[2 * i] = digits[digest.bytes[i] >> 4];
        out[2 * i + 1] = digits[digest.bytes[i] & 0xf];
    }
}

bool parse_hex(StringView text, Sha256Digest& out)
{
    if (text.length() != sha256_hex_length)
        return false;
    for (size_t i = 0; i < Sha256Digest::size; ++i) {
        int high = hex_value(text[2 * i]);
        int low = hex_value(text[2 * i + 1]);
        if (high < 0 || low < 0)
            return false;
        out.bytes[i] = static_cast<uint8_t>((high << 4) | low);
    }
    return true;
}

} // namespace gehri::audit
