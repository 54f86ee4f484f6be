#include <kernel/ipc/Payload.h>
#include <new>
#include <string.h>

namespace gehri::ipc {

static_assert(sizeof(Payload) % alignof(HandleToken) == 0, "the bytes after the header must stay aligned");

Result<RefPtr<Payload>> Payload::create_uninitialized(size_t size, size_t handle_count)
{
    // The limits also keep the size arithmetic far from overflow.
    if (size > max_message_bytes || handle_count > max_message_handles)
        return Error::TooLarge;
    size_t total = sizeof(Payload) + handles_offset(size) + handle_count * sizeof(HandleToken);
    void* memory = ::operator new(total, std::nothrow);
    if (!memory)
        return Error::OutOfMemory;
    return RefPtr<Payload>::adopt(new (memory) Payload(static_cast<uint32_t>(size), static_cast<uint32_t>(handle_count)));
}

Result<RefPtr<Payload>> Payload::create(ReadonlyBytes bytes)
{
    auto payload = TRY(create_uninitialized(bytes.size()));
    if (!bytes.is_empty())
        memcpy(payload->writable_bytes().data(), bytes.data(), bytes.size());
    return payload;
}

void Payload::destroy(Payload* payload)
{
    payload->~Payload();
    ::operator delete(payload);
}

} // namespace gehri::ipc
