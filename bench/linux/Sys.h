// Small wrappers over the system calls the workloads share: whole reads and writes, pipes that
// are not inherited across exec, forking a child that runs a function, and meminfo.
#pragma once

#include <cstddef>
#include <cstdint>
#include <sys/types.h>

namespace bench {

// Reads exactly `size` bytes; false at end of file or on an error.
bool read_exact(int fd, void* buffer, size_t size);
bool write_exact(int fd, const void* buffer, size_t size);

struct Pipe {
    int read_end { -1 };
    int write_end { -1 };
};
// A pipe with O_CLOEXEC on both ends; exits the program if the kernel refuses.
Pipe make_pipe();

// Forks a child that runs `body(argument)` and exits with its return value.
pid_t fork_child(int (*body)(void*), void* argument);
// Waits for `pid`; true when it exited with status 0.
bool reap(pid_t pid);

// In a child: keeps only `in` as fd 0 and `out` as fd 1, closes every other descriptor (so a
// thousand subscribers do not each hold a thousand siblings' pipe ends).
void keep_only(int in, int out);

// A field of /proc/meminfo in KiB, or -1.
long meminfo_kib(const char* field);

// Lets this process hold `count` descriptors.
void raise_descriptor_limit(size_t count);

[[noreturn]] void fail(const char* what);

} // namespace bench
