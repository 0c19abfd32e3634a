# Measures receptive-field sizes of small layer stacks empirically (by input gradients) and writes test/golden/receptive-fields.json.
#
# Run with the system interpreter that has torch:  /usr/bin/python3 scripts/golden/receptive_fields.py
# CPU only, no network, deterministic (no random numbers are used at all).
#
# Method, per stack:
#   * every conv / transposed-conv weight is the positive constant 1/fan_in and every bias 0, the input
#     is all ones, in float64; so no contribution can cancel and every ReLU passes its gradient;
#   * a MaxPool is replaced by an AvgPool with the same kernel/stride/padding/ceil_mode: a max pool sends
#     the gradient to ONE element of its window, which would hide the window, while the window geometry
#     (and therefore the receptive field) of both pools is identical;
#   * we back-propagate from one output position and take the extent (max index - min index + 1) of the
#     non-zero input gradient per axis. Transposed convs and upsampling make the extent depend on the
#     output position's phase, so we take the MAX over a band of interior output positions (for plain
#     conv/pool stacks every interior position gives the same value, so the max changes nothing);
#   * interior = middle third of the output; we assert the measured support never touches the input
#     border, so zero padding cannot truncate it.
# The spec's rules (section 5) are evaluated alongside; a disagreement is kept in the JSON as measured,
# with a note, and printed.

import json
import math
import os
import sys
from fractions import Fraction

import torch
import torch.nn as nn
from torchvision.ops import Permute

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "test", "golden", "receptive-fields.json")


def stack(id, input, lines, modules):
    return {"id": id, "input": input, "lines": lines, "torch": modules}


STACKS = [
    stack("conv-3x3-stack", [1, 32, 32], ["conv(4, 3)", "conv(4, 3)", "conv(4, 3)"],
          ["nn.Conv2d(1, 4, 3)", "nn.Conv2d(4, 4, 3)", "nn.Conv2d(4, 4, 3)"]),
    stack("conv-pool-stride", [1, 40, 40], ["conv(4, 3) -> relu", "maxpool(2)", "conv(4, 3)"],
          ["nn.Conv2d(1, 4, 3)", "nn.ReLU()", "nn.MaxPool2d(2)", "nn.Conv2d(4, 4, 3)"]),
    stack("conv-strided-tuple-per-axis", [1, 40, 40], ["conv(4, (3, 5), stride: (2, 1))", "conv(4, 3)"],
          ["nn.Conv2d(1, 4, (3, 5), stride=(2, 1))", "nn.Conv2d(4, 4, 3)"]),
    stack("dilated-conv", [1, 48, 48], ["conv(4, 3, dilation: 2)", "conv(4, 3, dilation: 4)"],
          ["nn.Conv2d(1, 4, 3, dilation=2)", "nn.Conv2d(4, 4, 3, dilation=4)"]),
    stack("pool-with-padding", [1, 40, 40], ["maxpool(3, stride: 2, padding: 1)", "conv(4, 3, padding: 1)"],
          ["nn.MaxPool2d(3, stride=2, padding=1)", "nn.Conv2d(1, 4, 3, padding=1)"]),
    stack("avgpool-ceil-padding", [1, 41, 41], ["avgpool(3, stride: 2, padding: 1, ceil_mode: true)", "conv(4, 3)"],
          ["nn.AvgPool2d(3, stride=2, padding=1, ceil_mode=True)", "nn.Conv2d(1, 4, 3)"]),
    stack("convtranspose-s2-k3", [1, 24, 24], ["convtranspose(4, 3, stride: 2)"],
          ["nn.ConvTranspose2d(1, 4, 3, stride=2)"]),
    stack("convtranspose-s2-k4", [1, 24, 24], ["convtranspose(4, 4, stride: 2, padding: 1)"],
          ["nn.ConvTranspose2d(1, 4, 4, stride=2, padding=1)"]),
    stack("convtranspose-s3-k4", [1, 24, 24], ["convtranspose(4, 4, stride: 3)"],
          ["nn.ConvTranspose2d(1, 4, 4, stride=3)"]),
    stack("convtranspose-s1-dilation2", [1, 24, 24], ["convtranspose(4, 3, dilation: 2)"],
          ["nn.ConvTranspose2d(1, 4, 3, dilation=2)"]),
    stack("convtranspose-s2-dilation2", [1, 24, 24], ["convtranspose(4, 3, stride: 2, dilation: 2)"],
          ["nn.ConvTranspose2d(1, 4, 3, stride=2, dilation=2)"]),
    stack("convtranspose-s2-k3-then-conv3", [1, 24, 24], ["convtranspose(4, 3, stride: 2)", "conv(4, 3)"],
          ["nn.ConvTranspose2d(1, 4, 3, stride=2)", "nn.Conv2d(4, 4, 3)"]),
    stack("encoder-decoder", [1, 40, 40],
          ["conv(4, 3, stride: 2, padding: 1) -> relu", "convtranspose(4, 4, stride: 2, padding: 1)"],
          ["nn.Conv2d(1, 4, 3, stride=2, padding=1)", "nn.ReLU()", "nn.ConvTranspose2d(4, 4, 4, stride=2, padding=1)"]),
    stack("upsample-nearest-2", [1, 24, 24], ["upsample(2)"], ["nn.Upsample(scale_factor=2, mode='nearest')"]),
    stack("upsample-nearest-2-then-conv3", [1, 24, 24], ["upsample(2)", "conv(4, 3)"],
          ["nn.Upsample(scale_factor=2, mode='nearest')", "nn.Conv2d(1, 4, 3)"]),
    stack("upsample-nearest-3-then-conv3", [1, 24, 24], ["upsample(3)", "conv(4, 3)"],
          ["nn.Upsample(scale_factor=3, mode='nearest')", "nn.Conv2d(1, 4, 3)"]),
    stack("upsample-nearest-3-then-conv5", [1, 24, 24], ["upsample(3)", "conv(4, 5)"],
          ["nn.Upsample(scale_factor=3, mode='nearest')", "nn.Conv2d(1, 4, 5)"]),
    stack("convtranspose-s3-k4-then-conv3", [1, 24, 24], ["convtranspose(4, 4, stride: 3)", "conv(4, 3)"],
          ["nn.ConvTranspose2d(1, 4, 4, stride=3)", "nn.Conv2d(4, 4, 3)"]),
    stack("pool-then-upsample-nearest", [1, 40, 40], ["maxpool(2)", "upsample(2)"],
          ["nn.MaxPool2d(2)", "nn.Upsample(scale_factor=2, mode='nearest')"]),
    stack("strided-conv-upsample-conv", [1, 40, 40], ["conv(4, 3, stride: 2, padding: 1)", "upsample(2)", "conv(4, 3, padding: 1)"],
          ["nn.Conv2d(1, 4, 3, stride=2, padding=1)", "nn.Upsample(scale_factor=2, mode='nearest')",
           "nn.Conv2d(4, 4, 3, padding=1)"]),
    stack("upsample-bilinear-2", [1, 24, 24], ["upsample(2, mode: bilinear)"],
          ["nn.Upsample(scale_factor=2, mode='bilinear', align_corners=False)"]),
    stack("upsample-bilinear-3", [1, 24, 24], ["upsample(3, mode: bilinear)"],
          ["nn.Upsample(scale_factor=3, mode='bilinear', align_corners=False)"]),
    stack("upsample-bilinear-2-then-conv3", [1, 24, 24], ["upsample(2, mode: bilinear)", "conv(4, 3)"],
          ["nn.Upsample(scale_factor=2, mode='bilinear', align_corners=False)", "nn.Conv2d(1, 4, 3)"]),
    # Issue 12: fractional factors, resizing to a size (positions mapped by in/out), and dense on the channels
    # moved last by permute (ConvNeXt's block), which mixes channels at each position as a 1x1 conv does.
    stack("upsample-fractional-1.5-bilinear-then-conv3", [1, 24, 24], ["upsample(1.5, mode: bilinear)", "conv(4, 3)"],
          ["nn.Upsample(scale_factor=1.5, mode='bilinear')", "nn.Conv2d(1, 4, 3)"]),
    stack("upsample-fractional-1.5-nearest-then-conv3", [1, 24, 24], ["upsample(1.5)", "conv(4, 3)"],
          ["nn.Upsample(scale_factor=1.5)", "nn.Conv2d(1, 4, 3)"]),
    stack("resize-up-bilinear-then-conv3", [1, 24, 24], ["resize(size: 36)", "conv(4, 3)"],
          ["sized(nn.Upsample(size=36, mode='bilinear'), 24)", "nn.Conv2d(1, 4, 3)"]),
    stack("resize-down-bilinear-then-conv3", [1, 48, 48], ["resize(size: 32)", "conv(4, 3)"],
          ["sized(nn.Upsample(size=32, mode='bilinear'), 48)", "nn.Conv2d(1, 4, 3)"]),
    stack("permute-dense-keeps-the-field", [1, 24, 24],
          ["conv(4, 3)", "permute(0, 2, 3, 1) -> dense(4) -> permute(0, 3, 1, 2)", "conv(4, 3)"],
          ["nn.Conv2d(1, 4, 3)", "Permute([0, 2, 3, 1])", "nn.Linear(4, 4)", "Permute([0, 3, 1, 2])",
           "nn.Conv2d(4, 4, 3)"]),
    # AlexNet conv1, pool1, conv2 (the seed's table: RF 11, 19, 51).
    stack("alexnet-first-3", [3, 227, 227],
          ["conv(96, 11, stride: 4) -> relu", "maxpool(3, stride: 2)", "conv(256, 5, padding: 2) -> relu"],
          ["nn.Conv2d(3, 96, 11, stride=4)", "nn.ReLU()", "nn.MaxPool2d(3, stride=2)",
           "nn.Conv2d(96, 256, 5, padding=2)", "nn.ReLU()"]),
    # VGG16 stages 1-2 (the seed's table: RF 16 after pool2).
    stack("vgg-stages-1-2", [3, 64, 64],
          ["conv(64, 3, padding: 1) -> relu", "conv(64, 3, padding: 1) -> relu", "maxpool(2)",
           "conv(128, 3, padding: 1) -> relu", "conv(128, 3, padding: 1) -> relu", "maxpool(2)"],
          ["nn.Conv2d(3, 64, 3, padding=1)", "nn.ReLU()", "nn.Conv2d(64, 64, 3, padding=1)", "nn.ReLU()",
           "nn.MaxPool2d(2)",
           "nn.Conv2d(64, 128, 3, padding=1)", "nn.ReLU()", "nn.Conv2d(128, 128, 3, padding=1)", "nn.ReLU()",
           "nn.MaxPool2d(2)"]),
]


def sized(m, size_in):
    """An nn.Upsample(size=...) with the factor it maps positions by (out/in), for the spec rule."""
    m.rf_scale = Fraction(m.size, size_in)
    return m


def pair(v):
    return tuple(v) if isinstance(v, (tuple, list)) else (v, v)


def for_measurement(m):
    """Positive constant weights; max pool -> avg pool of the same geometry (see header)."""
    if isinstance(m, nn.MaxPool2d):
        assert pair(m.dilation) == (1, 1), "AvgPool2d has no dilation; keep dilated max pools out of RF stacks"
        return nn.AvgPool2d(m.kernel_size, m.stride, m.padding, ceil_mode=m.ceil_mode, count_include_pad=True)
    if isinstance(m, nn.Linear):
        with torch.no_grad():
            m.weight.fill_(1.0 / m.in_features)
            m.bias.zero_()
    if isinstance(m, nn.modules.conv._ConvNd):
        with torch.no_grad():
            # fan_in of one output element: weight.numel() / out_channels for conv, /in_channels for transposed
            fan = m.weight[0].numel()
            m.weight.fill_(1.0 / fan)
            if m.bias is not None:
                m.bias.zero_()
    return m


def extent(mask):
    idx = torch.nonzero(mask).flatten()
    return int(idx.min()), int(idx.max())


def measure(model, input):
    """Max over interior output positions of the per-axis extent of the non-zero input gradient."""
    x = torch.ones(1, *input, dtype=torch.float64, requires_grad=True)
    y = model(x)
    _, _, oh, ow = y.shape
    size = []
    for axis, n_out in ((0, oh), (1, ow)):
        best = 0
        for k in range(n_out // 3, 2 * n_out // 3 + 1):
            # Some outputs of a dilated strided transposed conv see no input at all (bias only), so if
            # the centre line is such a line, step the other coordinate until the output sees something.
            for c in range(4):
                pos = (k, ow // 2 + c) if axis == 0 else (oh // 2 + c, k)
                (g,) = torch.autograd.grad(y[0, 0, pos[0], pos[1]], x, retain_graph=True)
                g = g[0].sum(0)  # sum over input channels
                prof = g.sum(1 - axis)  # project onto this axis; all terms are >= 0 so nothing cancels
                if prof.max() > 0:
                    break
            if prof.max() == 0:
                continue  # this output position itself sees no input
            lo, hi = extent(prof > prof.max() * 1e-9)  # relative threshold ignores float round-off
            assert lo > 0 and hi < prof.numel() - 1, f"support touches the border at output {pos}: enlarge the input"
            best = max(best, hi - lo + 1)
        size.append(best)
    return size


def spec_rule(modules):
    """Section 5 of the spec, per axis, with exact fractions for the jump."""
    r, j = [Fraction(1)] * 2, [Fraction(1)] * 2
    for m in modules:
        for a in range(2):
            if isinstance(m, nn.modules.conv._ConvTransposeNd):
                k, s, d = m.kernel_size[a], m.stride[a], m.dilation[a]
                r[a] += (math.ceil(Fraction(d * (k - 1) + 1, s)) - 1) * j[a]
                j[a] /= s
            elif isinstance(m, (nn.modules.conv._ConvNd, nn.MaxPool2d, nn.AvgPool2d)):
                k, s = pair(m.kernel_size)[a], pair(m.stride)[a]
                d = pair(getattr(m, "dilation", 1))[a]
                r[a] += (k - 1) * d * j[a]
                j[a] *= s
            elif isinstance(m, nn.Upsample):
                if m.mode == "bilinear":
                    r[a] += j[a]
                j[a] /= getattr(m, "rf_scale", None) or Fraction(m.scale_factor)
    return r


def fmt(v):
    return str(v.numerator) if v.denominator == 1 else f"{v.numerator}/{v.denominator}"


def main():
    torch.set_num_threads(1)
    out = []
    disagreements = []
    for st in STACKS:
        modules = [eval(e, {"nn": nn, "sized": sized, "Permute": Permute}) for e in st["torch"]]
        expected = spec_rule(modules)
        model = nn.Sequential(*[for_measurement(m) for m in modules]).double().eval()
        size = measure(model, st["input"])
        rec = {"id": st["id"], "input": st["input"], "lines": st["lines"], "size": size}
        if [Fraction(s) for s in size] != expected:
            rec["note"] = f"spec rule gives {[fmt(e) for e in expected]}, measured {size}"
            disagreements.append(f"{st['id']}: {rec['note']}")
        out.append(rec)
        print(f"{st['id']:34s} size {size}  spec {[fmt(e) for e in expected]}", file=sys.stderr)
    doc = {
        "generator": "scripts/golden/receptive_fields.py",
        "torch": torch.__version__,
        "method": "gradient of interior output positions w.r.t. an all-ones input, positive constant weights, "
                  "max pool measured as avg pool of the same geometry; size = max over interior positions of "
                  "(last - first + 1) non-zero input index per axis [H, W]",
        "stacks": out,
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")
    print(f"{OUT}: {len(out)} stacks, {len(disagreements)} disagree with the spec rules", file=sys.stderr)
    for d in disagreements:
        print("  DISAGREES " + d, file=sys.stderr)


if __name__ == "__main__":
    main()
