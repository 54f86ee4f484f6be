#include <kernel/collective/BreakGlass.h>

namespace gehri::collective {

StringView break_glass_kind_name(BreakGlassKind kind)
{
    switch (kind) {
    case BreakGlassKind::Freeze: return "freeze";
    case BreakGlassKind::Resume: return "resume";
    case BreakGlassKind::KillAll: return "kill-all";
    case BreakGlassKind::Isolate: return "isolate";
    case BreakGlassKind::Release: return "release";
    }
    return "unknown";
}

namespace {

constexpr bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

bool parse_agent(StringView text, AgentId& out)
{
    if (text.is_empty() || text.length() > 20)
        return false;
    uint64_t value = 0;
    for (char c : text) {
        if (c < '0' || c > '9' || __builtin_mul_overflow(value, 10, &value) || __builtin_add_overflow(value, static_cast<uint64_t>(c - '0'), &value))
            return false;
    }
    out = value;
    return true;
}

} // namespace

Result<BreakGlassCommand> BreakGlass::parse(StringView line, Diagnostic& diagnostic)
{
    line = line.trimmed();
    size_t space = 0;
    while (space < line.length() && !is_space(line[space]))
        ++space;
    StringView word = line.substring(0, space);
    StringView rest = line.substring(space).trimmed();
    constexpr BreakGlassKind plain[] = { BreakGlassKind::Freeze, BreakGlassKind::Resume, BreakGlassKind::KillAll };
    for (auto kind : plain) {
        if (word == break_glass_kind_name(kind)) {
            if (!rest.is_empty())
                return diagnostic.fail(Error::BadFormat, "'{}' takes no argument", word);
            return BreakGlassCommand { kind, 0 };
        }
    }
    for (auto kind : { BreakGlassKind::Isolate, BreakGlassKind::Release }) {
        if (word != break_glass_kind_name(kind))
            continue;
        AgentId agent = 0;
        if (!parse_agent(rest, agent))
            return diagnostic.fail(Error::BadFormat, "'{}' needs an agent id (a decimal number)", word);
        return BreakGlassCommand { kind, agent };
    }
    return diagnostic.fail(Error::BadFormat, "unknown command '{}' (freeze, resume, kill-all, isolate AGENT, release AGENT)", word);
}

bool BreakGlass::is_isolated(AgentId agent) const
{
    for (size_t i = 0; i < m_isolated_count; ++i) {
        if (m_isolated[i] == agent)
            return true;
    }
    return false;
}

void BreakGlass::act(ControlKind kind, AgentId agent) { m_outbox.control(ControlAction { kind, agent }); }

void BreakGlass::record(const BreakGlassCommand& command, CommandSource source, bool changed)
{
    m_audit.record(audit::RecordKind::BreakGlass, command.agent, {
        audit::Field::string("command", break_glass_kind_name(command.kind)),
        audit::Field::string("source", source == CommandSource::Keyboard ? "keyboard" : "serial"),
        audit::Field::integer("changed", changed ? 1 : 0),
        audit::Field::string("state", m_state == State::Frozen ? "frozen" : "running"),
    });
}

Result<void> BreakGlass::execute(const BreakGlassCommand& command, CommandSource source, Nanoseconds)
{
    bool changed = false;
    switch (command.kind) {
    case BreakGlassKind::Freeze:
        changed = m_state != State::Frozen;
        m_state = State::Frozen;
        act(ControlKind::FreezeAll, 0);
        break;
    case BreakGlassKind::Resume:
        changed = m_state != State::Running;
        if (changed)
            act(ControlKind::ResumeAll, 0);
        m_state = State::Running;
        break;
    case BreakGlassKind::KillAll:
        // Stay frozen afterwards, so a supervisor cannot respawn the swarm behind the human's
        // back; resuming is the human's next decision.
        changed = true;
        m_state = State::Frozen;
        act(ControlKind::FreezeAll, 0);
        act(ControlKind::KillAll, 0);
        break;
    case BreakGlassKind::Isolate:
        if (command.agent == kernel_agent)
            return Error::InvalidArgument;
        if (!is_isolated(command.agent)) {
            if (m_isolated_count == m_isolated.size())
                return Error::OutOfMemory;
            m_isolated[m_isolated_count++] = command.agent;
            changed = true;
        }
        act(ControlKind::Isolate, command.agent);
        break;
    case BreakGlassKind::Release: {
        size_t index = 0;
        while (index < m_isolated_count && m_isolated[index] != command.agent)
            ++index;
        if (index == m_isolated_count)
            return Error::NotFound;
        m_isolated[index] = m_isolated[--m_isolated_count];
        changed = true;
        act(ControlKind::Release, command.agent);
        break;
    }
    }
    record(command, source, changed);
    return {};
}

} // namespace gehri::collective
