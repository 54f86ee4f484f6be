#include <kernel/arch/x86_64/CpuTables.h>
#include <kernel/arch/x86_64/Msr.h>
#include <kernel/arch/x86_64/Paging.h>
#include <kernel/arch/x86_64/UserEntry.h>
#include <kernel/log/Log.h>
#include <kernel/log/Panic.h>

extern "C" void gehri_syscall_entry();

// Read by the user-copy routines (UserCopy.S): stac/clac exist only with SMAP.
extern "C" {
constinit uint8_t gehri_smap_enabled = 0;
}

namespace gehri::arch {

namespace {

namespace msr_index {
constexpr uint32_t star = 0xC0000081;
constexpr uint32_t lstar = 0xC0000082;
constexpr uint32_t fmask = 0xC0000084;
} // namespace msr_index

constexpr uint64_t efer_syscall_enable = 1u << 0;
constexpr uint64_t cr4_umip = 1ull << 11;
constexpr uint64_t cr4_smep = 1ull << 20;
constexpr uint64_t cr4_smap = 1ull << 21;

// RFLAGS bits SYSCALL clears: interrupts off until the entry is on the kernel stack; no
// single-stepping, a clear direction flag, no alignment-check/SMAP override, no nested task,
// IOPL 0.
constexpr uint64_t rflags_trap = 1u << 8;
constexpr uint64_t rflags_interrupt = 1u << 9;
constexpr uint64_t rflags_direction = 1u << 10;
constexpr uint64_t rflags_iopl = 3u << 12;
constexpr uint64_t rflags_nested_task = 1u << 14;
constexpr uint64_t rflags_alignment_check = 1u << 18;
constexpr uint64_t syscall_rflags_mask = rflags_trap | rflags_interrupt | rflags_direction | rflags_iopl | rflags_nested_task | rflags_alignment_check;

constinit UserModeFeatures s_features {};
constinit bool s_features_decided = false;

UserModeFeatures detect_features()
{
    UserModeFeatures features {};
    if (cpuid(0).eax >= 7) {
        CpuidResult leaf7 = cpuid(7, 0);
        features.smep = leaf7.ebx & (1u << 7);
        features.smap = leaf7.ebx & (1u << 20);
        features.umip = leaf7.ecx & (1u << 2);
    }
    return features;
}

} // namespace

void initialize_user_entry_for_this_cpu()
{
    CpuLocal& cpu = this_cpu();
    if (CpuTables::for_cpu(cpu.index) == nullptr)
        PANIC("user entry for CPU {}: its GDT and TSS are not set up", cpu.index);
    VERIFY(!cpu.user_entry_ready);
    // The first CPU to get here is the boot CPU: it decides before any AP runs.
    VERIFY(s_features_decided || cpu.index == 0);
    if (!s_features_decided) {
        s_features = detect_features();
        s_features_decided = true;
        gehri_smap_enabled = s_features.smap ? 1 : 0;
        log::info("user mode: syscall/sysret, SMEP {}, SMAP {}, UMIP {}", s_features.smep ? "on" : "absent",
            s_features.smap ? "on" : "absent", s_features.umip ? "on" : "absent");
    }

    // GS_BASE already points at this CPU's CpuLocal (install_cpu_local) and KERNEL_GS_BASE
    // holds the user's GS base (zero until a user thread has one).
    // SYSCALL: CS = STAR[47:32], SS = that + 8. SYSRET (64-bit): SS = STAR[63:48] + 8,
    // CS = STAR[63:48] + 16 (CpuTables.h lays the GDT out for exactly this).
    write_msr(msr_index::star, (uint64_t(selectors::user_sysret_base) << 48) | (uint64_t(selectors::kernel_code) << 32));
    write_msr(msr_index::lstar, reinterpret_cast<uint64_t>(&gehri_syscall_entry));
    write_msr(msr_index::fmask, syscall_rflags_mask);
    write_msr(msr::efer, read_msr(msr::efer) | efer_syscall_enable);

    uint64_t cr4 = paging::read_cr4();
    if (s_features.smep)
        cr4 |= cr4_smep;
    if (s_features.smap)
        cr4 |= cr4_smap;
    if (s_features.umip)
        cr4 |= cr4_umip;
    paging::write_cr4(cr4);
    cpu.user_entry_ready = 1;
}

UserModeFeatures user_mode_features() { return s_features; }

bool user_entry_initialized_on_boot_cpu() { return cpu_local(0).user_entry_ready != 0; }

} // namespace gehri::arch
