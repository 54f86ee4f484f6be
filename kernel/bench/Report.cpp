#include <kernel/bench/Report.h>
#include <kernel/console/Console.h>

namespace gehri::bench {

void report_instructions(StringView name, uint64_t total, uint64_t operations, StringView extra)
{
    uint64_t per_operation = operations == 0 ? 0 : (total + operations / 2) / operations;
    console::print("BENCH name={} unit=instructions value={} iterations={}{}{}\n", name, per_operation, operations,
        extra.is_empty() ? "" : " ", extra);
}

void report_unavailable(StringView name, StringView reason)
{
    console::print("BENCH name={} unavailable={}\n", name, reason);
}

} // namespace gehri::bench
