#pragma once

#include <user/libgehri/Gehri.h>
#include <user/libgehri/Topic.h>
#include <user/wildfire/MindWire.h>

namespace gehri::wildfire {

// Where the drones' sense reports arrive: every drone publishes on one topic
// (`wildfire/reports`), and the kernel stamps each sample with its publisher's agent id, so a
// report is filed under the drone whose current incarnation sent it, whatever it claims.
// Reports arrive in any order; the coordinator collects them in drone order, which keeps the
// run deterministic. A drone gets a view of the namespace that may publish on that topic and
// subscribe to its own sense topic (`wildfire/sense/<drone>`, on which the coordinator
// publishes its window), and nothing else.
class ReportInbox {
public:
    // For `drones` drones whose reports hold at most `cells_per_report` cells.
    static Result<ReportInbox> open(uint32_t drones, uint32_t cells_per_report);

    // A handle for a new drone `drone` (its `topic:wildfire/drone` capability): a view that
    // may publish on the reports topic and subscribe to the drone's own sense topic.
    Result<Handle> drone_capability(uint32_t drone) const;
    // The publisher of drone `drone`'s sense topic (made with the topic).
    Result<Publisher> sense_publisher(uint32_t drone) const;
    // Drone `drone` is now agent `agent_id`; reports of its earlier incarnations are dropped.
    void expect(uint32_t drone, uint64_t agent_id);
    // The report of `drone` for `tick` into `out`: its cell count. Waits until `deadline_ns`
    // for it (TimedOut), filing the other drones' reports that arrive first.
    Result<uint32_t> collect(uint32_t drone, uint64_t tick, Span<Observation> out, uint64_t deadline_ns);

private:
    struct Slot {
        uint64_t agent_id { 0 };
        uint64_t tick { ~uint64_t(0) }; // of the report held; ~0: none
        uint32_t cell_count { 0 };
    };
    // An agent id's drone: open addressing, linear probing; ids never repeat, so an entry of an
    // earlier incarnation stays until the table is rebuilt.
    struct Entry {
        uint64_t agent_id { 0 };
        uint32_t drone { 0 };
    };

    ReportInbox(TopicNamespace topics, Subscription reports, Span<Slot> slots, Span<Observation> cells, Span<Entry> index, Span<uint8_t> sample, uint32_t cells_per_report);

    Result<void> file_next(uint64_t deadline_ns);
    static constexpr uint32_t no_drone = ~0u;
    // The drone whose current incarnation is `agent_id`, or no_drone.
    uint32_t drone_of(uint64_t agent_id) const;
    void index_insert(uint64_t agent_id, uint32_t drone);
    void rebuild_index();

    TopicNamespace m_topics;
    Subscription m_reports;
    Span<Slot> m_slots;
    Span<Observation> m_cells; // cells_per_report per drone
    Span<Entry> m_index;
    Span<uint8_t> m_sample; // one sample as received
    uint32_t m_cells_per_report { 0 };
    size_t m_index_used { 0 };
};

} // namespace gehri::wildfire
