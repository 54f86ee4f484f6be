#include <gtest/gtest.h>
#include <kernel/collective/BreakGlass.h>
#include <tests/host/support/CollectiveTestSupport.h>

using namespace gehri;
using namespace gehri::collective;
using namespace gehri::collective::testing;

namespace {

struct Console {
    Console()
        : isolated(2)
        , glass(audit.trail, outbox, { isolated.data(), isolated.size() })
    {
    }
    Result<void> run(const char* line, CommandSource source = CommandSource::Serial)
    {
        Diagnostic diagnostic;
        auto command = BreakGlass::parse(line, diagnostic);
        if (command.is_error())
            return command.error();
        return glass.execute(command.value(), source, 0);
    }

    AuditFixture audit;
    RecordingOutbox outbox;
    std::vector<AgentId> isolated;
    BreakGlass glass;
};

std::string parse_error(const char* line)
{
    Diagnostic diagnostic;
    auto command = BreakGlass::parse(line, diagnostic);
    EXPECT_TRUE(command.is_error()) << line;
    return std::string(diagnostic.message().characters(), diagnostic.message().length());
}

} // namespace

TEST(BreakGlass, ParsesCommands)
{
    Diagnostic diagnostic;
    auto command = BreakGlass::parse("  isolate 42\r", diagnostic);
    ASSERT_TRUE(command.is_ok());
    EXPECT_EQ(command.value().kind, BreakGlassKind::Isolate);
    EXPECT_EQ(command.value().agent, 42u);
    EXPECT_EQ(BreakGlass::parse("kill-all", diagnostic).value().kind, BreakGlassKind::KillAll);
    EXPECT_EQ(BreakGlass::parse("release 18446744073709551615", diagnostic).value().agent, UINT64_MAX);
    EXPECT_EQ(parse_error("freeze now"), "'freeze' takes no argument");
    EXPECT_EQ(parse_error("isolate"), "'isolate' needs an agent id (a decimal number)");
    EXPECT_EQ(parse_error("isolate 18446744073709551616"), "'isolate' needs an agent id (a decimal number)");
    EXPECT_EQ(parse_error("isolate -1"), "'isolate' needs an agent id (a decimal number)");
    EXPECT_EQ(parse_error("reboot"), "unknown command 'reboot' (freeze, resume, kill-all, isolate AGENT, release AGENT)");
    EXPECT_EQ(parse_error(""), "unknown command '' (freeze, resume, kill-all, isolate AGENT, release AGENT)");
}

TEST(BreakGlass, FreezeResumeKillAll)
{
    Console c;
    ASSERT_TRUE(c.run("freeze", CommandSource::Keyboard).is_ok());
    EXPECT_EQ(c.glass.state(), BreakGlass::State::Frozen);
    ASSERT_TRUE(c.run("freeze").is_ok()); // repeated: re-issued, not an error
    ASSERT_EQ(c.outbox.actions.size(), 2u);
    EXPECT_EQ(c.outbox.actions[1].kind, ControlKind::FreezeAll);
    ASSERT_TRUE(c.run("resume").is_ok());
    EXPECT_EQ(c.glass.state(), BreakGlass::State::Running);
    ASSERT_TRUE(c.run("resume").is_ok()); // nothing to resume: no action
    EXPECT_EQ(c.outbox.actions.size(), 3u);
    ASSERT_TRUE(c.run("kill-all").is_ok());
    EXPECT_EQ(c.glass.state(), BreakGlass::State::Frozen);
    ASSERT_EQ(c.outbox.actions.size(), 5u);
    EXPECT_EQ(c.outbox.actions[3].kind, ControlKind::FreezeAll);
    EXPECT_EQ(c.outbox.actions[4].kind, ControlKind::KillAll);

    auto records = c.audit.records(audit::RecordKind::BreakGlass);
    ASSERT_EQ(records.size(), 5u);
    EXPECT_EQ(records[0].text("command"), "freeze");
    EXPECT_EQ(records[0].text("source"), "keyboard");
    EXPECT_EQ(records[0].integer("changed"), 1);
    EXPECT_EQ(records[1].integer("changed"), 0);
    EXPECT_EQ(records[3].integer("changed"), 0);
    EXPECT_EQ(records[4].text("command"), "kill-all");
    EXPECT_EQ(records[4].text("state"), "frozen");
}

TEST(BreakGlass, IsolateAndRelease)
{
    Console c;
    ASSERT_TRUE(c.run("isolate 7").is_ok());
    EXPECT_TRUE(c.glass.is_isolated(7));
    ASSERT_TRUE(c.run("isolate 7").is_ok());
    EXPECT_EQ(c.glass.isolated_count(), 1u);
    ASSERT_TRUE(c.run("isolate 8").is_ok());
    EXPECT_EQ(c.run("isolate 9").error(), Error::OutOfMemory);
    EXPECT_EQ(c.run("isolate 0").error(), Error::InvalidArgument);
    EXPECT_EQ(c.run("release 9").error(), Error::NotFound);
    ASSERT_TRUE(c.run("release 7").is_ok());
    EXPECT_FALSE(c.glass.is_isolated(7));
    EXPECT_TRUE(c.glass.is_isolated(8));
    ASSERT_TRUE(c.run("isolate 9").is_ok());
    ASSERT_EQ(c.outbox.actions.size(), 5u);
    EXPECT_EQ(c.outbox.actions[0].kind, ControlKind::Isolate);
    EXPECT_EQ(c.outbox.actions[0].agent, 7u);
    EXPECT_EQ(c.outbox.actions[3].kind, ControlKind::Release);
    auto records = c.audit.records(audit::RecordKind::BreakGlass);
    ASSERT_EQ(records.size(), 5u); // refused commands leave no record
    EXPECT_EQ(records[0].agent, 7u);
    EXPECT_EQ(records[3].text("command"), "release");
}
