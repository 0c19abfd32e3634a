"""Runs the structure goldens' reference modules and the exported code on the same weights and inputs.

Reads a JSON list of jobs on stdin: {"id", "torch": reference source defining Ref, "code": exported PyTorch,
"class", "inputs": [shapes], "save": path prefix}. For each job: builds Ref (seed 0), writes its state_dict as
<save>.safetensors, runs it on seeded inputs, loads the same state_dict into the exported class (strict: the
names must be the same), runs that too and prints every input and both modules' outputs as flat lists.
"""
import os
import sys
import types

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from jobs import serve  # noqa: E402

import torch  # noqa: E402
import torchvision  # noqa: E402
from torch import nn  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts", "golden"))
from simulation_io import write_safetensors  # noqa: E402


def tensors(y):
    outs = list(y) if isinstance(y, tuple) else [y]
    return [{"shape": list(o.shape), "data": o.reshape(-1).tolist()} for o in outs]


def run(job):
    torch.manual_seed(0)
    env = {"nn": nn, "torch": torch, "torchvision": torchvision}
    exec(job["torch"], env)
    ref = env["Ref"]()
    ref.eval()
    # Random running statistics, so that batchnorm in inference mode is not the identity.
    for m in ref.modules():
        if isinstance(m, nn.modules.batchnorm._BatchNorm):
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 1.5)
    state = {k: v for k, v in ref.state_dict().items() if not k.endswith("num_batches_tracked")}
    write_safetensors(job["save"] + ".safetensors", state)
    xs = [torch.randn(1, *shape) for shape in job["inputs"]]
    with torch.no_grad():
        expected = ref(*xs)
    module = types.ModuleType("generated_" + job["id"].replace("-", "_"))
    exec(compile(job["code"], job["id"] + ".py", "exec"), module.__dict__)
    exported = getattr(module, job["class"])()
    exported.load_state_dict(ref.state_dict(), strict=True)
    exported.eval()
    with torch.no_grad():
        got = exported(*xs)
    return {
        "id": job["id"],
        "inputs": [{"shape": list(x.shape), "data": x.reshape(-1).tolist()} for x in xs],
        "reference": tensors(expected),
        "exported": tensors(got),
    }


if __name__ == "__main__":
    serve(run)
