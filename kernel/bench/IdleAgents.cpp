#include <kernel/agent/Reaper.h>
#include <kernel/agent/Spawn.h>
#include <kernel/agent/SystemInitrd.h>
#include <kernel/arch/Cpu.h>
#include <kernel/bench/IdleAgents.h>
#include <kernel/mm/Heap.h>
#include <kernel/mm/PhysicalMemory.h>
#include <kernel/object/ChannelObject.h>
#include <kernel/object/SignalWait.h>
#include <kernel/sched/KernelScheduler.h>

namespace gehri::bench {

namespace {

constexpr uint64_t idle_agent_quota = 128 * 1024;

uint64_t now_ns() { return sched::kernel_scheduler().platform().now_ns(); }

// Owns the kernel's ends of the agents' channels; closing them ends the agents.
class Ends {
public:
    static Result<Ends> create(size_t count)
    {
        auto* ends = new (std::nothrow) RefPtr<object::ChannelEndpointObject>[count];
        if (ends == nullptr)
            return Error::OutOfMemory;
        return Ends(ends);
    }
    Ends(Ends&& other)
        : m_ends(other.m_ends)
    {
        other.m_ends = nullptr;
    }
    Ends& operator=(Ends&&) = delete;
    ~Ends() { close_all(); }

    RefPtr<object::ChannelEndpointObject>& operator[](size_t index) { return m_ends[index]; }
    void close_all()
    {
        delete[] m_ends;
        m_ends = nullptr;
    }

private:
    explicit Ends(RefPtr<object::ChannelEndpointObject>* ends)
        : m_ends(ends)
    {
    }
    RefPtr<object::ChannelEndpointObject>* m_ends;
};

bool make_channel(RefPtr<object::ChannelEndpointObject>& kernel_end, RefPtr<object::ChannelEndpointObject>& agent_end)
{
    auto pair = object::ChannelEndpointObject::create_pair();
    if (pair.is_error())
        return false;
    kernel_end = std::move(pair.value().first);
    agent_end = std::move(pair.value().second);
    return true;
}

bool start_one(const boot::Initrd& initrd, RefPtr<object::ChannelEndpointObject> agent_end)
{
    agent::SpawnOptions options;
    options.name = "idle";
    options.argument = 2;
    options.memory_quota = idle_agent_quota;
    options.bootstrap = std::move(agent_end);
    options.bootstrap_rights = abi::channel_rights;
    Diagnostic diagnostic;
    return agent::spawn_agent_from_initrd(initrd, "bin/ipcbench", options, diagnostic).is_ok();
}

bool wait_for_report(object::ChannelEndpointObject& end, uint64_t deadline_ns)
{
    ipc::Message message;
    return object::wait_for_signals(end.endpoint().signal_source(), ipc::signal::readable, deadline_ns, nullptr).is_ok()
        && end.endpoint().read(message).is_ok();
}

void wait_until_reaped(size_t agents_before, uint64_t deadline_ns)
{
    auto& scheduler = sched::kernel_scheduler();
    while ((object::Agent::live_count() > agents_before || agent::threads_awaiting_reaper() != 0) && now_ns() < deadline_ns)
        scheduler.sleep_for(1'000'000);
}

} // namespace

MemoryCensus MemoryCensus::take()
{
    auto& memory = mm::PhysicalMemory::the();
    MemoryCensus census;
    census.free_pages = memory.free_pages();
    for (size_t owner = 0; owner < mm::page_owner_count; ++owner)
        census.pages_by_owner[owner] = memory.allocated_pages(static_cast<mm::PageOwner>(owner));
    return census;
}

namespace {
uint64_t per_agent(uint64_t pages, size_t agents) { return agents == 0 ? 0 : pages * mm::page_size / agents; }
uint64_t decrease(uint64_t from, uint64_t to) { return to < from ? from - to : 0; }
uint64_t increase(uint64_t from, uint64_t to) { return to > from ? to - from : 0; }
} // namespace

uint64_t IdleAgentsResult::bytes_per_agent() const { return per_agent(decrease(before.free_pages, blocked.free_pages), reported); }

uint64_t IdleAgentsResult::channel_bytes_per_agent() const { return per_agent(decrease(before.free_pages, channels.free_pages), reported); }

uint64_t IdleAgentsResult::owner_bytes_per_agent(mm::PageOwner owner) const
{
    size_t index = static_cast<size_t>(owner);
    return per_agent(increase(channels.pages_by_owner[index], blocked.pages_by_owner[index]), reported);
}

uint64_t IdleAgentsResult::pages_not_returned() const { return decrease(before.free_pages, after.free_pages); }

Result<IdleAgentsResult> run_idle_agents(size_t count, uint64_t deadline_ns)
{
    const boot::Initrd* initrd = agent::system_initrd();
    if (initrd == nullptr)
        return Error::NotFound;
    // The kernel's own bookkeeping comes before the first census.
    Ends kernel_ends = TRY(Ends::create(count));
    Ends agent_ends = TRY(Ends::create(count));
    IdleAgentsResult result;
    result.requested = count;
    size_t agents_before = object::Agent::live_count();
    mm::Heap::the().release_empty_slabs();
    result.before = MemoryCensus::take();
    uint64_t start_ticks = arch::read_timestamp_counter();
    uint64_t start_ns = now_ns();
    // The channels first, so that their cost is told apart from the agents'.
    size_t channels = 0;
    while (channels < count && make_channel(kernel_ends[channels], agent_ends[channels]))
        ++channels;
    result.channels = MemoryCensus::take();
    while (result.started < channels && start_one(*initrd, std::move(agent_ends[result.started])))
        ++result.started;
    agent_ends.close_all();
    for (size_t i = 0; i < result.started; ++i) {
        if (wait_for_report(*kernel_ends[i], deadline_ns))
            ++result.reported;
    }
    result.elapsed_ticks = arch::read_timestamp_counter() - start_ticks;
    result.elapsed_ns = now_ns() - start_ns;
    result.blocked = MemoryCensus::take();
    kernel_ends.close_all();
    wait_until_reaped(agents_before, deadline_ns);
    result.all_ended = object::Agent::live_count() == agents_before;
    mm::Heap::the().release_empty_slabs();
    result.after = MemoryCensus::take();
    return result;
}

} // namespace gehri::bench
