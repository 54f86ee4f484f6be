// libFuzzer target: Manifest::parse on arbitrary text, with room for few agents so the
// capacity limit is reached too. Errors must name the file and a line inside the text.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <tests/host/support/ParserInvariants.h>
#include <user/init/Manifest.h>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace gehri;
    constexpr size_t capacity = 8;
    static swarm::AgentSpec storage[capacity];
    StringView text(reinterpret_cast<const char*>(data), size);
    Diagnostic diagnostic;
    auto manifest = swarm::Manifest::parse("fuzz.manifest", text, storage, diagnostic);
    if (manifest.is_error()) {
        size_t lines = 1;
        for (size_t i = 0; i < size; ++i)
            lines += data[i] == '\n';
        auto message = diagnostic.message();
        if (!diagnostic.has_failed() || diagnostic.code() != manifest.error() || diagnostic.line() > lines
            || !message.starts_with("fuzz.manifest:") || message.length() <= std::strlen("fuzz.manifest: ")) {
            std::fprintf(stderr, "bad rejection: line %zu of %zu: %s\n", diagnostic.line(), lines, diagnostic.c_str());
            std::abort();
        }
        return 0;
    }
    if (auto broken = invariants::check_manifest(manifest.value(), text, capacity)) {
        std::fprintf(stderr, "accepted a manifest that breaks an invariant: %s\n", broken);
        std::abort();
    }
    return 0;
}
