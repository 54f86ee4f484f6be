// The Linux side of `./gehri bench`: the same workloads Gehri runs, each printing BENCH lines.
#pragma once

namespace bench {

struct Workload {
    const char* name;
    void (*run)();
};

// Every workload, in the order they run.
const Workload* workloads(int& count);

// Where the tiny program for the spawn workloads lives (set from the command line).
void set_tiny_program(const char* path);

} // namespace bench
