#include "ReportInbox.h"
#include <user/wildfire/Arena.h>

namespace gehri::wildfire {

namespace {

// The subscription holds a whole round of reports, up to the kernel's deepest history. It is
// reliable: a drone never loses its report to a full queue, it waits for room, which the
// coordinator makes as it files the reports that came first.
constexpr uint32_t max_queued_reports = 16384;

size_t index_capacity_for(uint32_t drones)
{
    size_t capacity = 16;
    while (capacity < size_t(drones) * 4)
        capacity *= 2;
    return capacity;
}

template<typename Layout>
size_t bytes_of(Layout layout)
{
    Arena measuring = Arena::measuring();
    layout(measuring);
    return measuring.used();
}

} // namespace

Result<ReportInbox> ReportInbox::open(uint32_t drones, uint32_t cells_per_report)
{
    if (drones == 0 || cells_per_report == 0 || cells_per_report > max_window_cells)
        return Error::OutOfRange;
    auto topics = TRY(TopicNamespace::create());
    uint32_t depth = drones < max_queued_reports ? drones : max_queued_reports;
    auto reports = TRY(topics.subscribe(reports_topic, { .history_depth = depth, .reliable = true }));
    size_t index_capacity = index_capacity_for(drones);
    auto carve = [&](Arena& arena, Span<Slot>& slots, Span<Observation>& cells, Span<Entry>& index, Span<uint8_t>& sample) {
        slots = arena.take<Slot>(drones);
        cells = arena.take<Observation>(size_t(drones) * cells_per_report);
        index = arena.take<Entry>(index_capacity);
        sample = arena.take<uint8_t>(report_sample_bytes(cells_per_report));
    };
    Span<Slot> slots;
    Span<Observation> cells;
    Span<Entry> index;
    Span<uint8_t> sample;
    size_t bytes = (bytes_of([&](Arena& arena) { carve(arena, slots, cells, index, sample); }) + 4095) & ~size_t(4095);
    void* memory = TRY(system::memory_map(bytes));
    Arena arena(Span<uint8_t>(static_cast<uint8_t*>(memory), bytes));
    carve(arena, slots, cells, index, sample);
    if (arena.failed())
        return Error::OutOfMemory;
    return ReportInbox(std::move(topics), std::move(reports), slots, cells, index, sample, cells_per_report);
}

ReportInbox::ReportInbox(TopicNamespace topics, Subscription reports, Span<Slot> slots, Span<Observation> cells, Span<Entry> index, Span<uint8_t> sample, uint32_t cells_per_report)
    : m_topics(std::move(topics))
    , m_reports(std::move(reports))
    , m_slots(slots)
    , m_cells(cells)
    , m_index(index)
    , m_sample(sample)
    , m_cells_per_report(cells_per_report)
{
}

Result<Handle> ReportInbox::drone_capability(uint32_t drone) const
{
    SenseTopicName sense(drone);
    const abi::TopicPattern patterns[] = {
        {
            .pattern = reinterpret_cast<uint64_t>(reports_topic.characters()),
            .length = static_cast<uint32_t>(reports_topic.length()),
            .rights = static_cast<uint32_t>(Rights::Publish),
        },
        {
            .pattern = reinterpret_cast<uint64_t>(sense.view().characters()),
            .length = static_cast<uint32_t>(sense.view().length()),
            .rights = static_cast<uint32_t>(Rights::Subscribe),
        },
    };
    auto view = TRY(m_topics.restrict(Span<const abi::TopicPattern>(patterns, 2), Rights::Publish | Rights::Subscribe | Rights::Transfer));
    return view.release_handle();
}

Result<Publisher> ReportInbox::sense_publisher(uint32_t drone) const
{
    SenseTopicName sense(drone);
    return m_topics.publisher(sense.view(), true);
}

void ReportInbox::expect(uint32_t drone, uint64_t agent_id)
{
    if (drone >= m_slots.size())
        return;
    m_slots[drone] = Slot { .agent_id = agent_id };
    if ((m_index_used + 1) * 4 > m_index.size() * 3)
        rebuild_index();
    index_insert(agent_id, drone);
}

void ReportInbox::index_insert(uint64_t agent_id, uint32_t drone)
{
    if (agent_id == 0)
        return;
    size_t mask = m_index.size() - 1;
    for (size_t i = agent_id & mask;; i = (i + 1) & mask) {
        if (m_index[i].agent_id == 0) {
            m_index[i] = { agent_id, drone };
            ++m_index_used;
            return;
        }
    }
}

// Only the current incarnations stay: at most one entry per drone, a quarter of the table.
void ReportInbox::rebuild_index()
{
    for (Entry& entry : m_index)
        entry = {};
    m_index_used = 0;
    for (size_t drone = 0; drone < m_slots.size(); ++drone)
        index_insert(m_slots[drone].agent_id, static_cast<uint32_t>(drone));
}

uint32_t ReportInbox::drone_of(uint64_t agent_id) const
{
    size_t mask = m_index.size() - 1;
    for (size_t i = agent_id & mask; m_index[i].agent_id != 0; i = (i + 1) & mask) {
        if (m_index[i].agent_id != agent_id)
            continue;
        uint32_t drone = m_index[i].drone;
        // An earlier incarnation's entry: that agent no longer speaks for the drone.
        return m_slots[drone].agent_id == agent_id ? drone : no_drone;
    }
    return no_drone;
}

// Takes one sample and files it under its sender's drone. Samples of unknown senders (a
// crashed drone's last words) or of the wrong shape are dropped: the drone they would have
// come from then times out and is treated as crashed, like any mind that fails to answer.
Result<void> ReportInbox::file_next(uint64_t deadline_ns)
{
    uint64_t now = system::clock_now_ns();
    if (now >= deadline_ns)
        return Error::TimedOut;
    auto received = TRY(m_reports.take(m_sample.data(), m_sample.size(), deadline_ns - now));
    uint32_t drone = drone_of(received.sender);
    if (drone == no_drone || received.size < report_sample_bytes(0))
        return {};
    ReportHeader header;
    __builtin_memcpy(&header, m_sample.data(), sizeof(header));
    uint32_t cell_count;
    __builtin_memcpy(&cell_count, m_sample.data() + sizeof(header), sizeof(cell_count));
    if (cell_count > m_cells_per_report || received.size != report_sample_bytes(cell_count))
        return {};
    Slot& slot = m_slots[drone];
    slot.tick = header.tick;
    slot.cell_count = cell_count;
    __builtin_memcpy(&m_cells[size_t(drone) * m_cells_per_report], m_sample.data() + report_sample_bytes(0), cell_count * sizeof(Observation));
    return {};
}

Result<uint32_t> ReportInbox::collect(uint32_t drone, uint64_t tick, Span<Observation> out, uint64_t deadline_ns)
{
    if (drone >= m_slots.size())
        return Error::OutOfRange;
    Slot& slot = m_slots[drone];
    while (slot.tick != tick)
        TRY(file_next(deadline_ns));
    if (slot.cell_count > out.size())
        return Error::BadFormat;
    for (uint32_t i = 0; i < slot.cell_count; ++i)
        out[i] = m_cells[size_t(drone) * m_cells_per_report + i];
    slot.tick = ~uint64_t(0);
    return slot.cell_count;
}

} // namespace gehri::wildfire
