#include <kernel/arch/x86_64/Backtrace.h>
#include <kernel/console/Console.h>
#include <kernel/debug/KernelSymbols.h>

extern "C" const uint8_t interrupt_dispatch_return_site[];

namespace gehri::arch {

namespace {

constexpr size_t max_frames = 64;
constexpr uint64_t kernel_half_start = 0xffff800000000000;

bool plausible_frame_pointer(uint64_t frame)
{
    return frame >= kernel_half_start && frame % 8 == 0 && frame <= ~uint64_t(0) - 16;
}

} // namespace

size_t capture_backtrace(uint64_t frame_pointer, uint64_t* return_addresses, size_t capacity)
{
    size_t count = 0;
    uint64_t frame = frame_pointer;
    bool may_switch_stacks = false;
    while (count < capacity && count < max_frames && plausible_frame_pointer(frame)) {
        uint64_t caller_frame;
        uint64_t return_address;
        auto* record = reinterpret_cast<const uint64_t*>(frame);
        if (!probe_read_u64(record, &caller_frame) || !probe_read_u64(record + 1, &return_address))
            break;
        if (return_address == 0)
            break;
        return_addresses[count++] = return_address;
        // Stacks grow down, so callers' frames lie above; anything else is a corrupt chain.
        // The exception is the record interrupt_common builds: the interrupted code may run
        // on another stack (an IST stack is separate from the one it interrupted).
        bool crossing_interrupt = may_switch_stacks;
        may_switch_stacks = return_address == reinterpret_cast<uint64_t>(interrupt_dispatch_return_site);
        if (!crossing_interrupt && caller_frame <= frame)
            break;
        frame = caller_frame;
    }
    return count;
}

uint64_t return_address_missing_from_chain(uint64_t rip, uint64_t rsp)
{
    auto function = debug::kernel_symbols().lookup(rip);
    if (function.is_error())
        return 0;
    uint64_t start = function.value().symbol.address;
    uint64_t code;
    if (!probe_read_u64(reinterpret_cast<const uint64_t*>(start), &code))
        return 0;
    constexpr uint64_t frame_prologue = 0xe5894855; // push %rbp; mov %rsp, %rbp
    constexpr uint64_t prologue_length = 4;
    bool has_prologue = (code & 0xffffffff) == frame_prologue;
    uint64_t slot;
    if (has_prologue && rip >= start + prologue_length)
        return 0;
    if (has_prologue && rip > start)
        slot = rsp + 8; // rbp pushed, not yet made the frame pointer
    else
        slot = rsp; // nothing pushed: the return address is on top
    uint64_t return_address;
    if (!plausible_frame_pointer(slot) || !probe_read_u64(reinterpret_cast<const uint64_t*>(slot), &return_address))
        return 0;
    return debug::kernel_symbols().lookup(return_address - 1).is_ok() ? return_address : 0;
}

void print_backtrace(uint64_t frame_pointer, size_t first_index)
{
    uint64_t addresses[max_frames];
    size_t count = capture_backtrace(frame_pointer, addresses, max_frames);
    for (size_t i = 0; i < count; ++i)
        print_backtrace_line(first_index + i, addresses[i]);
    if (count == 0)
        console::write("  (no frames)\n");
}

void print_backtrace_line(size_t index, uint64_t return_address)
{
    console::Sink sink;
    format_to(sink, "  #{} {:#018x} ", index, return_address);
    auto found = debug::kernel_symbols().lookup(return_address - 1);
    if (found.is_ok())
        format_to(sink, "{}+{:#x}\n", found.value().symbol.name, return_address - found.value().symbol.address);
    else
        sink.write("??\n");
}

void print_current_backtrace()
{
    print_backtrace(reinterpret_cast<uint64_t>(__builtin_frame_address(0)));
}

} // namespace gehri::arch
