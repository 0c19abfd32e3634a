// Reads NumPy .npy arrays (float32 or float64, C order) for simulation inputs.
import type { FloatTensor } from "../export/onnx-params.js";

/** Parses .npy bytes (format versions 1–3) into a float32 tensor; throws with the reason otherwise. */
export function parseNpy(bytes: Uint8Array, fileName = "input"): FloatTensor {
  const fail = (why: string): never => {
    throw new Error(`${fileName} is not a usable .npy array: ${why}`);
  };
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (bytes.length < 10 || magic.some((b, i) => bytes[i] !== b)) fail("it does not start with \\x93NUMPY");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6]!;
  // Version 1 stores the header length in 2 bytes; versions 2 and 3 in 4.
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  const header = new TextDecoder(major === 3 ? "utf-8" : "latin1").decode(bytes.subarray(start, start + headerLength));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) return fail(`the header ${header.trim()} lacks descr, fortran_order or shape`);
  if (fortran === "True") fail("it is in Fortran order; save it with np.ascontiguousarray");
  const shape = shapeText.split(",").map((s) => s.trim()).filter((s) => s.length > 0).map(Number);
  const count = shape.reduce((p, d) => p * d, 1);
  const dataStart = start + headerLength;
  const width = descr === "<f4" ? 4 : descr === "<f8" ? 8 : fail(`its dtype is ${descr}; use float32 ('<f4') or float64 ('<f8')`);
  if (bytes.length - dataStart < count * width) fail(`it holds ${bytes.length - dataStart} bytes of data, but shape (${shape.join(", ")}) needs ${count * width}`);
  const data = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    data[i] = width === 4 ? view.getFloat32(dataStart + i * 4, true) : view.getFloat64(dataStart + i * 8, true);
  }
  return { shape, data };
}
