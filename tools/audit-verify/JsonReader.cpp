#include <tools/audit-verify/JsonReader.h>

namespace gehri::audit::json {

namespace {

constexpr size_t max_depth = 4;

class Parser {
public:
    Parser(std::string_view text, ParseError& error)
        : m_text(text)
        , m_error(error)
    {
    }

    bool parse_document(Value& out)
    {
        skip_whitespace();
        if (!expect('{', "expected '{' to begin the record") || !parse_object_body(out, 1))
            return false;
        skip_whitespace();
        if (m_position != m_text.size())
            return fail("unexpected text after the end of the object");
        return true;
    }

private:
    bool at_end() const { return m_position >= m_text.size(); }
    char peek() const { return m_text[m_position]; }

    bool fail(std::string message)
    {
        m_error.column = m_position + 1;
        m_error.truncated = at_end();
        m_error.message = at_end() ? "the line ends in the middle of the record" : std::move(message);
        return false;
    }

    void skip_whitespace()
    {
        while (!at_end() && (peek() == ' ' || peek() == '\t' || peek() == '\r' || peek() == '\n'))
            ++m_position;
    }

    bool expect(char wanted, const char* message)
    {
        skip_whitespace();
        if (at_end() || peek() != wanted)
            return fail(message);
        ++m_position;
        return true;
    }

    bool parse_object_body(Value& out, size_t depth)
    {
        out.type = Value::Type::Object;
        skip_whitespace();
        if (!at_end() && peek() == '}') {
            ++m_position;
            return true;
        }
        while (true) {
            std::string key;
            skip_whitespace();
            if (at_end() || peek() != '"')
                return fail("expected a quoted key");
            size_t key_position = m_position;
            if (!parse_string(key))
                return false;
            if (out.member(key)) {
                m_position = key_position;
                return fail("duplicate key \"" + key + "\"");
            }
            if (!expect(':', "expected ':' after the key"))
                return false;
            Value value;
            if (!parse_value(value, depth))
                return false;
            out.members.emplace_back(std::move(key), std::move(value));
            skip_whitespace();
            if (at_end())
                return fail("");
            char next = m_text[m_position++];
            if (next == '}')
                return true;
            if (next != ',') {
                --m_position;
                return fail("expected ',' or '}' after a value");
            }
        }
    }

    bool parse_value(Value& out, size_t depth)
    {
        skip_whitespace();
        if (at_end())
            return fail("");
        char c = peek();
        if (c == '"') {
            out.type = Value::Type::String;
            return parse_string(out.text);
        }
        if (c == '{') {
            if (depth >= max_depth)
                return fail("objects nested too deeply");
            ++m_position;
            return parse_object_body(out, depth + 1);
        }
        if (c == '-' || (c >= '0' && c <= '9'))
            return parse_integer(out);
        return fail("unsupported value: audit fields are integers or strings");
    }

    bool parse_integer(Value& out)
    {
        out.type = Value::Type::Integer;
        if (peek() == '-') {
            out.negative = true;
            ++m_position;
        }
        if (at_end())
            return fail("");
        if (peek() < '0' || peek() > '9')
            return fail("expected a digit");
        if (peek() == '0' && m_position + 1 < m_text.size() && m_text[m_position + 1] >= '0' && m_text[m_position + 1] <= '9')
            return fail("a number with a leading zero");
        uint64_t value = 0;
        while (!at_end() && peek() >= '0' && peek() <= '9') {
            unsigned digit = peek() - '0';
            if (value > (UINT64_MAX - digit) / 10)
                return fail("integer out of range");
            value = value * 10 + digit;
            ++m_position;
        }
        if (!at_end() && (peek() == '.' || peek() == 'e' || peek() == 'E'))
            return fail("not an integer: audit numbers have no fraction or exponent");
        out.magnitude = value;
        return true;
    }

    static int hex_digit(char c)
    {
        if (c >= '0' && c <= '9')
            return c - '0';
        if (c >= 'a' && c <= 'f')
            return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
            return c - 'A' + 10;
        return -1;
    }

    bool parse_escape(std::string& out)
    {
        if (at_end())
            return fail("");
        char c = m_text[m_position++];
        switch (c) {
        case '"': out += '"'; return true;
        case '\\': out += '\\'; return true;
        case '/': out += '/'; return true;
        case 'b': out += '\b'; return true;
        case 'f': out += '\f'; return true;
        case 'n': out += '\n'; return true;
        case 'r': out += '\r'; return true;
        case 't': out += '\t'; return true;
        case 'u': break;
        default:
            --m_position;
            return fail("unknown escape");
        }
        unsigned value = 0;
        for (int i = 0; i < 4; ++i) {
            if (at_end())
                return fail("");
            int digit = hex_digit(peek());
            if (digit < 0)
                return fail("bad \\u escape");
            value = value * 16 + digit;
            ++m_position;
        }
        if (value > 0xff)
            return fail("\\u escape above \\u00ff: audit strings are bytes");
        out += static_cast<char>(value);
        return true;
    }

    bool parse_string(std::string& out)
    {
        ++m_position; // the opening quote
        while (true) {
            if (at_end())
                return fail("");
            char c = m_text[m_position++];
            if (c == '"')
                return true;
            if (c == '\\') {
                if (!parse_escape(out))
                    return false;
                continue;
            }
            if (static_cast<unsigned char>(c) < 0x20) {
                --m_position;
                return fail("raw control character in a string");
            }
            out += c;
        }
    }

    std::string_view m_text;
    ParseError& m_error;
    size_t m_position { 0 };
};

} // namespace

const Value* Value::member(std::string_view key) const
{
    for (const auto& [name, value] : members) {
        if (name == key)
            return &value;
    }
    return nullptr;
}

bool parse_object(std::string_view text, Value& out, ParseError& error)
{
    out = Value {};
    Parser parser(text, error);
    return parser.parse_document(out);
}

} // namespace gehri::audit::json
