// The size a PNG or JPEG claims, read from its header before anything is decoded, and the limit it must meet.
import { inflateSync } from "node:zlib";
import { formatBytes, InputFileError } from "./input-error.js";

export interface ImageHeader {
  format: "PNG" | "JPEG";
  width: number;
  height: number;
  /** Bits per pixel of an interlaced PNG, whose compressed data is checked apart. */
  interlacedBits?: number;
}

/**
 * Memory a decoder takes per pixel and per row, measured with pngjs 7 and jpeg-js 0.4 (docs/simulation.md):
 * 16-bit RGBA PNGs take about 31 bytes a pixel, JPEGs 33, and pngjs keeps about 190 bytes for each row.
 */
export const DECODE_BYTES_PER_PIXEL = 40;
export const DECODE_BYTES_PER_ROW = 200;

/** Bytes the decoder may need for a picture of this size. */
export function decodeCost(width: number, height: number): number {
  return DECODE_BYTES_PER_PIXEL * width * height + DECODE_BYTES_PER_ROW * height;
}

/**
 * Reads the size from a PNG's IHDR or a JPEG's frame header and refuses a picture that is empty or whose
 * decoding would take more than `maxDecodeBytes`. Interlaced PNGs are inflated once with a cap, because
 * pngjs inflates them without one.
 */
export function checkImageHeader(bytes: Uint8Array, path: string, maxDecodeBytes: number): ImageHeader {
  const header = /\.png$/i.test(path) ? pngHeader(bytes, path) : jpegHeader(bytes, path);
  const { format, width, height } = header;
  if (width === 0 || height === 0)
    bad(path, `the ${format} header says the picture is ${width}×${height} pixels: it has no pixels`);
  const cost = decodeCost(width, height);
  if (cost > maxDecodeBytes) {
    bad(
      path,
      `the picture is ${width}×${height} pixels; decoding it would take about ${formatBytes(cost)}, more ` +
        `than the ${formatBytes(maxDecodeBytes)} the memory limit leaves for it: scale it down to about the model's ` +
        `input size`,
    );
  }
  if (header.interlacedBits !== undefined) checkInterlacedData(bytes, path, width, height, header.interlacedBits);
  return header;
}

const PNG_SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

function pngHeader(bytes: Uint8Array, path: string): ImageHeader {
  if (bytes.length < 33 || PNG_SIGNATURE.some((b, i) => bytes[i] !== b))
    bad(path, "is not a readable PNG image: it does not start with the PNG signature");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = (at: number) => String.fromCharCode(...bytes.subarray(at + 4, at + 8));
  if (view.getUint32(8) !== 13 || type(8) !== "IHDR")
    bad(path, "is not a readable PNG image: its first chunk is not a 13-byte IHDR");
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  const [depth, colorType, , , interlace] = bytes.subarray(24, 29);
  if (interlace !== 1) return { format: "PNG", width, height };
  const channels = ({ 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as Record<number, number>)[colorType!] ?? 4;
  return { format: "PNG", width, height, interlacedBits: channels * depth! };
}

/** The compressed data of an interlaced PNG must not inflate to more than its seven passes hold. */
function checkInterlacedData(
  bytes: Uint8Array,
  path: string,
  width: number,
  height: number,
  bitsPerPixel: number,
): void {
  const passes = [
    [0, 0, 8, 8],
    [4, 0, 8, 8],
    [0, 4, 4, 8],
    [2, 0, 4, 4],
    [0, 2, 2, 4],
    [1, 0, 2, 2],
    [0, 1, 1, 2],
  ];
  let expected = 0;
  for (const [x0, y0, dx, dy] of passes) {
    const cols = Math.ceil(Math.max(0, width - x0!) / dx!);
    const rows = Math.ceil(Math.max(0, height - y0!) / dy!);
    if (cols > 0 && rows > 0) expected += rows * (Math.ceil((cols * bitsPerPixel) / 8) + 1);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parts: Uint8Array[] = [];
  for (let at = 8; at + 12 <= bytes.length;) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    if (type === "IDAT") parts.push(bytes.subarray(at + 8, Math.min(bytes.length, at + 8 + length)));
    at += 12 + length;
  }
  try {
    inflateSync(Buffer.concat(parts), { maxOutputLength: Math.max(1, expected) });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") {
      bad(
        path,
        `is not a readable PNG image: its compressed data inflates to more than the ${expected} bytes a ` +
          `${width}×${height} picture holds`,
      );
    }
    bad(path, "is not a readable PNG image: its compressed data is damaged or cut short");
  }
}

function jpegHeader(bytes: Uint8Array, path: string): ImageHeader {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8)
    bad(path, "is not a readable JPEG image: it does not start with the JPEG marker FF D8");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) bad(path, `is not a readable JPEG image: no marker at byte ${at}`);
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      // fill bytes before a marker
      at++;
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      // markers without a length
      at += 2;
      continue;
    }
    if (marker === 0xda || marker === 0xd9) break; // scan data or the end, before any frame header
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame && at + 9 <= bytes.length)
      return { format: "JPEG", height: view.getUint16(at + 5), width: view.getUint16(at + 7) };
    at += 2 + view.getUint16(at + 2);
  }
  return bad(path, "is not a readable JPEG image: it has no frame header (SOF) giving its size");
}

function bad(path: string, why: string): never {
  throw new InputFileError(path, why, false);
}
