// Multiboot2 entry: GRUB leaves us in 32-bit protected mode with paging off.
// We build boot page tables that map the first 4 GiB three times (identity, the direct
// map at 0xffff800000000000, and the kernel image at 0xffffffff80000000), enter long
// mode and jump to the higher half. The C++ memory manager replaces these tables.

#define KERNEL_VMA 0xffffffff80000000
#define MB2_MAGIC 0xe85250d6
#define MB2_ARCH_I386 0

    .section .multiboot2, "a"
    .balign 8
multiboot2_header:
    .long MB2_MAGIC
    .long MB2_ARCH_I386
    .long multiboot2_header_end - multiboot2_header
    .long -(MB2_MAGIC + MB2_ARCH_I386 + (multiboot2_header_end - multiboot2_header))
    // Framebuffer request (optional: we still boot on a serial-only machine).
    .balign 8
    .word 5
    .word 1
    .long 20
    .long 1024
    .long 768
    .long 32
    .balign 8
    // End tag.
    .word 0
    .word 0
    .long 8
multiboot2_header_end:

    .section .boot.text, "ax"
    .code32
    .global _start
_start:
    cli
    cld
    mov $boot_stack_physical_top, %esp
    mov %eax, %edi              // multiboot2 magic -> first argument of kernel_entry
    mov %ebx, %esi              // multiboot2 info (physical) -> second argument

    // Long mode needs CPUID leaf 0x80000001 EDX bit 29.
    mov $0x80000000, %eax
    cpuid
    cmp $0x80000001, %eax
    jb no_long_mode
    mov $0x80000001, %eax
    cpuid
    test $(1 << 29), %edx
    jz no_long_mode

    // PD entries: 4 page directories x 512 entries of 2 MiB, covering 4 GiB.
    mov $boot_page_directories, %ebx
    xor %ecx, %ecx
1:  mov %ecx, %eax
    shl $21, %eax
    or $0x83, %eax               // present | writable | 2 MiB page
    mov %eax, (%ebx, %ecx, 8)
    mov %ecx, %eax
    shr $11, %eax                // high bits of physical address (ecx * 2 MiB >> 32)
    mov %eax, 4(%ebx, %ecx, 8)
    inc %ecx
    cmp $2048, %ecx
    jne 1b

    // Low PDPT: four 1 GiB slots, each pointing at one page directory.
    mov $boot_pdpt_low, %ebx
    mov $boot_page_directories, %eax
    or $0x3, %eax
    mov %eax, 0(%ebx)
    add $4096, %eax
    mov %eax, 8(%ebx)
    add $4096, %eax
    mov %eax, 16(%ebx)
    add $4096, %eax
    mov %eax, 24(%ebx)

    // High PDPT: slots 510 and 511 map the first 2 GiB at KERNEL_VMA.
    mov $boot_pdpt_high, %ebx
    mov $boot_page_directories, %eax
    or $0x3, %eax
    mov %eax, (510 * 8)(%ebx)
    add $4096, %eax
    mov %eax, (511 * 8)(%ebx)

    // PML4: identity (0), direct map (256), kernel image (511).
    mov $boot_pml4, %ebx
    mov $boot_pdpt_low, %eax
    or $0x3, %eax
    mov %eax, 0(%ebx)
    mov %eax, (256 * 8)(%ebx)
    mov $boot_pdpt_high, %eax
    or $0x3, %eax
    mov %eax, (511 * 8)(%ebx)

    mov %ebx, %cr3
    mov %cr4, %eax
    or $((1 << 5) | (1 << 9) | (1 << 10)), %eax   // PAE, OSFXSR, OSXMMEXCPT
    mov %eax, %cr4
    mov $0xC0000080, %ecx                          // EFER
    rdmsr
    or $((1 << 8) | (1 << 11)), %eax               // LME, NXE
    wrmsr
    mov %cr0, %eax
    and $~(1 << 2), %eax                           // clear EM
    or $((1 << 31) | (1 << 16) | (1 << 1)), %eax   // PG, WP, MP
    mov %eax, %cr0

    lgdt boot_gdt_pointer
    ljmp $0x08, $long_mode_entry

no_long_mode:
    // Say why on COM1 and on the VGA text buffer (BIOS machines), then stop.
    mov $no_long_mode_message, %esi
    mov $0xB8000, %edi
2:  lodsb
    test %al, %al
    jz 4f
    mov %al, %ah
    mov $0x3FD, %dx
3:  in %dx, %al
    test $0x20, %al
    jz 3b
    mov %ah, %al
    mov $0x3F8, %dx
    out %al, %dx
    movb %ah, (%edi)
    movb $0x4F, 1(%edi)
    add $2, %edi
    jmp 2b
4:  hlt
    jmp 4b

    .code64
long_mode_entry:
    mov $0x10, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    xor %ax, %ax
    mov %ax, %fs
    mov %ax, %gs
    movabs $higher_half_entry, %rax
    jmp *%rax

    .section .boot.rodata, "a"
no_long_mode_message:
    .asciz "Gehri: this CPU has no 64-bit long mode; Gehri needs an x86_64 CPU.\r\n"
    .balign 8
boot_gdt:
    .quad 0
    .quad 0x00af9a000000ffff     // 64-bit code
    .quad 0x00cf92000000ffff     // data
boot_gdt_end:
boot_gdt_pointer:
    .word boot_gdt_end - boot_gdt - 1
    .long boot_gdt

    .section .boot.bss, "aw", @nobits
    .balign 4096
    .global boot_pml4
boot_pml4: .skip 4096
boot_pdpt_low: .skip 4096
boot_pdpt_high: .skip 4096
boot_page_directories: .skip 4096 * 4
    .balign 16
    .skip 1024
boot_stack_physical_top:

    .section .text
    .code64
higher_half_entry:
    // Zero .bss ourselves: a loader that skips it must not leave us with garbage.
    mov %rdi, %r12
    mov %rsi, %r13
    movabs $__bss_start, %rdi
    movabs $__bss_end, %rcx
    sub %rdi, %rcx
    xor %eax, %eax
    rep stosb
    movabs $boot_stack_top, %rsp
    xor %ebp, %ebp
    mov %r12, %rdi
    mov %r13, %rsi
    call kernel_entry
5:  cli
    hlt
    jmp 5b

    .section .bss
    .balign 4096
    .global boot_stack_guard
boot_stack_guard:
    .skip 4096
    .global boot_stack_bottom
boot_stack_bottom:
    .skip 16384
    .global boot_stack_top
boot_stack_top:
    .section .note.GNU-stack, "", @progbits
