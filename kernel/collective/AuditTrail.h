#pragma once

#include <initializer_list>
#include <kernel/audit/AuditLog.h>
#include <kernel/collective/Types.h>

namespace gehri::collective {

// How a service writes its decisions to the audit log. A decision is never held back for its
// record: when the ring is full the log drops the record and later chains a Gap record that
// says so (docs/audit.md), so a full log is counted here and the decision goes ahead. Strings
// longer than a record field allows (an agent-chosen resource name, a question) are cut to
// the field limit rather than losing the record.
class AuditTrail {
public:
    explicit AuditTrail(audit::AuditLog& log)
        : m_log(log)
    {
    }

    void record(audit::RecordKind kind, AgentId agent, std::initializer_list<audit::Field> fields);

    uint64_t records_written() const { return m_written; }
    uint64_t records_dropped() const { return m_dropped; }

private:
    audit::AuditLog& m_log;
    uint64_t m_written { 0 };
    uint64_t m_dropped { 0 };
};

} // namespace gehri::collective
