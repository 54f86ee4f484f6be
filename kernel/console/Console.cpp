#include <kernel/console/Console.h>
#include <kernel/console/PlainTextFilter.h>
#include <kernel/lib/Spinlock.h>

namespace gehri::console {

namespace {
ConsoleDevice* s_devices[max_devices];
constinit PlainTextFilter s_filters[max_devices];
size_t s_device_count;
constinit Spinlock s_lock;
constinit bool s_panic_mode = false;
constinit bool s_lock_abandoned = false;

// Roughly a second of waiting even under emulation: long enough for a healthy writer on
// another CPU to finish its line.
constexpr size_t panic_lock_attempts = 1'000'000;

void write_to_devices(StringView text)
{
    for (size_t i = 0; i < s_device_count; ++i) {
        if (s_devices[i]->understands_escape_sequences())
            s_devices[i]->write(text);
        else
            s_filters[i].write_to(*s_devices[i], text);
    }
}

void write_in_panic_mode(StringView text)
{
    auto state = arch::save_and_disable_interrupts();
    bool locked = false;
    if (!__atomic_load_n(&s_lock_abandoned, __ATOMIC_RELAXED)) {
        locked = s_lock.try_lock();
        for (size_t attempt = 0; !locked && attempt < panic_lock_attempts; ++attempt) {
            arch::cpu_relax();
            locked = s_lock.try_lock();
        }
        // Its holder is not coming back: stop paying the wait on every later write.
        if (!locked)
            __atomic_store_n(&s_lock_abandoned, true, __ATOMIC_RELAXED);
    }
    write_to_devices(text);
    if (locked)
        s_lock.unlock();
    arch::restore_interrupts(state);
}
} // namespace

void add_device(ConsoleDevice& device)
{
    InterruptSafeGuard guard(s_lock);
    if (s_device_count < max_devices)
        s_devices[s_device_count++] = &device;
}

void write(StringView text)
{
    if (__atomic_load_n(&s_panic_mode, __ATOMIC_ACQUIRE)) {
        write_in_panic_mode(text);
        return;
    }
    InterruptSafeGuard guard(s_lock);
    write_to_devices(text);
}

void enter_panic_mode()
{
    __atomic_store_n(&s_panic_mode, true, __ATOMIC_RELEASE);
}

bool in_panic_mode() { return __atomic_load_n(&s_panic_mode, __ATOMIC_ACQUIRE); }

} // namespace gehri::console
