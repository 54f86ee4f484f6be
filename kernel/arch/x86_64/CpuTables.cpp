#include <kernel/arch/x86_64/CpuTables.h>
#include <kernel/arch/x86_64/Idt.h>
#include <kernel/log/Panic.h>

namespace gehri::arch {

namespace {

// Flat segments; in long mode only the access byte and the L bit still mean anything.
constexpr uint64_t kernel_code_descriptor = 0x00af9a000000ffff; // present, DPL 0, code, L
constexpr uint64_t kernel_data_descriptor = 0x00cf92000000ffff; // present, DPL 0, writable data
constexpr uint64_t user_data_descriptor = 0x00cff2000000ffff; // present, DPL 3, writable data
constexpr uint64_t user_code_descriptor = 0x00affa000000ffff; // present, DPL 3, code, L
constexpr uint64_t tss_type_available = 0x9;

struct [[gnu::packed]] DescriptorTablePointer {
    uint16_t limit;
    uint64_t base;
};

constexpr size_t boot_ist_stack_size = 16 * 1024;
alignas(16) uint8_t s_boot_double_fault_stack[boot_ist_stack_size];
alignas(16) uint8_t s_boot_nmi_stack[boot_ist_stack_size];
alignas(16) uint8_t s_boot_machine_check_stack[boot_ist_stack_size];

constinit CpuTables* s_tables_by_cpu[CpuTables::max_cpus] {};

uint64_t stack_top(uint8_t (&stack)[boot_ist_stack_size])
{
    return reinterpret_cast<uint64_t>(stack + boot_ist_stack_size);
}

void encode_tss_descriptor(uint64_t* slots, const TaskStateSegment& tss)
{
    auto base = reinterpret_cast<uint64_t>(&tss);
    uint64_t limit = sizeof(TaskStateSegment) - 1;
    slots[0] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (tss_type_available << 40) | (1ull << 47)
        | (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
    slots[1] = base >> 32;
}

} // namespace

CpuTables& CpuTables::initialize_for_this_cpu(uint32_t cpu_index, const IstStacks& stacks)
{
    if (cpu_index >= max_cpus)
        PANIC("CPU index {} is beyond the supported {} CPUs", cpu_index, max_cpus);
    CpuTables* tables = &s_all[cpu_index];
    if (tables->m_initialized)
        PANIC("CPU tables for CPU {} initialized twice", cpu_index);
    tables->build(cpu_index, stacks);
    tables->load();
    load_idt();
    __atomic_store_n(&s_tables_by_cpu[cpu_index], tables, __ATOMIC_RELEASE);
    return *tables;
}

CpuTables& CpuTables::initialize_for_boot_cpu()
{
    build_idt();
    return initialize_for_this_cpu(0,
        { stack_top(s_boot_double_fault_stack), stack_top(s_boot_nmi_stack), stack_top(s_boot_machine_check_stack) });
}

CpuTables* CpuTables::for_cpu(uint32_t cpu_index)
{
    if (cpu_index >= max_cpus)
        return nullptr;
    return __atomic_load_n(&s_tables_by_cpu[cpu_index], __ATOMIC_ACQUIRE);
}

void CpuTables::build(uint32_t cpu_index, const IstStacks& stacks)
{
    VERIFY(stacks.double_fault_top % 16 == 0 && stacks.nmi_top % 16 == 0 && stacks.machine_check_top % 16 == 0);
    m_cpu_index = cpu_index;
    m_gdt[0] = 0;
    m_gdt[selectors::kernel_code / 8] = kernel_code_descriptor;
    m_gdt[selectors::kernel_data / 8] = kernel_data_descriptor;
    m_gdt[selectors::user_sysret_base / 8] = 0;
    m_gdt[selectors::user_data / 8] = user_data_descriptor;
    m_gdt[selectors::user_code / 8] = user_code_descriptor;
    encode_tss_descriptor(&m_gdt[selectors::tss / 8], m_tss);

    m_tss = {};
    m_tss.ist[ist::double_fault - 1] = stacks.double_fault_top;
    m_tss.ist[ist::nmi - 1] = stacks.nmi_top;
    m_tss.ist[ist::machine_check - 1] = stacks.machine_check_top;
    m_tss.io_map_base = sizeof(TaskStateSegment);
    m_initialized = true;
}

void CpuTables::load() const
{
    DescriptorTablePointer pointer { sizeof(m_gdt) - 1, reinterpret_cast<uint64_t>(m_gdt) };
    asm volatile("lgdt %0" ::"m"(pointer) : "memory");
    // A far return is the only way to reload CS in long mode. FS and GS stay as they are:
    // writing them would clear bases that per-CPU data may already use.
    asm volatile(
        "pushq %[code]\n"
        "leaq 1f(%%rip), %%rax\n"
        "pushq %%rax\n"
        "lretq\n"
        "1:\n"
        "movw %[data], %%ax\n"
        "movw %%ax, %%ds\n"
        "movw %%ax, %%es\n"
        "movw %%ax, %%ss\n"
        :
        : [code] "i"(static_cast<uint64_t>(selectors::kernel_code)), [data] "i"(selectors::kernel_data)
        : "rax", "memory");
    asm volatile("ltr %0" ::"r"(selectors::tss) : "memory");
}

// Static storage keeps the boot CPU's tables usable before the heap exists.
constinit CpuTables CpuTables::s_all[CpuTables::max_cpus];

} // namespace gehri::arch
