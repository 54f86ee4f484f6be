// libFuzzer target: ElfImage::parse on arbitrary bytes. A rejection must explain itself; an
// acceptance must satisfy every invariant the loader will rely on (checked independently).
#include <cstdio>
#include <cstdlib>
#include <kernel/loader/Elf64.h>
#include <tests/host/support/ParserInvariants.h>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace gehri;
    ReadonlyBytes file(data, size);
    Diagnostic diagnostic;
    auto image = loader::ElfImage::parse(file, diagnostic);
    if (image.is_error()) {
        if (!diagnostic.has_failed() || diagnostic.message().is_empty() || diagnostic.code() != image.error()) {
            std::fprintf(stderr, "rejected without a reason\n");
            std::abort();
        }
        return 0;
    }
    if (auto broken = invariants::check_elf(image.value(), file)) {
        std::fprintf(stderr, "accepted an image that breaks an invariant: %s\n", broken);
        std::abort();
    }
    return 0;
}
