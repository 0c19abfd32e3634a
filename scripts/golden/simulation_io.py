# Helpers for scripts/golden/simulation.py: .cnn layer lists, hand-written safetensors, hashed weights, compact tensor records.
import json
import os
import struct
import subprocess

import numpy as np
import torch

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def cnn_layers(path):
    """The .cnn model's layers (name, kind, outputShape) from the analysis, through the built CLI."""
    out = subprocess.run(["node", os.path.join(REPO, "bin", "cnnlens.js"), "summary", path, "--json"],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)["models"][0]["layers"]


def write_safetensors(path, tensors, dtype="F32"):
    """safetensors by hand: 8-byte little-endian header length, JSON header (padded to 8), raw data."""
    np_dtype = {"F32": "<f4", "F16": "<f2"}[dtype]
    header, blobs, offset = {}, [], 0
    for name in sorted(tensors):
        data = tensors[name].detach().cpu().numpy().astype(np_dtype).tobytes()
        header[name] = {"dtype": dtype, "shape": list(tensors[name].shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":"))
    text += " " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text.encode())
        for b in blobs:
            f.write(b)


def fnv1a32(text):
    h = 0x811C9DC5
    for byte in text.encode():
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return h


def hash_uniform(name, n):
    """n values in [0, 1) from the tensor's name; test/oracle/simulation-golden.test.ts computes the same bits."""
    with np.errstate(over="ignore"):
        x = np.arange(n, dtype=np.uint32) * np.uint32(0x9E3779B1) + np.uint32(fnv1a32(name))
        x ^= x >> np.uint32(16)
        x *= np.uint32(0x7FEB352D)
        x ^= x >> np.uint32(15)
        x *= np.uint32(0x846CA68B)
        x ^= x >> np.uint32(16)
    return x.astype(np.float64) / 2.0 ** 32


def hash_tensor(name, role, shape, fan_in, kind):
    """Deterministic weights that need no file: the rule is repeated in the TypeScript test."""
    u = hash_uniform(name, int(np.prod(shape)) if len(shape) else 1)
    if kind == "batchnorm":
        v = {"weight": 0.5 + u, "bias": 0.2 * u - 0.1, "running_mean": 0.2 * u - 0.1, "running_var": 0.5 + u}[role]
    else:
        v = (2 * u - 1) / np.sqrt(fan_in)
    return torch.from_numpy(v.astype(np.float32).reshape(shape))


def record(t, full_limit=1024, samples=48):
    """A tensor as JSON: every value when small, else statistics, per-axis means and spread samples."""
    a = t.detach().double().numpy()
    flat = a.reshape(-1)
    rec = {"shape": list(a.shape), "maxAbs": float(np.abs(flat).max()), "mean": float(flat.mean()),
           "std": float(flat.std()), "min": float(flat.min()), "max": float(flat.max())}
    if flat.size <= full_limit:
        rec["values"] = [round_sig(v) for v in flat]
        return rec
    # Means over all axes but one catch a wrong last row or column (ceil_mode, padding) wherever it is.
    rec["marginals"] = [[round_sig(v) for v in a.mean(axis=tuple(j for j in range(a.ndim) if j != i))] for i in range(a.ndim)]
    index = np.unique(np.linspace(0, flat.size - 1, samples).round().astype(np.int64))
    rec["samples"] = {"index": [int(i) for i in index], "values": [round_sig(flat[i]) for i in index]}
    return rec


def round_sig(v):
    return float("%.8g" % v)


def save_npy(path, array):
    np.save(path, np.ascontiguousarray(array, dtype=np.float32))
