// Small nn.Module classes that generated PyTorch code defines when a layer needs them (KerasDense, LayerNorm2d, …).

/**
 * Each helper subclasses the PyTorch module with the same parameters, so state_dict keys stay
 * `<layer>.weight`/`.bias`, and does Keras' extra step inside, so the module's output is the layer's.
 */
export const TORCH_HELPERS: Record<string, string[]> = {
  LayerNorm2d: [
    "class LayerNorm2d(nn.LayerNorm):",
    '    """nn.LayerNorm over the channel axis at each position, as torchvision\'s LayerNorm2d (convnext.py)."""',
    "",
    "    def forward(self, x):",
    "        return super().forward(x.movedim(1, -1)).movedim(-1, 1)",
  ],
  Permute: [
    "class Permute(nn.Module):",
    '    """torch.permute as a module, as torchvision.ops.Permute."""',
    "",
    "    def __init__(self, dims):",
    "        super().__init__()",
    "        self.dims = dims",
    "",
    "    def forward(self, x):",
    "        return torch.permute(x, self.dims)",
  ],
  ResizeLike: [
    "class ResizeLike(nn.Module):",
    '    """F.interpolate to the spatial size of another tensor, read when the model runs (align_corners=False)."""',
    "",
    "    def __init__(self, mode):",
    "        super().__init__()",
    "        self.mode = mode",
    "",
    "    def forward(self, x, like):",
    '        align_corners = None if self.mode == "nearest" else False',
    "        return nn.functional.interpolate(x, size=like.shape[2:], mode=self.mode, align_corners=align_corners)",
  ],
  KerasDense: [
    "class KerasDense(nn.Linear):",
    '    """nn.Linear on the channel axis, as Keras\' Dense acts on the last axis of a channels-last tensor."""',
    "",
    "    def forward(self, x):",
    "        return super().forward(x.movedim(1, -1)).movedim(-1, 1)",
  ],
  ...Object.fromEntries(
    [1, 2, 3].map((d) => [
      `KerasSameConvTranspose${d}d`,
      [
        `class KerasSameConvTranspose${d}d(nn.ConvTranspose${d}d):`,
        `    """nn.ConvTranspose${d}d cropped as Keras' padding "same" crops it: ` +
          `[start, stop) on each spatial axis."""`,
        "",
        "    def __init__(self, *args, crop, **kwargs):",
        "        super().__init__(*args, **kwargs)",
        "        self.crop = crop",
        "",
        "    def forward(self, x):",
        "        y = super().forward(x)",
        "        return y[(..., *(slice(start, stop) for start, stop in self.crop))]",
      ],
    ]),
  ),
};
