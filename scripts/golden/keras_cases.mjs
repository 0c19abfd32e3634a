// Writes test/golden/keras/: single-layer shapes, parameter counts and refusals as Keras (TF.js layers) has them.
//
// Run: node scripts/golden/keras_cases.mjs (part of `npm run golden`). TensorFlow cannot be installed here;
// @tensorflow/tfjs (a development dependency, pure JavaScript CPU backend) implements the Keras layers API with
// Keras' shape rules, so it is the oracle for `framework keras`. Offline and deterministic: only shapes and
// parameter counts are recorded. Each case pairs ONE line of the .cnn language (keras framework, input in
// channels-last layout) with the TF.js layer a Keras user would build; an exception, or a size of 0 or below
// that TF.js returns silently where TensorFlow raises, is recorded as a refusal. Where TF.js cannot build what
// Keras 3 has, the case says why (`unavailable`) and the test skips it with that reason.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { CASES, EXAMPLES } from "./keras_cases_list.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const OUT = join(ROOT, "test", "golden", "keras");

// TF.js greets Node users on the console when its backend starts: silence that banner, keep every other message.
const { log, warn } = console;
const quiet =
  (print) =>
  (...a) =>
    /tfjs-node|^=+$/.test(String(a[0]).trim()) ? undefined : print(...a);
console.log = quiet(log);
console.warn = quiet(warn);
const tf = await import("@tensorflow/tfjs");
await tf.setBackend("cpu");

const size = (shape) => shape.reduce((p, d) => p * d, 1);
const weightsOf = (ws) => ws.reduce((n, w) => n + size(w.shape), 0);

/** Builds `exprs` (TF.js layer expressions, in order) on `input`; output shape and counts per layer, or the refusal. */
function build(input, exprs) {
  return tf.tidy(() => {
    try {
      let x = tf.input({ shape: input });
      const layers = [];
      for (const expr of exprs) {
        const layer = new Function("layers", `return layers.${expr};`)(tf.layers);
        x = layer.apply(x);
        const shape = x.shape.slice(1);
        if (shape.some((d) => d === null || d <= 0)) {
          return { error: `size ${shape.join("x")} (TF.js returns sizes <= 0 silently where TensorFlow raises)` };
        }
        layers.push({
          outputShape: shape,
          trainable: weightsOf(layer.trainableWeights),
          nonTrainable: weightsOf(layer.nonTrainableWeights),
        });
      }
      // A forward pass on zeros confirms the inferred shape (and refuses what only the kernels check).
      const y = runOnZeros(input, exprs);
      const last = layers[layers.length - 1];
      if (JSON.stringify(y) !== JSON.stringify(last.outputShape)) {
        return { error: `forward pass gives ${y.join("x")}, inference ${last.outputShape.join("x")}` };
      }
      return { layers };
    } catch (e) {
      const message = `${e.name}: ${String(e.message).split("\n")[0]}`;
      // A kernel TF.js' CPU backend lacks (batchnorm on 5-D tensors) is TF.js' gap, not a Keras refusal.
      if (/not implemented/i.test(message)) return { unavailable: `TF.js: ${message}` };
      // TF.js names layers with a running count (conv2d_Conv2D46): only the class is data.
      return { error: message.replace(/layer (\w+?)_\w+?\d+/, "layer $1") };
    }
  });
}

function runOnZeros(input, exprs) {
  const inp = tf.input({ shape: input });
  let x = inp;
  for (const expr of exprs) x = new Function("layers", `return layers.${expr};`)(tf.layers).apply(x);
  const model = tf.model({ inputs: inp, outputs: x });
  const y = model.predict(tf.zeros([1, ...input]));
  return y.shape.slice(1);
}

function runCase(c) {
  if (c.unavailable) return { ...c, expect: { unavailable: c.unavailable } };
  const r = build(c.input, [c.tfjs]);
  if ("unavailable" in r) return { ...c, expect: { unavailable: r.unavailable } };
  if ("error" in r) return { ...c, expect: { error: r.error } };
  const { outputShape, trainable, nonTrainable } = r.layers[0];
  return { ...c, expect: { outputShape, trainable, nonTrainable } };
}

function main() {
  const ids = CASES.map((c) => c.id);
  const dupes = ids.filter((id, i) => ids.indexOf(id) !== i);
  if (dupes.length) throw new Error(`duplicate ids: ${dupes.join(", ")}`);
  mkdirSync(OUT, { recursive: true });
  const cases = CASES.map(runCase);
  const doc = { generator: "scripts/golden/keras_cases.mjs", tfjs: tf.version.tfjs, cases };
  writeFileSync(join(OUT, "edge-cases.json"), JSON.stringify(doc, null, 2) + "\n");
  const errors = cases.filter((c) => "error" in c.expect).length;
  const skipped = cases.filter((c) => "unavailable" in c.expect).length;
  const normal = cases.length - errors - skipped;
  const counts = `${normal} normal, ${errors} refused, ${skipped} unavailable in TF.js`;
  console.error(`${join(OUT, "edge-cases.json")}: ${cases.length} cases (${counts})`);
  const examples = EXAMPLES.map((e) => {
    const r = build(
      e.input,
      e.layers.map((l) => l[1]),
    );
    if (!("layers" in r)) throw new Error(`${e.file}: TF.js cannot build it: ${r.error ?? r.unavailable}`);
    return {
      file: e.file,
      input: e.input,
      layers: e.layers.map(([name, tfjs], i) => ({ name, tfjs, ...r.layers[i] })),
    };
  });
  writeFileSync(
    join(OUT, "examples.json"),
    JSON.stringify({ generator: "scripts/golden/keras_cases.mjs", tfjs: tf.version.tfjs, examples }, null, 2) + "\n",
  );
  console.error(`${join(OUT, "examples.json")}: ${examples.length} models`);
}

main();
