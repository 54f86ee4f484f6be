// ddsbench: Eclipse Cyclone DDS (the middleware under ROS 2) doing the work of the pipe
// workloads, through its C API (ddsc): a 64-byte message round trip between two processes,
// and a 64-byte message from one publisher to N subscriber processes, all acknowledged.
//
// Every subscriber is its own process with its own domain participant, as every ROS 2 node
// would be. Each experiment runs in a fresh publisher process (forked before any DDS entity
// exists, since the library's threads do not survive fork). It prints BENCH lines in the
// format of the other workloads; a width that fails (discovery never completes, a round is
// not acknowledged in time, processes cannot be created) prints `unavailable=<why>`.
//
// Usage: ddsbench [--unit=instructions|ns] [--widths=1,10,100] [--rtt-iterations=N]
//                 [--fanout-rounds=N] [--deadline-s=S]
#include "BenchMessage.h"

#include <dds/dds.h>
#include <dds/version.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { quit_round = 0xffffffffu, take_batch = 64 };

static const char* s_unit = "ns";
static uint32_t s_rtt_iterations = 2000;
static uint32_t s_fanout_rounds = 20;
// How long (clock seconds: guest instructions / 1e9 under icount) discovery and each round may
// take before the width counts as not working.
static uint32_t s_deadline_s = 60;

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

// MemAvailable from /proc/meminfo in KiB, or -1: how close a wide fan-out is to running out.
static long available_memory_kib(void)
{
    FILE* file = fopen("/proc/meminfo", "r");
    if (!file)
        return -1;
    char line[128];
    long value = -1;
    while (fgets(line, sizeof(line), file)) {
        if (sscanf(line, "MemAvailable: %ld kB", &value) == 1)
            break;
    }
    fclose(file);
    return value;
}

static void report_unavailable(const char* name, const char* format, ...)
{
    char reason[256];
    va_list arguments;
    va_start(arguments, format);
    vsnprintf(reason, sizeof(reason), format, arguments);
    va_end(arguments);
    printf("BENCH name=%s unavailable=%s\n", name, reason);
    fflush(stdout);
}

// --- Endpoints --------------------------------------------------------------------------------

typedef struct {
    dds_entity_t participant;
    dds_entity_t writer;
    dds_entity_t reader;
    dds_entity_t waitset;
} Endpoint;

static dds_entity_t checked(dds_entity_t entity, const char* what)
{
    if (entity < 0)
        fprintf(stderr, "ddsbench: %s: %s\n", what, dds_strretcode(entity));
    return entity;
}

// A participant writing `out_topic` and reading `in_topic`, reliable and keeping every sample
// (keyless topics have one instance, so keep-last would let one subscriber's acknowledgement
// overwrite another's).
static bool open_endpoint(Endpoint* endpoint, const char* out_topic, const char* in_topic)
{
    memset(endpoint, 0, sizeof(*endpoint));
    endpoint->participant = checked(dds_create_participant(DDS_DOMAIN_DEFAULT, NULL, NULL), "create participant");
    if (endpoint->participant < 0)
        return false;
    dds_qos_t* qos = dds_create_qos();
    dds_qset_reliability(qos, DDS_RELIABILITY_RELIABLE, DDS_SECS(10));
    dds_qset_history(qos, DDS_HISTORY_KEEP_ALL, 0);
    dds_entity_t out = checked(dds_create_topic(endpoint->participant, &Bench_Message_desc, out_topic, qos, NULL), "create topic");
    dds_entity_t in = checked(dds_create_topic(endpoint->participant, &Bench_Message_desc, in_topic, qos, NULL), "create topic");
    if (out >= 0 && in >= 0) {
        endpoint->writer = checked(dds_create_writer(endpoint->participant, out, qos, NULL), "create writer");
        endpoint->reader = checked(dds_create_reader(endpoint->participant, in, qos, NULL), "create reader");
    }
    dds_delete_qos(qos);
    if (out < 0 || in < 0 || endpoint->writer < 0 || endpoint->reader < 0)
        return false;
    dds_entity_t readable = checked(dds_create_readcondition(endpoint->reader, DDS_ANY_STATE), "create read condition");
    endpoint->waitset = checked(dds_create_waitset(endpoint->participant), "create waitset");
    return readable >= 0 && endpoint->waitset >= 0 && dds_waitset_attach(endpoint->waitset, readable, 0) == 0;
}

static void close_endpoint(Endpoint* endpoint)
{
    if (endpoint->participant > 0)
        dds_delete(endpoint->participant);
}

// Takes what has arrived, waiting up to `timeout` for something; returns the number of valid
// messages stored in `messages` (0 on a timeout), or -1 on an error.
static int take_messages(Endpoint* endpoint, Bench_Message* messages, dds_duration_t timeout)
{
    void* samples[take_batch];
    dds_sample_info_t infos[take_batch];
    for (int i = 0; i < take_batch; ++i)
        samples[i] = &messages[i];
    dds_return_t taken = dds_take(endpoint->reader, samples, infos, take_batch, take_batch);
    if (taken == 0) {
        if (dds_waitset_wait(endpoint->waitset, NULL, 0, timeout) < 0)
            return -1;
        taken = dds_take(endpoint->reader, samples, infos, take_batch, take_batch);
    }
    if (taken < 0)
        return -1;
    int valid = 0;
    for (int i = 0; i < taken; ++i) {
        if (infos[i].valid_data)
            messages[valid++] = messages[i];
    }
    return valid;
}

// --- Subscribers ------------------------------------------------------------------------------

// Echoes every message on the request topic to the reply topic, signed with its index, until
// the quit message (or an hour without traffic, so that no subscriber outlives a failed run).
static int subscriber(uint32_t index, const char* request_topic, const char* reply_topic)
{
    Endpoint endpoint;
    if (!open_endpoint(&endpoint, reply_topic, request_topic))
        return 1;
    Bench_Message messages[take_batch];
    uint64_t idle_since = now_ns();
    for (;;) {
        int count = take_messages(&endpoint, messages, DDS_SECS(10));
        if (count < 0)
            break;
        if (count == 0 && now_ns() - idle_since > 3600ull * 1000000000ull)
            break;
        for (int i = 0; i < count; ++i) {
            if (messages[i].round == quit_round) {
                close_endpoint(&endpoint);
                return 0;
            }
            messages[i].sender = index;
            dds_write(endpoint.writer, &messages[i]);
        }
        if (count > 0)
            idle_since = now_ns();
    }
    close_endpoint(&endpoint);
    return 1;
}

// --- The publisher ------------------------------------------------------------------------------

typedef struct {
    const char* name;
    uint32_t width;
    uint32_t rounds;
    char request_topic[64];
    char reply_topic[64];
    pid_t* children;
    uint32_t started;
    bool* acknowledged;
} Experiment;

static bool all_matched(Endpoint* endpoint, uint32_t width)
{
    dds_publication_matched_status_t publication;
    dds_subscription_matched_status_t subscription;
    if (dds_get_publication_matched_status(endpoint->writer, &publication) < 0
        || dds_get_subscription_matched_status(endpoint->reader, &subscription) < 0)
        return false;
    return publication.current_count >= width && subscription.current_count >= width;
}

static bool wait_for_discovery(Experiment* experiment, Endpoint* endpoint)
{
    uint64_t start = now_ns();
    uint64_t deadline = start + (uint64_t)s_deadline_s * 1000000000ull;
    uint64_t next_progress = start + 5000000000ull;
    while (!all_matched(endpoint, experiment->width)) {
        if (now_ns() > next_progress) {
            // Where discovery stands, for anyone watching a slow run (the parser ignores it).
            dds_publication_matched_status_t publication;
            dds_subscription_matched_status_t subscription;
            dds_get_publication_matched_status(endpoint->writer, &publication);
            dds_get_subscription_matched_status(endpoint->reader, &subscription);
            printf("BENCH-PROGRESS %s discovery after %llus: %u readers and %u writers of %u matched, %ld KiB available\n",
                experiment->name, (unsigned long long)((now_ns() - start) / 1000000000ull), publication.current_count,
                subscription.current_count, experiment->width, available_memory_kib());
            fflush(stdout);
            next_progress += 5000000000ull;
        }
        if (now_ns() > deadline) {
            dds_publication_matched_status_t publication;
            dds_get_publication_matched_status(endpoint->writer, &publication);
            report_unavailable(experiment->name, "discovery incomplete after %us: writer matched %u of %u subscribers",
                s_deadline_s, publication.current_count, experiment->width);
            return false;
        }
        dds_sleepfor(DDS_MSECS(10));
    }
    return true;
}

// Publishes `round` and collects one acknowledgement from every subscriber. With
// `resend_after` (the warm-up), publishes again while some subscriber has not answered: a
// subscriber's reply writer may not have matched our reader yet, and that reply is lost.
static uint32_t publish_round(Experiment* experiment, Endpoint* endpoint, uint32_t round, dds_duration_t resend_after)
{
    Bench_Message message;
    memset(&message, 0, sizeof(message));
    message.round = round;
    memset(experiment->acknowledged, 0, experiment->width * sizeof(bool));
    uint32_t acknowledged = 0;
    uint64_t deadline = now_ns() + (uint64_t)s_deadline_s * 1000000000ull;
    uint64_t next_send = 0;
    Bench_Message replies[take_batch];
    while (acknowledged < experiment->width && now_ns() < deadline) {
        if (now_ns() >= next_send) {
            if (dds_write(endpoint->writer, &message) < 0)
                return acknowledged;
            next_send = resend_after > 0 ? now_ns() + (uint64_t)resend_after : UINT64_MAX;
        }
        int count = take_messages(endpoint, replies, resend_after > 0 ? resend_after : DDS_SECS(1));
        if (count < 0)
            return acknowledged;
        for (int i = 0; i < count; ++i) {
            uint32_t sender = replies[i].sender;
            if (replies[i].round == round && sender < experiment->width && !experiment->acknowledged[sender]) {
                experiment->acknowledged[sender] = true;
                ++acknowledged;
            }
        }
    }
    return acknowledged;
}

static bool measure_rounds(Experiment* experiment, Endpoint* endpoint, uint64_t setup_ns)
{
    uint32_t warm = publish_round(experiment, endpoint, 0, DDS_MSECS(200));
    if (warm < experiment->width) {
        report_unavailable(experiment->name, "warm-up round: %u of %u subscribers acknowledged within %us", warm, experiment->width, s_deadline_s);
        return false;
    }
    uint64_t start = now_ns();
    for (uint32_t round = 1; round <= experiment->rounds; ++round) {
        uint32_t acknowledged = publish_round(experiment, endpoint, round, 0);
        if (acknowledged < experiment->width) {
            report_unavailable(experiment->name, "round %u: %u of %u subscribers acknowledged within %us", round, acknowledged, experiment->width, s_deadline_s);
            return false;
        }
    }
    uint64_t elapsed = now_ns() - start;
    printf("BENCH name=%s unit=%s value=%llu iterations=%u bytes=64 subscribers=%u setup=%llu middleware=cyclonedds-%s\n", experiment->name,
        s_unit, (unsigned long long)((elapsed + experiment->rounds / 2) / experiment->rounds), experiment->rounds, experiment->width,
        (unsigned long long)setup_ns, DDS_VERSION);
    fflush(stdout);
    return true;
}

static void stop_subscribers(Experiment* experiment, Endpoint* endpoint)
{
    Bench_Message quit;
    memset(&quit, 0, sizeof(quit));
    quit.round = quit_round;
    if (endpoint)
        dds_write(endpoint->writer, &quit);
    // Give them the deadline to leave on their own, then make sure they do.
    uint64_t deadline = now_ns() + (uint64_t)s_deadline_s * 1000000000ull;
    uint32_t remaining = experiment->started;
    while (remaining > 0 && now_ns() < deadline) {
        pid_t pid = waitpid(-1, NULL, WNOHANG);
        if (pid > 0)
            --remaining;
        else if (pid < 0)
            break;
        else
            usleep(10000);
    }
    for (uint32_t i = 0; i < experiment->started; ++i)
        kill(experiment->children[i], SIGKILL);
    while (waitpid(-1, NULL, 0) > 0) {
    }
}

static int run_publisher(Experiment* experiment)
{
    experiment->children = calloc(experiment->width, sizeof(pid_t));
    experiment->acknowledged = calloc(experiment->width, sizeof(bool));
    if (!experiment->children || !experiment->acknowledged)
        return 1;
    uint64_t setup_start = now_ns();
    for (uint32_t i = 0; i < experiment->width; ++i) {
        fflush(NULL);
        pid_t pid = fork();
        if (pid == 0)
            _exit(subscriber(i, experiment->request_topic, experiment->reply_topic));
        if (pid < 0) {
            report_unavailable(experiment->name, "fork of subscriber %u failed: %s", i, strerror(errno));
            stop_subscribers(experiment, NULL);
            return 1;
        }
        experiment->children[experiment->started++] = pid;
    }
    Endpoint endpoint;
    bool ok = open_endpoint(&endpoint, experiment->request_topic, experiment->reply_topic);
    if (!ok)
        report_unavailable(experiment->name, "cannot create the publisher's participant and endpoints");
    ok = ok && wait_for_discovery(experiment, &endpoint);
    ok = ok && measure_rounds(experiment, &endpoint, now_ns() - setup_start);
    stop_subscribers(experiment, ok || endpoint.writer > 0 ? &endpoint : NULL);
    close_endpoint(&endpoint);
    return ok ? 0 : 1;
}

static bool run_experiment(const char* name, uint32_t width, uint32_t rounds)
{
    Experiment experiment;
    memset(&experiment, 0, sizeof(experiment));
    experiment.name = name;
    experiment.width = width;
    experiment.rounds = rounds;
    snprintf(experiment.request_topic, sizeof(experiment.request_topic), "%s_request", name);
    snprintf(experiment.reply_topic, sizeof(experiment.reply_topic), "%s_reply", name);
    fflush(NULL);
    pid_t publisher = fork();
    if (publisher < 0) {
        report_unavailable(name, "fork of the publisher failed: %s", strerror(errno));
        return false;
    }
    if (publisher == 0)
        _exit(run_publisher(&experiment));
    int status = 0;
    waitpid(publisher, &status, 0);
    if (WIFSIGNALED(status))
        report_unavailable(name, "the publisher was killed by signal %d", WTERMSIG(status));
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static void parse_arguments(int argc, char** argv, char* widths, size_t widths_size)
{
    for (int i = 1; i < argc; ++i) {
        const char* argument = argv[i];
        if (strncmp(argument, "--unit=", 7) == 0)
            s_unit = argument + 7;
        else if (strncmp(argument, "--widths=", 9) == 0)
            snprintf(widths, widths_size, "%s", argument + 9);
        else if (strncmp(argument, "--rtt-iterations=", 17) == 0)
            s_rtt_iterations = (uint32_t)strtoul(argument + 17, NULL, 10);
        else if (strncmp(argument, "--fanout-rounds=", 16) == 0)
            s_fanout_rounds = (uint32_t)strtoul(argument + 16, NULL, 10);
        else if (strncmp(argument, "--deadline-s=", 13) == 0)
            s_deadline_s = (uint32_t)strtoul(argument + 13, NULL, 10);
        else
            fprintf(stderr, "ddsbench: ignoring unknown argument %s\n", argument);
    }
}

int main(int argc, char** argv)
{
    char widths[128] = "10,100,1000";
    parse_arguments(argc, argv, widths, sizeof(widths));
    bool all_ok = run_experiment("dds_rtt", 1, s_rtt_iterations);
    // Wider fan-outs after a failure would fail the same way, only slower.
    bool working = true;
    for (char* width_text = strtok(widths, ","); width_text; width_text = strtok(NULL, ",")) {
        uint32_t width = (uint32_t)strtoul(width_text, NULL, 10);
        char name[32];
        snprintf(name, sizeof(name), "dds_fanout_%u", width);
        if (!working) {
            report_unavailable(name, "not tried: a narrower fan-out already failed");
            continue;
        }
        working = run_experiment(name, width, s_fanout_rounds);
        all_ok = all_ok && working;
    }
    return all_ok ? 0 : 1;
}
