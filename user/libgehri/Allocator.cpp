#include <user/libgehri/Allocator.h>

namespace gehri {

Allocator::Allocator(void* arena, size_t size)
    : m_arena(static_cast<uint8_t*>(arena))
    , m_size(size & ~(alignment - 1))
{
    if (m_size < 2 * sizeof(Header)) {
        m_size = 0;
        return;
    }
    *first() = { m_size, block_magic, 1 };
}

Allocator::Header* Allocator::next(Header* block) const
{
    auto* after = reinterpret_cast<uint8_t*>(block) + block->size;
    return after < m_arena + m_size ? reinterpret_cast<Header*>(after) : nullptr;
}

Allocator::Header* Allocator::previous_of(Header* target) const
{
    Header* previous = nullptr;
    for (Header* block = m_size ? first() : nullptr; block != nullptr && block != target; block = next(block))
        previous = block;
    return previous;
}

void* Allocator::allocate(size_t size)
{
    if (size == 0 || size > m_size)
        return nullptr;
    uint64_t needed = ((size + alignment - 1) & ~uint64_t(alignment - 1)) + sizeof(Header);
    for (Header* block = m_size ? first() : nullptr; block != nullptr; block = next(block)) {
        if (!block->is_free || block->size < needed)
            continue;
        // Split when the rest can hold a header and at least one 16-byte payload.
        if (block->size - needed >= 2 * sizeof(Header)) {
            auto* rest = reinterpret_cast<Header*>(reinterpret_cast<uint8_t*>(block) + needed);
            *rest = { block->size - needed, block_magic, 1 };
            block->size = needed;
        }
        block->is_free = 0;
        return block + 1;
    }
    return nullptr;
}

bool Allocator::free(void* pointer)
{
    if (pointer == nullptr)
        return true;
    auto* bytes = static_cast<uint8_t*>(pointer);
    if (bytes < m_arena + sizeof(Header) || bytes >= m_arena + m_size || (bytes - m_arena) % alignment != 0)
        return false;
    Header* block = reinterpret_cast<Header*>(bytes) - 1;
    if (block->magic != block_magic || block->is_free)
        return false;
    block->is_free = 1;
    if (Header* after = next(block); after != nullptr && after->is_free)
        block->size += after->size;
    if (Header* before = previous_of(block); before != nullptr && before->is_free)
        before->size += block->size;
    return true;
}

size_t Allocator::free_bytes() const
{
    size_t total = 0;
    for (Header* block = m_size ? first() : nullptr; block != nullptr; block = next(block)) {
        if (block->is_free)
            total += block->size - sizeof(Header);
    }
    return total;
}

size_t Allocator::largest_free_block() const
{
    size_t largest = 0;
    for (Header* block = m_size ? first() : nullptr; block != nullptr; block = next(block)) {
        if (block->is_free && block->size - sizeof(Header) > largest)
            largest = block->size - sizeof(Header);
    }
    return largest;
}

size_t Allocator::block_count() const
{
    size_t count = 0;
    for (Header* block = m_size ? first() : nullptr; block != nullptr; block = next(block))
        ++count;
    return count;
}

} // namespace gehri
