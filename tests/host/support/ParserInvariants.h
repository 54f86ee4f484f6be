#pragma once

// What must hold for anything a parser accepts, written independently of the parsers so a
// parser bug cannot hide behind itself. Shared by the unit tests and the fuzz targets.
// Each check returns nullptr when every invariant holds, else the one that broke.

#include <kernel/boot/Initrd.h>
#include <kernel/loader/Elf64.h>
#include <cstring>
#include <user/init/Manifest.h>

namespace gehri::invariants {

inline bool inside(ReadonlyBytes outer, ReadonlyBytes inner)
{
    if (inner.is_empty())
        return true;
    auto begin = reinterpret_cast<uintptr_t>(outer.data());
    auto inner_begin = reinterpret_cast<uintptr_t>(inner.data());
    return inner_begin >= begin && inner.size() <= outer.size() && inner_begin - begin <= outer.size() - inner.size();
}

inline bool inside(StringView outer, StringView inner)
{
    return inside(ReadonlyBytes(reinterpret_cast<const uint8_t*>(outer.characters()), outer.length()),
        ReadonlyBytes(reinterpret_cast<const uint8_t*>(inner.characters()), inner.length()));
}

inline const char* check_elf(const loader::ElfImage& image, ReadonlyBytes file)
{
    using namespace loader;
    constexpr uint64_t page = 4096;
    if (image.segment_count() == 0 || image.segment_count() > max_loadable_segments)
        return "segment count out of range";
    uint64_t mapped = 0;
    bool entry_ok = false;
    for (size_t i = 0; i < image.segment_count(); ++i) {
        auto& s = image.segment(i);
        if (s.memory_size == 0 || s.file_size > s.memory_size)
            return "segment sizes inconsistent";
        if (s.file_offset > file.size() || s.file_size > file.size() - s.file_offset)
            return "segment file range outside the file";
        if (s.virtual_address < 0x10000 || s.virtual_address >= 0x00007ffffffff000
            || s.memory_size > 0x00007ffffffff000 - s.virtual_address)
            return "segment outside user space";
        if (s.writable && s.executable)
            return "writable and executable segment";
        if (s.alignment < page || (s.alignment & (s.alignment - 1)) || s.virtual_address % s.alignment != s.file_offset % s.alignment)
            return "bad alignment";
        if (i > 0) {
            auto& p = image.segment(i - 1);
            uint64_t previous_last_page = (p.virtual_address + p.memory_size - 1) / page;
            if (s.virtual_address / page <= previous_last_page)
                return "segments unsorted or sharing a page";
        }
        auto bytes = image.segment_bytes(i);
        if (bytes.size() != s.file_size || (s.file_size && bytes.data() != file.data() + s.file_offset))
            return "segment_bytes does not match the segment";
        mapped += ((s.virtual_address + s.memory_size + page - 1) / page - s.virtual_address / page) * page;
        if (s.executable && image.entry() >= s.virtual_address && image.entry() - s.virtual_address < s.file_size)
            entry_ok = true;
    }
    if (!entry_ok)
        return "entry point not in the file part of an executable segment";
    if (mapped != image.mapped_size())
        return "mapped_size wrong";
    // Re-read the raw header: an accepted file is a little-endian x86_64 ET_EXEC without
    // an interpreter or dynamic section.
    if (file.size() < 64 || std::memcmp(file.data(), "\x7f" "ELF\x02\x01\x01", 7) != 0)
        return "accepted a file with a bad identification";
    uint16_t type, machine, count;
    uint64_t table;
    std::memcpy(&type, file.data() + 16, 2);
    std::memcpy(&machine, file.data() + 18, 2);
    std::memcpy(&table, file.data() + 32, 8);
    std::memcpy(&count, file.data() + 56, 2);
    if (type != 2 || machine != 62)
        return "accepted a non-executable or non-x86_64 file";
    for (size_t i = 0; i < count; ++i) {
        uint32_t header_type;
        std::memcpy(&header_type, file.data() + table + i * 56, 4);
        if (header_type == 2 || header_type == 3)
            return "accepted a dynamically linked program";
    }
    return nullptr;
}

inline bool is_canonical_path(StringView path)
{
    if (path.is_empty() || path[0] == '/' || path[path.length() - 1] == '/')
        return false;
    for (size_t i = 0; i < path.length(); ++i) {
        bool at_start = i == 0 || path[i - 1] == '/';
        if (!at_start)
            continue;
        auto rest = path.substring(i);
        if (rest.starts_with("/") || rest == "." || rest.starts_with("./") || rest == ".." || rest.starts_with("../"))
            return false;
    }
    return true;
}

inline const char* check_initrd(const boot::Initrd& initrd, ReadonlyBytes archive)
{
    size_t count = 0;
    for (auto& entry : initrd) {
        ++count;
        if (!is_canonical_path(entry.path))
            return "non-canonical path listed";
        if (!inside(archive, entry.data))
            return "entry data outside the archive";
        if (!inside(StringView(reinterpret_cast<const char*>(archive.data()), archive.size()), entry.path))
            return "entry path outside the archive";
        auto found = initrd.find(entry.path);
        if (found.is_error() || !(found.value().path == entry.path) || found.value().kind != entry.kind)
            return "find() does not return a listed entry";
        if (initrd.file(entry.path).is_ok() != (entry.kind == boot::InitrdEntryKind::File))
            return "file() disagrees with the entry kind";
    }
    if (count != initrd.entry_count())
        return "entry_count() differs from the iteration";
    if (initrd.find("").is_ok() || initrd.find("TRAILER!!!").is_ok())
        return "found the root or the trailer";
    return nullptr;
}

inline const char* check_manifest(const swarm::Manifest& manifest, StringView text, size_t capacity)
{
    using namespace swarm;
    if (manifest.agent_count() == 0 || manifest.agent_count() > capacity)
        return "agent count out of range";
    for (size_t i = 0; i < manifest.agent_count(); ++i) {
        auto& agent = manifest.agent(i);
        if (agent.name.is_empty() || agent.program.is_empty() || !inside(text, agent.name) || !inside(text, agent.program))
            return "agent name or program empty or outside the text";
        if (manifest.find(agent.name) != &agent)
            return "find() does not return the agent (duplicate names?)";
        if (agent.replicas < 1 || agent.replicas > max_replicas || agent.weight < 1 || agent.weight > max_weight)
            return "replicas or weight out of range";
        if (agent.memory < min_memory || agent.memory > max_memory)
            return "memory out of range";
        if (agent.restart.max_restarts < 1 || agent.restart.max_restarts > max_restarts_limit
            || agent.restart.window_ms < 1 || agent.restart.window_ms > max_restart_window_ms)
            return "restart policy out of range";
        if (agent.capability_count > max_capabilities)
            return "too many capabilities";
        for (auto& capability : agent.capability_list()) {
            bool bare = capability.kind == CapabilityKind::Spawn || capability.kind == CapabilityKind::Display;
            if (bare != capability.resource.is_empty() || bare != (capability.rights == 0))
                return "capability resource or rights inconsistent with its kind";
            uint8_t allowed = capability.kind == CapabilityKind::Topic ? (Publish | Subscribe)
                : capability.kind == CapabilityKind::Blackboard        ? (Read | Write)
                : capability.kind == CapabilityKind::Channel           ? (Send | Receive)
                                                                       : 0;
            if (capability.rights & ~allowed)
                return "capability holds a right its kind does not have";
            if (!inside(text, capability.resource))
                return "capability resource outside the text";
        }
        if (agent.line == 0)
            return "agent without a line";
    }
    return nullptr;
}

} // namespace gehri::invariants
