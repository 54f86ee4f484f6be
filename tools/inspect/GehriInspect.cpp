// gehri-inspect: runs Gehri's own parsers over a file on the host and says what they make of
// it, or why they reject it, in the words the console would use.
//   gehri-inspect elf FILE              describe an agent executable
//   gehri-inspect initrd FILE [PATH]    list an initrd, or write one file of it to stdout
//   gehri-inspect manifest FILE         describe a swarm manifest
#include <cstdio>
#include <fstream>
#include <iterator>
#include <kernel/boot/Initrd.h>
#include <kernel/loader/Elf64.h>
#include <string>
#include <user/init/Manifest.h>
#include <vector>

using namespace gehri;

namespace {

std::string as_string(StringView view) { return std::string(view.characters(), view.length()); }

bool read_file(const char* path, std::vector<uint8_t>& out)
{
    std::ifstream file(path, std::ios::binary);
    if (!file)
        return false;
    out.assign(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
    return true;
}

int rejected(const char* path, const Diagnostic& diagnostic)
{
    std::fprintf(stderr, "%s: rejected: %s\n", path, diagnostic.c_str());
    return 1;
}

int inspect_elf(const char* path, ReadonlyBytes bytes)
{
    Diagnostic diagnostic;
    auto image = loader::ElfImage::parse(bytes, diagnostic);
    if (image.is_error())
        return rejected(path, diagnostic);
    auto& elf = image.value();
    std::printf("%s: static x86_64 executable, entry %#llx, %zu loadable segments, %llu bytes mapped\n", path,
        static_cast<unsigned long long>(elf.entry()), elf.segment_count(), static_cast<unsigned long long>(elf.mapped_size()));
    for (size_t i = 0; i < elf.segment_count(); ++i) {
        auto& s = elf.segment(i);
        std::printf("  %#014llx +%#-9llx %c%c%c  file %#llx +%#llx  align %#llx\n", static_cast<unsigned long long>(s.virtual_address),
            static_cast<unsigned long long>(s.memory_size), s.readable ? 'r' : '-', s.writable ? 'w' : '-', s.executable ? 'x' : '-',
            static_cast<unsigned long long>(s.file_offset), static_cast<unsigned long long>(s.file_size), static_cast<unsigned long long>(s.alignment));
    }
    return 0;
}

int inspect_initrd(const char* path, ReadonlyBytes bytes, const char* member)
{
    Diagnostic diagnostic;
    auto initrd = boot::Initrd::create(bytes, diagnostic);
    if (initrd.is_error())
        return rejected(path, diagnostic);
    if (member) {
        auto data = initrd.value().file(member);
        if (data.is_error()) {
            std::fprintf(stderr, "%s: %s: %s\n", path, member, error_name(data.error()));
            return 1;
        }
        std::fwrite(data.value().data(), 1, data.value().size(), stdout);
        return 0;
    }
    for (auto& entry : initrd.value()) {
        const char* kind = entry.kind == boot::InitrdEntryKind::File ? "file"
            : entry.kind == boot::InitrdEntryKind::Directory         ? "dir"
            : entry.kind == boot::InitrdEntryKind::Symlink           ? "link"
                                                                     : "other";
        std::printf("%-5s %06o %10zu %s\n", kind, entry.mode, entry.data.size(), as_string(entry.path).c_str());
    }
    return 0;
}

int inspect_manifest(const char* path, ReadonlyBytes bytes)
{
    std::vector<swarm::AgentSpec> storage(256);
    Diagnostic diagnostic;
    StringView text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    auto manifest = swarm::Manifest::parse(path, text, { storage.data(), storage.size() }, diagnostic);
    if (manifest.is_error()) {
        std::fprintf(stderr, "%s\n", diagnostic.c_str());
        return 1;
    }
    std::printf("%s: %zu agents, %llu replicas\n", path, manifest.value().agent_count(),
        static_cast<unsigned long long>(manifest.value().total_replicas()));
    for (auto& agent : manifest.value().agents()) {
        std::string restart = as_string(swarm::restart_strategy_name(agent.restart.strategy));
        if (agent.restart.strategy != swarm::RestartStrategy::Never)
            restart += " max=" + std::to_string(agent.restart.max_restarts) + " within=" + std::to_string(agent.restart.window_ms) + "ms";
        std::printf("  %s: program %s, %u x %llu bytes, class %s weight %u, restart %s, %zu capabilities\n",
            as_string(agent.name).c_str(), as_string(agent.program).c_str(), agent.replicas, static_cast<unsigned long long>(agent.memory),
            as_string(swarm::scheduling_class_name(agent.scheduling_class)).c_str(), agent.weight, restart.c_str(), agent.capability_count);
    }
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    if (argc < 3 || argc > 4 || (argc == 4 && std::string(argv[1]) != "initrd")) {
        std::fprintf(stderr, "usage: gehri-inspect elf FILE | initrd FILE [PATH] | manifest FILE\n");
        return 2;
    }
    std::vector<uint8_t> bytes;
    if (!read_file(argv[2], bytes)) {
        std::fprintf(stderr, "gehri-inspect: cannot read %s\n", argv[2]);
        return 2;
    }
    ReadonlyBytes view(bytes.data(), bytes.size());
    std::string kind = argv[1];
    if (kind == "elf")
        return inspect_elf(argv[2], view);
    if (kind == "initrd")
        return inspect_initrd(argv[2], view, argc == 4 ? argv[3] : nullptr);
    if (kind == "manifest")
        return inspect_manifest(argv[2], view);
    std::fprintf(stderr, "gehri-inspect: unknown kind '%s' (elf, initrd or manifest)\n", argv[1]);
    return 2;
}
