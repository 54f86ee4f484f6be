#pragma once

#include <kernel/debug/SymbolTable.h>

namespace gehri::debug {

// The table embedded in the running kernel image (empty if the image carries none or it is
// malformed). Safe to call at any time, including from a crash report before boot finished.
// Kernel-only: the definition reads the image's .kernel_symbols section (kernel/init/).
const SymbolTable& kernel_symbols();

} // namespace gehri::debug
