// Fails when the TypeScript sources import in a cycle: between files, or between folders (layering).
//
// Why our own and not madge: madge needs a TypeScript resolver and a dependency tree we do not otherwise
// carry; the sources use only relative `import … from "./x.js"` (and `import("./x.js")`), so a regex over
// each file finds every edge. Type-only imports count too: a type cycle is still a layering cycle.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const roots = ["server/src", "grammar", "client/src", "bin"].map((d) => join(root, d));
// `import … from "./x.js"`, `export … from "./x.js"`, `import("./x.js")` and `import "./x.js"`.
const importPattern = new RegExp(
  [
    /(?:^|[\s;])(?:import|export)\s[^;]*?from\s*["'](\.[^"']+)["']/.source,
    /import\(\s*["'](\.[^"']+)["']\s*\)/.source,
    /(?:^|[\s;])import\s*["'](\.[^"']+)["']/.source,
  ].join("|"),
  "g",
);

/** Every .ts file under `dir` (tests and generated output excluded). */
function sources(dir) {
  let out = [];
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    const path = join(dir, name);
    if (name === "node_modules" || name === "out" || name === "dist") continue;
    if (statSync(path).isDirectory()) out = out.concat(sources(path));
    else if (name.endsWith(".ts") && !name.endsWith(".d.ts")) out.push(path);
  }
  return out;
}

/** file → the files it imports (relative imports only; `.js` resolves to the `.ts` source). */
function fileGraph() {
  const graph = new Map();
  for (const file of roots.flatMap(sources)) {
    const text = readFileSync(file, "utf8");
    const edges = new Set();
    for (const m of text.matchAll(importPattern)) {
      const spec = m[1] ?? m[2] ?? m[3];
      edges.add(resolve(dirname(file), spec.replace(/\.js$/, ".ts")));
    }
    graph.set(
      file,
      [...edges].filter((e) => e !== file),
    );
  }
  return graph;
}

/** The cycles of a graph, one per strongly connected component with more than one node (Tarjan). */
function cycles(graph) {
  let index = 0;
  const stack = [],
    onStack = new Set(),
    idx = new Map(),
    low = new Map(),
    out = [];
  const visit = (v) => {
    idx.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const component = [];
      let w;
      do {
        w = stack.pop();
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) out.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return out;
}

/**
 * The layer a file belongs to: a top folder of server/src (`analysis`, with `analysis/layers` inside it), a
 * file directly in server/src (`main.ts`, `protocol.ts`), or one of the other roots (`grammar`, `bin`).
 */
function unitOf(file) {
  const top = roots.find((r) => file.startsWith(r + "/")) ?? dirname(file);
  if (top !== roots[0]) return top;
  const rest = relative(top, file).split("/");
  return rest.length === 1 ? file : join(top, rest[0]);
}

const files = fileGraph();
const folders = new Map();
for (const [file, edges] of files) {
  const from = unitOf(file);
  const set = folders.get(from) ?? new Set();
  for (const e of edges) if (unitOf(e) !== from) set.add(unitOf(e));
  folders.set(from, set);
}
for (const e of [...folders.values()].flatMap((s) => [...s])) if (!folders.has(e)) folders.set(e, new Set());
const folderGraph = new Map([...folders].map(([k, v]) => [k, [...v]]));

const rel = (p) => relative(root, p) || ".";
const text = (cycle) => cycle.map(rel).join(" ↔ ");
const fileCycles = cycles(files).map(text),
  folderCycles = cycles(folderGraph).map(text);
for (const c of fileCycles) console.error(`file cycle: ${c}`);
for (const c of folderCycles) console.error(`folder cycle: ${c}`);
console.log(
  `check-cycles: ${files.size} files, ${folderGraph.size} layers (top folders and root files): ` +
    `${fileCycles.length} file cycles, ${folderCycles.length} folder cycles`,
);
if (fileCycles.length + folderCycles.length > 0) process.exit(1);
