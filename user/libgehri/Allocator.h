#pragma once

#include <stddef.h>
#include <stdint.h>

namespace gehri {

// A small first-fit allocator over one caller-provided arena: what libgehri's operator new
// uses (agents have no memory syscalls yet, so the arena is a fixed array in .bss). Blocks
// carry a 16-byte header; freeing merges a block with free neighbours, so a sequence of
// allocations and frees does not fragment the arena for good. Not thread-safe (agents have one
// thread). Alignment: 16 bytes.
class Allocator {
public:
    static constexpr size_t alignment = 16;

    // `arena` must be 16-byte aligned; its size is rounded down to a multiple of 16.
    Allocator(void* arena, size_t size);
    Allocator(const Allocator&) = delete;
    Allocator& operator=(const Allocator&) = delete;

    // Null when no free block is large enough (or size is 0).
    void* allocate(size_t size);
    // Null is ignored. Freeing anything else than a live allocation of this allocator is a bug
    // the allocator detects when it can (a wrong or repeated free) and reports by returning false.
    bool free(void* pointer);

    size_t free_bytes() const; // payload bytes in free blocks
    size_t largest_free_block() const;
    size_t block_count() const;

private:
    struct Header {
        uint64_t size; // of the whole block, header included; a multiple of 16
        uint32_t magic;
        uint32_t is_free;
    };
    static_assert(sizeof(Header) == alignment);
    static constexpr uint32_t block_magic = 0x61676e74; // "agnt"

    Header* first() const { return reinterpret_cast<Header*>(m_arena); }
    Header* next(Header* block) const;
    Header* previous_of(Header* block) const;

    uint8_t* m_arena;
    size_t m_size;
};

} // namespace gehri
