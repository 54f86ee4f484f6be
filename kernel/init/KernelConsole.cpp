#include <kernel/agent/Freeze.h>
#include <kernel/arch/x86_64/ConsoleInput.h>
#include <kernel/arch/x86_64/Serial.h>
#include <kernel/audit/KernelAuditLog.h>
#include <kernel/console/Console.h>
#include <kernel/console/InputRing.h>
#include <kernel/console/Scancode.h>
#include <kernel/govern/Governance.h>
#include <kernel/init/KernelConsole.h>
#include <kernel/log/Log.h>
#include <kernel/sched/KernelScheduler.h>
#include <kernel/shell/Commands.h>
#include <kernel/shell/UrgentLine.h>

namespace gehri {

namespace {

// The console thread looks for input this often. Bytes arrive by interrupt (into s_input), and
// the interrupt handlers freeze the agents themselves, so this only bounds how soon the
// answer is printed: a person does not notice 10 ms.
constexpr uint64_t poll_interval_ns = 10'000'000;
constexpr uint64_t top_interval_ns = 1'000'000'000;
constexpr size_t max_line = shell::UrgentLineWatcher::max_line;

// Filled by the serial interrupt handler on the boot CPU, read by the console thread.
console::InputRing<256> s_input;
// Typed on the keyboard: a ring of its own, since each ring has one producer (one interrupt).
console::InputRing<256> s_typed;
bool s_serial_interrupts = false;
shell::UrgentLineWatcher s_urgent_line;
console::ScancodeDecoder s_keyboard;

// Break-glass keys seen by the keyboard interrupt, for the console thread to audit and act on.
constexpr uint32_t key_freeze = 1;
constexpr uint32_t key_resume = 2;
uint32_t s_pending_keys = 0;

void on_serial_byte(uint8_t byte)
{
    // A freeze takes hold here, before any thread runs; the console executes and audits it.
    if (s_urgent_line.feed(byte) == shell::UrgentLineWatcher::Urgent::Freeze)
        agent::freeze_all();
    s_input.push(byte);
}

void on_scancode(uint8_t byte)
{
    console::KeyEvent event;
    if (!s_keyboard.feed(byte, event))
        return;
    switch (console::break_glass_key_of(event)) {
    case console::BreakGlassKey::Freeze:
        agent::freeze_all();
        __atomic_fetch_or(&s_pending_keys, key_freeze, __ATOMIC_ACQ_REL);
        break;
    case console::BreakGlassKey::Resume:
        __atomic_fetch_or(&s_pending_keys, key_resume, __ATOMIC_ACQ_REL);
        break;
    case console::BreakGlassKey::None:
        if (char typed = console::typed_byte(event))
            s_typed.push(static_cast<uint8_t>(typed));
        break;
    }
}

void start_input()
{
    if (auto started = arch::start_serial_input(on_serial_byte); started.is_ok())
        s_serial_interrupts = true;
    else
        log::warn("console: no serial receive interrupt ({}); polling the port", error_name(started.error()));
    if (auto started = arch::start_ps2_keyboard(on_scancode); started.is_error())
        log::warn("console: no PS/2 keyboard ({}); typing and the break-glass keys are unavailable", error_name(started.error()));
}

void run_pending_keys()
{
    uint32_t keys = __atomic_exchange_n(&s_pending_keys, 0, __ATOMIC_ACQ_REL);
    if (keys == 0 || !govern::is_initialized())
        return;
    console::Sink sink;
    // Both pressed since the last look: the last one wins, and a freeze then resume is both.
    if (keys & key_freeze) {
        console::print("\n[keyboard] ");
        govern::run_break_glass_line("freeze", collective::CommandSource::Keyboard, sink);
    }
    if (keys & key_resume) {
        console::print("\n[keyboard] ");
        govern::run_break_glass_line("resume", collective::CommandSource::Keyboard, sink);
    }
}

int try_read_byte()
{
    int byte = s_serial_interrupts ? s_input.pop() : arch::SerialPort::com1().try_read();
    return byte >= 0 ? byte : s_typed.pop();
}

int read_byte_waiting()
{
    for (;;) {
        run_pending_keys();
        // Whatever was decided since the last look (break-glass keys, agents' faults, swarm
        // decisions) goes out as AUDIT lines within one poll interval.
        audit::export_kernel_log_to_console();
        console::paint_pending();
        int byte = try_read_byte();
        if (byte >= 0)
            return byte;
        sched::kernel_scheduler().sleep_for(poll_interval_ns);
    }
}

void run_top()
{
    console::Sink sink;
    for (;;) {
        console::write("\x1b[2J\x1b[H");
        console::print("top: agents by CPU time (any key stops)\n");
        shell::write_process_table(sink, 48, true);
        uint64_t next = sched::kernel_scheduler().platform().now_ns() + top_interval_ns;
        while (sched::kernel_scheduler().platform().now_ns() < next) {
            run_pending_keys();
            console::paint_pending();
            if (try_read_byte() >= 0)
                return;
            sched::kernel_scheduler().sleep_for(poll_interval_ns);
        }
    }
}

void execute(StringView line)
{
    if (line == "top") {
        run_top();
        return;
    }
    console::Sink sink;
    shell::run_command(line, sink);
    // Break-glass commands are audited: their records go out at once.
    audit::export_kernel_log_to_console();
}

// The console runs in the top class at the largest weight, and its input arrives by interrupt:
// however many agents spin at the Emergency class, it gets the CPU for its next line.
void raise_console_thread()
{
    auto& scheduler = sched::kernel_scheduler();
    auto& self = scheduler.current_thread();
    if (scheduler.set_priority_class(self, sched::PriorityClass::Emergency).is_error() || scheduler.set_weight(self, sched::max_weight).is_error())
        log::warn("console: could not raise the console thread's class");
}

} // namespace

void run_kernel_console()
{
    raise_console_thread();
    // From here the screen is painted by this thread, off every other writer's path.
    console::defer_painting();
    start_input();
    log::info("console: type 'help' on the serial port");
    char line[max_line];
    size_t length = 0;
    console::write("gehri> ");
    for (;;) {
        int byte = read_byte_waiting();
        if (byte == '\r' || byte == '\n') {
            console::write("\n");
            execute({ line, length });
            length = 0;
            console::write("gehri> ");
        } else if ((byte == 0x7f || byte == 0x08) && length > 0) {
            --length;
            console::write("\b \b");
        } else if (byte >= 0x20 && byte < 0x7f && length < max_line) {
            line[length++] = static_cast<char>(byte);
            char echo[1] = { static_cast<char>(byte) };
            console::write({ echo, 1 });
        }
    }
}

} // namespace gehri
