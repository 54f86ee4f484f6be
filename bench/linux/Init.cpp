// The Linux guest's /init for `./gehri bench`: sets up the bare minimum (proc, the console,
// loopback), runs every workload, runs the DDS benchmark if it is in the image, and powers off
// through isa-debug-exit. Also runs natively as an ordinary program (`--unit ns`) for a quick
// look on the host; then it neither mounts nor powers anything off.
#include "Report.h"
#include "Sys.h"
#include "Workloads.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <net/if.h>
#include <spawn.h>
#include <string>
#include <sys/io.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace bench {

namespace {

const char* s_time_unit = "ns";

constexpr const char* dds_program = "/usr/bin/ddsbench";
constexpr uint16_t qemu_exit_port = 0xf4;
constexpr uint8_t qemu_exit_pass = 0x10; // QEMU exits with status (0x10 << 1) | 1 = 33

void mount_or_warn(const char* source, const char* target, const char* type)
{
    mkdir(target, 0755);
    if (mount(source, target, type, 0, nullptr) != 0 && errno != EBUSY)
        std::printf("BENCH-WARNING mount %s on %s: %s\n", type, target, std::strerror(errno));
}

// Cyclone DDS needs an interface that is up and can multicast; the loopback device alone
// does, once it is told so (the kernel gives it 127.0.0.1 when it comes up).
void bring_up_loopback()
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return;
    ifreq request {};
    std::strncpy(request.ifr_name, "lo", IFNAMSIZ - 1);
    if (ioctl(fd, SIOCGIFFLAGS, &request) == 0) {
        request.ifr_flags |= IFF_UP | IFF_RUNNING | IFF_MULTICAST;
        if (ioctl(fd, SIOCSIFFLAGS, &request) != 0)
            std::printf("BENCH-WARNING cannot bring up lo: %s\n", std::strerror(errno));
    }
    close(fd);
}

// Debian's kernel allows a socket at most 208 KiB of receive buffer; Cyclone DDS asks for
// more (bench/dds/cyclonedds.xml) and, without it, drops discovery datagrams by the million
// once ~100 participants share one CPU. 4 MiB is what the host the first results came from
// allows (net.core.rmem_max), so the guest's DDS gets the same room as the host run.
constexpr const char* socket_receive_buffer_max = "4194304";

void write_setting(const char* path, const char* value)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, value, std::strlen(value)) < 0)
        std::printf("BENCH-WARNING cannot set %s to %s: %s\n", path, value, std::strerror(errno));
    if (fd >= 0)
        close(fd);
}

void set_up_as_init()
{
    mount_or_warn("proc", "/proc", "proc");
    mount_or_warn("sysfs", "/sys", "sysfs");
    mount_or_warn("devtmpfs", "/dev", "devtmpfs");
    mount_or_warn("tmpfs", "/tmp", "tmpfs");
    mount_or_warn("tmpfs", "/dev/shm", "tmpfs");
    if (fcntl(1, F_GETFD) < 0) {
        int console = open("/dev/console", O_RDWR);
        if (console >= 0) {
            dup2(console, 0);
            dup2(console, 1);
            dup2(console, 2);
        }
    }
    bring_up_loopback();
    write_setting("/proc/sys/net/core/rmem_max", socket_receive_buffer_max);
}

[[noreturn]] void power_off()
{
    std::fflush(nullptr);
    sync();
    if (ioperm(qemu_exit_port, 4, 1) == 0)
        outb(qemu_exit_pass, qemu_exit_port);
    reboot(RB_POWER_OFF);
    for (;;)
        pause();
}

bool selected(const char* name, const char* only)
{
    if (!only || !*only)
        return true;
    std::string list = std::string(",") + only + ",";
    return list.find(std::string(",") + name + ",") != std::string::npos;
}

void run_dds(const char* only)
{
    if (!selected("dds", only))
        return;
    if (access(dds_program, X_OK) != 0) {
        report_unavailable("dds_rtt", "ddsbench is not in the image");
        return;
    }
    setenv("CYCLONEDDS_URI", "file:///etc/cyclonedds.xml", 0);
    char unit_argument[64];
    std::snprintf(unit_argument, sizeof(unit_argument), "--unit=%s", time_unit());
    // ddswidths=, ddsdeadline=, ddsrounds= on the kernel command line reach us as variables.
    char widths_argument[96], deadline_argument[64], rounds_argument[64];
    std::snprintf(widths_argument, sizeof(widths_argument), "--widths=%s", std::getenv("ddswidths") ?: "10,100,1000");
    std::snprintf(deadline_argument, sizeof(deadline_argument), "--deadline-s=%s", std::getenv("ddsdeadline") ?: "60");
    std::snprintf(rounds_argument, sizeof(rounds_argument), "--fanout-rounds=%s", std::getenv("ddsrounds") ?: "20");
    char* argv[] = { const_cast<char*>("ddsbench"), unit_argument, widths_argument, deadline_argument, rounds_argument, nullptr };
    std::fflush(nullptr);
    pid_t pid;
    if (int error = posix_spawn(&pid, dds_program, nullptr, nullptr, argv, environ); error != 0) {
        std::printf("BENCH-ERROR cannot start ddsbench: %s\n", std::strerror(error));
        return;
    }
    int status = 0;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        std::printf("BENCH-WARNING ddsbench ended with status %#x\n", status);
}

// UDP counters after the DDS run: receive-buffer overflows explain a slow discovery.
void print_udp_counters()
{
    FILE* file = std::fopen("/proc/net/snmp", "r");
    if (!file)
        return;
    char line[512];
    while (std::fgets(line, sizeof(line), file)) {
        if (std::strncmp(line, "Udp:", 4) == 0)
            std::printf("BENCH-NOTE %s", line);
    }
    std::fclose(file);
}

} // namespace

const char* time_unit() { return s_time_unit; }
void set_time_unit(const char* unit) { s_time_unit = unit; }

} // namespace bench

int main(int argc, char** argv)
{
    using namespace bench;
    bool as_init = getpid() == 1;
    const char* only = std::getenv("benchonly"); // from the kernel command line
    if (as_init) {
        set_up_as_init();
        set_time_unit("instructions");
    }
    for (int i = 1; i < argc; ++i) {
        if (std::strncmp(argv[i], "--unit=", 7) == 0)
            set_time_unit(argv[i] + 7);
        else if (std::strncmp(argv[i], "--tiny=", 7) == 0)
            set_tiny_program(argv[i] + 7);
        else if (std::strncmp(argv[i], "--only=", 7) == 0)
            only = argv[i] + 7;
    }

    utsname system {};
    uname(&system);
    std::printf("BENCH-SYSTEM os=Linux release=%s unit=%s\n", system.release, time_unit());
    std::fflush(stdout);
    int count = 0;
    const Workload* all = workloads(count);
    for (int i = 0; i < count; ++i) {
        if (selected(all[i].name, only))
            all[i].run();
    }
    if (as_init) {
        run_dds(only);
        print_udp_counters();
    }
    std::printf("BENCH-DONE\n");
    if (as_init)
        power_off();
    return 0;
}
