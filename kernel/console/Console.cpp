#include <kernel/console/Console.h>
#include <kernel/console/PlainTextFilter.h>
#include <kernel/lib/Spinlock.h>

namespace gehri::console {

namespace {
ConsoleDevice* s_devices[max_devices];
constinit PlainTextFilter s_filters[max_devices];
size_t s_device_count;
constinit Spinlock s_lock;
constinit bool s_at_line_start = true; // the last byte written was a newline (or nothing was)
constinit bool s_panic_mode = false;
constinit bool s_lock_abandoned = false;

// Roughly a second of waiting even under emulation: long enough for a healthy writer on
// another CPU to finish its line.
constexpr size_t panic_lock_attempts = 1'000'000;

// Rows painted per hold of the console lock: a few hundred thousand instructions at most
// (a 128-column row of 8x16 glyphs), so a writer on another CPU waits little.
constexpr uint32_t rows_per_lock_hold = 4;

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
    // A crash report must be on the screen now: the console thread may never run again.
    for (size_t i = 0; i < s_device_count; ++i)
        s_devices[i]->set_deferred(false);
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
    if (!text.is_empty())
        s_at_line_start = text[text.length() - 1] == '\n';
}

void write_line(StringView text)
{
    if (__atomic_load_n(&s_panic_mode, __ATOMIC_ACQUIRE)) {
        write_in_panic_mode(text);
        return;
    }
    InterruptSafeGuard guard(s_lock);
    if (!s_at_line_start)
        write_to_devices("\n");
    write_to_devices(text);
    if (!text.is_empty())
        s_at_line_start = text[text.length() - 1] == '\n';
}

void defer_painting()
{
    InterruptSafeGuard guard(s_lock);
    for (size_t i = 0; i < s_device_count; ++i)
        s_devices[i]->set_deferred(true);
}

void paint_pending()
{
    for (size_t i = 0; i < max_devices; ++i) {
        for (bool done = false; !done;) {
            InterruptSafeGuard guard(s_lock);
            if (i >= s_device_count || in_panic_mode())
                return;
            done = s_devices[i]->paint_some(rows_per_lock_hold);
        }
    }
}

void enter_panic_mode()
{
    __atomic_store_n(&s_panic_mode, true, __ATOMIC_RELEASE);
}

bool in_panic_mode() { return __atomic_load_n(&s_panic_mode, __ATOMIC_ACQUIRE); }

} // namespace gehri::console
