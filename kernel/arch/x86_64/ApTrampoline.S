// The application-processor trampoline. The BSP copies this blob to the page at
// TRAMPOLINE_PHYSICAL (below 1 MiB: a STARTUP IPI names a real-mode page), fills in the
// parameter block at its end, and starts each AP with INIT-SIPI-SIPI (Smp.cpp).
//
// The AP wakes in 16-bit real mode on that page and climbs to long mode on the trampoline's
// own page tables: an AddressSpace whose lower half maps only this page (identity) and whose
// kernel half is the kernel's, shared. Its top-level table is below 4 GiB, as the 32-bit
// `mov %eax, %cr3` needs. The boot page tables are not used: the kernel's tables have no
// identity map, so the AP could not keep executing here once it loaded them. Instead it jumps
// to the kernel's entry point in the higher half, which loads the kernel's CR3 itself.
//
// NX, global pages, PAE and write protection are switched on before paging, exactly as boot.S
// does (the kernel's page tables set NX and G bits: without EFER.NXE the NX bit is a reserved
// bit and every access faults).

#define TRAMPOLINE_PHYSICAL 0x8000
#define AT(label) (TRAMPOLINE_PHYSICAL + (label) - ap_trampoline_start)

#define CR4_PAE (1 << 5)
#define CR4_PGE (1 << 7)
#define CR4_OSFXSR (1 << 9)
#define CR4_OSXMMEXCPT (1 << 10)
#define EFER_LME (1 << 8)
#define EFER_NXE (1 << 11)

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
    or $(CR4_PAE | CR4_PGE | CR4_OSFXSR | CR4_OSXMMEXCPT), %eax
    mov %eax, %cr4
    mov AT(parameter_trampoline_cr3), %eax
    mov %eax, %cr3
    mov $0xC0000080, %ecx
    rdmsr
    or $(EFER_LME | EFER_NXE), %eax
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
    // The stack and the entry point are in the kernel half, which these tables share.
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

    // Filled in by the BSP for each AP; the layout matches ApTrampolineParameters (Smp.cpp).
    .balign 8
ap_trampoline_parameters:
parameter_trampoline_cr3: .quad 0
parameter_stack_top:      .quad 0
parameter_entry:          .quad 0
parameter_argument:       .quad 0
ap_trampoline_end:

    .section .note.GNU-stack, "", @progbits
