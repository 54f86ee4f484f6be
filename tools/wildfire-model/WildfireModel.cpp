// gehri-wildfire-model: the wildfire demo's reference run on the host (user/wildfire, every
// drone's mind in this process). It prints the report line the wildfire agent prints, so a test
// can check that the swarm of agents decided exactly what the model decides.
//   gehri-wildfire-model CONFIG_FILE      the same etc/wildfire.conf the agent reads
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <user/wildfire/ReportText.h>
#include <user/wildfire/RunConfig.h>
#include <vector>

using namespace gehri;
using namespace gehri::wildfire;

int main(int argc, char** argv)
{
    if (argc != 2) {
        std::fprintf(stderr, "usage: gehri-wildfire-model CONFIG_FILE\n");
        return 2;
    }
    std::ifstream file(argv[1], std::ios::binary);
    if (!file) {
        std::fprintf(stderr, "gehri-wildfire-model: cannot read %s\n", argv[1]);
        return 2;
    }
    std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    Diagnostic diagnostic;
    auto config = parse_run_config(argv[1], StringView(text.data(), text.size()), diagnostic);
    if (config.is_error()) {
        std::fprintf(stderr, "gehri-wildfire-model: %s\n", diagnostic.c_str());
        return 1;
    }
    const ScenarioConfig& scenario_config = config.value().scenario;
    std::vector<uint8_t> arena(Scenario::bytes_needed(scenario_config));
    auto scenario = Scenario::create(scenario_config, Span<uint8_t>(arena.data(), arena.size()));
    if (scenario.is_error()) {
        std::fprintf(stderr, "gehri-wildfire-model: cannot create the scenario: %s\n", error_name(scenario.error()));
        return 1;
    }
    ScenarioReport report = scenario.value().run();
    char line[512];
    BufferSink sink(line, sizeof(line));
    format_report(sink, scenario_config, report);
    std::printf("wildfire: report %.*s\n", static_cast<int>(sink.length()), line);
    return 0;
}
