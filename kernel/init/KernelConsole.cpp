#include <kernel/arch/x86_64/Serial.h>
#include <kernel/console/Console.h>
#include <kernel/init/KernelConsole.h>
#include <kernel/log/Log.h>
#include <kernel/sched/KernelScheduler.h>
#include <kernel/shell/Commands.h>

namespace gehri {

namespace {

// The serial port has no interrupt handler yet: poll it, sleeping in between so that the
// console costs nothing while nobody types (a person does not notice 20 ms).
constexpr uint64_t poll_interval_ns = 20'000'000;
constexpr uint64_t top_interval_ns = 1'000'000'000;
constexpr size_t max_line = 120;

int read_byte_waiting()
{
    auto& serial = arch::SerialPort::com1();
    for (;;) {
        int byte = serial.try_read();
        if (byte >= 0)
            return byte;
        sched::kernel_scheduler().sleep_for(poll_interval_ns);
    }
}

void run_top()
{
    auto& serial = arch::SerialPort::com1();
    console::Sink sink;
    for (;;) {
        console::write("\x1b[2J\x1b[H");
        console::print("top: agents by CPU time (any key stops)\n");
        shell::write_process_table(sink, 48, true);
        uint64_t next = sched::kernel_scheduler().platform().now_ns() + top_interval_ns;
        while (sched::kernel_scheduler().platform().now_ns() < next) {
            if (serial.try_read() >= 0)
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
}

} // namespace

void run_kernel_console()
{
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
