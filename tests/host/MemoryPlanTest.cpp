#include <gtest/gtest.h>
#include <kernel/mm/MemoryPlan.h>
#include <kernel/mm/PhysicalPage.h>
#include <memory>

using namespace gehri;
using namespace gehri::mm;
using Kind = boot::MemoryRegion::Kind;

namespace {

constexpr uint64_t MiB = 1024 * 1024;
constexpr uint64_t GiB = 1024 * MiB;
constexpr PhysicalRange kernel_image { 0x100000, 0x11b000 };

// A QEMU-like map with 6 GiB of RAM: low memory, a hole for PCI below 4 GiB, the rest above.
boot::BootInfo qemu_like_boot_info()
{
    boot::BootInfo info {};
    auto add = [&](uint64_t base, uint64_t length, Kind kind) { info.memory_regions[info.memory_region_count++] = { base, length, kind }; };
    add(0, 0x9fc00, Kind::Usable);
    add(0x9fc00, 0x400, Kind::Reserved);
    add(0xf0000, 0x10000, Kind::Reserved);
    add(0x100000, 0xbfee0000 - 0x100000, Kind::Usable);
    add(0xbfee0000, 0x20000, Kind::AcpiReclaimable);
    add(0xfeffc000, 0x4000, Kind::Reserved);
    add(0xfffc0000, 0x40000, Kind::Reserved);
    add(4 * GiB, 3 * GiB + 0x120000, Kind::Usable);
    info.loader_block_physical = 0x11c008;
    info.loader_block_size = 0x1234;
    info.modules[info.module_count++] = { 0x200000, 0x250123, "agent" };
    info.modules[info.module_count++] = { 0x7000000, 0x7000010, "tiny" };
    info.framebuffer.physical_address = 0xfd000000;
    info.framebuffer.pitch = 4096;
    info.framebuffer.height = 768;
    info.framebuffer.bits_per_pixel = 32;
    return info;
}

bool overlaps(const PhysicalRangeList& list, PhysicalRange range)
{
    for (auto& free : list) {
        if (free.start < range.end && range.start < free.end)
            return true;
    }
    return false;
}

} // namespace

TEST(MemoryPlan, ExcludesEverythingThatMustNeverBeHandedOut)
{
    auto info = qemu_like_boot_info();
    auto plan = std::make_unique<MemoryPlan>();
    ASSERT_TRUE(plan_physical_memory(info, kernel_image, 4 * GiB, *plan).is_ok());

    for (auto& range : plan->free) {
        EXPECT_EQ(range.start % page_size, 0u);
        EXPECT_EQ(range.end % page_size, 0u);
        EXPECT_GE(range.start, 1 * MiB) << "below 1 MiB is for the AP trampoline and firmware";
    }
    EXPECT_FALSE(overlaps(plan->free, kernel_image));
    EXPECT_FALSE(overlaps(plan->free, { 0x11c000, 0x11c008 + 0x1234 }));
    EXPECT_FALSE(overlaps(plan->free, { 0x200000, 0x250123 }));
    EXPECT_FALSE(overlaps(plan->free, { 0x7000000, 0x7001000 }));
    EXPECT_FALSE(overlaps(plan->free, { 0xbfee0000, 4 * GiB }));
    EXPECT_FALSE(overlaps(plan->free, plan->metadata));
    // What was taken out is exact: the page after the module's last byte is the first that
    // fits the metadata, the page after the tiny module is free.
    EXPECT_FALSE(plan->free.contains(0x250000));
    EXPECT_EQ(plan->metadata.start, 0x251000u);
    EXPECT_TRUE(plan->free.contains(0x7001000));
    EXPECT_TRUE(plan->free.contains(7 * GiB + 0x11f000));
}

TEST(MemoryPlan, PlacesMetadataForTheWholeSpanBelowTheLimit)
{
    auto info = qemu_like_boot_info();
    auto plan = std::make_unique<MemoryPlan>();
    ASSERT_TRUE(plan_physical_memory(info, kernel_image, 4 * GiB, *plan).is_ok());
    EXPECT_EQ(plan->first_pfn, 0x11bu); // right after the kernel image
    EXPECT_EQ(plan->end_pfn, (7 * GiB + 0x120000) / page_size);
    uint64_t needed = (plan->end_pfn - plan->first_pfn) * sizeof(PhysicalPage);
    EXPECT_GE(plan->metadata.size(), needed);
    EXPECT_LT(plan->metadata.size(), needed + page_size);
    EXPECT_LE(plan->metadata.end, 4 * GiB);
    EXPECT_EQ(plan->metadata.start % page_size, 0u);
    // The direct map reaches the top of RAM, rounded to a 2 MiB page.
    EXPECT_EQ(plan->direct_map_end, 7 * GiB + 2 * MiB);
}

TEST(MemoryPlan, AccountsForReservedUsableMemory)
{
    auto info = qemu_like_boot_info();
    auto plan = std::make_unique<MemoryPlan>();
    ASSERT_TRUE(plan_physical_memory(info, kernel_image, 4 * GiB, *plan).is_ok());
    uint64_t usable = 0x9f000 + (0xbfee0000 - 0x100000) + (3 * GiB + 0x120000);
    EXPECT_EQ(plan->free.total_bytes() + plan->reserved_bytes, usable);
    uint64_t expected_reserved = 0x9f000 + (kernel_image.size()) + 0x2000 /* loader block */ + 0x51000 + 0x1000 + plan->metadata.size();
    EXPECT_EQ(plan->reserved_bytes, expected_reserved);
}

TEST(MemoryPlan, NonUsableRegionsWinWhereTheMapOverlaps)
{
    boot::BootInfo info {};
    info.memory_regions[0] = { 0, 64 * MiB, Kind::Usable };
    info.memory_regions[1] = { 8 * MiB + 0x10, 0x100, Kind::Defective };
    info.memory_region_count = 2;
    auto plan = std::make_unique<MemoryPlan>();
    ASSERT_TRUE(plan_physical_memory(info, kernel_image, 4 * GiB, *plan).is_ok());
    EXPECT_FALSE(plan->free.contains(8 * MiB));
    EXPECT_TRUE(plan->free.contains(8 * MiB + page_size));
    EXPECT_TRUE(plan->free.contains(8 * MiB - page_size));
    EXPECT_EQ(plan->direct_map_end, 4 * GiB); // never less than the first 4 GiB
}

TEST(MemoryPlan, UnalignedUsableRegionsShrinkToWholePages)
{
    boot::BootInfo info {};
    info.memory_regions[0] = { 2 * MiB + 1, 4 * MiB - 2, Kind::Usable };
    info.memory_region_count = 1;
    auto plan = std::make_unique<MemoryPlan>();
    ASSERT_TRUE(plan_physical_memory(info, kernel_image, 4 * GiB, *plan).is_ok());
    EXPECT_EQ(plan->first_pfn, (2 * MiB + page_size) / page_size);
    EXPECT_EQ(plan->end_pfn, (6 * MiB - page_size) / page_size);
}

TEST(MemoryPlan, FailsWithoutUsableMemoryOrRoomForMetadata)
{
    auto plan = std::make_unique<MemoryPlan>();
    boot::BootInfo empty {};
    EXPECT_EQ(plan_physical_memory(empty, kernel_image, 4 * GiB, *plan).error(), Error::OutOfMemory);

    boot::BootInfo only_low {};
    only_low.memory_regions[0] = { 0, 0x9fc00, Kind::Usable };
    only_low.memory_region_count = 1;
    EXPECT_EQ(plan_physical_memory(only_low, kernel_image, 4 * GiB, *plan).error(), Error::OutOfMemory);

    // All RAM above the limit: the metadata has nowhere the boot page tables reach.
    auto info = qemu_like_boot_info();
    EXPECT_EQ(plan_physical_memory(info, kernel_image, 1 * MiB, *plan).error(), Error::OutOfMemory);
}
