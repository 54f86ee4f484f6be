#pragma once

#include <kernel/lib/Result.h>
#include <kernel/mm/Layout.h>

namespace gehri::mm {

// A kernel thread's stack: zeroed pages mapped read-write, no-execute, in its own slot of the
// kernel-stack area, with at least one unmapped guard page below it, so an overflow faults
// instead of silently overwriting a neighbour. Freed (pages and slot) on destruction.
//
// A new stack is filled with a canary byte rather than zeros, so that how deep a thread ever
// went (its high-water mark) can be read off the stack afterwards: used_bytes().
class KernelStack {
public:
    // 16,384 slots in the 1 GiB area: enough for 10,000 agents' threads and the kernel's. A
    // page table of the area covers 32 slots, so the kernel-half tables cost 128 bytes a slot.
    static constexpr uint64_t slot_size = 64 * 1024;
    static constexpr uint64_t guard_size = page_size;
    static constexpr uint64_t max_size = slot_size - guard_size;
    static constexpr uint64_t default_size = 16 * 1024;
    static constexpr size_t slot_count = kernel_stacks_size / slot_size;
    static constexpr uint8_t canary = 0xc5;

    // `size` is rounded up to whole pages; InvalidArgument if 0 or above max_size.
    static Result<KernelStack> create(uint64_t size = default_size);

    KernelStack(KernelStack&& other);
    KernelStack& operator=(KernelStack&& other);
    KernelStack(const KernelStack&) = delete;
    KernelStack& operator=(const KernelStack&) = delete;
    ~KernelStack();

    // The initial stack pointer (exclusive end; 16-byte aligned).
    VirtualAddress top() const { return m_top; }
    VirtualAddress bottom() const { return m_top - m_size; }
    uint64_t size() const { return m_size; }
    // The page just below the stack, which is never mapped.
    VirtualAddress guard_page() const { return bottom() - guard_size; }

    // Stacks currently alive (for tests and statistics).
    static size_t live_count();
    // The bytes of [bottom, top) ever written, judged by the canary: from the top down to the
    // lowest 8-byte word that no longer holds it. A word that happens to be written with the
    // canary's own value makes this low by at most that word's distance to the next one.
    static uint64_t used_bytes(VirtualAddress bottom, VirtualAddress top);

private:
    KernelStack(size_t slot, uint64_t size);
    void destroy();
    Result<void> map_pages();
    void unmap_pages(uint64_t mapped_bytes);

    size_t m_slot { 0 };
    VirtualAddress m_top { 0 };
    uint64_t m_size { 0 };
};

} // namespace gehri::mm
