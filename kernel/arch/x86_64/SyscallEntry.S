// The user/kernel boundary: SYSCALL entry and exit, and the first entry into user mode.
//
// GS (PerCpu.h): in the kernel GS_BASE is this CPU's CpuLocal; in user mode it is the user's
// and the CpuLocal's address waits in KERNEL_GS_BASE. Every crossing swaps them.

#include <kernel/arch/x86_64/CpuLocalOffsets.h>

#define USER_DATA_SELECTOR (0x20 | 3)
#define USER_CODE_SELECTOR (0x28 | 3)
#define USER_RFLAGS 0x202             // IF, and bit 1 which is always set

// Bytes of SyscallArguments (number and six arguments) at the bottom of the frame.
#define SYSCALL_ARGUMENT_BYTES (7 * 8)

    .section .text
    .code64

// SYSCALL lands here in ring 0 with interrupts off (FMASK), rcx = user rip, r11 = user
// rflags, and rsp still the user's. The frame built on the thread's kernel stack is, from the
// lowest address: number, rdi, rsi, rdx, r10, r8, r9 (SyscallArguments), user rip, user
// rflags, user rsp. 10 quadwords keep the 16-byte alignment of the stack top for the call.
    .global gehri_syscall_entry
    .type gehri_syscall_entry, @function
gehri_syscall_entry:
    swapgs
    movq %rsp, %gs:CPU_LOCAL_USER_STACK_SCRATCH
    movq %gs:CPU_LOCAL_SYSCALL_STACK_TOP, %rsp
    pushq %gs:CPU_LOCAL_USER_STACK_SCRATCH
    pushq %r11
    pushq %rcx
    pushq %r9
    pushq %r8
    pushq %r10
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %rax
    sti
    movq %rsp, %rdi                         // const SyscallArguments*
    movq %gs:CPU_LOCAL_CURRENT_USER, %rsi       // sched::UserState* of the calling thread
    call gehri_syscall                      // int64_t in rax: the result
    // No interrupt may see the user stack in ring 0: off until SYSRET turns them back on.
    cli
    addq $SYSCALL_ARGUMENT_BYTES, %rsp
    popq %rcx
    popq %r11
    // The argument registers are clobbered by contract; zero them so that no kernel value
    // leaks. Callee-saved registers were preserved by the C++ code.
    xorl %edi, %edi
    xorl %esi, %esi
    xorl %edx, %edx
    xorl %r8d, %r8d
    xorl %r9d, %r9d
    xorl %r10d, %r10d
    popq %rsp
    swapgs
    // rcx is the address after the user's syscall instruction, so it is canonical: the
    // loader keeps the last user page empty (kernel/loader/Elf64.h).
    sysretq
    .size gehri_syscall_entry, . - gehri_syscall_entry

// [[noreturn]] void gehri_enter_user_mode(const UserEntryRegisters* registers)
// Leaves the kernel for good on this stack: iretq to ring 3 at registers->rip with
// registers->rsp and the four argument registers set, every other register zero and
// interrupts enabled. Layout: rip, rsp, rdi, rsi, rdx, rcx.
    .global gehri_enter_user_mode
    .type gehri_enter_user_mode, @function
gehri_enter_user_mode:
    cli
    movq %rdi, %rax
    pushq $USER_DATA_SELECTOR
    pushq 8(%rax)
    pushq $USER_RFLAGS
    pushq $USER_CODE_SELECTOR
    pushq 0(%rax)
    movq 16(%rax), %rdi
    movq 24(%rax), %rsi
    movq 32(%rax), %rdx
    movq 40(%rax), %rcx
    xorl %eax, %eax
    xorl %ebx, %ebx
    xorl %ebp, %ebp
    xorl %r8d, %r8d
    xorl %r9d, %r9d
    xorl %r10d, %r10d
    xorl %r11d, %r11d
    xorl %r12d, %r12d
    xorl %r13d, %r13d
    xorl %r14d, %r14d
    xorl %r15d, %r15d
    swapgs
    iretq
    .size gehri_enter_user_mode, . - gehri_enter_user_mode

    .section .note.GNU-stack, "", @progbits
