#pragma once

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

} // namespace gehri
