// The compiler emits calls to these even in freestanding code. The kernel and libgehri (every
// agent) both link this file.
#include <stddef.h>
#include <stdint.h>

extern "C" {

// Whole words first, then the tail: a `rep` step moves 8 bytes instead of one (page zeroing and
// message copies are on the spawn and IPC paths).
void* memcpy(void* destination, const void* source, size_t count)
{
    void* result = destination;
    size_t words = count / 8;
    size_t tail = count % 8;
    asm volatile("rep movsq" : "+D"(destination), "+S"(source), "+c"(words)::"memory");
    asm volatile("rep movsb" : "+D"(destination), "+S"(source), "+c"(tail)::"memory");
    return result;
}

void* memset(void* destination, int value, size_t count)
{
    void* result = destination;
    uint64_t pattern = 0x0101010101010101ull * static_cast<uint8_t>(value);
    size_t words = count / 8;
    size_t tail = count % 8;
    asm volatile("rep stosq" : "+D"(destination), "+c"(words) : "a"(pattern) : "memory");
    asm volatile("rep stosb" : "+D"(destination), "+c"(tail) : "a"(pattern) : "memory");
    return result;
}

void* memmove(void* destination, const void* source, size_t count)
{
    auto* d = static_cast<unsigned char*>(destination);
    auto* s = static_cast<const unsigned char*>(source);
    if (d < s || d >= s + count)
        return memcpy(destination, source, count);
    while (count-- > 0)
        d[count] = s[count];
    return destination;
}

int memcmp(const void* a, const void* b, size_t count)
{
    auto* x = static_cast<const unsigned char*>(a);
    auto* y = static_cast<const unsigned char*>(b);
    for (size_t i = 0; i < count; ++i) {
        if (x[i] != y[i])
            return x[i] < y[i] ? -1 : 1;
    }
    return 0;
}

size_t strlen(const char* s)
{
    size_t n = 0;
    while (s[n])
        ++n;
    return n;
}
}
