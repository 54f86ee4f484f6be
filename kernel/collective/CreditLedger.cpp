#include <kernel/collective/CreditLedger.h>
#include <string.h>

namespace gehri::collective {

using audit::Field;
using audit::RecordKind;

namespace {

StringView effect_name(EffectKind kind)
{
    switch (kind) {
    case EffectKind::SchedulingWeight: return "scheduling_weight";
    case EffectKind::MemoryQuota: return "memory_quota";
    case EffectKind::TrustWeight: return "trust_weight";
    }
    return "unknown";
}

} // namespace

Result<CreditLedger> CreditLedger::create(const CreditConfig& config, const CreditStorage& storage, AuditTrail& audit, Outbox& outbox)
{
    if (storage.accounts.is_empty() || storage.auctions.is_empty() || storage.awards.is_empty())
        return Error::InvalidArgument;
    if (storage.bids.size() < storage.auctions.size() || config.capacity == 0 || config.refill_period == 0)
        return Error::InvalidArgument;
    if (config.spend_limit > 0 && config.spend_window == 0)
        return Error::InvalidArgument;
    FixedHashMap<uint32_t> index;
    if (!storage.index.is_empty()) {
        if (storage.accounts.size() > storage.index.size() - storage.index.size() / 8 - 1)
            return Error::InvalidArgument;
        index = TRY(FixedHashMap<uint32_t>::create(storage.index));
    }
    size_t per_auction = storage.bids.size() / storage.auctions.size();
    for (auto& account : storage.accounts) {
        account.open = false;
        account.balance.reset();
        account.spending.reset();
    }
    for (size_t i = 0; i < storage.auctions.size(); ++i) {
        storage.auctions[i].id = 0;
        storage.auctions[i].auction.reset();
        storage.auctions[i].bids = storage.bids.slice(i * per_auction, per_auction);
    }
    CreditLedger ledger(config, storage, per_auction, audit, outbox);
    ledger.m_index = index;
    return ledger;
}

Result<void> CreditLedger::grow(Span<CreditAccount> accounts, Span<HashSlot<uint32_t>> index_slots)
{
    if (accounts.size() < m_accounts.size())
        return Error::InvalidArgument;
    bool new_index = !index_slots.is_empty() && index_slots.data() != m_index_slots.data();
    Span<HashSlot<uint32_t>> kept = new_index ? index_slots : m_index_slots;
    if (!kept.is_empty() && accounts.size() > kept.size() - kept.size() / 8 - 1)
        return Error::InvalidArgument;
    FixedHashMap<uint32_t> index = m_index;
    if (new_index)
        index = TRY(FixedHashMap<uint32_t>::create(index_slots));
    if (accounts.data() != m_accounts.data()) {
        for (size_t slot = 0; slot < accounts.size(); ++slot) {
            CreditAccount& target = accounts[slot];
            CreditAccount empty;
            CreditAccount& source = slot < m_accounts.size() ? m_accounts[slot] : empty;
            target.agent = source.agent;
            target.open = source.open;
            target.balance.reset();
            target.spending.reset();
            if (source.balance.has_value())
                target.balance.emplace(std::move(*source.balance));
            if (source.spending.has_value())
                target.spending.emplace(std::move(*source.spending));
        }
        m_accounts = accounts;
    }
    if (new_index) {
        for (uint32_t slot = 0; slot < m_accounts.size(); ++slot) {
            if (m_accounts[slot].open)
                (void)index.find_or_insert(m_accounts[slot].agent, slot);
        }
        m_index = index;
        m_index_slots = index_slots;
    }
    return {};
}

CreditAccount* CreditLedger::find(AgentId agent)
{
    if (!m_index_slots.is_empty()) {
        const uint32_t* slot = m_index.find(agent);
        return slot ? &m_accounts[*slot] : nullptr;
    }
    for (auto& account : m_accounts) {
        if (account.open && account.agent == agent)
            return &account;
    }
    return nullptr;
}

Result<void> CreditLedger::open_account(AgentId agent, Nanoseconds now)
{
    if (find(agent))
        return Error::AlreadyExists;
    if (m_open == m_accounts.size())
        return Error::OutOfMemory;
    // Closed accounts leave holes; the search starts at the open count, where a ledger that
    // only grew has its first free slot.
    CreditAccount* free = nullptr;
    for (size_t step = 0; step < m_accounts.size() && !free; ++step) {
        CreditAccount& account = m_accounts[(m_open + step) % m_accounts.size()];
        if (!account.open)
            free = &account;
    }
    if (!free)
        return Error::OutOfMemory;
    auto balance = TRY(TokenBucket::create(m_config.capacity, m_config.refill_tokens, m_config.refill_period, now, m_config.capacity));
    free->balance.emplace(std::move(balance));
    free->spending.reset();
    if (m_config.spend_limit > 0) {
        auto spending = TRY(TokenBucket::create(m_config.spend_limit, m_config.spend_limit, m_config.spend_window, now, m_config.spend_limit));
        free->spending.emplace(std::move(spending));
    }
    if (!m_index_slots.is_empty())
        TRY(m_index.find_or_insert(agent, static_cast<uint32_t>(free - m_accounts.data())));
    free->agent = agent;
    free->open = true;
    ++m_open;
    return {};
}

Result<void> CreditLedger::close_account(AgentId agent)
{
    CreditAccount* account = find(agent);
    if (!account)
        return Error::NotFound;
    (void)m_index.remove(agent);
    --m_open;
    account->open = false;
    account->balance.reset();
    account->spending.reset();
    return {};
}

uint64_t CreditLedger::available(AgentId agent, Nanoseconds now)
{
    CreditAccount* account = find(agent);
    if (!account)
        return 0;
    uint64_t balance = account->balance->available(now);
    if (account->spending.has_value()) {
        uint64_t allowed = account->spending->available(now);
        return allowed < balance ? allowed : balance;
    }
    return balance;
}

Result<void> CreditLedger::debit(AgentId agent, uint64_t amount, Nanoseconds now)
{
    CreditAccount* account = find(agent);
    if (!account)
        return Error::NotFound;
    if (amount > available(agent, now))
        return Error::QuotaExceeded;
    // Both buckets cover it (checked just now, at the same `now`), so neither charge fails.
    TRY(account->balance->try_charge(amount, now));
    if (account->spending.has_value())
        TRY(account->spending->try_charge(amount, now));
    return {};
}

void CreditLedger::refund(AgentId agent, uint64_t amount)
{
    CreditAccount* account = find(agent);
    if (!account)
        return; // the agent is gone: its credit goes with it
    account->balance->refund(amount);
    if (account->spending.has_value())
        account->spending->refund(amount);
}

Result<AuctionId> CreditLedger::open_auction(const AuctionSpec& spec, Nanoseconds now)
{
    if (spec.closes_at <= now || spec.auction.units == 0 || spec.auction.units > m_awards.size())
        return Error::InvalidArgument;
    if (!spec.listener && spec.term == 0)
        return Error::InvalidArgument;
    if (spec.item.length() > sizeof(AuctionSlot::item))
        return Error::OutOfRange;
    AuctionSlot* slot = nullptr;
    for (auto& candidate : m_auctions) {
        if (candidate.id == 0) {
            slot = &candidate;
            break;
        }
    }
    if (!slot)
        return Error::OutOfMemory;
    auto auction = TRY(SealedBidAuction::create(spec.auction, slot->bids));
    slot->auction.emplace(std::move(auction));
    slot->spec = spec;
    memcpy(slot->item, spec.item.characters(), spec.item.length());
    slot->item_length = spec.item.length();
    slot->spec.item = { slot->item, slot->item_length }; // never keep the caller's pointer
    slot->id = m_next_id++;
    return slot->id;
}

AuctionSlot* CreditLedger::find_slot(AuctionId id)
{
    if (id == 0)
        return nullptr;
    for (auto& slot : m_auctions) {
        if (slot.id == id)
            return &slot;
    }
    return nullptr;
}

const AuctionSlot* CreditLedger::find_auction(AuctionId id) const { return const_cast<CreditLedger*>(this)->find_slot(id); }

Result<void> CreditLedger::bid(AgentId agent, AuctionId id, uint64_t amount, Nanoseconds now)
{
    if (id == 0 || id >= m_next_id)
        return Error::NotFound;
    AuctionSlot* slot = find_slot(id);
    if (!slot || now >= slot->spec.closes_at)
        return Error::TimedOut;
    if (!find(agent))
        return Error::NotFound;
    TRY(slot->auction->submit(agent, amount, available(agent, now)));
    // submit() checked the amount against what is available at this `now`.
    return debit(agent, amount, now);
}

void CreditLedger::advance(Nanoseconds now)
{
    for (auto& slot : m_auctions) {
        if (slot.id != 0 && now >= slot.spec.closes_at)
            settle(slot, now);
    }
}

Nanoseconds CreditLedger::next_deadline() const
{
    Nanoseconds next = UINT64_MAX;
    for (const auto& slot : m_auctions) {
        if (slot.id != 0 && slot.spec.closes_at < next)
            next = slot.spec.closes_at;
    }
    return next;
}

Result<void> CreditLedger::close_now(AuctionId id, Nanoseconds now)
{
    AuctionSlot* slot = find_slot(id);
    if (!slot)
        return Error::NotFound;
    settle(*slot, now);
    return {};
}

void CreditLedger::settle(AuctionSlot& slot, Nanoseconds now)
{
    size_t bid_count = slot.auction->bid_count();
    auto closed = slot.auction->close(m_awards);
    // open_auction() made sure the awards fit, and settle() runs once per slot.
    size_t winners = closed.is_ok() ? closed.value() : 0;
    Span<const SealedBid> bids = slot.bids.first(bid_count); // best first after close()
    record_clearing(slot, bid_count, winners);
    pay(slot, bids, winners, now);

    // Forfeited units (dead winners) are dropped, so a listener only sees live winners.
    size_t live = 0;
    for (size_t i = 0; i < winners; ++i) {
        if (find(m_awards[i].bidder))
            m_awards[live++] = m_awards[i];
    }
    AuctionId id = slot.id;
    AuctionListener* listener = slot.spec.listener;
    slot.id = 0;
    slot.auction.reset();
    if (listener)
        listener->auction_settled(id, { m_awards.data(), live }, now);
}

void CreditLedger::pay(AuctionSlot& slot, Span<const SealedBid> bids, size_t winners, Nanoseconds now)
{
    for (size_t i = 0; i < bids.size(); ++i) {
        const SealedBid& bid = bids[i];
        bool alive = find(bid.bidder) != nullptr;
        if (i >= winners) {
            refund(bid.bidder, bid.amount);
            if (alive)
                m_outbox.notify(Event { bid.bidder, EventKind::AuctionLost, slot.id, bid.amount });
            continue;
        }
        if (!alive)
            continue; // forfeited: the unit stays unsold
        uint64_t price = m_awards[i].price;
        refund(bid.bidder, bid.amount - price);
        if (slot.spec.listener) {
            m_outbox.notify(Event { bid.bidder, EventKind::AuctionWon, slot.id, price });
            continue;
        }
        // The prize is in force before the winner hears of it: an agent that checks its
        // weight or quota on AuctionWon (on another CPU) must see it.
        ResourceEffect effect { slot.spec.effect, bid.bidder, slot.spec.value, now + slot.spec.term };
        m_outbox.apply(effect);
        m_outbox.notify(Event { bid.bidder, EventKind::AuctionWon, slot.id, price, effect.until });
        m_audit.record(RecordKind::ResourceEffect, bid.bidder, {
            Field::integer("auction", slot.id),
            Field::string("effect", effect_name(effect.kind)),
            Field::integer("value", effect.value),
            Field::integer("until", effect.until),
            Field::integer("price", price),
        });
    }
}

void CreditLedger::record_clearing(const AuctionSlot& slot, size_t bids, size_t winners)
{
    const AuctionConfig& config = slot.spec.auction;
    m_audit.record(RecordKind::AuctionClearing, kernel_agent, {
        Field::integer("auction", slot.id),
        Field::string("item", slot.spec.item),
        Field::string("pricing", config.pricing == Pricing::FirstPrice ? "first" : "second"),
        Field::integer("units", config.units),
        Field::integer("bids", bids),
        Field::integer("awarded", winners),
        Field::integer("top_price", winners > 0 ? m_awards[0].price : 0),
        Field::integer("reserve", config.reserve_price),
    });
}

} // namespace gehri::collective
