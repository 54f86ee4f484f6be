#include <kernel/collective/Policy.h>

namespace gehri::collective {

namespace {

constexpr size_t max_words = 10; // resource NAME rule RULE shared N reserve N round MS
constexpr size_t max_group_length = 32; // the manifest's agent-name limit

struct Verb {
    StringView name;
    PolicyVerb verb;
};
constexpr Verb verbs[] = { { "lease", PolicyVerb::Lease }, { "propose", PolicyVerb::Propose }, { "bid", PolicyVerb::Bid }, { "vote", PolicyVerb::Vote } };

struct Unit {
    StringView name;
    Nanoseconds length;
};
constexpr Unit units[] = { { "second", nanoseconds_per_second }, { "minute", 60 * nanoseconds_per_second }, { "hour", 3600 * nanoseconds_per_second } };

struct Rule {
    StringView name;
    ContentionRule rule;
};
// GroupVote is not declarable yet: its electorate would be a group's living members.
constexpr Rule rules[] = { { "first-come", ContentionRule::FirstCome }, { "priority", ContentionRule::Priority }, { "auction", ContentionRule::Auction } };

constexpr bool is_space(char c) { return c == ' ' || c == '\t'; }
constexpr bool is_digit(char c) { return c >= '0' && c <= '9'; }
constexpr bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
constexpr bool is_alnum(char c) { return is_lower(c) || is_digit(c) || (c >= 'A' && c <= 'Z'); }

bool is_group_name(StringView name)
{
    if (name.is_empty() || name.length() > max_group_length || !is_lower(name[0]))
        return false;
    for (char c : name) {
        if (!is_lower(c) && !is_digit(c) && c != '_' && c != '-')
            return false;
    }
    return true;
}

bool is_pattern(StringView pattern)
{
    if (pattern.is_empty() || pattern.length() > Policy::max_name_length)
        return false;
    for (char c : pattern) {
        if (!is_alnum(c) && c != '_' && c != '-' && c != ':' && c != '.' && c != '/' && c != '*')
            return false;
    }
    return true;
}

// A pattern without '*': the name of one resource.
bool is_resource_name(StringView name) { return is_pattern(name) && name.find('*') == StringView::npos; }

} // namespace

// One pass over the text, line by line, into the caller's storage.
class PolicyParser {
public:
    PolicyParser(StringView file, Span<PolicyRule> rules, Span<CosignRule> cosigns, Diagnostic& diagnostic)
        : m_file(file)
        , m_rules(rules)
        , m_cosigns(cosigns)
        , m_diagnostic(diagnostic)
    {
    }

    Result<Policy> run(StringView text);

private:
    template<typename... Args>
    Error fail(StringView format_string, const Args&... args)
    {
        return m_diagnostic.fail_at_line(Error::BadFormat, m_file, m_line, format_string, args...);
    }

    Result<void> parse_line(StringView line);
    Result<void> parse_rule(bool allow);
    Result<void> parse_limit();
    Result<void> parse_require();
    Result<void> parse_pretrust();
    Result<void> parse_resource();
    Result<void> parse_resource_option(ResourceDeclaration&, StringView option, StringView value, uint8_t& seen);
    Result<uint64_t> number(StringView text, StringView what);
    Result<void> expect_words(size_t count, StringView usage);

    StringView m_file;
    Span<PolicyRule> m_rules;
    Span<CosignRule> m_cosigns;
    Diagnostic& m_diagnostic;
    Policy m_policy;
    size_t m_rule_count { 0 };
    size_t m_cosign_count { 0 };
    size_t m_line { 0 };
    StringView m_text; // the current line, comment stripped
    StringView m_words[max_words];
    size_t m_word_count { 0 };
    size_t m_credit_line { 0 };
    size_t m_proposal_line { 0 };
};

Result<Policy> Policy::parse(StringView file_name, StringView text, Span<PolicyRule> rules, Span<CosignRule> cosigns, Diagnostic& diagnostic)
{
    PolicyParser parser(file_name, rules, cosigns, diagnostic);
    return parser.run(text);
}

Result<Policy> PolicyParser::run(StringView text)
{
    size_t position = 0;
    while (position < text.length()) {
        size_t newline = text.find('\n', position);
        size_t end = newline == StringView::npos ? text.length() : newline;
        ++m_line;
        TRY(parse_line(text.substring(position, end - position)));
        position = end + 1;
    }
    m_policy.m_rules = { m_rules.data(), m_rule_count };
    m_policy.m_cosigns = { m_cosigns.data(), m_cosign_count };
    return m_policy;
}

Result<void> PolicyParser::parse_line(StringView line)
{
    if (line.length() > 0 && line[line.length() - 1] == '\r')
        line = line.substring(0, line.length() - 1);
    if (line.length() > Policy::max_line_length)
        return fail("line is longer than {} characters", Policy::max_line_length);
    for (size_t i = 0; i < line.length(); ++i) {
        auto c = static_cast<unsigned char>(line[i]);
        if ((c < 0x20 && c != '\t') || c >= 0x7f)
            return fail("character {:#x} in column {} (only printable ASCII is allowed)", c, i + 1);
    }
    size_t hash = line.find('#');
    if (hash != StringView::npos)
        line = line.substring(0, hash);
    m_word_count = 0;
    size_t i = 0;
    while (i < line.length()) {
        while (i < line.length() && is_space(line[i]))
            ++i;
        size_t start = i;
        while (i < line.length() && !is_space(line[i]))
            ++i;
        if (i == start)
            break;
        if (m_word_count == max_words)
            return fail("too many words (no directive takes more than {})", max_words - 1);
        m_words[m_word_count++] = line.substring(start, i - start);
    }
    if (m_word_count == 0)
        return {};
    size_t begin = static_cast<size_t>(m_words[0].characters() - line.characters());
    size_t end = static_cast<size_t>(m_words[m_word_count - 1].end() - line.characters());
    m_text = line.substring(begin, end - begin);
    StringView directive = m_words[0];
    if (directive == "deny" || directive == "allow")
        return parse_rule(directive == "allow");
    if (directive == "limit")
        return parse_limit();
    if (directive == "require")
        return parse_require();
    if (directive == "pretrust")
        return parse_pretrust();
    if (directive == "resource")
        return parse_resource();
    return fail("unknown directive '{}' (expected deny, allow, limit, require, pretrust or resource)", directive);
}

Result<void> PolicyParser::expect_words(size_t count, StringView usage)
{
    if (m_word_count != count)
        return fail("expected '{}'", usage);
    return {};
}

Result<void> PolicyParser::parse_rule(bool allow)
{
    constexpr StringView usage = "deny|allow any|group NAME lease|propose|bid|vote PATTERN";
    PolicyRule rule;
    rule.allow = allow;
    size_t next = 1;
    if (m_word_count > 1 && m_words[1] == "group") {
        TRY(expect_words(5, usage));
        if (!is_group_name(m_words[2]))
            return fail("bad group name '{}' (1-{} of a-z 0-9 _ -, starting with a letter)", m_words[2], max_group_length);
        rule.any_agent = false;
        rule.group = m_words[2];
        next = 3;
    } else if (m_word_count > 1 && m_words[1] == "any") {
        TRY(expect_words(4, usage));
        next = 2;
    } else {
        return fail("expected 'any' or 'group NAME' after '{}'", m_words[0]);
    }
    bool known = false;
    for (const auto& verb : verbs) {
        if (verb.name == m_words[next]) {
            rule.verb = verb.verb;
            known = true;
        }
    }
    if (!known)
        return fail("unknown action '{}' (expected lease, propose, bid or vote)", m_words[next]);
    if (!is_pattern(m_words[next + 1]))
        return fail("bad pattern '{}' (1-{} of A-Z a-z 0-9 _ - : . / *)", m_words[next + 1], Policy::max_name_length);
    rule.pattern = m_words[next + 1];
    rule.line = m_line;
    rule.text = m_text;
    if (m_rule_count == m_rules.size())
        return m_diagnostic.fail_at_line(Error::OutOfMemory, m_file, m_line, "more than {} rules", m_rules.size());
    m_rules[m_rule_count++] = rule;
    return {};
}

Result<uint64_t> PolicyParser::number(StringView text, StringView what)
{
    uint64_t value = 0;
    if (text.is_empty() || text.length() > 12)
        return fail("bad {} '{}' (expected 1 to 999999999999)", what, text);
    for (char c : text) {
        if (!is_digit(c))
            return fail("bad {} '{}' (expected 1 to 999999999999)", what, text);
        value = value * 10 + static_cast<uint64_t>(c - '0');
    }
    if (value == 0)
        return fail("{} must be at least 1 (to forbid, use a deny rule)", what);
    return value;
}

Result<void> PolicyParser::parse_limit()
{
    if (m_word_count > 1 && m_words[1] == "credits") {
        TRY(expect_words(5, "limit credits N per second|minute|hour"));
        if (m_credit_line)
            return fail("credits are already limited on line {}", m_credit_line);
        uint64_t amount = TRY(number(m_words[2], "credit limit"));
        if (m_words[3] != "per")
            return fail("expected 'per' after the amount, not '{}'", m_words[3]);
        for (const auto& unit : units) {
            if (unit.name == m_words[4]) {
                m_policy.m_credit_limit = { amount, unit.length };
                m_credit_line = m_line;
                return {};
            }
        }
        return fail("unknown period '{}' (expected second, minute or hour)", m_words[4]);
    }
    if (m_word_count > 1 && m_words[1] == "proposals") {
        TRY(expect_words(3, "limit proposals N"));
        if (m_proposal_line)
            return fail("proposals are already limited on line {}", m_proposal_line);
        uint64_t count = TRY(number(m_words[2], "proposal limit"));
        if (count > 1000)
            return fail("proposal limit {} is above 1000", count);
        m_policy.m_proposal_limit = static_cast<uint32_t>(count);
        m_proposal_line = m_line;
        return {};
    }
    return fail("expected 'limit credits ...' or 'limit proposals ...'");
}

Result<void> PolicyParser::parse_pretrust()
{
    TRY(expect_words(3, "pretrust group NAME"));
    if (m_words[1] != "group")
        return fail("expected 'pretrust group NAME'");
    StringView group = m_words[2];
    if (!is_group_name(group))
        return fail("bad group name '{}' (1-{} of a-z 0-9 _ -, starting with a letter)", group, max_group_length);
    if (m_policy.is_pretrusted(group))
        return fail("group '{}' is already pre-trusted", group);
    if (m_policy.m_pretrusted_count == Policy::max_pretrusted_groups)
        return fail("more than {} pre-trusted groups", Policy::max_pretrusted_groups);
    m_policy.m_pretrusted[m_policy.m_pretrusted_count++] = group;
    return {};
}

Result<void> PolicyParser::parse_resource()
{
    constexpr StringView usage = "resource NAME rule first-come|priority|auction [shared N] [reserve N] [round MS]";
    if (m_word_count < 4 || m_word_count % 2 != 0 || m_words[2] != "rule")
        return fail("expected '{}'", usage);
    ResourceDeclaration resource;
    resource.name = m_words[1];
    if (!is_resource_name(resource.name))
        return fail("bad resource name '{}' (1-{} of A-Z a-z 0-9 _ - : . /)", resource.name, Policy::max_name_length);
    for (const auto& declared : m_policy.resources()) {
        if (declared.name == resource.name)
            return fail("resource '{}' is already declared on line {}", resource.name, declared.line);
    }
    bool known = false;
    for (const auto& rule : rules) {
        if (rule.name == m_words[3]) {
            resource.rule = rule.rule;
            known = true;
        }
    }
    if (!known)
        return fail("unknown rule '{}' (expected first-come, priority or auction)", m_words[3]);
    uint8_t seen = 0;
    for (size_t i = 4; i < m_word_count; i += 2)
        TRY(parse_resource_option(resource, m_words[i], m_words[i + 1], seen));
    if (m_policy.m_resource_count == Policy::max_resources)
        return fail("more than {} resources", Policy::max_resources);
    resource.line = m_line;
    m_policy.m_resources[m_policy.m_resource_count++] = resource;
    return {};
}

// `seen` has a bit per option, each allowed once.
Result<void> PolicyParser::parse_resource_option(ResourceDeclaration& resource, StringView option, StringView value, uint8_t& seen)
{
    constexpr StringView options[] = { "shared", "reserve", "round" };
    size_t which = 0;
    while (which < 3 && options[which] != option)
        ++which;
    if (which == 3)
        return fail("unknown resource option '{}' (expected shared, reserve or round)", option);
    if (seen & (1u << which))
        return fail("'{}' is given twice", option);
    seen |= static_cast<uint8_t>(1u << which);
    if (which > 0 && resource.rule != ContentionRule::Auction)
        return fail("'{}' applies only to rule auction", option);
    uint64_t amount = TRY(number(value, option));
    if (which == 0) {
        if (amount < 2 || amount > Policy::max_shared_holders)
            return fail("shared {} is not 2 to {} (leave it out for an exclusive resource)", amount, Policy::max_shared_holders);
        resource.max_shared = static_cast<uint32_t>(amount);
    } else if (which == 1) {
        resource.reserve_price = amount;
    } else {
        if (amount > Policy::max_round_ms)
            return fail("round {} ms is above {}", amount, Policy::max_round_ms);
        resource.round_length = amount * (nanoseconds_per_second / 1000);
    }
    return {};
}

Result<void> PolicyParser::parse_require()
{
    TRY(expect_words(4, "require cosign proposal kind=PATTERN"));
    if (m_words[1] != "cosign" || m_words[2] != "proposal")
        return fail("expected 'require cosign proposal kind=PATTERN'");
    StringView kind = m_words[3];
    if (!kind.starts_with("kind="))
        return fail("expected 'kind=PATTERN', not '{}'", kind);
    kind = kind.substring(5);
    if (!is_pattern(kind))
        return fail("bad pattern '{}' (1-{} of A-Z a-z 0-9 _ - : . / *)", kind, Policy::max_name_length);
    if (m_cosign_count == m_cosigns.size())
        return m_diagnostic.fail_at_line(Error::OutOfMemory, m_file, m_line, "more than {} co-sign rules", m_cosigns.size());
    m_cosigns[m_cosign_count++] = { kind, m_line };
    return {};
}

} // namespace gehri::collective
