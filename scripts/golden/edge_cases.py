# Generates test/golden/edge-cases.json: single-layer shapes, parameter counts, MACs and errors as PyTorch computes them.
#
# Run with the system interpreter that has torch:  /usr/bin/python3 scripts/golden/edge_cases.py
# CPU only, no network, deterministic (the seed is reset before every case, so adding a case never
# changes the others). Each case pairs ONE line of the .cnn language (pytorch framework) with the torch
# module a PyTorch user would write for it; the .cnn line never gives in_channels because the tool
# infers it from the input, while the torch expression must spell it out.

import json
import math
import os
import sys
import warnings

import torch
import torch.nn as nn
import torchvision
from torchvision.models.convnext import LayerNorm2d
from torchvision.ops import Permute

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "test", "golden", "edge-cases.json")


class LayerScale(nn.Module):
    """ConvNeXt's layer scale as torchvision writes it inside CNBlock: nn.Parameter(torch.ones(C, 1, 1) * init)."""

    def __init__(self, shape, init):
        super().__init__()
        self.layer_scale = nn.Parameter(torch.ones(*shape) * init)

    def forward(self, x):
        return self.layer_scale * x


def case(id, input, source, torch_expr, note=None):
    c = {"id": id, "input": input, "source": source, "torch": torch_expr}
    if note:
        c["note"] = note
    return c


CASES = [
    # ---------------------------------------------------------------- conv 2-D
    case("conv-basic", [3, 32, 32], "conv(8, 3)", "nn.Conv2d(3, 8, 3)"),
    case("conv-seed-params-1216", [3, 32, 32], "conv(16, 5)", "nn.Conv2d(3, 16, 5)",
         "the notes' 5*5*3*16 + 16 = 1216"),
    case("conv-stride2-padding1", [3, 32, 32], "conv(8, 3, stride: 2, padding: 1)",
         "nn.Conv2d(3, 8, 3, stride=2, padding=1)"),
    case("conv-stride2-floor", [16, 50, 100], "conv(33, 3, stride: 2)", "nn.Conv2d(16, 33, 3, stride=2)",
         "seed example: (50-3)/2+1 = 24.5 floors to 24"),
    case("conv-tuple-per-axis", [16, 50, 100], "conv(33, (3, 5), stride: (2, 1), padding: (4, 2))",
         "nn.Conv2d(16, 33, (3, 5), stride=(2, 1), padding=(4, 2))", "seed example: 28x100"),
    case("conv-tuple-per-axis-dilation", [16, 50, 100],
         "conv(33, (3, 5), stride: (2, 1), padding: (4, 2), dilation: (3, 1))",
         "nn.Conv2d(16, 33, (3, 5), stride=(2, 1), padding=(4, 2), dilation=(3, 1))", "seed example: 26x100"),
    case("conv-dilation2", [3, 32, 32], "conv(8, 3, dilation: 2)", "nn.Conv2d(3, 8, 3, dilation=2)"),
    case("conv-stride-padding-dilation", [3, 31, 31], "conv(8, 3, stride: 2, padding: 2, dilation: 2)",
         "nn.Conv2d(3, 8, 3, stride=2, padding=2, dilation=2)"),
    case("conv-groups4", [16, 16, 16], "conv(32, 3, groups: 4)", "nn.Conv2d(16, 32, 3, groups=4)"),
    case("conv-depthwise", [16, 16, 16], "conv(16, 3, padding: 1, groups: 16)",
         "nn.Conv2d(16, 16, 3, padding=1, groups=16)"),
    case("conv-depthwise-multiplier2", [8, 16, 16], "conv(16, 3, groups: 8)", "nn.Conv2d(8, 16, 3, groups=8)"),
    case("conv-bias-false", [3, 32, 32], "conv(8, 3, bias: false)", "nn.Conv2d(3, 8, 3, bias=False)"),
    case("conv-pointwise", [64, 7, 7], "conv(128, 1)", "nn.Conv2d(64, 128, 1)"),
    case("conv-padding-same", [3, 32, 32], "conv(8, 3, padding: same)", "nn.Conv2d(3, 8, 3, padding='same')"),
    case("conv-padding-same-even-kernel", [3, 32, 32], "conv(8, 4, padding: same)",
         "nn.Conv2d(3, 8, 4, padding='same')", "torch pads asymmetrically (extra on the right/bottom)"),
    case("conv-padding-same-dilation", [3, 20, 20], "conv(8, 3, padding: same, dilation: 2)",
         "nn.Conv2d(3, 8, 3, padding='same', dilation=2)"),
    case("conv-padding-same-nonsquare-kernel", [3, 15, 20], "conv(8, (5, 2), padding: same)",
         "nn.Conv2d(3, 8, (5, 2), padding='same')"),
    case("conv-padding-valid", [3, 32, 32], "conv(8, 3, padding: valid)", "nn.Conv2d(3, 8, 3, padding='valid')"),
    case("conv-padding-one-axis-only", [3, 10, 10], "conv(8, 3, padding: (0, 1))",
         "nn.Conv2d(3, 8, 3, padding=(0, 1))"),
    case("conv-output-exactly-1", [3, 5, 5], "conv(8, 5)", "nn.Conv2d(3, 8, 5)"),
    case("conv-output-1-by-stride", [3, 7, 7], "conv(8, 3, stride: 5)", "nn.Conv2d(3, 8, 3, stride=5)",
         "(7-3)/5+1 = 1.8 floors to 1"),
    case("conv-kernel-equals-padded-input", [3, 3, 3], "conv(4, 5, padding: 1)", "nn.Conv2d(3, 4, 5, padding=1)"),
    case("conv-nonsquare-input-and-kernel", [3, 17, 9], "conv(8, (5, 3), stride: (3, 2))",
         "nn.Conv2d(3, 8, (5, 3), stride=(3, 2))"),
    case("conv-alexnet-first", [3, 224, 224], "conv(96, 11, stride: 4)", "nn.Conv2d(3, 96, 11, stride=4)"),
    case("conv-resnet-stem", [3, 224, 224], "conv(64, 7, stride: 2, padding: 3, bias: false)",
         "nn.Conv2d(3, 64, 7, stride=2, padding=3, bias=False)"),
    case("conv-lenet-first", [1, 28, 28], "conv(6, 5, padding: 2)", "nn.Conv2d(1, 6, 5, padding=2)"),
    # ---------------------------------------------------------------- conv 1-D / 3-D
    case("conv1d-stride-padding", [4, 100], "conv(8, 5, stride: 2, padding: 1)",
         "nn.Conv1d(4, 8, 5, stride=2, padding=1)"),
    case("conv1d-dilation", [4, 50], "conv(8, 3, dilation: 4)", "nn.Conv1d(4, 8, 3, dilation=4)"),
    case("conv1d-groups-bias-false", [6, 30], "conv(12, 3, groups: 3, bias: false)",
         "nn.Conv1d(6, 12, 3, groups=3, bias=False)"),
    case("conv1d-padding-same", [4, 17], "conv(8, 4, padding: same)", "nn.Conv1d(4, 8, 4, padding='same')"),
    case("conv3d-padding1", [2, 8, 16, 16], "conv(4, 3, padding: 1)", "nn.Conv3d(2, 4, 3, padding=1)"),
    case("conv3d-tuple", [3, 16, 32, 32], "conv(8, (3, 5, 5), stride: (1, 2, 2), padding: (1, 2, 2))",
         "nn.Conv3d(3, 8, (3, 5, 5), stride=(1, 2, 2), padding=(1, 2, 2))"),
    case("conv3d-stride2-odd", [1, 9, 9, 9], "conv(2, 3, stride: 2)", "nn.Conv3d(1, 2, 3, stride=2)"),
    # ---------------------------------------------------------------- max pool
    case("maxpool-2", [3, 32, 32], "maxpool(2)", "nn.MaxPool2d(2)"),
    case("maxpool-seed-3-s2-p1", [16, 50, 32], "maxpool(3, stride: 2, padding: 1)",
         "nn.MaxPool2d(3, stride=2, padding=1)", "seed example: 25x16"),
    case("maxpool-floor-odd", [3, 7, 7], "maxpool(2)", "nn.MaxPool2d(2)"),
    case("maxpool-ceil-no-padding", [3, 7, 7], "maxpool(2, ceil_mode: true)", "nn.MaxPool2d(2, ceil_mode=True)"),
    case("maxpool-ceil-exact-division", [3, 8, 8], "maxpool(2, ceil_mode: true)", "nn.MaxPool2d(2, ceil_mode=True)",
         "divisible: ceil gives the same as floor"),
    case("maxpool-ceil-last-window-in-padding", [3, 5, 5], "maxpool(2, stride: 2, padding: 1, ceil_mode: true)",
         "nn.MaxPool2d(2, stride=2, padding=1, ceil_mode=True)",
         "ceil((5+2-2)/2)+1 = 4, but window 4 would start at 6-1 = 5 >= W, inside the right padding: 3"),
    case("maxpool-ceil-last-window-in-padding-k3", [3, 5, 5], "maxpool(3, stride: 3, padding: 1, ceil_mode: true)",
         "nn.MaxPool2d(3, stride=3, padding=1, ceil_mode=True)",
         "ceil(4/3)+1 = 3, window 3 starts at 6-1 = 5 = W: dropped, 2"),
    case("maxpool-ceil-with-padding", [3, 6, 6], "maxpool(3, stride: 2, padding: 1, ceil_mode: true)",
         "nn.MaxPool2d(3, stride=2, padding=1, ceil_mode=True)", "ceil(5/2)+1 = 4, last window starts at 5 < 6: kept"),
    case("maxpool-ceil-nonsquare", [3, 7, 10], "maxpool((3, 2), stride: (2, 3), ceil_mode: true)",
         "nn.MaxPool2d((3, 2), stride=(2, 3), ceil_mode=True)"),
    case("maxpool-ceil-rule-on-one-axis-only", [3, 5, 6], "maxpool(2, stride: 2, padding: 1, ceil_mode: true)",
         "nn.MaxPool2d(2, stride=2, padding=1, ceil_mode=True)", "H drops its last window (3), W keeps it (4)"),
    case("maxpool-ceil-googlenet", [64, 112, 112], "maxpool(3, stride: 2, ceil_mode: true)",
         "nn.MaxPool2d(3, stride=2, ceil_mode=True)", "floor would give 55"),
    case("maxpool-ceil-kernel-larger-than-input", [3, 2, 2], "maxpool(3, ceil_mode: true)",
         "nn.MaxPool2d(3, ceil_mode=True)",
         "PyTorch accepts it: ceil((2-3)/3)+1 = 1, the only window starts inside the input"),
    case("maxpool-dilation", [3, 32, 32], "maxpool(3, stride: 1, dilation: 2)", "nn.MaxPool2d(3, stride=1, dilation=2)"),
    case("maxpool-dilation-ceil", [3, 15, 15], "maxpool(3, stride: 2, dilation: 2, ceil_mode: true)",
         "nn.MaxPool2d(3, stride=2, dilation=2, ceil_mode=True)"),
    case("maxpool-stride1-same-size", [3, 8, 8], "maxpool(3, stride: 1, padding: 1)",
         "nn.MaxPool2d(3, stride=1, padding=1)"),
    case("maxpool1d-ceil", [4, 11], "maxpool(3, stride: 2, ceil_mode: true)", "nn.MaxPool1d(3, stride=2, ceil_mode=True)"),
    case("maxpool3d-ceil", [2, 7, 9, 9], "maxpool(2, ceil_mode: true)", "nn.MaxPool3d(2, ceil_mode=True)"),
    case("maxpool3d-tuple-padding", [2, 6, 9, 9], "maxpool((1, 3, 3), stride: (1, 2, 2), padding: (0, 1, 1))",
         "nn.MaxPool3d((1, 3, 3), stride=(1, 2, 2), padding=(0, 1, 1))"),
    # ---------------------------------------------------------------- avg pool
    case("avgpool-2", [3, 32, 32], "avgpool(2)", "nn.AvgPool2d(2)"),
    case("avgpool-ceil-no-padding", [3, 7, 7], "avgpool(2, ceil_mode: true)", "nn.AvgPool2d(2, ceil_mode=True)"),
    case("avgpool-ceil-last-window-in-padding", [3, 5, 5], "avgpool(2, stride: 2, padding: 1, ceil_mode: true)",
         "nn.AvgPool2d(2, stride=2, padding=1, ceil_mode=True)", "same rule as max pool: 3, not 4"),
    case("avgpool-ceil-with-padding", [3, 6, 6], "avgpool(3, stride: 2, padding: 1, ceil_mode: true)",
         "nn.AvgPool2d(3, stride=2, padding=1, ceil_mode=True)"),
    case("avgpool-ceil-nonsquare", [3, 9, 4], "avgpool((2, 3), stride: (2, 2), ceil_mode: true)",
         "nn.AvgPool2d((2, 3), stride=(2, 2), ceil_mode=True)"),
    case("avgpool-count-include-pad-true", [3, 32, 32], "avgpool(3, stride: 2, padding: 1, count_include_pad: true)",
         "nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=True)"),
    case("avgpool-count-include-pad-false", [3, 32, 32], "avgpool(3, stride: 2, padding: 1, count_include_pad: false)",
         "nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False)", "same shape as with true"),
    case("avgpool-ceil-padding-exclude-pad", [3, 6, 6],
         "avgpool(3, stride: 2, padding: 1, ceil_mode: true, count_include_pad: false)",
         "nn.AvgPool2d(3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)"),
    case("avgpool-ceil-kernel-larger-than-input", [3, 2, 2], "avgpool(3, ceil_mode: true)",
         "nn.AvgPool2d(3, ceil_mode=True)", "PyTorch accepts it, like max pool"),
    case("avgpool1d-floor", [4, 10], "avgpool(4, stride: 3)", "nn.AvgPool1d(4, stride=3)"),
    case("avgpool3d-ceil", [2, 5, 6, 7], "avgpool(2, stride: 2, ceil_mode: true)",
         "nn.AvgPool3d(2, stride=2, ceil_mode=True)"),
    # ---------------------------------------------------------------- adaptive / global pools
    case("adaptiveavgpool-1", [512, 7, 7], "adaptiveavgpool(1)", "nn.AdaptiveAvgPool2d(1)"),
    case("adaptiveavgpool-non-divisible", [3, 10, 10], "adaptiveavgpool(3)", "nn.AdaptiveAvgPool2d(3)"),
    case("adaptiveavgpool-tuple", [3, 10, 7], "adaptiveavgpool((2, 3))", "nn.AdaptiveAvgPool2d((2, 3))"),
    case("adaptiveavgpool-larger-than-input", [3, 5, 5], "adaptiveavgpool(7)", "nn.AdaptiveAvgPool2d(7)",
         "not an error: adaptive pools may enlarge"),
    case("adaptivemaxpool-divisible", [16, 8, 8], "adaptivemaxpool(2)", "nn.AdaptiveMaxPool2d(2)"),
    case("adaptivemaxpool-tuple-non-divisible", [3, 11, 13], "adaptivemaxpool((4, 5))", "nn.AdaptiveMaxPool2d((4, 5))"),
    case("adaptiveavgpool1d", [4, 10], "adaptiveavgpool(3)", "nn.AdaptiveAvgPool1d(3)"),
    case("adaptivemaxpool1d", [4, 7], "adaptivemaxpool(2)", "nn.AdaptiveMaxPool1d(2)"),
    case("adaptivemaxpool3d-tuple", [2, 5, 7, 9], "adaptivemaxpool((2, 3, 4))", "nn.AdaptiveMaxPool3d((2, 3, 4))"),
    case("adaptiveavgpool3d", [2, 5, 7, 9], "adaptiveavgpool(2)", "nn.AdaptiveAvgPool3d(2)"),
    case("globalavgpool", [64, 7, 7], "globalavgpool", "nn.AdaptiveAvgPool2d(1)"),
    case("globalmaxpool", [64, 7, 9], "globalmaxpool", "nn.AdaptiveMaxPool2d(1)"),
    # ---------------------------------------------------------------- transposed conv
    case("convtranspose-seed-2x2-k4-s3", [1, 2, 2], "convtranspose(1, 4, stride: 3)",
         "nn.ConvTranspose2d(1, 1, 4, stride=3)", "seed example: (2-1)*3 + 4 = 7"),
    case("convtranspose-k4-s3-output-padding1", [4, 5, 5], "convtranspose(4, 4, stride: 3, output_padding: 1)",
         "nn.ConvTranspose2d(4, 4, 4, stride=3, output_padding=1)"),
    case("convtranspose-unet-k2-s2", [64, 16, 16], "convtranspose(32, 2, stride: 2)",
         "nn.ConvTranspose2d(64, 32, 2, stride=2)"),
    case("convtranspose-k3-s2-p1-op1", [16, 8, 8], "convtranspose(8, 3, stride: 2, padding: 1, output_padding: 1)",
         "nn.ConvTranspose2d(16, 8, 3, stride=2, padding=1, output_padding=1)"),
    case("convtranspose-dcgan-k4-s2-p1", [16, 8, 8], "convtranspose(8, 4, stride: 2, padding: 1)",
         "nn.ConvTranspose2d(16, 8, 4, stride=2, padding=1)"),
    case("convtranspose-dilation", [4, 5, 5], "convtranspose(4, 3, dilation: 2)",
         "nn.ConvTranspose2d(4, 4, 3, dilation=2)"),
    case("convtranspose-output-padding-below-dilation", [4, 5, 5], "convtranspose(4, 3, dilation: 2, output_padding: 1)",
         "nn.ConvTranspose2d(4, 4, 3, dilation=2, output_padding=1)",
         "stride 1 but output_padding < dilation: allowed"),
    case("convtranspose-groups", [8, 6, 6], "convtranspose(12, 3, stride: 2, groups: 4)",
         "nn.ConvTranspose2d(8, 12, 3, stride=2, groups=4)"),
    case("convtranspose-tuple", [4, 5, 7], "convtranspose(6, (3, 4), stride: (2, 3), padding: (1, 0), output_padding: (1, 2))",
         "nn.ConvTranspose2d(4, 6, (3, 4), stride=(2, 3), padding=(1, 0), output_padding=(1, 2))"),
    case("convtranspose-bias-false", [8, 4, 4], "convtranspose(4, 4, stride: 2, padding: 1, bias: false)",
         "nn.ConvTranspose2d(8, 4, 4, stride=2, padding=1, bias=False)"),
    case("convtranspose-output-1", [4, 1, 1], "convtranspose(4, 3, padding: 1)",
         "nn.ConvTranspose2d(4, 4, 3, padding=1)", "(1-1)*1 - 2 + 2 + 1 = 1"),
    case("convtranspose1d", [4, 10], "convtranspose(2, 5, stride: 3, padding: 2)",
         "nn.ConvTranspose1d(4, 2, 5, stride=3, padding=2)"),
    case("convtranspose3d", [2, 3, 4, 4], "convtranspose(4, 2, stride: 2)", "nn.ConvTranspose3d(2, 4, 2, stride=2)"),
    # ---------------------------------------------------------------- dense
    case("dense-flat", [120], "dense(84)", "nn.Linear(120, 84)"),
    case("dense-flat-bias-false", [512], "dense(10, bias: false)", "nn.Linear(512, 10, bias=False)"),
    case("dense-non-flat-3d", [3, 8, 16], "dense(10)", "nn.Linear(16, 10)",
         "acts on the last axis; MACs = 3*8 rows * 16*10"),
    case("dense-non-flat-2d", [4, 20], "dense(5)", "nn.Linear(20, 5)"),
    # ---------------------------------------------------------------- batchnorm
    case("batchnorm2d", [16, 8, 8], "batchnorm", "nn.BatchNorm2d(16)",
         "PyTorch counts 2C parameters, not the running statistics"),
    case("batchnorm1d-sequence", [16, 50], "batchnorm", "nn.BatchNorm1d(16)"),
    case("batchnorm1d-flat", [128], "batchnorm", "nn.BatchNorm1d(128)"),
    case("batchnorm3d", [8, 4, 6, 6], "batchnorm", "nn.BatchNorm3d(8)"),
    # ---------------------------------------------------------------- flatten
    case("flatten-3d", [64, 5, 5], "flatten", "nn.Flatten()"),
    case("flatten-2d", [4, 10], "flatten", "nn.Flatten()"),
    case("flatten-already-flat", [10], "flatten", "nn.Flatten()"),
    case("flatten-4d", [2, 3, 4, 5], "flatten", "nn.Flatten()"),
    # ---------------------------------------------------------------- upsample / zeropad
    case("upsample-default", [3, 8, 8], "upsample", "nn.Upsample(scale_factor=2, mode='nearest')",
         "spec default scale 2, nearest"),
    case("upsample-nearest-2", [3, 8, 8], "upsample(2)", "nn.Upsample(scale_factor=2, mode='nearest')"),
    case("upsample-nearest-3", [3, 5, 7], "upsample(3)", "nn.Upsample(scale_factor=3, mode='nearest')"),
    case("upsample-bilinear-2", [3, 8, 8], "upsample(2, mode: bilinear)",
         "nn.Upsample(scale_factor=2, mode='bilinear', align_corners=False)"),
    case("upsample-bilinear-3", [3, 5, 7], "upsample(3, mode: bilinear)",
         "nn.Upsample(scale_factor=3, mode='bilinear', align_corners=False)"),
    case("upsample1d-nearest", [4, 10], "upsample(2)", "nn.Upsample(scale_factor=2, mode='nearest')"),
    case("upsample3d-nearest", [2, 3, 4, 5], "upsample(2)", "nn.Upsample(scale_factor=2, mode='nearest')"),
    case("zeropad-1", [3, 8, 8], "zeropad(1)", "nn.ZeroPad2d(1)"),
    # ZeroPad2d's tuple is (left, right, top, bottom); the .cnn tuple is per axis (H, W), both sides.
    case("zeropad-tuple-per-axis", [3, 8, 8], "zeropad((1, 2))", "nn.ZeroPad2d((2, 2, 1, 1))"),
    # torch 1.13 has no nn.ZeroPad1d; ConstantPad1d with value 0 is the same layer.
    case("zeropad1d", [4, 10], "zeropad(3)", "nn.ConstantPad1d(3, 0.0)"),
    # ---------------------------------------------------------------- parameter-free layers (0 params, 0 MACs)
    case("relu", [8, 4, 4], "relu", "nn.ReLU()"),
    case("leakyrelu", [8, 4, 4], "leakyrelu(0.2)", "nn.LeakyReLU(0.2)"),
    case("relu6", [8, 4, 4], "relu6", "nn.ReLU6()"),
    case("elu", [8, 4, 4], "elu(alpha: 0.5)", "nn.ELU(alpha=0.5)"),
    case("gelu", [8, 4, 4], "gelu", "nn.GELU()"),
    case("sigmoid", [8, 4, 4], "sigmoid", "nn.Sigmoid()"),
    case("tanh", [8, 4, 4], "tanh", "nn.Tanh()"),
    case("identity", [8, 4, 4], "identity", "nn.Identity()"),
    case("softmax-flat", [10], "softmax", "nn.Softmax(dim=1)"),
    case("dropout", [8, 4, 4], "dropout(0.3)", "nn.Dropout(0.3)"),
    case("lrn-alexnet", [96, 55, 55], "lrn", "nn.LocalResponseNorm(5, alpha=1e-4, beta=0.75, k=2.0)"),
    # ---------------------------------------------------------------- layernorm, permute, resize (issue 12)
    # A source may be a chain (ConvNeXt's block); the expectation is then the chain's: its output, total
    # parameters and MACs.
    case("layernorm-channel", [8, 6, 5], "layernorm", "LayerNorm2d(8)", "torchvision's LayerNorm2d (convnext.py)"),
    case("layernorm-channel-eps", [8, 6, 5], "layernorm(eps: 0.000001)", "LayerNorm2d(8, eps=1e-6)"),
    case("layernorm-flat", [32], "layernorm", "nn.LayerNorm(32)", "a flat tensor: over its only axis"),
    case("layernorm-last-axis", [8, 6, 5], "layernorm(axis: -1)", "nn.LayerNorm(5)"),
    case("layernorm-channel-1d", [8, 10], "layernorm", "S(Permute([0, 2, 1]), nn.LayerNorm(8), Permute([0, 2, 1]))"),
    case("permute-channels-last", [8, 6, 5], "permute(0, 2, 3, 1)", "Permute([0, 2, 3, 1])",
         "torchvision.ops.Permute: dims count the batch axis as 0"),
    case("permute-tuple", [8, 6, 5], "permute((0, 3, 1, 2))", "Permute([0, 3, 1, 2])"),
    case("permute-convnext-block", [8, 6, 6],
         "permute(0, 2, 3, 1) -> layernorm(axis: -1) -> dense(32) -> gelu -> dense(8) -> permute(0, 3, 1, 2)",
         "S(Permute([0, 2, 3, 1]), nn.LayerNorm(8), nn.Linear(8, 32), nn.GELU(), nn.Linear(32, 8), Permute([0, 3, 1, 2]))",
         "torchvision's CNBlock without its depthwise conv and layer scale"),
    case("permute-1d-dense", [4, 10], "permute(0, 2, 1) -> dense(3)", "S(Permute([0, 2, 1]), nn.Linear(4, 3))"),
    case("resize-size", [3, 8, 8], "resize(size: 12)", "Resize(12, 'bilinear')"),
    case("resize-size-tuple-down-up", [3, 15, 13], "resize(size: (7, 20))", "Resize((7, 20), 'bilinear')"),
    case("resize-nearest", [3, 5, 7], "resize(size: (9, 11), mode: nearest)", "Resize((9, 11), 'nearest')"),
    case("resize-bicubic", [3, 8, 8], "resize(size: 13, mode: bicubic)", "Resize(13, 'bicubic')"),
    case("resize1d-linear-by-default", [4, 10], "resize(size: 17)", "Resize(17, 'linear')"),
    case("resize3d-trilinear-by-default", [2, 3, 4, 5], "resize(size: (5, 6, 7))", "Resize((5, 6, 7), 'trilinear')"),
    case("resize-like-label", [3, 4, 4], "skip: identity  upsample(2) -> resize(like: skip)",
         "S(nn.Identity(), nn.Upsample(scale_factor=2), Resize((4, 4), 'bilinear'))",
         "the labelled tensor's size, as FCN's head: F.interpolate(size=x.shape[-2:])"),
    # ---------------------------------------------------------------- upsample: size, fractional factors, modes
    case("upsample-fractional-1.5", [2, 8, 8], "upsample(1.5)", "nn.Upsample(scale_factor=1.5)", "floor(8*1.5) = 12"),
    case("upsample-fractional-1.5-on-7", [2, 7, 7], "upsample(1.5, mode: bilinear)",
         "nn.Upsample(scale_factor=1.5, mode='bilinear')", "floor(10.5) = 10"),
    case("upsample-downscale-0.5", [2, 7, 7], "upsample(0.5)", "nn.Upsample(scale_factor=0.5)"),
    case("upsample-size-is-target-in-pytorch", [8, 14, 14], "upsample(size: 28)", "nn.Upsample(size=28)",
         "nn.Upsample(size=...) is the output size, not a factor"),
    case("upsample-size-tuple", [8, 14, 10], "upsample(size: (20, 15), mode: bilinear)",
         "nn.Upsample(size=(20, 15), mode='bilinear')"),
    case("upsample-bicubic", [3, 8, 8], "upsample(2, mode: bicubic)", "nn.Upsample(scale_factor=2, mode='bicubic')"),
    case("upsample1d-linear", [4, 10], "upsample(2, mode: linear)", "nn.Upsample(scale_factor=2, mode='linear')"),
    case("upsample3d-trilinear", [2, 3, 4, 5], "upsample(2, mode: trilinear)",
         "nn.Upsample(scale_factor=2, mode='trilinear')"),
    # ---------------------------------------------------------------- pools whose window exceeds the unpadded input
    case("maxpool3d-kernel-larger-than-unpadded-input", [2, 3, 8, 8], "maxpool(5, stride: 1, padding: 2)",
         "nn.MaxPool3d(5, stride=1, padding=2)", "accepted: only AvgPool3d checks the unpadded input"),
    case("avgpool2d-kernel-larger-than-unpadded-input", [2, 3, 8], "avgpool(5, stride: 1, padding: 2)",
         "nn.AvgPool2d(5, stride=1, padding=2)", "accepted"),
    case("maxpool2d-kernel-larger-than-unpadded-input", [2, 3, 8], "maxpool(5, stride: 1, padding: 2)",
         "nn.MaxPool2d(5, stride=1, padding=2)", "accepted"),
    case("avgpool1d-kernel-larger-than-unpadded-input", [2, 3], "avgpool(5, stride: 1, padding: 2)",
         "nn.AvgPool1d(5, stride=1, padding=2)", "accepted"),
    case("maxpool1d-kernel-larger-than-unpadded-input", [2, 3], "maxpool(5, stride: 1, padding: 2)",
         "nn.MaxPool1d(5, stride=1, padding=2)", "accepted"),

    # ================================================================ PyTorch ERRORS
    case("conv-error-kernel-larger-than-input", [3, 4, 4], "conv(8, 5)", "nn.Conv2d(3, 8, 5)"),
    case("conv-error-kernel-larger-than-padded-input", [3, 2, 2], "conv(8, 5, padding: 1)",
         "nn.Conv2d(3, 8, 5, padding=1)"),
    case("conv-error-kernel-larger-one-axis", [3, 10, 2], "conv(8, 3)", "nn.Conv2d(3, 8, 3)"),
    case("conv-error-dilated-kernel-too-large", [3, 8, 8], "conv(8, 3, dilation: 4)",
         "nn.Conv2d(3, 8, 3, dilation=4)", "effective kernel 9 > 8: output size would be 0"),
    case("conv1d-error-kernel-too-large", [4, 3], "conv(8, 5)", "nn.Conv1d(4, 8, 5)"),
    case("conv3d-error-depth-too-small", [2, 2, 8, 8], "conv(4, 3)", "nn.Conv3d(2, 4, 3)"),
    case("conv-error-groups-not-dividing-in-channels", [6, 8, 8], "conv(8, 3, groups: 4)",
         "nn.Conv2d(6, 8, 3, groups=4)"),
    case("conv-error-groups-not-dividing-out-channels", [8, 8, 8], "conv(6, 3, groups: 4)",
         "nn.Conv2d(8, 6, 3, groups=4)"),
    case("conv-error-padding-same-stride2", [3, 8, 8], "conv(8, 3, stride: 2, padding: same)",
         "nn.Conv2d(3, 8, 3, stride=2, padding='same')"),
    case("maxpool-error-padding-over-half-kernel", [3, 8, 8], "maxpool(2, padding: 2)", "nn.MaxPool2d(2, padding=2)"),
    case("avgpool-error-padding-over-half-kernel", [3, 8, 8], "avgpool(3, padding: 2)", "nn.AvgPool2d(3, padding=2)"),
    case("maxpool-error-kernel-larger-than-input", [3, 2, 2], "maxpool(3)", "nn.MaxPool2d(3)"),
    case("avgpool-error-kernel-larger-than-padded-input", [3, 2, 2], "avgpool(5, padding: 1)",
         "nn.AvgPool2d(5, padding=1)"),
    case("maxpool-error-dilation-output-zero", [3, 4, 4], "maxpool(2, stride: 1, dilation: 4)",
         "nn.MaxPool2d(2, stride=1, dilation=4)"),
    case("convtranspose-error-output-padding-equals-stride", [4, 5, 5], "convtranspose(4, 3, stride: 2, output_padding: 2)",
         "nn.ConvTranspose2d(4, 4, 3, stride=2, output_padding=2)"),
    case("convtranspose-error-output-padding-stride1", [4, 5, 5], "convtranspose(4, 3, output_padding: 1)",
         "nn.ConvTranspose2d(4, 4, 3, output_padding=1)"),
    case("convtranspose-error-output-size-negative", [4, 1, 1], "convtranspose(4, 1, padding: 1)",
         "nn.ConvTranspose2d(4, 4, 1, padding=1)"),
    case("convtranspose-error-groups-not-dividing", [6, 4, 4], "convtranspose(8, 3, groups: 4)",
         "nn.ConvTranspose2d(6, 8, 3, groups=4)"),
    # ---------------------------------------------------------------- activations of issue 12
    case("silu", [8, 4, 4], "silu", "nn.SiLU()"),
    case("silu-swish-alias", [8, 10], "swish", "nn.SiLU()", "on a flat tensor"),
    case("silu-class-name", [4, 6], "SiLU", "nn.SiLU()"),
    case("hardswish", [8, 4, 4], "hardswish", "nn.Hardswish()"),
    case("hardswish-3d", [2, 3, 4, 4], "Hardswish", "nn.Hardswish()"),
    case("hardsigmoid", [8, 4, 4], "hardsigmoid", "nn.Hardsigmoid()"),
    case("hardsigmoid-flat", [16], "hardsigmoid", "nn.Hardsigmoid()"),
    case("mish", [8, 4, 4], "mish", "nn.Mish()"),
    case("softplus", [8, 4, 4], "softplus", "nn.Softplus()"),
    case("softplus-1d", [4, 9], "Softplus", "nn.Softplus()"),
    # ---------------------------------------------------------------- prelu (PyTorch: 1 or C slopes)
    case("prelu-one-slope", [8, 4, 4], "prelu", "nn.PReLU()"),
    case("prelu-per-channel", [8, 4, 4], "prelu(num_parameters: 8)", "nn.PReLU(num_parameters=8)"),
    case("prelu-flat-per-channel", [10], "PReLU(10)", "nn.PReLU(10)"),
    case("prelu-1d-per-channel", [6, 9], "prelu(6)", "nn.PReLU(6)"),
    case("prelu-error-count-not-channels", [8, 4, 4], "prelu(num_parameters: 3)", "nn.PReLU(num_parameters=3)"),
    # ---------------------------------------------------------------- group and instance normalisation
    case("groupnorm", [8, 4, 4], "groupnorm(4)", "nn.GroupNorm(4, 8)"),
    case("groupnorm-one-group", [6, 5, 5], "groupnorm(1)", "nn.GroupNorm(1, 6)", "one group: over C, H and W"),
    case("groupnorm-per-channel", [6, 5, 5], "GroupNorm(6, eps: 1e-3)", "nn.GroupNorm(6, 6, eps=1e-3)"),
    case("groupnorm-no-affine", [8, 4, 4], "groupnorm(2, affine: false)", "nn.GroupNorm(2, 8, affine=False)"),
    case("groupnorm-1d", [8, 10], "groupnorm(2)", "nn.GroupNorm(2, 8)"),
    case("groupnorm-3d", [4, 2, 3, 3], "groupnorm(2)", "nn.GroupNorm(2, 4)"),
    case("groupnorm-flat", [8], "groupnorm(2)", "nn.GroupNorm(2, 8)", "4 channels per group, no positions"),
    case("groupnorm-error-groups-not-dividing", [8, 4, 4], "groupnorm(3)", "nn.GroupNorm(3, 8)"),
    case("groupnorm-error-single-value", [8], "groupnorm(8)", "nn.GroupNorm(8, 8)",
         "one channel per group and no positions: PyTorch refuses"),
    case("instancenorm", [8, 4, 4], "instancenorm", "nn.InstanceNorm2d(8)"),
    case("instancenorm-affine", [8, 4, 4], "instancenorm(affine: true)", "nn.InstanceNorm2d(8, affine=True)"),
    case("instancenorm-1d", [8, 10], "InstanceNorm1d(affine: true)", "nn.InstanceNorm1d(8, affine=True)"),
    case("instancenorm-3d-eps", [4, 2, 3, 3], "instancenorm(eps: 1e-3)", "nn.InstanceNorm3d(4, eps=1e-3)"),
    case("instancenorm-error-single-position", [8, 1, 1], "instancenorm", "nn.InstanceNorm2d(8)"),
    # ---------------------------------------------------------------- stochastic depth, layer scale, shuffle
    case("droppath", [8, 4, 4], "droppath(0.1)", "torchvision.ops.StochasticDepth(0.1, 'row')",
         "identity at inference"),
    case("droppath-batch-mode", [8, 4, 4], "StochasticDepth(p: 0.2, mode: batch)",
         "torchvision.ops.StochasticDepth(0.2, 'batch')"),
    case("scale", [8, 4, 4], "scale", "LayerScale((8, 1, 1), 1e-6)", "ConvNeXt's layer scale: C params"),
    case("scale-init", [16, 3, 3], "scale(init: 1e-6)", "LayerScale((16, 1, 1), 1e-6)"),
    case("scale-1d", [8, 5], "scale(init: 0.1)", "LayerScale((8, 1), 0.1)"),
    case("shuffle", [8, 4, 4], "shuffle(2)", "nn.ChannelShuffle(2)"),
    case("shuffle-channelshuffle-alias", [12, 5, 5], "ChannelShuffle(3)", "nn.ChannelShuffle(3)"),
    case("shuffle-1d", [8, 7], "channelshuffle(4)", "nn.ChannelShuffle(4)"),
    case("shuffle-3d", [6, 2, 3, 3], "shuffle(2)", "nn.ChannelShuffle(2)"),
    case("shuffle-error-groups-not-dividing", [8, 4, 4], "shuffle(3)", "nn.ChannelShuffle(3)"),
    case("shuffle-error-flat", [8], "shuffle(2)", "nn.ChannelShuffle(2)"),
    case("avgpool3d-error-kernel-larger-than-unpadded-input", [2, 3, 8, 8], "avgpool(5, stride: 1, padding: 2)",
         "nn.AvgPool3d(5, stride=1, padding=2)", "AvgPool3d alone refuses it, whatever the padding"),
    case("avgpool3d-error-ceil-kernel-larger-than-input", [2, 2, 2, 2], "avgpool(3, ceil_mode: true)",
         "nn.AvgPool3d(3, ceil_mode=True)", "unlike the 2-D pools, also with ceil_mode"),
    case("upsample-error-bilinear-on-3d", [2, 3, 4, 4], "upsample(2, mode: bilinear)",
         "nn.Upsample(scale_factor=2, mode='bilinear')"),
    case("upsample-error-trilinear-on-2d", [2, 4, 4], "upsample(2, mode: trilinear)",
         "nn.Upsample(scale_factor=2, mode='trilinear')"),
    case("upsample-error-bilinear-on-1d", [2, 4], "upsample(2, mode: bilinear)",
         "nn.Upsample(scale_factor=2, mode='bilinear')"),
    case("upsample-error-linear-on-2d", [2, 4, 4], "upsample(2, mode: linear)",
         "nn.Upsample(scale_factor=2, mode='linear')"),
    case("upsample-error-bicubic-on-3d", [2, 4, 4, 4], "upsample(2, mode: bicubic)",
         "nn.Upsample(scale_factor=2, mode='bicubic')"),
    case("resize-error-bilinear-on-1d", [2, 4], "resize(size: 8, mode: bilinear)", "Resize(8, 'bilinear')"),
]


class Resize(nn.Module):
    """F.interpolate to a size (align_corners=False), as the .cnn resize: FCN's and DeepLab's heads."""

    def __init__(self, size, mode):
        super().__init__()
        self.size, self.mode = size, mode

    def forward(self, x):
        corners = None if self.mode == "nearest" else False
        return torch.nn.functional.interpolate(x, size=self.size, mode=self.mode, align_corners=corners)


# What the torch expressions may use besides nn: torchvision's own modules, and Sequential for chains.
NAMESPACE = {"nn": nn, "torchvision": torchvision, "LayerScale": LayerScale, "S": nn.Sequential, "Permute": Permute, "LayerNorm2d": LayerNorm2d, "Resize": Resize}


def macs_of(module, x, y):
    """MACs as the spec defines them, from the real input and output tensors."""
    if isinstance(module, nn.modules.conv._ConvTransposeNd):
        return x.numel() * (module.out_channels // module.groups) * math.prod(module.kernel_size)
    if isinstance(module, nn.modules.conv._ConvNd):
        return y.numel() * (module.in_channels // module.groups) * math.prod(module.kernel_size)
    if isinstance(module, nn.Linear):
        return (x.numel() // module.in_features) * module.in_features * module.out_features
    if isinstance(module, nn.Sequential):  # a chain: each module on its own input
        total = 0
        for m in module:
            y = m(x)
            total += macs_of(m, x, y)
            x = y
        return total
    return 0  # pooling, batchnorm, activations, reshapes: 0, as torchinfo counts


def run(c):
    torch.manual_seed(0)
    try:
        module = eval(c["torch"], NAMESPACE)
        module.eval()
        x = torch.randn(1, *c["input"])
        with torch.no_grad():
            y = module(x)
    except Exception as e:  # construction (ValueError) or forward (RuntimeError) failures are golden data too
        return {"error": f"{type(e).__name__}: {e}"}
    return {
        "outputShape": list(y.shape[1:]),
        "params": sum(p.numel() for p in module.parameters()),
        "macs": macs_of(module, x, y),
    }


def main():
    ids = [c["id"] for c in CASES]
    dupes = {i for i in ids if ids.count(i) > 1}
    assert not dupes, f"duplicate ids: {dupes}"
    torch.set_num_threads(1)
    warnings.simplefilter("ignore")  # torch warnings (e.g. same-padding notes) are not part of the data
    out = []
    for c in CASES:
        out.append({**c, "expect": run(c)})
    n_err = sum("error" in c["expect"] for c in out)
    doc = {
        "generator": "scripts/golden/edge_cases.py",
        "torch": torch.__version__,
        "macs": "conv: out.numel*(Cin/groups)*prod(k); convtranspose: in.numel*(Cout/groups)*prod(k); "
                "linear: in.numel/in_features*in*out; otherwise 0",
        "cases": out,
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")
    print(f"{OUT}: {len(out)} cases ({len(out) - n_err} normal, {n_err} error)", file=sys.stderr)


if __name__ == "__main__":
    main()
