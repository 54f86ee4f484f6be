#pragma once

#include <stdint.h>

namespace gehri::mm {

// How a page may be used. A mapping without flags is kernel-only, read-only and executable.
enum class PageFlags : uint8_t {
    None = 0,
    Writable = 1 << 0,
    User = 1 << 1,
    NoExecute = 1 << 2,
    Global = 1 << 3,   // survives address-space switches; for kernel-half mappings
    Uncached = 1 << 4, // device memory (MMIO)
};

constexpr PageFlags operator|(PageFlags a, PageFlags b) { return PageFlags(uint8_t(a) | uint8_t(b)); }
constexpr PageFlags operator&(PageFlags a, PageFlags b) { return PageFlags(uint8_t(a) & uint8_t(b)); }
constexpr PageFlags operator~(PageFlags a) { return PageFlags(~uint8_t(a) & 0x1F); }
constexpr PageFlags& operator|=(PageFlags& a, PageFlags b) { return a = a | b; }
constexpr bool has_flag(PageFlags flags, PageFlags flag) { return (flags & flag) == flag; }

enum class PageSize : uint8_t { Small, Large }; // 4 KiB, 2 MiB

} // namespace gehri::mm
