#include <gtest/gtest.h>
#include <kernel/mm/PhysicalMemory.h>
#include <tests/host/support/FakeRam.h>
#include <vector>

using namespace gehri;
using namespace gehri::mm;
using gehri::mm::testing::FakeRam;

namespace {
constexpr uint64_t MiB = 1024 * 1024;
constexpr uint64_t GiB = 1024 * MiB;
}

TEST(PhysicalMemory, PrefersMemoryAbove4GiBAndFallsBackBelow)
{
    // 16 MiB straddling the 4 GiB line: 8 below, 8 above.
    FakeRam ram(4 * GiB - 16 * MiB, 32 * MiB, { { 4 * GiB - 16 * MiB, 4 * GiB - 8 * MiB }, { 4 * GiB + 8 * MiB, 4 * GiB + 16 * MiB } });
    auto& memory = ram.memory;
    EXPECT_EQ(memory.total_pages(), 4096u);
    EXPECT_EQ(memory.free_pages(MemoryZone::Below4GiB), 2048u);

    auto any = memory.allocate(0);
    ASSERT_TRUE(any.is_ok());
    EXPECT_GE(any.value(), 4 * GiB);
    auto low = memory.allocate(0, MemoryZone::Below4GiB);
    ASSERT_TRUE(low.is_ok());
    EXPECT_LT(low.value(), 4 * GiB);

    std::vector<PhysicalAddress> high;
    high.push_back(any.value());
    while (memory.free_pages() - memory.free_pages(MemoryZone::Below4GiB) > 0)
        high.push_back(memory.allocate(0).value());
    auto fallback = memory.allocate(0);
    ASSERT_TRUE(fallback.is_ok());
    EXPECT_LT(fallback.value(), 4 * GiB);

    for (auto address : high)
        memory.free(address);
    memory.free(low.value());
    memory.free(fallback.value());
    EXPECT_EQ(memory.free_pages(), 4096u);
}

TEST(PhysicalMemory, RecordsOwnerAndMapsToVirtual)
{
    FakeRam ram(16 * MiB, 4 * MiB);
    auto& memory = ram.memory;
    auto address = memory.allocate(2, MemoryZone::Any, PageOwner::PageTable).value();
    PhysicalPage* page = memory.page(address);
    ASSERT_NE(page, nullptr);
    EXPECT_EQ(page->owner, PageOwner::PageTable);
    EXPECT_EQ(page->state, PageState::Allocated);
    EXPECT_EQ(page->order, 2);
    EXPECT_EQ(memory.address_of(*page), address);
    auto* bytes = memory.to_virtual<uint8_t>(address);
    EXPECT_TRUE(ram.contains(bytes, 4 * page_size));
    bytes[4 * page_size - 1] = 0x5a; // really ours to write
    EXPECT_EQ(memory.to_physical(bytes), address);
    EXPECT_EQ(memory.page(64 * MiB), nullptr);
    memory.free(address);
    EXPECT_EQ(memory.free_pages(), memory.total_pages());
}

TEST(PhysicalMemory, OversizedRequestsFailCleanly)
{
    FakeRam ram(16 * MiB, 4 * MiB);
    EXPECT_EQ(ram.memory.allocate(PhysicalMemory::max_order + 1).error(), Error::OutOfMemory);
    EXPECT_EQ(ram.memory.allocate(11).error(), Error::OutOfMemory); // 8 MiB in 4 MiB of RAM
    EXPECT_TRUE(ram.memory.allocate(10).is_ok());
}

TEST(PhysicalMemoryDeathTest, FreeingForeignAddressesPanics)
{
    FakeRam ram(16 * MiB, 4 * MiB);
    EXPECT_DEATH(ram.memory.free(16 * MiB + 12), "not page-aligned");
    EXPECT_DEATH(ram.memory.free(1 * GiB), "outside managed memory");
}
