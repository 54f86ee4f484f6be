// Timing and the BENCH line format shared with Gehri's in-kernel benchmarks.
//
// Under `-icount shift=0,sleep=off` the guest clock advances one nanosecond per guest
// instruction, so a CLOCK_MONOTONIC delta in nanoseconds is a count of guest instructions.
// On a real machine (the host reference run) the same numbers are nanoseconds.
#pragma once

#include <cstdint>
#include <cstdio>
#include <ctime>

namespace bench {

inline uint64_t now_ns()
{
    timespec ts {};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000ull + static_cast<uint64_t>(ts.tv_nsec);
}

// The unit printed for a time: "instructions" inside the icount guest, "ns" natively.
const char* time_unit();
void set_time_unit(const char* unit);

// BENCH name=<workload> unit=<unit> value=<n> iterations=<k> [extra]
inline void report(const char* name, const char* unit, uint64_t value, uint64_t iterations, const char* extra = "")
{
    std::printf("BENCH name=%s unit=%s value=%llu iterations=%llu%s%s\n", name, unit,
        static_cast<unsigned long long>(value), static_cast<unsigned long long>(iterations), *extra ? " " : "", extra);
    std::fflush(stdout);
}

inline void report_time(const char* name, uint64_t total, uint64_t operations, const char* extra = "")
{
    report(name, time_unit(), (total + operations / 2) / operations, operations, extra);
}

// The reason runs to the end of the line.
inline void report_unavailable(const char* name, const char* reason)
{
    std::printf("BENCH name=%s unavailable=%s\n", name, reason);
    std::fflush(stdout);
}

} // namespace bench
