// operator new and delete for the kernel, on top of mm::Heap. There are no exceptions: the
// plain forms panic when memory runs out, so kernel code allocates with `new (std::nothrow)`
// or make_owned()/adopt_own_if_nonnull() and returns Error::OutOfMemory instead.
#include <kernel/log/Panic.h>
#include <kernel/mm/Heap.h>
#include <new>

// libsupc++ normally defines this; a freestanding kernel has to.
namespace std {
const nothrow_t nothrow {};
}

namespace {

using gehri::mm::Heap;

void* allocate_or_null(size_t size, size_t alignment)
{
    auto result = Heap::the().allocate(size, alignment);
    return result.is_ok() ? result.value() : nullptr;
}

void* allocate_or_panic(size_t size, size_t alignment)
{
    auto result = Heap::the().allocate(size, alignment);
    if (result.is_error())
        PANIC("operator new: no memory for {} bytes ({}); fallible code must use new (std::nothrow) or make_owned",
            size, gehri::error_name(result.error()));
    return result.value();
}

void release(void* pointer) { Heap::the().free(pointer); }

constexpr size_t default_alignment = __STDCPP_DEFAULT_NEW_ALIGNMENT__;

} // namespace

void* operator new(size_t size) { return allocate_or_panic(size, default_alignment); }
void* operator new[](size_t size) { return allocate_or_panic(size, default_alignment); }
void* operator new(size_t size, std::align_val_t alignment) { return allocate_or_panic(size, static_cast<size_t>(alignment)); }
void* operator new[](size_t size, std::align_val_t alignment) { return allocate_or_panic(size, static_cast<size_t>(alignment)); }

void* operator new(size_t size, const std::nothrow_t&) noexcept { return allocate_or_null(size, default_alignment); }
void* operator new[](size_t size, const std::nothrow_t&) noexcept { return allocate_or_null(size, default_alignment); }
void* operator new(size_t size, std::align_val_t alignment, const std::nothrow_t&) noexcept { return allocate_or_null(size, static_cast<size_t>(alignment)); }
void* operator new[](size_t size, std::align_val_t alignment, const std::nothrow_t&) noexcept { return allocate_or_null(size, static_cast<size_t>(alignment)); }

void operator delete(void* pointer) noexcept { release(pointer); }
void operator delete[](void* pointer) noexcept { release(pointer); }
void operator delete(void* pointer, size_t) noexcept { release(pointer); }
void operator delete[](void* pointer, size_t) noexcept { release(pointer); }
void operator delete(void* pointer, std::align_val_t) noexcept { release(pointer); }
void operator delete[](void* pointer, std::align_val_t) noexcept { release(pointer); }
void operator delete(void* pointer, size_t, std::align_val_t) noexcept { release(pointer); }
void operator delete[](void* pointer, size_t, std::align_val_t) noexcept { release(pointer); }
void operator delete(void* pointer, const std::nothrow_t&) noexcept { release(pointer); }
void operator delete[](void* pointer, const std::nothrow_t&) noexcept { release(pointer); }
void operator delete(void* pointer, std::align_val_t, const std::nothrow_t&) noexcept { release(pointer); }
void operator delete[](void* pointer, std::align_val_t, const std::nothrow_t&) noexcept { release(pointer); }
