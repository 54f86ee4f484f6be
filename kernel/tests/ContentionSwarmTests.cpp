// agents/swarm-contention against the resources the boot policy declares (manifests/
// default.policy): the agent checks the order of its grants and events itself; here the audit
// log must show the same order, the rule of each grant and the auction's second price.
#include <kernel/govern/Collective.h>
#include <kernel/log/Log.h>
#include <kernel/tests/Framework.h>
#include <kernel/tests/SwarmSupport.h>

namespace gehri {

namespace {

using namespace swarm_support;

constexpr size_t max_grants = 8;

struct Grants {
    uint64_t agents[max_grants] {};
    size_t count { 0 };
};

struct Audited {
    Grants radio;
    Grants gpu;
    size_t clearings { 0 };
    uint64_t bids { 0 };
    uint64_t top_price { 0 };
    size_t wrong_rule { 0 };
};

void note_grant(Audited& seen, const audit::RecordView& record)
{
    if (integer(record, "renewal") == 1)
        return;
    StringView resource = text(record, "resource");
    bool radio = resource == "radio:uplink";
    if (!radio && resource != "gpu:0")
        return;
    Grants& grants = radio ? seen.radio : seen.gpu;
    if (grants.count < max_grants)
        grants.agents[grants.count] = record.agent;
    ++grants.count;
    seen.wrong_rule += text(record, "rule") != (radio ? StringView("priority") : StringView("auction"));
}

Audited audited_by(const SwarmRun& run)
{
    Audited seen;
    for_each_record(run, [&](const audit::RecordView& record) {
        if (record.kind == audit::RecordKind::LeaseGranted)
            note_grant(seen, record);
        if (record.kind == audit::RecordKind::AuctionClearing && text(record, "item") == "gpu:0") {
            ++seen.clearings;
            seen.bids = integer(record, "bids");
            seen.top_price = integer(record, "top_price");
        }
    });
    return seen;
}

} // namespace

KERNEL_TEST(swarm_contention_follows_each_resources_rule)
{
    SwarmRun run = run_audited("swarm-contention");
    log::info("swarm-contention: {} ms of guest time", run.guest_ns / 1'000'000);
    Audited seen = audited_by(run);
    EXPECT_EQ(seen.wrong_rule, 0u);
    // Members get the ids after the coordinator's, in spawn order. radio:uplink: the
    // coordinator, then its batch (+1), normal (+2) and interactive (+3) members, queued in that
    // order, are granted in the reverse order, most urgent first.
    uint64_t c = run.coordinator;
    EXPECT_EQ(seen.radio.count, 4u);
    EXPECT_EQ(seen.radio.agents[0], c);
    EXPECT_EQ(seen.radio.agents[1], c + 3);
    EXPECT_EQ(seen.radio.agents[2], c + 2);
    EXPECT_EQ(seen.radio.agents[3], c + 1);
    // gpu:0: the coordinator (uncontended, free), then the winner of one round of three bids:
    // 30 (+5), 50 (+6), 20 (+7); the bid of 4 (+4) was below the reserve. It paid the second
    // price.
    EXPECT_EQ(seen.gpu.count, 2u);
    EXPECT_EQ(seen.gpu.agents[0], c);
    EXPECT_EQ(seen.gpu.agents[1], c + 6);
    EXPECT_EQ(seen.clearings, 1u);
    EXPECT_EQ(seen.bids, 3u);
    EXPECT_EQ(seen.top_price, 30u);
}

} // namespace gehri
