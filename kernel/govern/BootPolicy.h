#pragma once

#include <kernel/boot/Initrd.h>
#include <kernel/collective/AuditTrail.h>
#include <kernel/collective/Policy.h>

// Which policy the swarm runs under (docs/policy.md): the boot image's etc/policy when it has
// one, else the kernel's built-in policy. A bad file is refused whole: the caller gets the
// diagnostic ("etc/policy:LINE: what is wrong"), the audit log a PolicyRejected record, and
// the swarm must not start.
namespace gehri::govern {

constexpr StringView boot_policy_path = "etc/policy";

// Kept in step with the default etc/policy (manifests/default.policy).
constexpr StringView builtin_policy = "deny any lease kernel:*   # the kernel's own resources\n"
                                      "limit proposals 4\n"
                                      "resource radio:uplink rule priority\n"
                                      "resource gpu:0 rule auction reserve 5 round 200\n";

enum class PolicyOrigin : uint8_t { BuiltIn, BootImage };

struct LoadedPolicy {
    collective::Policy policy;
    PolicyOrigin origin;
};

// Parses `file_text` as etc/policy when `present`, else the built-in policy, into the rule
// storage. The text must outlive the policy (the initrd's bytes do).
Result<LoadedPolicy> load_policy(bool present, StringView file_text, Span<collective::PolicyRule>, Span<collective::CosignRule>,
    collective::AuditTrail&, Diagnostic&);

// The same, taking etc/policy from the initrd (none, or no such file: the built-in policy).
Result<LoadedPolicy> load_boot_policy(const boot::Initrd*, Span<collective::PolicyRule>, Span<collective::CosignRule>,
    collective::AuditTrail&, Diagnostic&);

// Refuses the boot image's policy after the fact: a PolicyRejected record (file, line,
// problem) from the diagnostic, whose code is returned.
Error refuse_policy(collective::AuditTrail&, const Diagnostic&);

// Directives in force: allow/deny rules, cosign requirements, limits, pre-trusted groups and
// declared resources.
size_t directive_count(const collective::Policy&);

} // namespace gehri::govern
