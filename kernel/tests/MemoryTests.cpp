#include <kernel/lib/OwnPtr.h>
#include <kernel/mm/AddressSpace.h>
#include <kernel/mm/Heap.h>
#include <kernel/mm/KernelImage.h>
#include <kernel/mm/KernelStack.h>
#include <kernel/mm/MemoryPlan.h>
#include <kernel/mm/PhysicalMemory.h>
#include <kernel/tests/Framework.h>
#include <new>
#include <string.h>

namespace gehri {

using namespace mm;

namespace {

uint64_t settled_free_pages()
{
    Heap::the().release_empty_slabs();
    return PhysicalMemory::the().free_pages();
}

struct alignas(64) CacheLineSized {
    uint8_t bytes[64];
};

} // namespace

KERNEL_TEST(mm_physical_allocator_hands_out_only_free_ram)
{
    // Take every free page, chaining them through their own first word (which also proves the
    // direct map reaches all of them), then give them all back.
    auto& memory = PhysicalMemory::the();
    uint64_t free_before = memory.free_pages();
    PhysicalRange image = kernel_image_layout().physical;
    PhysicalAddress chain = 0;
    uint64_t taken = 0;
    bool all_valid = true;
    for (;;) {
        auto frame = memory.allocate();
        if (frame.is_error()) {
            EXPECT_EQ(frame.error(), Error::OutOfMemory);
            break;
        }
        PhysicalAddress address = frame.value();
        if (address < low_memory_end || (address >= image.start && address < image.end))
            all_valid = false;
        *physical_to_virtual<PhysicalAddress>(address) = chain;
        chain = address;
        ++taken;
    }
    EXPECT(all_valid);
    EXPECT_EQ(taken, free_before);
    EXPECT_EQ(memory.free_pages(), 0u);
    EXPECT_EQ(Heap::the().allocate(8192).error(), Error::OutOfMemory);
    while (chain != 0) {
        PhysicalAddress next = *physical_to_virtual<PhysicalAddress>(chain);
        memory.free(chain);
        chain = next;
    }
    EXPECT_EQ(memory.free_pages(), free_before);
}

KERNEL_TEST(mm_heap_allocates_and_frees_many_sizes)
{
    auto& heap = Heap::the();
    uint64_t free_before = settled_free_pages();
    auto statistics_before = heap.statistics();
    constexpr size_t count = 300;
    uint8_t* pointers[count];
    size_t sizes[count];
    for (size_t i = 0; i < count; ++i) {
        sizes[i] = i < 250 ? 1 + i * 9 : 4096 * (i - 249) + 100;
        auto result = heap.allocate(sizes[i]);
        EXPECT(result.is_ok());
        pointers[i] = static_cast<uint8_t*>(result.value_or(nullptr));
        if (pointers[i] == nullptr)
            return;
        EXPECT(reinterpret_cast<uintptr_t>(pointers[i]) % 16 == 0);
        memset(pointers[i], static_cast<int>(i), sizes[i]);
    }
    bool intact = true;
    for (size_t i = 0; i < count; ++i) {
        for (size_t j = 0; j < sizes[i]; ++j)
            intact &= pointers[i][j] == static_cast<uint8_t>(i);
        heap.free(pointers[i]);
    }
    EXPECT(intact);
    EXPECT_EQ(heap.statistics().small_allocations, statistics_before.small_allocations);
    EXPECT_EQ(heap.statistics().large_allocations, statistics_before.large_allocations);
    EXPECT_EQ(settled_free_pages(), free_before);
}

KERNEL_TEST(mm_operator_new_and_delete)
{
    uint64_t free_before = settled_free_pages();
    auto* numbers = new (std::nothrow) uint64_t[1000];
    EXPECT(numbers != nullptr);
    for (size_t i = 0; i < 1000; ++i)
        numbers[i] = i;
    EXPECT_EQ(numbers[999], 999u);
    delete[] numbers;

    auto* aligned = new CacheLineSized;
    EXPECT(reinterpret_cast<uintptr_t>(aligned) % 64 == 0);
    delete aligned;
    auto* aligned_nothrow = new (std::nothrow) CacheLineSized[3];
    EXPECT(reinterpret_cast<uintptr_t>(aligned_nothrow) % 64 == 0);
    delete[] aligned_nothrow;

    auto owned = make_owned<uint64_t>(42u);
    EXPECT(owned.is_ok());
    EXPECT_EQ(*owned.value(), 42u);
    owned = Error::InvalidArgument; // drops the OwnPtr, which deletes

    EXPECT(new (std::nothrow) uint8_t[64 * 1024 * 1024] == nullptr); // 64 MiB: above the largest block
    EXPECT_EQ(settled_free_pages(), free_before);
}

KERNEL_TEST(mm_kernel_stack_has_an_unmapped_guard_page)
{
    auto& kernel = AddressSpace::kernel();
    size_t live_before = KernelStack::live_count();
    VirtualAddress bottom = 0;
    {
        auto created = KernelStack::create(5 * page_size);
        EXPECT(created.is_ok());
        if (created.is_error())
            return;
        KernelStack stack = created.release_value();
        EXPECT_EQ(stack.size(), 5 * page_size);
        EXPECT(stack.top() % 16 == 0);
        EXPECT(stack.top() > kernel_stacks_base && stack.top() <= kernel_stacks_base + kernel_stacks_size);
        bottom = stack.bottom();
        auto top_page = kernel.translate(stack.top() - 8);
        EXPECT(top_page.is_ok());
        EXPECT(has_flag(top_page.value().flags, PageFlags::Writable | PageFlags::NoExecute));
        EXPECT(kernel.translate(stack.bottom()).is_ok());
        EXPECT_EQ(stack.guard_page(), stack.bottom() - page_size);
        EXPECT_EQ(kernel.translate(stack.guard_page()).error(), Error::NotFound);
        // A fresh stack holds nothing but the canary; the high-water mark follows the deepest write.
        constexpr uint64_t canary_word = 0x0101010101010101ull * KernelStack::canary;
        bool filled = true;
        for (auto* word = reinterpret_cast<volatile uint64_t*>(stack.bottom()); word < reinterpret_cast<uint64_t*>(stack.top()); ++word)
            filled &= *word == canary_word;
        EXPECT(filled);
        EXPECT_EQ(KernelStack::used_bytes(stack.bottom(), stack.top()), 0u);
        *reinterpret_cast<volatile uint64_t*>(stack.top() - 104) = 0x5555;
        EXPECT_EQ(KernelStack::used_bytes(stack.bottom(), stack.top()), 104u);
        *reinterpret_cast<volatile uint64_t*>(stack.bottom()) = 0;
        EXPECT_EQ(KernelStack::used_bytes(stack.bottom(), stack.top()), stack.size());
        EXPECT_EQ(KernelStack::live_count(), live_before + 1);

        auto second = KernelStack::create();
        EXPECT(second.is_ok());
        // Neighbouring stacks never touch: the other one's top is below this guard page or
        // above this top.
        VirtualAddress other_top = second.value().top();
        EXPECT(other_top <= stack.guard_page() || other_top - second.value().size() - page_size >= stack.top());
    }
    EXPECT_EQ(kernel.translate(bottom).error(), Error::NotFound);
    EXPECT_EQ(KernelStack::live_count(), live_before);
    EXPECT_EQ(KernelStack::create(0).error(), Error::InvalidArgument);
    EXPECT_EQ(KernelStack::create(KernelStack::max_size + 1).error(), Error::InvalidArgument);
}

KERNEL_TEST(mm_free_pages_return_to_baseline_after_churn)
{
    auto& memory = PhysicalMemory::the();
    // Page tables for the stack area and scratch mappings stay once made: make them first.
    (void)KernelStack::create(KernelStack::max_size);
    uint64_t baseline = settled_free_pages();
    for (int round = 0; round < 4; ++round) {
        void* small[200];
        for (size_t i = 0; i < 200; ++i)
            small[i] = Heap::the().allocate(16 + (i * 37) % 2000).value_or(nullptr);
        PhysicalAddress blocks[PhysicalMemory::max_order + 1];
        for (unsigned order = 0; order <= PhysicalMemory::max_order; ++order)
            blocks[order] = memory.allocate(order).value_or(0);
        auto stack_a = KernelStack::create(32 * 1024);
        void* large = Heap::the().allocate(100 * 1024).value_or(nullptr);
        auto stack_b = KernelStack::create();
        EXPECT(stack_a.is_ok() && stack_b.is_ok() && large != nullptr);
        EXPECT(memory.free_pages() < baseline);
        for (size_t i = 0; i < 200; i += 2)
            Heap::the().free(small[i]);
        Heap::the().free(large);
        for (unsigned order = 0; order <= PhysicalMemory::max_order; ++order) {
            if (blocks[order] != 0)
                memory.free(blocks[order]);
        }
        for (size_t i = 1; i < 200; i += 2)
            Heap::the().free(small[i]);
    }
    EXPECT_EQ(settled_free_pages(), baseline);
}

} // namespace gehri
