#pragma once

#include <user/libgehri/Handle.h>

namespace gehri {

// A kernel event (EventCreate): signal bits its holders set and clear, and wait for. Setting
// needs the handle's Signal right, waiting its Wait right; hand a peer a duplicate with only
// the one it needs. Bits: abi::signal::signalled and abi::signal::user_all.
class Event {
public:
    Event() = default;
    explicit Event(Handle handle)
        : m_handle(std::move(handle))
    {
    }
    static Result<Event> create() { return Event(Handle(TRY(system::event_create()))); }

    // The bits become (current & ~clear) | set.
    Result<void> signal(uint32_t clear, uint32_t set) const { return system::event_signal(m_handle.value(), clear, set); }
    // Sleeps until a bit of `interest` is up (0 polls); returns the interesting bits up. TimedOut.
    Result<uint32_t> wait(uint32_t interest, uint64_t timeout_ns = abi::wait_forever) const
    {
        abi::WaitItem item { .handle = m_handle.value(), .interest = interest };
        TRY(system::wait_many(&item, 1, timeout_ns));
        return item.observed;
    }
    const Handle& handle() const { return m_handle; }
    Handle release_handle() { return std::move(m_handle); }

private:
    Handle m_handle;
};

} // namespace gehri
