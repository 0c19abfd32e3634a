// The summary view's rows (client/src/summary-rows.ts, from the server's table JSON) against `cnnlens summary`:
// at every depth the rows the view shows with the nodes above that depth expanded are the CLI's --depth rows,
// cell for cell; sorting and collapsing keep every figure.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { run } from "../../bin/cli.js";
import { allNodes, cellTexts, summaryTree, visibleRows, type SummaryNode } from "../../client/src/summary-rows.js";
import { analyze } from "../../server/src/analysis/index.js";
import { toTableJson } from "../../server/src/report/json.js";

const root = join(import.meta.dirname, "../../..");
const files = [
  ...readdirSync(join(root, "examples")).map((f) => join("examples", f)),
  ...readdirSync(join(root, "test/fixtures"))
    .filter((f) => f.endsWith(".cnn"))
    .map((f) => join("test/fixtures", f)),
  // Figures past 2^53: the layer where they overflow shows `overflow` in both.
  ...readdirSync(join(root, "test/hostile/corpus"))
    .filter((f) => f.endsWith("-overflow.cnn"))
    .map((f) => join("test/hostile/corpus", f)),
].filter((f) => f.endsWith(".cnn"));

/** The CLI's rows of one model as cell texts: name, kind, output, params, macs, memory. */
async function cliRows(file: string, model: string, depth: number | undefined): Promise<string[][]> {
  const out: string[] = [];
  const io = {
    readFile: (p: string) => readFileSync(join(root, p), "utf8"),
    writeFile() {},
    out: (t: string) => void out.push(t),
    err() {},
  };
  const args = ["summary", file, "--model", model, "--width", "2000", "--columns", "kind,output,params,macs,memory"];
  await run([...args, ...(depth === undefined ? [] : ["--depth", String(depth)])], io);
  const lines = out.join("\n").split("\n");
  const rules = lines.flatMap((l, i) => (/^=+$/.test(l) ? [i] : []));
  return lines.slice(rules[1]! + 1, rules[2]).map((l) => l.trim().split(/ {2,}/));
}

function viewRows(nodes: SummaryNode[], depth: number | undefined): string[][] {
  const expanded = (n: SummaryNode) => depth === undefined || n.name.split(".").length < depth;
  return visibleRows(nodes, expanded)
    .filter((r) => !r.node.children.length || !expanded(r.node))
    .map(({ node }) => {
      const c = cellTexts(node);
      return [node.name, node.kind, c.output, c.params, c.macs, c.memory];
    });
}

describe("the summary view's rows equal cnnlens summary's", () => {
  for (const file of files) {
    it(file, async () => {
      const text = readFileSync(join(root, file), "utf8");
      const doc = toTableJson(analyze(text), text);
      for (const model of doc.models) {
        const tree = summaryTree(model);
        for (const depth of [undefined, 1, 2, 3]) {
          assert.deepEqual(
            viewRows(tree, depth),
            await cliRows(file, model.name, depth),
            `${model.name} depth ${depth}`,
          );
        }
      }
    });
  }
});

describe("the summary view's tree", () => {
  const text = readFileSync(join(root, "examples/resnet50.cnn"), "utf8");
  const model = toTableJson(analyze(text), text).models[0]!;
  const tree = summaryTree(model);

  it("rolls up every figure: the top rows add up to the model's totals", () => {
    assert.equal(
      tree.reduce((s, n) => s + n.params!, 0),
      model.params.total,
    );
    assert.equal(
      tree.reduce((s, n) => s + n.macs!, 0),
      model.macs,
    );
    assert.equal(
      tree.reduce((s, n) => s + n.memory!, 0),
      model.memory.activations,
    );
  });

  it("collapsed, a repeat is one row; expanded, its iterations follow it one level deeper", () => {
    const collapsed = visibleRows(tree, () => false);
    const repeat = collapsed.find((r) => r.node.kind === "repeat")!;
    assert.ok(repeat, collapsed.map((r) => r.node.name).join(", "));
    const open = visibleRows(tree, (n) => n === repeat.node);
    const at = open.findIndex((r) => r.node === repeat.node);
    assert.equal(open.length, collapsed.length + repeat.node.children.length);
    assert.deepEqual(
      open.slice(at + 1, at + 1 + repeat.node.children.length).map((r) => r.depth),
      repeat.node.children.map(() => 1),
    );
  });

  it("sorts siblings by MACs, largest first, and back to the file's order", () => {
    const sorted = visibleRows(tree, () => false, { key: "macs", descending: true }).map((r) => r.node.macs!);
    assert.deepEqual(
      sorted,
      [...sorted].sort((a, b) => b - a),
    );
    const order = visibleRows(tree, () => false).map((r) => r.node.order);
    assert.deepEqual(
      order,
      [...order].sort((a, b) => a - b),
    );
  });

  it("reveals a block use's line, not the line of its first layer inside the block", () => {
    const lines = text.split("\n");
    const use = allNodes(tree).find((n) => n.kind === "Bottleneck")!;
    assert.match(lines[use.line]!, /Bottleneck\(/);
    const layer = use.children[0]!;
    assert.match(lines[layer.line]!, /conv\(/);
  });

  it("sends the layers as one list per field, each field's name once rather than once per layer", () => {
    const json = JSON.stringify(model.layers);
    assert.equal(json.match(/"kind":/g)?.length, 1);
    assert.equal(model.layers.name.length, model.layers.outputShape.length);
    assert.ok(model.layers.name.length > 50, `${model.layers.name.length} layers`);
  });

  it("sends no receptive fields, input shapes or merge groups to the view", () => {
    const json = JSON.stringify(model);
    assert.doesNotMatch(json, /receptiveField|inputShape"|"residual"/);
  });
});
