#pragma once

#include <stdint.h>

namespace gehri::arch {

// Instructions that are allowed to fault in the kernel (the user-copy routines), with where
// to resume when they do. Assembly adds an entry with
//     .section .exception_fixups, "a"
//     .quad faulting_instruction, fixup
// and the linker gathers them between __exception_fixups_start and __exception_fixups_end.
struct ExceptionFixup {
    uint64_t instruction;
    uint64_t fixup;
};

// Where to resume after a fault at `instruction`, or 0 if that instruction may not fault.
uint64_t find_exception_fixup(uint64_t instruction);

} // namespace gehri::arch
