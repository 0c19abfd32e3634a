// A PNG or JPEG picture as the input of a 3-channel 2-D model: resized and normalised as torchvision does.
import jpeg from "jpeg-js";
import { PNG } from "pngjs";
import type { FloatTensor } from "../onnx/tensors.js";
import type { Framework } from "../analysis/types.js";
import { checkImageHeader } from "./image-header.js";
import { InputFileError } from "./input-error.js";

/** torchvision's ImageNet statistics (transforms.Normalize in every pretrained model's recipe). */
export const IMAGENET_MEAN = [0.485, 0.456, 0.406];
export const IMAGENET_STD = [0.229, 0.224, 0.225];

export function isImagePath(path: string): boolean {
  return /\.(png|jpe?g)$/i.test(path);
}

export interface Rgba {
  width: number;
  height: number;
  data: Uint8Array;
}

/**
 * Decodes the bytes of a PNG or JPEG file into RGBA pixels. The size in the header is checked first: a picture
 * that is empty, or whose decoding would take more than `maxDecodeBytes`, is refused before it is decoded.
 */
export function decodeImage(bytes: Uint8Array, path: string, maxDecodeBytes: number): Rgba {
  const { format, width, height } = checkImageHeader(bytes, path, maxDecodeBytes);
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let image: Rgba;
  try {
    if (format === "PNG") {
      image = PNG.sync.read(buffer);
    } else {
      const maxMemoryUsageInMB = Math.max(1, Math.floor(maxDecodeBytes / 1024 ** 2));
      const maxResolutionInMP = (width * height) / 1e6 + 1;
      image = jpeg.decode(buffer, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB, maxResolutionInMP });
    }
  } catch {
    // The decoders' own messages speak of streams and markers; the user needs to know the file is damaged.
    throw new InputFileError(path, `is not a readable ${format} image: its data is damaged or cut short`, false);
  }
  if (image.width !== width || image.height !== height || image.data.length !== width * height * 4) {
    throw new InputFileError(
      path,
      `is not a readable ${format} image: it decodes to ${image.width}×${image.height} pixels, not the ` +
        `${width}×${height} its header says`,
      false,
    );
  }
  return image;
}

/**
 * One sample for a model whose input is 3×H×W (pytorch) or H×W×3 (keras): the picture resized to H×W
 * (bilinear, half-pixel centres, as PIL and torchvision do for a plain resize), scaled to [0, 1] and
 * normalised with the ImageNet mean and std.
 */
export function imageTensor(image: Rgba, sample: number[], framework: Framework, path: string): FloatTensor {
  const [h, w, c] = framework === "pytorch" ? [sample[1], sample[2], sample[0]] : [sample[0], sample[1], sample[2]];
  if (sample.length !== 3 || c !== 3 || h === undefined || w === undefined) {
    const wanted = framework === "pytorch" ? "input(3, H, W)" : "input(H, W, 3)";
    const given = sample.join(", ");
    const why = `an image needs a model with a 3-channel 2-D input (${wanted}), not (${given})`;
    throw new InputFileError(path, why, false);
  }
  if (image.width < 1 || image.height < 1)
    throw new InputFileError(path, `the picture is ${image.width}×${image.height} pixels: it has no pixels`, false);
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
