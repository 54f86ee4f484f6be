#pragma once

#include <concepts>
#include <stddef.h>
#include <stdint.h>

namespace gehri::sched {

// A kernel stack's address range [bottom, top); the stack grows down from top.
struct StackRegion {
    uintptr_t bottom { 0 };
    uintptr_t top { 0 };

    constexpr size_t size() const { return top - bottom; }
    constexpr bool is_empty() const { return top <= bottom; }
    constexpr bool contains(uintptr_t address) const { return address >= bottom && address < top; }
};

// Anything that owns (or lends) a stack region: the mm subsystem's RAII KernelStack with
// guard pages, or a static array in early boot and tests. A thread keeps its provider alive
// for as long as the thread exists (see ThreadWithStack).
template<typename T>
concept StackProvider = requires(const T& stack) {
    { stack.bottom() } -> std::convertible_to<uintptr_t>;
    { stack.top() } -> std::convertible_to<uintptr_t>;
};

// A stack someone else owns for the whole life of the thread: a static array, the boot stack.
class BorrowedStack {
public:
    constexpr BorrowedStack(uintptr_t bottom, uintptr_t top)
        : m_bottom(bottom)
        , m_top(top)
    {
    }
    template<size_t Size>
    explicit BorrowedStack(uint8_t (&storage)[Size])
        : m_bottom(reinterpret_cast<uintptr_t>(storage))
        , m_top(reinterpret_cast<uintptr_t>(storage) + Size)
    {
    }

    uintptr_t bottom() const { return m_bottom; }
    uintptr_t top() const { return m_top; }

private:
    uintptr_t m_bottom;
    uintptr_t m_top;
};

static_assert(StackProvider<BorrowedStack>);

} // namespace gehri::sched
