#include <kernel/log/Panic.h>
#include <kernel/object/WaitSetObject.h>
#include <new>

namespace gehri::object {

Result<RefPtr<WaitSetObject>> WaitSetObject::create()
{
    auto set = TRY(ipc::WaitSet::create());
    return adopt_ref_if_nonnull(new (std::nothrow) WaitSetObject(std::move(set)));
}

WaitSetObject::~WaitSetObject()
{
    // The entries (observers on the sources) go first, while the references keep the sources
    // alive; then the references.
    m_set.reset();
    for (;;) {
        Registration* registration;
        {
            InterruptSafeGuard guard(m_lock);
            registration = m_registrations.pop_first();
        }
        if (!registration)
            break;
        OwnPtr<Registration>::adopt(registration).reset();
    }
}

WaitSetObject::Registration* WaitSetObject::find_locked(uint64_t key)
{
    Registration* found = nullptr;
    m_registrations.for_each([&](Registration& registration) {
        if (registration.key == key)
            found = &registration;
    });
    return found;
}

void WaitSetObject::unlink_and_free(Registration& registration)
{
    {
        InterruptSafeGuard guard(m_lock);
        m_registrations.remove(registration);
    }
    // Outside the lock: dropping the last reference destroys the object, which takes its own.
    OwnPtr<Registration>::adopt(&registration).reset();
}

Result<void> WaitSetObject::add(RefPtr<KernelObject> object, uint64_t key, ipc::Signals interest)
{
    if (interest == 0 || (interest & ~ipc::signal::all) != 0)
        return Error::InvalidArgument;
    ipc::SignalSource* source = object->signal_source();
    if (source == nullptr || object->type() == ObjectType::WaitSet)
        return Error::WrongObjectType;
    auto owned = TRY(make_owned<Registration>(key, std::move(object)));
    Registration& registration = *owned;
    {
        InterruptSafeGuard guard(m_lock);
        if (find_locked(key))
            return Error::AlreadyExists;
        if (m_registrations.size() >= max_entries)
            return Error::QuotaExceeded;
        m_registrations.append(*owned.leak());
    }
    // Not under m_lock: the source calls back into the set with its own lock held.
    if (auto added = m_set->add(*source, key, interest); added.is_error()) {
        unlink_and_free(registration);
        return added.error();
    }
    return {};
}

Result<void> WaitSetObject::remove(uint64_t key)
{
    // The entry first: once it is gone nothing observes the source, and the reference may go.
    TRY(m_set->remove(key));
    Registration* registration;
    {
        InterruptSafeGuard guard(m_lock);
        registration = find_locked(key);
    }
    VERIFY(registration != nullptr);
    unlink_and_free(*registration);
    return {};
}

size_t WaitSetObject::entry_count()
{
    InterruptSafeGuard guard(m_lock);
    return m_registrations.size();
}

} // namespace gehri::object
