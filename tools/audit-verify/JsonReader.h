#pragma once

#include <stdint.h>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// Just enough JSON for audit lines: objects, strings and integers. Strings are byte strings, as
// the kernel writes them: \u escapes up to \u00ff stand for one byte each (kernel/audit/Json.h).
// Everything else (floats, true/false/null, arrays, \u escapes above \u00ff) is refused, so an
// edited line cannot smuggle in a value the encoding has no form for.
namespace gehri::audit::json {

struct Value {
    enum class Type { Integer, String, Object };
    Type type { Type::Integer };
    bool negative { false };
    uint64_t magnitude { 0 };
    std::string text;                                 // Type::String
    std::vector<std::pair<std::string, Value>> members; // Type::Object, in input order

    const Value* member(std::string_view key) const;
};

struct ParseError {
    size_t column { 0 }; // 1-based, in the parsed text
    bool truncated { false }; // the text ended before the object did
    std::string message;
};

// Parses exactly one object, optionally surrounded by whitespace. Duplicate keys are an error.
bool parse_object(std::string_view text, Value& out, ParseError& error);

} // namespace gehri::audit::json
