#include <kernel/lib/IndexAllocator.h>
#include <kernel/mm/AddressSpace.h>
#include <kernel/mm/KernelStack.h>
#include <kernel/mm/PhysicalMemory.h>
#include <string.h>

namespace gehri::mm {

namespace {
IndexAllocator<KernelStack::slot_count> s_slots;
constexpr auto stack_flags = PageFlags::Writable | PageFlags::NoExecute | PageFlags::Global;
} // namespace

// The stack fills the top of its slot; everything below it in the slot stays unmapped.
KernelStack::KernelStack(size_t slot, uint64_t size)
    : m_slot(slot)
    , m_top(kernel_stacks_base + (slot + 1) * slot_size)
    , m_size(size)
{
}

Result<KernelStack> KernelStack::create(uint64_t size)
{
    size = align_up(size, page_size);
    if (size == 0 || size > max_size)
        return Error::InvalidArgument;
    size_t slot = TRY(s_slots.allocate());
    KernelStack stack(slot, size);
    auto mapped = stack.map_pages();
    if (mapped.is_error())
        return mapped.error(); // the destructor gives back what was mapped and the slot
    return stack;
}

Result<void> KernelStack::map_pages()
{
    auto& memory = PhysicalMemory::the();
    for (uint64_t offset = 0; offset < m_size; offset += page_size) {
        auto frame = memory.allocate(0, MemoryZone::Any, PageOwner::KernelStack);
        if (frame.is_error()) {
            unmap_pages(offset);
            m_size = 0;
            return frame.error();
        }
        memset(memory.to_virtual(frame.value()), canary, page_size);
        auto mapped = AddressSpace::kernel().map(m_top - offset - page_size, frame.value(), stack_flags);
        if (mapped.is_error()) {
            memory.free(frame.value());
            unmap_pages(offset);
            m_size = 0;
            return mapped.error();
        }
    }
    return {};
}

// Unmaps and frees the top `mapped_bytes` of the stack.
void KernelStack::unmap_pages(uint64_t mapped_bytes)
{
    for (uint64_t offset = 0; offset < mapped_bytes; offset += page_size) {
        auto frame = AddressSpace::kernel().unmap(m_top - offset - page_size);
        VERIFY(frame.is_ok());
        PhysicalMemory::the().free(frame.value());
    }
}

void KernelStack::destroy()
{
    if (m_top == 0)
        return;
    unmap_pages(m_size);
    s_slots.release(m_slot);
    m_top = 0;
    m_size = 0;
}

KernelStack::KernelStack(KernelStack&& other)
    : m_slot(other.m_slot)
    , m_top(other.m_top)
    , m_size(other.m_size)
{
    other.m_top = 0;
    other.m_size = 0;
}

KernelStack& KernelStack::operator=(KernelStack&& other)
{
    if (this != &other) {
        destroy();
        m_slot = other.m_slot;
        m_top = other.m_top;
        m_size = other.m_size;
        other.m_top = 0;
        other.m_size = 0;
    }
    return *this;
}

KernelStack::~KernelStack() { destroy(); }

size_t KernelStack::live_count() { return s_slots.in_use(); }

uint64_t KernelStack::used_bytes(VirtualAddress bottom, VirtualAddress top)
{
    constexpr uint64_t canary_word = 0x0101010101010101ull * canary;
    VirtualAddress word = align_up(bottom, sizeof(uint64_t));
    while (word + sizeof(uint64_t) <= top && *reinterpret_cast<const uint64_t*>(word) == canary_word)
        word += sizeof(uint64_t);
    return top - word;
}

} // namespace gehri::mm
