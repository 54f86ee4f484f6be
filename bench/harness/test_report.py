"""Host unit tests of the benchmark tables and the README section."""
import unittest

import report
from benchlines import BenchResult, parse_log


def measured(name, value, unit="instructions", **extra):
    return BenchResult(name=name, unit=unit, value=value, iterations=10, extra={k: str(v) for k, v in extra.items()})


def unavailable(name, reason="needs user mode"):
    return BenchResult(name=name, unavailable=reason)


def row_of(table: str, label: str) -> list[str]:
    for line in table.splitlines():
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if cells[0] == label:
            return cells
    raise AssertionError(f"no row {label!r} in\n{table}")


class FormattingTest(unittest.TestCase):
    def test_values_group_digits_and_name_non_instruction_units(self):
        self.assertEqual(report.format_result(measured("a", 973028)), "973,028")
        self.assertEqual(report.format_result(measured("a", 98, unit="KiB")), "98 KiB")
        self.assertEqual(report.format_result(unavailable("a")), "not yet")
        self.assertEqual(report.format_result(None), "—")

    def test_ratio_needs_two_values_in_one_unit(self):
        self.assertAlmostEqual(report.ratio(measured("a", 664), measured("b", 1774)), 664 / 1774)
        self.assertIsNone(report.ratio(measured("a", 1), measured("b", 1, unit="KiB")))
        self.assertIsNone(report.ratio(unavailable("a"), measured("b", 1)))
        self.assertIsNone(report.ratio(measured("a", 1), measured("b", 0)))
        self.assertIsNone(report.ratio(None, measured("b", 1)))
        self.assertEqual(report.format_ratio(0.3743), "0.37×")
        self.assertEqual(report.format_ratio(1234.4), "1,234×")
        self.assertEqual(report.format_ratio(None), "—")


class MainTableTest(unittest.TestCase):
    def test_rows_pair_gehri_with_linux(self):
        gehri = {"kernel_thread_switch": measured("kernel_thread_switch", 664), "null_syscall": unavailable("null_syscall")}
        linux = {"context_switch_threads": measured("context_switch_threads", 1774), "null_syscall": measured("null_syscall", 327)}
        table = report.main_table(gehri, linux)
        self.assertEqual(row_of(table, "Null system call"), ["Null system call", "not yet", "327", "—", "≤ 150; ≤ 1× Linux"])
        switch = row_of(table, "Context switch: Gehri kernel threads vs Linux threads")
        self.assertEqual(switch[1:4], ["664", "1,774", "0.37×"])
        self.assertEqual(switch[4], "≤ 1× Linux ✓")
        # A workload neither side reported still has its row.
        self.assertEqual(row_of(table, "Memory per blocked agent / process")[1:4], ["—", "—", "—"])
        self.assertEqual(len(table.splitlines()), 2 + len(report.ROWS))

    def test_targets_against_linux_and_dds(self):
        gehri = {"fanout_100": measured("fanout_100", 500_000)}
        linux = {"fanout_100": measured("fanout_100", 973_000), "dds_fanout_100": measured("dds_fanout_100", 4_000_000)}
        cells = row_of(report.main_table(gehri, linux), "64-B message to 100 processes, all acknowledged")
        self.assertEqual(cells[4], "≤ 97,000 ✗; ≤ 1× Linux ✓; ≤ 0.1× DDS (4,000,000) ✗")
        linux["dds_fanout_100"] = unavailable("dds_fanout_100", "discovery incomplete")
        cells = row_of(report.main_table(gehri, linux), "64-B message to 100 processes, all acknowledged")
        self.assertEqual(cells[4], "≤ 97,000 ✗; ≤ 1× Linux ✓; ≤ 0.1× DDS")

    def test_missed_target(self):
        gehri = {"null_syscall": measured("null_syscall", 400)}
        linux = {"null_syscall": measured("null_syscall", 327)}
        self.assertEqual(row_of(report.main_table(gehri, linux), "Null system call")[3:], ["1.22×", "≤ 150 ✗; ≤ 1× Linux ✗"])

    def test_absolute_goal_is_judged_on_gehri_alone(self):
        gehri = {"null_syscall": measured("null_syscall", 80), "memory_per_blocked_agent": measured("memory_per_blocked_agent", 95, unit="KiB")}
        linux = {"null_syscall": measured("null_syscall", 327), "memory_per_blocked_process": measured("memory_per_blocked_process", 97, unit="KiB")}
        table = report.main_table(gehri, linux)
        self.assertEqual(row_of(table, "Null system call")[4], "≤ 150 ✓; ≤ 1× Linux ✓")
        self.assertEqual(row_of(table, "Memory per blocked agent / process")[4], "≤ 24 KiB ✗; ≤ 1× Linux ✓")


class DdsTableTest(unittest.TestCase):
    def test_dds_next_to_pipes_and_host(self):
        linux = parse_log(
            "BENCH name=pipe_rtt unit=instructions value=13184 iterations=20000\n"
            "BENCH name=dds_rtt unit=instructions value=60757 iterations=2000 setup=25852869\n"
            "BENCH name=dds_fanout_10 unit=instructions value=524337 iterations=20 setup=251744232\n"
            "BENCH name=dds_fanout_100 unavailable=discovery incomplete after 60s\n"
            "BENCH name=dds_fanout_1000 unavailable=not tried\n").results
        host = parse_log("BENCH name=dds_rtt unit=ns value=29431 iterations=2000\n").results
        table = report.dds_table(linux, host)
        self.assertEqual(row_of(table, "Round trip, 64 B, two processes")[1:],
                         ["60,757", "25,852,869", "13,184", "4.61×", "29,431"])
        self.assertEqual(row_of(table, "64-B message to 10 processes, all acknowledged")[1:],
                         ["524,337", "251,744,232", "—", "—", "—"])
        self.assertEqual(row_of(table, "64-B message to 100 processes, all acknowledged")[1:3], ["failed", "—"])
        self.assertEqual(report.dds_limit(linux), "worked up to 10; failed at 100: discovery incomplete after 60s")

    def test_dds_limit_wording(self):
        self.assertEqual(report.dds_limit({}), "not measured")
        ok = {"dds_fanout_10": measured("dds_fanout_10", 1), "dds_fanout_100": measured("dds_fanout_100", 2)}
        self.assertEqual(report.dds_limit(ok), "worked at every width tried (up to 100)")
        self.assertEqual(report.dds_limit({"dds_fanout_10": unavailable("dds_fanout_10", "no memory")}),
                         "failed at 10: no memory")


class ReadmeSectionTest(unittest.TestCase):
    def test_appends_a_section_once_then_replaces_it(self):
        readme = "# Gehri\n\nIntro.\n"
        first = report.replace_readme_section(readme, "table one")
        self.assertTrue(first.startswith("# Gehri\n\nIntro.\n\n## Benchmarks\n\n" + report.README_BEGIN))
        self.assertIn("table one", first)
        second = report.replace_readme_section(first + "\n## Later section\n", "table two")
        self.assertNotIn("table one", second)
        self.assertIn("table two", second)
        self.assertEqual(second.count("## Benchmarks"), 1)
        self.assertTrue(second.rstrip().endswith("## Later section"))

    def test_one_marker_alone_is_an_error(self):
        with self.assertRaises(ValueError):
            report.replace_readme_section(f"# x\n{report.README_BEGIN}\n", "table")


if __name__ == "__main__":
    unittest.main()
