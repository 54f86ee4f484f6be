#include <kernel/audit/Record.h>

namespace gehri::audit {

StringView record_kind_name(RecordKind kind)
{
    switch (kind) {
    case RecordKind::LogStart: return "LogStart";
    case RecordKind::Checkpoint: return "Checkpoint";
    case RecordKind::Gap: return "Gap";
    case RecordKind::ProposalOutcome: return "ProposalOutcome";
    case RecordKind::AuctionClearing: return "AuctionClearing";
    case RecordKind::LeaseGranted: return "LeaseGranted";
    case RecordKind::LeaseLost: return "LeaseLost";
    case RecordKind::Quarantine: return "Quarantine";
    case RecordKind::BreakGlass: return "BreakGlass";
    case RecordKind::AgentFault: return "AgentFault";
    case RecordKind::PolicyDenial: return "PolicyDenial";
    case RecordKind::ProposalOpened: return "ProposalOpened";
    case RecordKind::QuarantineLifted: return "QuarantineLifted";
    case RecordKind::ResourceEffect: return "ResourceEffect";
    case RecordKind::SwarmDecision: return "SwarmDecision";
    case RecordKind::PolicyRejected: return "PolicyRejected";
    case RecordKind::Cosign: return "Cosign";
    }
    return {};
}

bool parse_record_kind(StringView name, RecordKind& out)
{
    for (uint16_t value = 0; value < record_kind_count; ++value) {
        auto kind = static_cast<RecordKind>(value);
        if (record_kind_name(kind) == name) {
            out = kind;
            return true;
        }
    }
    return false;
}

} // namespace gehri::audit
