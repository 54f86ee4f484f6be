"""Reading the BENCH lines that Gehri's kernel and the Linux guest's /init print.

    BENCH name=<workload> unit=<unit> value=<n> iterations=<k> [key=value ...]
    BENCH name=<workload> unavailable=<reason, to the end of the line>
    BENCH-SYSTEM key=value ...      (what ran: os, release, unit)
    BENCH-DONE                      (everything selected has run)

Serial logs carry terminal escape sequences and firmware noise, so a line counts from the
word BENCH on; every other line is ignored.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

_LINE = re.compile(r"BENCH(?P<kind>-[A-Z]+)?(?:[ \t]+(?P<rest>.*?))?[ \t\r]*$")
_NAME = re.compile(r"^[a-z0-9_]+$")
_KEY = re.compile(r"^[a-z][a-z0-9_]*$")
_REST_OF_LINE_KEYS = ("unavailable",)


class BenchFormatError(ValueError):
    """A line that starts like a BENCH line but breaks the format."""


@dataclass
class BenchResult:
    name: str
    unit: str | None = None
    value: int | None = None
    iterations: int | None = None
    unavailable: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def available(self) -> bool:
        return self.unavailable is None


@dataclass
class BenchLog:
    system: dict[str, str] = field(default_factory=dict)
    results: dict[str, BenchResult] = field(default_factory=dict)
    done: bool = False
    errors: list[str] = field(default_factory=list)  # BENCH-ERROR lines and format errors


def _pairs(text: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    position = 0
    while position < len(text):
        while position < len(text) and text[position] in " \t":
            position += 1
        if position >= len(text):
            break
        end = text.find(" ", position)
        word = text[position:] if end < 0 else text[position:end]
        key, equals, value = word.partition("=")
        if not equals or not _KEY.match(key):
            raise BenchFormatError(f"expected key=value, found {word!r}")
        if key in _REST_OF_LINE_KEYS:
            value = text[position + len(key) + 1:].strip()
            end = -1
        if key in pairs:
            raise BenchFormatError(f"key {key!r} appears twice")
        pairs[key] = value
        if end < 0:
            break
        position = end
    return pairs


def _integer(pairs: dict[str, str], key: str) -> int:
    text = pairs.get(key)
    if text is None:
        raise BenchFormatError(f"missing {key}=")
    if not re.fullmatch(r"[0-9]+", text):
        raise BenchFormatError(f"{key}={text!r} is not a non-negative integer")
    return int(text)


def parse_result(rest: str) -> BenchResult:
    """The part of a `BENCH ...` line after the word BENCH."""
    pairs = _pairs(rest)
    name = pairs.pop("name", None)
    if name is None:
        raise BenchFormatError("missing name=")
    if not _NAME.match(name):
        raise BenchFormatError(f"bad workload name {name!r}")
    if "unavailable" in pairs:
        reason = pairs.pop("unavailable")
        if not reason:
            raise BenchFormatError(f"{name}: unavailable= needs a reason")
        if {"value", "unit"} & pairs.keys():
            raise BenchFormatError(f"{name}: both a value and unavailable=")
        return BenchResult(name=name, unavailable=reason, extra=pairs)
    unit = pairs.pop("unit", None)
    if not unit:
        raise BenchFormatError(f"{name}: missing unit=")
    value = _integer(pairs, "value")
    iterations = _integer(pairs, "iterations")
    del pairs["value"], pairs["iterations"]
    if iterations == 0:
        raise BenchFormatError(f"{name}: iterations=0")
    return BenchResult(name=name, unit=unit, value=value, iterations=iterations, extra=pairs)


def parse_log(text: str) -> BenchLog:
    """Every BENCH line of a serial log. A malformed line or a workload reported twice is
    recorded in errors (and the first report of a workload is kept)."""
    log = BenchLog()
    for number, raw in enumerate(text.splitlines(), start=1):
        start = raw.find("BENCH")
        if start < 0:
            continue
        match = _LINE.match(raw[start:])
        if not match:
            continue
        kind, rest = match.group("kind"), match.group("rest") or ""
        try:
            if kind is None:
                result = parse_result(rest)
                if result.name in log.results:
                    raise BenchFormatError(f"{result.name} reported twice")
                log.results[result.name] = result
            elif kind == "-SYSTEM":
                log.system.update(_pairs(rest))
            elif kind == "-DONE":
                log.done = True
            elif kind == "-ERROR":
                log.errors.append(rest)
        except BenchFormatError as error:
            log.errors.append(f"line {number}: {error}")
    return log


def split_recorded_run(results_markdown: str) -> dict[str, str]:
    """The guests' BENCH lines from a results file that `./gehri bench` wrote (its "Raw BENCH
    lines" block: each guest's lines from its BENCH-SYSTEM to its BENCH-DONE, Gehri's and
    Linux's, then the host DDS run's), by source: "gehri", "linux", "host-dds". A source that
    is not there is left out."""
    start = results_markdown.find("## Raw BENCH lines")
    if start < 0:
        return {}
    block_start = results_markdown.find("```", start)
    block_end = results_markdown.find("```", block_start + 3) if block_start >= 0 else -1
    if block_start < 0 or block_end < 0:
        return {}
    sources: dict[str, list[str]] = {}
    current = None
    for line in results_markdown[block_start + 3:block_end].splitlines():
        if not line.startswith("BENCH"):
            continue
        if line.startswith("BENCH-SYSTEM"):
            system = _pairs(line[len("BENCH-SYSTEM"):])
            current = system.get("os", "").lower() or None
        elif current is None:
            current = "host-dds"  # after the guests' BENCH-DONE: the host's run has no system line
        if current:
            sources.setdefault(current, []).append(line)
        if line.startswith("BENCH-DONE"):
            current = None
    return {source: "\n".join(lines) + "\n" for source, lines in sources.items()}
