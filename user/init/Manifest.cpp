#include <user/init/Grants.h>
#include <user/init/Manifest.h>
#include <limits>

namespace gehri::swarm {

namespace {

enum class Key : uint8_t { Program, Replicas, Class, Weight, Memory, Handles, Restart, Capabilities, Count };
constexpr size_t key_count = static_cast<size_t>(Key::Count);
constexpr StringView key_names[key_count] = { "program", "replicas", "class", "weight", "memory", "handles", "restart", "capabilities" };

struct Unit {
    StringView name;
    uint64_t factor;
};
constexpr Unit memory_units[] = { { "B", 1 }, { "KiB", 1ull << 10 }, { "MiB", 1ull << 20 }, { "GiB", 1ull << 30 }, { "TiB", 1ull << 40 } };
constexpr Unit duration_units[] = { { "ms", 1 }, { "s", 1000 }, { "min", 60'000 }, { "h", 3'600'000 } };

struct RightName {
    StringView name;
    Right right;
};
struct KindRules {
    StringView name;
    CapabilityKind kind;
    RightName rights[2];
    bool wildcards; // topic patterns may hold '*' segments
};
constexpr KindRules kind_rules[] = {
    { "topic", CapabilityKind::Topic, { { "publish", Publish }, { "subscribe", Subscribe } }, true },
    { "blackboard", CapabilityKind::Blackboard, { { "read", Read }, { "write", Write } }, false },
    { "channel", CapabilityKind::Channel, { { "send", Send }, { "receive", Receive } }, false },
    { "spawn", CapabilityKind::Spawn, {}, false },
    { "display", CapabilityKind::Display, {}, false },
};

constexpr bool is_space(char c) { return c == ' ' || c == '\t'; }
constexpr bool is_digit(char c) { return c >= '0' && c <= '9'; }
constexpr bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
constexpr bool is_letter(char c) { return is_lower(c) || (c >= 'A' && c <= 'Z'); }

StringView trim(StringView text)
{
    size_t start = 0;
    size_t end = text.length();
    while (start < end && is_space(text[start]))
        ++start;
    while (end > start && is_space(text[end - 1]))
        --end;
    return text.substring(start, end - start);
}

// Splits off the first whitespace-separated word; `rest` is what follows, trimmed.
StringView first_word(StringView text, StringView& rest)
{
    text = trim(text);
    size_t end = 0;
    while (end < text.length() && !is_space(text[end]))
        ++end;
    rest = trim(text.substring(end));
    return text.substring(0, end);
}

StringView before(StringView text, size_t index) { return index == StringView::npos ? text : text.substring(0, index); }
StringView after(StringView text, size_t index) { return index == StringView::npos ? StringView() : text.substring(index + 1); }

bool is_agent_name(StringView name)
{
    if (name.is_empty() || name.length() > max_name_length || !is_lower(name[0]))
        return false;
    for (char c : name) {
        if (!is_lower(c) && !is_digit(c) && c != '_' && c != '-')
            return false;
    }
    return true;
}

// '/'-separated segments of [A-Za-z0-9_-] (plus '.' if `dots`), or a lone '*' if `wildcards`.
bool is_path(StringView path, size_t max_length, bool dots, bool wildcards)
{
    if (path.is_empty() || path.length() > max_length)
        return false;
    size_t start = 0;
    while (start <= path.length()) {
        size_t slash = path.find('/', start);
        size_t end = slash == StringView::npos ? path.length() : slash;
        auto segment = path.substring(start, end - start);
        if (segment.is_empty() || segment == "." || segment == "..")
            return false;
        if (!(wildcards && segment == "*")) {
            for (char c : segment) {
                if (!is_letter(c) && !is_digit(c) && c != '_' && c != '-' && !(dots && c == '.'))
                    return false;
            }
        }
        start = end + 1;
    }
    return true;
}

// Runs over the text once, line by line, filling the caller's storage.
class Parser {
public:
    Parser(StringView file, Span<AgentSpec> storage, Diagnostic& diagnostic)
        : m_file(file)
        , m_storage(storage)
        , m_diagnostic(diagnostic)
    {
    }

    Result<size_t> run(StringView text);

private:
    template<typename... Args>
    Error fail(Error code, StringView format_string, const Args&... args)
    {
        return fail_at(m_line, code, format_string, args...);
    }
    template<typename... Args>
    Error fail_at(size_t line, Error code, StringView format_string, const Args&... args)
    {
        return m_diagnostic.fail_at_line(code, m_file, line, format_string, args...);
    }

    Result<void> check_characters(StringView line);
    Result<void> parse_line(StringView line);
    Result<void> begin_section(StringView header);
    Result<void> finish_section();
    Result<void> set(StringView key, StringView value);
    Result<void> set(Key key, StringView value);

    Result<uint64_t> number(StringView what, StringView text);
    Result<uint64_t> ranged(StringView what, StringView text, uint64_t minimum, uint64_t maximum);
    Result<uint64_t> quantity(StringView what, StringView text, Span<const Unit> units, StringView unit_list);
    Result<void> parse_class(StringView value);
    Result<void> parse_restart(StringView value);
    Result<void> parse_capabilities(StringView value);
    Result<void> parse_capability(StringView item);
    Result<uint8_t> parse_rights(const KindRules& rules, StringView resource, StringView words);

    StringView m_file;
    Span<AgentSpec> m_storage;
    Diagnostic& m_diagnostic;
    size_t m_line { 0 };
    size_t m_count { 0 };
    AgentSpec* m_agent { nullptr };
    size_t m_key_lines[key_count] {};
};

Result<size_t> Parser::run(StringView text)
{
    size_t position = 0;
    while (position < text.length()) {
        size_t newline = text.find('\n', position);
        size_t end = newline == StringView::npos ? text.length() : newline;
        ++m_line;
        TRY(parse_line(text.substring(position, end - position)));
        position = end + 1;
    }
    TRY(finish_section());
    if (m_count == 0)
        return m_diagnostic.fail(Error::BadFormat, "{}: no agents defined (expected at least one [agent NAME] section)", m_file);
    return m_count;
}

Result<void> Parser::check_characters(StringView line)
{
    for (size_t i = 0; i < line.length(); ++i) {
        auto c = static_cast<unsigned char>(line[i]);
        bool crlf = c == '\r' && i + 1 == line.length();
        if ((c < 0x20 && c != '\t' && !crlf) || c == 0x7f)
            return fail(Error::BadFormat, "control character {:#x} in column {}", c, i + 1);
    }
    return {};
}

Result<void> Parser::parse_line(StringView line)
{
    TRY(check_characters(line));
    line = trim(before(line, line.find('#')));
    if (line.length() > 0 && line[line.length() - 1] == '\r')
        line = trim(line.substring(0, line.length() - 1));
    if (line.is_empty())
        return {};
    if (line[0] == '[')
        return begin_section(line);
    size_t equals = line.find('=');
    if (equals == StringView::npos)
        return fail(Error::BadFormat, "expected 'key = value' or '[agent NAME]', not '{}'", line);
    return set(trim(line.substring(0, equals)), trim(line.substring(equals + 1)));
}

Result<void> Parser::begin_section(StringView header)
{
    TRY(finish_section());
    if (header[header.length() - 1] != ']')
        return fail(Error::BadFormat, "section header '{}' is missing its closing ']'", header);
    StringView name;
    auto kind = first_word(header.substring(1, header.length() - 2), name);
    if (kind != "agent")
        return fail(Error::BadFormat, "unknown section '{}' (expected [agent NAME])", header);
    if (!is_agent_name(name))
        return fail(Error::BadFormat, "invalid agent name '{}' (a lowercase letter, then up to {} lowercase letters, digits, '_' or '-')", name, max_name_length - 1);
    for (size_t i = 0; i < m_count; ++i) {
        if (m_storage[i].name == name)
            return fail(Error::AlreadyExists, "duplicate agent '{}' (first defined on line {})", name, m_storage[i].line);
    }
    if (m_count == m_storage.size())
        return fail(Error::QuotaExceeded, "too many agents (at most {})", m_storage.size());
    m_agent = &m_storage[m_count++];
    *m_agent = AgentSpec {};
    m_agent->name = name;
    m_agent->line = m_line;
    for (auto& line : m_key_lines)
        line = 0;
    return {};
}

Result<void> Parser::finish_section()
{
    if (m_agent && m_agent->program.is_empty())
        return fail_at(m_agent->line, Error::BadFormat, "agent '{}' has no program (add 'program = NAME')", m_agent->name);
    return {};
}

Result<void> Parser::set(StringView key_name, StringView value)
{
    if (key_name.is_empty())
        return fail(Error::BadFormat, "missing key before '='");
    if (!m_agent)
        return fail(Error::BadFormat, "'{}' is outside an [agent NAME] section", key_name);
    for (size_t i = 0; i < key_count; ++i) {
        if (key_names[i] != key_name)
            continue;
        if (m_key_lines[i] != 0)
            return fail(Error::AlreadyExists, "duplicate key '{}' (first set on line {})", key_name, m_key_lines[i]);
        m_key_lines[i] = m_line;
        if (value.is_empty())
            return fail(Error::BadFormat, "key '{}' has no value", key_name);
        return set(static_cast<Key>(i), value);
    }
    return fail(Error::BadFormat, "unknown key '{}' (expected program, replicas, class, weight, memory, handles, restart or capabilities)", key_name);
}

Result<void> Parser::set(Key key, StringView value)
{
    switch (key) {
    case Key::Program:
        if (!is_path(value, max_program_length, true, false))
            return fail(Error::BadFormat, "program '{}' is not a valid initrd path", value);
        m_agent->program = value;
        return {};
    case Key::Replicas:
        m_agent->replicas = static_cast<uint32_t>(TRY(ranged("replicas", value, 1, max_replicas)));
        return {};
    case Key::Class:
        return parse_class(value);
    case Key::Weight:
        m_agent->weight = static_cast<uint32_t>(TRY(ranged("weight", value, 1, max_weight)));
        return {};
    case Key::Memory: {
        auto bytes = TRY(quantity("memory", value, memory_units, "B, KiB, MiB, GiB or TiB"));
        if (bytes < min_memory || bytes > max_memory)
            return fail(Error::OutOfRange, "memory must be between 4KiB and 1TiB, not {} bytes", bytes);
        m_agent->memory = bytes;
        return {};
    }
    case Key::Handles:
        m_agent->handles = static_cast<uint32_t>(TRY(ranged("handles", value, min_handles, max_handles)));
        return {};
    case Key::Restart:
        return parse_restart(value);
    case Key::Capabilities:
        return parse_capabilities(value);
    case Key::Count:
        break;
    }
    return fail(Error::BadFormat, "internal error: unhandled key");
}

Result<uint64_t> Parser::number(StringView what, StringView text)
{
    if (text.is_empty())
        return fail(Error::BadFormat, "{} needs a number", what);
    uint64_t value = 0;
    for (char c : text) {
        if (!is_digit(c))
            return fail(Error::BadFormat, "{}: '{}' is not a decimal number", what, text);
        uint64_t digit = static_cast<uint64_t>(c - '0');
        if (value > (std::numeric_limits<uint64_t>::max() - digit) / 10)
            return fail(Error::OutOfRange, "{}: value overflow in '{}'", what, text);
        value = value * 10 + digit;
    }
    return value;
}

Result<uint64_t> Parser::ranged(StringView what, StringView text, uint64_t minimum, uint64_t maximum)
{
    auto value = TRY(number(what, text));
    if (value < minimum || value > maximum)
        return fail(Error::OutOfRange, "{} must be between {} and {}, not {}", what, minimum, maximum, value);
    return value;
}

// "256KiB", "256 KiB", "10s": a decimal number and a unit from `units`.
Result<uint64_t> Parser::quantity(StringView what, StringView text, Span<const Unit> units, StringView unit_list)
{
    size_t digits = 0;
    while (digits < text.length() && is_digit(text[digits]))
        ++digits;
    if (digits == 0)
        return fail(Error::BadFormat, "{}: '{}' does not start with a number", what, text);
    auto value = TRY(number(what, text.substring(0, digits)));
    auto unit_name = trim(text.substring(digits));
    if (unit_name.is_empty())
        return fail(Error::BadFormat, "{}: '{}' needs a unit ({})", what, text, unit_list);
    for (auto& unit : units) {
        if (unit.name != unit_name)
            continue;
        if (value > std::numeric_limits<uint64_t>::max() / unit.factor)
            return fail(Error::OutOfRange, "{}: value overflow in '{}'", what, text);
        return value * unit.factor;
    }
    return fail(Error::BadFormat, "{}: unknown unit '{}' (expected {})", what, unit_name, unit_list);
}

Result<void> Parser::parse_class(StringView value)
{
    constexpr StringView names[] = { "emergency", "interactive", "normal", "batch" };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); ++i) {
        if (names[i] == value) {
            m_agent->scheduling_class = static_cast<SchedulingClass>(i);
            return {};
        }
    }
    return fail(Error::BadFormat, "unknown class '{}' (expected emergency, interactive, normal or batch)", value);
}

Result<void> Parser::parse_restart(StringView value)
{
    StringView options;
    auto strategy = first_word(value, options);
    auto& policy = m_agent->restart;
    if (strategy == "never")
        policy.strategy = RestartStrategy::Never;
    else if (strategy == "one-for-one")
        policy.strategy = RestartStrategy::OneForOne;
    else if (strategy == "one-for-all")
        policy.strategy = RestartStrategy::OneForAll;
    else
        return fail(Error::BadFormat, "unknown restart strategy '{}' (expected never, one-for-one or one-for-all)", strategy);
    if (policy.strategy == RestartStrategy::Never && !options.is_empty())
        return fail(Error::BadFormat, "restart = never takes no options, not '{}'", options);
    bool seen_max = false;
    bool seen_within = false;
    while (!options.is_empty()) {
        auto option = first_word(options, options);
        auto name = before(option, option.find('='));
        auto argument = after(option, option.find('='));
        if (name == "max" || name == "within") {
            bool& seen = name == "max" ? seen_max : seen_within;
            if (seen)
                return fail(Error::AlreadyExists, "restart option '{}' given twice", name);
            seen = true;
        }
        if (name == "max") {
            policy.max_restarts = static_cast<uint32_t>(TRY(ranged("restart max", argument, 1, max_restarts_limit)));
        } else if (name == "within") {
            auto window = TRY(quantity("restart within", argument, duration_units, "ms, s, min or h"));
            if (window < 1 || window > max_restart_window_ms)
                return fail(Error::OutOfRange, "restart within must be between 1ms and 24h, not {}ms", window);
            policy.window_ms = window;
        } else {
            return fail(Error::BadFormat, "unknown restart option '{}' (expected max=N or within=DURATION)", option);
        }
    }
    return {};
}

Result<void> Parser::parse_capabilities(StringView value)
{
    size_t start = 0;
    while (start <= value.length()) {
        size_t comma = value.find(',', start);
        size_t end = comma == StringView::npos ? value.length() : comma;
        TRY(parse_capability(trim(value.substring(start, end - start))));
        start = end + 1;
    }
    return {};
}

// One list item: "topic:fire/* publish subscribe", "blackboard:map read", "spawn".
Result<void> Parser::parse_capability(StringView item)
{
    if (item.is_empty())
        return fail(Error::BadFormat, "empty capability in the list (stray ',')");
    StringView words;
    auto head = first_word(item, words);
    size_t colon = head.find(':');
    auto kind_name = before(head, colon);
    auto resource = after(head, colon);
    const KindRules* rules = nullptr;
    for (auto& candidate : kind_rules) {
        if (candidate.name == kind_name)
            rules = &candidate;
    }
    if (!rules)
        return fail(Error::BadFormat, "unknown capability '{}' (expected topic, blackboard, channel, spawn or display)", kind_name);

    Capability capability;
    capability.kind = rules->kind;
    capability.line = m_line;
    if (rules->kind == CapabilityKind::Spawn || rules->kind == CapabilityKind::Display) {
        if (colon != StringView::npos || !words.is_empty())
            return fail(Error::BadFormat, "capability '{}' takes no resource and no rights, not '{}'", rules->name, item);
    } else {
        if (resource.is_empty())
            return fail(Error::BadFormat, "capability '{}' needs a resource: {}:NAME", head, kind_name);
        if (!is_path(resource, max_resource_length, false, rules->wildcards))
            return fail(Error::BadFormat, "invalid {} name '{}' (segments of letters, digits, '_' and '-' separated by '/'{})", kind_name, resource, rules->wildcards ? StringView(", or '*'") : StringView());
        capability.resource = resource;
        capability.rights = TRY(parse_rights(*rules, resource, words));
    }
    for (auto& earlier : m_agent->capability_list()) {
        if (earlier.kind == capability.kind && earlier.resource == capability.resource)
            return fail(Error::AlreadyExists, "capability '{}' is listed twice", head);
    }
    if (m_agent->capability_count == max_capabilities)
        return fail(Error::QuotaExceeded, "too many capabilities (at most {})", max_capabilities);
    m_agent->capabilities[m_agent->capability_count++] = capability;
    return {};
}

Result<uint8_t> Parser::parse_rights(const KindRules& rules, StringView resource, StringView words)
{
    uint8_t rights = 0;
    while (!words.is_empty()) {
        auto word = first_word(words, words);
        const RightName* match = nullptr;
        for (auto& right : rules.rights) {
            if (right.name == word)
                match = &right;
        }
        if (!match)
            return fail(Error::BadFormat, "unknown right '{}' for {} (expected {} or {})", word, rules.name, rules.rights[0].name, rules.rights[1].name);
        if (rights & match->right)
            return fail(Error::AlreadyExists, "right '{}' given twice for {}:{}", word, rules.name, resource);
        rights |= match->right;
    }
    if (rights == 0)
        return fail(Error::BadFormat, "capability {}:{} grants no rights (expected {} and/or {})", rules.name, resource, rules.rights[0].name, rules.rights[1].name);
    return rights;
}

} // namespace

Result<Manifest> Manifest::parse(StringView file_name, StringView text, Span<AgentSpec> storage, Diagnostic& diagnostic)
{
    Parser parser(file_name, storage, diagnostic);
    auto count = TRY(parser.run(text));
    Span<const AgentSpec> agents(storage.data(), count);
    TRY(check_grants(file_name, agents, diagnostic));
    return Manifest(agents);
}

const AgentSpec* Manifest::find(StringView name) const
{
    for (auto& agent : m_agents) {
        if (agent.name == name)
            return &agent;
    }
    return nullptr;
}

uint64_t Manifest::total_replicas() const
{
    uint64_t total = 0;
    for (auto& agent : m_agents)
        total += agent.replicas;
    return total;
}

StringView scheduling_class_name(SchedulingClass scheduling_class)
{
    switch (scheduling_class) {
    case SchedulingClass::Emergency: return "emergency";
    case SchedulingClass::Interactive: return "interactive";
    case SchedulingClass::Normal: return "normal";
    case SchedulingClass::Batch: return "batch";
    }
    return "?";
}

StringView restart_strategy_name(RestartStrategy strategy)
{
    switch (strategy) {
    case RestartStrategy::Never: return "never";
    case RestartStrategy::OneForOne: return "one-for-one";
    case RestartStrategy::OneForAll: return "one-for-all";
    }
    return "?";
}

StringView capability_kind_name(CapabilityKind kind)
{
    switch (kind) {
    case CapabilityKind::Topic: return "topic";
    case CapabilityKind::Blackboard: return "blackboard";
    case CapabilityKind::Channel: return "channel";
    case CapabilityKind::Spawn: return "spawn";
    case CapabilityKind::Display: return "display";
    }
    return "?";
}

} // namespace gehri::swarm
