#!/usr/bin/env python3
"""PyTorch CPU reference for `spfflow bench tensor`: the same DiT training step, timed.

Model (matches the Swift benchmark): DEPTH adaLN-Zero DiT blocks of width D, H heads, MLP ratio 4
(GELU tanh), LayerNorm without affine (eps 1e-6), joint conditioning vector of width D; input
tokens [B, T, D]; MSE loss against a random target; AdamW. One step = zero_grad + forward +
backward + optimizer step. Prints `figure torch_train_step_ms = <median> ms` (and GFLOP/s).

Needs torch (`pip install torch`, ≈5.4 GB with its CUDA dependencies; not part of CI):
    python3 bench/torch_reference.py [--threads 2] [--steps 12] [--explicit-attention]
"""
import argparse
import statistics
import sys
import time


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--depth", type=int, default=4)
    parser.add_argument("--width", type=int, default=256)
    parser.add_argument("--heads", type=int, default=4)
    parser.add_argument("--tokens", type=int, default=216)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--steps", type=int, default=12)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--explicit-attention", action="store_true",
                        help="softmax(QKᵀ/√d)V written out instead of scaled_dot_product_attention")
    args = parser.parse_args()
    try:
        import torch
        import torch.nn as nn
        import torch.nn.functional as F
    except ImportError:
        print("torch is not installed; nothing to compare (pip install torch)", file=sys.stderr)
        return 0

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    d, h = args.width, args.heads

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.adaln = nn.Linear(d, 6 * d)
            self.qkv = nn.Linear(d, 3 * d)
            self.proj = nn.Linear(d, d)
            self.fc1 = nn.Linear(d, 4 * d)
            self.fc2 = nn.Linear(4 * d, d)
            nn.init.normal_(self.adaln.weight, std=0.02)
            nn.init.zeros_(self.adaln.bias)

        def forward(self, x, c):
            sh1, sc1, g1, sh2, sc2, g2 = self.adaln(F.silu(c))[:, None, :].chunk(6, dim=-1)
            b, t, _ = x.shape
            a = F.layer_norm(x, (d,), eps=1e-6) * (1 + sc1) + sh1
            q, k, v = self.qkv(a).view(b, t, 3, h, d // h).permute(2, 0, 3, 1, 4)
            if args.explicit_attention:
                att = torch.softmax(q @ k.transpose(-1, -2) / (d // h) ** 0.5, dim=-1) @ v
            else:
                att = F.scaled_dot_product_attention(q, k, v)
            x = x + g1 * self.proj(att.transpose(1, 2).reshape(b, t, d))
            m = F.layer_norm(x, (d,), eps=1e-6) * (1 + sc2) + sh2
            return x + g2 * self.fc2(F.gelu(self.fc1(m), approximate="tanh"))

    blocks = nn.ModuleList([Block() for _ in range(args.depth)])
    opt = torch.optim.AdamW(blocks.parameters(), lr=1e-4, weight_decay=0.01, foreach=True)
    x = torch.randn(args.batch, args.tokens, d)
    c = torch.randn(args.batch, d)
    target = torch.randn(args.batch, args.tokens, d)

    def step():
        opt.zero_grad(set_to_none=False)
        y = x
        for blk in blocks:
            y = blk(y, c)
        loss = F.mse_loss(y, target)
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
    n = args.batch * args.tokens
    per_block = 2 * n * d * (3 * d + d + 8 * d) + 2 * 2 * args.batch * args.tokens ** 2 * d + 2 * args.batch * d * 6 * d
    flops = 3 * args.depth * per_block
    print(f"torch {torch.__version__}, {args.threads} threads, "
          f"{'explicit' if args.explicit_attention else 'SDPA'} attention")
    print(f"figure torch_train_step_ms = {ms:.1f} ms")
    print(f"figure torch_step_gflops = {flops / ms / 1e6:.1f} GFLOP/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
