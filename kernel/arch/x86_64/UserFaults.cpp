#include <kernel/agent/Faults.h>
#include <kernel/arch/x86_64/Exceptions.h>
#include <kernel/arch/x86_64/UserEntry.h>
#include <kernel/arch/x86_64/UserFaults.h>
#include <kernel/lib/Format.h>
#include <kernel/log/Panic.h>
#include <kernel/mm/Layout.h>

namespace gehri::arch {

namespace {

void describe(BufferSink& sink, uint8_t vector, uint64_t error_code)
{
    format_to(sink, "{} ({})", exception_name(vector), exception_mnemonic(vector));
    if (vector == exceptions::page_fault) {
        using namespace page_fault_error;
        format_to(sink, " [{} {} user-mode]", (error_code & present) ? "protection-violation" : "not-present",
            (error_code & instruction_fetch) ? "fetch" : ((error_code & write) ? "write" : "read"));
    } else if (error_code != 0) {
        format_to(sink, " [error code {:#x}]", error_code);
    }
}

void handle_user_fault(InterruptFrame& frame)
{
    // Read before anything else can fault and overwrite it.
    uint64_t fault_address = read_cr2();
    auto vector = static_cast<uint8_t>(frame.vector);
    char description[96];
    BufferSink sink(description, sizeof(description));
    describe(sink, vector, frame.error_code);
    sched::UserState* state = current_user_state();
    // An exception from user mode while no agent's thread is current would be a kernel bug.
    VERIFY(state != nullptr);
    // Killed meanwhile (no memory for a demand-zero page): that is the reason it ends.
    agent::on_return_to_user(*state);
    agent::kill_for_fault(*state,
        {
            .vector = vector,
            .error_code = static_cast<uint32_t>(frame.error_code),
            .description = sink.view(),
            .has_address = vector == exceptions::page_fault,
            .address = fault_address,
            .instruction_pointer = frame.rip,
            .stack_pointer = frame.rsp,
        });
}

bool resolve_user_page(uint64_t address, uint64_t error_code)
{
    using namespace page_fault_error;
    if (address >= mm::user_space_end || (error_code & present))
        return false;
    sched::UserState* state = current_user_state();
    if (state == nullptr)
        return false;
    return agent::resolve_user_page_fault(*state, address, error_code & write, error_code & instruction_fetch);
}

void return_to_user()
{
    if (sched::UserState* state = current_user_state())
        agent::on_return_to_user(*state);
}

} // namespace

void install_user_fault_handler()
{
    set_user_page_resolver(resolve_user_page);
    set_user_return_hook(return_to_user);
    set_user_fault_handler(handle_user_fault);
}

} // namespace gehri::arch
