// Copies that touch user memory. With SMAP the kernel may touch user pages only between stac
// and clac; a fault on the copy instruction (an unmapped page, a write to a read-only page)
// resumes at the fixup through the exception fixup table (ExceptionFixups.h), which reports
// how much was left instead of crashing.

    .section .text
    .code64

// size_t gehri_user_copy(void* destination, const void* source, size_t length)
// Returns the number of bytes not copied: 0 on success. The caller has checked that the user
// side of the copy lies in user space.
    .global gehri_user_copy
    .type gehri_user_copy, @function
gehri_user_copy:
    movq %rdx, %rcx
    testb $1, gehri_smap_enabled(%rip)
    jz 1f
    stac
1:
user_copy_instruction:
    rep movsb
user_copy_finish:
    testb $1, gehri_smap_enabled(%rip)
    jz 2f
    clac
2:  movq %rcx, %rax                         // what is left; a fault leaves rcx counting it
    ret
user_copy_fixup:
    jmp user_copy_finish
    .size gehri_user_copy, . - gehri_user_copy

    .section .exception_fixups, "a"
    .balign 8
    .quad user_copy_instruction, user_copy_fixup

    .section .note.GNU-stack, "", @progbits
