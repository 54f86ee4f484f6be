#pragma once

#include <kernel/syscall/Abi.h>
#include <stdint.h>

// Raw x86_64 system calls (the convention is in kernel/syscall/Abi.h): the number in rax,
// arguments in rdi, rsi, rdx, r10, r8, r9; the kernel clobbers rcx, r11 and every argument
// register, and returns in rax.
namespace gehri::system::raw {

inline int64_t syscall0(abi::Syscall number)
{
    int64_t result;
    asm volatile("syscall"
                 : "=a"(result)
                 : "a"(static_cast<uint64_t>(number))
                 : "rcx", "r11", "rdi", "rsi", "rdx", "r8", "r9", "r10", "memory");
    return result;
}

inline int64_t syscall3(abi::Syscall number, uint64_t a, uint64_t b = 0, uint64_t c = 0)
{
    int64_t result;
    register uint64_t r10 asm("r10") = 0;
    register uint64_t r8 asm("r8") = 0;
    register uint64_t r9 asm("r9") = 0;
    asm volatile("syscall"
                 : "=a"(result), "+D"(a), "+S"(b), "+d"(c), "+r"(r10), "+r"(r8), "+r"(r9)
                 : "a"(static_cast<uint64_t>(number))
                 : "rcx", "r11", "memory");
    return result;
}

inline int64_t syscall4(abi::Syscall number, uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
    int64_t result;
    register uint64_t r10 asm("r10") = d;
    register uint64_t r8 asm("r8") = 0;
    register uint64_t r9 asm("r9") = 0;
    asm volatile("syscall"
                 : "=a"(result), "+D"(a), "+S"(b), "+d"(c), "+r"(r10), "+r"(r8), "+r"(r9)
                 : "a"(static_cast<uint64_t>(number))
                 : "rcx", "r11", "memory");
    return result;
}

// Any number, all six arguments: for tests that pass whatever they like.
inline int64_t syscall6(uint64_t number, uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e, uint64_t f)
{
    int64_t result;
    register uint64_t r10 asm("r10") = d;
    register uint64_t r8 asm("r8") = e;
    register uint64_t r9 asm("r9") = f;
    asm volatile("syscall"
                 : "=a"(result), "+D"(a), "+S"(b), "+d"(c), "+r"(r10), "+r"(r8), "+r"(r9)
                 : "a"(number)
                 : "rcx", "r11", "memory");
    return result;
}

} // namespace gehri::system::raw
