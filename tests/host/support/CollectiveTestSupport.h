#pragma once

// Shared by the collective service tests: an Outbox that records what the services ask for,
// and an audit log whose records the tests can read back by kind and field.
#include <kernel/collective/AuditTrail.h>
#include <kernel/collective/Outbox.h>
#include <string>
#include <tests/host/support/AuditTestSupport.h>
#include <vector>

namespace gehri::collective::testing {

class RecordingOutbox final : public Outbox {
public:
    void notify(const Event& event) override
    {
        events.push_back(event);
        effects_when_notified.push_back(effects.size());
    }
    void apply(const ResourceEffect& effect) override { effects.push_back(effect); }
    void control(const ControlAction& action) override { actions.push_back(action); }

    std::vector<Event> events_for(AgentId agent) const
    {
        std::vector<Event> out;
        for (const auto& event : events) {
            if (event.recipient == agent)
                out.push_back(event);
        }
        return out;
    }
    size_t count(EventKind kind) const
    {
        size_t n = 0;
        for (const auto& event : events)
            n += event.kind == kind;
        return n;
    }
    void clear()
    {
        events.clear();
        effects_when_notified.clear();
        effects.clear();
        actions.clear();
    }

    std::vector<Event> events;
    std::vector<size_t> effects_when_notified; // per event: how many effects were applied before it
    std::vector<ResourceEffect> effects;
    std::vector<ControlAction> actions;
};

// One audit record with its fields copied out of the log.
struct SeenRecord {
    audit::RecordKind kind;
    AgentId agent;
    std::vector<std::pair<std::string, std::string>> strings;
    std::vector<std::pair<std::string, int64_t>> integers; // as signed: tests use small values

    bool has(const std::string& key) const
    {
        for (auto& [k, v] : strings)
            if (k == key)
                return true;
        for (auto& [k, v] : integers)
            if (k == key)
                return true;
        return false;
    }
    std::string text(const std::string& key) const
    {
        for (auto& [k, v] : strings)
            if (k == key)
                return v;
        return "<missing " + key + ">";
    }
    int64_t integer(const std::string& key) const
    {
        for (auto& [k, v] : integers)
            if (k == key)
                return v;
        return INT64_MIN;
    }
};

// A log, a trail over it, and a reader; the log is big enough for any single test.
struct AuditFixture {
    std::unique_ptr<audit::testing::OwnedLog> owned { audit::testing::make_log(4 * 1024 * 1024, 64) };
    AuditTrail trail { owned->log };

    // Every decision record so far (the log's own LogStart/Checkpoint/Gap left out), verifying
    // the chain on the way.
    std::vector<SeenRecord> records() const
    {
        std::vector<SeenRecord> out;
        auto visited = owned->log.for_each_pending([&](const audit::RecordView& record, const audit::Sha256Digest&, const audit::Sha256Digest&) {
            if (audit::is_log_kind(record.kind))
                return;
            SeenRecord seen { record.kind, record.agent, {}, {} };
            for (size_t i = 0; i < record.field_count; ++i) {
                const auto& field = record.fields[i];
                std::string key(field.key.characters(), field.key.length());
                if (field.type == audit::Field::Type::String)
                    seen.strings.emplace_back(key, std::string(field.text.characters(), field.text.length()));
                else
                    seen.integers.emplace_back(key, field.negative ? -static_cast<int64_t>(field.magnitude) : static_cast<int64_t>(field.magnitude));
            }
            out.push_back(std::move(seen));
        });
        if (visited.is_error())
            out.clear();
        return out;
    }
    std::vector<SeenRecord> records(audit::RecordKind kind) const
    {
        std::vector<SeenRecord> out;
        for (auto& record : records()) {
            if (record.kind == kind)
                out.push_back(record);
        }
        return out;
    }
};

} // namespace gehri::collective::testing
