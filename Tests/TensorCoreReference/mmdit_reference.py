#!/usr/bin/env python3
"""Float64 numpy reference of one MM-DiT block forward (spfflow TensorCore test helper).

Usage: mmdit_reference.py <dir>
Reads <dir>/manifest.json ({"config": {...}, "arrays": [[name, shape], ...]}) and the float32
little-endian arrays concatenated in that order in <dir>/input.bin; writes the block's latent and
context outputs (float32, latent then context) to <dir>/output.bin.
"""
import json
import os
import sys

import numpy as np


def layer_norm(x, eps):
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps)


def rms_norm(x, w, eps):
    return x / np.sqrt((x ** 2).mean(axis=-1, keepdims=True) + eps) * w


def silu(x):
    return x / (1 + np.exp(-x))


def gelu_tanh(x):
    return 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3)))


def rope(x, cos, sin):
    # x: [B, T, H, Dh]; cos, sin: [T, Dh/2]; rotates interleaved pairs (2i, 2i+1).
    x0, x1 = x[..., 0::2], x[..., 1::2]
    c, s = cos[None, :, None, :], sin[None, :, None, :]
    out = np.empty_like(x)
    out[..., 0::2] = x0 * c - x1 * s
    out[..., 1::2] = x0 * s + x1 * c
    return out


def linear(x, p, name):
    return x @ p[name + ".weight"].T + p[name + ".bias"]


def block(h, c, e, p, cfg, cos, sin):
    heads, eps = cfg["heads"], cfg["epsilon"]
    b, width = h.shape[0], h.shape[2]
    dh = width // heads
    se = silu(e)
    streams = {"latent": h, "context": c}
    mods, qs, ks, vs = {}, [], [], []
    for name, x in streams.items():
        mod = linear(se, p, f"b.{name}.adaln")[:, None, :]
        mods[name] = np.split(mod, 6, axis=-1)
        sh1, sc1 = mods[name][0], mods[name][1]
        x1 = layer_norm(x, eps) * (1 + sc1) + sh1
        qkv = linear(x1, p, f"b.{name}.qkv")
        t = x.shape[1]
        q, k, v = [a.reshape(b, t, heads, dh) for a in np.split(qkv, 3, axis=-1)]
        q = rms_norm(q, p[f"b.attn.{name}.q_norm.weight"], eps)
        k = rms_norm(k, p[f"b.attn.{name}.k_norm.weight"], eps)
        qs.append(q)
        ks.append(k)
        vs.append(v)
    q, k, v = (np.concatenate(a, axis=1) for a in (qs, ks, vs))  # latent tokens first
    q, k = rope(q, cos, sin), rope(k, cos, sin)
    scores = np.einsum("bqhd,bkhd->bhqk", q, k) / np.sqrt(dh)
    scores = scores - scores.max(axis=-1, keepdims=True)
    prob = np.exp(scores)
    prob = prob / prob.sum(axis=-1, keepdims=True)
    att = np.einsum("bhqk,bkhd->bqhd", prob, v).reshape(b, -1, width)
    outs = []
    th = h.shape[1]
    for name, x, a in (("latent", h, att[:, :th]), ("context", c, att[:, th:])):
        sh1, sc1, g1, sh2, sc2, g2 = mods[name]
        x = x + g1 * linear(a, p, f"b.{name}.proj")
        x2 = layer_norm(x, eps) * (1 + sc2) + sh2
        x = x + g2 * linear(gelu_tanh(linear(x2, p, f"b.{name}.fc1")), p, f"b.{name}.fc2")
        outs.append(x)
    return outs


def main():
    directory = sys.argv[1]
    with open(os.path.join(directory, "manifest.json")) as f:
        manifest = json.load(f)
    raw = np.fromfile(os.path.join(directory, "input.bin"), dtype="<f4").astype(np.float64)
    arrays, offset = {}, 0
    for name, shape in manifest["arrays"]:
        n = int(np.prod(shape))
        arrays[name] = raw[offset:offset + n].reshape(shape)
        offset += n
    h_out, c_out = block(arrays["input.latent"], arrays["input.context"], arrays["input.condition"],
                         arrays, manifest["config"], arrays["rope.cos"], arrays["rope.sin"])
    np.concatenate([h_out.ravel(), c_out.ravel()]).astype("<f4").tofile(os.path.join(directory, "output.bin"))


if __name__ == "__main__":
    main()
