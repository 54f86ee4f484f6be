#pragma once

#include <kernel/ipc/SignalSource.h>
#include <kernel/object/KernelObject.h>

namespace gehri::object {

// A bare signal source whose bits its holders set and clear (Zircon's event): the wake-up half
// of anything agents build in shared memory, such as libgehri's SPSC ring slow path. Only
// signal::signalled and the user bits can be set; nothing else ever changes them.
class EventObject final : public KernelObject {
public:
    static constexpr ObjectType object_type = ObjectType::Event;
    static constexpr ipc::Signals settable = ipc::signal::signalled | ipc::signal::user_all;

    static Result<RefPtr<EventObject>> create();

    // Sets the bits to (current & ~clear) | set. InvalidArgument for bits outside `settable`.
    Result<void> signal(ipc::Signals clear, ipc::Signals set);
    ipc::Signals signals() const { return m_source.signals(); }
    ipc::SignalSource* signal_source() override { return &m_source; }

private:
    EventObject()
        : KernelObject(object_type)
    {
    }
    Spinlock m_lock; // before m_source, which borrows it and must die first
    ipc::SignalSource m_source { m_lock };
};

} // namespace gehri::object
