#include <kernel/arch/x86_64/Paging.h>
#include <kernel/mm/AddressSpace.h>
#include <kernel/mm/PhysicalMemory.h>
#include <string.h>

namespace gehri::mm {

namespace paging = arch::paging;

namespace {

constexpr unsigned first_kernel_pml4_entry = 256;

// Until the kernel's own direct map is live, only what the boot tables map (the first 4 GiB)
// can be written to, so page tables built before the switch must come from there.
MemoryZone s_table_zone = MemoryZone::Below4GiB;
uint64_t s_supported_leaf_bits = ~uint64_t(0);
AddressSpace::RemoteTlbInvalidator s_remote_invalidator = nullptr;

uint64_t* table_at(PhysicalAddress address) { return PhysicalMemory::the().to_virtual<uint64_t>(address); }

Result<PhysicalAddress> allocate_table(MemoryZone zone)
{
    PhysicalAddress table = TRY(PhysicalMemory::the().allocate(0, zone, PageOwner::PageTable));
    memset(table_at(table), 0, page_size);
    return table;
}

bool is_kernel_half(VirtualAddress address) { return address >= kernel_space_start; }

uint64_t leaf_bits(PageFlags flags, PageSize size)
{
    uint64_t bits = paging::present;
    if (has_flag(flags, PageFlags::Writable))
        bits |= paging::writable;
    if (has_flag(flags, PageFlags::User))
        bits |= paging::user;
    if (has_flag(flags, PageFlags::NoExecute))
        bits |= paging::no_execute;
    if (has_flag(flags, PageFlags::Global))
        bits |= paging::global;
    if (has_flag(flags, PageFlags::Uncached))
        bits |= paging::cache_disable | paging::write_through;
    if (size == PageSize::Large)
        bits |= paging::huge;
    return bits & s_supported_leaf_bits;
}

PageFlags flags_of(uint64_t entry)
{
    PageFlags flags = PageFlags::None;
    if (entry & paging::writable)
        flags |= PageFlags::Writable;
    if (entry & paging::user)
        flags |= PageFlags::User;
    if (entry & paging::no_execute)
        flags |= PageFlags::NoExecute;
    if (entry & paging::global)
        flags |= PageFlags::Global;
    if (entry & paging::cache_disable)
        flags |= PageFlags::Uncached;
    return flags;
}

// The entry for `address` at `level`, or null when a table above it is missing (or a large
// page above it maps the address: then `large_entry` points at that entry).
uint64_t* find_entry(PhysicalAddress root, VirtualAddress address, unsigned level, uint64_t** large_entry)
{
    uint64_t* table = table_at(root);
    for (unsigned current = paging::pml4_level; current > level; --current) {
        uint64_t& entry = table[paging::table_index(address, current)];
        if (!(entry & paging::present))
            return nullptr;
        if (entry & paging::huge) {
            *large_entry = &entry;
            return nullptr;
        }
        table = table_at(entry & paging::address_mask);
    }
    return &table[paging::table_index(address, level)];
}

void free_lower_half_tables(PhysicalAddress table, unsigned level)
{
    uint64_t* entries = table_at(table);
    unsigned end = level == paging::pml4_level ? first_kernel_pml4_entry : paging::entries_per_table;
    if (level > paging::pt_level) {
        for (unsigned i = 0; i < end; ++i) {
            if ((entries[i] & paging::present) && !(entries[i] & paging::huge))
                free_lower_half_tables(entries[i] & paging::address_mask, level - 1);
        }
    }
    PhysicalMemory::the().free(table);
}

void invalidate(VirtualAddress address, uint64_t length)
{
    paging::invalidate_page(address);
    auto remote = __atomic_load_n(&s_remote_invalidator, __ATOMIC_ACQUIRE);
    if (remote != nullptr)
        remote(address, length);
}

} // namespace

AddressSpace AddressSpace::s_kernel { 0 };

AddressSpace& AddressSpace::kernel() { return s_kernel; }

Result<void> AddressSpace::create_kernel_tables()
{
    VERIFY(s_kernel.m_root == 0);
    if (!paging::cpu_has_no_execute())
        s_supported_leaf_bits &= ~paging::no_execute;
    if (!paging::cpu_has_global_pages())
        s_supported_leaf_bits &= ~paging::global;
    PhysicalAddress root = TRY(allocate_table(MemoryZone::Below4GiB));
    uint64_t* entries = table_at(root);
    for (unsigned i = first_kernel_pml4_entry; i < paging::entries_per_table; ++i) {
        auto table = allocate_table(s_table_zone);
        if (table.is_error()) {
            for (unsigned j = first_kernel_pml4_entry; j < i; ++j)
                PhysicalMemory::the().free(entries[j] & paging::address_mask);
            PhysicalMemory::the().free(root);
            return table.error();
        }
        entries[i] = table.value() | paging::present | paging::writable;
    }
    s_kernel.m_root = root;
    return {};
}

void AddressSpace::switch_to_kernel_tables()
{
    // The boot GDT (and an IDT, if one was loaded yet) may sit at a low physical address that
    // only the boot identity map reached: point the CPU at them through the direct map.
    auto gdtr = paging::read_gdtr();
    if (gdtr.base < user_space_end) {
        gdtr.base += direct_map_base;
        paging::load_gdtr(gdtr);
    }
    auto idtr = paging::read_idtr();
    if (idtr.base != 0 && idtr.base < user_space_end) {
        idtr.base += direct_map_base;
        paging::load_idtr(idtr);
    }
    s_kernel.activate();
    if (s_supported_leaf_bits & paging::global)
        paging::write_cr4(paging::read_cr4() | paging::cr4_global_pages);
    s_table_zone = MemoryZone::Any;
}

void AddressSpace::set_remote_tlb_invalidator(RemoteTlbInvalidator invalidator)
{
    __atomic_store_n(&s_remote_invalidator, invalidator, __ATOMIC_RELEASE);
}

Result<OwnPtr<AddressSpace>> AddressSpace::create()
{
    VERIFY(s_kernel.m_root != 0);
    PhysicalAddress root = TRY(allocate_table(MemoryZone::Below4GiB));
    // The kernel-half PML4 entries never change after boot, so a copy stays in sync.
    memcpy(table_at(root) + first_kernel_pml4_entry, table_at(s_kernel.m_root) + first_kernel_pml4_entry,
        (paging::entries_per_table - first_kernel_pml4_entry) * sizeof(uint64_t));
    auto space = adopt_own_if_nonnull(new (std::nothrow) AddressSpace(root));
    if (space.is_error())
        PhysicalMemory::the().free(root);
    return space;
}

AddressSpace::~AddressSpace()
{
    if (m_root == 0)
        return;
    VERIFY(this != &s_kernel);
    VERIFY((paging::read_cr3() & paging::address_mask) != m_root);
    free_lower_half_tables(m_root, paging::pml4_level);
}

void AddressSpace::activate() const
{
    VERIFY(m_root != 0);
    paging::write_cr3(m_root);
}

AddressSpace& AddressSpace::owner_of(VirtualAddress address)
{
    return is_kernel_half(address) ? s_kernel : *this;
}

Result<void> AddressSpace::map(VirtualAddress virtual_address, PhysicalAddress physical_address, PageFlags flags, PageSize size)
{
    uint64_t alignment = size == PageSize::Large ? large_page_size : page_size;
    if (!paging::is_canonical(virtual_address) || virtual_address % alignment != 0 || physical_address % alignment != 0)
        return Error::InvalidArgument;
    // User pages in the kernel half would be open to every agent; global pages in the lower
    // half would outlive a switch to another agent's address space.
    if (is_kernel_half(virtual_address) ? has_flag(flags, PageFlags::User) : has_flag(flags, PageFlags::Global))
        return Error::InvalidArgument;
    AddressSpace& owner = owner_of(virtual_address);
    VERIFY(owner.m_root != 0);
    InterruptSafeGuard guard(owner.m_lock);
    return owner.map_locked(virtual_address, physical_address, flags, size);
}

Result<void> AddressSpace::map_locked(VirtualAddress virtual_address, PhysicalAddress physical_address, PageFlags flags, PageSize size)
{
    unsigned leaf_level = size == PageSize::Large ? paging::pd_level : paging::pt_level;
    uint64_t table_bits = paging::present | paging::writable | (is_kernel_half(virtual_address) ? 0 : paging::user);
    uint64_t* table = table_at(m_root);
    for (unsigned level = paging::pml4_level; level > leaf_level; --level) {
        uint64_t& entry = table[paging::table_index(virtual_address, level)];
        if (!(entry & paging::present)) {
            // Kernel-half PML4 entries all exist from boot on: creating one here would not reach
            // other address spaces.
            VERIFY(!(level == paging::pml4_level && is_kernel_half(virtual_address)));
            entry = TRY(allocate_table(s_table_zone)) | table_bits;
        } else if (entry & paging::huge) {
            return Error::AlreadyExists;
        }
        table = table_at(entry & paging::address_mask);
    }
    uint64_t& leaf = table[paging::table_index(virtual_address, leaf_level)];
    if (leaf & paging::present)
        return Error::AlreadyExists;
    leaf = physical_address | leaf_bits(flags, size);
    return {};
}

Result<void> AddressSpace::map_range(VirtualAddress virtual_address, PhysicalAddress physical_address, uint64_t length, PageFlags flags)
{
    if (virtual_address % page_size != 0 || physical_address % page_size != 0 || length % page_size != 0)
        return Error::InvalidArgument;
    for (uint64_t offset = 0; offset < length;) {
        VirtualAddress va = virtual_address + offset;
        PhysicalAddress pa = physical_address + offset;
        bool large = va % large_page_size == 0 && pa % large_page_size == 0 && length - offset >= large_page_size;
        auto mapped = map(va, pa, flags, large ? PageSize::Large : PageSize::Small);
        if (mapped.is_error()) {
            for (uint64_t undo = 0; undo < offset;) {
                auto translation = translate(virtual_address + undo);
                VERIFY(translation.is_ok());
                (void)unmap(virtual_address + undo);
                undo += translation.value().size == PageSize::Large ? large_page_size : page_size;
            }
            return mapped.error();
        }
        offset += large ? large_page_size : page_size;
    }
    return {};
}

Result<PhysicalAddress> AddressSpace::unmap(VirtualAddress virtual_address)
{
    if (!paging::is_canonical(virtual_address) || virtual_address % page_size != 0)
        return Error::InvalidArgument;
    AddressSpace& owner = owner_of(virtual_address);
    VERIFY(owner.m_root != 0);
    InterruptSafeGuard guard(owner.m_lock);
    return owner.unmap_locked(virtual_address);
}

Result<PhysicalAddress> AddressSpace::unmap_locked(VirtualAddress virtual_address)
{
    uint64_t* large = nullptr;
    uint64_t* entry = find_entry(m_root, virtual_address, paging::pt_level, &large);
    uint64_t length = page_size;
    if (large != nullptr) {
        if (virtual_address % large_page_size != 0)
            return Error::InvalidArgument; // inside a 2 MiB page: unmap the whole page instead
        entry = large;
        length = large_page_size;
    }
    if (entry == nullptr || !(*entry & paging::present))
        return Error::NotFound;
    PhysicalAddress frame = *entry & (large ? paging::large_address_mask : paging::address_mask);
    *entry = 0;
    invalidate(virtual_address, length);
    return frame;
}

Result<Translation> AddressSpace::translate(VirtualAddress virtual_address) const
{
    if (!paging::is_canonical(virtual_address))
        return Error::InvalidArgument;
    const AddressSpace& owner = is_kernel_half(virtual_address) ? s_kernel : *this;
    VERIFY(owner.m_root != 0);
    InterruptSafeGuard guard(owner.m_lock);
    uint64_t* large = nullptr;
    uint64_t* entry = find_entry(owner.m_root, virtual_address, paging::pt_level, &large);
    if (large != nullptr) {
        uint64_t offset = virtual_address % large_page_size;
        return Translation { (*large & paging::large_address_mask) + offset, flags_of(*large), PageSize::Large };
    }
    if (entry == nullptr || !(*entry & paging::present))
        return Error::NotFound;
    return Translation { (*entry & paging::address_mask) + virtual_address % page_size, flags_of(*entry), PageSize::Small };
}

} // namespace gehri::mm
