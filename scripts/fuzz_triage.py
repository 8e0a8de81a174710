#!/usr/bin/env python3
"""Sorts the inputs a libFuzzer log says it wrote (crash-, timeout-, oom-, slow-unit-) by where the
report's innermost frame of interest lies: in a system library (libhdf5, libnetcdf: nothing spfflow
can fix but by not calling it) or in spfflow's own code. Frames of libc, the sanitizer and libFuzzer
itself are passed over. Prints one line per input and, last, `<ours> <theirs>`."""
import re
import sys

LIBRARY = re.compile(r"libhdf5|libnetcdf|libcurl|libz\.so|libsz")
OURS = re.compile(r"\$s\w+|/Sources/|/Pipelines/|/Fuzz/Sources/")
FRAME = re.compile(r"^\s*#\d+ 0x[0-9a-f]+ ")
# The targets' own entry points (libFuzzer's driver runs under them): not the code under test.
DRIVER = re.compile(r"_main\b|Main\w*ys5Int32V|FuzzerDriver|/compiler-rt/")


def classify(frames):
    """Where the innermost frame of interest lies. A crash with none (inside libFuzzer itself, between
    inputs) comes from a heap an earlier input corrupted: "unknown", counted with spfflow's."""
    for frame in frames:
        if DRIVER.search(frame):
            continue
        if LIBRARY.search(frame):
            return "library"
        if OURS.search(frame):
            return "spfflow"
    return "unknown"


def main():
    found = []
    frames, pending = [], None
    for path in sys.argv[1:]:
        for line in open(path, errors="replace"):
            if FRAME.match(line):
                frames.append(line.strip())
                continue
            if pending and "SUMMARY: libFuzzer: timeout" in line:
                # A timeout's stack follows the line that names its input.
                found.append((pending, list(frames)))
                pending, frames = None, []
                continue
            written = re.search(r"Test unit written to (\S+)", line)
            if not written:
                continue
            artifact = written.group(1)
            if "slow-unit-" in artifact:
                continue
            if "timeout-" in artifact:
                pending, frames = artifact, []
                continue
            found.append((artifact, list(frames)))
            frames = []
    if pending:
        found.append((pending, frames))
    ours = theirs = 0
    seen = set()
    for artifact, stack in found:
        if artifact in seen:  # the same input written again by a later run
            continue
        seen.add(artifact)
        where = classify(stack)
        top = next((f for f in stack if not DRIVER.search(f) and (LIBRARY.search(f) or OURS.search(f))), "(no frame)")
        print("%-8s %s  %s" % (where, artifact, re.sub(r"\(BuildId: \w+\)", "", top)[:150]))
        if where == "library":
            theirs += 1
        else:
            ours += 1
    print(ours, theirs)


if __name__ == "__main__":
    main()
