// The application-processor trampoline. The BSP copies this blob to a page below 1 MiB
// (TRAMPOLINE_PHYSICAL), fills in the parameter block at its end, and starts each AP with
// INIT-SIPI-SIPI. The AP wakes in 16-bit real mode at that page, climbs to long mode on the
// boot page tables (which still identity-map low memory and live below 4 GiB, as a 32-bit CR3
// requires), then switches to the kernel's page tables and stack and calls the entry point.

#define TRAMPOLINE_PHYSICAL 0x8000
#define AT(label) (TRAMPOLINE_PHYSICAL + (label) - ap_trampoline_start)

    .section .rodata
    .balign 16
    .global ap_trampoline_start
    .global ap_trampoline_end
    .global ap_trampoline_parameters
ap_trampoline_start:
    .code16
    cli
    cld
    xor %ax, %ax
    mov %ax, %ds
    lgdtl AT(trampoline_gdt_pointer)
    mov %cr0, %eax
    or $1, %eax
    mov %eax, %cr0
    ljmpl $0x08, $AT(protected_mode)

    .code32
protected_mode:
    mov $0x10, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov %cr4, %eax
    or $((1 << 5) | (1 << 9) | (1 << 10)), %eax     // PAE, OSFXSR, OSXMMEXCPT
    mov %eax, %cr4
    mov AT(parameter_boot_cr3), %eax
    mov %eax, %cr3
    mov $0xC0000080, %ecx
    rdmsr
    or $((1 << 8) | (1 << 11)), %eax               // LME, NXE
    wrmsr
    mov %cr0, %eax
    and $~(1 << 2), %eax
    or $((1 << 31) | (1 << 16) | (1 << 1)), %eax   // PG, WP, MP
    mov %eax, %cr0
    ljmp $0x18, $AT(long_mode)

    .code64
long_mode:
    mov $0x10, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    xor %ax, %ax
    mov %ax, %fs
    mov %ax, %gs
    mov AT(parameter_kernel_cr3), %rax
    mov %rax, %cr3
    mov AT(parameter_stack_top), %rsp
    mov AT(parameter_argument), %rdi
    mov AT(parameter_entry), %rax
    xor %ebp, %ebp
    call *%rax
1:  cli
    hlt
    jmp 1b

    .balign 16
trampoline_gdt:
    .quad 0
    .quad 0x00cf9a000000ffff     // 0x08: 32-bit code
    .quad 0x00cf92000000ffff     // 0x10: data
    .quad 0x00af9a000000ffff     // 0x18: 64-bit code
trampoline_gdt_end:
trampoline_gdt_pointer:
    .word trampoline_gdt_end - trampoline_gdt - 1
    .long AT(trampoline_gdt)

    // Filled in by the BSP for each AP; the layout matches ApTrampolineParameters in Smp.h.
    .balign 8
ap_trampoline_parameters:
parameter_boot_cr3:   .quad 0
parameter_kernel_cr3: .quad 0
parameter_stack_top:  .quad 0
parameter_entry:      .quad 0
parameter_argument:   .quad 0
ap_trampoline_end:

    .section .note.GNU-stack, "", @progbits
