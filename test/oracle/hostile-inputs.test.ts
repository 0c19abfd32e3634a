// Issue 10: hostile weights, arrays and pictures get one sentence each, in bounded memory and time.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import jpeg from "jpeg-js";
import { PNG } from "pngjs";
import { decodeImage } from "../../server/src/simulation/image-input.js";
import { InputFileError } from "../../server/src/simulation/input-error.js";
import { readInputFile, type InputRequest } from "../../server/src/simulation/inputs.js";
import { parseNpy } from "../../server/src/simulation/npy.js";
import { parsePythonLiteral } from "../../server/src/simulation/python-literal.js";
import { readRegularFile } from "../../server/src/simulation/read-file.js";
import { encodeSafetensors, parseSafetensors } from "../../server/src/simulation/safetensors.js";
import { simulate } from "../../server/src/simulation/simulate.js";
import { loadWeightsFile, randomWeights } from "../../server/src/simulation/weights.js";
import { npyHeader, pngBytes } from "../hostile/bombs-files.js";
import { analyze, repoRoot, wrap } from "../unit/helpers.js";

const dir = mkdtempSync(join(tmpdir(), "cnnlens-hostile-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const corpus = (name: string) => join(repoRoot, "test/hostile/corpus", name);
const CONV = wrap([3, 8, 8], ["conv(4, 3, padding: 1)"]);
const model = () => analyze(CONV).models[0]!;
const request: InputRequest = { sample: [3, 8, 8], framework: "pytorch", batch: 1, seed: 0 };

/** Asserts that `run` throws an InputFileError whose message is exactly `message` (a string or a pattern). */
function refuses(run: () => unknown, message: string | RegExp, unreadable = false): void {
  assert.throws(run, (err: unknown) => {
    assert.ok(err instanceof InputFileError, `not an InputFileError: ${String(err)}`);
    if (typeof message === "string") assert.equal(err.message, message);
    else assert.match(err.message, message);
    assert.equal(err.unreadable, unreadable, `unreadable of ${err.message}`);
    return true;
  });
}

async function rejects(run: Promise<unknown>, message: RegExp, unreadable = false): Promise<void> {
  await assert.rejects(run, (err: unknown) => {
    assert.ok(err instanceof InputFileError, `not an InputFileError: ${String(err)}`);
    assert.match(err.message, message);
    assert.equal(err.unreadable, unreadable);
    return true;
  });
}

describe("readRegularFile reads regular files only", () => {
  it("refuses a missing file, a directory, a FIFO and a link to a device, in plain words", () => {
    refuses(
      () => readRegularFile(join(dir, "nope.npy"), 100),
      `cannot read ${join(dir, "nope.npy")}: no such file`,
      true,
    );
    refuses(() => readRegularFile(dir, 100), `cannot read ${dir}: is a directory`, true);
    const fifo = join(dir, "pipe.npy");
    execFileSync("mkfifo", [fifo]);
    refuses(
      () => readRegularFile(fifo, 100),
      /^cannot read .*pipe\.npy: is not a regular file \(it is a FIFO \(named pipe\)\)/,
      true,
    );
    refuses(
      () => readRegularFile("/dev/zero", 100),
      /^cannot read \/dev\/zero: is not a regular file \(it is a device\)/,
      true,
    );
    mkdirSync(join(dir, "links"));
    execFileSync("ln", ["-s", "/dev/zero", join(dir, "links/w.safetensors")]);
    refuses(
      () => readRegularFile(join(dir, "links/w.safetensors"), 100),
      /w\.safetensors: is not a regular file \(it is a device\)/,
      true,
    );
  });
  it("refuses a file larger than the caller's bound before reading it, and reads one within it", () => {
    const path = join(dir, "ten.bin");
    writeFileSync(path, Buffer.alloc(10, 7));
    refuses(
      () => readRegularFile(path, 9),
      `${path}: the file is 10 B, more than the 9 B the memory limit allows for it`,
    );
    assert.deepEqual([...readRegularFile(path, 10)], Array(10).fill(7));
  });
  it(
    "says 'permission denied' for a file it may not read",
    { skip: process.getuid?.() === 0 && "root reads every file" },
    () => {
      const path = join(dir, "secret.npy");
      writeFileSync(path, "x");
      chmodSync(path, 0);
      refuses(() => readRegularFile(path, 100), `cannot read ${path}: permission denied`, true);
    },
  );
});

describe("safetensors: the format exactly, or a sentence naming the file and the tensor", () => {
  const cases: [string, string][] = [
    [
      "st-negative-offsets",
      "tensor conv1.bias: data_offsets [-16, 0] are negative; a safetensors file lists each tensor's bytes in order",
    ],
    [
      "st-overlapping",
      "tensor conv1.bias: data_offsets [8, 16] overlap the tensor before, which ends at 16; " +
        "a safetensors file lists each tensor's bytes in order",
    ],
    [
      "st-fractional",
      "tensor conv1.bias: data_offsets [0.5, 4.5] are not whole byte positions; " +
        "a safetensors file lists each tensor's bytes in order",
    ],
    [
      "st-gap",
      "tensor conv1.bias: data_offsets [8, 12] leave bytes 4 to 8 unused; " +
        "a safetensors file lists each tensor's bytes in order, without gaps",
    ],
    ["st-null-header", "its header is null, not a JSON object of tensors"],
    ["st-null-entry", "tensor conv1.bias is null, not an object with dtype, shape and data_offsets"],
    ["st-missing-offsets", "tensor conv1.bias has no data_offsets"],
    ["st-shape-not-array", "tensor conv1.bias: its shape 4 is not an array of non-negative integers"],
    [
      "st-trailing-bytes",
      "its tensors end at byte 4 of the data, but the data is 8 bytes; " +
        "a safetensors file lists each tensor's bytes in order, up to the end of the file",
    ],
  ];
  for (const [name, reason] of cases) {
    it(`${name}: ${reason.slice(0, 60)}`, async () => {
      const path = corpus(`${name}.safetensors`);
      await rejects(loadWeightsFile(model(), path), new RegExp(`^${escape(`${path}: ${reason}`)}$`));
    });
  }
  const safetensorsHeaderRefusals =
    "refuses a header length beyond the format's cap, a JSON array, metadata that is not strings, an unknown dtype";
  it(safetensorsHeaderRefusals, () => {
    const file = (header: string, data = 0, length?: bigint) => {
      const head = Buffer.from(header);
      const out = Buffer.alloc(8 + head.length + data);
      out.writeBigUInt64LE(length ?? BigInt(head.length));
      head.copy(out, 8);
      return out;
    };
    refuses(
      () => parseSafetensors(file("{}", 0, 2n ** 63n), "w"),
      "w: its header length 9223372036854775808 is more than the 100000000 bytes safetensors allows",
    );
    refuses(() => parseSafetensors(file("[]"), "w"), "w: its header is an array, not a JSON object of tensors");
    refuses(
      () => parseSafetensors(file('{"__metadata__": {"a": 1}}'), "w"),
      "w: its __metadata__ is not an object of strings",
    );
    refuses(
      () => parseSafetensors(file('{"x": {"dtype": "Q9", "shape": [], "data_offsets": [0, 0]}}'), "w"),
      /^w: tensor x has dtype Q9, which this reader does not know/,
    );
    refuses(
      () => parseSafetensors(file('{"x\\n": {"dtype": "F32", "shape": [2], "data_offsets": [0, 4]}}', 4), "w"),
      'w: tensor "x\\n": data_offsets [0, 4] hold 4 bytes, but F32 of shape [2] takes 8',
    );
    refuses(() => parseSafetensors(file("{not json"), "w"), /^w: its header is not valid JSON text/);
    const deep = `{"x": {"dtype": "F32", "shape": ${"[".repeat(1e5)}${"]".repeat(1e5)}, "data_offsets": [0, 0]}}`;
    refuses(
      () => parseSafetensors(file(deep), "w"),
      /^w: tensor x: its shape .* is not an array of non-negative integers$/,
    );
    // Empty tensors and metadata are fine.
    const ok = parseSafetensors(
      file('{"__metadata__": {"format": "pt"}, "e": {"dtype": "F32", "shape": [0, 3], "data_offsets": [0, 0]}}'),
    );
    assert.deepEqual(ok.tensors.get("e")!.shape, [0, 3]);
  });
  it("reads only the tensors the model needs, after checking the header's shapes", async () => {
    const weights = randomWeights(model(), 3);
    weights.set("huge.unused", { shape: [1 << 20], data: new Float32Array(1 << 20) });
    const path = join(dir, "extra.safetensors");
    writeFileSync(path, encodeSafetensors(weights));
    const loaded = await loadWeightsFile(model(), path);
    assert.deepEqual(loaded.unused, ["huge.unused"]);
    assert.deepEqual(loaded.weights.get("conv1.bias"), weights.get("conv1.bias"));
    assert.equal(loaded.weights.has("huge.unused"), false);
  });
});

describe(".npy: the header is a Python dict, read as one", () => {
  it("refuses a negative shape and a descr hidden in another string", () => {
    refuses(
      () => parseNpy(readRegularFile(corpus("npy-negative-shape.npy"), 1e6), "n.npy"),
      "n.npy: its shape (-1, 8, 8) is not a tuple of non-negative integers",
    );
    refuses(
      () => parseNpy(readRegularFile(corpus("npy-descr-in-string.npy"), 1e6), "d.npy"),
      "d.npy: its header has the keys (descr, fortran_order, note, shape), " +
        "but a .npy header has exactly descr, fortran_order and shape",
    );
    const hidden = Buffer.concat([
      npyHeader([2]).subarray(0, 10),
      Buffer.from(`{"descr": "x'descr': '<f4'", 'fortran_order': False, 'shape': (2,), }\n`),
    ]);
    hidden.writeUInt16LE(hidden.length - 10, 8);
    refuses(
      () => parseNpy(Buffer.concat([hidden, Buffer.alloc(8)]), "h.npy"),
      "h.npy: its dtype is x'descr': '<f4'; use float32 ('<f4') or float64 ('<f8')",
    );
  });
  it("refuses a header longer than any array needs, and data shorter than the shape", () => {
    const long = Buffer.from(npyHeader([2]));
    long.writeUInt16LE(0xffff, 8);
    refuses(() => parseNpy(long, "l.npy"), /^l\.npy: its header runs past the end of the file/);
    refuses(
      () => parseNpy(Buffer.concat([npyHeader([3]), Buffer.alloc(8)]), "s.npy"),
      "s.npy: it holds 8 bytes of data, but shape (3) needs 12",
    );
    refuses(
      () => parseNpy(npyHeader([2 ** 52, 2 ** 10]), "b.npy"),
      "b.npy: its shape (4503599627370496, 1024) is too large for any file",
    );
  });
  it("parses Python literals with a tokenizer: quotes, escapes, nesting, trailing commas; refuses duplicates", () => {
    const v = parsePythonLiteral(`{'a': "it's", 'b': (1, (2,), [3, -4]), "c": None, 'd': True,}`);
    assert.deepEqual(
      v,
      new Map<string, unknown>([
        ["a", "it's"],
        ["b", [1, [2], [3, -4]]],
        ["c", null],
        ["d", true],
      ]),
    );
    assert.throws(() => parsePythonLiteral("{'a': 1, 'a': 2}"), /the key 'a' appears twice/);
    assert.throws(() => parsePythonLiteral("{'a': os.system('x')}"), /unexpected name 'os'/);
    assert.throws(() => parsePythonLiteral("{'a': 'open"), /the string at character 6 is not closed/);
    assert.throws(() => parsePythonLiteral("(".repeat(1e6)), /^Error: it nests more than 32 levels deep$/);
  });
  it("checks the batch against the memory limit from the header, before reading the data", async () => {
    const path = join(dir, "claims.npy");
    writeFileSync(path, Buffer.concat([npyHeader([5000, 3, 8, 8]), Buffer.alloc(5000 * 768)]));
    const seen: number[] = [];
    await assert.rejects(
      readInputFile(path, request, false, {
        admit: (batch) => {
          seen.push(batch);
          throw new Error("over budget");
        },
      }),
      /over budget/,
    );
    assert.deepEqual(seen, [5000]);
    await rejects(
      readInputFile(corpus("npy-negative-shape.npy"), request, false),
      /npy-negative-shape\.npy: its shape \(-1, 8, 8\)/,
    );
    await rejects(
      readInputFile(path, request, false, { memoryLimit: 1024 ** 2 }),
      /claims\.npy: the array takes 3\.7 MiB as float32, more than the memory limit of 1\.0 MiB$/,
    );
  });
});

describe("pictures: the header's size is checked before decoding", () => {
  const decode = (path: string) => () => decodeImage(readRegularFile(path, 1e8), path, 1024 ** 3);
  it("refuses a 20000×20000 claim in 138 bytes, a width of 0, and a file cut short, each with a sentence", () => {
    const t = performance.now();
    refuses(
      decode(corpus("png-claims-20000x20000.png")),
      new RegExp(
        String.raw`png-claims-20000x20000\.png: the picture is 20000×20000 pixels; ` +
          String.raw`decoding it would take about 14\.9 GiB, more than the 1\.0 GiB the memory limit leaves for it`,
      ),
    );
    assert.ok(performance.now() - t < 1000);
    refuses(
      decode(corpus("png-width-0.png")),
      /png-width-0\.png: the PNG header says the picture is 0×8 pixels: it has no pixels$/,
    );
    refuses(
      decode(corpus("png-cut-short.png")),
      /png-cut-short\.png: is not a readable PNG image: its data is damaged or cut short$/,
    );
  });
  it("refuses a JPEG whose frame header says 0 rows or 65535×65535 pixels", () => {
    const good = Buffer.from(jpeg.encode({ width: 4, height: 4, data: Buffer.alloc(64, 200) }, 90).data);
    const sof = good.indexOf(Buffer.from([0xff, 0xc0]));
    const patched = (height: number, width: number) => {
      const b = Buffer.from(good);
      b.writeUInt16BE(height, sof + 5);
      b.writeUInt16BE(width, sof + 7);
      const path = join(dir, `${height}x${width}.jpg`);
      writeFileSync(path, b);
      return path;
    };
    refuses(decode(patched(0, 4)), /0x4\.jpg: the JPEG header says the picture is 4×0 pixels: it has no pixels$/);
    refuses(
      decode(patched(65535, 65535)),
      /the picture is 65535×65535 pixels; decoding it would take about 160\.0 GiB/,
    );
    assert.equal(decode(patched(4, 4))().width, 4);
  });
  const damagedFilesAreInputFileErrors =
    "every damaged PNG, JPEG, .npy or safetensors file is an InputFileError, never a raw TypeError or RangeError";
  it(damagedFilesAreInputFileErrors, () => {
    const png = new PNG({ width: 5, height: 3 });
    png.data.fill(90);
    const files: [string, Buffer, (b: Buffer, name: string) => unknown][] = [
      ["x.png", PNG.sync.write(png), (b, name) => decodeImage(b, name, 1024 ** 3)],
      [
        "x.jpg",
        Buffer.from(jpeg.encode({ width: 5, height: 3, data: png.data }, 80).data),
        (b, name) => decodeImage(b, name, 1024 ** 3),
      ],
      ["x.npy", Buffer.concat([npyHeader([2, 3]), Buffer.alloc(24)]), (b, name) => parseNpy(b, name)],
      [
        "x.safetensors",
        Buffer.from(encodeSafetensors(randomWeights(model(), 1))),
        (b, name) => parseSafetensors(b, name),
      ],
    ];
    let seed = 1;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (const [name, good, read] of files) {
      for (let i = 0; i < 400; i++) {
        const bad = Buffer.from(good.subarray(0, random() < 0.2 ? Math.floor(random() * good.length) : good.length));
        for (let k = 0; k < 1 + random() * 4; k++) bad[Math.floor(random() * bad.length)] = Math.floor(random() * 256);
        try {
          read(bad, name);
        } catch (err) {
          assert.ok(err instanceof InputFileError, `${name}, mutation ${i}: ${String(err)}`);
        }
      }
    }
  });
});

describe("simulate: threads and a picture without pixels", () => {
  it("cuts threads to the machine's cores, with a note; refuses threads below 1", async () => {
    const cores = availableParallelism();
    const report = await simulate(analyze(CONV), undefined, { threads: 100000, repeats: 0 });
    assert.equal(report.threads, cores);
    assert.deepEqual(report.notes, [
      `100000 threads were asked for, but this machine has ${cores} core${cores > 1 ? "s" : ""}: using ${cores}`,
    ]);
    assert.deepEqual((await simulate(analyze(CONV), undefined, { threads: 1, repeats: 0 })).notes, []);
    await assert.rejects(
      simulate(analyze(CONV), undefined, { threads: 0 }),
      /threads must be a whole number of at least 1, not 0/,
    );
  });
  it("refuses a zero-width picture as the input instead of running on NaNs", async () => {
    const path = join(dir, "empty.png");
    writeFileSync(path, pngBytes(0, 8));
    await rejects(
      simulate(analyze(wrap([3, 8, 8], ["conv(4, 3)"])), undefined, { input: path }),
      /empty\.png: the PNG header says the picture is 0×8 pixels/,
    );
  });
});

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
