#include <kernel/audit/KernelAuditLog.h>
#include <kernel/collective/EigenTrust.h>
#include <kernel/govern/Collective.h>
#include <kernel/object/Agent.h>
#include <kernel/object/ReputationDomainObject.h>
#include <kernel/tests/Framework.h>
#include <kernel/tests/SwarmSupport.h>

// A swarm's reputation domain (ReputationDomainCreate..Trust): its EigenTrust gives exactly
// what one in the swarm's own process would, and its judgments cut the bound agents off
// through the supervisor quarantine, audited as the domain's.
namespace gehri {

namespace {

using object::ReputationDomainObject;

constexpr uint32_t members = 4; // peers 0..3; peer 4 is the judge, pre-trusted

abi::ReputationDomainRequest small_request()
{
    abi::ReputationDomainRequest request;
    request.peers = members + 1;
    request.feedback_slots = 64;
    request.max_iterations = 40;
    request.pretrusted_count = 1;
    request.pretrusted[0] = members;
    return request;
}

// Peers 0..2 vouch for each other, and everyone finds peer 3 lying.
abi::DomainRating ratings[] = {
    { 0, 1, 1, 0 }, { 1, 2, 1, 0 }, { 2, 0, 1, 0 }, { 4, 0, 1, 0 }, { 4, 1, 1, 0 }, { 4, 2, 1, 0 },
    { 0, 3, 0, 3 }, { 1, 3, 0, 3 }, { 2, 3, 0, 3 }, { 4, 3, 0, 3 },
};

bool has_domain_quarantine(uint64_t from_sequence, uint64_t agent, uint64_t judge)
{
    bool found = false;
    (void)audit::kernel_log().for_each_pending([&](const audit::RecordView& record, const audit::Sha256Digest&, const audit::Sha256Digest&) {
        if (record.sequence < from_sequence || record.kind != audit::RecordKind::Quarantine || record.agent != agent)
            return;
        found = found || (swarm_support::integer(record, "supervisor") == judge && swarm_support::text(record, "reason").contains("reputation domain"));
    });
    return found;
}

} // namespace

KERNEL_TEST(reputation_domain_refuses_bad_requests)
{
    auto payer = object::Agent::create("domain-payer").release_value();
    auto bad = small_request();
    bad.peers = 0;
    EXPECT_EQ(ReputationDomainObject::create(bad, *payer).error(), Error::InvalidArgument);
    bad = small_request();
    bad.peers = abi::reputation_domain_max_peers + 1;
    EXPECT_EQ(ReputationDomainObject::create(bad, *payer).error(), Error::InvalidArgument);
    bad = small_request();
    bad.feedback_slots = 96;
    EXPECT_EQ(ReputationDomainObject::create(bad, *payer).error(), Error::InvalidArgument);
    bad = small_request();
    bad.pretrusted[0] = members + 1;
    EXPECT_EQ(ReputationDomainObject::create(bad, *payer).error(), Error::InvalidArgument);
    bad = small_request();
    bad.pretrusted_count = abi::reputation_domain_max_pretrusted + 1;
    EXPECT_EQ(ReputationDomainObject::create(bad, *payer).error(), Error::InvalidArgument);
    bad = small_request();
    bad.damping_ppm = 1'000'000;
    EXPECT_EQ(ReputationDomainObject::create(bad, *payer).error(), Error::InvalidArgument);

    // The storage is charged to the creator: a big table past a small quota is refused, and
    // the quota is whole again afterwards.
    object::AgentOptions options;
    options.memory_quota = 256 * 1024;
    auto poor = object::Agent::create("domain-poor", options).release_value();
    auto big = small_request();
    big.feedback_slots = abi::reputation_domain_max_feedback_slots;
    EXPECT_EQ(ReputationDomainObject::create(big, *poor).error(), Error::QuotaExceeded);
    {
        auto domain = ReputationDomainObject::create(small_request(), *poor);
        EXPECT(domain.is_ok());
        EXPECT(poor->memory().charge(options.memory_quota).is_error());
    }
    EXPECT(poor->memory().charge(options.memory_quota).is_ok());

    // At most reputation_domain_max_live at once, kernel-wide; one freed makes room.
    static RefPtr<ReputationDomainObject> live[abi::reputation_domain_max_live];
    size_t count = 0;
    Result<RefPtr<ReputationDomainObject>> made = Error::InvalidArgument;
    while (count <= abi::reputation_domain_max_live) {
        made = ReputationDomainObject::create(small_request(), *payer);
        if (made.is_error())
            break;
        live[count++] = made.release_value();
    }
    EXPECT_EQ(made.error(), Error::QuotaExceeded);
    EXPECT(count >= 1 && count <= abi::reputation_domain_max_live);
    if (count > 0)
        live[count - 1] = nullptr;
    EXPECT(ReputationDomainObject::create(small_request(), *payer).is_ok());
    for (auto& domain : live)
        domain = nullptr;
}

KERNEL_TEST(reputation_domain_trust_equals_an_eigentrust_of_its_own)
{
    auto parent = object::Agent::create("domain-judge").release_value();
    auto domain = ReputationDomainObject::create(small_request(), *parent).release_value();
    collective::PeerTrust peers[members + 1];
    collective::FeedbackSlot slots[64];
    collective::EigenTrustConfig config;
    config.max_iterations = 40;
    auto model = collective::EigenTrust::create(config, peers, slots).release_value();
    collective::PeerIndex judge = members;
    EXPECT(model.set_pretrusted(Span<const collective::PeerIndex>(&judge, 1)).is_ok());

    auto recorded = domain->rate(ratings);
    EXPECT(recorded.is_ok() && recorded.value() == sizeof(ratings) / sizeof(ratings[0]));
    for (auto& rating : ratings)
        EXPECT(model.record_feedback(rating.from, rating.to, rating.satisfied, rating.unsatisfied).is_ok());
    // A batch stops at the first refused rating; a refused first is the error.
    const abi::DomainRating mixed[] = { { 0, 1, 1, 0 }, { 2, 2, 1, 0 }, { 1, 0, 1, 0 } };
    EXPECT_EQ(domain->rate(mixed).value(), 1u);
    EXPECT(model.record_feedback(0, 1, 1, 0).is_ok());
    EXPECT_EQ(domain->rate(Span<const abi::DomainRating>(mixed + 1, 1)).error(), Error::InvalidArgument);
    const abi::DomainRating outside[] = { { 0, members + 1, 1, 0 } };
    EXPECT_EQ(domain->rate(outside).error(), Error::OutOfRange);

    abi::QuarantinePolicy policy { 20'000, 0, 3 };
    uint32_t out[members + 1] {};
    auto total = domain->judge(*parent, 40, policy, out);
    model.refine(40);
    collective::PeerIndex expected[members + 1];
    size_t expected_total = model.collect_quarantined({ 20'000, 3 }, expected);
    EXPECT(total.is_ok());
    EXPECT_EQ(total.value(), expected_total);
    EXPECT_EQ(expected_total, 1u);
    EXPECT_EQ(out[0], 3u);
    uint64_t trust[members + 1] {};
    EXPECT(domain->trust(0, trust).is_ok());
    for (uint32_t i = 0; i <= members; ++i)
        EXPECT_EQ(trust[i], model.trust(i));
    EXPECT_EQ(domain->trust(members, Span<uint64_t>(trust, 2)).error(), Error::OutOfRange);
    abi::QuarantinePolicy reserved { 20'000, 1, 3 };
    EXPECT_EQ(domain->judge(*parent, 0, reserved, out).error(), Error::InvalidArgument);
    EXPECT_EQ(domain->judge(*parent, abi::reputation_domain_max_steps + 1, policy, out).error(), Error::InvalidArgument);
    govern::collective_agent_exited(parent->id());
}

KERNEL_TEST(reputation_domain_judgment_cuts_the_bound_agent_off)
{
    auto parent = object::Agent::create("domain-owner").release_value();
    auto liar = object::Agent::create("domain-liar").release_value();
    auto honest = object::Agent::create("domain-honest").release_value();
    auto domain = ReputationDomainObject::create(small_request(), *parent).release_value();
    EXPECT_EQ(domain->bind(members + 1, liar, *parent).error(), Error::OutOfRange);
    EXPECT_EQ(domain->bind(0, parent, *parent).error(), Error::InvalidArgument);
    EXPECT(domain->bind(3, liar, *parent).is_ok());
    EXPECT(domain->bind(0, honest, *parent).is_ok());
    EXPECT(domain->rate(ratings).is_ok());
    uint64_t first = audit::kernel_log().status().next_sequence;

    // Judged before any evidence is enough: nobody.
    uint32_t out[members + 1] {};
    EXPECT_EQ(domain->judge(*parent, 40, { 20'000, 0, 100 }, out).value(), 0u);
    EXPECT(!liar->is_cut_off());
    EXPECT_EQ(domain->judge(*parent, 40, { 20'000, 0, 3 }, out).value(), 1u);
    EXPECT(domain->is_judged(3));
    EXPECT(liar->is_quarantined());
    EXPECT(liar->is_cut_off());
    EXPECT(liar->snapshot().quarantined); // ps: "quarant"
    EXPECT(!honest->is_cut_off());
    EXPECT(!parent->is_cut_off());
    EXPECT(has_domain_quarantine(first, liar->id(), parent->id()));
    // The same judgment again changes nothing; a new incarnation of the peer is cut off at once.
    EXPECT_EQ(domain->judge(*parent, 0, { 20'000, 0, 3 }, out).value(), 1u);
    auto restarted = object::Agent::create("domain-liar-2").release_value();
    EXPECT(domain->bind(3, restarted, *parent).is_ok());
    EXPECT(restarted->is_cut_off());
    EXPECT(has_domain_quarantine(first, restarted->id(), parent->id()));
    govern::collective_agent_exited(liar->id());
    govern::collective_agent_exited(restarted->id());
    govern::collective_agent_exited(honest->id());
    govern::collective_agent_exited(parent->id());
}

} // namespace gehri
