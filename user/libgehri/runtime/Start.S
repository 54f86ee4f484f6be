// The entry point of every agent. The kernel starts the first thread here in ring 3 with
// rdi = a handle to the agent, rsi = a handle to this thread, rdx = the start argument,
// rcx = the agent's id, a 16-byte aligned stack and every other register zero. The stack
// pointer is the top of the first stack: it goes to gehri_start too (r8).
    .section .text.start, "ax"
    .global _start
    .type _start, @function
_start:
    xorl %ebp, %ebp                 // the end of the frame-pointer chain
    movq %rsp, %r8                  // the top of the stack
    call gehri_start                // never returns
    ud2
    .size _start, . - _start

    .section .note.GNU-stack, "", @progbits
