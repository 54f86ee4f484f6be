#include <kernel/arch/x86_64/Msr.h>
#include <kernel/arch/x86_64/Paging.h>
#include <kernel/arch/x86_64/PerCpu.h>
#include <kernel/arch/x86_64/UserContextSwitch.h>
#include <kernel/sched/UserState.h>
#include <kernel/mm/AddressSpace.h>

namespace gehri::arch {

namespace {

// FXSAVE layout: FCW at 0, MXCSR at 24. The power-on defaults: every x87 and SSE exception
// masked, round to nearest, 64-bit x87 precision; all registers zero.
struct alignas(16) InitialExtendedState {
    uint8_t bytes[sched::UserState::extended_state_size];
};

constexpr InitialExtendedState make_initial_state()
{
    InitialExtendedState state {};
    state.bytes[0] = 0x7f; // FCW = 0x037f
    state.bytes[1] = 0x03;
    state.bytes[24] = 0x80; // MXCSR = 0x1f80
    state.bytes[25] = 0x1f;
    return state;
}

constexpr InitialExtendedState s_initial_state = make_initial_state();

void save_extended_state(sched::UserState& user)
{
    asm volatile("fxsave64 %0" : "=m"(user.extended_state));
    user.extended_state_saved = true;
}

void load_extended_state(const sched::UserState& user)
{
    if (user.extended_state_saved)
        asm volatile("fxrstor64 %0" ::"m"(user.extended_state));
    else
        asm volatile("fxrstor64 %0" ::"m"(s_initial_state.bytes));
}

constexpr uint32_t fs_base_msr = 0xC0000100;

// User code cannot change these bases yet (no FSGSBASE, no call for it) beyond loading a
// selector, which gives base zero; carrying them makes that a property of each thread
// rather than of whichever thread ran last.
void save_segment_bases(sched::UserState& user)
{
    user.segment_bases[0] = read_msr(fs_base_msr);
    user.segment_bases[1] = read_msr(msr::kernel_gs_base);
}

void load_segment_bases(const sched::UserState& user)
{
    write_msr(fs_base_msr, user.segment_bases[0]);
    write_msr(msr::kernel_gs_base, user.segment_bases[1]);
}

void load_page_tables(uint64_t root)
{
    if ((paging::read_cr3() & paging::address_mask) != root)
        paging::write_cr3(root);
}

} // namespace

void switch_user_state(sched::ThreadContext& from, sched::ThreadContext& to)
{
    if (from.user == nullptr && to.user == nullptr)
        return;
    if (from.user != nullptr) {
        save_extended_state(*from.user);
        save_segment_bases(*from.user);
    }
    if (to.user != nullptr) {
        load_extended_state(*to.user);
        load_segment_bases(*to.user);
        load_page_tables(to.user->page_table_root);
    } else {
        load_page_tables(mm::AddressSpace::kernel().root_table());
    }
    this_cpu().current_user = to.user;
}

} // namespace gehri::arch
