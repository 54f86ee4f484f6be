#pragma once

#include <kernel/collective/AuditTrail.h>
#include <kernel/collective/Outbox.h>
#include <kernel/lib/Diagnostic.h>
#include <kernel/lib/Span.h>

namespace gehri::collective {

enum class BreakGlassKind : uint8_t { Freeze, Resume, KillAll, Isolate, Release };
enum class CommandSource : uint8_t { Keyboard, Serial };

struct BreakGlassCommand {
    BreakGlassKind kind;
    AgentId agent { 0 }; // Isolate and Release
};

// The human's emergency controls, portable part (docs/collective.md). The console layer turns a
// key combination or a serial line into a command; this turns a command into ControlActions
// for the kernel and an audit record. Everything is O(1) or O(isolated) with no allocation and
// no dependency on the scheduler or the message system, so it works however the agents behave.
// Commands are idempotent where repeating them is what a person in a hurry does: a second
// freeze re-issues FreezeAll (it also stops anything started since). Not synchronized.
class BreakGlass {
public:
    enum class State : uint8_t { Running, Frozen };

    // "freeze", "resume", "kill-all", "isolate AGENT", "release AGENT" (AGENT a decimal id).
    static Result<BreakGlassCommand> parse(StringView line, Diagnostic& diagnostic);

    BreakGlass(AuditTrail& audit, Outbox& outbox, Span<AgentId> isolated_storage)
        : m_audit(audit)
        , m_outbox(outbox)
        , m_isolated(isolated_storage)
    {
    }

    // InvalidArgument: isolating the kernel (agent 0). NotFound: releasing an agent that is not
    // isolated. OutOfMemory: no room to remember another isolated agent (nothing is done).
    Result<void> execute(const BreakGlassCommand&, CommandSource, Nanoseconds now);

    State state() const { return m_state; }
    bool is_isolated(AgentId agent) const;
    size_t isolated_count() const { return m_isolated_count; }

private:
    void act(ControlKind kind, AgentId agent);
    void record(const BreakGlassCommand&, CommandSource, bool changed);

    AuditTrail& m_audit;
    Outbox& m_outbox;
    Span<AgentId> m_isolated;
    size_t m_isolated_count { 0 };
    State m_state { State::Running };
};

StringView break_glass_kind_name(BreakGlassKind);

} // namespace gehri::collective
