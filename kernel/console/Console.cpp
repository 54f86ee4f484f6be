#include <kernel/console/Console.h>
#include <kernel/lib/Spinlock.h>

namespace gehri::console {

namespace {
ConsoleDevice* s_devices[max_devices];
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
    for (size_t i = 0; i < s_device_count; ++i)
        s_devices[i]->write(text);
}

} // namespace gehri::console
