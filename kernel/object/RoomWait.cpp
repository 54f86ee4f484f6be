#include <kernel/ipc/Topic.h>
#include <kernel/object/KillableWait.h>
#include <kernel/object/RoomWait.h>

namespace gehri::object {

namespace {

// Told under the topic's lock: only wakes the sleeping publisher (wait queue and run queue
// locks come after object locks), which then publishes itself.
class WakingRoomWaiter final : public ipc::RoomWaiter {
public:
    explicit WakingRoomWaiter(sched::WaitQueue& queue)
        : m_queue(queue)
    {
    }
    void on_room() override { sched::kernel_scheduler().wake_all(m_queue); }

private:
    sched::WaitQueue& m_queue;
};

uint64_t now_ns() { return sched::kernel_scheduler().platform().now_ns(); }

} // namespace

Result<uint64_t> publish_waiting_for_room(ipc::Publisher& publisher, ipc::AgentId sender, const ipc::PayloadRef& payload, uint64_t deadline_ns, Thread* waiter)
{
    ipc::Topic& topic = publisher.topic();
    bool took_turn = false;
    for (;;) {
        auto published = publisher.publish(sender, payload);
        if (published.is_ok() || published.error() != Error::QueueFull) {
            // Room may be left that this publisher's turn stood for: the next waiter's now.
            if (took_turn)
                topic.pass_room_on();
            return published;
        }
        if (deadline_ns == 0 || now_ns() >= deadline_ns)
            return Error::QueueFull;
        sched::WaitQueue queue;
        WakingRoomWaiter turn(queue);
        topic.wait_for_room(turn);
        auto waited = wait_killably(queue, [&] { return turn.was_served(); }, deadline_ns, waiter);
        took_turn = topic.stop_waiting_for_room(turn);
        if (waited.is_error() && waited.error() != Error::TimedOut) {
            if (took_turn)
                topic.pass_room_on();
            return waited.error();
        }
        if (!took_turn)
            return Error::QueueFull; // timed out before its turn
    }
}

} // namespace gehri::object
