#include <kernel/lib/Spinlock.h>
#include <kernel/log/History.h>

namespace gehri::log {

namespace {
Spinlock s_lock;
char s_ring[history_bytes];
uint64_t s_written = 0; // bytes ever written; the ring holds the last history_bytes

char at(uint64_t position) { return s_ring[position % history_bytes]; }
} // namespace

void remember_line(StringView line)
{
    InterruptSafeGuard guard(s_lock);
    for (size_t i = 0; i < line.length(); ++i)
        s_ring[s_written++ % history_bytes] = line[i];
}

void write_history(FormatSink& sink, size_t max_lines)
{
    // Copied out under the lock, written to the (slow) sink without it.
    char copy[4096];
    size_t length = 0;
    {
        InterruptSafeGuard guard(s_lock);
        uint64_t oldest = s_written > history_bytes ? s_written - history_bytes : 0;
        if (s_written - oldest > sizeof(copy))
            oldest = s_written - sizeof(copy);
        // Walk back over max_lines line ends (the last byte is the newest line's '\n').
        uint64_t start = s_written;
        size_t lines = 0;
        while (start > oldest) {
            if (at(start - 1) == '\n' && start != s_written && ++lines == max_lines)
                break;
            --start;
        }
        // A line cut at the start of what is kept is skipped.
        if (start == oldest && oldest > 0) {
            while (start < s_written && at(start) != '\n')
                ++start;
            ++start;
        }
        for (uint64_t position = start; position < s_written; ++position)
            copy[length++] = at(position);
    }
    sink.write({ copy, length });
}

} // namespace gehri::log
