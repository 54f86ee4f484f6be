#include <kernel/mm/AddressSpace.h>
#include <kernel/mm/Heap.h>
#include <kernel/mm/KernelImage.h>
#include <kernel/mm/PhysicalMemory.h>
#include <kernel/syscall/UserCopy.h>
#include <kernel/tests/Framework.h>
#include <string.h>

extern "C" char __rodata_start[], boot_stack_guard[], boot_stack_bottom[];

namespace gehri {

using namespace mm;

namespace {

// PML4 entry 509: nothing lives there, so tests can map and unmap freely.
constexpr VirtualAddress scratch = 0xfffffe8000000000;

int s_writable_data = 1;

bool has(const Result<Translation>& translation, PageFlags flag) { return has_flag(translation.value().flags, flag); }

} // namespace

KERNEL_TEST(mm_kernel_image_is_writable_xor_executable)
{
    auto& kernel = AddressSpace::kernel();
    auto text = kernel.translate(reinterpret_cast<VirtualAddress>(&kernel_image_layout));
    EXPECT(text.is_ok());
    EXPECT(!has(text, PageFlags::Writable) && !has(text, PageFlags::NoExecute));
    auto rodata = kernel.translate(reinterpret_cast<VirtualAddress>(__rodata_start));
    EXPECT(rodata.is_ok());
    EXPECT(!has(rodata, PageFlags::Writable) && has(rodata, PageFlags::NoExecute));
    auto data = kernel.translate(reinterpret_cast<VirtualAddress>(&s_writable_data));
    EXPECT(data.is_ok());
    EXPECT(has(data, PageFlags::Writable) && has(data, PageFlags::NoExecute));
    EXPECT_EQ(data.value().physical, kernel_virtual_to_physical(reinterpret_cast<VirtualAddress>(&s_writable_data)));
    EXPECT_EQ(data.value().size, PageSize::Small);
}

KERNEL_TEST(mm_boot_stack_guard_and_identity_map_are_gone)
{
    auto& kernel = AddressSpace::kernel();
    EXPECT_EQ(kernel.translate(reinterpret_cast<VirtualAddress>(boot_stack_guard)).error(), Error::NotFound);
    EXPECT(kernel.translate(reinterpret_cast<VirtualAddress>(boot_stack_bottom)).is_ok());
    EXPECT_EQ(kernel.translate(0x100000).error(), Error::NotFound);
    EXPECT_EQ(kernel.translate(0).error(), Error::NotFound);
    // The whole lower half of the kernel's top-level table is empty.
    auto* pml4 = physical_to_virtual<uint64_t>(kernel.root_table());
    size_t used_lower_entries = 0;
    for (size_t i = 0; i < 256; ++i)
        used_lower_entries += pml4[i] != 0;
    EXPECT_EQ(used_lower_entries, 0u);
}

KERNEL_TEST(mm_direct_map_reaches_ram_and_low_mmio)
{
    auto& kernel = AddressSpace::kernel();
    for (PhysicalAddress mmio : { 0xFEE00000ull, 0xFEC00000ull, 0xFED00000ull, 0xFFFFF000ull }) {
        auto translation = kernel.translate(direct_map_base + mmio);
        EXPECT(translation.is_ok());
        EXPECT_EQ(translation.value().physical, mmio);
        EXPECT(has(translation, PageFlags::NoExecute));
    }
    auto frame = PhysicalMemory::the().allocate().value();
    EXPECT_EQ(kernel.translate(direct_map_base + frame + 8).value().physical, frame + 8);
    PhysicalMemory::the().free(frame);
}

KERNEL_TEST(mm_map_and_unmap_small_page)
{
    auto& kernel = AddressSpace::kernel();
    auto& memory = PhysicalMemory::the();
    PhysicalAddress frame = memory.allocate().value();
    auto flags = PageFlags::Writable | PageFlags::NoExecute | PageFlags::Global;
    EXPECT(kernel.map(scratch, frame, flags).is_ok());
    auto translation = kernel.translate(scratch + 0x123);
    EXPECT(translation.is_ok());
    EXPECT_EQ(translation.value().physical, frame + 0x123);
    EXPECT(has(translation, PageFlags::Writable) && has(translation, PageFlags::Global));

    *reinterpret_cast<volatile uint64_t*>(scratch + 8) = 0x1234567890abcdefull;
    EXPECT_EQ(*physical_to_virtual<uint64_t>(frame + 8), 0x1234567890abcdefull);
    EXPECT_EQ(kernel.map(scratch, frame, flags).error(), Error::AlreadyExists);

    auto unmapped = kernel.unmap(scratch);
    EXPECT(unmapped.is_ok());
    EXPECT_EQ(unmapped.value(), frame);
    EXPECT_EQ(kernel.translate(scratch).error(), Error::NotFound);
    EXPECT_EQ(kernel.unmap(scratch).error(), Error::NotFound);
    memory.free(frame);
}

KERNEL_TEST(mm_map_and_unmap_large_page)
{
    auto& kernel = AddressSpace::kernel();
    auto& memory = PhysicalMemory::the();
    auto block = memory.allocate(9); // 2 MiB, naturally aligned
    EXPECT(block.is_ok());
    if (block.is_error())
        return;
    VirtualAddress where = scratch + 16 * large_page_size;
    EXPECT(kernel.map(where, block.value(), PageFlags::Writable | PageFlags::NoExecute, PageSize::Large).is_ok());
    auto translation = kernel.translate(where + 0x12345);
    EXPECT_EQ(translation.value().physical, block.value() + 0x12345);
    EXPECT_EQ(translation.value().size, PageSize::Large);
    *reinterpret_cast<volatile uint32_t*>(where + large_page_size - 4) = 0xfeedf00d;
    EXPECT_EQ(*physical_to_virtual<uint32_t>(block.value() + large_page_size - 4), 0xfeedf00du);
    // A small page cannot go inside it, and it is unmapped as a whole.
    EXPECT_EQ(kernel.map(where + page_size, block.value(), PageFlags::None).error(), Error::AlreadyExists);
    EXPECT_EQ(kernel.unmap(where + page_size).error(), Error::InvalidArgument);
    EXPECT_EQ(kernel.unmap(where).value(), block.value());
    EXPECT_EQ(kernel.translate(where + 0x12345).error(), Error::NotFound);
    memory.free(block.value());
}

KERNEL_TEST(mm_map_rejects_bad_arguments)
{
    auto& kernel = AddressSpace::kernel();
    EXPECT_EQ(kernel.map(scratch + 8, 0x200000, PageFlags::None).error(), Error::InvalidArgument);
    EXPECT_EQ(kernel.map(scratch, 0x200008, PageFlags::None).error(), Error::InvalidArgument);
    EXPECT_EQ(kernel.map(scratch + page_size, 0x200000, PageFlags::None, PageSize::Large).error(), Error::InvalidArgument);
    EXPECT_EQ(kernel.map(scratch, 0x200000, PageFlags::User).error(), Error::InvalidArgument);
    EXPECT_EQ(kernel.map(0x0000900000000000, 0x200000, PageFlags::None).error(), Error::InvalidArgument);
    EXPECT_EQ(kernel.map(0x400000, 0x200000, PageFlags::Global).error(), Error::InvalidArgument);
    EXPECT_EQ(kernel.translate(0x0000900000000000).error(), Error::InvalidArgument);
}

KERNEL_TEST(mm_map_range_uses_large_pages_where_aligned)
{
    auto& kernel = AddressSpace::kernel();
    VirtualAddress where = scratch + 64 * large_page_size - page_size;
    // One small page, one large page, one small page, over physical memory we only read.
    uint64_t length = page_size + large_page_size + page_size;
    EXPECT(kernel.map_range(where, 0x1000000 - page_size, length, PageFlags::NoExecute).is_ok());
    EXPECT_EQ(kernel.translate(where).value().size, PageSize::Small);
    EXPECT_EQ(kernel.translate(where + page_size).value().size, PageSize::Large);
    EXPECT_EQ(kernel.translate(where + page_size + large_page_size).value().physical, 0x1000000 + large_page_size);
    EXPECT_EQ(kernel.unmap(where).value(), 0x1000000 - page_size);
    EXPECT_EQ(kernel.unmap(where + page_size).value(), 0x1000000u);
    EXPECT_EQ(kernel.unmap(where + page_size + large_page_size).value(), 0x1000000 + large_page_size);
}

KERNEL_TEST(mm_new_address_space_shares_the_kernel_half)
{
    auto& memory = PhysicalMemory::the();
    Heap::the().release_empty_slabs(); // the AddressSpace object itself comes from the heap
    uint64_t free_before = memory.free_pages();
    {
        auto created = AddressSpace::create();
        EXPECT(created.is_ok());
        if (created.is_error())
            return;
        auto space = created.release_value();
        EXPECT(space->root_table() < 0x100000000ull);
        auto* pml4 = physical_to_virtual<uint64_t>(space->root_table());
        auto* kernel_pml4 = physical_to_virtual<uint64_t>(AddressSpace::kernel().root_table());
        EXPECT(memcmp(pml4 + 256, kernel_pml4 + 256, 256 * sizeof(uint64_t)) == 0);

        PhysicalAddress frame = memory.allocate().value();
        *physical_to_virtual<uint64_t>(frame) = 0xabcdef;
        constexpr VirtualAddress user_address = 0x400000;
        EXPECT(space->map(user_address, frame, PageFlags::User | PageFlags::Writable | PageFlags::NoExecute).is_ok());
        EXPECT_EQ(space->translate(user_address).value().physical, frame);
        EXPECT(has(space->translate(user_address), PageFlags::User));
        EXPECT_EQ(AddressSpace::kernel().translate(user_address).error(), Error::NotFound);
        EXPECT(space->translate(reinterpret_cast<VirtualAddress>(&s_writable_data)).is_ok());

        // Running on it works (the kernel is there too) and shows its lower half. The page
        // is a user page: with SMAP the kernel reaches it only through copy_from_user.
        space->activate();
        uint64_t seen = 0;
        bool copied = copy_from_user(&seen, UserPointer<const void>(user_address), sizeof(seen)).is_ok();
        int data = s_writable_data;
        AddressSpace::kernel().activate();
        EXPECT(copied);
        EXPECT_EQ(seen, 0xabcdefull);
        EXPECT_EQ(data, 1);

        EXPECT_EQ(space->unmap(user_address).value(), frame);
        memory.free(frame);
    }
    Heap::the().release_empty_slabs();
    EXPECT_EQ(memory.free_pages(), free_before); // its page tables went back
}

} // namespace gehri
