#pragma once

#include <kernel/ipc/Payload.h>
#include <kernel/ipc/Types.h>
#include <kernel/lib/Result.h>
#include <kernel/lib/Span.h>

namespace gehri::ipc {

// One message: up to 64 KiB of bytes, up to 64 handle tokens, the sender's agent id (stamped
// by the kernel) and a sequence number (topics number their samples; channels leave 0).
// Small handle-free payloads live inline; larger ones, and any with handles, in a Payload, which
// a topic shares among its subscribers. Move-only: handle tokens have exactly one owner, and a
// message that dies still holding them gives them to the HandleDisposer.
class Message {
public:
    Message() = default;
    Message(Message&& other);
    Message& operator=(Message&& other);
    Message(const Message&) = delete;
    Message& operator=(const Message&) = delete;
    ~Message() { dispose(); }

    // Makes this message (whatever it held is dropped first) one with room for `size` bytes and
    // `handle_count` tokens, to be filled through writable_bytes()/writable_handles(): the
    // syscall layer copies from user memory once, straight into place. TooLarge beyond the
    // format limits; OutOfMemory. In place, because every move of a message costs a copy of its
    // inline bytes and the channel round trip is counted in instructions.
    Result<void> initialize(AgentId sender, size_t size, size_t handle_count = 0)
    {
        // The common case inline: a fresh message, small, without handles.
        if (!m_body && m_handle_count == 0 && size <= message_inline_bytes && handle_count == 0) {
            m_sender = sender;
            m_sequence = 0;
            m_size = static_cast<uint32_t>(size);
            return {};
        }
        return initialize_slow(sender, size, handle_count);
    }
    Result<void> assign(AgentId sender, ReadonlyBytes bytes, Span<const HandleToken> handles = {});
    // Makes this message carry `payload` (no copy). The payload must hold no handles (the
    // callers, topics, check that once per publish rather than once per subscriber).
    void assign_shared(AgentId sender, const PayloadRef& payload, uint64_t sequence);

    // The same as values, for code off the hot path.
    static Result<Message> create_uninitialized(AgentId sender, size_t size, size_t handle_count = 0);
    static Result<Message> create(AgentId sender, ReadonlyBytes bytes, Span<const HandleToken> handles = {});
    // A message carrying an existing shared payload (no copy). The payload must hold no handles:
    // handles cannot be in two messages at once. InvalidArgument otherwise.
    static Result<Message> share(AgentId sender, PayloadRef payload, uint64_t sequence = 0);
    // Another message over the same bytes; only for messages without handles.
    Result<Message> clone_shared() const;

    AgentId sender() const { return m_sender; }
    uint64_t sequence() const { return m_sequence; }
    void set_sequence(uint64_t sequence) { m_sequence = sequence; }
    size_t size() const { return m_size; }
    ReadonlyBytes bytes() const { return { const_bytes(), m_size }; }
    Span<const HandleToken> handles() const;
    bool has_handles() const { return m_handle_count != 0; }
    size_t handle_count() const { return m_handle_count; }

    // A lighter move for the direct call path (ChannelEndpointObject::call_directly): `other`
    // carries no handles, and this message is normally empty (a reply buffer).
    void take_plain(Message& other)
    {
        dispose();
        m_sender = other.m_sender;
        m_sequence = other.m_sequence;
        m_size = other.m_size;
        other.m_size = 0;
        if (other.m_body)
            m_body = std::move(other.m_body);
        else
            copy_inline(other.m_inline);
    }
    bool is_shared_payload() const { return static_cast<bool>(m_body); }

    Span<uint8_t> writable_bytes() { return { const_cast<uint8_t*>(const_bytes()), m_size }; }
    Span<HandleToken> writable_handles();
    // The receiver installed the tokens in its handle table: the message no longer owns them.
    void forget_handles() { m_handle_count = 0; }

private:
    const uint8_t* const_bytes() const { return m_body ? m_body->bytes().data() : m_inline; }
    // Inline: a message without a body or handles (the common small one) has nothing to free.
    void dispose()
    {
        if (m_body || m_handle_count != 0)
            release_body();
        m_size = 0;
    }
    void release_body();
    Result<void> initialize_slow(AgentId sender, size_t size, size_t handle_count);
    // Copies this message's m_size inline bytes from `source`.
    void copy_inline(const uint8_t* source);

    AgentId m_sender { 0 };
    uint64_t m_sequence { 0 };
    uint32_t m_size { 0 };
    uint32_t m_handle_count { 0 };
    PayloadRef m_body;
    alignas(uint64_t) uint8_t m_inline[message_inline_bytes] {};
};

} // namespace gehri::ipc
