#include <kernel/log/Log.h>
#include <kernel/log/Panic.h>
#include <kernel/object/KillableWait.h>
#include <kernel/object/Thread.h>
#include <kernel/sched/KernelScheduler.h>
#include <kernel/syscall/Abi.h>
#include <kernel/syscall/Decoding.h>
#include <kernel/syscall/Dispatcher.h>
#include <kernel/syscall/Handlers.h>
#include <kernel/syscall/UserCopy.h>
#include <kernel/time/Clock.h>

namespace gehri::syscall {

namespace {

using abi::ExitInfo;
using object::Agent;

// --- The system calls ------------------------------------------------------------------------

Result<uint64_t> sys_null(Caller&) { return 0; }

Result<uint64_t> sys_abi_version(Caller&) { return abi::syscall_abi_version; }

// Agents' text goes to the log one line at a time, stamped with the agent. Control characters
// other than tab become '?', so an agent cannot forge log lines or drive the console.
void log_agent_line(Agent& agent, const char* text, size_t length)
{
    constexpr size_t chunk = 400; // below the log's line buffer, with room for the prefix
    char line[chunk];
    for (size_t start = 0; start == 0 || start < length; start += chunk) {
        size_t count = length - start < chunk ? length - start : chunk;
        for (size_t i = 0; i < count; ++i) {
            auto c = static_cast<unsigned char>(text[start + i]);
            line[i] = (c < 0x20 && c != '\t') || c == 0x7f ? '?' : static_cast<char>(c);
        }
        log::info("agent {} ({}): {}", agent.id(), agent.name(), StringView(line, count));
    }
}

Result<uint64_t> sys_debug_write(Caller& caller, UserPointer<const char> text, Length length)
{
    if (length.value > abi::debug_write_max)
        return Error::InvalidArgument;
    if (length.value == 0)
        return 0;
    char buffer[abi::debug_write_max];
    TRY(copy_from_user(buffer, UserPointer<const void>(text.address()), length.value));
    size_t line_start = 0;
    for (size_t i = 0; i <= length.value; ++i) {
        bool end_of_text = i == length.value;
        if (!end_of_text && buffer[i] != '\n')
            continue;
        // A final newline ends the last line rather than starting an empty one.
        if (!(end_of_text && i == line_start))
            log_agent_line(caller.agent(), buffer + line_start, i - line_start);
        line_start = i + 1;
    }
    return length.value;
}

Result<uint64_t> sys_exit(Caller& caller, int32_t status)
{
    // Every other thread of the agent ends at its next kernel entry, with this exit.
    caller.agent().kill({ .reason = abi::ExitReason::Exited, .status = status });
    caller.thread.exit(caller.agent().recorded_exit());
}

Result<uint64_t> sys_handle_close(Caller& caller, HandleArgument handle)
{
    TRY(caller.agent().handles().close(handle.value));
    return 0;
}

Result<uint64_t> sys_handle_duplicate(Caller& caller, HandleArgument handle, Rights rights)
{
    return TRY(caller.agent().handles().duplicate(handle.value, rights));
}

Result<uint64_t> sys_wait(Caller& caller, HandleArgument handle, uint64_t timeout_ns, UserPointer<ExitInfo> out)
{
    if (!out.is_null() && !is_user_range(out.address(), sizeof(ExitInfo)))
        return Error::BadAddress;
    auto& handles = caller.agent().handles();
    ExitInfo info;
    auto agent = handles.get_object_with_rights<Agent>(handle.value, Rights::Wait);
    if (agent.is_ok()) {
        // Its own exit comes only after this call returns: waiting would never end.
        if (agent.value().get() == &caller.agent())
            return Error::InvalidArgument;
        info = TRY(agent.value()->wait_for_exit(deadline_after(timeout_ns), &caller.thread));
    } else if (agent.error() == Error::WrongObjectType) {
        auto thread = TRY(handles.get_object_with_rights<object::Thread>(handle.value, Rights::Wait));
        if (thread.get() == &caller.thread)
            return Error::InvalidArgument;
        info = TRY(thread->wait_for_exit(deadline_after(timeout_ns), &caller.thread));
    } else {
        return agent.error();
    }
    if (!out.is_null())
        TRY(copy_to_user(out, info));
    return 0;
}

Result<uint64_t> sys_agent_info(Caller& caller, HandleArgument handle, UserPointer<abi::AgentInfo> out)
{
    auto agent = TRY(caller.agent().handles().get_object_with_rights<Agent>(handle.value, Rights::Read));
    abi::AgentInfo info;
    info.id = agent->id();
    StringView name = agent->name();
    for (size_t i = 0; i < name.length() && i < sizeof(info.name) - 1; ++i)
        info.name[i] = name[i];
    info.has_exited = agent->has_exited() ? 1 : 0;
    info.priority_class = static_cast<uint32_t>(agent->priority_class());
    info.weight = agent->weight();
    info.thread_count = agent->thread_count();
    info.memory_quota = agent->memory().quota();
    info.memory_committed = agent->memory().committed_bytes();
    info.memory_resident = agent->memory().resident_bytes();
    TRY(copy_to_user(out, info));
    return 0;
}

Result<uint64_t> sys_clock_now(Caller&) { return time::now_ns(); }

Result<uint64_t> sys_yield(Caller&)
{
    sched::kernel_scheduler().yield();
    return 0;
}

Result<uint64_t> sys_sleep(Caller& caller, uint64_t duration_ns)
{
    // Sleeping is waiting for nothing: a kill still ends it early.
    sched::WaitQueue nothing;
    auto slept = object::wait_killably(nothing, [] { return false; }, deadline_after(duration_ns), &caller.thread);
    if (slept.is_error() && slept.error() != Error::TimedOut)
        return slept.error();
    return 0;
}

// --- The table ---------------------------------------------------------------------------------

using Invoker = Result<uint64_t> (*)(Caller&, const uint64_t*);

struct SyscallDescriptor {
    abi::Syscall number;
    const char* name;
    Invoker invoke;
};

template<auto Handler>
Result<uint64_t> invoke(Caller& caller, const uint64_t* raw)
{
    return decode_and_invoke(Handler, caller, raw);
}

Result<uint64_t> sys_unassigned(Caller&) { return Error::NotSupported; }

// The calls, in any order; numbers without an entry are unassigned.
constexpr SyscallDescriptor s_assigned[] = {
    { abi::Syscall::Null, "null", invoke<sys_null> },
    { abi::Syscall::AbiVersion, "abi_version", invoke<sys_abi_version> },
    { abi::Syscall::DebugWrite, "debug_write", invoke<sys_debug_write> },
    { abi::Syscall::Exit, "exit", invoke<sys_exit> },
    { abi::Syscall::HandleClose, "handle_close", invoke<sys_handle_close> },
    { abi::Syscall::HandleDuplicate, "handle_duplicate", invoke<sys_handle_duplicate> },
    { abi::Syscall::Wait, "wait", invoke<sys_wait> },
    { abi::Syscall::ClockNow, "clock_now", invoke<sys_clock_now> },
    { abi::Syscall::Yield, "yield", invoke<sys_yield> },
    { abi::Syscall::AgentInfo, "agent_info", invoke<sys_agent_info> },
    { abi::Syscall::Spawn, "spawn", invoke<sys_spawn> },
    { abi::Syscall::Kill, "kill", invoke<sys_kill> },
    { abi::Syscall::WaitChild, "wait_child", invoke<sys_wait_child> },
    { abi::Syscall::MemoryMap, "memory_map", invoke<sys_memory_map> },
    { abi::Syscall::MemoryUnmap, "memory_unmap", invoke<sys_memory_unmap> },
    { abi::Syscall::ThreadCreate, "thread_create", invoke<sys_thread_create> },
    { abi::Syscall::ThreadExit, "thread_exit", invoke<sys_thread_exit> },
    { abi::Syscall::Sleep, "sleep", invoke<sys_sleep> },
    { abi::Syscall::BootFileRead, "boot_file_read", invoke<sys_boot_file_read> },
    { abi::Syscall::DisplayAcquire, "display_acquire", invoke<sys_display_acquire> },
    { abi::Syscall::ChannelCreate, "channel_create", invoke<sys_channel_create> },
    { abi::Syscall::ChannelWrite, "channel_write", invoke<sys_channel_write> },
    { abi::Syscall::ChannelRead, "channel_read", invoke<sys_channel_read> },
    { abi::Syscall::ChannelCall, "channel_call", invoke<sys_channel_call> },
    { abi::Syscall::WaitMany, "wait_many", invoke<sys_wait_many> },
    { abi::Syscall::TopicNamespaceCreate, "topic_namespace_create", invoke<sys_topic_namespace_create> },
    { abi::Syscall::TopicNamespaceRestrict, "topic_namespace_restrict", invoke<sys_topic_namespace_restrict> },
    { abi::Syscall::TopicPublisher, "topic_publisher", invoke<sys_topic_publisher> },
    { abi::Syscall::TopicSubscribe, "topic_subscribe", invoke<sys_topic_subscribe> },
    { abi::Syscall::TopicPublish, "topic_publish", invoke<sys_topic_publish> },
    { abi::Syscall::TopicTake, "topic_take", invoke<sys_topic_take> },
    { abi::Syscall::BootstrapHandle, "bootstrap_handle", invoke<sys_bootstrap_handle> },
    { abi::Syscall::BootstrapTake, "bootstrap_take", invoke<sys_bootstrap_take> },
    { abi::Syscall::BlackboardCreate, "blackboard_create", invoke<sys_blackboard_create> },
    { abi::Syscall::BlackboardGet, "blackboard_get", invoke<sys_blackboard_get> },
    { abi::Syscall::BlackboardPut, "blackboard_put", invoke<sys_blackboard_put> },
    { abi::Syscall::BlackboardDelete, "blackboard_delete", invoke<sys_blackboard_delete> },
    { abi::Syscall::BlackboardWatch, "blackboard_watch", invoke<sys_blackboard_watch> },
    { abi::Syscall::WatchNext, "watch_next", invoke<sys_watch_next> },
    { abi::Syscall::MemoryCreate, "memory_create", invoke<sys_memory_create> },
    { abi::Syscall::MemoryMapObject, "memory_map_object", invoke<sys_memory_map_object> },
    { abi::Syscall::EventCreate, "event_create", invoke<sys_event_create> },
    { abi::Syscall::EventSignal, "event_signal", invoke<sys_event_signal> },
    { abi::Syscall::WaitSetCreate, "wait_set_create", invoke<sys_wait_set_create> },
    { abi::Syscall::WaitSetAdd, "wait_set_add", invoke<sys_wait_set_add> },
    { abi::Syscall::WaitSetRemove, "wait_set_remove", invoke<sys_wait_set_remove> },
    { abi::Syscall::WaitSetWait, "wait_set_wait", invoke<sys_wait_set_wait> },
    { abi::Syscall::ProposalOpen, "proposal_open", invoke<sys_proposal_open> },
    { abi::Syscall::ProposalVote, "proposal_vote", invoke<sys_proposal_vote> },
    { abi::Syscall::ProposalResult, "proposal_result", invoke<sys_proposal_result> },
    { abi::Syscall::LeaseAcquire, "lease_acquire", invoke<sys_lease_acquire> },
    { abi::Syscall::LeaseRenew, "lease_renew", invoke<sys_lease_renew> },
    { abi::Syscall::LeaseRelease, "lease_release", invoke<sys_lease_release> },
    { abi::Syscall::AuctionOpen, "auction_open", invoke<sys_auction_open> },
    { abi::Syscall::AuctionBid, "auction_bid", invoke<sys_auction_bid> },
    { abi::Syscall::ReputationReport, "reputation_report", invoke<sys_reputation_report> },
    { abi::Syscall::EventTake, "event_take", invoke<sys_event_take> },
    { abi::Syscall::AuditRecord, "audit_record", invoke<sys_audit_record> },
    { abi::Syscall::AuctionSettle, "auction_settle", invoke<sys_auction_settle> },
    { abi::Syscall::AuctionAwards, "auction_awards", invoke<sys_auction_awards> },
    { abi::Syscall::AuctionExclude, "auction_exclude", invoke<sys_auction_exclude> },
    { abi::Syscall::ProposalClose, "proposal_close", invoke<sys_proposal_close> },
    { abi::Syscall::AgentQuarantine, "agent_quarantine", invoke<sys_agent_quarantine> },
    { abi::Syscall::ReputationDomainCreate, "reputation_domain_create", invoke<sys_reputation_domain_create> },
    { abi::Syscall::ReputationDomainRate, "reputation_domain_rate", invoke<sys_reputation_domain_rate> },
    { abi::Syscall::ReputationDomainBind, "reputation_domain_bind", invoke<sys_reputation_domain_bind> },
    { abi::Syscall::ReputationDomainJudge, "reputation_domain_judge", invoke<sys_reputation_domain_judge> },
    { abi::Syscall::ReputationDomainTrust, "reputation_domain_trust", invoke<sys_reputation_domain_trust> },
};

constexpr uint64_t s_count = static_cast<uint64_t>(abi::Syscall::Count);

struct SyscallTable {
    SyscallDescriptor entries[s_count];
};

inline void syscall_table_is_wrong() { }

// Indexed by number, gaps filled with "unassigned"; a number listed twice, or one at or past
// Count, does not compile.
constexpr SyscallTable make_table()
{
    SyscallTable table {};
    for (uint64_t i = 0; i < s_count; ++i)
        table.entries[i] = { static_cast<abi::Syscall>(i), nullptr, invoke<sys_unassigned> };
    for (const SyscallDescriptor& descriptor : s_assigned) {
        auto number = static_cast<uint64_t>(descriptor.number);
        if (number >= s_count || table.entries[number].name != nullptr)
            syscall_table_is_wrong(); // not constexpr: compilation stops here
        table.entries[number] = descriptor;
    }
    for (uint64_t i = 0; i < s_count; ++i) {
        if (table.entries[i].name == nullptr)
            table.entries[i].name = "unassigned";
    }
    return table;
}
constexpr SyscallTable s_table = make_table();
constexpr const SyscallDescriptor* s_syscalls = s_table.entries;
constexpr uint64_t highest_assigned()
{
    uint64_t highest = 0;
    for (const SyscallDescriptor& descriptor : s_assigned)
        highest = static_cast<uint64_t>(descriptor.number) > highest ? static_cast<uint64_t>(descriptor.number) : highest;
    return highest;
}
static_assert(highest_assigned() + 1 == s_count, "Count is one past the highest assigned number");

int64_t encode(const Result<uint64_t>& result)
{
    if (result.is_error())
        return abi::encode_error(result.error());
    // Every value a syscall returns (lengths, handles, nanoseconds) fits in 63 bits.
    VERIFY(result.value() <= static_cast<uint64_t>(INT64_MAX));
    return static_cast<int64_t>(result.value());
}

} // namespace

uint64_t deadline_after(uint64_t timeout_ns)
{
    if (timeout_ns == abi::wait_forever)
        return sched::Scheduler::no_deadline;
    uint64_t now = sched::kernel_scheduler().platform().now_ns();
    uint64_t deadline = now + timeout_ns;
    return deadline < now ? sched::Scheduler::no_deadline : deadline;
}

uint64_t syscall_count() { return s_count; }

const char* syscall_name(uint64_t number) { return number < s_count ? s_table.entries[number].name : nullptr; }

} // namespace gehri::syscall

extern "C" int64_t gehri_syscall(const gehri::syscall::SyscallArguments* arguments, gehri::sched::UserState* caller_state)
{
    using namespace gehri;
    using namespace gehri::syscall;
    uint64_t number = arguments->number;
    if (number >= s_count) {
        object::Thread::from_user_state(*caller_state).prepare_return_to_user();
        return abi::encode_error(Error::NotSupported);
    }
    Caller caller { object::Thread::from_user_state(*caller_state) };
    int64_t result = encode(s_table.entries[number].invoke(caller, arguments->values));
    // A kill (or another thread's Exit) ends this thread before it sees user mode again; a
    // freeze holds it here.
    caller.thread.prepare_return_to_user();
    return result;
}
