#pragma once

#include <kernel/arch/Cpu.h>
#include <stdint.h>

namespace gehri {

// A ticket lock: fair between CPUs, so no CPU starves under contention. Holding one raises
// the CPU's preempt count, so the holder is never switched away from by the timer: a thread
// spinning on the same CPU could otherwise wait for it forever. Code holding a spinlock must
// not block, sleep or yield (the scheduler checks).
class Spinlock {
public:
    constexpr Spinlock() = default;
    Spinlock(const Spinlock&) = delete;
    Spinlock& operator=(const Spinlock&) = delete;

    void lock()
    {
        arch::preempt_disable();
        uint32_t ticket = __atomic_fetch_add(&m_next_ticket, 1, __ATOMIC_RELAXED);
        while (__atomic_load_n(&m_now_serving, __ATOMIC_ACQUIRE) != ticket)
            arch::cpu_relax();
    }
    bool try_lock()
    {
        arch::preempt_disable();
        uint32_t serving = __atomic_load_n(&m_now_serving, __ATOMIC_RELAXED);
        uint32_t expected = serving;
        if (__atomic_compare_exchange_n(&m_next_ticket, &expected, serving + 1, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
            return true;
        arch::preempt_enable();
        return false;
    }
    void unlock()
    {
        __atomic_store_n(&m_now_serving, m_now_serving + 1, __ATOMIC_RELEASE);
        arch::preempt_enable();
    }
    bool is_locked() const { return __atomic_load_n(&m_now_serving, __ATOMIC_RELAXED) != __atomic_load_n(&m_next_ticket, __ATOMIC_RELAXED); }

private:
    uint32_t m_next_ticket { 0 };
    uint32_t m_now_serving { 0 };
};

// Holds a lock for a scope, interrupts untouched: use only where no interrupt handler takes
// the same lock. The holder is not preempted (the lock raises the preempt count) but may be
// interrupted.
template<typename Lock>
class [[nodiscard]] LockGuard {
public:
    explicit LockGuard(Lock& lock)
        : m_lock(lock)
    {
        m_lock.lock();
    }
    ~LockGuard() { m_lock.unlock(); }
    LockGuard(const LockGuard&) = delete;
    LockGuard& operator=(const LockGuard&) = delete;

private:
    Lock& m_lock;
};

// Disables interrupts on this CPU, then takes the lock: safe against handlers that take it too.
class [[nodiscard]] InterruptSafeGuard {
public:
    explicit InterruptSafeGuard(Spinlock& lock)
        : m_lock(lock)
        , m_state(arch::save_and_disable_interrupts())
    {
        m_lock.lock();
    }
    ~InterruptSafeGuard()
    {
        m_lock.unlock();
        arch::restore_interrupts(m_state);
    }
    InterruptSafeGuard(const InterruptSafeGuard&) = delete;
    InterruptSafeGuard& operator=(const InterruptSafeGuard&) = delete;

private:
    Spinlock& m_lock;
    arch::InterruptState m_state;
};

} // namespace gehri
