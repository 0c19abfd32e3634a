"""Runs generated PyTorch code and reports what PyTorch itself sees, for the export round-trip tests.

Reads a JSON list of jobs on stdin: {"id", "code", "class", "input": [C, H, W], "batch", "layers": [names]}.
For each job it executes the code, builds the class, hooks every module named in "layers", runs one
forward pass in eval mode and prints one JSON list: per job the output shape of every call of each hooked
module, the layers that are no module at all, the parameter total, the state_dict keys and the model's
output shape (or the error). One process serves every job, so torch is imported once.
"""
import os
import sys
import types

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from jobs import serve  # noqa: E402

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts", "golden"))
from simulation_io import save_npy, write_safetensors  # noqa: E402

SAMPLES = 64


def run(job):
    module = types.ModuleType("generated_" + job["id"])
    exec(compile(job["code"], job["id"] + ".py", "exec"), module.__dict__)
    torch.manual_seed(0)
    model = getattr(module, job["class"])()
    model.eval()
    named = dict(model.named_modules())
    calls = {name: [] for name in job["layers"]}
    missing = [name for name in job["layers"] if name not in named]
    values = {}

    def hook(name, out):
        calls[name].append(list(out.shape[1:]))
        if job.get("save") and name not in values:
            # Evenly spaced elements and the largest magnitude: enough to compare every layer's output.
            flat = out.detach().reshape(-1)
            picks = torch.linspace(0, flat.numel() - 1, min(SAMPLES, flat.numel())).long()
            values[name] = {"index": picks.tolist(), "value": flat[picks].tolist(), "scale": float(flat.abs().max())}

    for name in job["layers"]:
        if name in named:
            named[name].register_forward_hook(lambda _m, _i, out, name=name: hook(name, out))
    # A model with several inputs takes one tensor per input ("inputs"); the first is saved for the simulation.
    xs = [torch.randn(job["batch"], *shape) for shape in job.get("inputs") or [job["input"]]]
    x = xs[0]
    if job.get("save"):
        # The module's own state_dict and input, for the simulation to load (num_batches_tracked is a counter).
        state = {k: v for k, v in model.state_dict().items() if not k.endswith("num_batches_tracked")}
        write_safetensors(job["save"] + ".safetensors", state)
        save_npy(job["save"] + ".npy", x.numpy())
    with torch.no_grad():
        out = model(*xs)
    # Several outputs come as a tuple: the first is the model's `output`.
    if isinstance(out, tuple):
        out = out[0]
    return {
        "values": values,
        "id": job["id"],
        "calls": calls,
        "missing": missing,
        "params": sum(p.numel() for p in model.parameters()),
        "keys": list(model.state_dict().keys()),
        "output": list(out.shape[1:]),
    }


if __name__ == "__main__":
    serve(run)
