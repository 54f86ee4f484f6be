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
    if (!m_body && m_size != 0)
        memcpy(m_inline, other.m_inline, m_size);
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
    if (!m_body && m_size != 0)
        memcpy(m_inline, other.m_inline, m_size);
    return *this;
}

Message::~Message() { dispose(); }

void Message::dispose()
{
    // Tokens live only in an unshared body: share() refuses payloads with handles.
    if (m_handle_count != 0 && m_body)
        dispose_handles(m_body->handles().first(m_handle_count));
    m_handle_count = 0;
    m_body.clear();
    m_size = 0;
}

Result<Message> Message::create_uninitialized(AgentId sender, size_t size, size_t handle_count)
{
    if (size > max_message_bytes || handle_count > max_message_handles)
        return Error::TooLarge;
    Message message;
    message.m_sender = sender;
    message.m_size = static_cast<uint32_t>(size);
    if (size > message_inline_bytes || handle_count != 0)
        message.m_body = TRY(Payload::create_uninitialized(size, handle_count));
    // Counted only once the body exists, so a half-built message never "disposes" garbage.
    message.m_handle_count = static_cast<uint32_t>(handle_count);
    return message;
}

Result<Message> Message::create(AgentId sender, ReadonlyBytes bytes, Span<const HandleToken> handles)
{
    auto message = TRY(create_uninitialized(sender, bytes.size(), handles.size()));
    if (!bytes.is_empty())
        memcpy(message.writable_bytes().data(), bytes.data(), bytes.size());
    if (!handles.is_empty())
        memcpy(message.writable_handles().data(), handles.data(), handles.size() * sizeof(HandleToken));
    return message;
}

Result<Message> Message::share(AgentId sender, PayloadRef payload, uint64_t sequence)
{
    if (!payload || !payload->handles().is_empty())
        return Error::InvalidArgument;
    Message message;
    message.m_sender = sender;
    message.m_sequence = sequence;
    message.m_size = static_cast<uint32_t>(payload->size());
    message.m_body = std::move(payload);
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
    if (!m_body && m_size != 0)
        memcpy(copy.m_inline, m_inline, m_size);
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
