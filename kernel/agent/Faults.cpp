#include <kernel/agent/Faults.h>
#include <kernel/log/Log.h>
#include <kernel/object/Thread.h>

namespace gehri::agent {

void kill_for_fault(sched::UserState& state, const UserFault& fault)
{
    auto& thread = object::Thread::from_user_state(state);
    auto& agent = thread.agent();
    if (fault.has_address)
        log::warn("agent {} ({}) killed: {} at address {:#x}, rip {:#x}, rsp {:#x}", agent.id(), agent.name(), fault.description,
            fault.address, fault.instruction_pointer, fault.stack_pointer);
    else
        log::warn("agent {} ({}) killed: {}, rip {:#x}, rsp {:#x}", agent.id(), agent.name(), fault.description, fault.instruction_pointer,
            fault.stack_pointer);
    thread.exit({
        .reason = abi::ExitReason::Faulted,
        .status = 0,
        .fault_vector = fault.vector,
        .fault_error_code = fault.error_code,
        .fault_address = fault.has_address ? fault.address : 0,
        .fault_ip = fault.instruction_pointer,
    });
}

} // namespace gehri::agent
