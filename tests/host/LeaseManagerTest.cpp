#include <gtest/gtest.h>
#include <kernel/collective/DeclaredResources.h>
#include <kernel/collective/LeaseManager.h>
#include <map>
#include <random>
#include <set>
#include <tests/host/support/CollectiveTestSupport.h>

using namespace gehri;
using namespace gehri::collective;
using namespace gehri::collective::testing;
using audit::RecordKind;

namespace {

constexpr Nanoseconds second = nanoseconds_per_second;

struct Leases {
    Leases(size_t lease_count = 8, size_t waiter_count = 8)
        : resources(4)
        , leases(lease_count)
        , waiters(waiter_count)
        , accounts(16)
        , auctions(4)
        , bids(32)
        , awards(2)
        , slots(4)
        , electors(64)
    {
        CreditStorage credit { { accounts.data(), accounts.size() }, { auctions.data(), auctions.size() },
            { bids.data(), bids.size() }, { awards.data(), awards.size() } };
        ledger.emplace(CreditLedger::create({ 100, 1, 1000 * second, 0, 1 }, credit, audit.trail, outbox).release_value());
        board.emplace(ProposalBoard::create({}, { slots.data(), slots.size() }, { electors.data(), electors.size() }, audit.trail, outbox, nullptr).release_value());
        LeaseStorage storage { { resources.data(), resources.size() }, { leases.data(), leases.size() }, { waiters.data(), waiters.size() } };
        manager.emplace(LeaseManager::create(storage, audit.trail, outbox, &*ledger, &*board).release_value());
    }

    uint32_t add(ContentionRule rule = ContentionRule::FirstCome, uint32_t max_shared = 1, StringView name = "sensor:thermal0", Span<const AgentId> group = {})
    {
        ResourceSpec spec;
        spec.name = name;
        spec.rule = rule;
        spec.max_shared = max_shared;
        spec.max_term = 60 * second;
        spec.group = group;
        auto added = manager->add_resource(spec);
        EXPECT_TRUE(added.is_ok());
        return added.value_or(0);
    }

    Result<AcquireResult> acquire(AgentId agent, uint32_t resource, Nanoseconds now, bool shared = false, uint32_t priority = 0, uint64_t bid = 0, Nanoseconds term = 10 * second)
    {
        return manager->acquire(agent, resource, LeaseRequest { shared, term, priority, bid }, now);
    }

    LeaseId granted_lease(AgentId agent) const
    {
        LeaseId id = 0;
        for (const auto& event : outbox.events) {
            if (event.recipient == agent && event.kind == EventKind::LeaseGranted)
                id = event.subject;
        }
        return id;
    }

    std::vector<ResourceSlot> resources;
    std::vector<LeaseSlot> leases;
    std::vector<WaiterSlot> waiters;
    std::vector<CreditAccount> accounts;
    std::vector<AuctionSlot> auctions;
    std::vector<SealedBid> bids;
    std::vector<Award> awards;
    std::vector<ProposalSlot> slots;
    std::vector<Elector> electors;
    AuditFixture audit;
    RecordingOutbox outbox;
    Optional<CreditLedger> ledger;
    Optional<ProposalBoard> board;
    Optional<LeaseManager> manager;
};

} // namespace

TEST(LeaseManager, FirstComeExclusive)
{
    Leases l;
    uint32_t thermal = l.add();
    auto a = l.acquire(1, thermal, 0);
    ASSERT_TRUE(a.is_ok());
    EXPECT_TRUE(a.value().granted);
    EXPECT_FALSE(l.acquire(2, thermal, 1).value().granted);
    EXPECT_FALSE(l.acquire(3, thermal, 2).value().granted);
    EXPECT_EQ(l.manager->waiting(thermal), 2u);
    EXPECT_EQ(l.manager->release(2, a.value().lease, 3).error(), Error::NotFound); // not 2's lease
    ASSERT_TRUE(l.manager->release(1, a.value().lease, 3).is_ok());
    EXPECT_TRUE(l.manager->holds(2, thermal));
    EXPECT_FALSE(l.manager->holds(3, thermal));
    LeaseId second_lease = l.granted_lease(2);
    EXPECT_EQ(l.manager->find_lease(second_lease)->expires_at, 3 + 10 * second);
    ASSERT_TRUE(l.manager->release(2, second_lease, 4).is_ok());
    EXPECT_TRUE(l.manager->holds(3, thermal));

    auto granted = l.audit.records(RecordKind::LeaseGranted);
    ASSERT_EQ(granted.size(), 3u);
    EXPECT_EQ(granted[0].text("resource"), "sensor:thermal0");
    EXPECT_EQ(granted[0].text("mode"), "exclusive");
    EXPECT_EQ(granted[1].agent, 2u);
    auto lost = l.audit.records(RecordKind::LeaseLost);
    ASSERT_EQ(lost.size(), 2u);
    EXPECT_EQ(lost[0].text("reason"), "released");
}

TEST(LeaseManager, SharedLeasesAndExclusiveWaiters)
{
    Leases l;
    uint32_t camera = l.add(ContentionRule::FirstCome, 2, "camera:front");
    auto a = l.acquire(1, camera, 0, true).value();
    auto b = l.acquire(2, camera, 0, true).value();
    EXPECT_TRUE(a.granted);
    EXPECT_TRUE(b.granted);
    EXPECT_FALSE(l.acquire(3, camera, 0, false).value().granted); // exclusive waits for both
    EXPECT_FALSE(l.acquire(4, camera, 0, true).value().granted);  // and nobody jumps the queue
    ASSERT_TRUE(l.manager->release(1, a.lease, 1).is_ok());
    EXPECT_EQ(l.manager->holders(camera), 1u); // 3 still waits for 2
    ASSERT_TRUE(l.manager->release(2, b.lease, 2).is_ok());
    EXPECT_TRUE(l.manager->holds(3, camera));
    EXPECT_FALSE(l.manager->holds(4, camera));
    ASSERT_TRUE(l.manager->release(3, l.granted_lease(3), 3).is_ok());
    EXPECT_TRUE(l.manager->holds(4, camera));
    // An exclusive-only resource refuses shared requests.
    uint32_t thermal = l.add();
    EXPECT_EQ(l.acquire(5, thermal, 0, true).error(), Error::InvalidArgument);
}

TEST(LeaseManager, ExpiryAndRenewal)
{
    Leases l;
    uint32_t thermal = l.add();
    auto a = l.acquire(1, thermal, 0, false, 0, 0, 5 * second).value();
    EXPECT_EQ(l.manager->next_deadline(), 5 * second);
    EXPECT_EQ(l.manager->renew(2, a.lease, 5 * second, second).error(), Error::NotFound);
    EXPECT_EQ(l.manager->renew(1, a.lease, 61 * second, second).error(), Error::OutOfRange);
    EXPECT_EQ(l.manager->renew(1, a.lease, 0, second).error(), Error::OutOfRange);
    ASSERT_TRUE(l.manager->renew(1, a.lease, 5 * second, second).is_ok());
    EXPECT_EQ(l.manager->find_lease(a.lease)->expires_at, 6 * second);
    EXPECT_EQ(l.audit.records(RecordKind::LeaseGranted).back().integer("renewal"), 1);
    ASSERT_FALSE(l.acquire(2, thermal, 2 * second).value().granted);
    EXPECT_EQ(l.manager->renew(1, a.lease, 5 * second, 3 * second).error(), Error::Busy); // 2 waits
    l.manager->advance(6 * second - 1);
    EXPECT_TRUE(l.manager->holds(1, thermal));
    l.manager->advance(6 * second);
    EXPECT_FALSE(l.manager->holds(1, thermal));
    EXPECT_TRUE(l.manager->holds(2, thermal));
    auto to_holder = l.outbox.events_for(1);
    ASSERT_EQ(to_holder.back().kind, EventKind::LeaseLost);
    EXPECT_EQ(to_holder.back().detail2, static_cast<uint64_t>(LeaseEnd::Expired));
    auto to_waiter = l.outbox.events_for(2);
    ASSERT_EQ(to_waiter.size(), 2u);
    EXPECT_EQ(to_waiter[0].kind, EventKind::ResourceFreed);
    EXPECT_EQ(to_waiter[1].kind, EventKind::LeaseGranted);
    EXPECT_EQ(l.audit.records(RecordKind::LeaseLost)[0].text("reason"), "expired");
}

TEST(LeaseManager, HolderDeathReleasesEverythingAndTellsWaiters)
{
    Leases l;
    uint32_t thermal = l.add();
    uint32_t camera = l.add(ContentionRule::FirstCome, 1, "camera:front");
    ASSERT_TRUE(l.acquire(1, thermal, 0).value().granted);
    ASSERT_TRUE(l.acquire(1, camera, 0).value().granted);
    ASSERT_FALSE(l.acquire(2, thermal, 1).value().granted);
    ASSERT_FALSE(l.acquire(3, camera, 1).value().granted);
    ASSERT_FALSE(l.acquire(4, camera, 1).value().granted);
    // 4 dies while waiting: its request goes quietly.
    EXPECT_EQ(l.manager->agent_exited(4, 2), 0u);
    EXPECT_EQ(l.manager->waiting(camera), 1u);
    EXPECT_EQ(l.manager->agent_exited(1, 3), 2u);
    EXPECT_TRUE(l.manager->holds(2, thermal));
    EXPECT_TRUE(l.manager->holds(3, camera));
    for (AgentId waiter : { 2, 3 }) {
        auto events = l.outbox.events_for(waiter);
        ASSERT_EQ(events.size(), 2u);
        EXPECT_EQ(events[0].kind, EventKind::ResourceFreed);
        EXPECT_EQ(events[1].kind, EventKind::LeaseGranted);
    }
    EXPECT_TRUE(l.outbox.events_for(4).empty());
    auto lost = l.audit.records(RecordKind::LeaseLost);
    ASSERT_EQ(lost.size(), 2u);
    EXPECT_EQ(lost[0].text("reason"), "holder_died");
    EXPECT_EQ(lost[1].text("reason"), "holder_died");
    EXPECT_EQ(l.manager->agent_exited(1, 4), 0u);
}

TEST(LeaseManager, PriorityClassGoesFirst)
{
    Leases l;
    uint32_t thermal = l.add(ContentionRule::Priority);
    auto a = l.acquire(1, thermal, 0).value();
    ASSERT_FALSE(l.acquire(2, thermal, 1, false, 1).value().granted);
    ASSERT_FALSE(l.acquire(3, thermal, 2, false, 5).value().granted);
    ASSERT_FALSE(l.acquire(4, thermal, 3, false, 5).value().granted);
    ASSERT_TRUE(l.manager->release(1, a.lease, 4).is_ok());
    EXPECT_TRUE(l.manager->holds(3, thermal));
    ASSERT_TRUE(l.manager->release(3, l.granted_lease(3), 5).is_ok());
    EXPECT_TRUE(l.manager->holds(4, thermal));
    ASSERT_TRUE(l.manager->release(4, l.granted_lease(4), 6).is_ok());
    EXPECT_TRUE(l.manager->holds(2, thermal));
}

TEST(LeaseManager, AuctionDecidesWhoIsNext)
{
    Leases l;
    for (AgentId a = 1; a <= 5; ++a)
        ASSERT_TRUE(l.ledger->open_account(a, 0).is_ok());
    uint32_t gpu = l.add(ContentionRule::Auction, 1, "gpu:0");
    auto a = l.acquire(1, gpu, 0).value();
    EXPECT_TRUE(a.granted);
    EXPECT_EQ(l.ledger->available(1, 0), 100u); // uncontended: free
    EXPECT_EQ(l.acquire(5, gpu, 0, false, 0, 101).error(), Error::QuotaExceeded); // beyond its budget
    EXPECT_EQ(l.manager->waiting(gpu), 0u);
    ASSERT_FALSE(l.acquire(2, gpu, 1, false, 0, 30).value().granted);
    ASSERT_FALSE(l.acquire(3, gpu, 1, false, 0, 50).value().granted);
    ASSERT_FALSE(l.acquire(4, gpu, 1, false, 0, 10).value().granted);
    EXPECT_EQ(l.ledger->available(3, 1), 50u); // the bid is held
    // Released before the round closes: nobody is granted yet, the round decides.
    ASSERT_TRUE(l.manager->release(1, a.lease, second / 2).is_ok());
    EXPECT_EQ(l.manager->holders(gpu), 0u);
    l.ledger->advance(second); // the round opened at 1 ns and lasts a second
    EXPECT_FALSE(l.manager->holds(3, gpu));
    l.ledger->advance(second + 1);
    EXPECT_TRUE(l.manager->holds(3, gpu));
    EXPECT_EQ(l.ledger->available(3, second), 70u); // pays the second price, 30
    EXPECT_EQ(l.ledger->available(2, second), 100u);
    EXPECT_EQ(l.manager->waiting(gpu), 0u);
    auto dropped = l.outbox.events_for(2);
    ASSERT_FALSE(dropped.empty());
    EXPECT_EQ(dropped.back().kind, EventKind::LeaseRequestDropped);
    EXPECT_EQ(dropped.back().detail, static_cast<uint64_t>(LeaseEnd::Outbid));
    auto clearing = l.audit.records(RecordKind::AuctionClearing);
    ASSERT_EQ(clearing.size(), 1u);
    EXPECT_EQ(clearing[0].text("item"), "gpu:0");
    EXPECT_EQ(l.audit.records(RecordKind::LeaseGranted).back().text("rule"), "auction");
}

// The policy's `resource` lines become lease manager resources with their rule and options.
TEST(DeclaredResources, PolicyLinesBecomeResources)
{
    constexpr StringView text = "resource radio:uplink rule priority\n"
                                "resource gpu:0 rule auction reserve 5 round 200\n"
                                "resource store:cache rule first-come shared 3\n";
    PolicyRule rules[1];
    CosignRule cosigns[1];
    Diagnostic diagnostic;
    auto policy = Policy::parse("etc/policy", text, rules, cosigns, diagnostic);
    ASSERT_TRUE(policy.is_ok()) << diagnostic.c_str();
    Leases l;
    uint32_t builtin = l.add(ContentionRule::FirstCome, 1, "sensor:thermal0");
    ASSERT_TRUE(add_declared_resources(*l.manager, policy.value(), "etc/policy", diagnostic).is_ok());
    ASSERT_EQ(l.manager->find_resource("sensor:thermal0").value_or(99), builtin); // declared ones come after
    uint32_t radio = l.manager->find_resource("radio:uplink").value_or(99);
    uint32_t gpu = l.manager->find_resource("gpu:0").value_or(99);
    uint32_t cache = l.manager->find_resource("store:cache").value_or(99);
    EXPECT_EQ(radio, 1u);
    EXPECT_EQ(gpu, 2u);
    EXPECT_EQ(cache, 3u);
    EXPECT_EQ(l.resources[radio].rule, ContentionRule::Priority);
    EXPECT_EQ(l.resources[gpu].rule, ContentionRule::Auction);
    EXPECT_EQ(l.resources[gpu].reserve_price, 5u);
    EXPECT_EQ(l.resources[gpu].round_length, 200'000'000u);
    EXPECT_EQ(l.resources[cache].max_shared, 3u);

    // Priority: the later, more urgent request goes first.
    auto held = l.acquire(1, radio, 0).value();
    ASSERT_TRUE(held.granted);
    EXPECT_FALSE(l.acquire(2, radio, 0, false, 1).value().granted);
    EXPECT_FALSE(l.acquire(3, radio, 0, false, 2).value().granted);
    ASSERT_TRUE(l.manager->release(1, held.lease, 1).is_ok());
    EXPECT_TRUE(l.manager->holds(3, radio));

    // Auction: a bid below the reserve is refused; the round lasts the declared 200 ms.
    for (AgentId a = 4; a <= 6; ++a)
        ASSERT_TRUE(l.ledger->open_account(a, 0).is_ok());
    auto gpu_held = l.acquire(4, gpu, 0).value();
    ASSERT_TRUE(gpu_held.granted);
    EXPECT_EQ(l.acquire(5, gpu, 0, false, 0, 4).error(), Error::OutOfRange);
    EXPECT_FALSE(l.acquire(5, gpu, 0, false, 0, 20).value().granted);
    EXPECT_FALSE(l.acquire(6, gpu, 0, false, 0, 40).value().granted);
    l.ledger->advance(200'000'000 - 1);
    ASSERT_TRUE(l.manager->release(4, gpu_held.lease, 200'000'000 - 1).is_ok());
    EXPECT_EQ(l.manager->holders(gpu), 0u); // the round has not closed
    l.ledger->advance(200'000'000);
    EXPECT_TRUE(l.manager->holds(6, gpu));
    EXPECT_EQ(l.ledger->available(6, 200'000'000), 80u); // the second price, 20

    // Shared by three.
    for (AgentId a = 7; a <= 9; ++a)
        EXPECT_TRUE(l.acquire(a, cache, 0, true).value().granted);
    EXPECT_FALSE(l.acquire(10, cache, 0, true).value().granted);
}

TEST(DeclaredResources, AClashOrNoRoomNamesTheLine)
{
    PolicyRule rules[1];
    CosignRule cosigns[1];
    Diagnostic diagnostic;
    auto clash = Policy::parse("etc/policy", "\nresource sensor:thermal0 rule priority\n", rules, cosigns, diagnostic);
    ASSERT_TRUE(clash.is_ok());
    Leases l;
    l.add(ContentionRule::FirstCome, 1, "sensor:thermal0");
    EXPECT_EQ(add_declared_resources(*l.manager, clash.value(), "etc/policy", diagnostic).error(), Error::AlreadyExists);
    EXPECT_EQ(diagnostic.line(), 2u);
    EXPECT_EQ(diagnostic.message(), "etc/policy:2: resource 'sensor:thermal0' cannot be added (AlreadyExists)");

    Diagnostic full;
    auto many = Policy::parse("etc/policy", "resource a rule first-come\nresource b rule first-come\nresource c rule first-come\nresource d rule first-come\n", rules, cosigns, full);
    ASSERT_TRUE(many.is_ok());
    EXPECT_EQ(add_declared_resources(*l.manager, many.value(), "etc/policy", full).error(), Error::OutOfMemory);
    EXPECT_EQ(full.line(), 4u); // three fit beside the built-in one
    EXPECT_TRUE(l.manager->find_resource("c").is_ok());
}

TEST(LeaseManager, GroupVotePicksTheNextHolder)
{
    Leases l;
    const AgentId group[] = { 10, 11, 12 };
    uint32_t arm = l.add(ContentionRule::GroupVote, 1, "actuator:arm", group);
    auto a = l.acquire(1, arm, 0).value();
    ASSERT_FALSE(l.acquire(2, arm, 1).value().granted);
    EXPECT_EQ(l.board->open_count(), 0u); // one waiter: nothing to vote on
    ASSERT_FALSE(l.acquire(3, arm, 2).value().granted);
    ASSERT_EQ(l.board->open_count(), 1u);
    const ProposalSlot* vote = nullptr;
    for (const auto& slot : l.slots) {
        if (slot.state == ProposalSlot::State::Voting)
            vote = &slot;
    }
    ASSERT_NE(vote, nullptr);
    EXPECT_EQ(vote->options[0].view(), "agent 2");
    EXPECT_EQ(vote->options[1].view(), "agent 3");
    EXPECT_EQ(vote->kind.view(), "lease");
    ProposalId id = vote->id;
    ASSERT_TRUE(l.board->vote(10, id, Ballot::for_option(1), 3).is_ok());
    ASSERT_TRUE(l.board->vote(11, id, Ballot::for_option(1), 3).is_ok()); // decided early
    EXPECT_EQ(l.board->open_count(), 0u);
    EXPECT_FALSE(l.manager->holds(3, arm)); // 1 still holds it
    ASSERT_TRUE(l.manager->release(1, a.lease, 4).is_ok());
    EXPECT_TRUE(l.manager->holds(3, arm));
    ASSERT_TRUE(l.manager->release(3, l.granted_lease(3), 5).is_ok());
    EXPECT_TRUE(l.manager->holds(2, arm));
}

TEST(LeaseManager, FailedGroupVoteFallsBackToFirstCome)
{
    Leases l;
    const AgentId group[] = { 10, 11 };
    uint32_t arm = l.add(ContentionRule::GroupVote, 1, "actuator:arm", group);
    auto a = l.acquire(1, arm, 0).value();
    ASSERT_FALSE(l.acquire(3, arm, 1).value().granted);
    ASSERT_FALSE(l.acquire(2, arm, 2).value().granted);
    ASSERT_EQ(l.board->open_count(), 1u);
    l.board->advance(10 * second); // nobody voted: no quorum... no majority
    EXPECT_EQ(l.board->open_count(), 0u);
    ASSERT_TRUE(l.manager->release(1, a.lease, 10 * second).is_ok());
    EXPECT_TRUE(l.manager->holds(3, arm)); // the older request
}

TEST(LeaseManager, Validation)
{
    Leases l(2, 2);
    ResourceSpec spec;
    EXPECT_EQ(l.manager->add_resource(spec).error(), Error::InvalidArgument); // no name
    spec.name = "gpu:0";
    spec.max_term = 0;
    EXPECT_EQ(l.manager->add_resource(spec).error(), Error::InvalidArgument);
    spec.max_term = second;
    spec.rule = ContentionRule::GroupVote;
    EXPECT_EQ(l.manager->add_resource(spec).error(), Error::InvalidArgument); // no group
    std::string long_name(49, 'n');
    spec.rule = ContentionRule::FirstCome;
    spec.name = StringView(long_name.data(), long_name.size());
    EXPECT_EQ(l.manager->add_resource(spec).error(), Error::OutOfRange);
    spec.name = "gpu:0";
    uint32_t gpu = l.manager->add_resource(spec).value();
    EXPECT_EQ(l.manager->add_resource(spec).error(), Error::AlreadyExists);
    EXPECT_EQ(l.manager->find_resource("gpu:0").value(), gpu);
    EXPECT_EQ(l.manager->find_resource("gpu:1").error(), Error::NotFound);

    EXPECT_EQ(l.acquire(1, 99, 0).error(), Error::NotFound);
    EXPECT_EQ(l.acquire(1, 3, 0).error(), Error::NotFound); // an unused slot
    EXPECT_EQ(l.acquire(1, gpu, 0, false, 0, 0, 0).error(), Error::InvalidArgument);
    EXPECT_EQ(l.acquire(1, gpu, 0, false, 0, 0, 2 * second).error(), Error::OutOfRange);
    ASSERT_TRUE(l.acquire(1, gpu, 0, false, 0, 0, second).value().granted);
    EXPECT_EQ(l.acquire(1, gpu, 0, false, 0, 0, second).error(), Error::AlreadyExists);
    ASSERT_FALSE(l.acquire(2, gpu, 0, false, 0, 0, second).value().granted);
    EXPECT_EQ(l.acquire(2, gpu, 0, false, 0, 0, second).error(), Error::AlreadyExists);
    ASSERT_FALSE(l.acquire(3, gpu, 0, false, 0, 0, second).value().granted);
    EXPECT_EQ(l.acquire(4, gpu, 0, false, 0, 0, second).error(), Error::QueueFull);

    // No ledger or board: only the rules that need none.
    std::vector<ResourceSlot> resources(1);
    std::vector<LeaseSlot> leases(1);
    LeaseStorage storage { { resources.data(), 1 }, { leases.data(), 1 }, {} };
    auto bare = LeaseManager::create(storage, l.audit.trail, l.outbox, nullptr, nullptr).release_value();
    spec.rule = ContentionRule::Auction;
    EXPECT_EQ(bare.add_resource(spec).error(), Error::InvalidArgument);
    spec.rule = ContentionRule::FirstCome;
    EXPECT_TRUE(bare.add_resource(spec).is_ok());
}

TEST(LeaseManager, HostileChurnKeepsTheInvariants)
{
    std::mt19937_64 random(7);
    Leases l(6, 10);
    for (AgentId a = 1; a <= 12; ++a)
        ASSERT_TRUE(l.ledger->open_account(a, 0).is_ok());
    uint32_t exclusive = l.add(ContentionRule::Priority, 1, "a");
    uint32_t shared = l.add(ContentionRule::FirstCome, 3, "b");
    uint32_t auctioned = l.add(ContentionRule::Auction, 1, "c");
    Nanoseconds now = 0;
    std::set<AgentId> dead;
    for (int step = 0; step < 20000; ++step) {
        now += random() % (second / 5);
        AgentId agent = 1 + random() % 12;
        uint32_t resource = random() % 4;
        switch (random() % 6) {
        case 0:
        case 1:
            (void)l.acquire(agent, resource, now, random() % 2, random() % 4, random() % 40, 1 + random() % (20 * second));
            break;
        case 2:
            (void)l.manager->release(agent, 1 + random() % 200, now);
            break;
        case 3:
            (void)l.manager->renew(agent, 1 + random() % 200, 1 + random() % (70 * second), now);
            break;
        case 4:
            if (random() % 20 == 0)
                (void)l.manager->agent_exited(agent, now);
            break;
        default:
            l.ledger->advance(now);
            l.manager->advance(now);
        }
        // Never an exclusive holder beside another, never more than max_shared.
        for (uint32_t r : { exclusive, shared, auctioned }) {
            size_t holders = 0, exclusive_holders = 0;
            for (const auto& lease : l.leases) {
                if (lease.id != 0 && lease.resource == r) {
                    ++holders;
                    exclusive_holders += !lease.shared;
                }
            }
            ASSERT_TRUE(exclusive_holders == 0 || holders == 1) << step;
            ASSERT_LE(holders, l.resources[r].max_shared) << step;
        }
    }
    // Every lease granted ended at most once.
    std::map<int64_t, int> ends;
    for (auto& record : l.audit.records(RecordKind::LeaseLost))
        ASSERT_EQ(++ends[record.integer("lease")], 1);
    EXPECT_GT(ends.size(), 100u);
    EXPECT_TRUE(l.audit.owned->log.verify_pending().is_ok());
}

TEST(LeaseManager, ReleaseTellsWaitersLikeExpiryAndDeath)
{
    Leases l;
    uint32_t thermal = l.add();
    auto a = l.acquire(1, thermal, 0).value();
    ASSERT_TRUE(a.granted);
    ASSERT_FALSE(l.acquire(2, thermal, 1).value().granted);
    ASSERT_FALSE(l.acquire(3, thermal, 1).value().granted);
    ASSERT_TRUE(l.manager->release(1, a.lease, 2).is_ok());
    EXPECT_TRUE(l.manager->holds(2, thermal));
    auto first = l.outbox.events_for(2);
    ASSERT_EQ(first.size(), 2u);
    EXPECT_EQ(first[0].kind, EventKind::ResourceFreed);
    EXPECT_EQ(first[0].subject, thermal);
    EXPECT_EQ(first[1].kind, EventKind::LeaseGranted);
    auto second = l.outbox.events_for(3);
    ASSERT_EQ(second.size(), 1u); // still waiting: told, not granted
    EXPECT_EQ(second[0].kind, EventKind::ResourceFreed);
    for (const auto& event : l.outbox.events_for(1)) { // the holder let go itself: not told it lost it
        EXPECT_NE(event.kind, EventKind::LeaseLost);
        EXPECT_NE(event.kind, EventKind::ResourceFreed);
    }
}
