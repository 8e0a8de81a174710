#!/usr/bin/env python3
"""Runs the test command and turns a hang into a failure that says where it hung.

    scripts/test-watchdog.py [--limit S] [--quiet S] -- swift test -c release

A test that never returns used to run CI into its 90-minute limit with nothing to show for it
(stop 29: the log ended mid-word, the rest of the test process's output still in its buffer).
This wrapper
- runs the command under `stdbuf -oL -eL`, so what the tests print reaches the log when it is
  printed, and relays every line at once;
- keeps the tests that started and have not ended (Swift Testing's "◇ Test NAME started." and
  "✔/✘ Test NAME passed/failed after ..." lines);
- when the command runs longer than --limit seconds, or prints nothing for --quiet seconds, prints
  the tests still running and every process under the command with its state, wait channel and
  age (and each thread of the test process), sends the test process SIGQUIT (the Swift runtime
  prints a backtrace), then stops the whole process group and exits 124;
- stops reading when the command has exited, even when a process it started (a daemon) still
  holds the output pipe open;
- otherwise exits with the command's status.
"""
import argparse
import os
import re
import select
import signal
import subprocess
import sys
import time

STARTED = re.compile(r"^◇ Test (.+?) started\.$")
ENDED = re.compile(r"^[✔✘] Test (.+?) (?:passed|failed)(?: after| )")


def descendants(root):
    """The pids under `root` (itself first), from /proc."""
    children = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(name))
        except (OSError, IndexError, ValueError):
            continue
    order, stack = [], [root]
    while stack:
        pid = stack.pop()
        order.append(pid)
        stack.extend(sorted(children.get(pid, []), reverse=True))
    return order


def read(path):
    try:
        with open(path, "rb") as f:
            return f.read().decode("utf-8", "replace")
    except OSError:
        return "?"


def describe(pid, boot_ticks):
    stat = read(f"/proc/{pid}/stat")
    parts = stat.rsplit(")", 1)[1].split() if ")" in stat else []
    state = parts[0] if parts else "?"
    ppid = parts[1] if len(parts) > 1 else "?"
    age = "?"
    if len(parts) > 19:
        age = f"{boot_ticks - int(parts[19]) / os.sysconf('SC_CLK_TCK'):.0f}s"
    cmd = read(f"/proc/{pid}/cmdline").replace("\0", " ").strip()[:300]
    return f"  pid {pid} ppid {ppid} state {state} wchan {read(f'/proc/{pid}/wchan')} age {age}: {cmd}"


def report(pid, running, why, out):
    uptime = float(read("/proc/uptime").split()[0])
    out.write(f"\nwatchdog: {why}\n")
    out.write(f"watchdog: {len(running)} test(s) started and not ended:\n")
    for name, at in sorted(running.items(), key=lambda kv: kv[1]):
        out.write(f"  {name} (running {time.monotonic() - at:.0f} s)\n")
    out.write("watchdog: processes under the test command:\n")
    pids = descendants(pid)
    for p in pids:
        out.write(describe(p, uptime) + "\n")
    for p in pids:
        if "xctest" in read(f"/proc/{p}/cmdline") or "PackageTests" in read(f"/proc/{p}/cmdline"):
            out.write(f"watchdog: threads of the test process {p}:\n")
            for tid in sorted(os.listdir(f"/proc/{p}/task"), key=int):
                stat = read(f"/proc/{p}/task/{tid}/stat")
                state = stat.rsplit(")", 1)[1].split()[0] if ")" in stat else "?"
                out.write(f"  thread {tid} {read(f'/proc/{p}/task/{tid}/comm').strip()} state {state} "
                          f"wchan {read(f'/proc/{p}/task/{tid}/wchan')}\n")
    out.flush()
    return pids


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=float, default=float(os.environ.get("TEST_LIMIT_SECONDS", 2700)),
                        help="seconds the whole command may take (default 2700, or $TEST_LIMIT_SECONDS)")
    parser.add_argument("--quiet", type=float, default=float(os.environ.get("TEST_QUIET_SECONDS", 900)),
                        help="seconds the command may print nothing (default 900, or $TEST_QUIET_SECONDS)")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command")

    out = sys.stdout
    child = subprocess.Popen(["stdbuf", "-oL", "-eL"] + command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL, start_new_session=True)
    fd = child.stdout.fileno()
    os.set_blocking(fd, False)
    start = last = time.monotonic()
    running, pending, exited_at = {}, b"", None
    while True:
        ready, _, _ = select.select([fd], [], [], 1.0)
        now = time.monotonic()
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except BlockingIOError:
                chunk = None
            if chunk == b"":
                break
            if chunk:
                last = now
                out.buffer.write(chunk)
                out.flush()
                pending += chunk
                *lines, pending = pending.split(b"\n")
                for raw in lines:
                    line = raw.decode("utf-8", "replace").rstrip("\r")
                    if m := STARTED.match(line):
                        running[m.group(1)] = now
                    elif m := ENDED.match(line):
                        running.pop(m.group(1), None)
        if exited_at is None and child.poll() is not None:
            exited_at = now
        if exited_at is not None and now - exited_at > 5:
            out.write("watchdog: the test command exited; a process it started still holds its output open\n")
            break
        why = None
        if now - start > args.limit:
            why = f"the tests ran longer than {args.limit:.0f} s"
        elif now - last > args.quiet:
            why = f"the tests printed nothing for {args.quiet:.0f} s"
        if why and exited_at is None:
            pids = report(child.pid, running, why, out)
            signalled = False
            for p in pids:
                cmd = read(f"/proc/{p}/cmdline")
                if "xctest" in cmd or "PackageTests" in cmd:
                    out.write(f"watchdog: SIGQUIT to {p} for the Swift runtime's backtrace\n")
                    os.kill(p, signal.SIGQUIT)
                    signalled = True
            deadline = time.monotonic() + (30 if signalled else 0)
            while time.monotonic() < deadline and child.poll() is None:
                ready, _, _ = select.select([fd], [], [], 1.0)
                if ready:
                    try:
                        chunk = os.read(fd, 65536)
                    except BlockingIOError:
                        chunk = None
                    if chunk:
                        out.buffer.write(chunk)
                        out.flush()
            try:
                os.killpg(child.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            child.wait()
            out.write(f"watchdog: stopped the tests: {why}\n")
            return 124
    status = child.wait()
    return status if status >= 0 else 128 - status


if __name__ == "__main__":
    sys.exit(main())
