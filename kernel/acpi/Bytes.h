#pragma once

#include <stddef.h>
#include <stdint.h>
#include <string.h>

// ACPI structures are packed and little-endian and sit at any alignment in firmware memory,
// so fields are read by offset with memcpy instead of through packed structs.
namespace gehri::acpi {

template<typename T>
inline T read_le(const uint8_t* bytes, size_t offset)
{
    T value;
    memcpy(&value, bytes + offset, sizeof(T));
    return value; // x86_64 and every host we test on are little-endian, like ACPI
}

inline uint8_t read_u8(const uint8_t* bytes, size_t offset) { return bytes[offset]; }
inline uint16_t read_u16(const uint8_t* bytes, size_t offset) { return read_le<uint16_t>(bytes, offset); }
inline uint32_t read_u32(const uint8_t* bytes, size_t offset) { return read_le<uint32_t>(bytes, offset); }
inline uint64_t read_u64(const uint8_t* bytes, size_t offset) { return read_le<uint64_t>(bytes, offset); }

// ACPI checksums: all bytes of the structure add up to zero modulo 256.
inline bool checksum_is_valid(const uint8_t* bytes, size_t length)
{
    uint8_t sum = 0;
    for (size_t i = 0; i < length; ++i)
        sum = static_cast<uint8_t>(sum + bytes[i]);
    return sum == 0;
}

} // namespace gehri::acpi
