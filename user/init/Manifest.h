#pragma once

#include <kernel/lib/Diagnostic.h>
#include <kernel/lib/Result.h>
#include <kernel/lib/Span.h>
#include <kernel/lib/StringView.h>

// The swarm manifest: which agents the init agent starts, how many, with which scheduling
// class, memory quota, restart policy and capabilities. The format is in docs/manifest.md.
// This code runs in the init agent (freestanding, no libc, no heap) and in host tools, so
// it uses only kernel/lib and caller-provided storage.
namespace gehri::swarm {

enum class SchedulingClass : uint8_t { Emergency, Interactive, Normal, Batch };
enum class RestartStrategy : uint8_t { Never, OneForOne, OneForAll };

struct RestartPolicy {
    RestartStrategy strategy { RestartStrategy::OneForOne };
    uint32_t max_restarts { 3 }; // within `window_ms`; one more failure gives up on the agent
    uint64_t window_ms { 10'000 };
};

enum class CapabilityKind : uint8_t { Topic, Blackboard, Channel, Spawn, Display };

// Rights are a bit set; each kind accepts its own (see docs/manifest.md).
enum Right : uint8_t {
    Publish = 1 << 0,
    Subscribe = 1 << 1,
    Read = 1 << 2,
    Write = 1 << 3,
    Send = 1 << 4,
    Receive = 1 << 5,
};

struct Capability {
    CapabilityKind kind { CapabilityKind::Spawn };
    StringView resource; // topic pattern or object name; empty for spawn and display
    uint8_t rights { 0 };
    size_t line { 0 }; // of its capabilities list, for later messages about it
};

constexpr size_t max_capabilities = 16;
constexpr uint32_t max_replicas = 100'000;
constexpr uint32_t max_weight = 10'000;
constexpr uint64_t min_memory = 4 * 1024;
constexpr uint64_t max_memory = 1ull << 40;
constexpr uint64_t default_memory = 1024 * 1024;
constexpr uint32_t min_handles = 16;
constexpr uint32_t max_handles = 32768; // the kernel's largest handle table
constexpr uint32_t max_restarts_limit = 1'000;
constexpr uint64_t max_restart_window_ms = 24ull * 60 * 60 * 1000;
constexpr size_t max_name_length = 32;
constexpr size_t max_program_length = 128;
constexpr size_t max_resource_length = 64;

struct AgentSpec {
    StringView name;
    StringView program; // path of the ELF executable in the initrd
    uint32_t replicas { 1 };
    SchedulingClass scheduling_class { SchedulingClass::Normal };
    uint32_t weight { 100 };
    uint64_t memory { default_memory }; // quota per replica, bytes
    uint32_t handles { 0 }; // room in its handle table; 0: the kernel's default
    RestartPolicy restart;
    Capability capabilities[max_capabilities];
    size_t capability_count { 0 };
    size_t line { 0 }; // of its [agent NAME] header, for later messages about it

    Span<const Capability> capability_list() const { return { capabilities, capability_count }; }
};

// A parsed manifest. It views the caller's text (names, programs and resources point into
// it) and the caller's AgentSpec storage; keep both alive. Parsing is all or nothing: on any
// error the Result is an error, the Diagnostic reads "FILE:LINE: what is wrong", and
// nothing in the storage is meaningful.
class Manifest {
public:
    static Result<Manifest> parse(StringView file_name, StringView text, Span<AgentSpec> storage, Diagnostic& diagnostic);

    size_t agent_count() const { return m_agents.size(); }
    const AgentSpec& agent(size_t index) const { return m_agents[index]; }
    Span<const AgentSpec> agents() const { return m_agents; }
    const AgentSpec* find(StringView name) const;
    uint64_t total_replicas() const;

private:
    explicit Manifest(Span<const AgentSpec> agents)
        : m_agents(agents)
    {
    }

    Span<const AgentSpec> m_agents;
};

StringView scheduling_class_name(SchedulingClass);
StringView restart_strategy_name(RestartStrategy);
StringView capability_kind_name(CapabilityKind);

} // namespace gehri::swarm
