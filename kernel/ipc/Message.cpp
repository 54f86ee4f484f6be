#include <kernel/ipc/HandleDisposal.h>
#include <kernel/ipc/Message.h>
#include <string.h>
#include <utility>

namespace gehri::ipc {

Message::Message(Message&& other)
    : m_sender(other.m_sender)
    , m_sequence(other.m_sequence)
    , m_size(other.m_size)
    , m_handle_count(std::exchange(other.m_handle_count, 0))
    , m_body(std::move(other.m_body))
{
    if (!m_body)
        copy_inline(other.m_inline);
    other.m_size = 0;
}

Message& Message::operator=(Message&& other)
{
    if (this == &other)
        return *this;
    dispose();
    m_sender = other.m_sender;
    m_sequence = other.m_sequence;
    m_size = std::exchange(other.m_size, 0);
    m_handle_count = std::exchange(other.m_handle_count, 0);
    m_body = std::move(other.m_body);
    if (!m_body)
        copy_inline(other.m_inline);
    return *this;
}

// The whole inline area, unrolled word by word: a call to the kernel's memcpy is a `rep movsb`,
// one step per byte, a loop costs a compare and branch per word, and this runs on every move of
// a small message. Bytes past m_size are copied too, harmlessly (they are the source's own). Out
// of line on purpose: inlined into a large function, GCC turned it into two `rep movsl` of 16
// steps each (through the temporary), four times the instructions.
void Message::copy_inline(const uint8_t* source)
{
    static_assert(message_inline_bytes % sizeof(uint64_t) == 0);
    if (m_size == 0)
        return;
    uint64_t words[message_inline_bytes / sizeof(uint64_t)];
    __builtin_memcpy(words, source, sizeof(words));
    __builtin_memcpy(m_inline, words, sizeof(words));
}

void Message::release_body()
{
    // Tokens live only in an unshared body: share() refuses payloads with handles.
    if (m_handle_count != 0 && m_body)
        dispose_handles(m_body->handles().first(m_handle_count));
    m_handle_count = 0;
    m_body.clear();
    m_size = 0;
}

Result<void> Message::initialize_slow(AgentId sender, size_t size, size_t handle_count)
{
    dispose();
    if (size > max_message_bytes || handle_count > max_message_handles)
        return Error::TooLarge;
    if (size > message_inline_bytes || handle_count != 0)
        m_body = TRY(Payload::create_uninitialized(size, handle_count));
    m_sender = sender;
    m_sequence = 0;
    m_size = static_cast<uint32_t>(size);
    // Counted only once the body exists, so a half-built message never "disposes" garbage.
    m_handle_count = static_cast<uint32_t>(handle_count);
    return {};
}

Result<void> Message::assign(AgentId sender, ReadonlyBytes bytes, Span<const HandleToken> handles)
{
    TRY(initialize(sender, bytes.size(), handles.size()));
    if (!bytes.is_empty())
        memcpy(writable_bytes().data(), bytes.data(), bytes.size());
    if (!handles.is_empty())
        memcpy(writable_handles().data(), handles.data(), handles.size() * sizeof(HandleToken));
    return {};
}

void Message::assign_shared(AgentId sender, const PayloadRef& payload, uint64_t sequence)
{
    dispose();
    m_sender = sender;
    m_sequence = sequence;
    m_size = static_cast<uint32_t>(payload->size());
    m_body = payload;
}

Result<Message> Message::create_uninitialized(AgentId sender, size_t size, size_t handle_count)
{
    Message message;
    TRY(message.initialize(sender, size, handle_count));
    return message;
}

Result<Message> Message::create(AgentId sender, ReadonlyBytes bytes, Span<const HandleToken> handles)
{
    Message message;
    TRY(message.assign(sender, bytes, handles));
    return message;
}

Result<Message> Message::share(AgentId sender, PayloadRef payload, uint64_t sequence)
{
    if (!payload || !payload->handles().is_empty())
        return Error::InvalidArgument;
    Message message;
    message.assign_shared(sender, payload, sequence);
    return message;
}

Result<Message> Message::clone_shared() const
{
    if (m_handle_count != 0)
        return Error::InvalidArgument;
    Message copy;
    copy.m_sender = m_sender;
    copy.m_sequence = m_sequence;
    copy.m_size = m_size;
    copy.m_body = m_body;
    if (!m_body)
        copy.copy_inline(m_inline);
    return copy;
}

Span<const HandleToken> Message::handles() const
{
    if (m_handle_count == 0)
        return {};
    return m_body->handles().first(m_handle_count);
}

Span<HandleToken> Message::writable_handles()
{
    if (m_handle_count == 0)
        return {};
    return m_body->writable_handles().first(m_handle_count);
}

} // namespace gehri::ipc
