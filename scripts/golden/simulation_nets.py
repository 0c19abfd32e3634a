# The torch counterparts of test/golden/simulation/*.cnn, written as a PyTorch user would write them.
from torch import nn
import torch

S = nn.Sequential


def basic():
    return S(
        nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 12, 3, stride=2, padding=(1, 0)), nn.BatchNorm2d(12), nn.LeakyReLU(0.1),
        nn.MaxPool2d(3, stride=2, padding=1, ceil_mode=True),
        nn.Conv2d(12, 12, 4, padding="same"), nn.ELU(0.7), nn.GELU(),
        nn.LocalResponseNorm(4, alpha=0.01, beta=0.75, k=1.5), nn.LocalResponseNorm(3, alpha=1e-4, beta=0.75, k=2.0), nn.ReLU6(),
        nn.MaxPool2d(2, dilation=2, ceil_mode=True), nn.Sigmoid(), nn.Tanh(), nn.Dropout(0.3),
        nn.Flatten(), nn.Linear(48, 24), nn.ReLU(), nn.Linear(24, 10), nn.Softmax(dim=1),
    )


class Res(nn.Module):
    """The .cnn block Res: main path first, then the projection shortcut (as torchvision orders them)."""

    def __init__(self, cin, width, stride=1):
        super().__init__()
        self.main = S(nn.Conv2d(cin, width, 3, stride, 1, bias=False), nn.BatchNorm2d(width), nn.ReLU(),
                      nn.Conv2d(width, width, 3, 1, 1, bias=False), nn.BatchNorm2d(width))
        self.proj = S(nn.Conv2d(cin, width, 1, stride, bias=False), nn.BatchNorm2d(width)) if stride != 1 or cin != width else None
        self.relu = nn.ReLU()

    def forward(self, x):
        y = self.main(x)
        return self.relu(y + (self.proj(x) if self.proj is not None else x))


class Residual(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = S(nn.Conv2d(3, 16, 3, padding=1), nn.ReLU(), Res(16, 16), Res(16, 24, 2))
        self.b1 = S(nn.Conv2d(24, 8, 1), nn.ReLU())
        self.b2 = S(nn.Conv2d(24, 8, 3, padding=1), nn.ReLU())
        self.b3 = nn.MaxPool2d(3, stride=1, padding=1)
        self.mix = S(nn.Conv2d(64, 64, 1), nn.BatchNorm2d(64))
        self.pooled = nn.AvgPool2d(2)
        self.conv5 = S(nn.Conv2d(64, 16, 3, padding=1), nn.ReLU())
        self.conv6 = nn.Conv2d(80, 80, 1)
        self.head = S(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(80, 10))

    def forward(self, x):
        x = self.stem(x)
        mix = torch.cat([self.b1(x), self.b2(x), self.b3(x), x], 1)
        p = self.pooled(self.mix(mix) + mix)
        z = torch.cat([self.conv5(p), p], 1)
        return self.head(self.conv6(z) + z)


def resize():
    return S(
        nn.ConvTranspose2d(4, 8, 3, stride=2, padding=1, output_padding=1), nn.ReLU(),
        nn.AvgPool2d(3, 2, 1, ceil_mode=True, count_include_pad=False),
        nn.Upsample(scale_factor=2), nn.ZeroPad2d((0, 2, 1, 0)),
        nn.AvgPool2d(2, ceil_mode=True), nn.AvgPool2d(3, 2, 1, ceil_mode=True),
        nn.Upsample(scale_factor=(2, 3), mode="bilinear"),
        nn.ConvTranspose2d(8, 6, (3, 4), stride=(3, 2), padding=(2, 1), dilation=2, groups=2, output_padding=(1, 0)), nn.Tanh(),
        nn.AvgPool2d((2, 3), stride=(1, 2), padding=(1, 1), count_include_pad=True),
        nn.ZeroPad2d((1, 1, 2, 2)), nn.AvgPool2d(3, 3, ceil_mode=True, count_include_pad=False),
    )


class Grouped(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = S(
            nn.Conv2d(8, 16, 3, groups=4, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
            nn.Conv2d(16, 16, 3, groups=16, dilation=2, padding=2), nn.ReLU6(),
            nn.Conv2d(16, 24, (3, 5), stride=(2, 1), dilation=(1, 2), groups=8, padding=(0, 3)),
            nn.Conv2d(24, 24, (4, 2), padding="same", dilation=(2, 1)),
            nn.MaxPool2d(2, dilation=2, ceil_mode=True), nn.AdaptiveAvgPool2d((5, 3)),
            nn.Softmax(dim=2), nn.AdaptiveMaxPool2d((3, 4)), nn.Linear(4, 7),
        )
        self.gmax, self.aavg, self.gavg = nn.AdaptiveMaxPool2d(1), nn.AdaptiveAvgPool2d(1), nn.AdaptiveAvgPool2d(1)
        self.head = S(nn.Flatten(), nn.Linear(24, 5), nn.Softmax(dim=1))

    def forward(self, x):
        x = self.body(x)
        return self.head(self.gmax(x) + self.aavg(x) + self.gavg(x))


def seq1d():
    return S(
        nn.Conv1d(4, 8, 5, stride=2, padding=2), nn.BatchNorm1d(8), nn.ReLU(), nn.MaxPool1d(3, 2, ceil_mode=True),
        nn.Upsample(scale_factor=3, mode="linear"), nn.LocalResponseNorm(2, alpha=0.1, k=2.0),
        nn.Conv1d(8, 6, 3, dilation=3, groups=2), nn.ELU(), nn.AdaptiveAvgPool1d(7), nn.AdaptiveMaxPool1d(4),
        nn.Flatten(), nn.Linear(24, 3),
    )


def vol3d():
    return S(
        nn.Conv3d(2, 4, 3, padding=1), nn.BatchNorm3d(4), nn.ReLU(), nn.MaxPool3d(2, ceil_mode=True),
        nn.AvgPool3d(3, 2, 1, count_include_pad=False), nn.Upsample(scale_factor=2, mode="trilinear"),
        nn.ConvTranspose3d(4, 3, 2, stride=2, padding=(0, 1, 0)), nn.ConstantPad3d(1, 0.0), nn.LocalResponseNorm(3, k=2.0),
        nn.AdaptiveAvgPool3d((3, 2, 5)), nn.AdaptiveAvgPool3d(1), nn.Flatten(), nn.Linear(3, 4),
    )


class LayerScale(nn.Module):
    """ConvNeXt's layer scale as torchvision's CNBlock holds it: one nn.Parameter shaped (C, 1, 1)."""

    def __init__(self, shape, init):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(*shape) * init)

    def forward(self, x):
        return self.weight * x


def modern():
    # Imported here: importing torchvision draws from torch's global generator, which the older nets' default
    # initialisation (made before any seed is set) would see.
    import torchvision

    return S(
        nn.Conv2d(8, 12, 3, padding=1), nn.GroupNorm(3, 12), nn.SiLU(),
        nn.PReLU(12), nn.Hardswish(),
        nn.InstanceNorm2d(12, affine=True), nn.Mish(),
        LayerScale((12, 1, 1), 0.5),
        nn.ChannelShuffle(3), nn.Softplus(),
        nn.Conv2d(12, 6, 3, stride=2), nn.PReLU(), nn.GroupNorm(2, 6, eps=1e-3, affine=False), nn.Hardsigmoid(),
        nn.InstanceNorm2d(6), torchvision.ops.StochasticDepth(0.2, "row"), nn.SiLU(),
        nn.Flatten(), nn.Linear(72, 10), nn.GroupNorm(5, 10), nn.PReLU(10),
    )


def modern1d():
    return S(
        nn.Conv1d(6, 8, 3), nn.InstanceNorm1d(8, affine=True), nn.PReLU(8),
        nn.ChannelShuffle(4), LayerScale((8, 1), 0.3), nn.GroupNorm(2, 8), nn.Mish(),
    )


class Resize(nn.Module):
    """The .cnn resize: F.interpolate to a size, or to another tensor's (align_corners=False)."""

    def __init__(self, size, mode):
        super().__init__()
        self.size, self.mode = size, mode

    def forward(self, x, like=None):
        size = self.size if like is None else like.shape[2:]
        corners = None if self.mode == "nearest" else False
        return nn.functional.interpolate(x, size=size, mode=self.mode, align_corners=corners)


class Layout(nn.Module):
    """torchvision's LayerNorm2d and Permute, ConvNeXt's block, and every way to resize."""

    def __init__(self):
        super().__init__()
        from torchvision.models.convnext import LayerNorm2d
        from torchvision.ops import Permute

        self.stem = S(nn.Conv2d(6, 8, 3, padding=1), LayerNorm2d(8))
        self.block = S(
            nn.Conv2d(8, 8, 7, padding=3, groups=8), Permute([0, 2, 3, 1]), nn.LayerNorm(8), nn.Linear(8, 32),
            nn.GELU(), nn.Linear(32, 8), Permute([0, 3, 1, 2]),
        )
        self.rest = S(
            nn.MaxPool2d(2), nn.Upsample(scale_factor=1.5, mode="bilinear"), nn.Upsample(size=(17, 9), mode="bicubic"),
            nn.Upsample(scale_factor=0.5), Resize((10, 7), "bilinear"), Resize(9, "nearest"),
        )
        self.like = Resize(None, "bilinear")
        self.last = Resize((20, 30), "bicubic")

    def forward(self, x):
        image = self.stem(x)
        return self.last(self.like(self.rest(self.block(image)), image))


class LayerNorm1d(nn.LayerNorm):
    """nn.LayerNorm over the channel axis of a 1-D or 3-D map (torchvision's LayerNorm2d for other ranks)."""

    def forward(self, x):
        return super().forward(x.movedim(1, -1)).movedim(-1, 1)


def layout1d():
    from torchvision.ops import Permute

    return S(
        nn.Upsample(size=17, mode="linear"), LayerNorm1d(4), nn.Upsample(scale_factor=0.5),
        Resize(13, "linear"), Resize(6, "nearest"), Permute([0, 2, 1]), nn.Linear(4, 6), nn.LayerNorm(6),
        nn.Flatten(), nn.LayerNorm(36),
    )


def layout3d():
    from torchvision.ops import Permute

    return S(
        LayerNorm1d(3), nn.Upsample(scale_factor=1.5, mode="trilinear"), Resize((4, 9, 5), "trilinear"),
        Permute([0, 2, 3, 4, 1]), nn.LayerNorm(3), nn.Linear(3, 5), Permute([0, 4, 1, 2, 3]), Resize(6, "nearest"),
    )


# key → (module factory, input shape with batch, weight file type)
NETS = {
    "basic": (basic, [2, 3, 32, 32], "F32"),
    "residual": (Residual, [1, 3, 32, 32], "F16"),
    "resize": (resize, [2, 4, 15, 13], "F32"),
    "grouped": (Grouped, [1, 8, 23, 19], "F32"),
    "seq1d": (seq1d, [2, 4, 37], "F32"),
    "vol3d": (vol3d, [1, 2, 9, 10, 11], "F32"),
    "modern": (modern, [2, 8, 9, 7], "F32"),
    "modern1d": (modern1d, [2, 6, 11], "F32"),
    "layout": (Layout, [2, 6, 13, 11], "F32"),
    "layout1d": (layout1d, [2, 4, 10], "F32"),
    "layout3d": (layout3d, [1, 3, 5, 6, 7], "F32"),
}
