#pragma once

#include <stdint.h>

namespace gehri::arch {

// The registers an interrupt or exception stub saves, in push order reversed (lowest address
// first). The CPU pushes ss..rip (and an error code for some exceptions); the stub pushes the
// vector, a zero error code where the CPU gave none, and the general registers.
struct InterruptFrame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector;
    uint64_t error_code;
    uint64_t rip, cs, rflags, rsp, ss;

    bool from_user_mode() const { return (cs & 3) == 3; }
};

using InterruptHandler = void (*)(InterruptFrame&);

// Vector allocation, in one place.
namespace vectors {
constexpr uint8_t first_external = 0x20;
constexpr uint8_t legacy_pic_base = 0x20; // 0x20..0x2F: the 8259 PICs, remapped, then masked
constexpr uint8_t local_timer = 0x30;
constexpr uint8_t reschedule_ipi = 0x31;
constexpr uint8_t tlb_shootdown_ipi = 0x32;
constexpr uint8_t halt_ipi = 0x33; // panic on one CPU stops the others
constexpr uint8_t ioapic_base = 0x40; // 0x40 + global system interrupt number
constexpr uint8_t spurious = 0xFF;
} // namespace vectors

// Installs the handler for an external vector (0x20..0xFF). Exceptions (0..31) have fixed
// handlers. A handler for a device or timer vector acknowledges it itself (LAPIC EOI).
// Handlers run with interrupts disabled. Installing over a different handler, or on an
// exception vector or the spurious vector, is a kernel bug and panics.
void install_interrupt_handler(uint8_t vector, InterruptHandler handler);

// Makes the vector unhandled again (for drivers that go away, and tests).
void uninstall_interrupt_handler(uint8_t vector);

// An external vector that arrives with no handler is logged the first time and counted.
// Nothing acknowledges it: a LAPIC vector left without EOI blocks lower priorities, so
// whoever programs a vector installs its handler first.
uint64_t unhandled_interrupt_count(uint8_t vector);
uint64_t spurious_interrupt_count();

// Exceptions raised in user mode (a process's page fault, #GP, #UD, int3...) go to this
// handler once the process subsystem installs one; it decides the process's fate (kill,
// signal, resolve the fault) and may change the frame. Without a handler they are fatal,
// like kernel faults. Double fault, NMI and machine check never count as user faults.
void set_user_fault_handler(InterruptHandler handler);

// Page faults at user addresses, from user mode or from a kernel routine with an exception
// fixup (a user copy), go to this resolver first; true means it mapped the page (demand-zero
// memory) and the access is retried.
using UserPageResolver = bool (*)(uint64_t address, uint64_t error_code);
void set_user_page_resolver(UserPageResolver resolver);

// Called after every interrupt or exception that came from user mode, just before the return
// to it (the process subsystem ends threads of killed processes there).
using UserReturnHook = void (*)();
void set_user_return_hook(UserReturnHook hook);

} // namespace gehri::arch
