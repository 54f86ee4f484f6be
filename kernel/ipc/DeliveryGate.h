#pragma once

#include <kernel/ipc/RefCounted.h>
#include <new>

namespace gehri::ipc {

// Whether samples still reach an agent's subscriptions. The agent holds one, and every
// subscription it makes shares it (counted: a subscription that outlives the agent keeps it).
// While any reason is set the gate is closed and publishes pass the subscription by: a
// quarantined or isolated agent stops receiving (docs/collective.md). Lock-free: a publish
// reads it with one atomic load.
class DeliveryGate final : public RefCounted<DeliveryGate> {
public:
    enum class Reason : uint8_t { Isolated = 1, Quarantined = 2 };

    static Result<RefPtr<DeliveryGate>> create()
    {
        auto* gate = new (std::nothrow) DeliveryGate;
        if (gate == nullptr)
            return Error::OutOfMemory;
        return RefPtr<DeliveryGate>::adopt(gate);
    }

    bool is_closed() const { return __atomic_load_n(&m_reasons, __ATOMIC_ACQUIRE) != 0; }
    bool has(Reason reason) const { return (__atomic_load_n(&m_reasons, __ATOMIC_ACQUIRE) & static_cast<uint8_t>(reason)) != 0; }
    void set(Reason reason, bool on)
    {
        if (on)
            __atomic_fetch_or(&m_reasons, static_cast<uint8_t>(reason), __ATOMIC_ACQ_REL);
        else
            __atomic_fetch_and(&m_reasons, static_cast<uint8_t>(~static_cast<uint8_t>(reason)), __ATOMIC_ACQ_REL);
    }

private:
    DeliveryGate() = default;
    uint8_t m_reasons { 0 };
};

} // namespace gehri::ipc
