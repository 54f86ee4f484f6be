// libFuzzer target: Initrd::create on arbitrary bytes, then every iteration and lookup.
#include <cstdio>
#include <cstdlib>
#include <kernel/boot/Initrd.h>
#include <tests/host/support/ParserInvariants.h>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace gehri;
    ReadonlyBytes archive(data, size);
    Diagnostic diagnostic;
    auto initrd = boot::Initrd::create(archive, diagnostic);
    if (initrd.is_error()) {
        if (!diagnostic.has_failed() || diagnostic.message().is_empty() || diagnostic.code() != initrd.error()) {
            std::fprintf(stderr, "rejected without a reason\n");
            std::abort();
        }
        return 0;
    }
    if (auto broken = invariants::check_initrd(initrd.value(), archive)) {
        std::fprintf(stderr, "accepted an archive that breaks an invariant: %s\n", broken);
        std::abort();
    }
    return 0;
}
