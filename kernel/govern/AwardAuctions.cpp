#include <kernel/govern/AwardAuctions.h>

namespace gehri::govern {

using namespace collective;
using audit::Field;
using audit::RecordKind;

namespace {

constexpr size_t first_slots = 16;
constexpr uint64_t slot_bits = 16;
constexpr uint64_t slot_mask = (uint64_t { 1 } << slot_bits) - 1;

size_t smaller(size_t a, size_t b) { return a < b ? a : b; }

} // namespace

void AwardAuctions::Slot::clear()
{
    id = 0;
    auctioneer = 0;
    settled = false;
    auction.reset();
    bids = {};
    winners = {};
    winner_count = 0;
}

void AwardAuctions::Slot::take(Slot& other)
{
    id = other.id;
    auctioneer = other.auctioneer;
    spec = other.spec;
    settled = other.settled;
    settled_sequence = other.settled_sequence;
    // The auction refers to the bids' heap storage, which moves with the HeapArray unchanged.
    bids = std::move(other.bids);
    auction.reset();
    if (other.auction.has_value())
        auction.emplace(std::move(*other.auction));
    winners = std::move(other.winners);
    winner_count = other.winner_count;
    other.clear();
}

AwardAuctions::Slot* AwardAuctions::find(AuctionId id)
{
    if (!is_award_id(id))
        return nullptr;
    size_t index = static_cast<size_t>(id & slot_mask);
    if (index >= m_slots.size() || m_slots.span()[index].id != id)
        return nullptr;
    return &m_slots.span()[index];
}

Result<AwardAuctions::Slot*> AwardAuctions::own(AgentId caller, AuctionId id)
{
    Slot* slot = find(id);
    if (!slot)
        return Error::NotFound;
    if (slot->auctioneer != caller)
        return Error::AccessDenied;
    return slot;
}

// A free slot, doubling the table (moving every auction) when it is full.
Result<AwardAuctions::Slot*> AwardAuctions::free_slot()
{
    for (Slot& slot : m_slots.span()) {
        if (slot.id == 0)
            return &slot;
    }
    size_t limit = smaller(m_limits.max_auctions, slot_mask + 1);
    size_t size = m_slots.size();
    if (size >= limit)
        return Error::OutOfMemory;
    auto bigger = TRY(HeapArray<Slot>::create(smaller(size == 0 ? first_slots : 2 * size, limit)));
    for (size_t i = 0; i < size; ++i)
        bigger.span()[i].take(m_slots.span()[i]);
    m_slots = std::move(bigger);
    return &m_slots.span()[size];
}

Result<AuctionId> AwardAuctions::open(AgentId auctioneer, const AwardSpec& spec, Nanoseconds now)
{
    if (spec.units == 0 || spec.max_bids == 0 || (spec.closes_at != 0 && spec.closes_at <= now))
        return Error::InvalidArgument;
    if (spec.max_bids > m_limits.max_bids || spec.units > m_limits.max_bids)
        return Error::OutOfRange;
    size_t open = 0;
    for (const Slot& slot : m_slots.span())
        open += slot.id != 0 && !slot.settled && slot.auctioneer == auctioneer;
    if (open >= m_limits.open_per_auctioneer)
        return Error::QuotaExceeded;
    auto bids = TRY(HeapArray<SealedBid>::create(smaller(m_limits.first_bids, spec.max_bids)));
    AuctionConfig config { spec.pricing, spec.units, spec.reserve_price, TieBreak::LowerAgentId };
    auto auction = TRY(SealedBidAuction::create(config, bids.span()));
    Slot* slot = TRY(free_slot());
    size_t index = static_cast<size_t>(slot - m_slots.span().data());
    slot->clear();
    slot->id = id_tag | (m_next_sequence++ << slot_bits) | index;
    slot->auctioneer = auctioneer;
    slot->spec = spec;
    slot->bids = std::move(bids);
    slot->auction.emplace(std::move(auction));
    return slot->id;
}

Result<void> AwardAuctions::grow_bids(Slot& slot)
{
    size_t size = slot.bids.size();
    auto bigger = TRY(HeapArray<SealedBid>::create(smaller(2 * size, slot.spec.max_bids)));
    TRY(slot.auction->move_to(bigger.span()));
    slot.bids = std::move(bigger);
    return {};
}

Result<void> AwardAuctions::bid(AgentId bidder, AuctionId id, uint64_t amount)
{
    Slot* slot = find(id);
    if (!slot)
        return Error::NotFound;
    if (slot->settled)
        return Error::TimedOut;
    SealedBidAuction& auction = *slot->auction;
    if (auction.bid_count() == auction.bid_capacity() && auction.bid_capacity() < slot->spec.max_bids)
        TRY(grow_bids(*slot));
    auto submitted = auction.submit(bidder, amount, UINT64_MAX);
    if (submitted.is_error() && submitted.error() == Error::OutOfMemory)
        return Error::QuotaExceeded; // max_bids are in
    return submitted;
}

Result<bool> AwardAuctions::exclude(AgentId caller, AuctionId id, AgentId bidder)
{
    Slot* slot = TRY(own(caller, id));
    if (slot->settled)
        return Error::TimedOut;
    return slot->auction->withdraw(bidder);
}

Result<size_t> AwardAuctions::close(Slot& slot, Nanoseconds now)
{
    size_t bid_count = slot.auction->bid_count();
    size_t winners = smaller(bid_count, static_cast<size_t>(slot.spec.units));
    // Only the winners are kept; a heap too full for them leaves the auction open, to try again.
    auto kept = TRY(HeapArray<Award>::create(winners == 0 ? 1 : winners));
    size_t closed = TRY(slot.auction->close(kept.span()));
    forget_oldest_settled(slot.auctioneer);
    slot.winners = std::move(kept);
    slot.winner_count = closed;
    record_clearing(slot, bid_count, closed, now);
    slot.auction.reset();
    slot.bids = {};
    slot.settled = true;
    slot.settled_sequence = m_next_settled++;
    return closed;
}

void AwardAuctions::record_clearing(const Slot& slot, size_t bids, size_t awarded, Nanoseconds now)
{
    if (!m_record_budget.has_value()) {
        auto budget = TokenBucket::per_second(m_limits.record_burst, m_limits.records_per_second, now);
        if (budget.is_ok())
            m_record_budget.emplace(budget.release_value());
    }
    if (!m_record_budget.has_value() || m_record_budget->try_charge(1, now).is_error()) {
        ++m_unaudited;
        ++m_unaudited_total;
        return;
    }
    const AuctionConfig& config = slot.auction->config();
    m_audit.record(RecordKind::AuctionClearing, slot.auctioneer, {
        Field::integer("auction", slot.id),
        Field::string("item", "award"),
        Field::string("pricing", config.pricing == Pricing::FirstPrice ? "first" : "second"),
        Field::integer("units", config.units),
        Field::integer("bids", bids),
        Field::integer("awarded", awarded),
        Field::integer("top_price", awarded > 0 ? slot.winners.span()[0].price : 0),
        Field::integer("unaudited", m_unaudited),
    });
    m_unaudited = 0;
}

// Keeps the auctioneer's settled results under the limit, making room for one more.
void AwardAuctions::forget_oldest_settled(AgentId auctioneer)
{
    Slot* oldest = nullptr;
    size_t settled = 0;
    for (Slot& slot : m_slots.span()) {
        if (slot.id == 0 || !slot.settled || slot.auctioneer != auctioneer)
            continue;
        ++settled;
        if (!oldest || slot.settled_sequence < oldest->settled_sequence)
            oldest = &slot;
    }
    if (oldest && settled >= m_limits.settled_per_auctioneer)
        oldest->clear();
}

Result<size_t> AwardAuctions::settle(AgentId caller, AuctionId id, Nanoseconds now)
{
    Slot* slot = TRY(own(caller, id));
    if (slot->settled)
        return Error::TimedOut;
    return close(*slot, now);
}

Result<Span<const Award>> AwardAuctions::winners(AgentId caller, AuctionId id) const
{
    const Slot* slot = find(id);
    if (!slot)
        return Error::NotFound;
    if (slot->auctioneer != caller)
        return Error::AccessDenied;
    if (!slot->settled)
        return Error::WouldBlock;
    return Span<const Award>(slot->winners.span().data(), slot->winner_count);
}

Result<size_t> AwardAuctions::awards(AgentId caller, AuctionId id, Span<Award> out) const
{
    Span<const Award> kept = TRY(winners(caller, id));
    if (out.size() < kept.size())
        return Error::BufferTooSmall;
    for (size_t i = 0; i < kept.size(); ++i)
        out[i] = kept[i];
    return kept.size();
}

void AwardAuctions::advance(Nanoseconds now)
{
    for (Slot& slot : m_slots.span()) {
        if (slot.id != 0 && !slot.settled && slot.spec.closes_at != 0 && now >= slot.spec.closes_at)
            (void)close(slot, now); // OutOfMemory: tried again at the next advance
    }
}

Nanoseconds AwardAuctions::next_deadline() const
{
    Nanoseconds next = UINT64_MAX;
    for (const Slot& slot : m_slots.span()) {
        if (slot.id != 0 && !slot.settled && slot.spec.closes_at != 0 && slot.spec.closes_at < next)
            next = slot.spec.closes_at;
    }
    return next;
}

void AwardAuctions::auctioneer_exited(AgentId agent)
{
    bool in_use = false;
    for (Slot& slot : m_slots.span()) {
        if (slot.id != 0 && slot.auctioneer == agent)
            slot.clear();
        in_use |= slot.id != 0;
    }
    // Nobody holds an award auction: the table goes too, and grows again when needed.
    if (!in_use)
        m_slots = {};
}

size_t AwardAuctions::open_count() const
{
    size_t count = 0;
    for (const Slot& slot : m_slots.span())
        count += slot.id != 0 && !slot.settled;
    return count;
}

size_t AwardAuctions::settled_count() const
{
    size_t count = 0;
    for (const Slot& slot : m_slots.span())
        count += slot.id != 0 && slot.settled;
    return count;
}

size_t AwardAuctions::bytes() const
{
    size_t total = m_slots.bytes();
    for (const Slot& slot : m_slots.span())
        total += slot.bids.bytes() + slot.winners.bytes();
    return total;
}

} // namespace gehri::govern
