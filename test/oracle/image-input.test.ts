// A PNG or JPEG input: decoded, resized with half-pixel centres, normalised with ImageNet's statistics.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import jpeg from "jpeg-js";
import { PNG } from "pngjs";
import { IMAGENET_MEAN, IMAGENET_STD } from "../../server/src/simulation/image-input.js";
import { readInputFile } from "../../server/src/simulation/inputs.js";
import { simulate } from "../../server/src/simulation/simulate.js";
import { analyze, readRepoFile } from "../unit/helpers.js";

const dir = mkdtempSync(join(tmpdir(), "cnnlens-image-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A 4×2 picture: the left half pure red, the right half pure blue. */
function picture(): { width: number; height: number; data: Buffer } {
  const width = 4,
    height = 2;
  const data = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) data.set(x < 2 ? [255, 0, 0, 255] : [0, 0, 255, 255], (y * width + x) * 4);
  return { width, height, data };
}

const normalised = (value: number, ch: number) => (value / 255 - IMAGENET_MEAN[ch]!) / IMAGENET_STD[ch]!;

describe("image input", () => {
  it("a PNG becomes 3×H×W, normalised, in PyTorch's layout; resized with half-pixel centres", async () => {
    const png = new PNG({ width: 4, height: 2 });
    picture().data.copy(png.data);
    const path = join(dir, "halves.png");
    writeFileSync(path, PNG.sync.write(png));
    const t = await readInputFile(path, { sample: [3, 2, 2], framework: "pytorch", batch: 1, seed: 0 }, false);
    assert.deepEqual(t.shape, [1, 3, 2, 2]);
    // Output pixel 0 samples input x = 0.5 (between two red pixels), pixel 1 samples x = 2.5 (blue).
    const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-5, `${a} vs ${b}`);
    close(t.data[0]!, normalised(255, 0));
    close(t.data[1]!, normalised(0, 0));
    close(t.data[2 * 2 * 2 + 1]!, normalised(255, 2));
  });
  it("a JPEG in a keras model comes out H×W×3", async () => {
    const path = join(dir, "halves.jpg");
    writeFileSync(path, jpeg.encode(picture(), 100).data);
    const t = await readInputFile(path, { sample: [2, 4, 3], framework: "keras", batch: 1, seed: 0 }, false);
    assert.deepEqual(t.shape, [1, 2, 4, 3]);
    assert.ok(t.data[0]! > 1.5 && t.data[2]! < -1.5, "red left, no blue there");
  });
  it("refuses a model that does not take a 3-channel picture, and a file that is not an image", async () => {
    const path = join(dir, "halves.png");
    await assert.rejects(
      readInputFile(path, { sample: [1, 28, 28], framework: "pytorch", batch: 1, seed: 0 }, false),
      /needs a model with a 3-channel 2-D input/,
    );
    const fake = join(dir, "fake.png");
    writeFileSync(fake, "not a png");
    await assert.rejects(
      readInputFile(fake, { sample: [3, 8, 8], framework: "pytorch", batch: 1, seed: 0 }, false),
      /is not a readable PNG image/,
    );
  });
  it("a simulation runs on a picture", async () => {
    const report = await simulate(analyze(readRepoFile("examples/keras_smallnet.cnn")), undefined, {
      input: join(dir, "halves.jpg"),
    });
    assert.equal(report.input.source, join(dir, "halves.jpg"));
    assert.deepEqual(report.input.shape, [1, 32, 32, 3]);
  });
});
