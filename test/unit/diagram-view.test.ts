// What the diagram webview shows of a model's graph: collapsed groups, boxes, sections, edges, the cursor.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { highlightIds } from "../../client/src/diagram/cursor.js";
import { elkGraph } from "../../client/src/diagram/elk-graph.js";
import { visibleGraph, SECTION_SIZE, type VisibleNode } from "../../client/src/diagram/visible-graph.js";
import { diagramOf } from "../../server/src/report/diagram.js";
import { analyze, lineOf, readRepoFile } from "./helpers.js";

function data(text: string) {
  const d = diagramOf(analyze(text), { version: 1, lineOf: (o) => lineOf(text, o) });
  assert.ok(d);
  return d;
}
const titles = (nodes: VisibleNode[]) => nodes.map((n) => n.title);

describe("the diagram's visible graph", () => {
  const resnet = readRepoFile("examples/resnet50.cnn");
  const d = data(resnet);

  it("ResNet-50 starts with its block uses and repeats as single nodes", () => {
    const g = visibleGraph(d, { toggled: new Set() });
    assert.deepEqual(titles(g.roots).slice(0, 7), [
      "input",
      "conv1",
      "batchnorm1",
      "relu1",
      "maxpool1",
      "Bottleneck1 · Bottleneck",
      "repeat1 · repeat",
    ]);
    assert.ok(g.roots.every((n) => !n.children));
    assert.equal(g.roots.length, 1 + 4 + 8 + 3); // input, stem, 4 uses and 4 repeats, head
    // Edges between what is visible, each once, labelled with the shape that flows.
    const labels = g.edges.map((e) => `${e.from}>${e.to} ${e.label}`);
    assert.equal(new Set(labels).size, labels.length);
    const bottleneck = g.roots[5]!.id;
    assert.deepEqual(
      g.edges.filter((e) => e.from === bottleneck || e.to === bottleneck).map((e) => e.label),
      ["64×56×56", "256×56×56"],
    );
  });

  it("an expanded block use is a box holding its residual box, whose add joins the two paths", () => {
    const g = visibleGraph(d, { toggled: new Set(["g1"]) });
    const box = g.roots.find((n) => n.id === "g1")!;
    assert.ok(box.children);
    const residual = box.children.find((n) => n.role === "group residual")!;
    assert.ok(residual.children?.some((n) => n.title === "add"));
    const add = residual.children!.find((n) => n.title === "add")!.id;
    assert.equal(g.edges.filter((e) => e.to === add).length, 2);
    // Each edge sits in the innermost box holding both ends, as ELK wants.
    const inResidual = g.edges.filter((e) => e.to === add);
    assert.ok(inResidual.every((e) => e.container === residual.id));
    const elk = elkGraph(g);
    assert.ok(elk.children!.find((c) => c.id === "g1")!.children!.length > 0);
  });

  it("the cursor on a layer of a block's definition marks every collapsed use of the block", () => {
    const g = visibleGraph(d, { toggled: new Set() });
    const offset = resnet.indexOf("conv(width, 1");
    const ids = highlightIds(d, g, offset, lineOf(resnet, offset));
    // Bottleneck1, the 3 uses outside repeats and the 4 repeats (their uses are inside).
    assert.deepEqual(ids.map((id) => g.roots.find((n) => n.id === id)?.title.split(" ")[0]).sort(), [
      "Bottleneck1",
      "Bottleneck2",
      "Bottleneck3",
      "Bottleneck4",
      "repeat1",
      "repeat2",
      "repeat3",
      "repeat4",
    ]);
    // On a line of the model with nothing under the cursor itself, the line's first node.
    const line = lineOf(resnet, resnet.indexOf("maxpool(3"));
    assert.deepEqual(highlightIds(d, g, resnet.indexOf("maxpool(3") - 1, line), ["a4"]);
  });

  it("6,000 layers become sections of sections, none with more than SECTION_SIZE children", () => {
    const lines = Array.from({ length: 3000 }, () => "  conv(8, 3, padding: 1) -> relu");
    const deep = data(`model Deep {\n  input(8, 16, 16)\n${lines.join("\n")}\n}\n`);
    const g = visibleGraph(deep, { toggled: new Set() });
    assert.ok(g.roots.length <= SECTION_SIZE && g.roots.every((n) => n.kind === "section"));
    const opened = visibleGraph(deep, { toggled: new Set([g.roots[3]!.id]) });
    const section = opened.roots[3]!;
    assert.ok(section.children && section.children.length <= SECTION_SIZE);
    assert.ok(opened.edges.some((e) => e.container === section.id));
    // Every atom is shown by something visible.
    assert.ok(opened.repOfAtom.every((id) => typeof id === "string"));
  });
});
