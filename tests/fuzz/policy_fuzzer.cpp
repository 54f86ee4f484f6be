// libFuzzer target: Policy::parse on arbitrary text, with room for few rules so the capacity
// limits are reached too. A rejection must name the file and a line inside the text; an
// accepted policy must hold only well-formed rules and resources, and checking it must not
// misbehave.
#include <cstdio>
#include <cstdlib>
#include <kernel/collective/Policy.h>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace gehri;
    using namespace gehri::collective;
    static PolicyRule rules[8];
    static CosignRule cosigns[2];
    StringView text(reinterpret_cast<const char*>(data), size);
    Diagnostic diagnostic;
    auto policy = Policy::parse("fuzz.policy", text, rules, cosigns, diagnostic);
    size_t lines = 1;
    for (size_t i = 0; i < size; ++i)
        lines += data[i] == '\n';
    if (policy.is_error()) {
        if (!diagnostic.has_failed() || diagnostic.code() != policy.error() || diagnostic.line() == 0 || diagnostic.line() > lines
            || !diagnostic.message().starts_with("fuzz.policy:")) {
            std::fprintf(stderr, "bad rejection: line %zu of %zu: %s\n", diagnostic.line(), lines, diagnostic.c_str());
            std::abort();
        }
        return 0;
    }
    for (const auto& rule : policy.value().rules()) {
        if (rule.line == 0 || rule.line > lines || rule.pattern.is_empty() || rule.pattern.length() > Policy::max_name_length
            || rule.text.characters() < text.characters() || rule.text.end() > text.end()) {
            std::fprintf(stderr, "accepted a malformed rule on line %zu\n", rule.line);
            std::abort();
        }
        // A '*' can match a literal '*', so every pattern matches its own text.
        if (!glob_match(rule.pattern, rule.pattern)) {
            std::fprintf(stderr, "pattern on line %zu does not match itself\n", rule.line);
            std::abort();
        }
        (void)policy.value().check({ 1, rule.group }, { rule.verb, rule.pattern });
    }
    (void)policy.value().requires_cosign(text.substring(0, 64));
    // Pre-trusted group names view the text, and each is a member of its own policy.
    for (StringView group : policy.value().pretrusted_groups()) {
        if (group.is_empty() || group.characters() < text.characters() || group.end() > text.end() || !policy.value().is_pretrusted(group)) {
            std::fprintf(stderr, "accepted a malformed pre-trusted group\n");
            std::abort();
        }
    }
    // Declared resources view the text, are unique, lie on a line of it and keep their bounds.
    auto resources = policy.value().resources();
    for (size_t i = 0; i < resources.size(); ++i) {
        const auto& resource = resources[i];
        bool malformed = resource.name.is_empty() || resource.name.characters() < text.characters() || resource.name.end() > text.end()
            || resource.line == 0 || resource.line > lines || resource.max_shared == 0 || resource.max_shared > Policy::max_shared_holders
            || resource.round_length == 0 || resource.rule == ContentionRule::GroupVote;
        for (size_t j = 0; j < i; ++j)
            malformed |= resources[j].name == resource.name;
        if (malformed) {
            std::fprintf(stderr, "accepted a malformed resource on line %zu\n", resource.line);
            std::abort();
        }
    }
    return 0;
}
