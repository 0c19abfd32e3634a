# Exports torchvision models to ONNX for the importer's tests, and records what torchvision says about them.
#
# Run with Debian's /usr/bin/python3 (torch 1.13, torchvision 0.14, onnx 1.12). Two modes:
#   onnx_import.py                 writes test/golden/onnx-import/models.json: per model, the parameter count and
#                                  buffer count torchvision gives, the output shape, and the ONNX export settings.
#   onnx_import.py --export DIR    writes DIR/<model>.onnx (random weights, seeded) and DIR/<model>.input.npy and
#                                  DIR/<model>.output.npy (PyTorch's own output on that input), for
#                                  test/oracle/import-torchvision.test.ts; nothing large is committed.
# Each model is exported with BatchNorm kept as a node (do_constant_folding=False), and ResNet-18 once more with
# BatchNorm folded into the convs (the default eval export), as "resnet18_folded".
import json
import os
import sys

import numpy as np
import torch
import torchvision.models as tvm

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GOLDEN = os.path.join(REPO, "test", "golden", "onnx-import", "models.json")
OPSET = 14  # HardSwish needs 14; torch 1.13 exports up to 16.


def models():
    """name → (constructor, input size, fold BatchNorm)."""
    return {
        "resnet18": (lambda: tvm.resnet18(), 224, False),
        "resnet18_folded": (lambda: tvm.resnet18(), 224, True),
        "resnet50": (lambda: tvm.resnet50(), 224, False),
        "vgg11": (lambda: tvm.vgg11(), 224, False),
        "alexnet": (lambda: tvm.alexnet(), 224, False),
        "mobilenet_v2": (lambda: tvm.mobilenet_v2(), 224, False),
        "mobilenet_v3_small": (lambda: tvm.mobilenet_v3_small(), 224, False),
        "squeezenet1_0": (lambda: tvm.squeezenet1_0(), 224, False),
        "densenet121": (lambda: tvm.densenet121(), 224, False),
        "shufflenet_v2_x1_0": (lambda: tvm.shufflenet_v2_x1_0(), 224, False),
        "efficientnet_b0": (lambda: tvm.efficientnet_b0(), 224, False),
        "googlenet": (lambda: tvm.googlenet(aux_logits=False, init_weights=True), 224, False),
        "regnet_y_400mf": (lambda: tvm.regnet_y_400mf(), 224, False),
        "mnasnet0_5": (lambda: tvm.mnasnet0_5(), 224, False),
    }


def build(name, make):
    torch.manual_seed(sum(map(ord, name)))
    model = make().eval()
    # Random running statistics, so a wrong mapping of mean and variance shows in the outputs.
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 1.5)
    return model


def record():
    out = {}
    for name, (make, size, fold) in models().items():
        model = build(name, make)
        x = torch.zeros(1, 3, size, size)
        with torch.no_grad():
            y = model(x)
        out[name] = {
            "params": sum(p.numel() for p in model.parameters()),
            "buffers": sum(b.numel() for n, b in model.named_buffers() if not n.endswith("num_batches_tracked")),
            "input": [3, size, size],
            "output": list(y.shape[1:]),
            "foldBatchNorm": fold,
            "opset": OPSET,
        }
    with open(GOLDEN, "w") as f:
        json.dump(out, f, indent=2)
        f.write("\n")


def export(directory, names):
    for name, (make, size, fold) in models().items():
        if names and name not in names:
            continue
        model = build(name, make)
        g = torch.Generator().manual_seed(7)
        x = torch.rand(1, 3, size, size, generator=g) * 2 - 1
        with torch.no_grad():
            y = model(x)
        torch.onnx.export(
            model,
            x,
            os.path.join(directory, f"{name}.onnx"),
            opset_version=OPSET,
            do_constant_folding=fold,
            training=torch.onnx.TrainingMode.EVAL if fold else torch.onnx.TrainingMode.PRESERVE,
            input_names=["input"],
            output_names=["output"],
        )
        np.save(os.path.join(directory, f"{name}.input.npy"), x.numpy().astype(np.float32))
        np.save(os.path.join(directory, f"{name}.output.npy"), y.numpy().astype(np.float32))
        print(name, flush=True)


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "--export":
        export(sys.argv[2], set(sys.argv[3:]))
    else:
        record()
