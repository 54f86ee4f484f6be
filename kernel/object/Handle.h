#pragma once

#include <stdint.h>

// Shared by the kernel and libgehri: the handle value an agent holds is ABI.
namespace gehri {

// A handle as an agent sees it: 32 bits naming one entry of its agent's handle table. The low
// bits are the entry's index, the high bits the entry's generation, which changes every time
// the entry is closed, so a closed handle stays invalid after its entry is reused. No valid
// handle is 0.
using HandleValue = uint32_t;
constexpr HandleValue invalid_handle = 0;

} // namespace gehri
