#include <gtest/gtest.h>
#include <kernel/ipc/HandleDisposal.h>
#include <kernel/ipc/Message.h>
#include <kernel/object/HandleTransfer.h>

using namespace gehri;
using namespace gehri::object;

namespace {

int s_live = 0;

class Token final : public KernelObject {
public:
    static constexpr ObjectType object_type = ObjectType::ChannelEndpoint;
    static RefPtr<Token> make() { return adopt_ref_if_nonnull(new (std::nothrow) Token).release_value(); }

private:
    Token()
        : KernelObject(object_type)
    {
        ++s_live;
    }
    ~Token() override { --s_live; }
};

OwnPtr<HandleTable> make_table(size_t capacity = 16) { return HandleTable::create(capacity, 7).release_value(); }

constexpr Rights movable = Rights::Read | Rights::Transfer;

} // namespace

TEST(HandleTable, TakeIsAllOrNothing)
{
    auto table = make_table();
    HandleValue a = table->add(Token::make(), movable).release_value();
    HandleValue b = table->add(Token::make(), Rights::Read).release_value(); // no Transfer
    KernelObject* objects[2];
    Rights rights[2];
    HandleValue both[] = { a, b };
    EXPECT_EQ(table->take(both, 2, Rights::Transfer, objects, rights).error(), Error::AccessDenied);
    EXPECT_EQ(table->count(), 2u); // nothing left the table
    HandleValue twice[] = { a, a };
    EXPECT_EQ(table->take(twice, 2, Rights::Transfer, objects, rights).error(), Error::InvalidArgument);
    HandleValue stale[] = { a, a + 1 };
    EXPECT_EQ(table->take(stale, 2, Rights::Transfer, objects, rights).error(), Error::BadHandle);
    ASSERT_TRUE(table->take(&a, 1, Rights::Transfer, objects, rights).is_ok());
    EXPECT_EQ(rights[0], movable);
    EXPECT_EQ(table->count(), 1u);
    EXPECT_EQ(table->close(a).error(), Error::BadHandle); // it left
    objects[0]->unref();
    EXPECT_EQ(s_live, 1);
    table->close_all();
    EXPECT_EQ(s_live, 0);
}

TEST(HandleTable, GetAnyChecksRightsNotType)
{
    auto table = make_table();
    HandleValue handle = table->add(Token::make(), Rights::Read).release_value();
    EXPECT_TRUE(table->get_any_with_rights(handle, Rights::Read).is_ok());
    EXPECT_EQ(table->get_any_with_rights(handle, Rights::Transfer).error(), Error::AccessDenied);
    EXPECT_EQ(table->get_any_with_rights(handle + 1, Rights::None).error(), Error::BadHandle);
}

TEST(HandleTransfer, MovesHandlesBetweenTablesWithTheirRights)
{
    auto sender = make_table();
    auto receiver = make_table();
    HandleValue values[] = { sender->add(Token::make(), movable).release_value(), sender->add(Token::make(), movable | Rights::Write).release_value() };
    ipc::HandleToken tokens[2];
    ASSERT_TRUE(mint_transfer_tokens(*sender, values, 2, tokens).is_ok());
    EXPECT_EQ(sender->count(), 0u);
    EXPECT_EQ(object_of_token(tokens[0]).type(), ObjectType::ChannelEndpoint);
    HandleValue installed[2];
    ASSERT_TRUE(redeem_transfer_tokens(*receiver, tokens, 2, installed).is_ok());
    EXPECT_EQ(receiver->rights_of(installed[0]).value(), movable);
    EXPECT_EQ(receiver->rights_of(installed[1]).value(), movable | Rights::Write);
    receiver->close_all();
    EXPECT_EQ(s_live, 0);
}

TEST(HandleTransfer, RefusedMintLeavesTheTableAndZeroTokens)
{
    auto sender = make_table();
    HandleValue good = sender->add(Token::make(), movable).release_value();
    HandleValue values[] = { good, 0x999999 };
    ipc::HandleToken tokens[2] = { 1, 1 };
    EXPECT_EQ(mint_transfer_tokens(*sender, values, 2, tokens).error(), Error::BadHandle);
    EXPECT_EQ(tokens[0], 0u);
    EXPECT_EQ(tokens[1], 0u);
    EXPECT_EQ(sender->count(), 1u);
    sender->close_all();
    EXPECT_EQ(s_live, 0);
}

TEST(HandleTransfer, UndeliveredMessagesReleaseTheirObjects)
{
    auto sender = make_table();
    HandleValue value = sender->add(Token::make(), movable).release_value();
    {
        ipc::Message message;
        ASSERT_TRUE(message.initialize(1, 8, 1).is_ok());
        ASSERT_TRUE(mint_transfer_tokens(*sender, &value, 1, message.writable_handles().data()).is_ok());
        EXPECT_EQ(s_live, 1); // held by the message only
    }
    EXPECT_EQ(s_live, 0); // the disposer closed it with the message
    // A message whose token slots were never filled (zeros) disposes of nothing.
    ipc::Message empty;
    ASSERT_TRUE(empty.initialize(1, 8, 2).is_ok());
    for (auto& token : empty.writable_handles())
        token = 0;
}

TEST(HandleTransfer, RedeemIntoAFullTableConsumesEveryToken)
{
    auto sender = make_table();
    auto receiver = make_table(1);
    HandleValue values[] = { sender->add(Token::make(), movable).release_value(), sender->add(Token::make(), movable).release_value() };
    ipc::HandleToken tokens[2];
    ASSERT_TRUE(mint_transfer_tokens(*sender, values, 2, tokens).is_ok());
    HandleValue installed[2];
    EXPECT_EQ(redeem_transfer_tokens(*receiver, tokens, 2, installed).error(), Error::OutOfHandles);
    EXPECT_EQ(receiver->count(), 0u); // the one that fitted was closed again
    EXPECT_EQ(s_live, 0);
}
