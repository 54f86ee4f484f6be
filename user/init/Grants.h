#pragma once

#include <kernel/lib/Diagnostic.h>
#include <kernel/lib/Result.h>
#include <kernel/lib/Span.h>
#include <user/init/Manifest.h>

// The objects init grants from the manifest's blackboard: and channel: capabilities: one
// blackboard per name, shared by every agent naming it; one channel per name, joining exactly
// the two agents naming it (one end each). Each is handed over under its capability's text
// ("blackboard:map", "channel:jobs"), found with BootstrapTake (docs/manifest.md).
namespace gehri::swarm {

// As the kernel's abi::max_capability_grants and abi::max_capability_name_length.
constexpr size_t max_granted_objects = 8;
constexpr size_t max_grant_name_length = 32;

constexpr bool is_granted_object(CapabilityKind kind) { return kind == CapabilityKind::Blackboard || kind == CapabilityKind::Channel; }

// The name a granted object goes by: "KIND:RESOURCE" into `buffer`. Fails (BufferTooSmall)
// past max_grant_name_length.
Result<StringView> grant_name(const Capability& capability, char (&buffer)[max_grant_name_length]);

// Run by Manifest::parse once every section is read: each agent grants at most
// max_granted_objects objects, each grant name fits, and every channel is named by exactly two
// agents of one replica each. The Diagnostic names the line of the offending capability.
Result<void> check_grants(StringView file, Span<const AgentSpec> agents, Diagnostic& diagnostic);

// Which end of channel `resource` goes to `agent`: 0 for the first agent naming it in the
// manifest, 1 for the second.
size_t channel_end_of(Span<const AgentSpec> agents, const AgentSpec& agent, StringView resource);

} // namespace gehri::swarm
