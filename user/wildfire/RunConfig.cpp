#include <user/wildfire/RunConfig.h>

namespace gehri::wildfire {

namespace {

Result<uint64_t> decimal(StringView text)
{
    if (text.is_empty() || text.length() > 20)
        return Error::BadFormat;
    uint64_t value = 0;
    for (char c : text) {
        if (c < '0' || c > '9')
            return Error::BadFormat;
        uint64_t digit = static_cast<uint64_t>(c - '0');
        if (value > (UINT64_MAX - digit) / 10)
            return Error::OutOfRange;
        value = value * 10 + digit;
    }
    return value;
}

class Parser {
public:
    Parser(StringView file_name, Diagnostic& diagnostic)
        : m_file_name(file_name)
        , m_diagnostic(diagnostic)
    {
    }

    Result<void> line(StringView text, size_t number)
    {
        m_line = number;
        size_t hash = text.find('#');
        if (hash != StringView::npos)
            text = text.substring(0, hash);
        text = text.trimmed();
        if (text.is_empty())
            return {};
        size_t equals = text.find('=');
        if (equals == StringView::npos)
            return fail(Error::BadFormat, "expected 'key = value', not '{}'", text);
        StringView key = text.substring(0, equals).trimmed();
        StringView value = text.substring(equals + 1).trimmed();
        if (value.is_empty())
            return fail(Error::BadFormat, "key '{}' has no value", key);
        return set(key, value);
    }

    Result<void> finish()
    {
        m_config.rogues_given = m_rogues_line != 0;
        if (m_config.largest_swarm)
            m_config.scenario.drones = max_drone_agents; // until the runner fits it to its memory
        if (m_rogues_line == 0)
            m_config.scenario.rogues = m_config.scenario.drones / 100; // one in a hundred lies
        if (m_config.scenario.rogues > m_config.scenario.drones)
            return m_diagnostic.fail_at_line(Error::OutOfRange, m_file_name, m_rogues_line, "rogues ({}) cannot outnumber drones ({})", m_config.scenario.rogues, m_config.scenario.drones);
        return {};
    }

    const RunConfig& config() const { return m_config; }

private:
    template<typename... Args>
    Error fail(Error code, StringView format_string, const Args&... args)
    {
        return m_diagnostic.fail_at_line(code, m_file_name, m_line, format_string, args...);
    }

    Result<uint64_t> ranged(StringView key, StringView value, uint64_t low, uint64_t high)
    {
        auto number = decimal(value);
        if (number.is_error())
            return fail(number.error(), "{}: '{}' is not a decimal number", key, value);
        if (number.value() < low || number.value() > high)
            return fail(Error::OutOfRange, "{} must be between {} and {}, not {}", key, low, high, number.value());
        return number.value();
    }

    Result<void> set(StringView key, StringView value)
    {
        ScenarioConfig& scenario = m_config.scenario;
        if (key == "drones") {
            m_config.largest_swarm = value == "max";
            if (!m_config.largest_swarm)
                scenario.drones = static_cast<uint32_t>(TRY(ranged(key, value, 1, max_drone_agents)));
        } else if (key == "rogues") {
            scenario.rogues = static_cast<uint32_t>(TRY(ranged(key, value, 0, max_drone_agents)));
            m_rogues_line = m_line;
        } else if (key == "seed") {
            scenario.world.seed = TRY(ranged(key, value, 0, UINT64_MAX));
        } else if (key == "ticks") {
            scenario.ticks = TRY(ranged(key, value, 1, 1'000'000));
        } else if (key == "summary") {
            m_config.summary_every = static_cast<uint32_t>(TRY(ranged(key, value, 0, 1'000'000)));
        } else if (key == "view") {
            if (value == "live")
                m_config.view = ViewMode::Live;
            else if (value == "headless")
                m_config.view = ViewMode::Headless;
            else
                return fail(Error::BadFormat, "view must be live or headless, not '{}'", value);
        } else if (key == "trace") {
            if (value == "on")
                m_config.trace = true;
            else if (value == "off")
                m_config.trace = false;
            else
                return fail(Error::BadFormat, "trace must be on or off, not '{}'", value);
        } else {
            return fail(Error::BadFormat, "unknown key '{}' (expected drones, rogues, seed, ticks, summary, view or trace)", key);
        }
        return {};
    }

    StringView m_file_name;
    Diagnostic& m_diagnostic;
    RunConfig m_config {};
    size_t m_line { 0 };
    size_t m_rogues_line { 0 };
};

} // namespace

Result<RunConfig> parse_run_config(StringView file_name, StringView text, Diagnostic& diagnostic)
{
    Parser parser(file_name, diagnostic);
    size_t start = 0;
    size_t number = 1;
    while (start <= text.length()) {
        size_t end = text.find('\n', start);
        if (end == StringView::npos)
            end = text.length();
        TRY(parser.line(text.substring(start, end - start), number));
        start = end + 1;
        ++number;
    }
    TRY(parser.finish());
    return parser.config();
}

Result<void> RunConfig::fit_to(uint32_t drones)
{
    if (drones == 0 || drones > max_drone_agents)
        return Error::OutOfRange;
    if (rogues_given && scenario.rogues > drones)
        return Error::OutOfRange;
    scenario.drones = drones;
    if (!rogues_given)
        scenario.rogues = drones / 100;
    return {};
}

} // namespace gehri::wildfire
