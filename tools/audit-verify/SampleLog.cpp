// gehri-audit-sample FILE: writes what a serial console capture of a Gehri boot with an audit log
// looks like: kernel log lines, "AUDIT " lines exported in batches from a real AuditLog, CRLF
// line ends, and a Gap (the ring is kept small so that some records are dropped). For trying
// gehri-audit-verify and for its CTest.
#include <cstdio>
#include <kernel/audit/AuditLog.h>
#include <kernel/audit/Json.h>
#include <string>
#include <vector>

using namespace gehri;
using namespace gehri::audit;

namespace {

// Serial ports send "\r\n"; the capture keeps it.
class SerialCapture final : public FormatSink {
public:
    void write(StringView text) override
    {
        for (char c : text) {
            if (c == '\n')
                m_text += '\r';
            m_text += c;
        }
    }
    const std::string& text() const { return m_text; }

private:
    std::string m_text;
};

uint64_t s_now = 1200000000;
uint64_t sample_clock() { return s_now += 250000; }

const char* const resources[] = { "gpu:0", "gpu:1", "cpu:2", "nic:0", "disk:7" };

} // namespace

int main(int argc, char** argv)
{
    if (argc != 2) {
        std::fprintf(stderr, "usage: gehri-audit-sample FILE\n");
        return 2;
    }
    std::vector<uint8_t> storage(AuditLog::min_storage_size + 512);
    auto created = AuditLog::create({ storage.data(), storage.size(), 16, sample_clock });
    if (created.is_error())
        return 1;
    AuditLog log = created.release_value();
    SerialCapture serial;
    format_to(serial, "\nGehri 0.1.0 (Jatha)\n  memory: 1023 MiB usable, command line: ''\n");

    uint64_t lease = 1;
    for (int batch = 0; batch < 6; ++batch) {
        format_to(serial, "[    1.{:06}] info: scheduler tick {}\n", batch * 1000, batch);
        // Batch 3 is large enough to overflow the ring before the next export.
        int count = batch == 3 ? 40 : 9;
        for (int i = 0; i < count; ++i) {
            const char* resource = resources[(batch * 9 + i) % 5];
            (void)log.append(RecordKind::LeaseGranted, 10 + i % 4, { Field::integer("lease", lease++), Field::string("resource", resource), Field::integer("duration_ns", 5000000u * (i + 1)) });
            if (i % 4 == 3)
                (void)log.append(RecordKind::PolicyDenial, 11, { Field::string("policy", "egress: deny \"*\" \\ all"), Field::integer("rule", -(i + 1)) });
        }
        (void)log.append(RecordKind::AuctionClearing, 0, { Field::integer("auction", batch), Field::integer("price", 100 + batch), Field::integer("winner", 12) });
        log.export_pending(serial, serial_marker);
        format_to(serial, "[    1.{:06}] info: exported audit batch {}\n", batch * 1000 + 500, batch);
    }
    std::FILE* file = std::fopen(argv[1], "wb");
    if (!file) {
        std::perror(argv[1]);
        return 2;
    }
    bool written = std::fwrite(serial.text().data(), 1, serial.text().size(), file) == serial.text().size();
    written = std::fclose(file) == 0 && written;
    return written ? 0 : 2;
}
