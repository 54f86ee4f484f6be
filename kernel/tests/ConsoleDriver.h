#pragma once

#include <kernel/lib/Format.h>
#include <kernel/shell/Commands.h>

// Types a line at the kernel console, as a person would, and keeps what the command printed:
// how the tests drive the human controls (kill, ps, cosign, lift, ...).
namespace gehri::ktest {

class ConsoleDriver {
public:
    // What the command printed (up to 4 KiB), valid until the next run.
    StringView run(StringView line)
    {
        m_sink = BufferSink(m_buffer, sizeof(m_buffer));
        shell::run_command(line, m_sink);
        return m_sink.view();
    }

private:
    char m_buffer[4096];
    BufferSink m_sink { m_buffer, sizeof(m_buffer) };
};

} // namespace gehri::ktest
