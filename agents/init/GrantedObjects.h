#pragma once

#include <user/init/Grants.h>
#include <user/libgehri/Gehri.h>

// The blackboards and channels init makes for the manifest's blackboard: and channel:
// capabilities (user/init/Grants.h), and the handles each replica gets to them.
namespace gehri::init {

// What one replica is granted: handles (duplicates of init's, with the capability's rights),
// each under its capability's name, ready for SpawnOptions::grants.
struct ReplicaGrants {
    Handle handles[swarm::max_granted_objects];
    char names[swarm::max_granted_objects][swarm::max_grant_name_length];
    SpawnGrant grants[swarm::max_granted_objects];
    size_t count { 0 };

    Span<const SpawnGrant> list() const { return { grants, count }; }
};

class GrantedObjects {
public:
    // One board per blackboard name, one channel per channel name, kept for restarts.
    Result<void> create(Span<const swarm::AgentSpec> agents);
    // The grants of a replica of `spec`.
    Result<void> prepare(const swarm::AgentSpec& spec, ReplicaGrants& out) const;

private:
    static constexpr size_t max_objects = 128;

    struct Object {
        swarm::CapabilityKind kind { swarm::CapabilityKind::Blackboard };
        StringView resource;
        Handle ends[2]; // a board: ends[0] only
    };

    const Object* find(swarm::CapabilityKind kind, StringView resource) const;

    Span<const swarm::AgentSpec> m_agents;
    Object m_objects[max_objects];
    size_t m_count { 0 };
};

} // namespace gehri::init
