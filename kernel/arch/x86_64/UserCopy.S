// Copies that touch user memory. With SMAP the kernel may touch user pages only between stac
// and clac; a fault on a copy instruction (an unmapped page, a write to a read-only page)
// resumes at its fixup through the exception fixup table (ExceptionFixups.h), which reports
// how much was left instead of crashing.

    .section .text
    .code64

// size_t gehri_user_copy(void* destination, const void* source, size_t length)
// Returns the number of bytes not copied: 0 on success. The caller has checked that the user
// side of the copy lies in user space. Whole words first, then the tail: every step of a
// `rep` counts, and messages are copied on every IPC call.
    .global gehri_user_copy
    .type gehri_user_copy, @function
gehri_user_copy:
    movq %rdx, %rcx
    shrq $3, %rcx                           // words
    andl $7, %edx                           // then the tail bytes
    testb $1, gehri_smap_enabled(%rip)
    jz 1f
    stac
1:
user_copy_words:
    rep movsq
    movq %rdx, %rcx
user_copy_bytes:
    rep movsb
user_copy_finish:
    testb $1, gehri_smap_enabled(%rip)
    jz 2f
    clac
2:  movq %rcx, %rax                         // what is left; a fault leaves rcx counting it
    ret
user_copy_words_fixup:
    leaq (%rdx,%rcx,8), %rcx                // words left, in bytes, plus the tail
    jmp user_copy_finish
user_copy_bytes_fixup:
    jmp user_copy_finish
    .size gehri_user_copy, . - gehri_user_copy

    .section .exception_fixups, "a"
    .balign 8
    .quad user_copy_words, user_copy_words_fixup
    .quad user_copy_bytes, user_copy_bytes_fixup

    .section .note.GNU-stack, "", @progbits
