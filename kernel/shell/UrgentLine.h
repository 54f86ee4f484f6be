#pragma once

#include <stddef.h>
#include <stdint.h>

namespace gehri::shell {

// Watches the serial bytes in the receive interrupt, ahead of the console thread, for the one
// command that must not wait for any thread to be scheduled: `freeze` (and `kill-all`, which
// freezes first). It applies the console's own line editing (backspace, the 120-byte limit)
// so that it sees the line the console will execute. The console thread still executes and
// audits the line; this only makes the freeze take hold before that thread runs, however the
// agents load the CPUs.
class UrgentLineWatcher {
public:
    static constexpr size_t max_line = 120; // the console's

    enum class Urgent : uint8_t { None, Freeze };

    Urgent feed(uint8_t byte);

private:
    char m_line[max_line] {};
    size_t m_length { 0 };
};

} // namespace gehri::shell
