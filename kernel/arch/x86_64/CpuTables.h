#pragma once

#include <stddef.h>
#include <stdint.h>

namespace gehri::arch {

// Segment selectors. The order is dictated by syscall/sysret: SYSCALL loads CS from
// STAR[47:32] and SS from that + 8; 64-bit SYSRET loads SS from STAR[63:48] + 8 and CS from
// STAR[63:48] + 16. So kernel code is followed by kernel data, and user data by user code.
namespace selectors {
constexpr uint16_t kernel_code = 0x08;
constexpr uint16_t kernel_data = 0x10;
constexpr uint16_t user_sysret_base = 0x18 | 3; // STAR[63:48]; the slot itself stays null
constexpr uint16_t user_data = 0x20 | 3;
constexpr uint16_t user_code = 0x28 | 3;
constexpr uint16_t tss = 0x30; // a 16-byte system descriptor: slots 6 and 7
} // namespace selectors

// Interrupt stack table slots (1-based, as the IDT gate encodes them). These exceptions
// get a known-good stack because the current one may be the cause (overflow, corruption).
namespace ist {
constexpr uint8_t double_fault = 1;
constexpr uint8_t nmi = 2;
constexpr uint8_t machine_check = 3;
} // namespace ist

// Tops (highest addresses, 16-byte aligned) of one CPU's interrupt stacks.
struct IstStacks {
    uint64_t double_fault_top;
    uint64_t nmi_top;
    uint64_t machine_check_top;
};

// The 64-bit task state segment: only the stack pointers matter in long mode.
struct [[gnu::packed]] TaskStateSegment {
    uint32_t reserved0;
    uint64_t rsp[3]; // privilege-level stacks: rsp[0] is loaded on a user -> kernel transition
    uint64_t reserved1;
    uint64_t ist[7]; // ist[n - 1] is IST slot n
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t io_map_base; // == sizeof: no I/O permission bitmap, so user port I/O faults
};
static_assert(sizeof(TaskStateSegment) == 104);

// One CPU's GDT and TSS. Each CPU owns its object (the TSS holds per-CPU stacks, and the
// busy bit set by `ltr` is per descriptor), indexed by the kernel's dense CPU index.
class CpuTables {
public:
    static constexpr size_t max_cpus = 64;
    static constexpr size_t gdt_entry_count = 8;

    // Builds this CPU's GDT and TSS, loads them (lgdt, segment reloads, ltr) and loads the
    // shared IDT. The boot CPU calls it once before anything can fault; each AP calls it
    // first thing with its own stacks. Panics on a bad index or a second call for an index.
    static CpuTables& initialize_for_this_cpu(uint32_t cpu_index, const IstStacks& stacks);

    // The boot CPU's tables, on the statically allocated IST stacks.
    static CpuTables& initialize_for_boot_cpu();

    // Null until that CPU has initialized.
    static CpuTables* for_cpu(uint32_t cpu_index);

    // The stack the CPU switches to when an interrupt or exception arrives in user mode.
    // The scheduler sets it to the incoming thread's kernel stack top on every switch.
    void set_kernel_stack_for_user_entry(uint64_t stack_top) { m_tss.rsp[0] = stack_top; }

    uint32_t cpu_index() const { return m_cpu_index; }
    const TaskStateSegment& tss() const { return m_tss; }
    const uint64_t* gdt() const { return m_gdt; }

private:
    constexpr CpuTables() = default;
    void build(uint32_t cpu_index, const IstStacks& stacks);
    void load() const;

    alignas(16) uint64_t m_gdt[gdt_entry_count] {};
    alignas(16) TaskStateSegment m_tss {};
    uint32_t m_cpu_index { 0 };
    bool m_initialized { false };

    static CpuTables s_all[max_cpus];
};

} // namespace gehri::arch
