// Hostile files too big (or too strange) to commit, made at test time in a directory of the caller's.
import { execFileSync } from "node:child_process";
import { closeSync, openSync, symlinkSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { deflateSync } from "node:zlib";

/** A PNG with this IHDR and the given compressed data (the data need not match the header). */
export function pngBytes(
  width: number,
  height: number,
  options: { colorType?: number; depth?: number; interlace?: 0 | 1; idat?: Uint8Array } = {},
): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([options.depth ?? 8, options.colorType ?? 2, 0, 0, options.interlace ?? 0], 8);
  const chunk = (type: string, data: Uint8Array) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, "latin1");
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
    return Buffer.concat([head, data, crc]);
  };
  const idat = options.idat ?? deflateSync(Buffer.alloc(64));
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk("IHDR", ihdr),
    chunk("IDAT", idat),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** PNG's chunk checksum (zlib.crc32 is not in every Node 20). */
function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A .npy header (version 1) for float32 data of `shape`, padded to 64 bytes as numpy pads it. */
export function npyHeader(shape: number[], descr = "<f4"): Buffer {
  const dict =
    `{'descr': '${descr}', 'fortran_order': False, ` +
    `'shape': (${shape.join(", ")}${shape.length === 1 ? "," : ""}), }`;
  const padded = dict + " ".repeat((64 - ((10 + dict.length + 1) % 64)) % 64) + "\n";
  const head = Buffer.alloc(10);
  head.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  head.writeUInt16LE(padded.length, 8);
  return Buffer.concat([head, Buffer.from(padded, "latin1")]);
}

/** A float32 .npy file holding `data` in `shape`. */
export function npyFile(t: { shape: number[]; data: Float32Array }): Buffer {
  return Buffer.concat([npyHeader(t.shape), Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength)]);
}

/** The files of the child-process test, by name. */
export interface Bombs {
  /** 1 × 100,000,000 grayscale: each row costs pngjs memory and time (was still growing at 90 s). */
  tallPng: string;
  /** An interlaced 512×512 PNG whose data inflates to 64 MiB (pngjs inflates interlaced data without a cap). */
  inflateBombPng: string;
  /** A .npy of shape (2,400,000, 3, 8, 8) float32: 1.8 GB, sparse on disk. */
  bigNpy: string;
  /** A symbolic link to /dev/zero named like a weights file. */
  devZero: string;
  /** A FIFO (named pipe) that nobody writes to. */
  fifo: string;
}

/** Writes the bombs into `dir`. */
export function writeBombs(dir: string): Bombs {
  const files: Bombs = {
    tallPng: join(dir, "tall.png"),
    inflateBombPng: join(dir, "interlaced-bomb.png"),
    bigNpy: join(dir, "big.npy"),
    devZero: join(dir, "zero.safetensors"),
    fifo: join(dir, "fifo.npy"),
  };
  writeFileSync(files.tallPng, pngBytes(1, 100_000_000, { colorType: 0 }));
  writeFileSync(
    files.inflateBombPng,
    pngBytes(512, 512, { colorType: 0, interlace: 1, idat: deflateSync(Buffer.alloc(64 * 1024 ** 2)) }),
  );
  const shape = [2_400_000, 3, 8, 8];
  const header = npyHeader(shape);
  const fd = openSync(files.bigNpy, "w");
  writeSync(fd, header);
  // One byte at the very end makes the file its full size without writing (or storing) the zeros before it.
  writeSync(fd, Buffer.alloc(1), 0, 1, header.length + shape.reduce((p, d) => p * d, 4) - 1);
  closeSync(fd);
  symlinkSync("/dev/zero", files.devZero);
  execFileSync("mkfifo", [files.fifo]);
  return files;
}
