#include <kernel/agent/Faults.h>
#include <kernel/audit/KernelAuditLog.h>
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
    if (audit::kernel_log_ready()) {
        // A full ring drops the record and says so with a Gap record: a fault is never hidden.
        (void)audit::kernel_log().append(audit::RecordKind::AgentFault, agent.id(),
            { audit::Field::string("fault", fault.description), audit::Field::integer("vector", fault.vector),
                audit::Field::integer("address", static_cast<int64_t>(fault.has_address ? fault.address : 0)),
                audit::Field::integer("rip", static_cast<int64_t>(fault.instruction_pointer)) });
    }
    abi::ExitInfo info {
        .reason = abi::ExitReason::Faulted,
        .status = 0,
        .fault_vector = fault.vector,
        .fault_error_code = fault.error_code,
        .fault_address = fault.has_address ? fault.address : 0,
        .fault_ip = fault.instruction_pointer,
    };
    // The whole agent ends: its other threads at their next kernel entry.
    agent.kill(info);
    thread.exit(info);
}

bool resolve_user_page_fault(sched::UserState& state, uint64_t address, bool write, bool execute)
{
    auto& agent = object::Thread::from_user_state(state).agent();
    using Resolution = UserAddressSpace::FaultResolution;
    switch (agent.memory().resolve_fault(address, write, execute)) {
    case Resolution::Resolved: return true;
    case Resolution::NotResolvable: return false;
    case Resolution::OutOfMemory:
        log::warn("agent {} ({}) killed: no free memory for a demand-zero page at {:#x}", agent.id(), agent.name(), address);
        agent.kill({ .reason = abi::ExitReason::Killed, .status = abi::kill_status_out_of_memory, .fault_address = address });
        return false;
    }
    return false;
}

void on_return_to_user(sched::UserState& state) { object::Thread::from_user_state(state).prepare_return_to_user(); }

} // namespace gehri::agent
