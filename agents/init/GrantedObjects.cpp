#include "GrantedObjects.h"

namespace gehri::init {

static_assert(swarm::max_granted_objects == abi::max_capability_grants);
static_assert(swarm::max_grant_name_length == abi::max_capability_name_length);

namespace {

// The manifest's rights as handle rights; Transfer so that the handle can move to the child,
// and for a blackboard Duplicate too, so that its holder can hand its own children a copy with
// fewer rights (the wildfire agent gives each drone the board read only).
Rights rights_for(const swarm::Capability& capability)
{
    Rights rights = Rights::Transfer;
    if (capability.kind == swarm::CapabilityKind::Blackboard) {
        rights |= Rights::Duplicate;
        if (capability.rights & swarm::Read)
            rights |= Rights::Read;
        if (capability.rights & swarm::Write)
            rights |= Rights::Write;
    } else {
        if (capability.rights & swarm::Receive)
            rights |= Rights::Read | Rights::Wait;
        if (capability.rights & swarm::Send)
            rights |= Rights::Write;
    }
    return rights;
}

} // namespace

const GrantedObjects::Object* GrantedObjects::find(swarm::CapabilityKind kind, StringView resource) const
{
    for (size_t i = 0; i < m_count; ++i) {
        if (m_objects[i].kind == kind && m_objects[i].resource == resource)
            return &m_objects[i];
    }
    return nullptr;
}

Result<void> GrantedObjects::create(Span<const swarm::AgentSpec> agents)
{
    m_agents = agents;
    for (const swarm::AgentSpec& agent : agents) {
        for (const swarm::Capability& capability : agent.capability_list()) {
            if (!swarm::is_granted_object(capability.kind) || find(capability.kind, capability.resource) != nullptr)
                continue;
            if (m_count == max_objects)
                return Error::OutOfRange;
            Object& object = m_objects[m_count];
            object.kind = capability.kind;
            object.resource = capability.resource;
            if (capability.kind == swarm::CapabilityKind::Blackboard) {
                object.ends[0] = Handle(TRY(system::blackboard_create()));
            } else {
                auto pair = TRY(Channel::create());
                object.ends[0] = pair.first.release_handle();
                object.ends[1] = pair.second.release_handle();
            }
            ++m_count;
        }
    }
    return {};
}

Result<void> GrantedObjects::prepare(const swarm::AgentSpec& spec, ReplicaGrants& out) const
{
    out.count = 0;
    for (const swarm::Capability& capability : spec.capability_list()) {
        if (!swarm::is_granted_object(capability.kind))
            continue;
        const Object* object = find(capability.kind, capability.resource);
        if (object == nullptr)
            return Error::NotFound;
        size_t end = capability.kind == swarm::CapabilityKind::Channel ? swarm::channel_end_of(m_agents, spec, capability.resource) : 0;
        size_t i = out.count;
        out.handles[i] = TRY(object->ends[end].duplicate(rights_for(capability)));
        out.grants[i] = { .name = TRY(swarm::grant_name(capability, out.names[i])), .handle = &out.handles[i] };
        ++out.count;
    }
    return {};
}

} // namespace gehri::init
