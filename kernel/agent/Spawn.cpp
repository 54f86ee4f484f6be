#include <kernel/agent/ProgramPages.h>
#include <kernel/agent/Spawn.h>
#include <kernel/agent/SystemInitrd.h>
#include <kernel/agent/UserMode.h>
#include <kernel/loader/Elf64.h>
#include <string.h>

namespace gehri::agent {

namespace {

using mm::PageFlags;

// Where the executable's bytes are: only a boot file's stay put for as long as the system runs,
// so only its read-only segments are shared between agents.
enum class Source { Copied, BootFile };

PageFlags flags_for(const loader::ElfSegment& segment)
{
    PageFlags flags = PageFlags::None;
    if (segment.writable)
        flags |= PageFlags::Writable;
    if (!segment.executable)
        flags |= PageFlags::NoExecute;
    return flags;
}

// Read-only segments of a boot file map the frames every agent of that file shares; the rest
// get a private copy.
Result<void> map_segment(object::Agent& agent, const loader::ElfImage& image, size_t index, Source source)
{
    const loader::ElfSegment& segment = image.segment(index);
    ReadonlyBytes bytes = image.segment_bytes(index);
    if (source == Source::BootFile && !segment.writable && segment.page_end() - segment.page_start() <= SharedPages::max_bytes) {
        auto pages = TRY(shared_segment_pages(image.file(), segment, bytes));
        return agent.memory().map_shared(segment.page_start(), flags_for(segment), *pages, UserAddressSpace::Charge::Yes);
    }
    return agent.memory().map_region(segment.page_start(), segment.page_end(), flags_for(segment),
        [&](uint64_t page, uint8_t* destination) { fill_segment_page(segment, bytes, page, destination); });
}

Result<void> map_segments(object::Agent& agent, const loader::ElfImage& image, Source source, Diagnostic& diagnostic)
{
    for (size_t i = 0; i < image.segment_count(); ++i) {
        auto mapped = map_segment(agent, image, i, source);
        if (mapped.is_error())
            return diagnostic.fail(mapped.error(), "segment {} at {:#x}: cannot map it ({})", i, image.segment(i).virtual_address, error_name(mapped.error()));
    }
    return {};
}

Result<uint64_t> map_stack(object::Agent& agent, const loader::ElfImage& image, uint64_t size, Diagnostic& diagnostic)
{
    size = mm::align_up(size, mm::page_size);
    if (size == 0 || size > max_user_stack_size)
        return diagnostic.fail(Error::InvalidArgument, "stack size {} is not between 1 byte and {} bytes", size, max_user_stack_size);
    uint64_t image_end = 0;
    for (size_t i = 0; i < image.segment_count(); ++i)
        image_end = image.segment(i).page_end() > image_end ? image.segment(i).page_end() : image_end;
    uint64_t top = first_stack_top(image_end, size);
    uint64_t bottom = top - size;
    // Keep the guard page below and the page above the stack free of the program's segments.
    uint64_t keep_free_from = bottom - mm::page_size;
    uint64_t keep_free_to = top + mm::page_size;
    for (size_t i = 0; i < image.segment_count(); ++i) {
        const loader::ElfSegment& segment = image.segment(i);
        if (segment.page_start() < keep_free_to && keep_free_from < segment.page_end())
            return diagnostic.fail(Error::InvalidArgument, "segment {} at {:#x} overlaps the stack area [{:#x}, {:#x})", i,
                segment.virtual_address, keep_free_from, keep_free_to);
    }
    auto mapped = agent.memory().reserve_demand_zero(bottom, top, PageFlags::Writable | PageFlags::NoExecute);
    if (mapped.is_error())
        return diagnostic.fail(mapped.error(), "cannot map the stack ({})", error_name(mapped.error()));
    return top;
}


Result<SpawnedAgent> spawn(ReadonlyBytes executable, Source source, const SpawnOptions& options, Diagnostic& diagnostic)
{
    if (!user_mode_available())
        return diagnostic.fail(Error::NotSupported, "user mode is not set up on this CPU");
    auto image = TRY(loader::ElfImage::parse(executable, diagnostic));
    auto created = object::Agent::create(options.name,
        { .memory_quota = options.memory_quota, .priority_class = options.priority_class, .weight = options.weight,
            .handle_capacity = options.handle_capacity, .parent = options.parent });
    if (created.is_error())
        return diagnostic.fail(created.error(), "cannot create the agent ({})", error_name(created.error()));
    RefPtr<object::Agent> agent = created.release_value();
    TRY(map_segments(*agent, image, source, diagnostic));
    uint64_t stack_pointer = TRY(map_stack(*agent, image, options.stack_size, diagnostic));

    auto thread_made = object::Thread::create(agent, image.entry(), stack_pointer);
    if (thread_made.is_error())
        return diagnostic.fail(thread_made.error(), "cannot create the agent's thread ({})", error_name(thread_made.error()));
    RefPtr<object::Thread> thread = thread_made.release_value();

    auto& handles = agent->handles();
    Rights self_rights = abi::self_agent_rights;
    if (options.may_spawn)
        self_rights |= Rights::Spawn;
    if (options.may_display)
        self_rights |= Rights::Display;
    auto agent_handle = handles.add(agent, self_rights);
    auto thread_handle = agent_handle.is_ok() ? handles.add(thread, abi::self_thread_rights) : Result<HandleValue>(agent_handle.error());
    if (thread_handle.is_error()) {
        handles.close_all(); // the agent's handle to itself would keep it alive forever
        return diagnostic.fail(thread_handle.error(), "cannot give the agent its handles ({})", error_name(thread_handle.error()));
    }
    if (options.bootstrap) {
        auto bootstrap = handles.add(options.bootstrap, options.bootstrap_rights);
        if (bootstrap.is_error()) {
            handles.close_all();
            return diagnostic.fail(bootstrap.error(), "cannot give the agent its bootstrap handle ({})", error_name(bootstrap.error()));
        }
        agent->set_bootstrap_handle(bootstrap.value());
    }
    for (const SpawnGrant& grant : options.grants) {
        auto granted = handles.add(grant.object, grant.rights);
        auto recorded = granted.is_ok() ? agent->grants().add(grant.name, granted.value()) : Result<void>(granted.error());
        if (recorded.is_error()) {
            handles.close_all();
            return diagnostic.fail(recorded.error(), "cannot grant the agent '{}' ({})", grant.name, error_name(recorded.error()));
        }
    }
    uint64_t arguments[4] = { agent_handle.value(), thread_handle.value(), options.argument, agent->id() };
    auto started = thread->start(arguments);
    if (started.is_error()) {
        handles.close_all();
        return diagnostic.fail(started.error(), "cannot start the agent's thread ({})", error_name(started.error()));
    }
    return SpawnedAgent { std::move(agent), std::move(thread) };
}

} // namespace

Result<SpawnedAgent> spawn_agent(ReadonlyBytes executable, const SpawnOptions& options, Diagnostic& diagnostic)
{
    return spawn(executable, Source::Copied, options, diagnostic);
}

Result<SpawnedAgent> spawn_agent_from_initrd(const boot::Initrd& initrd, StringView path, const SpawnOptions& options, Diagnostic& diagnostic)
{
    auto file = initrd.file(path);
    if (file.is_error())
        return diagnostic.fail(file.error(), "{}: not a file in the initrd ({})", path, error_name(file.error()));
    // The system's initrd stays in place while the system runs; another one may not.
    return spawn(file.value(), &initrd == system_initrd() ? Source::BootFile : Source::Copied, options, diagnostic);
}

} // namespace gehri::agent
