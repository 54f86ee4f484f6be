// Entry stubs for all 256 vectors. Each stub makes the stack look the same whatever the
// vector: [error code] [vector] then the general registers, which is InterruptFrame
// (Interrupts.h) read from the lowest address up. One common path then calls the C++
// dispatcher with a pointer to that frame and returns with iretq.

// Exceptions for which the CPU pushes an error code itself.
#define HAS_ERROR_CODE(v) ((v) == 8 || (v) == 10 || (v) == 11 || (v) == 12 || (v) == 13 || (v) == 14 || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

// Offsets into InterruptFrame (15 general registers, then vector, error code, rip, cs).
#define FRAME_RIP (17 * 8)
#define FRAME_CS (18 * 8)

    .section .text
    .code64

    .macro interrupt_stub vector
    .balign 16
    .type interrupt_stub_\vector, @function
interrupt_stub_\vector:
    .if HAS_ERROR_CODE(\vector) == 0
    pushq $0
    .endif
    pushq $\vector
    jmp interrupt_common
    .size interrupt_stub_\vector, . - interrupt_stub_\vector
    .endm

    .altmacro
    .set vector, 0
    .rept 256
    interrupt_stub %vector
    .set vector, vector + 1
    .endr
    .noaltmacro

    .type interrupt_common, @function
interrupt_common:
    cld
    // Coming from user mode, GS must point at this CPU's data again: the kernel keeps it in
    // GS_BASE while running and in KERNEL_GS_BASE while user code runs.
    testb $3, 24(%rsp)          // cs, above vector and error code
    jz 1f
    swapgs
1:  pushq %rax
    pushq %rbx
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %rbp
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    mov %rsp, %rdi

    // A synthetic frame record (saved rbp, return address = interrupted rip) so that a
    // backtrace taken inside a handler continues into the interrupted kernel code. User
    // code's rbp means nothing to the kernel: end the chain there instead. The two pushes
    // keep the stack 16-byte aligned for the call (the CPU aligned it, then 22 quadwords).
    testb $3, FRAME_CS(%rdi)
    jz 2f
    xor %ebp, %ebp
    pushq $0
    jmp 3f
2:  pushq FRAME_RIP(%rdi)
3:  pushq %rbp
    mov %rsp, %rbp
    call interrupt_dispatch
    .global interrupt_dispatch_return_site
interrupt_dispatch_return_site:  // the backtrace walker recognizes the synthetic record by it
    add $16, %rsp

    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rbp
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rbx
    popq %rax
    add $16, %rsp               // vector and error code
    testb $3, 8(%rsp)           // cs of the context we return to
    jz 4f
    swapgs
4:  iretq
    .size interrupt_common, . - interrupt_common

    // bool probe_read_u64(const uint64_t* address, uint64_t* value): a load that may fault.
    // The exception dispatcher knows the faulting instruction's address and resumes at the
    // fixup instead of reporting a crash; so crash reports can walk untrusted frame chains.
    .global probe_read_u64
    .global probe_read_u64_load
    .global probe_read_u64_fixup
    .type probe_read_u64, @function
probe_read_u64:
probe_read_u64_load:
    movq (%rdi), %rax
    movq %rax, (%rsi)
    movl $1, %eax
    ret
probe_read_u64_fixup:
    xorl %eax, %eax
    ret
    .size probe_read_u64, . - probe_read_u64

    // The stub addresses, for the IDT builder.
    .section .rodata
    .balign 8
    .global interrupt_stub_table
interrupt_stub_table:
    .altmacro
    .macro stub_address vector
    .quad interrupt_stub_\vector
    .endm
    .set vector, 0
    .rept 256
    stub_address %vector
    .set vector, vector + 1
    .endr
    .noaltmacro

    .section .note.GNU-stack, "", @progbits
