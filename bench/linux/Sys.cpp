#include "Sys.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace bench {

bool read_exact(int fd, void* buffer, size_t size)
{
    auto* bytes = static_cast<char*>(buffer);
    while (size > 0) {
        ssize_t got = read(fd, bytes, size);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return false;
        bytes += got;
        size -= static_cast<size_t>(got);
    }
    return true;
}

bool write_exact(int fd, const void* buffer, size_t size)
{
    auto* bytes = static_cast<const char*>(buffer);
    while (size > 0) {
        ssize_t put = write(fd, bytes, size);
        if (put < 0 && errno == EINTR)
            continue;
        if (put <= 0)
            return false;
        bytes += put;
        size -= static_cast<size_t>(put);
    }
    return true;
}

Pipe make_pipe()
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0)
        fail("pipe2");
    return { fds[0], fds[1] };
}

pid_t fork_child(int (*body)(void*), void* argument)
{
    std::fflush(nullptr);
    pid_t pid = fork();
    if (pid < 0)
        fail("fork");
    if (pid == 0)
        _exit(body(argument));
    return pid;
}

bool reap(pid_t pid)
{
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR)
            return false;
    }
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

void keep_only(int in, int out)
{
    if (dup2(in, 0) < 0 || dup2(out, 1) < 0)
        _exit(90);
    // close_range(3, ~0U, 0); called directly so an older libc still links.
    if (syscall(SYS_close_range, 3u, ~0u, 0u) != 0) {
        for (int fd = 3; fd < 65536; ++fd)
            close(fd);
    }
}

long meminfo_kib(const char* field)
{
    FILE* file = std::fopen("/proc/meminfo", "r");
    if (!file)
        return -1;
    char line[256];
    long value = -1;
    size_t length = std::strlen(field);
    while (std::fgets(line, sizeof(line), file)) {
        if (std::strncmp(line, field, length) == 0 && line[length] == ':') {
            value = std::strtol(line + length + 1, nullptr, 10);
            break;
        }
    }
    std::fclose(file);
    return value;
}

void raise_descriptor_limit(size_t count)
{
    rlimit limit {};
    getrlimit(RLIMIT_NOFILE, &limit);
    if (limit.rlim_cur >= count)
        return;
    limit.rlim_cur = count;
    if (limit.rlim_max < count)
        limit.rlim_max = count; // only root may raise the hard limit; /init is root
    if (setrlimit(RLIMIT_NOFILE, &limit) != 0)
        fail("setrlimit(RLIMIT_NOFILE)");
}

void fail(const char* what)
{
    std::printf("BENCH-ERROR %s: %s\n", what, std::strerror(errno));
    std::fflush(stdout);
    std::exit(1);
}

} // namespace bench
