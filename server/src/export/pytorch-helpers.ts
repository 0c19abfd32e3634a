// Small nn.Module subclasses that generated PyTorch code defines when a Keras file needs them.

/**
 * Each helper subclasses the PyTorch module with the same parameters, so state_dict keys stay
 * `<layer>.weight`/`.bias`, and does Keras' extra step inside, so the module's output is the layer's.
 */
export const TORCH_HELPERS: Record<string, string[]> = {
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
