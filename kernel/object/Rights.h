#pragma once

#include <stdint.h>

// Shared by the kernel and libgehri: a handle's rights are ABI.
namespace gehri {

// What a handle allows its holder to do with the object. A right can only ever be dropped:
// duplicating a handle gives the same rights or fewer, never more.
enum class Rights : uint32_t {
    None = 0,
    Read = 1u << 0, // query the object's state
    Write = 1u << 1, // change the object's state
    Duplicate = 1u << 2, // make another handle to the same object
    Transfer = 1u << 3, // give the handle to another agent
    Spawn = 1u << 4, // (agent) start agents or threads in it
    Wait = 1u << 5, // wait for the object's exit or signals
    Signal = 1u << 6, // raise the object's signals
    Kill = 1u << 7, // (agent, thread) end it
    // Bits 8..15: IPC (kernel/object/IpcObjects.h).
    Publish = 1u << 8, // (topic namespace) make publishers
    Subscribe = 1u << 9, // (topic namespace) make subscriptions
    Map = 1u << 10, // (memory object) map it into the address space (read-only without Write)
    // Bits 16..23: taking part in the collective services (docs/collective.md), held on an
    // agent's handle to itself.
    Govern = 1u << 16, // (agent) open proposals and auctions
    Vote = 1u << 17, // (agent) vote on proposals
    Bid = 1u << 18, // (agent) bid in auctions
    Lease = 1u << 19, // (agent) acquire, renew and release leases
    Rate = 1u << 20, // (agent) report feedback on other agents
    Display = 1u << 21, // (agent) take the screen (DisplayAcquire; docs/display.md)
    // (agent) quarantine it and lift that quarantine (AgentQuarantine): held on a child's handle
    // by its parent (abi::spawned_agent_rights). Not Kill: cutting an agent off while it keeps
    // running is a milder power a supervisor may hand a monitor without the power to end it.
    Quarantine = 1u << 22,
    All = (1u << 24) - 1,
};

constexpr Rights operator|(Rights a, Rights b) { return Rights(uint32_t(a) | uint32_t(b)); }
constexpr Rights operator&(Rights a, Rights b) { return Rights(uint32_t(a) & uint32_t(b)); }
constexpr Rights operator~(Rights a) { return Rights(~uint32_t(a) & uint32_t(Rights::All)); }
constexpr Rights& operator|=(Rights& a, Rights b) { return a = a | b; }

// Whether `held` includes every right in `required`.
constexpr bool has_rights(Rights held, Rights required) { return (held & required) == required; }
// Whether the bits name only rights that exist (a value from outside the kernel may not).
constexpr bool are_valid_rights(uint64_t bits) { return (bits & ~uint64_t(Rights::All)) == 0; }

} // namespace gehri
