#include <gtest/gtest.h>
#include <kernel/console/FramebufferConsole.h>
#include <vector>

using namespace gehri;
using namespace gehri::console;

namespace {
boot::Framebuffer framebuffer(uint64_t address, uint32_t width, uint32_t height, uint32_t pitch, uint8_t bpp = 32)
{
    boot::Framebuffer fb;
    fb.physical_address = address;
    fb.width = width;
    fb.height = height;
    fb.pitch = pitch;
    fb.bits_per_pixel = bpp;
    return fb;
}
} // namespace

TEST(FramebufferConsole, SurfaceFromTheBootFramebuffer)
{
    std::vector<uint8_t> memory(4096 * 768);
    auto fb = framebuffer(0xfd000000, 1024, 768, 4096);
    fb.red_shift = 0;
    fb.blue_shift = 16;
    auto surface = surface_for(fb, memory.data());
    ASSERT_TRUE(surface.is_ok());
    EXPECT_EQ(surface.value().width(), 1024u);
    EXPECT_EQ(surface.value().height(), 768u);
    EXPECT_EQ(surface.value().pack({ 1, 2, 3 }), 0x030201u);
}

TEST(FramebufferConsole, UnusableFramebuffersAreRefused)
{
    uint8_t byte = 0;
    EXPECT_EQ(surface_for(boot::Framebuffer {}, &byte).error(), Error::NotFound);
    EXPECT_EQ(surface_for(framebuffer(0xfd000000, 1024, 768, 2048, 16), &byte).error(), Error::NotFound);
    // Beyond the 4 GiB the boot page tables map, or reaching past it.
    EXPECT_EQ(surface_for(framebuffer(0x100000000ull, 1024, 768, 4096), &byte).error(), Error::NotSupported);
    EXPECT_EQ(surface_for(framebuffer(0xffff0000ull, 1024, 768, 4096), &byte).error(), Error::NotSupported);
    EXPECT_EQ(surface_for(framebuffer(0xfd000000, 1024, 768, 4096), nullptr).error(), Error::InvalidArgument);
}
