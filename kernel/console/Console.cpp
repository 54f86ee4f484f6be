#include <kernel/console/Console.h>
#include <kernel/console/PlainTextFilter.h>
#include <kernel/lib/Spinlock.h>

namespace gehri::console {

namespace {
ConsoleDevice* s_devices[max_devices];
constinit PlainTextFilter s_filters[max_devices];
size_t s_device_count;
constinit Spinlock s_lock;
} // namespace

void add_device(ConsoleDevice& device)
{
    InterruptSafeGuard guard(s_lock);
    if (s_device_count < max_devices)
        s_devices[s_device_count++] = &device;
}

void write(StringView text)
{
    InterruptSafeGuard guard(s_lock);
    for (size_t i = 0; i < s_device_count; ++i) {
        if (s_devices[i]->understands_escape_sequences())
            s_devices[i]->write(text);
        else
            s_filters[i].write_to(*s_devices[i], text);
    }
}

} // namespace gehri::console
