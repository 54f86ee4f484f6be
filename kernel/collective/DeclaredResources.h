#pragma once

#include <kernel/collective/LeaseManager.h>
#include <kernel/collective/Policy.h>

// The policy's `resource` lines (docs/policy.md, "Resources") as lease manager resources.
namespace gehri::collective {

ResourceSpec resource_spec(const ResourceDeclaration&);

// Adds the policy's declared resources in file order (after whatever the caller added first).
// On an error (a name the manager already has: AlreadyExists; no free slot: OutOfMemory; an
// auction without a ledger) the diagnostic names the declaring line of `file`; resources added
// before it stay.
Result<void> add_declared_resources(LeaseManager&, const Policy&, StringView file, Diagnostic&);

} // namespace gehri::collective
