#pragma once

#include <kernel/collective/Outbox.h>
#include <kernel/lib/Spinlock.h>
#include <stddef.h>

namespace gehri::govern {

// The kernel's side of collective::Outbox. The services call it with their lock held, so it
// only queues; the caller performs the queued acts (perform_pending) after dropping the
// service's lock, because acting takes other locks (agents, run queues, wait queues).
// A full queue drops the act and counts it; the acts that must never be lost (break-glass
// controls) are few per command and the queue holds many more. It is sized for a swarm: one
// judgment can quarantine hundreds of agents at once, each told by an event, and a proposal
// tells up to abi::proposal_notified_electorate electors and its proposer at once (a larger
// electorate is quiet: only the proposer is told)
// (a ring of 2048 acts, ~200 KiB; a timer round of the board queues about half of that).
class KernelOutbox final : public collective::Outbox {
public:
    static constexpr size_t capacity = 2048;

    void notify(const collective::Event&) override;
    void apply(const collective::ResourceEffect&) override;
    void control(const collective::ControlAction&) override;

    // Performs and forgets everything queued. Thread context, no service lock held.
    void perform_pending();

    uint64_t dropped() const { return __atomic_load_n(&m_dropped, __ATOMIC_RELAXED); }
    uint64_t controls_performed() const { return __atomic_load_n(&m_controls_performed, __ATOMIC_RELAXED); }

private:
    enum class ActKind : uint8_t { Event, Effect, Control };
    struct Act {
        ActKind kind;
        collective::Event event;
        collective::ResourceEffect effect;
        collective::ControlAction control;
    };
    void queue(const Act&);
    void perform(const Act&);
    void perform_control(const collective::ControlAction&);
    static void mirror_quarantine(const collective::Event&);

    Spinlock m_lock;
    Act m_acts[capacity] {};
    size_t m_head { 0 };
    size_t m_count { 0 };
    uint64_t m_dropped { 0 };
    uint64_t m_controls_performed { 0 };
};

} // namespace gehri::govern
