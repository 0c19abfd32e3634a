// Copies the parts of onnxruntime-node that run on this platform (and onnxruntime-common) next to the server
// bundle, so the .vsix can simulate without shipping every platform's 300 MB (vsce --target picks the platform).
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";

const target = join("dist", "node_modules");
rmSync(target, { recursive: true, force: true });
const copy = (from, to = from) => {
  mkdirSync(join(target, to, ".."), { recursive: true });
  cpSync(join("node_modules", from), join(target, to), { recursive: true });
};

copy("onnxruntime-common/package.json");
copy("onnxruntime-common/dist");
copy("onnxruntime-node/package.json");
for (const f of readdirSync(join("node_modules", "onnxruntime-node", "dist")).filter((f) => f.endsWith(".js")))
  copy(`onnxruntime-node/dist/${f}`);
// The native binding is loaded from bin/napi-v*/<platform>/<arch>/; only this machine's is needed.
const bin = join("node_modules", "onnxruntime-node", "bin");
for (const napi of readdirSync(bin)) {
  const here = join(napi, process.platform, process.arch);
  if (existsSync(join(bin, here))) copy(join("onnxruntime-node", "bin", here));
}
console.log(`staged onnxruntime-node for ${process.platform}-${process.arch} in ${target}`);
