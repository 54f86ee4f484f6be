#include <kernel/arch/x86_64/Interrupts.h>
#include <kernel/arch/x86_64/LocalApic.h>
#include <kernel/arch/x86_64/Paging.h>
#include <kernel/arch/x86_64/PerCpu.h>
#include <kernel/arch/x86_64/TlbShootdown.h>
#include <kernel/mm/AddressSpace.h>

namespace gehri::arch {

namespace {

// Beyond this many pages one full flush is cheaper than invlpg page by page.
constexpr uint64_t full_flush_threshold_pages = 32;

constinit uint64_t s_participants = 0; // CPU index bits
constinit bool s_busy = false; // one request at a time
constinit uint64_t s_address = 0;
constinit uint64_t s_length = 0;
constinit uint32_t s_remaining = 0;

void flush_everything()
{
    uint64_t cr4 = paging::read_cr4();
    if (cr4 & paging::cr4_global_pages) {
        // Toggling CR4.PGE drops global entries as well; a CR3 reload would keep them.
        paging::write_cr4(cr4 & ~paging::cr4_global_pages);
        paging::write_cr4(cr4);
    } else {
        paging::write_cr3(paging::read_cr3());
    }
}

void flush_locally(uint64_t address, uint64_t length)
{
    uint64_t first = address & ~(mm::page_size - 1);
    uint64_t pages = (address + length - first + mm::page_size - 1) / mm::page_size;
    if (pages > full_flush_threshold_pages) {
        flush_everything();
        return;
    }
    for (uint64_t i = 0; i < pages; ++i)
        paging::invalidate_page(first + i * mm::page_size);
}

void handle_shootdown_ipi(InterruptFrame&)
{
    service_tlb_shootdown();
    lapic::end_of_interrupt();
}

void remote_invalidator(mm::VirtualAddress address, uint64_t length) { shoot_down_tlb_range(address, length); }

} // namespace

void service_tlb_shootdown()
{
    CpuLocal& me = this_cpu();
    // The IPI handler and a spin loop of the same CPU may both get here: one of them serves.
    if (!__atomic_exchange_n(&me.tlb_flush_pending, 0, __ATOMIC_ACQUIRE))
        return;
    flush_locally(s_address, s_length);
    ++me.tlb_shootdowns_served;
    __atomic_fetch_sub(&s_remaining, 1, __ATOMIC_RELEASE);
}

void install_tlb_shootdown()
{
    install_interrupt_handler(vectors::tlb_shootdown_ipi, handle_shootdown_ipi);
    join_tlb_shootdowns();
    mm::AddressSpace::set_remote_tlb_invalidator(remote_invalidator);
}

void join_tlb_shootdowns()
{
    __atomic_fetch_or(&s_participants, uint64_t(1) << current_cpu_index(), __ATOMIC_SEQ_CST);
    flush_everything();
}

void shoot_down_tlb_range(uint64_t address, uint64_t length)
{
    InterruptState state = save_and_disable_interrupts();
    uint64_t me = uint64_t(1) << current_cpu_index();
    if ((__atomic_load_n(&s_participants, __ATOMIC_SEQ_CST) & ~me) == 0) {
        restore_interrupts(state);
        return;
    }
    while (__atomic_exchange_n(&s_busy, true, __ATOMIC_ACQUIRE))
        cpu_relax(); // serves the current holder's request to us meanwhile
    uint64_t targets = __atomic_load_n(&s_participants, __ATOMIC_SEQ_CST) & ~me;
    s_address = address;
    s_length = length;
    __atomic_store_n(&s_remaining, static_cast<uint32_t>(__builtin_popcountll(targets)), __ATOMIC_RELAXED);
    for (uint32_t cpu = 0; cpu < max_cpus; ++cpu) {
        if (targets & (uint64_t(1) << cpu))
            __atomic_store_n(&cpu_local(cpu).tlb_flush_pending, 1, __ATOMIC_RELEASE);
    }
    lapic::send_ipi_to_all_others(vectors::tlb_shootdown_ipi);
    while (__atomic_load_n(&s_remaining, __ATOMIC_ACQUIRE) != 0)
        cpu_relax();
    __atomic_store_n(&s_busy, false, __ATOMIC_RELEASE);
    restore_interrupts(state);
}

uint64_t tlb_shootdowns_served_here() { return this_cpu().tlb_shootdowns_served; }

} // namespace gehri::arch
