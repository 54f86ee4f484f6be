#pragma once

#include <stdint.h>

namespace gehri::arch {

using InterruptState = uint64_t;

inline void cpu_relax() { asm volatile("pause" ::: "memory"); }

inline InterruptState save_and_disable_interrupts()
{
    uint64_t flags;
    asm volatile("pushfq; popq %0; cli" : "=r"(flags)::"memory");
    return flags;
}

inline void restore_interrupts(InterruptState state)
{
    if (state & (1u << 9))
        asm volatile("sti" ::: "memory");
}

inline bool interrupts_enabled()
{
    uint64_t flags;
    asm volatile("pushfq; popq %0" : "=r"(flags)::"memory");
    return flags & (1u << 9);
}

inline void enable_interrupts() { asm volatile("sti" ::: "memory"); }
inline void disable_interrupts() { asm volatile("cli" ::: "memory"); }
inline void wait_for_interrupt() { asm volatile("hlt" ::: "memory"); }

[[noreturn]] inline void halt_forever()
{
    for (;;)
        asm volatile("cli; hlt" ::: "memory");
}

inline uint64_t read_timestamp_counter()
{
    uint32_t low, high;
    asm volatile("rdtsc" : "=a"(low), "=d"(high));
    return (static_cast<uint64_t>(high) << 32) | low;
}

} // namespace gehri::arch
