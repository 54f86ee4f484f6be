#include <kernel/arch/x86_64/ContextSwitch.h>
#include <kernel/log/Panic.h>

namespace gehri::arch {

namespace {

// Registers in the order gehri_switch_context pops them (lowest address first).
struct SwitchFrame {
    uint64_t r15, r14, r13, r12, rbx, rbp;
    uint64_t return_address;
};

constexpr size_t minimum_stack = 1024;

uintptr_t place_frame(sched::StackRegion stack, const SwitchFrame& frame, size_t bytes_above)
{
    VERIFY(!stack.is_empty() && stack.size() >= minimum_stack);
    uintptr_t top = stack.top & ~uintptr_t(15);
    uintptr_t frame_address = top - bytes_above - sizeof(SwitchFrame);
    uint64_t* above = reinterpret_cast<uint64_t*>(frame_address + sizeof(SwitchFrame));
    for (size_t i = 0; i < bytes_above / sizeof(uint64_t); ++i)
        above[i] = 0;
    *reinterpret_cast<SwitchFrame*>(frame_address) = frame;
    return frame_address;
}

} // namespace

uintptr_t prepare_thread_frame(sched::StackRegion stack, sched::ThreadEntry entry, void* argument)
{
    SwitchFrame frame {};
    frame.r12 = reinterpret_cast<uint64_t>(entry);
    frame.r13 = reinterpret_cast<uint64_t>(argument);
    frame.return_address = reinterpret_cast<uint64_t>(&gehri_thread_trampoline);
    // Two zero words above the return address: after `ret` the trampoline runs with
    // rsp = top - 16, 16-byte aligned as its calls require.
    return place_frame(stack, frame, 16);
}

uintptr_t prepare_function_frame(sched::StackRegion stack, void (*function)())
{
    SwitchFrame frame {};
    frame.return_address = reinterpret_cast<uint64_t>(function);
    // One word above: after `ret` rsp = top - 8, as on entry to a called function.
    return place_frame(stack, frame, 8);
}

} // namespace gehri::arch
