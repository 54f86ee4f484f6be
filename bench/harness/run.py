#!/usr/bin/env python3
"""./gehri bench: Gehri and Linux side by side under identical QEMU settings.

Builds the Linux guest (Debian's kernel, a static benchmark /init, the Cyclone DDS benchmark
with its shared libraries), boots it and Gehri (gehri.bench=all) one after the other with
the same `-icount shift=0,sleep=off` machine, runs the DDS benchmark natively on the host for
reference, and writes bench/results/<date>-<host>.md and the Benchmarks section of README.md.
"""
from __future__ import annotations

import argparse
import datetime
import os
import platform
import re
import selectors
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlines  # noqa: E402
import report  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench"

# The one machine both kernels run on. Under icount shift=0 the guest clock advances 1 ns per
# guest instruction, and sleep=off lets idle time pass at once, so in-guest timings are
# instruction counts, repeatable on a busy host.
QEMU_SETTINGS = [
    "-M", "q35", "-cpu", "max", "-m", "1024", "-smp", "1", "-accel", "tcg",
    "-icount", "shift=0,sleep=off", "-nographic", "-no-reboot",
    "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04", "-nic", "none",
]
QEMU_PASS_STATUS = 33
LINUX_APPEND = "console=ttyS0 quiet"
GEHRI_CMDLINE = "gehri.bench=all"


def say(message: str) -> None:
    print(f"\033[1m==> {message}\033[0m", file=sys.stderr, flush=True)


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, check=True, **kwargs)


# --- The Linux guest ----------------------------------------------------------------------------

def debian_kernel() -> Path:
    """/boot/vmlinuz-* of the package linux-image-amd64 depends on."""
    depends = run(["dpkg-query", "-W", "-f=${Depends}", "linux-image-amd64"], capture_output=True, text=True).stdout
    match = re.match(r"\s*(linux-image-[^\s,|(]+)", depends)
    if not match:
        raise SystemExit(f"cannot tell which kernel linux-image-amd64 installs (Depends: {depends!r})")
    files = run(["dpkg", "-L", match.group(1)], capture_output=True, text=True).stdout.split()
    kernels = [Path(f) for f in files if re.fullmatch(r"/boot/vmlinuz-.*", f)]
    if not kernels:
        raise SystemExit(f"{match.group(1)} ships no /boot/vmlinuz-*")
    return kernels[0]


def copy_kernel(source: Path, destination: Path) -> None:
    try:
        shutil.copyfile(source, destination)
    except PermissionError:  # Ubuntu keeps vmlinuz readable by root only
        with open(destination, "wb") as output:
            run(["sudo", "cat", str(source)], stdout=output)


def shared_libraries(binary: Path) -> list[tuple[str, Path]]:
    """(name ldd reports, real file) for every library the dynamic binary loads."""
    output = run(["ldd", str(binary)], capture_output=True, text=True).stdout
    libraries = []
    for line in output.splitlines():
        match = re.search(r"(?:=>\s*)?(/\S+)\s+\(0x", line)
        if match:
            path = Path(match.group(1))
            libraries.append((path.name, path.resolve()))
    return libraries


def build_dds_benchmark(out: Path) -> Path:
    generated = out / "dds"
    generated.mkdir(parents=True, exist_ok=True)
    run(["idlc", "-o", str(generated), str(BENCH / "dds" / "BenchMessage.idl")])
    binary = generated / "ddsbench"
    run(["gcc", "-std=c11", "-O2", "-Wall", "-Wextra", "-Werror", "-D_GNU_SOURCE", f"-I{generated}",
         "-o", str(binary), str(BENCH / "dds" / "ddsbench.c"), str(generated / "BenchMessage.c"), "-lddsc"])
    return binary


def build_linux_guest(out: Path) -> tuple[Path, Path, Path]:
    """Returns (kernel, initrd, ddsbench)."""
    say("Building the Linux guest: static /init, tiny program, Cyclone DDS benchmark")
    out.mkdir(parents=True, exist_ok=True)
    sources = [str(BENCH / "linux" / name) for name in ("Init.cpp", "Workloads.cpp", "Sys.cpp")]
    flags = ["g++", "-std=c++20", "-O2", "-static", "-Wall", "-Wextra", "-Werror"]
    run(flags + ["-o", str(out / "init")] + sources)
    run(flags + ["-o", str(out / "tiny"), str(BENCH / "linux" / "Tiny.cpp")])
    ddsbench = build_dds_benchmark(out)

    root = out / "root"
    shutil.rmtree(root, ignore_errors=True)
    for directory in ("bin", "dev", "etc", "lib64", "proc", "sys", "tmp", "usr/bin", "usr/lib/x86_64-linux-gnu"):
        (root / directory).mkdir(parents=True)
    (root / "lib").symlink_to("usr/lib")
    shutil.copy2(out / "init", root / "init")
    shutil.copy2(out / "tiny", root / "bin" / "tiny")
    shutil.copy2(ddsbench, root / "usr" / "bin" / "ddsbench")
    shutil.copy2(BENCH / "dds" / "cyclonedds.xml", root / "etc" / "cyclonedds.xml")
    for name, real in shared_libraries(ddsbench):
        if name.startswith("ld-linux"):
            shutil.copy2(real, root / "lib64" / name)
        else:
            shutil.copy2(real, root / "usr" / "lib" / "x86_64-linux-gnu" / name)
    initrd = out / "initrd.cpio"
    run([sys.executable, str(ROOT / "tools" / "make-initrd"), str(root), str(initrd)])
    kernel = out / "vmlinuz"
    copy_kernel(debian_kernel(), kernel)
    return kernel, initrd, ddsbench


# --- Running guests ----------------------------------------------------------------------------

def run_guest(label: str, machine_args: list[str], log_path: Path, timeout_s: int) -> str:
    """Boots one guest with QEMU_SETTINGS, echoing its BENCH lines as they come; returns the log."""
    command = ["qemu-system-x86_64", *QEMU_SETTINGS, *machine_args]
    say(f"Booting {label} (at most {timeout_s} s): {' '.join(command)}")
    started = time.monotonic()
    lines = []
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL) as qemu:
        deadline = started + timeout_s
        assert qemu.stdout is not None
        os.set_blocking(qemu.stdout.fileno(), True)
        selector = selectors.DefaultSelector()
        selector.register(qemu.stdout, selectors.EVENT_READ)
        buffer = b""
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                qemu.kill()
                lines.append(f"BENCH-ERROR {label} did not finish within {timeout_s} s")
                break
            if not selector.select(timeout=min(remaining, 5)):
                continue
            chunk = os.read(qemu.stdout.fileno(), 65536)
            if not chunk:
                break
            buffer += chunk
            *complete, buffer = buffer.split(b"\n")
            for raw in complete:
                line = raw.decode(errors="replace")
                lines.append(line)
                if "BENCH" in line:
                    print(f"  [{time.monotonic() - started:6.0f}s] {line[line.find('BENCH'):]}", file=sys.stderr, flush=True)
        if buffer:
            lines.append(buffer.decode(errors="replace"))
        status = qemu.wait()
    if status != QEMU_PASS_STATUS and not any(line.startswith("BENCH-ERROR") for line in lines):
        lines.append(f"BENCH-ERROR {label}: QEMU exited with status {status}, not {QEMU_PASS_STATUS}")
    text = "\n".join(lines) + "\n"
    log_path.write_text(text)
    say(f"{label} finished in {time.monotonic() - started:.0f} s (log: {log_path})")
    return text


def run_host_dds(ddsbench: Path, widths: str, deadline_s: int, log_path: Path, timeout_s: int) -> str:
    """ddsbench natively, in a network namespace of its own with only a multicast-capable lo."""
    say(f"Running Cyclone DDS natively on the host (widths {widths})")
    setup = "ip link set lo up && ip link set lo multicast on && exec \"$0\" \"$@\""
    unshare = ["unshare", "-n"] if os.geteuid() == 0 else ["unshare", "-rn"]
    command = [*unshare, "sh", "-c", setup, str(ddsbench), "--unit=ns", f"--widths={widths}", f"--deadline-s={deadline_s}"]
    environment = dict(os.environ, CYCLONEDDS_URI=f"file://{BENCH / 'dds' / 'cyclonedds.xml'}")
    try:
        completed = subprocess.run(command, capture_output=True, text=True, env=environment, timeout=timeout_s)
        text = completed.stdout + completed.stderr
    except subprocess.TimeoutExpired as expired:
        text = (expired.stdout or b"").decode(errors="replace") + f"\nBENCH-ERROR host DDS run exceeded {timeout_s} s\n"
    log_path.write_text(text)
    for line in text.splitlines():
        if line.startswith("BENCH"):
            print(f"  {line}", file=sys.stderr)
    return text


# --- Results --------------------------------------------------------------------------------------

def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def qemu_version() -> str:
    output = run(["qemu-system-x86_64", "--version"], capture_output=True, text=True).stdout
    return output.splitlines()[0].strip() if output else "unknown"


def git_commit() -> str:
    try:
        commit = run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
        dirty = run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True).stdout.strip()
        return commit + (" (with uncommitted changes)" if dirty else "")
    except (subprocess.CalledProcessError, FileNotFoundError):
        return "unknown"


def tables_markdown(gehri: benchlines.BenchLog, linux: benchlines.BenchLog, host_dds: benchlines.BenchLog) -> str:
    parts = [
        "Guest instructions per operation (KiB where marked), Gehri and Linux booted one after the other on the same",
        "QEMU machine (`-icount shift=0,sleep=off`, 1 CPU, 1 GiB). Lower is better. \"not yet\": the workload needs",
        "what Gehri does not have yet (user mode, system calls, channels).",
        "",
        report.main_table(gehri.results, linux.results),
        "",
        "Cyclone DDS (the middleware under ROS 2) doing the same jobs, one participant per process, in the same Linux",
        f"guest; the host column is native, in ns. DDS fan-out: in the guest {report.dds_limit(linux.results)}; "
        f"on the host {report.dds_limit(host_dds.results)}.",
        "",
        report.dds_table(linux.results, host_dds.results),
    ]
    return "\n".join(parts)


def results_markdown(date: str, host: str, tables: str, gehri: benchlines.BenchLog, linux: benchlines.BenchLog,
                     host_dds: benchlines.BenchLog, logs: dict[str, str], reused: Path | None = None) -> str:
    notes = [f"- Linux and host DDS: not run again; their numbers are those of {reused.name} (`--reuse`)"] if reused else []
    notes += report.unavailable_notes(gehri.results, "Gehri") + report.unavailable_notes(linux.results, "Linux")
    notes += report.unavailable_notes(host_dds.results, "Host DDS")
    for label, log in (("Gehri", gehri), ("Linux", linux), ("Host DDS", host_dds)):
        notes += [f"- {label} error: {error}" for error in log.errors]
        if label != "Host DDS" and not log.done:
            notes.append(f"- {label}: the guest did not report BENCH-DONE (it was cut short)")
    raw = "\n".join(line[line.find("BENCH"):] for text in logs.values() for line in text.splitlines()
                    if "BENCH" in line and "BENCH-PROGRESS" not in line)
    settings = " ".join(QEMU_SETTINGS)
    return f"""# Benchmark results {date} on {host}

- Date: {date}
- Host: {host}, CPU: {cpu_model()} ({os.cpu_count()} CPUs visible)
- QEMU: {qemu_version()}
- Settings (both guests): `qemu-system-x86_64 {settings}`
  - Linux: Debian kernel {linux.system.get('release', '?')} (`-kernel vmlinuz -initrd initrd.cpio -append '{LINUX_APPEND}'`),
    static C++ benchmark as /init (bench/linux/), Cyclone DDS benchmark (bench/dds/) with its shared libraries
  - Gehri: {gehri.system.get('release', '?')} at commit {git_commit()}, GRUB ISO (`-cdrom`), command line `{GEHRI_CMDLINE}`
- Reproduce: `./gehri bench`

{tables}

## Notes

{chr(10).join(notes) if notes else "- none"}

## Raw BENCH lines

```
{raw}
```
"""


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="./gehri bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", type=Path, default=ROOT / "build", help="build directory (default ./build)")
    parser.add_argument("--kernel", type=Path, help="Gehri's kernel ELF (default BUILD/kernel/kernel/gehri.elf)")
    parser.add_argument("--skip-gehri", action="store_true", help="do not boot Gehri")
    parser.add_argument("--skip-linux", action="store_true", help="do not boot the Linux guest")
    parser.add_argument("--reuse", type=Path, metavar="RESULTS",
                        help="take the Linux guest's and the host DDS run's numbers from an earlier results file "
                             "(bench/results/*.md) instead of running them again: only Gehri boots")
    parser.add_argument("--skip-host-dds", action="store_true", help="do not run Cyclone DDS natively on the host")
    parser.add_argument("--linux-only", default="", help="comma-separated Linux workloads (and 'dds') to run")
    parser.add_argument("--dds-widths", default="10,100,1000", help="DDS fan-out widths in the guest")
    parser.add_argument("--host-dds-widths", default="10,100,1000", help="DDS fan-out widths on the host")
    parser.add_argument("--dds-deadline", type=int, default=60,
                        help="seconds of clock (guest: billions of instructions) DDS discovery or a round may take")
    parser.add_argument("--timeout", type=int, default=3600, help="wall-clock seconds one guest may run")
    parser.add_argument("--no-record", action="store_true", help="print the table only: no results file, README untouched")
    arguments = parser.parse_args(argv)

    out = arguments.build / "bench"
    out.mkdir(parents=True, exist_ok=True)
    logs: dict[str, str] = {}
    if arguments.reuse:
        recorded = benchlines.split_recorded_run(arguments.reuse.read_text())
        if "linux" not in recorded:
            parser.error(f"{arguments.reuse} holds no Linux BENCH lines")
        logs.update({source: text for source, text in recorded.items() if source != "gehri"})
        arguments.skip_linux = arguments.skip_host_dds = True
        say(f"Reusing the Linux and host DDS numbers of {arguments.reuse}")
    ddsbench = None
    if not arguments.skip_linux or not arguments.skip_host_dds:
        kernel, initrd, ddsbench = build_linux_guest(out / "linux")
    if not arguments.skip_gehri:
        elf = arguments.kernel or arguments.build / "kernel" / "kernel" / "gehri.elf"
        iso = out / "gehri-bench.iso"
        # The agents the user-mode workloads run (bench, pingpong, ipcbench) come in the initrd.
        gehri_initrd = arguments.build / "kernel" / "initrd.cpio"
        run([str(ROOT / "tools" / "make-iso"), "--initrd", str(gehri_initrd), str(elf), str(iso), GEHRI_CMDLINE])
        logs["gehri"] = run_guest("Gehri", ["-cdrom", str(iso), "-boot", "d"], out / "gehri.log", arguments.timeout)
    if not arguments.skip_linux:
        append = LINUX_APPEND + f" ddswidths={arguments.dds_widths} ddsdeadline={arguments.dds_deadline}"
        if arguments.linux_only:
            append += f" benchonly={arguments.linux_only}"
        logs["linux"] = run_guest("Linux", ["-kernel", str(kernel), "-initrd", str(initrd), "-append", append],
                                  out / "linux.log", arguments.timeout)
    if not arguments.skip_host_dds and ddsbench:
        logs["host-dds"] = run_host_dds(ddsbench, arguments.host_dds_widths, arguments.dds_deadline,
                                        out / "host-dds.log", arguments.timeout)

    gehri = benchlines.parse_log(logs.get("gehri", ""))
    linux = benchlines.parse_log(logs.get("linux", ""))
    host_dds = benchlines.parse_log(logs.get("host-dds", ""))
    tables = tables_markdown(gehri, linux, host_dds)
    print(tables)
    if arguments.no_record:
        return 0
    date = datetime.date.today().isoformat()
    host = socket.gethostname().split(".")[0] or "host"
    results = BENCH / "results" / f"{date}-{host}.md"
    results.parent.mkdir(parents=True, exist_ok=True)
    results.write_text(results_markdown(date, host, tables, gehri, linux, host_dds, logs, arguments.reuse))
    readme = ROOT / "README.md"
    section = f"Latest run: [{results.relative_to(ROOT)}]({results.relative_to(ROOT)}) ({date}, {cpu_model()}).\n" \
              f"Reproduce with `./gehri bench` (see bench/README.md).\n\n{tables}"
    readme.write_text(report.replace_readme_section(readme.read_text(), section))
    say(f"Wrote {results.relative_to(ROOT)} and the Benchmarks section of README.md")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
