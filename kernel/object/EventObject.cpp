#include <kernel/object/EventObject.h>
#include <new>

namespace gehri::object {

Result<RefPtr<EventObject>> EventObject::create() { return adopt_ref_if_nonnull(new (std::nothrow) EventObject); }

Result<void> EventObject::signal(ipc::Signals clear, ipc::Signals set)
{
    if (((clear | set) & ~settable) != 0)
        return Error::InvalidArgument;
    InterruptSafeGuard guard(m_lock);
    m_source.update_locked(set, clear);
    return {};
}

} // namespace gehri::object
