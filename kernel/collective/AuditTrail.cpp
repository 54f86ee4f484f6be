#include <kernel/collective/AuditTrail.h>
#include <kernel/log/Panic.h>

namespace gehri::collective {

void AuditTrail::record(audit::RecordKind kind, AgentId agent, std::initializer_list<audit::Field> fields)
{
    VERIFY(fields.size() <= audit::max_fields);
    // append() sorts and validates; only the clipping is ours.
    audit::Field clipped[audit::max_fields];
    size_t count = 0;
    for (auto field : fields) {
        if (field.type == audit::Field::Type::String)
            field.text = field.text.substring(0, audit::max_string_length);
        clipped[count++] = field;
    }
    auto appended = m_log.append(kind, agent, clipped, count);
    if (appended.is_ok()) {
        ++m_written;
        return;
    }
    // Anything but a full ring is a service passing a malformed field: a kernel bug.
    VERIFY(appended.error() == Error::QueueFull);
    ++m_dropped;
}

} // namespace gehri::collective
