#pragma once

#include <kernel/ipc/WaitSet.h>
#include <kernel/lib/OwnPtr.h>
#include <kernel/object/KernelObject.h>
#include <kernel/sched/IntrusiveList.h>

namespace gehri::object {

// A persistent wait set (the WaitSet syscalls): objects registered once under a key and an
// interest, waited on many times. Each registration holds a reference to its object, so a
// source outlives its entry (closing the object's last handle does not end it while it is
// registered: remove it first). The object itself is the portable ipc::WaitSet.
//
// Cycles are impossible by construction: a wait set cannot hold a wait set, and its handles
// cannot be transferred (wait_set_rights has no Transfer), so no object it holds can hold it.
class WaitSetObject final : public KernelObject {
public:
    static constexpr ObjectType object_type = ObjectType::WaitSet;
    static constexpr size_t max_entries = 1024; // abi::max_wait_set_entries

    static Result<RefPtr<WaitSetObject>> create();
    ~WaitSetObject() override;

    // InvalidArgument for an empty interest or bits that do not exist; WrongObjectType for an
    // object without signals or a wait set; AlreadyExists for a key in use; QuotaExceeded past
    // max_entries; OutOfMemory.
    Result<void> add(RefPtr<KernelObject> object, uint64_t key, ipc::Signals interest);
    // NotFound for a key not registered.
    Result<void> remove(uint64_t key);
    size_t entry_count();

    ipc::WaitSet& set() { return *m_set; }
    ipc::SignalSource* signal_source() override { return &m_set->signal_source(); }

private:
    struct Registration {
        Registration(uint64_t key, RefPtr<KernelObject> object)
            : key(key)
            , object(std::move(object))
        {
        }
        uint64_t key;
        RefPtr<KernelObject> object;
        sched::ListNode<Registration> node;
    };
    using RegistrationList = sched::IntrusiveList<Registration, &Registration::node>;

    explicit WaitSetObject(OwnPtr<ipc::WaitSet> set)
        : KernelObject(object_type)
        , m_set(std::move(set))
    {
    }
    Registration* find_locked(uint64_t key);
    void unlink_and_free(Registration& registration);

    OwnPtr<ipc::WaitSet> m_set;
    // Which keys are taken and the references that keep their objects alive. A key's
    // registration is linked before its ipc entry exists and unlinked after it is gone.
    Spinlock m_lock;
    RegistrationList m_registrations;
};

} // namespace gehri::object
