#pragma once

#include <kernel/ipc/SpscRing.h>
#include <user/libgehri/Handle.h>

namespace gehri {

// One mapping of a memory object into this agent; unmapped when destroyed. Unmapping needs the
// agent to have a single thread (no user TLB shootdowns yet): with more, it fails with Busy
// and the mapping stays until the agent ends.
class Mapping {
public:
    Mapping() = default;
    Mapping(void* data, size_t size)
        : m_data(data)
        , m_size(size)
    {
    }
    Mapping(Mapping&& other)
        : m_data(other.m_data)
        , m_size(other.m_size)
    {
        other.m_data = nullptr;
    }
    Mapping& operator=(Mapping&& other)
    {
        if (this != &other) {
            reset();
            m_data = other.m_data;
            m_size = other.m_size;
            other.m_data = nullptr;
        }
        return *this;
    }
    Mapping(const Mapping&) = delete;
    Mapping& operator=(const Mapping&) = delete;
    ~Mapping() { reset(); }

    uint8_t* data() const { return static_cast<uint8_t*>(m_data); }
    size_t size() const { return m_size; }
    Span<uint8_t> bytes() const { return { data(), m_size }; }

private:
    void reset()
    {
        if (m_data != nullptr)
            (void)system::memory_unmap(m_data, m_size);
        m_data = nullptr;
    }

    void* m_data { nullptr };
    size_t m_size { 0 };
};

// Memory several agents map at once (docs/ipc.md): create it, hand a handle (duplicated with
// fewer rights for a read-only peer) to another agent, and both map it. Charged to the
// creator's memory quota. With SpscRing (kernel/ipc/SpscRing.h) over it, two agents exchange
// records with no system call on the fast path.
class SharedMemory {
public:
    SharedMemory() = default;
    explicit SharedMemory(Handle handle)
        : m_handle(std::move(handle))
    {
    }
    // `size`: a multiple of 4096, at most 64 MiB.
    static Result<SharedMemory> create(size_t size) { return SharedMemory(Handle(TRY(system::memory_create(size)))); }

    // Maps the whole object; writable needs the handle's Write right (AccessDenied otherwise).
    Result<Mapping> map(bool writable) const
    {
        uint64_t size = 0;
        void* data = TRY(system::memory_map_object(m_handle.value(), writable ? abi::MemoryFlags::Write : abi::MemoryFlags::Read, &size));
        return Mapping(data, size);
    }
    const Handle& handle() const { return m_handle; }

private:
    Handle m_handle;
};

} // namespace gehri
