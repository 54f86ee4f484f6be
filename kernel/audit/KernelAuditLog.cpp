#include <kernel/audit/Json.h>
#include <kernel/audit/KernelAuditLog.h>
#include <kernel/console/Console.h>
#include <kernel/log/Log.h>
#include <kernel/log/Panic.h>
#include <new>

namespace gehri::audit {

namespace {

uint8_t s_storage[kernel_log_capacity];
alignas(AuditLog) uint8_t s_log_space[sizeof(AuditLog)];
AuditLog* s_log;
TimeSource s_time_source;

uint64_t kernel_time()
{
    TimeSource source = __atomic_load_n(&s_time_source, __ATOMIC_ACQUIRE);
    return source ? source() : 0;
}

// Collects one line and hands it to the console whole. Its buffer is only used from inside
// export_pending() on the kernel log, which serializes exporters.
char s_line[serial_marker.length() + max_json_record_length + 1];

class ConsoleLineSink final : public FormatSink {
public:
    void write(StringView text) override
    {
        for (char c : text) {
            if (m_length == sizeof(s_line))
                flush(); // cannot happen within the line bound; never drop bytes if it did
            s_line[m_length++] = c;
            if (c == '\n')
                flush();
        }
    }
    ~ConsoleLineSink() { flush(); }

private:
    void flush()
    {
        if (m_length > 0)
            console::write_line({ s_line, m_length });
        m_length = 0;
    }
    size_t m_length { 0 };
};

} // namespace

Result<void> initialize_kernel_log()
{
    if (s_log)
        return Error::AlreadyExists;
    auto created = TRY(AuditLog::create({ s_storage, sizeof(s_storage), kernel_checkpoint_interval, kernel_time }));
    s_log = new (s_log_space) AuditLog(std::move(created));
    log::info("audit: log started ({} KiB ring, a checkpoint every {} records)", kernel_log_capacity / 1024, kernel_checkpoint_interval);
    return {};
}

bool kernel_log_ready() { return s_log != nullptr; }

AuditLog& kernel_log()
{
    VERIFY(s_log != nullptr);
    return *s_log;
}

void set_time_source(TimeSource source) { __atomic_store_n(&s_time_source, source, __ATOMIC_RELEASE); }

size_t export_kernel_log_to_console()
{
    ConsoleLineSink sink;
    return kernel_log().export_pending(sink, serial_marker);
}

} // namespace gehri::audit
