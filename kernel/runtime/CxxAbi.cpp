// The C++ ABI hooks a freestanding kernel must provide.
#include <kernel/log/Panic.h>

extern "C" {

void* __dso_handle = nullptr;

// The kernel never exits, so global destructors never need to run.
int __cxa_atexit(void (*)(void*), void*, void*) { return 0; }

void __cxa_pure_virtual() { PANIC("pure virtual function called"); }

// Function-local statics: built with -fno-threadsafe-statics, so these are never called;
// they exist so that a stray object built without the flag still links.
int __cxa_guard_acquire(uint64_t* guard) { return !*reinterpret_cast<char*>(guard); }
void __cxa_guard_release(uint64_t* guard) { *reinterpret_cast<char*>(guard) = 1; }
void __cxa_guard_abort(uint64_t*) { }

using Constructor = void (*)();
extern Constructor __init_array_start[];
extern Constructor __init_array_end[];
}

namespace gehri::runtime {

void run_global_constructors()
{
    for (Constructor* constructor = __init_array_start; constructor != __init_array_end; ++constructor)
        (*constructor)();
}

} // namespace gehri::runtime
