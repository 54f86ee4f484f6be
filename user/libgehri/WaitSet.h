#pragma once

#include <kernel/lib/Span.h>
#include <user/libgehri/Handle.h>

namespace gehri {

// Waits on up to abi::max_wait_items handles at once (WaitMany): each with the signals it cares
// about (abi::signal::readable, writable, peer_closed, ...). Level-triggered, no busy-waiting:
// the thread sleeps in the kernel until one is ready or the timeout passes.
class WaitSet {
public:
    // Returns the item's index. InvalidArgument when full or for an empty interest.
    Result<size_t> add(const Handle& handle, uint32_t interest)
    {
        if (m_count == abi::max_wait_items || interest == 0)
            return Error::InvalidArgument;
        m_items[m_count] = { .handle = handle.value(), .interest = interest };
        return m_count++;
    }
    // How many are ready; observed(i) says which signals item i has up. TimedOut.
    Result<size_t> wait(uint64_t timeout_ns = abi::wait_forever) { return system::wait_many(m_items, m_count, timeout_ns); }
    uint32_t observed(size_t index) const { return index < m_count ? m_items[index].observed : 0; }
    bool is_ready(size_t index) const { return observed(index) != 0; }
    size_t size() const { return m_count; }

private:
    abi::WaitItem m_items[abi::max_wait_items] {};
    size_t m_count { 0 };
};

// A wait set kept in the kernel (WaitSetCreate): handles are registered once, under a key of
// the caller's choosing, and waited on many times; each wait reports up to
// abi::max_wait_set_results ready entries (key, signals), level-triggered, the reported ones
// moved to the back so none starves. Up to abi::max_wait_set_entries handles. A registered
// object stays alive (a channel end keeps its peer from seeing peer_closed) until removed.
class PersistentWaitSet {
public:
    PersistentWaitSet() = default;
    explicit PersistentWaitSet(Handle handle)
        : m_handle(std::move(handle))
    {
    }
    static Result<PersistentWaitSet> create() { return PersistentWaitSet(Handle(TRY(system::wait_set_create()))); }

    // AlreadyExists for a key in use; WrongObjectType for a handle without signals.
    Result<void> add(const Handle& handle, uint64_t key, uint32_t interest) const
    {
        return system::wait_set_add(m_handle.value(), handle.value(), key, interest);
    }
    Result<void> remove(uint64_t key) const { return system::wait_set_remove(m_handle.value(), key); }
    // Fills `out` with ready entries; returns how many. TimedOut (0 polls).
    Result<size_t> wait(Span<abi::WaitSetReady> out, uint64_t timeout_ns = abi::wait_forever) const
    {
        return system::wait_set_wait(m_handle.value(), out.data(), out.size(), timeout_ns);
    }
    const Handle& handle() const { return m_handle; }

private:
    Handle m_handle;
};

} // namespace gehri
