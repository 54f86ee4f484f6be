#include <kernel/govern/Governance.h>
#include <kernel/govern/HumanControls.h>
#include <kernel/sched/KernelScheduler.h>
#include <kernel/shell/GovernCommands.h>
#include <kernel/shell/Words.h>

namespace gehri::shell {

namespace {

constexpr size_t max_listed = 16;

void list_proposals(FormatSink& out)
{
    govern::ProposalSummary rows[max_listed];
    size_t count = govern::open_proposals(rows);
    uint64_t now = sched::kernel_scheduler().platform().now_ns();
    format_to(out, "{:<6} {:<24} {:<8} {:<7} {:<8} {:<12} {:<6} {}\n", "ID", "KIND", "PROPOSER", "STATE", "BALLOTS", "WEIGHT", "DUE-S", "LEADING");
    size_t waiting = 0;
    for (size_t i = 0; i < count; ++i) {
        const auto& row = rows[i];
        waiting += row.awaiting_cosign;
        uint64_t due_s = row.due_ns > now ? (row.due_ns - now + 999'999'999) / 1'000'000'000 : 0;
        format_to(out, "{:<6} {:<24} {:<8} {:<7} {:3}/{:<4} {:5}/{:<6} {:<6} ", row.id, row.kind.view(), row.proposer, row.awaiting_cosign ? "cosign" : "voting",
            row.ballots, row.electorate, row.cast_weight, row.electorate_weight, due_s);
        if (row.leading.view().is_empty())
            out.write("-\n");
        else
            format_to(out, "{} ({})\n", row.leading.view(), row.leading_weight);
    }
    format_to(out, "{} proposals open; {} await a co-sign (cosign ID / veto ID)\n", count, waiting);
}
bool parse_id(StringView line, size_t position, uint64_t& id)
{
    int64_t value = 0;
    StringView word = next_word(line, position);
    if (!parse_number(word, value) || value <= 0 || !next_word(line, position).is_empty())
        return false;
    id = static_cast<uint64_t>(value);
    return true;
}

void answer_cosign(StringView line, size_t position, bool approve, FormatSink& out)
{
    StringView name = approve ? "cosign" : "veto";
    uint64_t id = 0;
    if (!parse_id(line, position, id)) {
        format_to(out, "usage: {} ID (see proposals)\n", name);
        return;
    }
    auto answered = govern::cosign_proposal(id, approve);
    if (answered.is_ok())
        format_to(out, "{}: proposal {} {}; its electors and proposer are told\n", name, id, approve ? "takes effect" : "is refused");
    else if (answered.error() == Error::NotFound)
        format_to(out, "{}: proposal {} is not waiting for a co-sign\n", name, id);
    else
        format_to(out, "{}: refused ({})\n", name, error_name(answered.error()));
}

void lift(StringView line, size_t position, FormatSink& out)
{
    uint64_t id = 0;
    if (!parse_id(line, position, id)) {
        out.write("usage: lift AGENT\n");
        return;
    }
    auto lifted = govern::lift_agent(id, collective::CommandSource::Serial);
    if (lifted.is_error()) {
        if (lifted.error() == Error::NotFound)
            format_to(out, "lift: agent {} is neither quarantined nor isolated\n", id);
        else
            format_to(out, "lift: refused ({})\n", error_name(lifted.error()));
        return;
    }
    format_to(out, "lift: agent {} takes part again ({}{}{})\n", id, lifted.value().quarantine ? "quarantine lifted" : "",
        lifted.value().quarantine && lifted.value().isolation ? ", " : "", lifted.value().isolation ? "isolation released" : "");
}

} // namespace

bool run_govern_command(StringView command, StringView line, size_t position, FormatSink& out)
{
    if (command != "proposals" && command != "cosign" && command != "veto" && command != "lift")
        return false;
    if (!govern::is_initialized()) {
        format_to(out, "{}: the collective services are not running\n", command);
        return true;
    }
    if (command == "proposals")
        list_proposals(out);
    else if (command == "lift")
        lift(line, position, out);
    else
        answer_cosign(line, position, command == "cosign", out);
    return true;
}

} // namespace gehri::shell
