// `cnnlens/diagram` over stdio: the graph the diagram webview draws, with shapes on its edges and groups that
// start collapsed, computed from the server's cached analysis.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { DiagramData } from "../../server/src/protocol.js";
import { readRepoFile } from "../unit/helpers.js";
import { TestClient } from "./lsp-client.js";
import { vscodeProfile } from "./profiles/index.js";

const client = new TestClient(vscodeProfile);
before(() => client.initialize());
after(() => client.stop());

let counter = 0;
async function diagram(text: string, params: { offset?: number; model?: string } = {}): Promise<DiagramData> {
  const uri = `file:///test/diagram${++counter}.cnn`;
  await client.open(uri, text);
  const data = await client.request<DiagramData | null>("cnnlens/diagram", { uri, ...params });
  assert.ok(data, "a diagram");
  return data;
}

/** Each edge as `from -> to: shape`, by the atoms' names. */
function edges(d: DiagramData): string[] {
  return d.edges.map(([a, b, s]) => `${d.atoms[a]!.name} -> ${d.atoms[b]!.name}: ${s ? s.join("×") : "?"}`);
}

describe("cnnlens/diagram", () => {
  it("ResNet-50: every edge carries its tensor's shape, block uses and repeats start collapsed", async () => {
    const d = await diagram(readRepoFile("examples/resnet50.cnn"));
    assert.equal(d.model, "ResNet50");
    assert.equal(d.errors, 0);
    assert.equal(d.params, 25_557_032);
    const all = edges(d);
    assert.deepEqual(all.slice(0, 4), [
      "input -> conv1: 3×224×224",
      "conv1 -> batchnorm1: 64×112×112",
      "batchnorm1 -> relu1: 64×112×112",
      "relu1 -> maxpool1: 64×112×112",
    ]);
    // The first bottleneck's add joins the main path and the projection, and its relu reads the sum.
    assert.ok(all.includes("Bottleneck1.batchnorm3 -> add: 256×56×56"), all.join("\n"));
    assert.ok(all.includes("Bottleneck1.batchnorm4 -> add: 256×56×56"), all.join("\n"));
    assert.ok(all.includes("add -> Bottleneck1.relu3: 256×56×56"), all.join("\n"));
    assert.equal(d.atoms[d.output]?.name, "dense1");
    assert.ok(d.edges.every(([, , s]) => s !== null));
    const kinds = (k: string) => d.groups.filter((g) => g.kind === k);
    assert.equal(kinds("block").length, 16);
    assert.ok([...kinds("block"), ...kinds("repeat")].every((g) => g.collapsed));
    assert.ok(kinds("residual").every((g) => !g.collapsed));
    // A bottleneck inside a repeat sits in the repeat; its layers and its add sit in it (through the residual).
    const repeat = d.groups.findIndex((g) => g.kind === "repeat");
    const inner = d.groups.findIndex((g) => g.kind === "block" && g.parent === repeat);
    assert.ok(inner >= 0);
    const within = (group: number, outer: number): boolean =>
      group === outer || (group >= 0 && within(d.groups[group]!.parent, outer));
    const prefix = `${d.groups[inner]!.name}.`;
    const ofInner = d.atoms.filter((a) => a.name.startsWith(prefix));
    assert.equal(ofInner.length, 9);
    assert.ok(ofInner.every((a) => within(a.group, inner)));
    assert.equal(d.atoms.filter((a) => a.kind === "add" && within(a.group, inner)).length, 1);
    assert.deepEqual(d.groups[inner]!.output, [256, 56, 56]);
  });

  it("DenseNet-121: each dense layer's concat has the two branches' shapes and the joined one", async () => {
    const d = await diagram(readRepoFile("examples/densenet121.cnn"));
    const first = d.atoms.findIndex((a) => a.kind === "concat");
    assert.deepEqual(d.atoms[first]!.output, [96, 56, 56]);
    const into = d.edges.filter(([, b]) => b === first).map(([, , s]) => s!.join("×"));
    assert.deepEqual(into.sort(), ["32×56×56", "64×56×56"]);
    const owner = d.groups[d.atoms[first]!.group]!;
    assert.equal(owner.kind, "concat");
    assert.equal(d.groups[owner.parent]!.definition, "DenseLayer");
  });

  it("a label merge's node points at its keyword; a model with an error is still drawn past it", async () => {
    const text =
      "model M {\n  input(3, 8, 8)\n  a: conv(4, 3, padding: 1)\n  relu\n  add(a)\n  conv(8, 9)\n  relu\n}\n";
    const d = await diagram(text);
    const add = d.atoms.find((a) => a.kind === "add")!;
    assert.equal(text.slice(add.span[0], add.span[1]), "add");
    assert.equal(add.line, 4);
    assert.deepEqual(add.output, [4, 8, 8]);
    // conv(8, 9) does not fit 8×8: the error stops the shapes, the layers after it still follow in a chain.
    assert.ok(d.errors > 0);
    assert.deepEqual(edges(d).slice(-2), ["add -> conv1: 4×8×8", "conv1 -> relu2: ?"]);
  });

  it("the cursor chooses the model: its own text, or a block it uses; elsewhere the shown one stays", async () => {
    const text =
      "block B(c) {\n  conv(c, 3, padding: 1)\n}\n" +
      "model One {\n  input(3, 8, 8)\n  conv(4, 1)\n}\n" +
      "model Two {\n  input(3, 8, 8)\n  B(5)\n}\n";
    assert.equal((await diagram(text, { offset: text.indexOf("conv(4") })).model, "One");
    assert.equal((await diagram(text, { offset: text.indexOf("B(5)") })).model, "Two");
    assert.equal((await diagram(text, { offset: text.indexOf("conv(c") })).model, "Two");
    assert.equal((await diagram(text, { offset: text.indexOf("}\nmodel Two") + 1, model: "One" })).model, "One");
    const two = await diagram(text, { model: "Two" });
    assert.deepEqual(two.models, ["One", "Two"]);
    assert.deepEqual(
      two.blockSpans.map(([s, e]) => text.slice(s, e).split("\n")[0]),
      ["block B(c) {"],
    );
  });
});
