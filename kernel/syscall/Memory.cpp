#include <kernel/agent/Spawn.h>
#include <kernel/object/MemoryObject.h>
#include <kernel/syscall/Handlers.h>
#include <kernel/syscall/UserCopy.h>

namespace gehri::syscall {

Result<uint64_t> sys_memory_map(Caller& caller, Length length, uint64_t flags)
{
    if (length.value == 0 || length.value % mm::page_size != 0 || length.value > map_area_high - map_area_low)
        return Error::InvalidArgument;
    if ((flags & ~uint64_t(abi::MemoryFlags::All)) != 0)
        return Error::InvalidArgument;
    mm::PageFlags page_flags = mm::PageFlags::None;
    if (flags & uint64_t(abi::MemoryFlags::Write))
        page_flags |= mm::PageFlags::Writable;
    if (!(flags & uint64_t(abi::MemoryFlags::Execute)))
        page_flags |= mm::PageFlags::NoExecute;
    auto& memory = caller.agent().memory();
    // Quota first: a refused allocation should say so, whatever the address space looks like.
    if (length.value > memory.quota() - memory.committed_bytes())
        return Error::QuotaExceeded;
    uint64_t start = TRY(memory.find_free_range(length.value, map_area_low, map_area_high));
    // Another thread may have taken the range meanwhile: then AlreadyExists, and the caller retries.
    TRY(memory.reserve_demand_zero(start, start + length.value, page_flags));
    return start;
}

Result<uint64_t> sys_memory_create(Caller& caller, Length size)
{
    auto object = TRY(object::MemoryObject::create(caller.agent(), size.value));
    return TRY(caller.agent().handles().add(std::move(object), abi::memory_rights));
}

Result<uint64_t> sys_memory_map_object(Caller& caller, HandleArgument handle, uint64_t flags, UserPointer<uint64_t> size_out)
{
    if ((flags & ~uint64_t(abi::MemoryFlags::Write)) != 0)
        return Error::InvalidArgument; // unknown flags, and shared memory is never executable
    bool writable = flags & uint64_t(abi::MemoryFlags::Write);
    Rights needed = writable ? Rights::Map | Rights::Write : Rights::Map;
    auto object = TRY(caller.agent().handles().get_object_with_rights<object::MemoryObject>(handle.value, needed));
    mm::PageFlags page_flags = mm::PageFlags::NoExecute;
    if (writable)
        page_flags |= mm::PageFlags::Writable;
    if (!size_out.is_null())
        TRY(copy_to_user(size_out, object->size()));
    auto& memory = caller.agent().memory();
    uint64_t start = TRY(memory.find_free_range(object->size(), map_area_low, map_area_high));
    TRY(memory.map_shared(start, page_flags, object->pages()));
    return start;
}

Result<uint64_t> sys_memory_unmap(Caller& caller, uint64_t address, Length length)
{
    if (address % mm::page_size != 0 || length.value == 0 || !is_user_range(address, length.value))
        return Error::InvalidArgument;
    if (address < map_area_low || address + length.value > map_area_high)
        return Error::InvalidArgument; // the program's segments and stacks are not the caller's to unmap
    // Other threads of the agent may hold the pages in their TLBs on other CPUs: every page the
    // address space unmaps is shot down on every other CPU (mm::AddressSpace::unmap, TLB
    // shootdown) before its frame is freed, so none of them can read it afterwards.
    TRY(caller.agent().memory().unmap_region(address, address + length.value));
    return 0;
}

} // namespace gehri::syscall
