// Kernel-thread context switch (System V x86_64 ABI).
//
// A switched-out thread's context is its stack: the callee-saved registers (rbp, rbx,
// r12-r15) and the return address are pushed on it, and the stack pointer is stored in the
// thread's ThreadContext. Caller-saved registers need no saving: the switch is an ordinary
// call as far as the compiler knows. The kernel is built with -mgeneral-regs-only, so there
// is no FPU/SSE state to carry (x87 control word and MXCSR are never changed by kernel code).
//
// Agents' threads carry user FPU/SSE state: it is saved and loaded (FXSAVE64/FXRSTOR64), with
// their page tables and entry stack, by arch::switch_user_state (UserContextSwitch.h), which
// the scheduler platform calls right before this switch.

    .section .text
    .code64

// sched::Thread* gehri_switch_context(uintptr_t* save_stack_pointer,   rdi
//                                     uintptr_t next_stack_pointer,    rsi
//                                     sched::Thread* previous)         rdx
// Returns, in the context that is resumed, the `previous` argument its resumer passed: the
// thread that was running on this CPU just before.
    .global gehri_switch_context
    .type gehri_switch_context, @function
gehri_switch_context:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    movq %rdx, %rax
    ret
    .size gehri_switch_context, . - gehri_switch_context

// Where a new thread's first switch "returns" to (see prepare_thread_frame): rax holds the
// previous thread, r12 the entry function, r13 its argument, and rsp is 16-byte aligned.
    .global gehri_thread_trampoline
    .type gehri_thread_trampoline, @function
gehri_thread_trampoline:
    xorl %ebp, %ebp                 // the end of the frame-pointer chain for backtraces
    movq %rax, %rdi
    call gehri_thread_first_run     // finish the switch: release the run-queue lock
    movq %r13, %rdi
    call *%r12                      // the thread's work
    call gehri_thread_exit          // never returns
    ud2
    .size gehri_thread_trampoline, . - gehri_thread_trampoline

    .section .note.GNU-stack, "", @progbits
