#include <kernel/arch/x86_64/CpuTables.h>
#include <kernel/arch/x86_64/Idt.h>
#include <kernel/log/Panic.h>
#include <stddef.h>
#include <stdint.h>

extern "C" const uint64_t interrupt_stub_table[256];

namespace gehri::arch {

namespace {

struct IdtGate {
    uint64_t low;
    uint64_t high;
};
static_assert(sizeof(IdtGate) == 16);

struct [[gnu::packed]] IdtPointer {
    uint16_t limit;
    uint64_t base;
};

constexpr uint64_t gate_present = 1ull << 47;
constexpr uint64_t gate_type_interrupt = 0xEull << 40; // clears IF on entry
constexpr size_t vector_count = 256;
constexpr uint8_t vector_breakpoint = 3;
constexpr uint8_t vector_overflow = 4;
constexpr uint8_t vector_double_fault = 8;
constexpr uint8_t vector_nmi = 2;
constexpr uint8_t vector_machine_check = 18;

alignas(16) constinit IdtGate s_idt[vector_count] {};
constinit bool s_idt_built = false;

IdtGate encode_gate(uint64_t handler, uint8_t ist_slot, uint8_t privilege)
{
    uint64_t low = (handler & 0xffff) | (static_cast<uint64_t>(selectors::kernel_code) << 16)
        | (static_cast<uint64_t>(ist_slot & 7) << 32) | gate_type_interrupt | (static_cast<uint64_t>(privilege & 3) << 45)
        | gate_present | (((handler >> 16) & 0xffff) << 48);
    return { low, handler >> 32 };
}

uint8_t ist_slot_for(size_t vector)
{
    switch (vector) {
    case vector_double_fault: return ist::double_fault;
    case vector_nmi: return ist::nmi;
    case vector_machine_check: return ist::machine_check;
    default: return 0;
    }
}

} // namespace

void build_idt()
{
    for (size_t vector = 0; vector < vector_count; ++vector) {
        // int3 and into are meant to be usable from user mode (debuggers); every other
        // software `int n` from user mode is a general protection fault.
        uint8_t privilege = (vector == vector_breakpoint || vector == vector_overflow) ? 3 : 0;
        s_idt[vector] = encode_gate(interrupt_stub_table[vector], ist_slot_for(vector), privilege);
    }
    __atomic_store_n(&s_idt_built, true, __ATOMIC_RELEASE);
}

void load_idt()
{
    // An AP started before the boot CPU built the IDT would triple-fault on its first interrupt.
    VERIFY(__atomic_load_n(&s_idt_built, __ATOMIC_ACQUIRE));
    IdtPointer pointer { sizeof(s_idt) - 1, reinterpret_cast<uint64_t>(s_idt) };
    asm volatile("lidt %0" ::"m"(pointer) : "memory");
}

} // namespace gehri::arch
