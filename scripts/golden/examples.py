# Records PyTorch's layer-by-layer shapes, parameters and MACs for every model in examples/ (test/golden/examples/*.json).
#
# Run with Debian's /usr/bin/python3 (python3-torch, python3-torchvision). Nothing is downloaded:
# every torchvision constructor gets weights=None, so only the architecture is built.
# Each JSON holds, in execution order, one record per call of a leaf module (a module without
# children), so a module that runs twice (ResNet's shared `relu`) appears twice. Functional calls
# (torch.flatten, F.relu, F.adaptive_avg_pool2d, torch.cat, the residual `+`) are not modules, so they
# have no record: the .cnn files spell them as layers, the goldens do not list them.
import json
import os
import sys

import torch
from torch import nn
import torch.nn.functional as F
import torchvision.models as tvm
from torchvision.models.convnext import LayerNorm2d
from torchvision.models.segmentation.fcn import FCNHead
from torchvision.ops import Permute, StochasticDepth

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT_DIR = os.path.join(REPO, "test", "golden", "examples")


class LeNet5(nn.Module):
    """The spec's LeNet5 (examples/lenet5.cnn); torchvision has no LeNet."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, padding=2)
        self.relu1 = nn.ReLU()
        self.pool1 = nn.MaxPool2d(2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.relu2 = nn.ReLU()
        self.pool2 = nn.MaxPool2d(2)
        self.flatten = nn.Flatten()
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.relu3 = nn.ReLU()
        self.fc2 = nn.Linear(120, 84)
        self.relu4 = nn.ReLU()
        self.fc3 = nn.Linear(84, 10)
        self.softmax = nn.Softmax(dim=1)

    def forward(self, x):
        x = self.pool1(self.relu1(self.conv1(x)))
        x = self.pool2(self.relu2(self.conv2(x)))
        x = self.flatten(x)
        x = self.relu3(self.fc1(x))
        x = self.relu4(self.fc2(x))
        return self.softmax(self.fc3(x))


class DoubleConv(nn.Sequential):
    def __init__(self, c_in, c_out):
        super().__init__(
            nn.Conv2d(c_in, c_out, 3, padding=1), nn.ReLU(),
            nn.Conv2d(c_out, c_out, 3, padding=1), nn.ReLU(),
        )


class UNetSmall(nn.Module):
    """examples/unet_small.cnn: three levels (16, 32, 64 channels), two 3x3 convs per level, no batchnorm."""

    def __init__(self):
        super().__init__()
        self.enc1 = DoubleConv(1, 16)
        self.pool1 = nn.MaxPool2d(2)
        self.enc2 = DoubleConv(16, 32)
        self.pool2 = nn.MaxPool2d(2)
        self.bottom = DoubleConv(32, 64)
        self.up2 = nn.ConvTranspose2d(64, 32, 2, stride=2)
        self.dec2 = DoubleConv(64, 32)
        self.up1 = nn.ConvTranspose2d(32, 16, 2, stride=2)
        self.dec1 = DoubleConv(32, 16)
        self.head = nn.Conv2d(16, 2, 1)

    def forward(self, x):
        e1 = self.enc1(x)
        e2 = self.enc2(self.pool1(e1))
        b = self.bottom(self.pool2(e2))
        # `concat(enc2)` puts the current tensor first, then the labelled one.
        d2 = self.dec2(torch.cat([self.up2(b), e2], 1))
        d1 = self.dec1(torch.cat([self.up1(d2), e1], 1))
        return self.head(d1)


class GoogLeNetAux(nn.Module):
    """torchvision's GoogLeNet with its two auxiliary heads as outputs (examples/googlenet_aux.cnn).

    torchvision runs the heads only in training mode; here they run in inference mode (their batchnorms use
    running statistics, their dropout is off), which is what `output(logits, aux2, aux1)` describes.
    """

    def __init__(self):
        super().__init__()
        self.net = tvm.googlenet(weights=None, aux_logits=True, init_weights=False, transform_input=False)

    def forward(self, x):
        n = self.net
        x = n.maxpool1(n.conv1(x))
        x = n.maxpool2(n.conv3(n.conv2(x)))
        x = n.maxpool3(n.inception3b(n.inception3a(x)))
        x = n.inception4a(x)
        aux1 = n.aux1(x)
        x = n.inception4d(n.inception4c(n.inception4b(x)))
        aux2 = n.aux2(x)
        x = n.maxpool4(n.inception4e(x))
        x = n.inception5b(n.inception5a(x))
        x = n.fc(n.dropout(torch.flatten(n.avgpool(x), 1)))
        return x, aux2, aux1


class FCNSmall(nn.Module):
    """An FCN-style segmentation network (examples/fcn_small.cnn): a small stride-8 encoder, torchvision's
    FCNHead, and the logits resized bilinearly to the input's size, as torchvision's FCN and DeepLab do."""

    def __init__(self, classes=21):
        super().__init__()
        layers = []
        c_in = 3
        for c in (32, 64, 128):
            layers += [nn.Conv2d(c_in, c, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(c), nn.ReLU()]
            c_in = c
        self.backbone = nn.Sequential(*layers)
        self.classifier = FCNHead(128, classes)

    def forward(self, x):
        size = x.shape[-2:]
        y = self.classifier(self.backbone(x))
        return F.interpolate(y, size=size, mode="bilinear", align_corners=False)


# (name, constructor text, factory, input shape). The name is examples/<name>.cnn and the JSON's file name.
MODELS = [
    ("lenet5", "LeNet5() defined in scripts/golden/examples.py", LeNet5, [1, 28, 28]),
    ("alexnet", "torchvision.models.alexnet(weights=None)", lambda: tvm.alexnet(weights=None), [3, 224, 224]),
    ("vgg16", "torchvision.models.vgg16(weights=None)", lambda: tvm.vgg16(weights=None), [3, 224, 224]),
    ("vgg16_bn", "torchvision.models.vgg16_bn(weights=None)", lambda: tvm.vgg16_bn(weights=None), [3, 224, 224]),
    ("resnet18", "torchvision.models.resnet18(weights=None)", lambda: tvm.resnet18(weights=None), [3, 224, 224]),
    # The same network written with torchvision's names (labels, seq): equal layer by layer, and by name.
    ("resnet18_torchvision", "torchvision.models.resnet18(weights=None)", lambda: tvm.resnet18(weights=None),
     [3, 224, 224]),
    ("resnet50", "torchvision.models.resnet50(weights=None)", lambda: tvm.resnet50(weights=None), [3, 224, 224]),
    ("mobilenet_v2", "torchvision.models.mobilenet_v2(weights=None)", lambda: tvm.mobilenet_v2(weights=None), [3, 224, 224]),
    ("squeezenet1_0", "torchvision.models.squeezenet1_0(weights=None)", lambda: tvm.squeezenet1_0(weights=None), [3, 224, 224]),
    # aux_logits=False: the two auxiliary classifiers only run in training and are not part of the
    # inference graph that googlenet.cnn describes (with them the model has 13,004,888 parameters).
    # init_weights=False skips the truncated-normal initialisation, which changes no shape or count.
    # transform_input=False: no input re-normalisation layer to describe.
    ("googlenet", "torchvision.models.googlenet(weights=None, aux_logits=False, init_weights=False, transform_input=False)",
     lambda: tvm.googlenet(weights=None, aux_logits=False, init_weights=False, transform_input=False), [3, 224, 224]),
    ("densenet121", "torchvision.models.densenet121(weights=None)", lambda: tvm.densenet121(weights=None), [3, 224, 224]),
    ("unet_small", "UNetSmall() defined in scripts/golden/examples.py", UNetSmall, [1, 64, 64]),
    # Networks as they are built today (the spec's section 7).
    ("mobilenet_v3_large", "torchvision.models.mobilenet_v3_large(weights=None)",
     lambda: tvm.mobilenet_v3_large(weights=None), [3, 224, 224]),
    ("efficientnet_b0", "torchvision.models.efficientnet_b0(weights=None)",
     lambda: tvm.efficientnet_b0(weights=None), [3, 224, 224]),
    ("convnext_tiny", "torchvision.models.convnext_tiny(weights=None)",
     lambda: tvm.convnext_tiny(weights=None), [3, 224, 224]),
    ("shufflenet_v2_x1_0", "torchvision.models.shufflenet_v2_x1_0(weights=None)",
     lambda: tvm.shufflenet_v2_x1_0(weights=None), [3, 224, 224]),
    ("regnet_y_400mf", "torchvision.models.regnet_y_400mf(weights=None)",
     lambda: tvm.regnet_y_400mf(weights=None), [3, 224, 224]),
    ("fcn_small", "FCNSmall() defined in scripts/golden/examples.py", FCNSmall, [3, 224, 224]),
    ("googlenet_aux", "GoogLeNetAux() defined in scripts/golden/examples.py", GoogLeNetAux, [3, 224, 224]),
]

# Exact classes only: a subclass (or anything else) is "other", so a new kind is never guessed.
KINDS = {
    nn.Conv2d: "conv",
    nn.ConvTranspose2d: "convtranspose",
    nn.BatchNorm2d: "batchnorm",
    nn.Linear: "dense",
    nn.MaxPool2d: "maxpool",
    nn.AvgPool2d: "avgpool",
    nn.AdaptiveAvgPool2d: "adaptiveavgpool",
    nn.AdaptiveMaxPool2d: "adaptivemaxpool",
    nn.ReLU: "relu",
    nn.ReLU6: "relu6",
    nn.Dropout: "dropout",
    nn.Flatten: "flatten",
    nn.Sigmoid: "sigmoid",
    nn.SiLU: "silu",
    nn.Hardswish: "hardswish",
    nn.Hardsigmoid: "hardsigmoid",
    nn.GELU: "gelu",
    nn.LayerNorm: "layernorm",
    LayerNorm2d: "layernorm",
    StochasticDepth: "droppath",
    Permute: "permute",
}


def macs_of(module, x, y):
    """The spec's multiply-accumulates (section 5), counted like torchinfo."""
    if type(module) is nn.Conv2d:
        return y.numel() * (module.in_channels // module.groups) * module.kernel_size[0] * module.kernel_size[1]
    if type(module) is nn.ConvTranspose2d:
        return x.numel() * (module.out_channels // module.groups) * module.kernel_size[0] * module.kernel_size[1]
    if type(module) is nn.Linear:
        return (x.numel() // module.in_features) * module.in_features * module.out_features
    return 0


def record(name, constructor, factory, shape):
    model = factory().eval()
    layers = []

    def hook_for(module_name, module):
        def hook(mod, inputs, output):
            x = inputs[0]
            layers.append({
                "module": module_name,
                "kind": KINDS.get(type(mod), "other"),
                # Shapes leave the batch axis out, as the .cnn tools show them (batch 1 here).
                "inputShape": list(x.shape[1:]),
                "outputShape": list(output.shape[1:]),
                "params": sum(p.numel() for p in mod.parameters(recurse=False)),
                "macs": int(macs_of(mod, x, output)),
            })
        return hook

    def own_parameters_hook(module_name):
        # A module with children that holds a parameter itself (ConvNeXt's `layer_scale`): the parameter is
        # one `scale` layer of the .cnn file, recorded when the module's forward has run.
        def hook(mod, inputs, output):
            for p_name, p in mod.named_parameters(recurse=False):
                layers.append({"module": f"{module_name}.{p_name}", "kind": "scale", "inputShape": list(output.shape[1:]),
                               "outputShape": list(output.shape[1:]), "params": p.numel(), "macs": 0})
        return hook

    handles = [m.register_forward_hook(hook_for(n, m))
               for n, m in model.named_modules() if not any(True for _ in m.children())]
    handles += [m.register_forward_hook(own_parameters_hook(n))
                for n, m in model.named_modules()
                if any(True for _ in m.children()) and any(True for _ in m.parameters(recurse=False))]
    with torch.no_grad():
        outs = model(torch.randn(1, *shape))
    outs = outs if isinstance(outs, tuple) else (outs,)
    out = outs[0]
    for h in handles:
        h.remove()

    total = sum(p.numel() for p in model.parameters())
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    # Every parameter lives in a leaf module that runs exactly once in these models, so the per-layer
    # counts must add up to the total; if not, a module was skipped or counted twice.
    per_layer = sum(l["params"] for l in layers)
    if per_layer != total:
        sys.exit(f"{name}: layer params {per_layer} != model params {total}")
    return {
        "model": name,
        "constructor": constructor,
        "input": shape,
        "output": list(out.shape[1:]),
        "outputs": [list(o.shape[1:]) for o in outs],
        "params": {"total": total, "trainable": trainable},
        "macs": sum(l["macs"] for l in layers),
        "layers": layers,
    }


def dump(data):
    # One layer per line keeps the files diffable and short (DenseNet-121 has ~430 records).
    head = {k: v for k, v in data.items() if k != "layers"}
    lines = ["{"] + [f"  {json.dumps(k)}: {json.dumps(v)}," for k, v in head.items()]
    lines.append('  "layers": [')
    lines.append(",\n".join("    " + json.dumps(l) for l in data["layers"]))
    lines.append("  ]")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main():
    torch.manual_seed(0)          # the input values do not matter, but keep runs identical
    torch.set_num_threads(2)
    os.makedirs(OUT_DIR, exist_ok=True)
    index = {}
    for name, constructor, factory, shape in MODELS:
        data = record(name, constructor, factory, shape)
        with open(os.path.join(OUT_DIR, f"{name}.json"), "w") as f:
            f.write(dump(data))
        index[name] = f"examples/{name}.cnn"
        print(f"{name:14s} params {data['params']['total']:>11,}  macs {data['macs']:>14,}  layers {len(data['layers'])}")
    # keras_smallnet.cnn has no golden: TensorFlow is not available to produce one.
    with open(os.path.join(OUT_DIR, "index.json"), "w") as f:
        f.write(json.dumps(index, indent=2) + "\n")


if __name__ == "__main__":
    main()
