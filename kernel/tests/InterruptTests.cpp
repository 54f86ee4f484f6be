#include <kernel/arch/x86_64/CpuTables.h>
#include <kernel/arch/x86_64/Exceptions.h>
#include <kernel/arch/x86_64/Interrupts.h>
#include <kernel/arch/x86_64/UserFaults.h>
#include <kernel/tests/Framework.h>

extern "C" void interrupt_dispatch(gehri::arch::InterruptFrame* frame);

using namespace gehri;
using namespace gehri::arch;

namespace {

// Vectors no subsystem allocates (see vectors:: in Interrupts.h).
constexpr uint8_t test_vector = 0xF0;
constexpr uint8_t unhandled_test_vector = 0xF1;

struct HandlerObservation {
    uint64_t calls;
    uint64_t vector;
    uint64_t cs;
    uint64_t rflags;
    uint64_t rbx;
};
HandlerObservation s_observed;

void recording_handler(InterruptFrame& frame)
{
    ++s_observed.calls;
    s_observed.vector = frame.vector;
    s_observed.cs = frame.cs;
    s_observed.rflags = frame.rflags;
    s_observed.rbx = frame.rbx;
    frame.rbx = 0x5678; // the stub restores registers from the frame
}

uint16_t read_cs()
{
    uint16_t value;
    asm volatile("mov %%cs, %0" : "=r"(value));
    return value;
}

uint16_t read_ss()
{
    uint16_t value;
    asm volatile("mov %%ss, %0" : "=r"(value));
    return value;
}

uint16_t read_task_register()
{
    uint16_t value;
    asm volatile("str %0" : "=r"(value));
    return value;
}

} // namespace

KERNEL_TEST(interrupts_software_vector_runs_installed_handler)
{
    s_observed = {};
    install_interrupt_handler(test_vector, recording_handler);
    uint64_t rbx = 0x1234;
    asm volatile("int %[vector]" : "+b"(rbx) : [vector] "i"(test_vector) : "memory");
    uninstall_interrupt_handler(test_vector);
    EXPECT_EQ(s_observed.calls, 1u);
    EXPECT_EQ(s_observed.vector, test_vector);
    EXPECT_EQ(s_observed.cs, selectors::kernel_code);
    EXPECT_EQ(s_observed.rbx, 0x1234u);
    EXPECT_EQ(rbx, 0x5678u);
    EXPECT((s_observed.rflags & 2) != 0); // bit 1 of RFLAGS always reads 1
}

KERNEL_TEST(interrupts_install_same_handler_twice_is_allowed)
{
    s_observed = {};
    install_interrupt_handler(test_vector, recording_handler);
    install_interrupt_handler(test_vector, recording_handler);
    asm volatile("int %[vector]" ::[vector] "i"(test_vector) : "rbx", "memory");
    uninstall_interrupt_handler(test_vector);
    EXPECT_EQ(s_observed.calls, 1u);
}

KERNEL_TEST(interrupts_unhandled_vector_is_counted)
{
    uint64_t before = unhandled_interrupt_count(unhandled_test_vector);
    asm volatile("int %[vector]" ::[vector] "i"(unhandled_test_vector) : "memory");
    asm volatile("int %[vector]" ::[vector] "i"(unhandled_test_vector) : "memory");
    EXPECT_EQ(unhandled_interrupt_count(unhandled_test_vector), before + 2);
}

KERNEL_TEST(interrupts_uninstalled_vector_becomes_unhandled)
{
    s_observed = {};
    install_interrupt_handler(test_vector, recording_handler);
    uninstall_interrupt_handler(test_vector);
    uint64_t before = unhandled_interrupt_count(test_vector);
    asm volatile("int %[vector]" ::[vector] "i"(test_vector) : "rbx", "memory");
    EXPECT_EQ(s_observed.calls, 0u);
    EXPECT_EQ(unhandled_interrupt_count(test_vector), before + 1);
}

KERNEL_TEST(interrupts_spurious_vector_is_ignored)
{
    uint64_t before = spurious_interrupt_count();
    asm volatile("int %[vector]" ::[vector] "i"(vectors::spurious) : "memory");
    EXPECT_EQ(spurious_interrupt_count(), before + 1);
    EXPECT_EQ(unhandled_interrupt_count(vectors::spurious), 0u);
}

KERNEL_TEST(interrupts_user_mode_fault_goes_to_the_user_fault_handler)
{
    // A synthetic frame as if user code hit #GP: the dispatcher must hand it to the
    // process subsystem's handler instead of reporting a kernel crash.
    s_observed = {};
    set_user_fault_handler(recording_handler);
    InterruptFrame frame {};
    frame.vector = exceptions::general_protection;
    frame.cs = selectors::user_code;
    frame.ss = selectors::user_data;
    frame.rip = 0x400000;
    frame.rbx = 7;
    interrupt_dispatch(&frame);
    // Put the kernel's handler back (not null): with none, an agent's fault in a later test
    // is a fatal kernel crash report that ends the whole run.
    install_user_fault_handler();
    EXPECT_EQ(s_observed.calls, 1u);
    EXPECT_EQ(s_observed.vector, exceptions::general_protection);
    EXPECT_EQ(s_observed.cs, selectors::user_code);
}

KERNEL_TEST(cpu_tables_are_loaded_for_the_boot_cpu)
{
    EXPECT_EQ(read_cs(), selectors::kernel_code);
    // An interrupt from ring 3 loads a null SS (64-bit mode does that on a privilege change),
    // and SS is no part of a thread's saved context: once an agent's thread has run on this
    // CPU, kernel code may find a null SS, which is as valid in ring 0 as the kernel's.
    uint16_t ss = read_ss();
    EXPECT(ss == selectors::kernel_data || ss == 0);
    EXPECT_EQ(read_task_register(), selectors::tss);
    CpuTables* boot = CpuTables::for_cpu(0);
    EXPECT(boot != nullptr);
    if (!boot)
        return;
    EXPECT_EQ(boot->cpu_index(), 0u);
    const TaskStateSegment& tss = boot->tss();
    EXPECT(tss.ist[ist::double_fault - 1] != 0);
    EXPECT(tss.ist[ist::nmi - 1] != 0);
    EXPECT(tss.ist[ist::machine_check - 1] != 0);
    EXPECT(tss.ist[ist::double_fault - 1] != tss.ist[ist::nmi - 1]);
    EXPECT_EQ(tss.io_map_base, sizeof(TaskStateSegment));
    // syscall/sysret derive selectors by adding 8 and 16: the layout must keep that shape.
    EXPECT_EQ(selectors::kernel_data, selectors::kernel_code + 8);
    EXPECT_EQ(selectors::user_data, selectors::user_sysret_base + 8);
    EXPECT_EQ(selectors::user_code, selectors::user_sysret_base + 16);
    EXPECT_EQ((boot->gdt()[selectors::user_code / 8] >> 45) & 3, 3u); // DPL 3
    EXPECT_EQ((boot->gdt()[selectors::user_code / 8] >> 53) & 1, 1u); // 64-bit code
    EXPECT(CpuTables::for_cpu(1) == nullptr || CpuTables::for_cpu(1)->cpu_index() == 1);
    EXPECT(CpuTables::for_cpu(CpuTables::max_cpus) == nullptr);
}
