#include <kernel/govern/BootPolicy.h>

namespace gehri::govern {

using namespace collective;

namespace {

// The diagnostic without its "FILE:LINE: " prefix, which the record carries as fields.
StringView problem_of(const Diagnostic& diagnostic)
{
    StringView message = diagnostic.message();
    if (!message.starts_with(boot_policy_path))
        return message;
    size_t colon = message.find(':', boot_policy_path.length() + 1);
    if (colon == StringView::npos || colon + 2 > message.length())
        return message;
    return message.substring(colon + 2);
}

} // namespace

Error refuse_policy(AuditTrail& trail, const Diagnostic& diagnostic)
{
    trail.record(audit::RecordKind::PolicyRejected, kernel_agent, {
        audit::Field::string("file", boot_policy_path),
        audit::Field::integer("line", diagnostic.line()),
        audit::Field::string("problem", problem_of(diagnostic)),
    });
    return diagnostic.code();
}

Result<LoadedPolicy> load_policy(bool present, StringView file_text, Span<PolicyRule> rules, Span<CosignRule> cosigns,
    AuditTrail& trail, Diagnostic& diagnostic)
{
    if (!present)
        return LoadedPolicy { TRY(Policy::parse("built-in policy", builtin_policy, rules, cosigns, diagnostic)), PolicyOrigin::BuiltIn };
    auto parsed = Policy::parse(boot_policy_path, file_text, rules, cosigns, diagnostic);
    if (parsed.is_error())
        return refuse_policy(trail, diagnostic);
    return LoadedPolicy { parsed.release_value(), PolicyOrigin::BootImage };
}

Result<LoadedPolicy> load_boot_policy(const boot::Initrd* initrd, Span<PolicyRule> rules, Span<CosignRule> cosigns,
    AuditTrail& trail, Diagnostic& diagnostic)
{
    if (initrd == nullptr)
        return load_policy(false, {}, rules, cosigns, trail, diagnostic);
    auto file = initrd->file(boot_policy_path);
    if (file.is_error() && file.error() == Error::NotFound)
        return load_policy(false, {}, rules, cosigns, trail, diagnostic);
    if (file.is_error()) {
        diagnostic.fail(file.error(), "{}: not a regular file", boot_policy_path);
        return refuse_policy(trail, diagnostic);
    }
    StringView text(reinterpret_cast<const char*>(file.value().data()), file.value().size());
    return load_policy(true, text, rules, cosigns, trail, diagnostic);
}

size_t directive_count(const Policy& policy)
{
    size_t count = policy.rules().size() + policy.cosign_rules().size();
    count += policy.credit_limit().amount != 0 ? 1 : 0;
    count += policy.proposal_limit() != 0 ? 1 : 0;
    count += policy.pretrusted_groups().size();
    count += policy.resources().size();
    return count;
}

} // namespace gehri::govern
