#include <cstring>
#include <gtest/gtest.h>
#include <kernel/boot/CommandLine.h>
#include <kernel/boot/Multiboot2.h>
#include <string>
#include <vector>

using namespace gehri;
using namespace gehri::boot;

namespace {

// Builds a Multiboot2 information block tag by tag, as GRUB lays it out.
class InfoBuilder {
public:
    InfoBuilder() { m_bytes.resize(8, 0); }

    InfoBuilder& tag(uint32_t type, const std::vector<uint8_t>& payload)
    {
        uint32_t size = 8 + static_cast<uint32_t>(payload.size());
        append(type);
        append(size);
        m_bytes.insert(m_bytes.end(), payload.begin(), payload.end());
        while (m_bytes.size() % 8)
            m_bytes.push_back(0);
        return *this;
    }
    InfoBuilder& string_tag(uint32_t type, const std::string& text)
    {
        std::vector<uint8_t> payload(text.begin(), text.end());
        payload.push_back(0);
        return tag(type, payload);
    }
    std::vector<uint8_t> finish()
    {
        tag(0, {});
        uint32_t total = static_cast<uint32_t>(m_bytes.size());
        std::memcpy(m_bytes.data(), &total, 4);
        return m_bytes;
    }

    template<typename T>
    static void put(std::vector<uint8_t>& out, T value)
    {
        uint8_t raw[sizeof(T)];
        std::memcpy(raw, &value, sizeof(T));
        out.insert(out.end(), raw, raw + sizeof(T));
    }

private:
    void append(uint32_t value) { put(m_bytes, value); }
    std::vector<uint8_t> m_bytes;
};

std::vector<uint8_t> memory_map_payload()
{
    std::vector<uint8_t> payload;
    InfoBuilder::put<uint32_t>(payload, 24); // entry size
    InfoBuilder::put<uint32_t>(payload, 0); // entry version
    auto entry = [&](uint64_t base, uint64_t length, uint32_t type) {
        InfoBuilder::put(payload, base);
        InfoBuilder::put(payload, length);
        InfoBuilder::put(payload, type);
        InfoBuilder::put<uint32_t>(payload, 0);
    };
    entry(0, 0x9fc00, 1);
    entry(0x100000, 0x3ff00000, 1);
    entry(0xfffc0000, 0x40000, 2);
    entry(0x7fe0000, 0x20000, 3);
    return payload;
}

std::string as_string(StringView view) { return std::string(view.characters(), view.length()); }

} // namespace

TEST(Multiboot2, ParsesCommandLineLoaderAndMemoryMap)
{
    auto info = InfoBuilder()
                    .string_tag(1, "gehri.test=all loglevel=debug")
                    .string_tag(2, "GRUB 2.06")
                    .tag(6, memory_map_payload())
                    .finish();
    BootInfo boot_info;
    ASSERT_TRUE(parse_multiboot2(info.data(), info.size(), boot_info).is_ok());
    EXPECT_EQ(as_string(boot_info.command_line), "gehri.test=all loglevel=debug");
    EXPECT_EQ(as_string(boot_info.loader_name), "GRUB 2.06");
    ASSERT_EQ(boot_info.memory_region_count, 4u);
    EXPECT_EQ(boot_info.memory_regions[1].base, 0x100000u);
    EXPECT_EQ(boot_info.memory_regions[2].kind, MemoryRegion::Kind::Reserved);
    EXPECT_EQ(boot_info.memory_regions[3].kind, MemoryRegion::Kind::AcpiReclaimable);
    EXPECT_EQ(boot_info.usable_memory_bytes(), 0x9fc00u + 0x3ff00000u);
}

TEST(Multiboot2, ParsesFramebufferAndPrefersNewAcpiRsdp)
{
    std::vector<uint8_t> framebuffer;
    InfoBuilder::put<uint64_t>(framebuffer, 0xfd000000);
    InfoBuilder::put<uint32_t>(framebuffer, 4096); // pitch
    InfoBuilder::put<uint32_t>(framebuffer, 1024);
    InfoBuilder::put<uint32_t>(framebuffer, 768);
    framebuffer.push_back(32); // bpp
    framebuffer.push_back(1); // direct RGB
    InfoBuilder::put<uint16_t>(framebuffer, 0);
    for (uint8_t byte : { 16, 8, 8, 8, 0, 8 })
        framebuffer.push_back(byte);
    std::vector<uint8_t> old_rsdp(20, 0x11), new_rsdp(36, 0x22);
    auto info = InfoBuilder().tag(15, new_rsdp).tag(8, framebuffer).tag(14, old_rsdp).finish();
    BootInfo boot_info;
    ASSERT_TRUE(parse_multiboot2(info.data(), info.size(), boot_info).is_ok());
    EXPECT_TRUE(boot_info.framebuffer.present());
    EXPECT_EQ(boot_info.framebuffer.physical_address, 0xfd000000u);
    EXPECT_EQ(boot_info.framebuffer.width, 1024u);
    EXPECT_EQ(boot_info.framebuffer.red_shift, 16);
    EXPECT_EQ(boot_info.framebuffer.blue_shift, 0);
    ASSERT_EQ(boot_info.acpi_rsdp_length, 36u);
    EXPECT_EQ(static_cast<const uint8_t*>(boot_info.acpi_rsdp_copy)[0], 0x22);
}

TEST(Multiboot2, ParsesModules)
{
    std::vector<uint8_t> module;
    InfoBuilder::put<uint32_t>(module, 0x200000);
    InfoBuilder::put<uint32_t>(module, 0x280000);
    for (char c : std::string("initrd"))
        module.push_back(static_cast<uint8_t>(c));
    module.push_back(0);
    auto info = InfoBuilder().tag(3, module).finish();
    BootInfo boot_info;
    ASSERT_TRUE(parse_multiboot2(info.data(), info.size(), boot_info).is_ok());
    ASSERT_EQ(boot_info.module_count, 1u);
    EXPECT_EQ(boot_info.modules[0].end, 0x280000u);
    EXPECT_EQ(as_string(boot_info.modules[0].name), "initrd");
}

TEST(Multiboot2, RejectsMalformedInformation)
{
    BootInfo boot_info;
    EXPECT_TRUE(parse_multiboot2(nullptr, 100, boot_info).is_error());

    auto good = InfoBuilder().string_tag(1, "x").finish();
    // total_size larger than what may be read.
    EXPECT_TRUE(parse_multiboot2(good.data(), good.size() - 8, boot_info).is_error());

    // A tag whose size runs past the end of the block.
    auto overrun = good;
    uint32_t huge = 4096;
    std::memcpy(overrun.data() + 12, &huge, 4);
    EXPECT_EQ(parse_multiboot2(overrun.data(), overrun.size(), boot_info).error(), Error::BadFormat);

    // A tag smaller than its own header would loop forever if accepted.
    auto tiny = good;
    uint32_t four = 4;
    std::memcpy(tiny.data() + 12, &four, 4);
    EXPECT_TRUE(parse_multiboot2(tiny.data(), tiny.size(), boot_info).is_error());

    // A command line without its terminating NUL.
    auto unterminated = InfoBuilder().tag(1, { 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h' }).finish();
    EXPECT_TRUE(parse_multiboot2(unterminated.data(), unterminated.size(), boot_info).is_error());

    // No end tag.
    std::vector<uint8_t> no_end(16, 0);
    uint32_t total = 16, type = 1, size = 8;
    std::memcpy(no_end.data(), &total, 4);
    std::memcpy(no_end.data() + 8, &type, 4);
    std::memcpy(no_end.data() + 12, &size, 4);
    EXPECT_TRUE(parse_multiboot2(no_end.data(), no_end.size(), boot_info).is_error());
}

TEST(Multiboot2, MemoryMapEntryTooSmallIsRejected)
{
    std::vector<uint8_t> payload;
    InfoBuilder::put<uint32_t>(payload, 8); // entry size below the 24 bytes an entry needs
    InfoBuilder::put<uint32_t>(payload, 0);
    auto info = InfoBuilder().tag(6, payload).finish();
    BootInfo boot_info;
    EXPECT_TRUE(parse_multiboot2(info.data(), info.size(), boot_info).is_error());
}

TEST(CommandLine, FindsValuesAndFlags)
{
    CommandLine line("  gehri.test=all  loglevel=debug quiet gehri.test=second ");
    bool found = false;
    EXPECT_EQ(as_string(line.value_of("gehri.test", &found)), "all");
    EXPECT_TRUE(found);
    EXPECT_EQ(as_string(line.value_of("loglevel")), "debug");
    line.value_of("missing", &found);
    EXPECT_FALSE(found);
    EXPECT_TRUE(line.has_flag("quiet"));
    EXPECT_FALSE(line.has_flag("loglevel"));
    EXPECT_FALSE(line.has_flag("gehri"));
}

TEST(CommandLine, EmptyValueIsFound)
{
    CommandLine line("key= other");
    bool found = false;
    EXPECT_EQ(as_string(line.value_of("key", &found)), "");
    EXPECT_TRUE(found);
}
