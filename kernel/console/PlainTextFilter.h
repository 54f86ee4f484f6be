#pragma once

#include <kernel/console/AnsiParser.h>
#include <kernel/console/Console.h>

namespace gehri::console {

// Passes text to a device with every escape sequence taken out, for devices that do not
// interpret them (the serial log stays plain text that tests can grep). Remembers a
// sequence left unfinished at the end of one write.
class PlainTextFilter {
public:
    void write_to(ConsoleDevice& device, StringView text);

private:
    AnsiParser m_parser;
};

} // namespace gehri::console
