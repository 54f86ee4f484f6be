#include <kernel/arch/x86_64/CpuTables.h>
#include <kernel/arch/x86_64/PerCpu.h>
#include <kernel/arch/x86_64/Serial.h>
#include <kernel/console/Console.h>
#include <kernel/init/Main.h>

namespace gehri::runtime {
void run_global_constructors();
}

// Called from boot.S on the boot stack in the higher half, interrupts off.
extern "C" [[noreturn]] void kernel_entry(uint32_t multiboot_magic, uint32_t multiboot_info_physical)
{
    // Before anything takes a lock: spinlocks keep their preempt count in per-CPU data.
    gehri::arch::install_cpu_local(0);
    gehri::runtime::run_global_constructors();
    auto& serial = gehri::arch::SerialPort::com1();
    serial.initialize();
    gehri::console::add_device(serial);
    // Right after the console: from here on a fault is a readable report, not a triple fault.
    gehri::arch::CpuTables::initialize_for_boot_cpu();
    gehri::kernel_main(multiboot_magic, multiboot_info_physical);
}
