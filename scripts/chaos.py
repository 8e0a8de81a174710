#!/usr/bin/env python3
"""make chaos: kill -9 `spfflow run` at random moments, resume every time, then compare the cache
with an uninterrupted run's, object by object.

For each manifest (the smoke manifest, and the default manifest up to `train-spf` with --default):
1. an uninterrupted reference run into its own cache;
2. chaos episodes on a fresh cache: start `spfflow run`, kill the whole process group with SIGKILL
   at a random moment, start it again, ... until a run finishes by itself; episodes repeat until
   --kills kills have landed. Some kills are aimed at training after a checkpoint was written (the
   run's log shows the training node started and a checkpoint pointer exists), so that resuming
   from a mid-training checkpoint is exercised: at least --training-kills of them;
3. every object of every episode's cache against the reference's: each dataset bit for bit, every
   attribute but the ones that describe the run (times, host, run id, memory, timing figures), the
   files beside an object byte for byte (but the report's pages and DAG drawing, which list what ran
   and how long it took); and no file left under tmp/ once the last run has finished.

Prints `figure chaos_kills`, `figure chaos_training_kills`, `figure chaos_objects_compared`,
`figure chaos_objects_differing` (must be 0) and `figure chaos_temp_left` (must be 0); exits 1 when
either of the last two is not 0.
"""
import argparse
import glob
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

import h5py
import hdf5plugin  # noqa: F401  (registers the zstd filter spfflow's objects use)
import numpy as np

RUN_ATTRIBUTES = {"spfflow.started_at", "spfflow.ended_at", "spfflow.wall_seconds", "spfflow.peak_memory_bytes",
                  "spfflow.run_id", "spfflow.host", "spfflow.slurm_job_id",
                  "sampling"}  # eval.evaluate's sampling seconds per product
# Files that describe the run rather than the data: the report's pages list what ran or came from the
# cache and each kind's wall time, and its DAG drawing prints them.
RUN_FILES = {"report/index.html", "report/index.md", "report/dag.svg"}


def timing_attribute(name):
    return name in RUN_ATTRIBUTES or "seconds" in name


def without_timings(value):
    """A `figures` text without its timing lines (`figure *_seconds_* = …`)."""
    if isinstance(value, bytes):
        value = value.decode()
    if isinstance(value, str):
        return "\n".join(line for line in value.split("\n") if "seconds" not in line)
    return value


class Run:
    """One `spfflow run` in its own process group, its output lines collected as they come."""

    def __init__(self, binary, manifest, cache, until):
        args = [binary, "run", manifest, "--cache", cache, "--progress", "plain"]
        for node in until:
            args += ["--until", node]
        self.process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                        start_new_session=True)
        self.lines = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def started(self, node):
        return any(line.split()[:2] == ["start", node] for line in list(self.lines))

    def finished(self, node):
        return any(line.split()[:2] in (["ran", node], ["cached", node]) for line in list(self.lines))

    def kill(self):
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()
        self.reader.join(timeout=5)

    def wait(self):
        code = self.process.wait()
        self.reader.join(timeout=5)
        return code


def has_checkpoint(cache):
    return bool(glob.glob(os.path.join(cache, "checkpoints", "*", "current.json")))


def run_to_end(binary, manifest, cache, until):
    run = Run(binary, manifest, cache, until)
    code = run.wait()
    if code != 0:
        sys.exit("spfflow run failed (exit %d):\n%s" % (code, "\n".join(run.lines[-30:])))


def chaos_episode(binary, manifest, cache, until, train_node, state, rng, args):
    """Kill and resume one fresh cache until a run finishes by itself."""
    while True:
        run = Run(binary, manifest, cache, until)
        aim_training = state["training_kills"] < args.training_kills and not state.get("training_done")
        deadline = time.time() + rng.uniform(0.05, args.max_delay)
        killed, in_training = False, False
        while run.process.poll() is None:
            now = time.time()
            training_now = run.started(train_node) and not run.finished(train_node) and has_checkpoint(cache)
            if aim_training and training_now:
                time.sleep(rng.uniform(0.0, args.training_delay))
                if run.process.poll() is None and not run.finished(train_node):
                    run.kill()
                    killed, in_training = True, True
                break
            if not aim_training and now >= deadline:
                in_training = training_now
                run.kill()
                killed = True
                break
            time.sleep(0.01)
        if killed:
            state["kills"] += 1
            state["training_kills"] += int(in_training)
            print("kill %3d%s" % (state["kills"], " (training, after a checkpoint)" if in_training else ""), flush=True)
            continue
        code = run.wait()
        if code != 0:
            sys.exit("spfflow run failed after a kill (exit %d):\n%s" % (code, "\n".join(run.lines[-30:])))
        if run.finished(train_node) and aim_training:
            state["training_done"] = True  # training finished before a checkpointed moment came up
        return


def objects(cache):
    return {os.path.basename(p): p for p in glob.glob(os.path.join(cache, "objects", "*", "*.h5"))}


def differences(a, b):
    """What differs between two object files (datasets, attributes, files beside them)."""
    found = []
    with h5py.File(a, "r") as x, h5py.File(b, "r") as y:
        names_x, names_y = [], []
        x.visit(names_x.append)
        y.visit(names_y.append)
        if sorted(names_x) != sorted(names_y):
            found.append("members differ")
        for name in names_x:
            if name in y and isinstance(x[name], h5py.Dataset):
                if x[name].shape != y[name].shape or x[name].dtype != y[name].dtype or \
                        x[name][()].tobytes() != y[name][()].tobytes():
                    found.append("dataset " + name)
        for name in set(x.attrs) | set(y.attrs):
            if timing_attribute(name):
                continue
            vx, vy = without_timings(x.attrs.get(name)), without_timings(y.attrs.get(name))
            if not np.array_equal(np.asarray(vx), np.asarray(vy)):
                found.append("attribute " + name)
    fa, fb = a[:-3] + ".files", b[:-3] + ".files"
    if os.path.isdir(fa) or os.path.isdir(fb):
        def listing(root):
            return sorted(os.path.relpath(os.path.join(d, f), root) for d, _, fs in os.walk(root) for f in fs) \
                if os.path.isdir(root) else []
        la, lb = listing(fa), listing(fb)
        if la != lb:
            found.append("files beside differ")
        for rel in la:
            if rel in lb and rel not in RUN_FILES:
                with open(os.path.join(fa, rel), "rb") as p, open(os.path.join(fb, rel), "rb") as q:
                    if p.read() != q.read():
                        found.append("file " + rel)
    return found


def temp_left(cache):
    tmp = os.path.join(cache, "tmp")
    return sum(len(fs) + len(ds) for _, ds, fs in os.walk(tmp)) if os.path.isdir(tmp) else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default=".build/release/spfflow")
    parser.add_argument("--manifest", default="Manifests/smoke.yaml")
    parser.add_argument("--until", action="append", default=[], help="stop after this node (repeatable)")
    parser.add_argument("--train-node", default="train-spf")
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--training-kills", type=int, default=5)
    parser.add_argument("--max-delay", type=float, default=2.0, help="random kills land within this many seconds")
    parser.add_argument("--training-delay", type=float, default=0.5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", default=None, help="directory for the caches (default: a new temporary one)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    work = args.work or tempfile.mkdtemp(prefix="spfflow-chaos-")
    os.makedirs(work, exist_ok=True)
    binary = os.path.abspath(args.binary)
    manifest = os.path.abspath(args.manifest)
    label = os.path.basename(manifest) + (" until " + ",".join(args.until) if args.until else "")
    print("chaos: %s, %d kills (%d in training after a checkpoint), caches under %s" %
          (label, args.kills, args.training_kills, work), flush=True)

    t0 = time.time()
    reference = os.path.join(work, "reference")
    shutil.rmtree(reference, ignore_errors=True)
    run_to_end(binary, manifest, reference, args.until)
    print("reference run: %.1f s" % (time.time() - t0), flush=True)

    state = {"kills": 0, "training_kills": 0}
    episodes, compared, differing, left = [], 0, 0, 0
    while state["kills"] < args.kills or (state["training_kills"] < args.training_kills
                                           and not state.get("training_done") and len(episodes) < 20):
        cache = os.path.join(work, "chaos-%d" % len(episodes))
        shutil.rmtree(cache, ignore_errors=True)
        state.pop("training_done", None)
        chaos_episode(binary, manifest, cache, args.until, args.train_node, state, rng, args)
        episodes.append(cache)
    ref = objects(reference)
    for cache in episodes:
        got = objects(cache)
        if sorted(got) != sorted(ref):
            print("%s: objects %d, reference %d" % (cache, len(got), len(ref)))
            differing += len(set(got) ^ set(ref))
        for key in sorted(set(got) & set(ref)):
            compared += 1
            found = differences(ref[key], got[key])
            if found:
                differing += 1
                print("%s %s differs: %s" % (os.path.basename(cache), key[:16], ", ".join(found[:5])))
        left += temp_left(cache)
    print("episodes %d, %.0f s in all" % (len(episodes), time.time() - t0))
    print("figure chaos_kills = %d kills" % state["kills"])
    print("figure chaos_training_kills = %d kills" % state["training_kills"])
    print("figure chaos_objects_compared = %d objects" % compared)
    print("figure chaos_objects_differing = %d objects" % differing)
    print("figure chaos_temp_left = %d files" % left)
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if differing or left or state["training_kills"] < args.training_kills else 0


if __name__ == "__main__":
    sys.exit(main())
