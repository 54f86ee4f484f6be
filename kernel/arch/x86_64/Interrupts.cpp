#include <kernel/arch/x86_64/Exceptions.h>
#include <kernel/arch/x86_64/Interrupts.h>
#include <kernel/log/Log.h>
#include <kernel/log/Panic.h>

namespace gehri::arch {

namespace {

constexpr size_t vector_count = 256;

// Written rarely (driver setup), read on every interrupt on every CPU: plain atomics, no lock
// in the interrupt path.
constinit InterruptHandler s_handlers[vector_count] {};
constinit uint64_t s_unhandled_counts[vector_count] {};
constinit uint64_t s_spurious_count = 0;

bool is_installable(uint8_t vector)
{
    return vector >= vectors::first_external && vector != vectors::spurious;
}

void note_unhandled(uint8_t vector)
{
    uint64_t previous = __atomic_fetch_add(&s_unhandled_counts[vector], 1, __ATOMIC_RELAXED);
    if (previous == 0)
        log::warn("interrupt: vector {:#x} arrived with no handler installed; counting further ones silently", vector);
}

} // namespace

void install_interrupt_handler(uint8_t vector, InterruptHandler handler)
{
    if (!is_installable(vector))
        PANIC("install_interrupt_handler: vector {:#x} is not an external interrupt vector", vector);
    VERIFY(handler != nullptr);
    InterruptHandler expected = nullptr;
    if (!__atomic_compare_exchange_n(&s_handlers[vector], &expected, handler, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)
        && expected != handler)
        PANIC("install_interrupt_handler: vector {:#x} already has a different handler", vector);
}

void uninstall_interrupt_handler(uint8_t vector)
{
    if (!is_installable(vector))
        PANIC("uninstall_interrupt_handler: vector {:#x} is not an external interrupt vector", vector);
    __atomic_store_n(&s_handlers[vector], nullptr, __ATOMIC_RELEASE);
}

uint64_t unhandled_interrupt_count(uint8_t vector)
{
    return __atomic_load_n(&s_unhandled_counts[vector], __ATOMIC_RELAXED);
}

uint64_t spurious_interrupt_count()
{
    return __atomic_load_n(&s_spurious_count, __ATOMIC_RELAXED);
}

namespace {

constinit UserReturnHook s_user_return_hook = nullptr;

void dispatch_device_interrupt(InterruptFrame& frame, uint8_t vector)
{
    if (vector == vectors::spurious) {
        // The LAPIC's spurious vector needs no EOI; there is nothing to do.
        __atomic_fetch_add(&s_spurious_count, 1, __ATOMIC_RELAXED);
        return;
    }
    InterruptHandler handler = __atomic_load_n(&s_handlers[vector], __ATOMIC_ACQUIRE);
    if (handler)
        handler(frame);
    else
        note_unhandled(vector);
}

} // namespace

void set_user_return_hook(UserReturnHook hook) { __atomic_store_n(&s_user_return_hook, hook, __ATOMIC_RELEASE); }

} // namespace gehri::arch

// Called by interrupt_common (InterruptStubs.S) with interrupts disabled.
extern "C" void interrupt_dispatch(gehri::arch::InterruptFrame* frame)
{
    using namespace gehri::arch;
    auto vector = static_cast<uint8_t>(frame->vector);
    if (vector < exceptions::count)
        handle_exception(*frame);
    else
        dispatch_device_interrupt(*frame, vector);
    if (frame->from_user_mode()) {
        if (auto hook = __atomic_load_n(&s_user_return_hook, __ATOMIC_ACQUIRE))
            hook();
    }
}
