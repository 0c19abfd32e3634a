// PRelu: a learned slope for the negative inputs, one for the whole tensor or one per channel (PyTorch's nn.PReLU).
import { layerCall } from "./layer-text.js";
import type { MappedLayer, OpContext } from "./op-context.js";

/**
 * `prelu` for one slope, `prelu(num_parameters: C)` for a slope per channel: ONNX broadcasts the slope from the
 * last axis, so per channel it is (C, 1, …, 1) on a feature map and (C) on a flat tensor. Other shapes (a slope per
 * position, Keras' unshared alpha) have no layer in a pytorch file.
 */
export function mapPrelu(c: OpContext): MappedLayer {
  const slope = c.floats(1, "slope");
  const channels = c.input[1]!;
  // Leading axes of size 1 broadcast away; what is left must be (1…) or (C, 1, …, 1) against [C, …S].
  const cut = Math.max(0, slope.shape.length - (c.input.length - 1));
  const dims = slope.shape.slice(cut);
  const ones = dims.every((d) => d === 1);
  const perChannel = dims.length === c.input.length - 1 && dims[0] === channels && dims.slice(1).every((d) => d === 1);
  if (slope.shape.slice(0, cut).some((d) => d !== 1) || (!ones && !perChannel))
    c.refuse(
      `its slope has shape [${slope.shape.join(", ")}]; the language's prelu has one slope or one per channel ` +
        `([${[channels, ...c.input.slice(2).map(() => 1)].join(", ")}])`,
    );
  const n = ones ? 1 : channels;
  const call = layerCall("prelu", [], [["num_parameters", n === 1 ? undefined : n]]);
  return c.layer(call, c.input, [["weight", { shape: [n], data: slope.data.slice(0, n) }]]);
}
