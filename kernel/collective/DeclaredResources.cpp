#include <kernel/collective/DeclaredResources.h>

namespace gehri::collective {

ResourceSpec resource_spec(const ResourceDeclaration& declared)
{
    ResourceSpec spec;
    spec.name = declared.name;
    spec.rule = declared.rule;
    spec.max_shared = declared.max_shared;
    spec.reserve_price = declared.reserve_price;
    spec.round_length = declared.round_length;
    return spec;
}

Result<void> add_declared_resources(LeaseManager& leases, const Policy& policy, StringView file, Diagnostic& diagnostic)
{
    for (const auto& declared : policy.resources()) {
        auto added = leases.add_resource(resource_spec(declared));
        if (added.is_error())
            return diagnostic.fail_at_line(added.error(), file, declared.line, "resource '{}' cannot be added ({})", declared.name, error_name(added.error()));
    }
    return {};
}

} // namespace gehri::collective
