#pragma once

#include <kernel/sched/IntrusiveList.h>

namespace gehri::ipc {

// A publisher that waits for room on a topic (Topic::wait_for_room) instead of taking QueueFull.
// Embeds its list links, so waiting never allocates.
class RoomWaiter {
public:
    RoomWaiter() = default;
    RoomWaiter(const RoomWaiter&) = delete;
    RoomWaiter& operator=(const RoomWaiter&) = delete;

    // Called once per wait, with the topic's lock held, when it is this waiter's turn (a slot may
    // be free). It must not call back into the topic; it may take locks ordered after it.
    virtual void on_room() = 0;

    // Whether its turn came (set under the topic's lock before on_room).
    bool was_served() const { return __atomic_load_n(&m_served, __ATOMIC_ACQUIRE); }

protected:
    ~RoomWaiter() = default;

private:
    friend class Topic;
    sched::ListNode<RoomWaiter> m_node;
    bool m_served { false };
};

} // namespace gehri::ipc
