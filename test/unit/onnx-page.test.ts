// The .onnx editor's page: names from the file are escaped, the only script and style carry the CSP's nonce, and a
// refused model shows its sentence and no buttons.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { onnxPageHtml } from "../../client/src/onnx-page.js";

const hostile = `<img src=x onerror="alert(1)">&"`;

describe("onnxPageHtml", () => {
  it("shows the model's name, input, outputs and parameters, escaping every name", () => {
    const html = onnxPageHtml(`${hostile}.onnx`, {
      text: "",
      model: hostile,
      document: "cnnlens-onnx:/m/x.onnx.cnn",
      input: [3, 224, 224],
      outputs: [
        { name: hostile, shape: [1000] },
        { name: "aux", shape: null },
      ],
      params: 11_689_512,
      tensors: 102,
    });
    assert.doesNotMatch(html, /<img/);
    assert.match(html, /<h2>&lt;img src=x onerror=&quot;alert\(1\)&quot;&gt;&amp;&quot;<\/h2>/);
    assert.match(html, /<dd>3×224×224<\/dd>/);
    assert.match(html, /<dt>outputs<\/dt><dd>&lt;img[^<]* 1000, aux –<\/dd>/);
    assert.match(html, /<dt>parameters<\/dt><dd>11\.69 M<\/dd>/);
    assert.match(html, /<button id="open">Open as CNN<\/button> <button id="save">Save as \.cnn…<\/button>/);
  });

  it("allows only its own nonced script and style", () => {
    const html = onnxPageHtml("m.onnx", undefined);
    const csp = /content="default-src 'none'; style-src 'nonce-([^']+)'; script-src 'nonce-([^']+)';"/.exec(html);
    assert.ok(csp, "a strict Content-Security-Policy");
    assert.equal(csp[1], csp[2]);
    const nonces = [...html.matchAll(/<(script|style) nonce="([^"]+)"/g)].map((m) => m[2]);
    assert.deepEqual(nonces, [csp[1], csp[1]]);
    assert.equal(html.match(/<script/g)?.length, 1);
    assert.match(html, /Importing…/);
    assert.notEqual(onnxPageHtml("m.onnx", undefined), html, "a fresh nonce for every page");
  });

  it("shows a refusal as its sentence, escaped, without buttons", () => {
    const html = onnxPageHtml("m.onnx", { refusal: `/m/m.onnx: node '${hostile}' (Erf): the language has no erf` });
    assert.match(html, /cannot open this model as CNN/);
    assert.match(html, /node '&lt;img src=x onerror=&quot;alert\(1\)&quot;&gt;&amp;&quot;' \(Erf\)/);
    assert.doesNotMatch(html, /<button/);
  });
});
