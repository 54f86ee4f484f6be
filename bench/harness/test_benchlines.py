"""Host unit tests of the BENCH line parser (run by run_tests.py, the bench-harness tier of ./gehri test)."""
import unittest

from benchlines import BenchFormatError, parse_log, parse_result, split_recorded_run


class ParseResultTest(unittest.TestCase):
    def test_measured_line(self):
        result = parse_result("name=pipe_rtt unit=instructions value=13184 iterations=20000 bytes=64")
        self.assertEqual(result.name, "pipe_rtt")
        self.assertEqual(result.unit, "instructions")
        self.assertEqual(result.value, 13184)
        self.assertEqual(result.iterations, 20000)
        self.assertEqual(result.extra, {"bytes": "64"})
        self.assertTrue(result.available)

    def test_unavailable_reason_runs_to_the_end_of_the_line(self):
        result = parse_result("name=null_syscall unavailable=needs user mode: system calls, processes (branch agents)")
        self.assertFalse(result.available)
        self.assertEqual(result.unavailable, "needs user mode: system calls, processes (branch agents)")
        self.assertIsNone(result.value)

    def test_keys_before_unavailable_are_kept(self):
        result = parse_result("name=dds_fanout_100 subscribers=100 unavailable=discovery incomplete after 60s: 36 of 100")
        self.assertEqual(result.extra, {"subscribers": "100"})
        self.assertEqual(result.unavailable, "discovery incomplete after 60s: 36 of 100")

    def test_extra_spaces_are_tolerated(self):
        result = parse_result("name=x  unit=KiB value=98   iterations=1000")
        self.assertEqual((result.unit, result.value, result.iterations), ("KiB", 98, 1000))

    def test_malformed_lines_are_rejected(self):
        bad = [
            "",  # no name
            "unit=instructions value=1 iterations=1",  # no name
            "name=Bad-Name unit=ns value=1 iterations=1",
            "name=x value=1 iterations=1",  # no unit
            "name=x unit=ns iterations=1",  # no value
            "name=x unit=ns value=1",  # no iterations
            "name=x unit=ns value=-5 iterations=1",
            "name=x unit=ns value=1.5 iterations=1",
            "name=x unit=ns value=1 iterations=0",
            "name=x unit=ns value=1 iterations=1 stray",
            "name=x unit=ns value=1 value=2 iterations=1",
            "name=x unavailable=",
            "name=x unit=ns value=1 unavailable=both",
        ]
        for text in bad:
            with self.subTest(text=text), self.assertRaises(BenchFormatError):
                parse_result(text)


class ParseLogTest(unittest.TestCase):
    SERIAL = (
        "\x1bc\x1b[?7l\x1b[2J\x1b[0mSeaBIOS (version 1.16.2)\n"
        "Booting from ROM..\x1bc\x1b[?7l\x1b[2JBENCH-SYSTEM os=Linux release=6.1.0-56-amd64 unit=instructions\r\n"
        "BENCH name=null_syscall unit=instructions value=327 iterations=200000\r\n"
        "[   12.3] some kernel message mentioning nothing\n"
        "BENCH-PROGRESS dds_fanout_100 discovery after 5s: 8 readers\n"
        "BENCH-NOTE Udp: InDatagrams NoPorts\n"
        "BENCH name=dds_fanout_100 unavailable=discovery incomplete\n"
        "BENCH-ERROR fork: Resource temporarily unavailable\n"
        "BENCH-DONE\n"
    )

    def test_serial_log_with_noise(self):
        log = parse_log(self.SERIAL)
        self.assertEqual(log.system, {"os": "Linux", "release": "6.1.0-56-amd64", "unit": "instructions"})
        self.assertEqual(sorted(log.results), ["dds_fanout_100", "null_syscall"])
        self.assertEqual(log.results["null_syscall"].value, 327)
        self.assertFalse(log.results["dds_fanout_100"].available)
        self.assertTrue(log.done)
        self.assertEqual(log.errors, ["fork: Resource temporarily unavailable"])

    def test_cut_short_log_is_not_done(self):
        log = parse_log("BENCH name=a unit=ns value=1 iterations=1\n")
        self.assertFalse(log.done)
        self.assertEqual(log.results["a"].value, 1)

    def test_errors_are_collected_not_raised(self):
        log = parse_log("BENCH name=a unit=ns value=1 iterations=1\nBENCH name=a unit=ns value=2 iterations=1\nBENCH name=b\n")
        self.assertEqual(log.results["a"].value, 1)  # the first report stands
        self.assertEqual(len(log.errors), 2)
        self.assertIn("line 2", log.errors[0])
        self.assertIn("reported twice", log.errors[0])
        self.assertIn("line 3", log.errors[1])

    def test_words_merely_containing_bench_are_ignored(self):
        log = parse_log("BENCHMARK results follow\nno BENCHES here\n")
        self.assertEqual(log.results, {})
        self.assertEqual(log.errors, [])


if __name__ == "__main__":
    unittest.main()


class SplitRecordedRunTest(unittest.TestCase):
    RESULTS = """# Benchmark results

## Raw BENCH lines

```
BENCH-SYSTEM os=Gehri release=0.1.0 unit=instructions selection=all
BENCH name=null_syscall unit=instructions value=80 iterations=5000
BENCH-DONE
BENCH-SYSTEM os=Linux release=6.1.0-56-amd64 unit=instructions
BENCH name=null_syscall unit=instructions value=327 iterations=200000
BENCH-NOTE Udp: InDatagrams
BENCH-DONE
BENCH name=dds_rtt unit=ns value=62050 iterations=2000 bytes=64
```
"""

    def test_each_source_gets_its_own_lines(self):
        sources = split_recorded_run(self.RESULTS)
        self.assertEqual(sorted(sources), ["gehri", "host-dds", "linux"])
        self.assertEqual(parse_log(sources["gehri"]).results["null_syscall"].value, 80)
        linux = parse_log(sources["linux"])
        self.assertEqual(linux.results["null_syscall"].value, 327)
        self.assertEqual(linux.system["release"], "6.1.0-56-amd64")
        self.assertTrue(linux.done)
        self.assertEqual(parse_log(sources["host-dds"]).results["dds_rtt"].unit, "ns")

    def test_a_file_without_the_block_gives_nothing(self):
        self.assertEqual(split_recorded_run("# Benchmark results\n\nno raw lines\n"), {})
        self.assertEqual(split_recorded_run("## Raw BENCH lines\n\n```\nBENCH-DONE\n"), {})
