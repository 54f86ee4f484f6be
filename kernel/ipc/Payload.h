#pragma once

#include <kernel/ipc/RefCounted.h>
#include <kernel/ipc/Types.h>
#include <kernel/lib/Result.h>
#include <kernel/lib/Span.h>

namespace gehri::ipc {

// An immutable, reference-counted byte buffer (optionally followed by handle tokens), in ONE
// heap block. It is how a topic hands the same sample to many subscribers without copying it
// once per subscriber, and how the blackboard gives a value to a reader without holding its lock
// while the reader copies.
class alignas(16) Payload final : public RefCounted<Payload> {
public:
    // A buffer of `size` bytes and `handle_count` token slots, contents uninitialized: the
    // producer fills it through writable_bytes()/writable_handles() before sharing it.
    static Result<RefPtr<Payload>> create_uninitialized(size_t size, size_t handle_count = 0);
    static Result<RefPtr<Payload>> create(ReadonlyBytes bytes);

    size_t size() const { return m_size; }
    ReadonlyBytes bytes() const { return { data(), m_size }; }
    Span<const HandleToken> handles() const { return { handle_data(), m_handle_count }; }

    // Only for the sole owner, before the payload is shared.
    Span<uint8_t> writable_bytes() { return { data(), m_size }; }
    Span<HandleToken> writable_handles() { return { handle_data(), m_handle_count }; }

    static void destroy(Payload* payload);

private:
    Payload(uint32_t size, uint32_t handle_count)
        : m_size(size)
        , m_handle_count(handle_count)
    {
    }
    ~Payload() = default;
    friend class RefCounted<Payload>;

    static size_t handles_offset(size_t size) { return (size + alignof(HandleToken) - 1) & ~(alignof(HandleToken) - 1); }
    uint8_t* data() const { return const_cast<uint8_t*>(reinterpret_cast<const uint8_t*>(this + 1)); }
    HandleToken* handle_data() const { return reinterpret_cast<HandleToken*>(data() + handles_offset(m_size)); }

    uint32_t m_size;
    uint32_t m_handle_count;
};

using PayloadRef = RefPtr<Payload>;

} // namespace gehri::ipc
