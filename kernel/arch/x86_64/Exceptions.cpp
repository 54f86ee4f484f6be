#include <kernel/arch/Cpu.h>
#include <kernel/arch/x86_64/Backtrace.h>
#include <kernel/arch/x86_64/CrashReport.h>
#include <kernel/arch/x86_64/DeliberateCrash.h>
#include <kernel/arch/x86_64/ExceptionFixups.h>
#include <kernel/arch/x86_64/Exceptions.h>
#include <kernel/console/Console.h>
#include <kernel/debug/KernelSymbols.h>

extern "C" const uint8_t probe_read_u64_load[];
extern "C" const uint8_t probe_read_u64_fixup[];

namespace gehri::arch {

namespace {

struct ExceptionInfo {
    const char* name;
    const char* mnemonic;
};

constexpr ExceptionInfo exception_table[exceptions::count] = {
    { "Divide error", "#DE" },
    { "Debug", "#DB" },
    { "Non-maskable interrupt", "NMI" },
    { "Breakpoint", "#BP" },
    { "Overflow", "#OF" },
    { "BOUND range exceeded", "#BR" },
    { "Invalid opcode", "#UD" },
    { "Device not available", "#NM" },
    { "Double fault", "#DF" },
    { "Coprocessor segment overrun", "#CSO" },
    { "Invalid TSS", "#TS" },
    { "Segment not present", "#NP" },
    { "Stack-segment fault", "#SS" },
    { "General protection fault", "#GP" },
    { "Page fault", "#PF" },
    { "Reserved exception", "#15" },
    { "x87 floating-point error", "#MF" },
    { "Alignment check", "#AC" },
    { "Machine check", "#MC" },
    { "SIMD floating-point exception", "#XM" },
    { "Virtualization exception", "#VE" },
    { "Control protection exception", "#CP" },
    { "Reserved exception", "#22" },
    { "Reserved exception", "#23" },
    { "Reserved exception", "#24" },
    { "Reserved exception", "#25" },
    { "Reserved exception", "#26" },
    { "Reserved exception", "#27" },
    { "Hypervisor injection exception", "#HV" },
    { "VMM communication exception", "#VC" },
    { "Security exception", "#SX" },
    { "Reserved exception", "#31" },
};

constinit InterruptHandler s_user_fault_handler = nullptr;
constinit UserPageResolver s_user_page_resolver = nullptr;
constinit ExceptionInterceptor s_interceptor = nullptr;

// Faults that say something about the machine rather than about the code that was running.
bool is_machine_level(uint8_t vector)
{
    return vector == exceptions::double_fault || vector == exceptions::nmi || vector == exceptions::machine_check;
}

bool has_selector_error_code(uint8_t vector)
{
    return vector == 10 || vector == 11 || vector == 12 || vector == exceptions::general_protection;
}

void print_page_fault_error(console::Sink& sink, uint64_t code)
{
    using namespace page_fault_error;
    format_to(sink, " [{} {} {}-mode", (code & present) ? "protection-violation" : "not-present",
        (code & instruction_fetch) ? "fetch" : ((code & write) ? "write" : "read"), (code & user) ? "user" : "kernel");
    if (code & reserved_bit)
        sink.write(" reserved-bit-set");
    if (code & protection_key)
        sink.write(" protection-key");
    if (code & shadow_stack)
        sink.write(" shadow-stack");
    sink.write("]");
}

void print_selector_error(console::Sink& sink, uint64_t code)
{
    if (code == 0)
        return;
    constexpr const char* tables[] = { "GDT", "IDT", "LDT", "IDT" };
    format_to(sink, " [selector index {:#x} in the {}{}]", (code >> 3) & 0x1fff, tables[(code >> 1) & 3],
        (code & 1) ? ", external event" : "");
}

void print_symbolized(console::Sink& sink, uint64_t address)
{
    format_to(sink, "{:#018x} ", address);
    debug::format_symbolized(sink, debug::kernel_symbols(), address);
}

void print_registers(console::Sink& sink, const InterruptFrame& frame)
{
    format_to(sink, "  RAX={:016x} RBX={:016x} RCX={:016x} RDX={:016x}\n", frame.rax, frame.rbx, frame.rcx, frame.rdx);
    format_to(sink, "  RSI={:016x} RDI={:016x} RBP={:016x} RSP={:016x}\n", frame.rsi, frame.rdi, frame.rbp, frame.rsp);
    format_to(sink, "  R8 ={:016x} R9 ={:016x} R10={:016x} R11={:016x}\n", frame.r8, frame.r9, frame.r10, frame.r11);
    format_to(sink, "  R12={:016x} R13={:016x} R14={:016x} R15={:016x}\n", frame.r12, frame.r13, frame.r14, frame.r15);
    format_to(sink, "  CS={:#x} SS={:#x} RFLAGS={:#x}\n", frame.cs, frame.ss, frame.rflags);
}

[[noreturn]] void report_fatal_exception(const InterruptFrame& frame)
{
    auto vector = static_cast<uint8_t>(frame.vector);
    // Read before anything else can fault and overwrite it.
    uint64_t cr2 = read_cr2();
    auto summary = FixedString<96>::formatted("{} ({}) at rip {:#x}", exception_name(vector), exception_mnemonic(vector), frame.rip);
    begin_crash_report(summary.view());

    console::Sink sink;
    format_to(sink, "\n!!! CPU EXCEPTION: {} ({}), vector {}, in {} mode\n", exception_name(vector), exception_mnemonic(vector),
        vector, frame.from_user_mode() ? "user" : "kernel");
    format_to(sink, "  error code {:#x}", frame.error_code);
    if (vector == exceptions::page_fault)
        print_page_fault_error(sink, frame.error_code);
    else if (has_selector_error_code(vector))
        print_selector_error(sink, frame.error_code);
    sink.write("\n");
    crash_again_if_requested();
    if (vector == exceptions::page_fault)
        format_to(sink, "  CR2={:#018x} (the faulting address)\n", cr2);
    else if (vector == exceptions::double_fault)
        format_to(sink, "  CR2={:#018x} (from the last page fault, possibly the one that could not be delivered)\n", cr2);
    format_to(sink, "  CR3={:#018x}\n", read_cr3());
    sink.write("  RIP=");
    print_symbolized(sink, frame.rip);
    sink.write("\n");
    print_registers(sink, frame);
    sink.write("Backtrace:\n  #0 ");
    print_symbolized(sink, frame.rip);
    sink.write("\n");
    if (!frame.from_user_mode()) {
        size_t next_index = 1;
        if (uint64_t caller = return_address_missing_from_chain(frame.rip, frame.rsp))
            print_backtrace_line(next_index++, caller);
        print_backtrace(frame.rbp, next_index);
    }
    finish_crash_report();
}

} // namespace

StringView exception_name(uint8_t vector)
{
    return vector < exceptions::count ? exception_table[vector].name : "";
}

StringView exception_mnemonic(uint8_t vector)
{
    return vector < exceptions::count ? exception_table[vector].mnemonic : "";
}

void set_user_fault_handler(InterruptHandler handler)
{
    __atomic_store_n(&s_user_fault_handler, handler, __ATOMIC_RELEASE);
}

void set_user_page_resolver(UserPageResolver resolver)
{
    __atomic_store_n(&s_user_page_resolver, resolver, __ATOMIC_RELEASE);
}

void set_exception_interceptor_for_testing(ExceptionInterceptor interceptor)
{
    __atomic_store_n(&s_interceptor, interceptor, __ATOMIC_RELEASE);
}

void handle_exception(InterruptFrame& frame)
{
    auto vector = static_cast<uint8_t>(frame.vector);
    // A faulting probe (a backtrace walking a corrupt chain) just reports failure.
    if (frame.rip == reinterpret_cast<uint64_t>(probe_read_u64_load)
        && (vector == exceptions::page_fault || vector == exceptions::general_protection)) {
        frame.rip = reinterpret_cast<uint64_t>(probe_read_u64_fixup);
        return;
    }
    // Demand-zero memory of the running agent, touched by it or by a user copy.
    if (vector == exceptions::page_fault && (frame.from_user_mode() || find_exception_fixup(frame.rip) != 0)) {
        auto resolver = __atomic_load_n(&s_user_page_resolver, __ATOMIC_ACQUIRE);
        if (resolver != nullptr && resolver(read_cr2(), frame.error_code))
            return;
    }
    // A user-copy routine touched a bad user address: it reports the failure itself.
    if (!frame.from_user_mode() && (vector == exceptions::page_fault || vector == exceptions::general_protection)) {
        if (uint64_t fixup = find_exception_fixup(frame.rip)) {
            frame.rip = fixup;
            return;
        }
    }
    // Another CPU is reporting a crash and stopping the rest of the machine; it alone
    // decides when QEMU exits.
    if (vector == exceptions::nmi && crash_in_progress())
        halt_for_crash_report();
    if (frame.from_user_mode() && !is_machine_level(vector)) {
        if (auto handler = __atomic_load_n(&s_user_fault_handler, __ATOMIC_ACQUIRE)) {
            handler(frame);
            return;
        }
    } else if (auto interceptor = __atomic_load_n(&s_interceptor, __ATOMIC_ACQUIRE); interceptor && !is_machine_level(vector)) {
        if (interceptor(frame))
            return;
    }
    report_fatal_exception(frame);
}

} // namespace gehri::arch
