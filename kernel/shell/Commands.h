#pragma once

#include <kernel/lib/Format.h>

// The kernel console's commands (ps, kill, log, help; top is driven by the console loop,
// kernel/init/KernelConsole.cpp, which redraws `ps` sorted by CPU use). Each writes its answer
// to `out`; an unknown command or bad arguments get a one-line explanation.
namespace gehri::shell {

void run_command(StringView line, FormatSink& out);

// The process table, one line per agent alive (at most `limit`). With `by_cpu`, the agents that
// used the most CPU come first.
void write_process_table(FormatSink& out, size_t limit, bool by_cpu);

} // namespace gehri::shell
