#include <kernel/arch/x86_64/Msr.h>
#include <kernel/arch/x86_64/PerCpu.h>

namespace gehri::arch {

namespace {
// Static, so that the boot CPU has its data before the heap (or anything else) exists.
constinit CpuLocal s_cpu_locals[max_cpus];
} // namespace

void install_cpu_local(uint32_t index)
{
    if (index >= max_cpus)
        halt_forever(); // no per-CPU data means no locks, no console: nothing to report with
    CpuLocal& local = s_cpu_locals[index];
    local.self = &local;
    local.index = index;
    local.apic_id = cpuid(1).ebx >> 24;
    write_msr(msr::gs_base, reinterpret_cast<uint64_t>(&local));
    write_msr(msr::kernel_gs_base, 0);
}

CpuLocal& cpu_local(uint32_t index) { return s_cpu_locals[index]; }

} // namespace gehri::arch
