#!/usr/bin/env python3
"""PyTorch CPU reference for `spfflow bench tensor` and `spfflow bench scaling`: the same block stack, timed.

Model (matches the Swift benchmarks): DEPTH adaLN-Zero blocks of width D, H heads, MLP ratio 4
(GELU tanh), LayerNorm without affine (eps 1e-6), conditioning vector of width D; input tokens
[B, T, D]. With --context-tokens > 0 the blocks are MM-DiT blocks (as SPF's backbone): a second
token stream [B, Tc, D] with its own weights, one joint attention over both streams' tokens, and
with --qk-norm RMSNorm (learned weight, eps 1e-6) on every head's queries and keys.

--mode train (default): one step = zero_grad + forward + MSE on the first stream against a random
target + backward + AdamW; prints `figure torch_train_step_ms = <median> ms` (and GFLOP/s).
--mode sample: one forward pass under torch.inference_mode (what a sampler's solver step runs);
prints `figure torch_sample_pass_ms = <median> ms`.

--mkl-code-path intel (default): MKL, PyTorch's BLAS, picks its kernels by the CPU's vendor as well as its
instruction sets, and on a CPU that is not Intel's runs a generic path (2.4x slower matmuls on an AMD Zen 5).
The script then builds bench/mkl_intel_path.c ($CC, cc or clang) and runs itself again with it preloaded, so that
MKL takes the path an Intel CPU with the same instruction sets takes and the peer does not depend on who
made the CPU (on an Intel CPU this changes nothing). --mkl-code-path stock runs PyTorch as installed.
Either way the script prints `mkl code path: ...` and `figure torch_sgemm_gflops_1t` (a 1024³ float matmul
on one thread), so a reader sees how fast the peer's products ran.

Needs torch (`pip install torch`, ≈5.4 GB with its CUDA dependencies; not part of CI):
    python3 bench/torch_reference.py [--threads 2] [--steps 12] [--explicit-attention] [--mkl-code-path stock]
    python3 bench/torch_reference.py --tokens 2592 --context-tokens 648 --width 128 --heads 4 --batch 2 --qk-norm
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

# Set in the environment of the script's second run, the one with bench/mkl_intel_path.c preloaded.
SHIM_MARKER = "SPFFLOW_TORCH_MKL_SHIM"


def preload_mkl_intel_path():
    """Builds bench/mkl_intel_path.c and runs this script again with it preloaded; does not return on
    success. Returns the reason when it cannot (the run then goes on with MKL as installed)."""
    source = os.path.join(os.path.dirname(os.path.abspath(__file__)), "mkl_intel_path.c")
    if not os.path.isfile(source):
        return f"{source} not found"
    build = tempfile.mkdtemp(prefix="spfflow-mkl-")
    library = os.path.join(build, "libmkl_intel_path.so")
    # $CC if set, else cc, else the clang that comes with the Swift toolchain.
    compilers = [os.environ["CC"]] if os.environ.get("CC") else ["cc", "clang"]
    failures = []
    for compiler in compilers:
        try:
            done = subprocess.run([compiler, "-shared", "-fPIC", "-O2", "-o", library, source],
                                  capture_output=True, text=True)
        except OSError as error:
            failures.append(f"{compiler}: {error}")
            continue
        if done.returncode == 0:
            break
        failures.append(f"{compiler} exited {done.returncode}: {done.stderr.strip()[:300]}")
    else:
        shutil.rmtree(build, ignore_errors=True)
        return "; ".join(failures)
    env = dict(os.environ)
    env["LD_PRELOAD"] = library + (":" + env["LD_PRELOAD"] if env.get("LD_PRELOAD") else "")
    env[SHIM_MARKER] = library
    sys.stdout.flush()
    os.execve(sys.executable, [sys.executable] + sys.argv, env)


def sgemm_gflops_1t(torch):
    """GFLOP/s of a 1024³ float matmul on one thread (the best of five), with the thread count restored."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    a, b = torch.randn(1024, 1024), torch.randn(1024, 1024)
    a @ b
    best = float("inf")
    for _ in range(5):
        t0 = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - t0)
    torch.set_num_threads(threads)
    return 2 * 1024 ** 3 / best / 1e9


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--depth", type=int, default=4)
    parser.add_argument("--width", type=int, default=256)
    parser.add_argument("--heads", type=int, default=4)
    parser.add_argument("--tokens", type=int, default=216)
    parser.add_argument("--context-tokens", type=int, default=0,
                        help="tokens of a second (context) stream; > 0 makes the blocks MM-DiT blocks")
    parser.add_argument("--qk-norm", action="store_true", help="RMSNorm on queries and keys per head")
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--steps", type=int, default=12)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--mode", choices=["train", "sample"], default="train")
    parser.add_argument("--explicit-attention", action="store_true",
                        help="softmax(QKᵀ/√d)V written out instead of scaled_dot_product_attention")
    parser.add_argument("--mkl-code-path", choices=["intel", "stock"], default="intel",
                        help="intel: preload bench/mkl_intel_path.c so that MKL runs the kernels an Intel CPU "
                             "with the same instruction sets runs (default); stock: PyTorch as installed")
    args = parser.parse_args()
    shim_note = None
    if args.mkl_code_path == "intel" and SHIM_MARKER not in os.environ:
        shim_note = preload_mkl_intel_path()
    elif SHIM_MARKER in os.environ:
        # The preloaded library is mapped from the start of this process; its build folder can go now.
        shutil.rmtree(os.path.dirname(os.environ[SHIM_MARKER]), ignore_errors=True)
    try:
        import torch
        import torch.nn as nn
        import torch.nn.functional as F
    except ImportError:
        print("torch is not installed; nothing to compare (pip install torch)", file=sys.stderr)
        return 0

    torch.set_num_threads(args.threads)
    if args.mkl_code_path == "stock":
        print("mkl code path: stock (MKL as installed)")
    elif shim_note is None:
        print("mkl code path: intel (bench/mkl_intel_path.c preloaded)")
    else:
        print(f"mkl code path: stock, because bench/mkl_intel_path.c could not be preloaded: {shim_note}")
    print(f"figure torch_sgemm_gflops_1t = {sgemm_gflops_1t(torch):.1f} GFLOP/s")
    torch.manual_seed(0)
    d, h = args.width, args.heads
    dh = d // h
    tc = args.context_tokens

    def attend(q, k, v):
        if args.explicit_attention:
            return torch.softmax(q @ k.transpose(-1, -2) / dh ** 0.5, dim=-1) @ v
        return F.scaled_dot_product_attention(q, k, v)

    def rms(x, w):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-6) * w

    class Stream(nn.Module):
        """One stream's weights: adaLN modulation, qkv, projection, MLP (and QK-norm weights)."""

        def __init__(self):
            super().__init__()
            self.adaln = nn.Linear(d, 6 * d)
            self.qkv = nn.Linear(d, 3 * d)
            self.proj = nn.Linear(d, d)
            self.fc1 = nn.Linear(d, 4 * d)
            self.fc2 = nn.Linear(4 * d, d)
            self.q_norm = nn.Parameter(torch.ones(dh))
            self.k_norm = nn.Parameter(torch.ones(dh))
            nn.init.normal_(self.adaln.weight, std=0.02)
            nn.init.zeros_(self.adaln.bias)

        def qkv_of(self, x, c):
            mods = self.adaln(F.silu(c))[:, None, :].chunk(6, dim=-1)
            b, t, _ = x.shape
            a = F.layer_norm(x, (d,), eps=1e-6) * (1 + mods[1]) + mods[0]
            q, k, v = self.qkv(a).view(b, t, 3, h, dh).permute(2, 0, 3, 1, 4)
            if args.qk_norm:
                q, k = rms(q, self.q_norm), rms(k, self.k_norm)
            return q, k, v, mods

        def finish(self, x, att, mods):
            b, t, _ = x.shape
            x = x + mods[2] * self.proj(att.transpose(1, 2).reshape(b, t, d))
            m = F.layer_norm(x, (d,), eps=1e-6) * (1 + mods[4]) + mods[3]
            return x + mods[5] * self.fc2(F.gelu(self.fc1(m), approximate="tanh"))

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.latent = Stream()
            self.context = Stream() if tc > 0 else None

        def forward(self, x, cx, c):
            q, k, v, mx = self.latent.qkv_of(x, c)
            if self.context is None:
                return self.latent.finish(x, attend(q, k, v), mx), None
            qc, kc, vc, mc = self.context.qkv_of(cx, c)
            t = x.shape[1]
            att = attend(torch.cat([q, qc], 2), torch.cat([k, kc], 2), torch.cat([v, vc], 2))
            return self.latent.finish(x, att[:, :, :t], mx), self.context.finish(cx, att[:, :, t:], mc)

    blocks = nn.ModuleList([Block() for _ in range(args.depth)])
    opt = torch.optim.AdamW(blocks.parameters(), lr=1e-4, weight_decay=0.01, foreach=True)
    x = torch.randn(args.batch, args.tokens, d)
    cx = torch.randn(args.batch, tc, d) if tc > 0 else None
    c = torch.randn(args.batch, d)
    target = torch.randn(args.batch, args.tokens, d)

    def forward():
        y, yc = x, cx
        for blk in blocks:
            y, yc = blk(y, yc, c)
        return y

    def step():
        if args.mode == "sample":
            with torch.inference_mode():
                forward()
            return
        opt.zero_grad(set_to_none=False)
        loss = F.mse_loss(forward(), target)
        loss.backward()
        opt.step()

    for _ in range(args.warmup):
        step()
    times = []
    for _ in range(args.steps):
        t0 = time.perf_counter()
        step()
        times.append((time.perf_counter() - t0) * 1e3)
    ms = statistics.median(times)
    n = args.batch * (args.tokens + tc)
    tj = args.tokens + tc
    per_block = 2 * n * d * (3 * d + d + 8 * d) + 2 * 2 * args.batch * tj ** 2 * d + 2 * args.batch * d * 6 * d * (2 if tc else 1)
    flops = (1 if args.mode == "sample" else 3) * args.depth * per_block
    print(f"torch {torch.__version__}, {args.threads} threads, "
          f"{'explicit' if args.explicit_attention else 'SDPA'} attention, "
          f"{'MM-DiT' if tc else 'DiT'} blocks, mode {args.mode}")
    if args.mode == "sample":
        print(f"figure torch_sample_pass_ms = {ms:.1f} ms")
        print(f"figure torch_sample_gflops = {flops / ms / 1e6:.1f} GFLOP/s")
    else:
        print(f"figure torch_train_step_ms = {ms:.1f} ms")
        print(f"figure torch_step_gflops = {flops / ms / 1e6:.1f} GFLOP/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
