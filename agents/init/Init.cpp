// init: the first agent. Reads the swarm manifest from the boot image, starts every agent it
// names (all or nothing: a mistake in the manifest, or a program missing from the boot image,
// starts none), and then supervises them: when a replica ends abnormally it is restarted by
// its agent's restart policy (one-for-one, one-for-all, never), at most N times within T, after
// which init gives up on that agent and says so.
#include "GrantedObjects.h"
#include <user/init/Manifest.h>
#include <user/init/RestartBudget.h>
#include <user/libgehri/Gehri.h>

using namespace gehri;

namespace {

// Argument 1 (the in-kernel supervision test) reads the restart demonstration instead, argument 2
// (the in-kernel topic-grant test) the topics demonstration, argument 3 (the in-kernel
// blackboard and channel grant test) the grants demonstration.
StringView manifest_path = "etc/swarm.manifest";
constexpr size_t max_manifest_bytes = 64 * 1024;
constexpr size_t max_agent_specs = 64;
// Every replica's handle stays in init's table (the kernel gives init its largest table, 16384 entries).
constexpr uint64_t max_supervised = 2000;
constexpr uint64_t nanoseconds_per_ms = 1'000'000;

struct Replica {
    HandleValue handle { invalid_handle };
    uint64_t id { 0 };
    bool running { false };
};

struct Group {
    const swarm::AgentSpec* spec { nullptr };
    Replica* replicas { nullptr };
    swarm::RestartBudget* budget { nullptr };
    bool given_up { false };
};

// Big tables live in demand-zero memory (MemoryMap), not in libgehri's small heap.
template<typename T>
Result<T*> allocate_array(size_t count)
{
    size_t bytes = (count * sizeof(T) + 4095) & ~size_t(4095);
    void* memory = TRY(system::memory_map(bytes == 0 ? 4096 : bytes));
    T* array = static_cast<T*>(memory);
    for (size_t i = 0; i < count; ++i)
        new (&array[i]) T();
    return array;
}

class Supervisor {
public:
    Supervisor(Agent& self, Span<Group> groups, const init::GrantedObjects& granted)
        : m_self(self)
        , m_groups(groups)
        , m_granted(granted)
    {
        // One namespace for the swarm's topics; agents with topic capabilities get a handle.
        auto topics = system::topic_namespace_create();
        if (topics.is_ok())
            m_topics = TopicNamespace(Handle(topics.value()));
        else
            println("init: no topic namespace ({}): agents start without one", error_name(topics.error()));
    }

    Result<void> start_all()
    {
        for (Group& group : m_groups) {
            for (uint32_t i = 0; i < group.spec->replicas; ++i)
                TRY(start(group, i));
        }
        return {};
    }

    // Until no child is left (or init is killed).
    void supervise()
    {
        for (;;) {
            auto report = system::wait_child();
            if (report.is_error()) {
                if (report.error() == Error::NotFound)
                    println("init: every supervised agent has ended");
                else
                    println("init: waiting for children failed ({})", error_name(report.error()));
                return;
            }
            on_child_ended(report.value());
        }
    }

private:
    Result<void> start(Group& group, uint32_t index)
    {
        const swarm::AgentSpec& spec = *group.spec;
        bool may_spawn = false;
        bool may_display = false;
        for (const swarm::Capability& capability : spec.capability_list()) {
            may_spawn |= capability.kind == swarm::CapabilityKind::Spawn;
            may_display |= capability.kind == swarm::CapabilityKind::Display;
        }
        Handle topics = topic_grant(spec);
        // Blackboards and channels, each under its capability's name.
        init::ReplicaGrants grants;
        if (auto prepared = m_granted.prepare(spec, grants); prepared.is_error()) {
            println("init: cannot grant {} replica {} its blackboards and channels: {}", spec.name, index, error_name(prepared.error()));
            return prepared.error();
        }
        uint64_t weight = uint64_t(spec.weight) * 1024 / 100;
        auto child = gehri::spawn(m_self.handle(),
            {
                .program = spec.program,
                .name = spec.name,
                .argument = index,
                .memory_quota = (spec.memory + 4095) & ~uint64_t(4095),
                .priority_class = static_cast<uint32_t>(spec.scheduling_class),
                .weight = static_cast<uint32_t>(weight == 0 ? 1 : weight),
                .may_spawn = may_spawn,
                .may_display = may_display,
                .handle_capacity = spec.handles,
                .bootstrap = topics ? &topics : nullptr,
                .grants = grants.list(),
            });
        if (child.is_error()) {
            println("init: cannot start {} replica {} ({}): {}", spec.name, index, spec.program, error_name(child.error()));
            return child.error();
        }
        auto info = child.value().info();
        Replica& replica = group.replicas[index];
        replica.handle = child.value().release_handle().release(); // the replica table owns it now
        replica.id = info.is_ok() ? info.value().id : 0;
        replica.running = true;
        return {};
    }

    // A view of the swarm's namespace that reaches only the topics the agent's `topic:`
    // capabilities name, each pattern in its own roles (the kernel enforces them), plus Write so
    // that whichever side comes first creates the topic. No capability, no handle.
    Handle topic_grant(const swarm::AgentSpec& spec)
    {
        abi::TopicPattern patterns[abi::max_topic_patterns];
        size_t count = 0;
        Rights roles = Rights::None;
        for (const swarm::Capability& capability : spec.capability_list()) {
            if (capability.kind != swarm::CapabilityKind::Topic || count == abi::max_topic_patterns)
                continue;
            Rights rights = Rights::None;
            if (capability.rights & swarm::Publish)
                rights |= Rights::Publish;
            if (capability.rights & swarm::Subscribe)
                rights |= Rights::Subscribe;
            if (rights == Rights::None)
                continue;
            patterns[count++] = {
                .pattern = reinterpret_cast<uint64_t>(capability.resource.characters()),
                .length = static_cast<uint32_t>(capability.resource.length()),
                .rights = static_cast<uint32_t>(rights),
            };
            roles |= rights;
        }
        if (count == 0 || !m_topics.handle())
            return {};
        auto view = m_topics.restrict(Span<const abi::TopicPattern>(patterns, count),
            roles | Rights::Read | Rights::Write | Rights::Transfer | Rights::Duplicate);
        if (view.is_error()) {
            println("init: {}: no topic namespace ({})", spec.name, error_name(view.error()));
            return {};
        }
        return view.release_value().release_handle();
    }

    bool find(uint64_t id, Group*& group_out, uint32_t& index_out)
    {
        for (Group& group : m_groups) {
            for (uint32_t i = 0; i < group.spec->replicas; ++i) {
                if (group.replicas[i].running && group.replicas[i].id == id) {
                    group_out = &group;
                    index_out = i;
                    return true;
                }
            }
        }
        return false;
    }

    static void describe(const abi::ExitInfo& info, BufferSink& sink)
    {
        switch (info.reason) {
        case abi::ExitReason::Exited: format_to(sink, "exited with status {}", info.status); break;
        case abi::ExitReason::Faulted:
            format_to(sink, "faulted (vector {}, address {:#x}, rip {:#x})", info.fault_vector, info.fault_address, info.fault_ip);
            break;
        case abi::ExitReason::Killed: format_to(sink, "was killed (status {})", info.status); break;
        }
    }

    void stop(Replica& replica)
    {
        replica.running = false;
        (void)system::handle_close(replica.handle);
        replica.handle = invalid_handle;
    }

    void on_child_ended(const abi::ChildExit& report)
    {
        Group* group = nullptr;
        uint32_t index = 0;
        if (!find(report.id, group, index))
            return; // one init stopped itself (one-for-all)
        const swarm::AgentSpec& spec = *group->spec;
        char text[160];
        BufferSink sink(text, sizeof(text));
        describe(report.info, sink);
        Replica& replica = group->replicas[index];
        stop(replica);
        bool normal = report.info.reason == abi::ExitReason::Exited && report.info.status == 0;
        if (normal || spec.restart.strategy == swarm::RestartStrategy::Never || group->given_up) {
            println("init: {} replica {} (agent {}) {}", spec.name, index, report.id, sink.view());
            return;
        }
        uint64_t now = system::clock_now_ns();
        if (!group->budget->try_restart(now)) {
            group->given_up = true;
            println("init: {} replica {} (agent {}) {}; giving up on {}: more than {} restarts within {} ms", spec.name, index, report.id,
                sink.view(), spec.name, spec.restart.max_restarts, spec.restart.window_ms);
            return;
        }
        println("init: {} replica {} (agent {}) {}; restarting ({} {} of {} within {} ms)", spec.name, index, report.id, sink.view(),
            swarm::restart_strategy_name(spec.restart.strategy), group->budget->restarts_in_window(now), spec.restart.max_restarts,
            spec.restart.window_ms);
        if (spec.restart.strategy == swarm::RestartStrategy::OneForAll) {
            for (uint32_t i = 0; i < spec.replicas; ++i) {
                Replica& sibling = group->replicas[i];
                if (!sibling.running)
                    continue;
                (void)system::kill(sibling.handle, -1);
                (void)system::wait(sibling.handle);
                stop(sibling);
            }
            for (uint32_t i = 0; i < spec.replicas; ++i)
                (void)start(*group, i);
        } else {
            (void)start(*group, index);
        }
    }

    Agent& m_self;
    TopicNamespace m_topics;
    Span<Group> m_groups;
    const init::GrantedObjects& m_granted;
};

Result<StringView> read_manifest(Agent& self)
{
    char* buffer = TRY(allocate_array<char>(max_manifest_bytes));
    size_t length = 0;
    for (;;) {
        size_t read = TRY(system::boot_file_read(self.handle().value(), manifest_path, length, buffer + length, max_manifest_bytes - length));
        if (read == 0)
            break;
        length += read;
        if (length == max_manifest_bytes) {
            println("init: {} is larger than {} KiB", manifest_path, max_manifest_bytes / 1024);
            return Error::OutOfRange;
        }
    }
    return StringView(buffer, length);
}

// Every program must be in the boot image before anything starts.
bool programs_exist(Agent& self, const swarm::Manifest& manifest)
{
    bool all = true;
    for (const swarm::AgentSpec& spec : manifest.agents()) {
        char byte;
        auto read = system::boot_file_read(self.handle().value(), spec.program, 0, &byte, 1);
        if (read.is_error()) {
            println("init: {}:{}: agent {}: program {} is not in the boot image ({})", manifest_path, spec.line, spec.name, spec.program,
                error_name(read.error()));
            all = false;
        }
    }
    return all;
}

} // namespace

int main(Agent& self)
{
    if (self.argument() == 1)
        manifest_path = "etc/restart-demo.manifest";
    else if (self.argument() == 2)
        manifest_path = "etc/topics-demo.manifest";
    else if (self.argument() == 3)
        manifest_path = "etc/grants-demo.manifest";
    auto text = read_manifest(self);
    if (text.is_error()) {
        println("init: cannot read {} from the boot image ({}); starting nothing", manifest_path, error_name(text.error()));
        return 1;
    }
    auto storage = allocate_array<swarm::AgentSpec>(max_agent_specs);
    if (storage.is_error())
        return 1;
    Diagnostic diagnostic;
    auto manifest = swarm::Manifest::parse(manifest_path, text.value(), Span<swarm::AgentSpec>(storage.value(), max_agent_specs), diagnostic);
    if (manifest.is_error()) {
        println("init: {}; starting nothing", diagnostic.message());
        return 1;
    }
    if (manifest.value().total_replicas() > max_supervised) {
        println("init: {}: {} replicas in all, init supervises at most {}; starting nothing", manifest_path, manifest.value().total_replicas(),
            max_supervised);
        return 1;
    }
    if (!programs_exist(self, manifest.value())) {
        println("init: starting nothing");
        return 1;
    }
    size_t group_count = manifest.value().agent_count();
    auto groups = allocate_array<Group>(group_count);
    if (groups.is_error())
        return 1;
    for (size_t i = 0; i < group_count; ++i) {
        const swarm::AgentSpec& spec = manifest.value().agent(i);
        Group& group = groups.value()[i];
        group.spec = &spec;
        auto replicas = allocate_array<Replica>(spec.replicas);
        auto times = allocate_array<uint64_t>(spec.restart.max_restarts + 1);
        if (replicas.is_error() || times.is_error()) {
            println("init: out of memory for the supervision tables; starting nothing");
            return 1;
        }
        group.replicas = replicas.value();
        group.budget = new swarm::RestartBudget(times.value(), spec.restart.max_restarts, spec.restart.window_ms * nanoseconds_per_ms);
    }
    // Every granted object exists before the first agent starts (a channel's two agents
    // start at different moments).
    auto granted = allocate_array<init::GrantedObjects>(1);
    if (granted.is_error())
        return 1;
    if (auto created = granted.value()->create(manifest.value().agents()); created.is_error()) {
        println("init: cannot create the manifest's blackboards and channels ({}); starting nothing", error_name(created.error()));
        return 1;
    }
    println("init: starting {} agents ({} replicas) from {}", group_count, manifest.value().total_replicas(), manifest_path);
    Supervisor supervisor(self, Span<Group>(groups.value(), group_count), *granted.value());
    if (auto started = supervisor.start_all(); started.is_error()) {
        println("init: the swarm did not start completely ({})", error_name(started.error()));
    }
    supervisor.supervise();
    return 0;
}
