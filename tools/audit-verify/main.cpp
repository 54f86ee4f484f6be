// gehri-audit-verify [--anchor HASH] FILE: checks a Gehri audit log (plain JSON lines, or a
// serial console capture with "AUDIT " lines). Exit status 0: intact; 1: not intact, the first
// problem is printed; 2: usage or I/O error.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <tools/audit-verify/Verifier.h>

namespace {

int usage()
{
    std::fprintf(stderr,
        "usage: gehri-audit-verify [--anchor HASH] FILE\n"
        "  FILE           a serial console capture or a file of audit JSON lines (- for stdin)\n"
        "  --anchor HASH  also require a record with this hash (a checkpoint or head hash\n"
        "                 obtained independently), so a rewritten-and-rehashed log fails\n");
    return 2;
}

} // namespace

int main(int argc, char** argv)
{
    gehri::audit::verify::Options options;
    std::string name;
    for (int i = 1; i < argc; ++i) {
        std::string argument = argv[i];
        if (argument == "--anchor" && i + 1 < argc) {
            gehri::audit::Sha256Digest anchor;
            std::string hex = argv[++i];
            if (!gehri::audit::parse_hex({ hex.data(), hex.size() }, anchor)) {
                std::fprintf(stderr, "gehri-audit-verify: --anchor needs 64 hex digits\n");
                return 2;
            }
            options.anchor = anchor;
        } else if (argument == "-h" || argument == "--help" || !name.empty() || (argument.size() > 1 && argument[0] == '-')) {
            return usage();
        } else {
            name = argument;
        }
    }
    if (name.empty())
        return usage();

    std::ostringstream contents;
    if (name == "-") {
        contents << std::cin.rdbuf();
        name = "<stdin>";
    } else {
        std::ifstream file(name, std::ios::binary);
        if (!file) {
            std::fprintf(stderr, "gehri-audit-verify: cannot open %s: %s\n", name.c_str(), std::strerror(errno));
            return 2;
        }
        contents << file.rdbuf();
    }
    auto report = gehri::audit::verify::verify_log(contents.str(), options);
    std::string text = gehri::audit::verify::describe(report, name);
    std::fputs(text.c_str(), report.intact() ? stdout : stderr);
    return report.intact() ? 0 : 1;
}
