#include <kernel/agent/Freeze.h>
#include <kernel/govern/Governance.h>
#include <kernel/lib/Sort.h>
#include <kernel/log/History.h>
#include <kernel/object/Agent.h>
#include <kernel/shell/Commands.h>
#include <kernel/shell/GovernCommands.h>
#include <kernel/shell/Words.h>

namespace gehri::shell {

namespace {

using object::Agent;
using object::AgentSnapshot;

StringView state_of(const AgentSnapshot& agent)
{
    if (agent.exited)
        return "exited";
    if (agent.kill_requested)
        return "ending";
    if (agent.threads == 0)
        return "new";
    if (agent::is_frozen())
        return "frozen";
    if (agent.isolated)
        return "isolated";
    if (agent.quarantined)
        return "quarant";
    return "running";
}

void help(FormatSink& out)
{
    out.write("commands:\n"
              "  ps                 the agents: id, name, state, class, weight, threads, CPU time, memory\n"
              "  top                ps sorted by CPU time, redrawn every second; any key stops it\n"
              "  kill ID [STATUS]   end agent ID (its supervisor is told); STATUS defaults to -9\n"
              "  log [N]            the last N lines of the kernel log (default 20)\n"
              "break-glass (audited; also Ctrl+Alt+F = freeze, Ctrl+Alt+R = resume on the keyboard):\n"
              "  freeze             stop every agent within one scheduler tick\n"
              "  resume             let them run again\n"
              "  kill-all           end every agent (the system stays frozen)\n"
              "  isolate ID         cut agent ID off from proposals, votes, auctions, leases and topics\n"
              "  release ID         undo isolate\n"
              "the human in the collective's decisions (audited):\n"
              "  proposals          open proposals: id, kind, proposer, state, ballots, weight, leading option, due\n"
              "  cosign ID          approve proposal ID, which policy made wait for a human's co-sign\n"
              "  veto ID            refuse it (verdict cosign_refused)\n"
              "  lift ID            end agent ID's quarantine (and isolation): it takes part again\n"
              "  help               this list\n");
}

void kill(StringView line, size_t position, FormatSink& out)
{
    int64_t id = 0;
    int64_t status = -9;
    StringView id_text = next_word(line, position);
    StringView status_text = next_word(line, position);
    if (!parse_number(id_text, id) || id <= 0 || (!status_text.is_empty() && !parse_number(status_text, status))
        || status < INT32_MIN || status > INT32_MAX) {
        out.write("usage: kill ID [STATUS]\n");
        return;
    }
    RefPtr<Agent> agent = Agent::find(static_cast<uint64_t>(id));
    if (!agent) {
        format_to(out, "kill: no running agent {}\n", id);
        return;
    }
    agent->kill({ .reason = abi::ExitReason::Killed, .status = static_cast<int32_t>(status) });
    format_to(out, "kill: agent {} ({}) ends with status {}\n", id, agent->name(), status);
}

void log_tail(StringView line, size_t position, FormatSink& out)
{
    int64_t lines = 20;
    StringView count = next_word(line, position);
    if (!count.is_empty() && (!parse_number(count, lines) || lines <= 0)) {
        out.write("usage: log [N]\n");
        return;
    }
    log::write_history(out, static_cast<size_t>(lines));
}

} // namespace

void write_process_table(FormatSink& out, size_t limit, bool by_cpu)
{
    constexpr size_t max_rows = 48;
    AgentSnapshot rows[max_rows];
    size_t count = Agent::snapshot_all(rows, limit < max_rows ? limit : max_rows);
    if (by_cpu)
        heap_sort(Span<AgentSnapshot>(rows, count), [](const AgentSnapshot& a, const AgentSnapshot& b) { return a.cpu_time_ns > b.cpu_time_ns; });
    format_to(out, "{:<6} {:<20} {:<8} {:<12} {:<7} {:<4} {:<10} {:<10} {:<10} {}\n", "ID", "NAME", "STATE", "CLASS", "WEIGHT", "THR",
        "CPU-MS", "MEM-KIB", "QUOTA-KIB", "PARENT");
    for (size_t i = 0; i < count; ++i) {
        const AgentSnapshot& agent = rows[i];
        format_to(out, "{:<6} {:<20} {:<8} {:<12} {:<7} {:<4} {:<10} {:<10} ", agent.id, StringView(agent.name), state_of(agent),
            sched::name_of(agent.priority_class), agent.weight, agent.threads, agent.cpu_time_ns / 1'000'000, agent.memory_resident / 1024);
        if (agent.memory_quota == agent::UserAddressSpace::unlimited)
            format_to(out, "{:<10} ", "-");
        else
            format_to(out, "{:<10} ", agent.memory_quota / 1024);
        format_to(out, "{}\n", agent.parent);
    }
    format_to(out, "{} agents alive\n", Agent::live_count());
}

void run_command(StringView line, FormatSink& out)
{
    size_t position = 0;
    StringView command = next_word(line, position);
    if (command.is_empty())
        return;
    if (command == "help")
        help(out);
    else if (command == "ps")
        write_process_table(out, 48, false);
    else if (command == "kill")
        kill(line, position, out);
    else if (command == "log")
        log_tail(line, position, out);
    else if (run_govern_command(command, line, position, out))
        return;
    else if (command == "freeze" || command == "resume" || command == "kill-all" || command == "isolate" || command == "release") {
        if (govern::is_initialized())
            govern::run_break_glass_line(line, collective::CommandSource::Serial, out);
        else
            out.write("break-glass: the collective services are not running\n");
    }
    else
        format_to(out, "unknown command '{}' (try help)\n", command);
}

} // namespace gehri::shell
