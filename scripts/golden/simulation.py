# Records PyTorch's layer-by-layer outputs for the simulation goldens (test/golden/simulation/*.json).
#
# Run with Debian's /usr/bin/python3 (python3-torch, python3-torchvision) after `npm run build`: the .cnn
# layer names come from the built CLI. Each net is an ordinary torch module; its leaf-module calls, in
# order, are paired with the .cnn layers (a .cnn `flatten` may be torch.flatten, which is no module), so
# the weights are saved under the .cnn names (`Res2.conv3.weight`) and every output is recorded under
# them. Weights are random and saved by hand as safetensors (F32, or F16 to keep files small; the torch
# module then runs on the F16-rounded values). LeNet-5's and ResNet-18's weights and inputs come from a
# hash of each tensor's name instead (scripts/golden/simulation_io.py), which the test recomputes, so
# ResNet-18 needs no 46 MB file.
import json
import os
import re
import sys

import torch
from torch import nn
import torchvision.models as tvm

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from simulation_io import REPO, cnn_layers, hash_tensor, hash_uniform, record, save_npy, write_safetensors  # noqa: E402
from simulation_nets import NETS  # noqa: E402
from examples import LeNet5  # noqa: E402

OUT = os.path.join(REPO, "test", "golden", "simulation")
KINDS = {
    "Conv": "conv", "ConvTranspose": "convtranspose", "MaxPool": "maxpool", "AvgPool": "avgpool",
    "AdaptiveAvgPool": "adaptiveavgpool globalavgpool", "AdaptiveMaxPool": "adaptivemaxpool globalmaxpool",
    "BatchNorm": "batchnorm", "ReLU": "relu", "ReLU6": "relu6", "LeakyReLU": "leakyrelu", "ELU": "elu",
    "GELU": "gelu", "Sigmoid": "sigmoid", "Tanh": "tanh", "Softmax": "softmax", "Identity": "identity",
    "Dropout": "dropout", "Flatten": "flatten", "Linear": "dense", "LocalResponseNorm": "lrn",
    "Upsample": "upsample", "ZeroPad": "zeropad", "ConstantPad": "zeropad",
    "SiLU": "silu", "Hardswish": "hardswish", "Hardsigmoid": "hardsigmoid", "Mish": "mish", "Softplus": "softplus",
    "PReLU": "prelu", "GroupNorm": "groupnorm", "InstanceNorm": "instancenorm", "StochasticDepth": "droppath",
    "LayerScale": "scale", "ChannelShuffle": "shuffle",
    "LayerNorm": "layernorm", "Permute": "permute", "Resize": "resize",
}
# Kinds whose tensors PyTorch initialises to constants (γ = 1, β = 0, slopes 0.25): random values test them.
CONSTANT_INIT = ("groupnorm", "instancenorm", "prelu", "scale")


def kind_of(module):
    return KINDS.get(re.sub(r"[123]d$", "", type(module).__name__), "?").split()


def leaf_calls(module, x):
    """Every call of a module without children, in order, with its output."""
    calls, hooks = [], []
    for m in module.modules():
        if not list(m.children()):
            hooks.append(m.register_forward_hook(lambda mod, _inp, out: calls.append((mod, out.detach().clone()))))
    with torch.no_grad():
        out = module(x)
    for h in hooks:
        h.remove()
    return calls, out


def pair(layers, calls):
    """Matches .cnn layers with torch calls in execution order; a .cnn flatten may have no module."""
    pairs, j = [], 0
    for layer in layers:
        if j < len(calls) and layer["kind"] in kind_of(calls[j][0]):
            pairs.append((layer, calls[j]))
            j += 1
        elif layer["kind"] == "flatten":
            pairs.append((layer, None))
        else:
            got = type(calls[j][0]).__name__ if j < len(calls) else "nothing"
            raise SystemExit(f"{layer['name']} ({layer['kind']}) meets torch {got}: the nets disagree")
    if j != len(calls):
        raise SystemExit(f"{len(calls) - j} torch calls left over")
    return pairs


def tensors_of(layer, module):
    roles = ["weight", "bias"] + (["running_mean", "running_var"] if layer["kind"] == "batchnorm" else [])
    return {r: getattr(module, r) for r in roles if getattr(module, r, None) is not None}


def make_weights(module, pairs, mode, seed):
    """Sets the module's tensors (random, F16-rounded or hashed) and returns them under the .cnn names."""
    torch.manual_seed(seed)
    out = {}
    for layer, call in pairs:
        if call is None:
            continue
        tensors = tensors_of(layer, call[0])
        fan_in = None
        if "weight" in tensors and tensors["weight"].dim() > 1:
            w = tensors["weight"]
            fan_in = w.shape[1] * int(torch.tensor(w.shape[2:]).prod()) if w.dim() > 2 else w.shape[1]
        for role, t in tensors.items():
            # A layer scale's tensor is named by the layer itself (ConvNeXt's `layer_scale`).
            name = layer["name"] if layer["kind"] == "scale" else f"{layer['name']}.{role}"
            with torch.no_grad():
                if mode == "hash":
                    t.copy_(hash_tensor(name, role, list(t.shape), fan_in, layer["kind"]))
                elif layer["kind"] in ("batchnorm", "layernorm"):  # not PyTorch's ones and zeros
                    low, high = {"weight": (0.5, 1.5), "bias": (-0.2, 0.2), "running_mean": (-0.2, 0.2), "running_var": (0.5, 1.5)}[role]
                    t.uniform_(low, high)
                elif layer["kind"] in CONSTANT_INIT:
                    t.uniform_(-0.5, 1.5) if role == "weight" else t.uniform_(-0.3, 0.3)
                if mode == "F16":
                    t.copy_(t.half().float())
            out[name] = t
    return out


def golden(key, cnn, module, input_shape, mode, seed, keep=lambda layer: True):
    path = os.path.join(REPO, cnn)
    layers = cnn_layers(path)
    module.eval()
    probe = torch.zeros(input_shape)
    pairs = pair(layers, leaf_calls(module, probe)[0])
    weights = make_weights(module, pairs, mode, seed)
    if mode == "hash":
        n = int(torch.tensor(input_shape).prod())
        x = torch.from_numpy((hash_uniform("input", n) * 4 - 2).astype("float32").reshape(input_shape))
        input_ref = "hash"
    else:
        x = torch.randn(input_shape, generator=torch.Generator().manual_seed(seed))
        input_ref = f"{key}.input.npy"
        save_npy(os.path.join(OUT, input_ref), x.numpy())
        weights_file = f"{key}.safetensors"
        write_safetensors(os.path.join(OUT, weights_file), weights, mode)
    calls, final = leaf_calls(module, x)
    records = []
    for layer, call in pair(layers, calls):
        if call is None or not keep(layer):
            continue
        got = list(call[1].shape)
        if got != [input_shape[0]] + layer["outputShape"]:
            raise SystemExit(f"{key}: {layer['name']} is {got} in torch but {layer['outputShape']} in the analysis")
        records.append({"name": layer["name"], "kind": layer["kind"], **record(call[1])})
    doc = {
        "about": f"PyTorch {torch.__version__} outputs of {cnn}; written by scripts/golden/simulation.py",
        "cnn": cnn, "input": input_ref, "batch": input_shape[0],
        "weights": "hash" if mode == "hash" else weights_file, "layers": records,
        "output": record(final, full_limit=10 ** 6),
    }
    with open(os.path.join(OUT, f"{key}.json"), "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    print(f"{key}: {len(records)} layers recorded")


def main():
    os.makedirs(OUT, exist_ok=True)
    for seed, (key, (factory, shape, mode)) in enumerate(NETS.items()):
        golden(key, f"test/golden/simulation/{key}.cnn", factory(), shape, mode, seed)
    golden("lenet5", "examples/lenet5.cnn", LeNet5(), [2, 1, 28, 28], "hash", 100)
    # ResNet-18: the pools, the head and each block's output (its last relu) keep the file small.
    block_ends = lambda layer: layer["kind"] in ("maxpool", "adaptiveavgpool", "dense") or layer["name"].endswith("relu2")
    golden("resnet18", "examples/resnet18.cnn", tvm.resnet18(weights=None), [1, 3, 224, 224], "hash", 101, block_ends)


if __name__ == "__main__":
    main()
