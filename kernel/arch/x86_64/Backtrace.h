#pragma once

#include <stddef.h>
#include <stdint.h>

namespace gehri::arch {

// Walks the frame-pointer chain (the kernel is built with -fno-omit-frame-pointer) from
// `frame_pointer`, storing return addresses. Every read goes through probe_read_u64, so a
// corrupt chain ends the walk instead of faulting. Returns the number of addresses stored.
size_t capture_backtrace(uint64_t frame_pointer, uint64_t* return_addresses, size_t capacity);

// Prints "  #N 0x<address> function+0xoffset" per frame, numbering from first_index.
// Return addresses are symbolized one byte back, so a call that ends a function is still
// attributed to the caller rather than to whatever follows it.
void print_backtrace(uint64_t frame_pointer, size_t first_index = 0);
void print_backtrace_line(size_t index, uint64_t return_address);

// For a report on an interrupted context: the interrupted function's return address when its
// caller is missing from the frame chain that starts at the interrupted RBP. That happens in a
// leaf function that uses no stack (the compiler gives it no frame record even with
// -fno-omit-frame-pointer) and in a prologue before `mov %rsp, %rbp` (a stack overflow faults
// right there). Returns 0 when RBP already is the function's own frame or nothing is known.
uint64_t return_address_missing_from_chain(uint64_t rip, uint64_t rsp);

// Prints the backtrace of the calling function's callers.
[[gnu::noinline]] void print_current_backtrace();

} // namespace gehri::arch

// A load that may fault: returns false instead of crashing when `address` is unmapped or
// non-canonical (InterruptStubs.S; the exception dispatcher resumes it at its fixup).
extern "C" bool probe_read_u64(const uint64_t* address, uint64_t* value);
