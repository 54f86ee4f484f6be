#pragma once

#include <kernel/lib/OwnPtr.h>
#include <kernel/lib/Spinlock.h>
#include <kernel/mm/Layout.h>
#include <kernel/mm/PageFlags.h>

namespace gehri::mm {

struct Translation {
    PhysicalAddress physical; // of `address` itself, offset within the page included
    PageFlags flags;
    PageSize size;
};

// One set of page tables. The kernel's address space maps the kernel half (PML4 entries
// 256..511); every other address space starts with an empty lower half and the very same
// kernel-half tables, so a kernel mapping made once is visible everywhere. Mapping into the
// kernel half through any address space edits those shared tables under the kernel's lock.
//
// Page-table pages come from PhysicalMemory. Mapped frames belong to the caller: unmap gives
// the frame back to the caller, and destroying an address space frees only its tables.
// (The implementation is architecture-specific: kernel/arch/x86_64/AddressSpace.cpp.)
class AddressSpace {
public:
    static AddressSpace& kernel();
    // A new address space for an agent: lower half empty, kernel half shared. Its top-level
    // table is below 4 GiB, so 32-bit code (an AP starting up) can load it too.
    static Result<OwnPtr<AddressSpace>> create();
    ~AddressSpace();
    AddressSpace(const AddressSpace&) = delete;
    AddressSpace& operator=(const AddressSpace&) = delete;

    // Fails with InvalidArgument (misaligned or non-canonical address, a User page in the kernel
    // half, a Global page in the lower half), AlreadyExists (something is mapped there, or a
    // 2 MiB page covers it) or OutOfMemory (for a page table).
    Result<void> map(VirtualAddress virtual_address, PhysicalAddress physical_address, PageFlags flags, PageSize size = PageSize::Small);
    // Maps [virtual, virtual + length) onto [physical, ...), with 2 MiB pages where both are aligned.
    // On failure nothing of the range stays mapped.
    Result<void> map_range(VirtualAddress virtual_address, PhysicalAddress physical_address, uint64_t length, PageFlags flags);
    // Unmaps the page (4 KiB or 2 MiB) that starts at `virtual_address` and flushes it from the
    // TLB; returns the frame it mapped. NotFound if nothing is mapped there.
    Result<PhysicalAddress> unmap(VirtualAddress virtual_address);
    Result<Translation> translate(VirtualAddress virtual_address) const;

    // Loads these page tables on this CPU.
    void activate() const;
    PhysicalAddress root_table() const { return m_root; }
    bool is_kernel() const { return this == &kernel(); }

    // Boot: allocates the kernel's top-level table and every kernel-half second-level table
    // (so that later address spaces can share them by copying 256 entries).
    static Result<void> create_kernel_tables();
    // Boot: switches this CPU from the boot page tables to the kernel's and turns on what the
    // final tables rely on (global pages). Afterwards page tables may live anywhere in RAM.
    static void switch_to_kernel_tables();

    // Another CPU may cache a kernel mapping that this one removed. The SMP layer installs a
    // hook that sends TLB shootdowns; until then only the local TLB is flushed.
    using RemoteTlbInvalidator = void (*)(VirtualAddress address, uint64_t length);
    static void set_remote_tlb_invalidator(RemoteTlbInvalidator invalidator);

private:
    explicit AddressSpace(PhysicalAddress root)
        : m_root(root)
    {
    }

    Result<void> map_locked(VirtualAddress, PhysicalAddress, PageFlags, PageSize);
    Result<PhysicalAddress> unmap_locked(VirtualAddress);
    AddressSpace& owner_of(VirtualAddress);

    static AddressSpace s_kernel;

    PhysicalAddress m_root { 0 };
    mutable Spinlock m_lock;
};

} // namespace gehri::mm
