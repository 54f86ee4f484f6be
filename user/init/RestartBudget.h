#pragma once

#include <stddef.h>
#include <stdint.h>

namespace gehri::swarm {

// The Erlang/OTP restart intensity: at most `max_restarts` restarts within any window of
// `window_ns`; the restart that would exceed it is refused (the supervisor gives up). Keeps
// the times of the last max_restarts restarts in caller-provided storage (max_restarts
// entries), so it needs no heap.
class RestartBudget {
public:
    RestartBudget(uint64_t* storage, uint32_t max_restarts, uint64_t window_ns)
        : m_times(storage)
        , m_max(max_restarts)
        , m_window_ns(window_ns)
    {
    }

    // Whether a restart at `now_ns` stays within the budget; if so it is recorded.
    bool try_restart(uint64_t now_ns);
    // Restarts recorded within the window that ends at `now_ns`.
    uint32_t restarts_in_window(uint64_t now_ns) const;

private:
    uint64_t* m_times; // a ring of the last m_count restart times, oldest at m_oldest
    uint32_t m_max;
    uint64_t m_window_ns;
    uint32_t m_count { 0 };
    uint32_t m_oldest { 0 };
};

} // namespace gehri::swarm
