#include <kernel/govern/Collective.h>
#include <kernel/object/Agent.h>
#include <kernel/sched/KernelScheduler.h>
#include <kernel/shell/Commands.h>
#include <kernel/tests/Framework.h>

// Award auctions through the kernel's services (the system calls' paths below the argument
// checks, which bad-syscalls covers): agents bid with their own identity, only the auctioneer
// settles, excludes and reads, a cut-off agent cannot bid, and an auctioneer's exit frees its
// auctions.
namespace gehri {

namespace {

abi::AuctionRequest award_request(uint64_t units, uint32_t max_bids, uint64_t closes_in_ns = 0)
{
    abi::AuctionRequest request;
    request.effect = static_cast<uint32_t>(abi::AuctionEffect::Award);
    request.units = units;
    request.max_bids = max_bids;
    request.closes_in_ns = closes_in_ns;
    return request;
}

struct Bidders {
    static constexpr size_t count = 6;
    RefPtr<object::Agent> agents[count];
    bool make()
    {
        for (auto& agent : agents) {
            auto created = object::Agent::create("award-bidder");
            if (created.is_error())
                return false;
            agent = created.release_value();
        }
        return true;
    }
    ~Bidders()
    {
        for (auto& agent : agents) {
            if (agent)
                govern::collective_agent_exited(agent->id());
        }
    }
};

} // namespace

KERNEL_TEST(award_auction_ranks_bids_and_lots_go_one_per_bidder)
{
    auto auctioneer = object::Agent::create("award-auctioneer").release_value();
    Bidders bidders;
    EXPECT(bidders.make());
    size_t before = govern::collective_statistics().award_auctions_open;
    auto first = govern::open_auction(*auctioneer, award_request(2, 8));
    auto second = govern::open_auction(*auctioneer, award_request(2, 8));
    EXPECT(first.is_ok() && second.is_ok());
    EXPECT_EQ(govern::collective_statistics().award_auctions_open, before + 2);
    // Scores, not money: far beyond any credit balance.
    const uint64_t scores[Bidders::count] = { 1'000'000, 5'000'000, 3'000'000, 5'000'000, 2'000'000, 4'000'000 };
    for (size_t i = 0; i < Bidders::count; ++i) {
        EXPECT(govern::bid(*bidders.agents[i], first.value(), scores[i]).is_ok());
        EXPECT(govern::bid(*bidders.agents[i], second.value(), scores[i]).is_ok());
    }
    EXPECT_EQ(govern::bid(*bidders.agents[0], first.value(), 7).error(), Error::AlreadyExists);
    // Only the auctioneer closes, excludes and reads.
    abi::AuctionAward awards[4];
    EXPECT_EQ(govern::settle_auction(*bidders.agents[0], first.value()).error(), Error::AccessDenied);
    EXPECT_EQ(govern::exclude_bidder(*bidders.agents[0], first.value(), bidders.agents[1]->id()).error(), Error::AccessDenied);
    EXPECT_EQ(govern::auction_awards(*auctioneer, first.value(), awards).error(), Error::WouldBlock);

    EXPECT_EQ(govern::settle_auction(*auctioneer, first.value()).value(), 2u);
    EXPECT_EQ(govern::auction_awards(*bidders.agents[0], first.value(), awards).error(), Error::AccessDenied);
    EXPECT_EQ(govern::auction_awards(*auctioneer, first.value(), awards).value(), 2u);
    // Equal scores: the lower agent id first (bidders 1 and 3 were made in that order).
    EXPECT_EQ(awards[0].agent, bidders.agents[1]->id());
    EXPECT_EQ(awards[1].agent, bidders.agents[3]->id());
    EXPECT_EQ(awards[0].price, 4'000'000u); // second price: the best losing score

    // The next lot: the first lot's winners are excluded before it settles.
    EXPECT(govern::exclude_bidder(*auctioneer, second.value(), awards[0].agent).value());
    EXPECT(govern::exclude_bidder(*auctioneer, second.value(), awards[1].agent).value());
    EXPECT(!govern::exclude_bidder(*auctioneer, second.value(), awards[1].agent).value());
    EXPECT_EQ(govern::settle_auction(*auctioneer, second.value()).value(), 2u);
    EXPECT_EQ(govern::settle_auction(*auctioneer, second.value()).error(), Error::TimedOut);
    EXPECT_EQ(govern::auction_awards(*auctioneer, second.value(), awards).value(), 2u);
    EXPECT_EQ(awards[0].agent, bidders.agents[5]->id());
    EXPECT_EQ(awards[1].agent, bidders.agents[2]->id());
    EXPECT_EQ(govern::bid(*bidders.agents[4], second.value(), 9).error(), Error::TimedOut);
    // Too small a buffer: nothing written.
    EXPECT_EQ(govern::auction_awards(*auctioneer, second.value(), Span<abi::AuctionAward>(awards, 1)).error(), Error::BufferTooSmall);

    // The auctioneer's exit forgets its auctions and frees their storage.
    govern::collective_agent_exited(auctioneer->id());
    EXPECT_EQ(govern::auction_awards(*auctioneer, second.value(), awards).error(), Error::NotFound);
    EXPECT_EQ(govern::collective_statistics().award_auctions_open, before);
}

KERNEL_TEST(award_auction_refuses_cut_off_bidders_and_bad_requests)
{
    auto auctioneer = object::Agent::create("award-auctioneer").release_value();
    Bidders bidders;
    EXPECT(bidders.make());
    EXPECT_EQ(govern::open_auction(*auctioneer, award_request(0, 8)).error(), Error::InvalidArgument);
    EXPECT_EQ(govern::open_auction(*auctioneer, award_request(1, 0)).error(), Error::InvalidArgument);
    EXPECT_EQ(govern::open_auction(*auctioneer, award_request(1, abi::auction_max_bids + 1)).error(), Error::OutOfRange);
    auto id = govern::open_auction(*auctioneer, award_request(1, 2)).value();
    // A credit ledger auction's id is not an award auction.
    abi::AuctionRequest weight {};
    weight.effect = static_cast<uint32_t>(abi::AuctionEffect::SchedulingWeight);
    weight.value = 200;
    weight.term_ns = 1'000'000'000;
    weight.closes_in_ns = 1'000'000'000;
    auto ledger = govern::open_auction(*auctioneer, weight);
    EXPECT(ledger.is_ok());
    EXPECT_EQ(govern::settle_auction(*auctioneer, ledger.value()).error(), Error::NotFound);

    char buffer[256];
    BufferSink sink(buffer, sizeof(buffer));
    shell::run_command(FixedString<32>::formatted("isolate {}", bidders.agents[0]->id()).view(), sink);
    EXPECT(bidders.agents[0]->is_cut_off());
    EXPECT_EQ(govern::bid(*bidders.agents[0], id, 10).error(), Error::AccessDenied);
    sink = BufferSink(buffer, sizeof(buffer));
    shell::run_command(FixedString<32>::formatted("lift {}", bidders.agents[0]->id()).view(), sink);
    EXPECT(!bidders.agents[0]->is_cut_off());

    // max_bids bids, then QuotaExceeded.
    EXPECT(govern::bid(*bidders.agents[1], id, 10).is_ok());
    EXPECT(govern::bid(*bidders.agents[2], id, 11).is_ok());
    EXPECT_EQ(govern::bid(*bidders.agents[3], id, 12).error(), Error::QuotaExceeded);
    EXPECT_EQ(govern::bid(*bidders.agents[3], id + 1, 12).error(), Error::NotFound);
    govern::collective_agent_exited(auctioneer->id());
}

KERNEL_TEST(award_auction_settles_at_its_deadline)
{
    auto auctioneer = object::Agent::create("award-auctioneer").release_value();
    Bidders bidders;
    EXPECT(bidders.make());
    auto id = govern::open_auction(*auctioneer, award_request(1, 4, 20'000'000)).value();
    EXPECT(govern::bid(*bidders.agents[0], id, 3).is_ok());
    EXPECT(govern::collective_next_deadline() <= sched::kernel_scheduler().platform().now_ns() + 20'000'000);
    sched::kernel_scheduler().sleep_for(40'000'000);
    govern::collective_advance(sched::kernel_scheduler().platform().now_ns());
    abi::AuctionAward award;
    EXPECT_EQ(govern::auction_awards(*auctioneer, id, Span<abi::AuctionAward>(&award, 1)).value(), 1u);
    EXPECT_EQ(award.agent, bidders.agents[0]->id());
    govern::collective_agent_exited(auctioneer->id());
}

} // namespace gehri
