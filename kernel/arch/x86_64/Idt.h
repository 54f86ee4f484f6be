#pragma once

namespace gehri::arch {

// The IDT is shared by all CPUs: built once by the boot CPU, loaded by every CPU
// (CpuTables::initialize_for_this_cpu does both).
void build_idt();
void load_idt();

} // namespace gehri::arch
