#include <kernel/console/PlainTextFilter.h>

namespace gehri::console {

void PlainTextFilter::write_to(ConsoleDevice& device, StringView text)
{
    // Hand the device whole runs of plain bytes: one call per run, not per byte.
    size_t run_start = 0;
    for (size_t i = 0; i < text.length(); ++i) {
        auto action = m_parser.feed(static_cast<uint8_t>(text[i]));
        if (action == AnsiParser::Action::Print || action == AnsiParser::Action::Execute)
            continue;
        if (i > run_start)
            device.write(text.substring(run_start, i - run_start));
        run_start = i + 1;
    }
    if (text.length() > run_start)
        device.write(text.substring(run_start));
}

} // namespace gehri::console
