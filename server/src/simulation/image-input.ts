// A PNG or JPEG picture as the input of a 3-channel 2-D model: resized and normalised as torchvision does.
import jpeg from "jpeg-js";
import { PNG } from "pngjs";
import type { FloatTensor } from "../export/onnx-params.js";
import type { Framework } from "../analysis/types.js";

/** torchvision's ImageNet statistics (transforms.Normalize in every pretrained model's recipe). */
export const IMAGENET_MEAN = [0.485, 0.456, 0.406];
export const IMAGENET_STD = [0.229, 0.224, 0.225];

export function isImagePath(path: string): boolean {
  return /\.(png|jpe?g)$/i.test(path);
}

interface Rgba {
  width: number;
  height: number;
  data: Uint8Array;
}

/** Decodes the bytes of a PNG or JPEG file into RGBA pixels. */
export function decodeImage(bytes: Uint8Array, path: string): Rgba {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    if (/\.png$/i.test(path)) {
      const png = PNG.sync.read(buffer);
      return { width: png.width, height: png.height, data: png.data };
    }
    const img = jpeg.decode(buffer, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 1024 });
    return { width: img.width, height: img.height, data: img.data };
  } catch (e) {
    throw new Error(`${path} is not a readable ${/\.png$/i.test(path) ? "PNG" : "JPEG"} image: ${(e as Error).message}`);
  }
}

/**
 * One sample for a model whose input is 3×H×W (pytorch) or H×W×3 (keras): the picture resized to H×W
 * (bilinear, half-pixel centres, as PIL and torchvision do for a plain resize), scaled to [0, 1] and
 * normalised with the ImageNet mean and std.
 */
export function imageTensor(image: Rgba, sample: number[], framework: Framework, path: string): FloatTensor {
  const [h, w, c] = framework === "pytorch" ? [sample[1], sample[2], sample[0]] : [sample[0], sample[1], sample[2]];
  if (sample.length !== 3 || c !== 3 || h === undefined || w === undefined) {
    throw new Error(`${path}: an image needs a model with a 3-channel 2-D input (${framework === "pytorch" ? "input(3, H, W)" : "input(H, W, 3)"}), not (${sample.join(", ")})`);
  }
  const data = new Float32Array(3 * h * w);
  const sx = image.width / w;
  const sy = image.height / h;
  for (let y = 0; y < h; y++) {
    const fy = Math.max(0, (y + 0.5) * sy - 0.5);
    const y0 = Math.min(image.height - 1, Math.floor(fy));
    const y1 = Math.min(image.height - 1, y0 + 1);
    const wy = fy - y0;
    for (let x = 0; x < w; x++) {
      const fx = Math.max(0, (x + 0.5) * sx - 0.5);
      const x0 = Math.min(image.width - 1, Math.floor(fx));
      const x1 = Math.min(image.width - 1, x0 + 1);
      const wx = fx - x0;
      for (let ch = 0; ch < 3; ch++) {
        const at = (yy: number, xx: number) => image.data[(yy * image.width + xx) * 4 + ch]!;
        const v = (1 - wy) * ((1 - wx) * at(y0, x0) + wx * at(y0, x1)) + wy * ((1 - wx) * at(y1, x0) + wx * at(y1, x1));
        const normalised = (v / 255 - IMAGENET_MEAN[ch]!) / IMAGENET_STD[ch]!;
        data[framework === "pytorch" ? ch * h * w + y * w + x : (y * w + x) * 3 + ch] = normalised;
      }
    }
  }
  return { shape: [1, ...sample], data };
}
