"""Runs generated PyTorch code and reports what PyTorch itself sees, for the export round-trip tests.

Reads a JSON list of jobs on stdin: {"id", "code", "class", "input": [C, H, W], "batch", "layers": [names]}.
For each job it executes the code, builds the class, hooks every module named in "layers", runs one
forward pass in eval mode and prints one JSON list: per job the output shape of every call of each hooked
module, the layers that are no module at all, the parameter total, the state_dict keys and the model's
output shape (or the error). One process serves every job, so torch is imported once.
"""
import json
import sys
import traceback
import types

import torch


def run(job):
    module = types.ModuleType("generated_" + job["id"])
    exec(compile(job["code"], job["id"] + ".py", "exec"), module.__dict__)
    torch.manual_seed(0)
    model = getattr(module, job["class"])()
    model.eval()
    named = dict(model.named_modules())
    calls = {name: [] for name in job["layers"]}
    missing = [name for name in job["layers"] if name not in named]
    for name in job["layers"]:
        if name in named:
            named[name].register_forward_hook(
                lambda _m, _i, out, name=name: calls[name].append(list(out.shape[1:])))
    with torch.no_grad():
        out = model(torch.randn(job["batch"], *job["input"]))
    return {
        "id": job["id"],
        "calls": calls,
        "missing": missing,
        "params": sum(p.numel() for p in model.parameters()),
        "keys": list(model.state_dict().keys()),
        "output": list(out.shape[1:]),
    }


def main():
    results = []
    for job in json.load(sys.stdin):
        try:
            results.append(run(job))
        except Exception:  # noqa: BLE001 - the test shows the traceback of whatever went wrong
            results.append({"id": job["id"], "error": traceback.format_exc()})
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
