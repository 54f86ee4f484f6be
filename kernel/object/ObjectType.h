#pragma once

#include <kernel/lib/StringView.h>
#include <stdint.h>

namespace gehri::object {

// The kinds of kernel object a handle can name. The values are ABI (an agent may ask what a
// handle is), so new kinds are added at the end.
enum class ObjectType : uint8_t {
    Agent = 1,
    Thread = 2,
};

constexpr StringView name_of(ObjectType type)
{
    switch (type) {
    case ObjectType::Agent: return "agent";
    case ObjectType::Thread: return "thread";
    }
    return "unknown";
}

} // namespace gehri::object
