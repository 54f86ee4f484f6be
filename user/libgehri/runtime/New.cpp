// operator new and delete for agents, over libgehri's Allocator and a fixed arena (agents have
// no memory syscalls yet). Running out returns null from the nothrow forms; the throwing forms
// (which cannot throw here) end the agent with a message instead.
#include <new>
#include <user/libgehri/Allocator.h>
#include <user/libgehri/Log.h>

namespace {

constexpr size_t arena_size = 64 * 1024;
alignas(16) uint8_t s_arena[arena_size];

gehri::Allocator& allocator()
{
    // Constructed on first use: operator new may run from other static constructors.
    static gehri::Allocator* instance = nullptr;
    alignas(gehri::Allocator) static uint8_t storage[sizeof(gehri::Allocator)];
    if (instance == nullptr)
        instance = new (storage) gehri::Allocator(s_arena, arena_size);
    return *instance;
}

void* allocate_or_die(size_t size)
{
    void* pointer = allocator().allocate(size ? size : 1);
    if (pointer == nullptr) {
        gehri::println("libgehri: out of memory allocating {} bytes (arena {} KiB)", size, arena_size / 1024);
        gehri::system::exit(-1);
    }
    return pointer;
}

void release(void* pointer)
{
    if (!allocator().free(pointer)) {
        gehri::println("libgehri: bad free of {:#x}", reinterpret_cast<uintptr_t>(pointer));
        gehri::system::exit(-1);
    }
}

} // namespace

void* operator new(size_t size) { return allocate_or_die(size); }
void* operator new[](size_t size) { return allocate_or_die(size); }
void* operator new(size_t size, const std::nothrow_t&) noexcept { return allocator().allocate(size ? size : 1); }
void* operator new[](size_t size, const std::nothrow_t&) noexcept { return allocator().allocate(size ? size : 1); }
void operator delete(void* pointer) noexcept { release(pointer); }
void operator delete[](void* pointer) noexcept { release(pointer); }
void operator delete(void* pointer, size_t) noexcept { release(pointer); }
void operator delete[](void* pointer, size_t) noexcept { release(pointer); }

extern "C" void __cxa_pure_virtual()
{
    gehri::println("libgehri: pure virtual function called");
    gehri::system::exit(-1);
}

// Static destructors never run (agents end with Exit), so registering them is a no-op.
extern "C" int __cxa_atexit(void (*)(void*), void*, void*) { return 0; }
void* __dso_handle = nullptr;
