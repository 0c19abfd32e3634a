# Generates test/golden/structures.json: gate, mul, split, several inputs and outputs as PyTorch computes them.
#
# Run with the system interpreter that has torch:  /usr/bin/python3 scripts/golden/structures.py
# CPU only, no network, deterministic (the seed is reset before every case). Each case pairs a small .cnn
# model with the nn.Module a PyTorch user would write for it (torchvision's own SqueezeExcitation where it
# fits). The module's attributes are named as the .cnn file names its layers, so its state_dict keys are the
# analysis' weight names: the oracle test loads this module's weights into the simulation and compares the
# outputs (test/oracle/structures.test.ts). Refusals are PyTorch's own errors when the module runs.

import json
import os
import sys
import warnings

import torch
import torch.nn as nn
import torchvision

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "test", "golden", "structures.json")


def case(id, inputs, body, torch_src, blocks=None, note=None):
    """inputs: [(label or None, [C, H, W])]; body: the model's lines after its inputs."""
    c = {"id": id, "inputs": [{"label": l, "shape": s} for l, s in inputs], "body": body, "torch": torch_src}
    if blocks:
        c["blocks"] = blocks
    if note:
        c["note"] = note
    return c


SE_BLOCK = """
class SE(nn.Module):
    def __init__(self, c, squeeze):
        super().__init__()
        self.adaptiveavgpool1 = nn.AdaptiveAvgPool2d(1)
        self.conv1 = nn.Conv2d(c, squeeze, 1)
        self.relu1 = nn.ReLU()
        self.conv2 = nn.Conv2d(squeeze, c, 1)
        self.sigmoid1 = nn.Sigmoid()

    def forward(self, x):
        return x * self.sigmoid1(self.conv2(self.relu1(self.conv1(self.adaptiveavgpool1(x)))))
"""

CASES = [
    # ---------------------------------------------------------------- gate (squeeze-and-excitation)
    case("gate-torchvision-se", [(None, [16, 8, 8])],
         ["gate {",
          "  avgpool: adaptiveavgpool(1)",
          "  fc1: conv(4, 1)",
          "  activation: relu",
          "  fc2: conv(16, 1)",
          "  scale_activation: sigmoid",
          "}"],
         "Ref = lambda: torchvision.ops.SqueezeExcitation(16, 4)",
         note="torchvision's own module: its state_dict keys are the labels' names"),
    case("gate-se-block", [(None, [16, 8, 8])],
         ["conv(16, 3, padding: 1)", "SE(16, 4)"],
         SE_BLOCK + """
class Ref(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(16, 16, 3, padding=1)
        self.SE1 = SE(16, 4)

    def forward(self, x):
        return self.SE1(self.conv1(x))
""",
         blocks=["block SE(c, squeeze) {",
                 "  gate { adaptiveavgpool(1) -> conv(squeeze, 1) -> relu -> conv(c, 1) -> sigmoid }",
                 "}"]),
    case("gate-spatial-attention", [(None, [8, 6, 10])],
         ["gate { conv(1, 3, padding: 1) -> sigmoid }"],
         """
class Ref(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(8, 1, 3, padding=1)
        self.sigmoid1 = nn.Sigmoid()

    def forward(self, x):
        return x * self.sigmoid1(self.conv1(x))
""", note="1xHxW over CxHxW: the channel axis broadcasts"),
    case("gate-1d", [(None, [6, 20])],
         ["gate { adaptiveavgpool(1) -> conv(6, 1) -> sigmoid }"],
         """
class Ref(nn.Module):
    def __init__(self):
        super().__init__()
        self.adaptiveavgpool1 = nn.AdaptiveAvgPool1d(1)
        self.conv1 = nn.Conv1d(6, 6, 1)
        self.sigmoid1 = nn.Sigmoid()

    def forward(self, x):
        return x * self.sigmoid1(self.conv1(self.adaptiveavgpool1(x)))
"""),
    case("gate-channels-mismatch", [(None, [16, 8, 8])],
         ["gate { adaptiveavgpool(1) -> conv(8, 1) -> sigmoid }"],
         """
class Ref(nn.Module):
    def __init__(self):
        super().__init__()
        self.adaptiveavgpool1 = nn.AdaptiveAvgPool2d(1)
        self.conv1 = nn.Conv2d(16, 8, 1)
        self.sigmoid1 = nn.Sigmoid()

    def forward(self, x):
        return x * self.sigmoid1(self.conv1(self.adaptiveavgpool1(x)))
"""),
    # ---------------------------------------------------------------- mul
    case("mul-label", [(None, [8, 6, 6])],
         ["features: relu", "adaptiveavgpool(1) -> conv(8, 1)", "weights: sigmoid", "features -> mul(weights)"],
         """
class Ref(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.ReLU()
        self.adaptiveavgpool1 = nn.AdaptiveAvgPool2d(1)
        self.conv1 = nn.Conv2d(8, 8, 1)
        self.weights = nn.Sigmoid()

    def forward(self, x):
        f = self.features(x)
        return f * self.weights(self.conv1(self.adaptiveavgpool1(f)))
"""),
    case("mul-branches", [(None, [8, 6, 6])],
         ["mul { branch { conv(8, 3, padding: 1) } branch { adaptiveavgpool(1) -> sigmoid } branch { } }"],
         """
class Ref(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(8, 8, 3, padding=1)
        self.adaptiveavgpool1 = nn.AdaptiveAvgPool2d(1)
        self.sigmoid1 = nn.Sigmoid()

    def forward(self, x):
        return self.conv1(x) * self.sigmoid1(self.adaptiveavgpool1(x)) * x
""", note="three factors; an empty branch is the input itself"),
    case("mul-both-stretch", [(None, [4, 6, 6])],
         ["mul { branch { adaptiveavgpool(1) } branch { conv(1, 1) } }"],
         """
class Ref(nn.Module):
    def __init__(self):
        super().__init__()
        self.adaptiveavgpool1 = nn.AdaptiveAvgPool2d(1)
        self.conv1 = nn.Conv2d(4, 1, 1)

    def forward(self, x):
        return self.adaptiveavgpool1(x) * self.conv1(x)
""", note="4x1x1 times 1x6x6 stretches both into 4x6x6"),
    case("mul-spatial-mismatch", [(None, [16, 8, 8])],
         ["mul { branch { conv(16, 1) } branch { maxpool(2) } }"],
         """
class Ref(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(16, 16, 1)
        self.maxpool1 = nn.MaxPool2d(2)

    def forward(self, x):
        return self.conv1(x) * self.maxpool1(x)
"""),
    case("mul-flat-against-map", [(None, [16, 8, 8])],
         ["features: relu", "flatten -> dense(8)", "mul(features)"],
         """
class Ref(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.ReLU()
        self.flatten1 = nn.Flatten()
        self.dense1 = nn.Linear(1024, 8)

    def forward(self, x):
        f = self.features(x)
        return self.dense1(self.flatten1(f)) * f
""", note="N x 8 against N x 16 x 8 x 8: PyTorch aligns the 8 with W and the batch with H (2 against 8)"),
    # ---------------------------------------------------------------- split
    case("split-shufflenet-unit", [(None, [16, 8, 8])],
         ["split {",
          "  branch { }",
          "  branch {",
          "    conv(8, 1, bias: false) -> batchnorm -> relu",
          "    conv(8, 3, padding: 1, groups: 8, bias: false) -> batchnorm",
          "    conv(8, 1, bias: false) -> batchnorm -> relu",
          "  }",
          "}"],
         """
class Ref(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(8, 8, 1, bias=False)
        self.batchnorm1 = nn.BatchNorm2d(8)
        self.relu1 = nn.ReLU()
        self.conv2 = nn.Conv2d(8, 8, 3, padding=1, groups=8, bias=False)
        self.batchnorm2 = nn.BatchNorm2d(8)
        self.conv3 = nn.Conv2d(8, 8, 1, bias=False)
        self.batchnorm3 = nn.BatchNorm2d(8)
        self.relu2 = nn.ReLU()

    def forward(self, x):
        x1, x2 = x.chunk(2, dim=1)
        b = self.relu1(self.batchnorm1(self.conv1(x2)))
        b = self.batchnorm2(self.conv2(b))
        b = self.relu2(self.batchnorm3(self.conv3(b)))
        return torch.cat((x1, b), dim=1)
""", note="torchvision's InvertedResidual with stride 1, before its channel_shuffle"),
    case("split-sizes", [(None, [16, 5, 7])],
         ["split(sizes: (4, 12)) { branch { relu } branch { conv(6, 3, padding: 1) } }"],
         """
class Ref(nn.Module):
    def __init__(self):
        super().__init__()
        self.relu1 = nn.ReLU()
        self.conv1 = nn.Conv2d(12, 6, 3, padding=1)

    def forward(self, x):
        a, b = torch.split(x, [4, 12], dim=1)
        return torch.cat([self.relu1(a), self.conv1(b)], dim=1)
"""),
    case("split-three-parts", [(None, [12, 6, 6])],
         ["split { branch { conv(8, 1) } branch { } branch { maxpool(3, stride: 1, padding: 1) } }"],
         """
class Ref(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(4, 8, 1)
        self.maxpool1 = nn.MaxPool2d(3, stride=1, padding=1)

    def forward(self, x):
        a, b, c = torch.split(x, 4, dim=1)
        return torch.cat([self.conv1(a), b, self.maxpool1(c)], dim=1)
"""),
    case("split-not-dividing", [(None, [16, 8, 8])],
         ["split { branch { } branch { } branch { relu } }"],
         """
class Ref(nn.Module):
    def __init__(self):
        super().__init__()
        self.relu1 = nn.ReLU()

    def forward(self, x):
        a, b, c = torch.split(x, [16 // 3] * 3, dim=1)
        return torch.cat([a, b, self.relu1(c)], dim=1)
""", note="three equal parts of 16 channels: 5 + 5 + 5 is not 16"),
    case("split-sizes-wrong-sum", [(None, [16, 8, 8])],
         ["split(sizes: (4, 8)) { branch { } branch { } }"],
         """
class Ref(nn.Module):
    def forward(self, x):
        return torch.cat(torch.split(x, [4, 8], dim=1), dim=1)
"""),
    # ---------------------------------------------------------------- several inputs and outputs
    case("two-outputs", [(None, [3, 16, 16])],
         ["features: conv(8, 3, padding: 1)",
          "act: relu",
          "pool: adaptiveavgpool(1)",
          "flat: flatten",
          "aux: dense(10)",
          "features -> conv(16, 3, stride: 2) -> relu -> adaptiveavgpool(1) -> flatten",
          "main: dense(5)",
          "output(main, aux)"],
         """
class Ref(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Conv2d(3, 8, 3, padding=1)
        self.act = nn.ReLU()
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.flat = nn.Flatten()
        self.aux = nn.Linear(8, 10)
        self.conv1 = nn.Conv2d(8, 16, 3, stride=2)
        self.relu1 = nn.ReLU()
        self.adaptiveavgpool1 = nn.AdaptiveAvgPool2d(1)
        self.flatten1 = nn.Flatten()
        self.main = nn.Linear(16, 5)

    def forward(self, x):
        f = self.features(x)
        aux = self.aux(self.flat(self.pool(self.act(f))))
        m = self.flatten1(self.adaptiveavgpool1(self.relu1(self.conv1(f))))
        return self.main(m), aux
""", note="labelled layers are not counted in the automatic names (conv1 is the first unlabelled conv)"),
    case("two-inputs", [("image", [3, 8, 8]), ("mask", [1, 8, 8])],
         ["conv(8, 3, padding: 1) -> relu", "mul(mask)", "conv(4, 1)"],
         """
class Ref(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, padding=1)
        self.relu1 = nn.ReLU()
        self.conv2 = nn.Conv2d(8, 4, 1)

    def forward(self, image, mask):
        return self.conv2(self.relu1(self.conv1(image)) * mask)
"""),
    case("two-inputs-two-outputs", [("rgb", [3, 8, 8]), ("depth", [1, 8, 8])],
         ["d: depth -> conv(3, 3, padding: 1)",
          "rgb -> concat(d)",
          "fused: relu",
          "seg: conv(2, 1)",
          "fused -> globalavgpool -> flatten",
          "cls: dense(4)",
          "output(seg, cls, d)"],
         """
class Ref(nn.Module):
    def __init__(self):
        super().__init__()
        self.d = nn.Conv2d(1, 3, 3, padding=1)
        self.fused = nn.ReLU()
        self.seg = nn.Conv2d(6, 2, 1)
        self.globalavgpool1 = nn.AdaptiveAvgPool2d(1)
        self.flatten1 = nn.Flatten()
        self.cls = nn.Linear(6, 4)

    def forward(self, rgb, depth):
        d = self.d(depth)
        fused = self.fused(torch.cat([rgb, d], dim=1))
        return self.seg(fused), self.cls(self.flatten1(self.globalavgpool1(fused))), d
"""),
]


def run(c):
    torch.manual_seed(0)
    env = {"nn": nn, "torch": torch, "torchvision": torchvision}
    try:
        exec(c["torch"], env)
        module = env["Ref"]()
        module.eval()
        # A batch of 2: with 1, PyTorch would stretch the batch axis too and accept shapes a real batch refuses.
        xs = [torch.randn(2, *i["shape"]) for i in c["inputs"]]
        with torch.no_grad():
            y = module(*xs)
    except Exception as e:  # construction or forward failures are golden data too
        return {"error": f"{type(e).__name__}: {e}".splitlines()[0]}
    outs = list(y) if isinstance(y, tuple) else [y]
    return {
        "outputs": [list(o.shape[1:]) for o in outs],
        "params": sum(p.numel() for p in module.parameters()),
        "keys": [k for k in module.state_dict().keys() if not k.endswith("num_batches_tracked")],
    }


def main():
    ids = [c["id"] for c in CASES]
    dupes = {i for i in ids if ids.count(i) > 1}
    assert not dupes, f"duplicate ids: {dupes}"
    torch.set_num_threads(1)
    warnings.simplefilter("ignore")
    out = [{**c, "expect": run(c)} for c in CASES]
    n_err = sum("error" in c["expect"] for c in out)
    doc = {"generator": "scripts/golden/structures.py", "torch": torch.__version__, "cases": out}
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")
    print(f"{OUT}: {len(out)} cases ({len(out) - n_err} normal, {n_err} error)", file=sys.stderr)


if __name__ == "__main__":
    main()
