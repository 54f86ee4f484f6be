#pragma once

#include <kernel/arch/x86_64/Interrupts.h>
#include <kernel/lib/StringView.h>

namespace gehri::arch {

namespace exceptions {
constexpr uint8_t divide_error = 0;
constexpr uint8_t debug = 1;
constexpr uint8_t nmi = 2;
constexpr uint8_t breakpoint = 3;
constexpr uint8_t invalid_opcode = 6;
constexpr uint8_t double_fault = 8;
constexpr uint8_t general_protection = 13;
constexpr uint8_t page_fault = 14;
constexpr uint8_t machine_check = 18;
constexpr uint8_t count = 32;
} // namespace exceptions

// Page fault error code bits (Intel SDM vol. 3, 4.7).
namespace page_fault_error {
constexpr uint64_t present = 1 << 0; // 0: the page was not present; 1: a protection violation
constexpr uint64_t write = 1 << 1;
constexpr uint64_t user = 1 << 2;
constexpr uint64_t reserved_bit = 1 << 3;
constexpr uint64_t instruction_fetch = 1 << 4;
constexpr uint64_t protection_key = 1 << 5;
constexpr uint64_t shadow_stack = 1 << 6;
} // namespace page_fault_error

// "Page fault" for 14; "Reserved exception" for the reserved slots; "" above 31.
StringView exception_name(uint8_t vector);
// "#PF" for 14.
StringView exception_mnemonic(uint8_t vector);

inline uint64_t read_cr2()
{
    uint64_t value;
    asm volatile("mov %%cr2, %0" : "=r"(value));
    return value;
}

inline uint64_t read_cr3()
{
    uint64_t value;
    asm volatile("mov %%cr3, %0" : "=r"(value));
    return value;
}

// Called by the dispatcher for vectors 0..31.
void handle_exception(InterruptFrame& frame);

// TEST ONLY: an in-kernel test that provokes an exception on purpose installs an
// interceptor; returning true means it handled the exception (typically by moving
// frame.rip to a recovery point) and execution resumes from the frame. Kernel-mode
// exceptions only. Pass nullptr to remove it.
using ExceptionInterceptor = bool (*)(InterruptFrame& frame);
void set_exception_interceptor_for_testing(ExceptionInterceptor interceptor);

} // namespace gehri::arch
