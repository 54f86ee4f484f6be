#include <fstream>
#include <gtest/gtest.h>
#include <sstream>
#include <string>
#include <tests/host/support/ParserInvariants.h>
#include <user/init/Grants.h>
#include <user/init/Manifest.h>
#include <vector>

using namespace gehri;
using namespace gehri::swarm;

namespace {

std::string text(StringView view) { return std::string(view.characters(), view.length()); }

// The example in docs/manifest.md is parsed here, so the documentation cannot rot.
std::string documented_example()
{
    std::ifstream file(GEHRI_SOURCE_DIR "/docs/manifest.md");
    std::stringstream contents;
    contents << file.rdbuf();
    auto all = contents.str();
    auto start = all.find("```manifest\n");
    EXPECT_NE(start, std::string::npos) << "docs/manifest.md has no ```manifest block";
    start += 12;
    return all.substr(start, all.find("```", start) - start);
}

// Owns the text too: the manifest views it.
struct Parsed {
    std::string source;
    std::vector<AgentSpec> storage;
    Diagnostic diagnostic;
    Result<Manifest> result { Error::InvalidArgument };
};

std::unique_ptr<Parsed> parse(const std::string& source, size_t capacity = 64)
{
    auto parsed = std::make_unique<Parsed>();
    parsed->source = source;
    parsed->storage.resize(capacity);
    StringView text(parsed->source.data(), parsed->source.size());
    parsed->result = Manifest::parse("swarm.manifest", text,
        Span<AgentSpec>(parsed->storage.data(), parsed->storage.size()), parsed->diagnostic);
    if (parsed->result.is_ok()) {
        EXPECT_FALSE(parsed->diagnostic.has_failed());
        EXPECT_EQ(invariants::check_manifest(parsed->result.value(), text, capacity), nullptr);
    }
    return parsed;
}

struct ErrorCase {
    const char* source;
    size_t line;
    Error code;
    const char* message; // the whole message after "swarm.manifest:LINE: "
};

} // namespace

TEST(Manifest, ParsesTheDocumentedExample)
{
    auto source = documented_example();
    auto parsed = parse(source);
    ASSERT_TRUE(parsed->result.is_ok()) << parsed->diagnostic.c_str();
    auto& manifest = parsed->result.value();
    ASSERT_EQ(manifest.agent_count(), 4u);
    EXPECT_EQ(manifest.total_replicas(), 1003u);

    auto& coordinator = manifest.agent(0);
    EXPECT_EQ(text(coordinator.name), "coordinator");
    EXPECT_EQ(text(coordinator.program), "bin/coordinator");
    EXPECT_EQ(coordinator.replicas, 1u);
    EXPECT_EQ(coordinator.scheduling_class, SchedulingClass::Interactive);
    EXPECT_EQ(coordinator.memory, 4u << 20);
    EXPECT_EQ(coordinator.restart.strategy, RestartStrategy::OneForAll);
    EXPECT_EQ(coordinator.restart.max_restarts, 5u);
    EXPECT_EQ(coordinator.restart.window_ms, 60'000u);
    ASSERT_EQ(coordinator.capability_count, 4u);
    EXPECT_EQ(coordinator.capabilities[0].kind, CapabilityKind::Topic);
    EXPECT_EQ(text(coordinator.capabilities[0].resource), "fire/*");
    EXPECT_EQ(coordinator.capabilities[0].rights, Subscribe);
    EXPECT_EQ(text(coordinator.capabilities[1].resource), "orders");
    EXPECT_EQ(coordinator.capabilities[1].rights, Publish);
    EXPECT_EQ(coordinator.capabilities[2].kind, CapabilityKind::Blackboard);
    EXPECT_EQ(coordinator.capabilities[2].rights, Read | Write);
    EXPECT_EQ(coordinator.capabilities[3].kind, CapabilityKind::Spawn);
    EXPECT_TRUE(coordinator.capabilities[3].resource.is_empty());

    auto* drone = manifest.find("drone");
    ASSERT_NE(drone, nullptr);
    EXPECT_EQ(text(drone->program), "bin/drone");
    EXPECT_EQ(drone->replicas, 1000u);
    EXPECT_EQ(drone->scheduling_class, SchedulingClass::Normal);
    EXPECT_EQ(drone->weight, 100u);
    EXPECT_EQ(drone->memory, 256u * 1024);
    EXPECT_EQ(drone->restart.strategy, RestartStrategy::OneForOne);
    EXPECT_EQ(drone->restart.max_restarts, 3u);
    EXPECT_EQ(drone->restart.window_ms, 10'000u);
    ASSERT_EQ(drone->capability_count, 3u);
    EXPECT_EQ(drone->capabilities[0].rights, Publish | Subscribe);
    EXPECT_EQ(drone->line, 11u);

    auto* alarm = manifest.find("alarm");
    ASSERT_NE(alarm, nullptr);
    EXPECT_EQ(alarm->scheduling_class, SchedulingClass::Emergency);
    EXPECT_EQ(alarm->memory, 64u * 1024);
    EXPECT_EQ(alarm->capabilities[1].kind, CapabilityKind::Channel);
    EXPECT_EQ(alarm->capabilities[1].rights, Send);

    auto* archiver = manifest.find("archiver");
    ASSERT_NE(archiver, nullptr);
    EXPECT_EQ(archiver->scheduling_class, SchedulingClass::Batch);
    EXPECT_EQ(archiver->weight, 10u);
    EXPECT_EQ(archiver->restart.strategy, RestartStrategy::Never);
    EXPECT_EQ(manifest.find("drones"), nullptr);
}

TEST(Manifest, AppliesDefaults)
{
    auto parsed = parse("[agent solo]\nprogram = solo");
    ASSERT_TRUE(parsed->result.is_ok()) << parsed->diagnostic.c_str();
    auto& agent = parsed->result.value().agent(0);
    EXPECT_EQ(agent.replicas, 1u);
    EXPECT_EQ(agent.scheduling_class, SchedulingClass::Normal);
    EXPECT_EQ(agent.weight, 100u);
    EXPECT_EQ(agent.memory, 1u << 20);
    EXPECT_EQ(agent.handles, 0u);
    EXPECT_EQ(agent.restart.strategy, RestartStrategy::OneForOne);
    EXPECT_EQ(agent.restart.max_restarts, 3u);
    EXPECT_EQ(agent.restart.window_ms, 10'000u);
    EXPECT_EQ(agent.capability_count, 0u);
    EXPECT_EQ(agent.line, 1u);
}

TEST(Manifest, ToleratesCommentsWhitespaceAndCrlf)
{
    auto parsed = parse("# leading comment\r\n\r\n\t[ agent   a ]  # trailing\r\n  program=bin/a#x\r\n\treplicas\t=\t7 \r\n"
                        "memory = 8 MiB\r\nrestart = one-for-all   within=250ms   max=1\r\n"
                        "capabilities = topic:a/b/c publish ,blackboard:c write read,spawn\r\n# é comments may hold UTF-8\r\n");
    ASSERT_TRUE(parsed->result.is_ok()) << parsed->diagnostic.c_str();
    auto& agent = parsed->result.value().agent(0);
    EXPECT_EQ(text(agent.name), "a");
    EXPECT_EQ(text(agent.program), "bin/a");
    EXPECT_EQ(agent.replicas, 7u);
    EXPECT_EQ(agent.memory, 8u << 20);
    EXPECT_EQ(agent.restart.max_restarts, 1u);
    EXPECT_EQ(agent.restart.window_ms, 250u);
    ASSERT_EQ(agent.capability_count, 3u);
    EXPECT_EQ(agent.capabilities[1].rights, Read | Write);
}

TEST(Manifest, DisplayIsABareCapability)
{
    auto parsed = parse("[agent screen]\nprogram = bin/display-demo\ncapabilities = spawn, display\n");
    ASSERT_TRUE(parsed->result.is_ok()) << parsed->diagnostic.c_str();
    auto& agent = parsed->result.value().agent(0);
    ASSERT_EQ(agent.capability_count, 2u);
    EXPECT_EQ(agent.capabilities[1].kind, CapabilityKind::Display);
    EXPECT_TRUE(agent.capabilities[1].resource.is_empty());
    EXPECT_EQ(agent.capabilities[1].rights, 0u);
    EXPECT_EQ(text(capability_kind_name(CapabilityKind::Display)), "display");
}

TEST(Manifest, AcceptsTheEdgesOfEveryRange)
{
    auto parsed = parse("[agent a]\nprogram = a\nreplicas = 100000\nweight = 10000\nmemory = 1TiB\nrestart = one-for-one max=1000 within=24h\n"
                        "[agent b]\nprogram = b\nreplicas = 1\nweight = 1\nmemory = 4096B\nrestart = one-for-one max=1 within=1ms\n"
                        "[agent c]\nprogram = c\nmemory = 00004KiB\nhandles = 4096\n[agent d]\nprogram = d\nhandles = 16\n");
    ASSERT_TRUE(parsed->result.is_ok()) << parsed->diagnostic.c_str();
    EXPECT_EQ(parsed->result.value().agent(0).memory, 1ull << 40);
    EXPECT_EQ(parsed->result.value().agent(0).restart.window_ms, 86'400'000u);
    EXPECT_EQ(parsed->result.value().agent(1).memory, 4096u);
    EXPECT_EQ(parsed->result.value().agent(2).memory, 4096u);
    EXPECT_EQ(parsed->result.value().agent(2).handles, 4096u);
    EXPECT_EQ(parsed->result.value().agent(3).handles, 16u);
}

TEST(Manifest, EveryErrorNamesItsLine)
{
    const ErrorCase cases[] = {
        { "", 0, Error::BadFormat, "no agents defined (expected at least one [agent NAME] section)" },
        { "# only a comment\n\n", 0, Error::BadFormat, "no agents defined (expected at least one [agent NAME] section)" },
        { "program = a\n", 1, Error::BadFormat, "'program' is outside an [agent NAME] section" },
        { "[agent a]\nprogram = a\nreplics = 3\n", 3, Error::BadFormat, "unknown key 'replics' (expected program, replicas, class, weight, memory, handles, restart or capabilities)" },
        { "[agent a]\nprogram = a\njust words\n", 3, Error::BadFormat, "expected 'key = value' or '[agent NAME]', not 'just words'" },
        { "[agent a]\n = a\n", 2, Error::BadFormat, "missing key before '='" },
        { "[agent a]\nprogram =\n", 2, Error::BadFormat, "key 'program' has no value" },
        { "[agent a]\nprogram = # comment only\n", 2, Error::BadFormat, "key 'program' has no value" },
        { "[agent a]\nprogram = a\n\nprogram = b\n", 4, Error::AlreadyExists, "duplicate key 'program' (first set on line 2)" },
        { "[agent a]\nreplicas = 2\n\n[agent b]\nprogram = b\n", 1, Error::BadFormat, "agent 'a' has no program (add 'program = NAME')" },
        { "[agent a]\nprogram = a\n[agent b]\n# nothing\n", 3, Error::BadFormat, "agent 'b' has no program (add 'program = NAME')" },
        { "[agent drone]\nprogram = d\n[agent x]\nprogram = x\n[agent drone]\nprogram = d\n", 5, Error::AlreadyExists, "duplicate agent 'drone' (first defined on line 1)" },
        { "[agent a\nprogram = a\n", 1, Error::BadFormat, "section header '[agent a' is missing its closing ']'" },
        { "[swarm]\n", 1, Error::BadFormat, "unknown section '[swarm]' (expected [agent NAME])" },
        { "[agents a]\n", 1, Error::BadFormat, "unknown section '[agents a]' (expected [agent NAME])" },
        { "[agent]\n", 1, Error::BadFormat, "invalid agent name '' (a lowercase letter, then up to 31 lowercase letters, digits, '_' or '-')" },
        { "[agent Drone]\n", 1, Error::BadFormat, "invalid agent name 'Drone' (a lowercase letter, then up to 31 lowercase letters, digits, '_' or '-')" },
        { "[agent two words]\n", 1, Error::BadFormat, "invalid agent name 'two words' (a lowercase letter, then up to 31 lowercase letters, digits, '_' or '-')" },
        { "[agent 9lives]\n", 1, Error::BadFormat, "invalid agent name '9lives' (a lowercase letter, then up to 31 lowercase letters, digits, '_' or '-')" },
        { "[agent abcdefghijklmnopqrstuvwxyz0123456]\n", 1, Error::BadFormat, "invalid agent name 'abcdefghijklmnopqrstuvwxyz0123456' (a lowercase letter, then up to 31 lowercase letters, digits, '_' or '-')" },
        { "[agent a]\nprogram = ../escape\n", 2, Error::BadFormat, "program '../escape' is not a valid initrd path" },
        { "[agent a]\nprogram = /bin/a\n", 2, Error::BadFormat, "program '/bin/a' is not a valid initrd path" },
        { "[agent a]\nprogram = bin//a\n", 2, Error::BadFormat, "program 'bin//a' is not a valid initrd path" },
        { "[agent a]\nprogram = my program\n", 2, Error::BadFormat, "program 'my program' is not a valid initrd path" },
        { "[agent a]\nprogram = a\nreplicas = 0\n", 3, Error::OutOfRange, "replicas must be between 1 and 100000, not 0" },
        { "[agent a]\nprogram = a\nreplicas = 100001\n", 3, Error::OutOfRange, "replicas must be between 1 and 100000, not 100001" },
        { "[agent a]\nprogram = a\nreplicas = -1\n", 3, Error::BadFormat, "replicas: '-1' is not a decimal number" },
        { "[agent a]\nprogram = a\nreplicas = 1e3\n", 3, Error::BadFormat, "replicas: '1e3' is not a decimal number" },
        { "[agent a]\nprogram = a\nreplicas = 1 000\n", 3, Error::BadFormat, "replicas: '1 000' is not a decimal number" },
        { "[agent a]\nprogram = a\nreplicas = 18446744073709551616\n", 3, Error::OutOfRange, "replicas: value overflow in '18446744073709551616'" },
        { "[agent a]\nprogram = a\nreplicas = 18446744073709551615\n", 3, Error::OutOfRange, "replicas must be between 1 and 100000, not 18446744073709551615" },
        { "[agent a]\nprogram = a\nweight = 0\n", 3, Error::OutOfRange, "weight must be between 1 and 10000, not 0" },
        { "[agent a]\nprogram = a\nhandles = 15\n", 3, Error::OutOfRange, "handles must be between 16 and 32768, not 15" },
        { "[agent a]\nprogram = a\nhandles = 32769\n", 3, Error::OutOfRange, "handles must be between 16 and 32768, not 32769" },
        { "[agent a]\nprogram = a\nclass = urgent\n", 3, Error::BadFormat, "unknown class 'urgent' (expected emergency, interactive, normal or batch)" },
        { "[agent a]\nprogram = a\nclass = Normal\n", 3, Error::BadFormat, "unknown class 'Normal' (expected emergency, interactive, normal or batch)" },
        { "[agent a]\nprogram = a\nmemory = 256\n", 3, Error::BadFormat, "memory: '256' needs a unit (B, KiB, MiB, GiB or TiB)" },
        { "[agent a]\nprogram = a\nmemory = 256KB\n", 3, Error::BadFormat, "memory: unknown unit 'KB' (expected B, KiB, MiB, GiB or TiB)" },
        { "[agent a]\nprogram = a\nmemory = KiB\n", 3, Error::BadFormat, "memory: 'KiB' does not start with a number" },
        { "[agent a]\nprogram = a\nmemory = 1.5MiB\n", 3, Error::BadFormat, "memory: unknown unit '.5MiB' (expected B, KiB, MiB, GiB or TiB)" },
        { "[agent a]\nprogram = a\nmemory = 4095B\n", 3, Error::OutOfRange, "memory must be between 4KiB and 1TiB, not 4095 bytes" },
        { "[agent a]\nprogram = a\nmemory = 1025GiB\n", 3, Error::OutOfRange, "memory must be between 4KiB and 1TiB, not 1100585369600 bytes" },
        { "[agent a]\nprogram = a\nmemory = 16777216TiB\n", 3, Error::OutOfRange, "memory: value overflow in '16777216TiB'" },
        { "[agent a]\nprogram = a\nmemory = 99999999999999999999KiB\n", 3, Error::OutOfRange, "memory: value overflow in '99999999999999999999'" },
        { "[agent a]\nprogram = a\nrestart = sometimes\n", 3, Error::BadFormat, "unknown restart strategy 'sometimes' (expected never, one-for-one or one-for-all)" },
        { "[agent a]\nprogram = a\nrestart = never max=3\n", 3, Error::BadFormat, "restart = never takes no options, not 'max=3'" },
        { "[agent a]\nprogram = a\nrestart = one-for-one max=0\n", 3, Error::OutOfRange, "restart max must be between 1 and 1000, not 0" },
        { "[agent a]\nprogram = a\nrestart = one-for-one max=\n", 3, Error::BadFormat, "restart max needs a number" },
        { "[agent a]\nprogram = a\nrestart = one-for-one max = 3\n", 3, Error::BadFormat, "restart max needs a number" },
        { "[agent a]\nprogram = a\nrestart = one-for-one max=2 max=3\n", 3, Error::AlreadyExists, "restart option 'max' given twice" },
        { "[agent a]\nprogram = a\nrestart = one-for-one within=10\n", 3, Error::BadFormat, "restart within: '10' needs a unit (ms, s, min or h)" },
        { "[agent a]\nprogram = a\nrestart = one-for-one within=25h\n", 3, Error::OutOfRange, "restart within must be between 1ms and 24h, not 90000000ms" },
        { "[agent a]\nprogram = a\nrestart = one-for-one within=0s\n", 3, Error::OutOfRange, "restart within must be between 1ms and 24h, not 0ms" },
        { "[agent a]\nprogram = a\nrestart = one-for-one within=1d\n", 3, Error::BadFormat, "restart within: unknown unit 'd' (expected ms, s, min or h)" },
        { "[agent a]\nprogram = a\nrestart = one-for-one forever\n", 3, Error::BadFormat, "unknown restart option 'forever' (expected max=N or within=DURATION)" },
        { "[agent a]\nprogram = a\ncapabilities = file:/etc read\n", 3, Error::BadFormat, "unknown capability 'file' (expected topic, blackboard, channel, spawn or display)" },
        { "[agent a]\nprogram = a\ncapabilities = topic publish\n", 3, Error::BadFormat, "capability 'topic' needs a resource: topic:NAME" },
        { "[agent a]\nprogram = a\ncapabilities = topic: publish\n", 3, Error::BadFormat, "capability 'topic:' needs a resource: topic:NAME" },
        { "[agent a]\nprogram = a\ncapabilities = topic:fire\n", 3, Error::BadFormat, "capability topic:fire grants no rights (expected publish and/or subscribe)" },
        { "[agent a]\nprogram = a\ncapabilities = topic:fire pub\n", 3, Error::BadFormat, "unknown right 'pub' for topic (expected publish or subscribe)" },
        { "[agent a]\nprogram = a\ncapabilities = blackboard:map read publish\n", 3, Error::BadFormat, "unknown right 'publish' for blackboard (expected read or write)" },
        { "[agent a]\nprogram = a\ncapabilities = channel:c read\n", 3, Error::BadFormat, "unknown right 'read' for channel (expected send or receive)" },
        { "[agent a]\nprogram = a\ncapabilities = blackboard:map read read\n", 3, Error::AlreadyExists, "right 'read' given twice for blackboard:map" },
        { "[agent a]\nprogram = a\ncapabilities = topic:a publish, topic:a subscribe\n", 3, Error::AlreadyExists, "capability 'topic:a' is listed twice" },
        { "[agent a]\nprogram = a\ncapabilities = spawn, spawn\n", 3, Error::AlreadyExists, "capability 'spawn' is listed twice" },
        { "[agent a]\nprogram = a\ncapabilities = spawn:drone\n", 3, Error::BadFormat, "capability 'spawn' takes no resource and no rights, not 'spawn:drone'" },
        { "[agent a]\nprogram = a\ncapabilities = spawn all\n", 3, Error::BadFormat, "capability 'spawn' takes no resource and no rights, not 'spawn all'" },
        { "[agent a]\nprogram = a\ncapabilities = display:screen\n", 3, Error::BadFormat, "capability 'display' takes no resource and no rights, not 'display:screen'" },
        { "[agent a]\nprogram = a\ncapabilities = display write\n", 3, Error::BadFormat, "capability 'display' takes no resource and no rights, not 'display write'" },
        { "[agent a]\nprogram = a\ncapabilities = display, display\n", 3, Error::AlreadyExists, "capability 'display' is listed twice" },
        { "[agent a]\nprogram = a\ncapabilities = spawn,\n", 3, Error::BadFormat, "empty capability in the list (stray ',')" },
        { "[agent a]\nprogram = a\ncapabilities = , spawn\n", 3, Error::BadFormat, "empty capability in the list (stray ',')" },
        { "[agent a]\nprogram = a\ncapabilities = blackboard:* read\n", 3, Error::BadFormat, "invalid blackboard name '*' (segments of letters, digits, '_' and '-' separated by '/')" },
        { "[agent a]\nprogram = a\ncapabilities = topic:fire* publish\n", 3, Error::BadFormat, "invalid topic name 'fire*' (segments of letters, digits, '_' and '-' separated by '/', or '*')" },
        { "[agent a]\nprogram = a\ncapabilities = topic:fire//x publish\n", 3, Error::BadFormat, "invalid topic name 'fire//x' (segments of letters, digits, '_' and '-' separated by '/', or '*')" },
        { "[agent a]\nprogram = a\ncapabilities = topic:/fire publish\n", 3, Error::BadFormat, "invalid topic name '/fire' (segments of letters, digits, '_' and '-' separated by '/', or '*')" },
        { "[agent a]\nprogram = a\n\x01", 3, Error::BadFormat, "control character 0x1 in column 1" },
        { "[agent a]\nprogram = a\r\rb\n", 2, Error::BadFormat, "control character 0xd in column 12" },
        { "[agent a]\nprogram = a\n# nul \0 in a comment\n", 3, Error::BadFormat, "control character 0x0 in column 7" },
    };
    for (auto& c : cases) {
        // Sizes via the literal, so the case with an embedded NUL keeps it.
        std::string source(c.source);
        if (std::string(c.message).find("0x0 in") != std::string::npos)
            source = std::string("[agent a]\nprogram = a\n# nul \0 in a comment\n", 43);
        auto parsed = parse(source);
        ASSERT_TRUE(parsed->result.is_error()) << "accepted: " << source;
        auto& diagnostic = parsed->diagnostic;
        EXPECT_EQ(diagnostic.line(), c.line) << source;
        EXPECT_EQ(parsed->result.error(), c.code) << diagnostic.c_str();
        EXPECT_EQ(diagnostic.code(), c.code);
        std::string expected = c.line ? "swarm.manifest:" + std::to_string(c.line) + ": " + c.message : std::string("swarm.manifest: ") + c.message;
        EXPECT_EQ(text(diagnostic.message()), expected);
    }
}

TEST(Manifest, RejectsMoreAgentsOrCapabilitiesThanFit)
{
    std::string three = "[agent a]\nprogram = a\n[agent b]\nprogram = b\n[agent c]\nprogram = c\n";
    auto parsed = parse(three, 2);
    ASSERT_TRUE(parsed->result.is_error());
    EXPECT_EQ(parsed->result.error(), Error::QuotaExceeded);
    EXPECT_EQ(text(parsed->diagnostic.message()), "swarm.manifest:5: too many agents (at most 2)");
    EXPECT_TRUE(parse(three, 3)->result.is_ok());

    std::string capabilities = "[agent a]\nprogram = a\ncapabilities = spawn";
    for (int i = 0; i < 15; ++i)
        capabilities += ", topic:t" + std::to_string(i) + " publish";
    EXPECT_TRUE(parse(capabilities)->result.is_ok());
    auto too_many = parse(capabilities + ", channel:one-more send");
    ASSERT_TRUE(too_many->result.is_error());
    EXPECT_EQ(text(too_many->diagnostic.message()), "swarm.manifest:3: too many capabilities (at most 16)");
}

TEST(Manifest, IsAllOrNothing)
{
    // Four good agents, then a mistake on the last line: nothing is returned.
    auto example = documented_example();
    auto parsed = parse(example + "\n[agent late]\nprogram = late\nclass = someday\n");
    ASSERT_TRUE(parsed->result.is_error());
    EXPECT_EQ(parsed->diagnostic.line(), std::count(example.begin(), example.end(), '\n') + 4u);
}

// Each line of the example removed, doubled or cut in half: the outcome is a sound manifest or
// an error that names a line inside the file.
TEST(Manifest, EveryLineMangledIsRejectedWithItsLineOrAcceptedSoundly)
{
    auto example = documented_example();
    std::vector<std::string> lines;
    std::stringstream stream(example);
    for (std::string line; std::getline(stream, line);)
        lines.push_back(line);
    for (size_t target = 0; target < lines.size(); ++target) {
        for (int mangle = 0; mangle < 3; ++mangle) {
            std::string source;
            for (size_t i = 0; i < lines.size(); ++i) {
                if (i != target)
                    source += lines[i] + "\n";
                else if (mangle == 1)
                    source += lines[i] + "\n" + lines[i] + "\n";
                else if (mangle == 2)
                    source += lines[i].substr(0, lines[i].size() / 2) + "\n";
            }
            auto parsed = parse(source);
            if (parsed->result.is_error()) {
                EXPECT_GE(parsed->diagnostic.line(), 1u) << parsed->diagnostic.c_str();
                EXPECT_LE(parsed->diagnostic.line(), lines.size() + 1) << parsed->diagnostic.c_str();
                EXPECT_EQ(text(parsed->diagnostic.message()).rfind("swarm.manifest:" + std::to_string(parsed->diagnostic.line()) + ": ", 0), 0u);
            }
        }
    }
}

TEST(ManifestGrants, AChannelJoinsExactlyTwoAgentsOfOneReplica)
{
    std::string pair = "[agent a]\nprogram = a\ncapabilities = channel:jobs send\n[agent b]\nprogram = b\ncapabilities = channel:jobs receive\n";
    auto parsed = parse(pair);
    ASSERT_TRUE(parsed->result.is_ok()) << parsed->diagnostic.c_str();
    auto agents = parsed->result.value().agents();
    EXPECT_EQ(channel_end_of(agents, agents[0], "jobs"), 0u);
    EXPECT_EQ(channel_end_of(agents, agents[1], "jobs"), 1u);
    EXPECT_EQ(agents[0].capabilities[0].line, 3u);
    EXPECT_EQ(agents[1].capabilities[0].line, 6u);

    auto alone = parse("[agent a]\nprogram = a\n\ncapabilities = spawn, channel:jobs send\n");
    ASSERT_TRUE(alone->result.is_error());
    EXPECT_EQ(alone->result.error(), Error::InvalidArgument);
    EXPECT_EQ(text(alone->diagnostic.message()), "swarm.manifest:4: channel:jobs is named by agent a only: a channel joins exactly two agents");

    auto crowd = parse(pair + "[agent c]\nprogram = c\ncapabilities = channel:jobs receive\n");
    ASSERT_TRUE(crowd->result.is_error());
    EXPECT_EQ(text(crowd->diagnostic.message()), "swarm.manifest:3: channel:jobs is named by 3 agents (a, b, ...): a channel joins exactly two agents");

    auto replicated = parse("[agent a]\nprogram = a\ncapabilities = channel:jobs send\n[agent b]\nprogram = b\nreplicas = 4\ncapabilities = channel:jobs receive\n");
    ASSERT_TRUE(replicated->result.is_error());
    EXPECT_EQ(text(replicated->diagnostic.message()),
        "swarm.manifest:7: agent b has 4 replicas: a channel end (channel:jobs) goes to one agent, so it needs replicas = 1");

    // Different names are different channels, and a blackboard of the same name is no channel.
    auto two_names = parse("[agent a]\nprogram = a\ncapabilities = channel:x send, blackboard:y read\n[agent b]\nprogram = b\ncapabilities = channel:y send\n");
    ASSERT_TRUE(two_names->result.is_error());
    EXPECT_EQ(text(two_names->diagnostic.message()), "swarm.manifest:3: channel:x is named by agent a only: a channel joins exactly two agents");
}

TEST(ManifestGrants, BlackboardsAreSharedByAnyNumberOfAgents)
{
    auto parsed = parse("[agent a]\nprogram = a\nreplicas = 50\ncapabilities = blackboard:map read write\n[agent b]\nprogram = b\ncapabilities = blackboard:map read\n"
                        "[agent c]\nprogram = c\ncapabilities = blackboard:map write\n");
    EXPECT_TRUE(parsed->result.is_ok()) << parsed->diagnostic.c_str();
}

TEST(ManifestGrants, NamesFitAndAreLimitedPerAgent)
{
    Capability capability { .kind = CapabilityKind::Blackboard, .resource = "fire/north", .rights = Read };
    char buffer[max_grant_name_length];
    auto name = grant_name(capability, buffer);
    ASSERT_TRUE(name.is_ok());
    EXPECT_EQ(text(name.value()), "blackboard:fire/north");
    capability.resource = "abcdefghijklmnopqrstu"; // 11 + 21 = 32: just fits
    EXPECT_TRUE(grant_name(capability, buffer).is_ok());
    capability.resource = "abcdefghijklmnopqrstuv";
    EXPECT_EQ(grant_name(capability, buffer).error(), Error::BufferTooSmall);

    auto too_long = parse("[agent a]\nprogram = a\ncapabilities = blackboard:abcdefghijklmnopqrstuv read\n");
    ASSERT_TRUE(too_long->result.is_error());
    EXPECT_EQ(too_long->result.error(), Error::TooLarge);
    EXPECT_EQ(text(too_long->diagnostic.message()),
        "swarm.manifest:3: blackboard:abcdefghijklmnopqrstuv is too long a name to grant (at most 32 characters in all)");

    std::string boards = "[agent a]\nprogram = a\ncapabilities = spawn";
    for (int i = 0; i < 8; ++i)
        boards += ", blackboard:b" + std::to_string(i) + " read";
    EXPECT_TRUE(parse(boards + "\n")->result.is_ok());
    auto nine = parse(boards + ", blackboard:b8 read\n");
    ASSERT_TRUE(nine->result.is_error());
    EXPECT_EQ(nine->result.error(), Error::QuotaExceeded);
    EXPECT_EQ(text(nine->diagnostic.message()), "swarm.manifest:3: agent a is granted more than 8 blackboards and channels");
}
