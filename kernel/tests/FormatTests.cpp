#include <kernel/lib/Format.h>
#include <kernel/tests/Framework.h>

namespace gehri {

// The formatter on the real target: the kernel is built with different flags (no SSE, kernel
// code model) than the host tests, so its core behaviour is checked here too.
KERNEL_TEST(format_integers_in_kernel)
{
    auto text = FixedString<64>::formatted("{} {:#x} {:05}", -7, 255u, 42);
    EXPECT(text.view() == StringView("-7 0xff 00042"));
}

} // namespace gehri
