// The hostile corpus (test/hostile/corpus/ plus the bombs of generated.ts) through the CLI, the language
// server and both exporters: no crash, no stack trace, no hang past a stated bound, memory under a bound.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { TestClient } from "../lsp/lsp-client.js";
import { repoRoot } from "../unit/helpers.js";
import type { CommandOutcome } from "./cli-suite.js";
import { generatedTexts, type HostileText } from "./generated.js";

/** Every command of the CLI on one input, together, may take this long (generous: CI machines are shared). */
const cliBoundMs = 90_000;
/** Peak resident memory of the process that ran them all. */
const cliBoundMiB = 1024;
/** One LSP request on one input. */
const requestBoundMs = 30_000;

const corpusDir = join(repoRoot, "test", "hostile", "corpus");
const inputs: HostileText[] = [
  ...readdirSync(corpusDir)
    .filter((f) => f.endsWith(".cnn"))
    .sort()
    .map((f) => ({ name: f, text: readFileSync(join(corpusDir, f), "latin1") })),
  ...generatedTexts(),
];

/** A stack trace, a raw JavaScript error or an errno code: what a user must never read. */
const leaked =
  /\n\s+at [\w.<]|\b(TypeError|RangeError|ReferenceError|SyntaxError|Maximum call stack)\b|\bE[A-Z]{3,}\b:/;

describe("the hostile corpus through every CLI command", () => {
  const dir = mkdtempSync(join(tmpdir(), "cnnlens-corpus-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  // Two children at a time (the machine's cores); each test waits for its own child.
  const results = inPool(
    inputs.map((input, i) => () => {
      const file = join(dir, `input${i}.cnn`);
      writeFileSync(file, input.text, input.name.endsWith(".cnn") ? "latin1" : "utf8");
      // --expose-gc: the suite collects between commands, which a user runs as separate processes each.
      return runChild(["--expose-gc", join(repoRoot, "out", "test", "hostile", "cli-suite.js"), file], cliBoundMs);
    }),
    2,
  );
  inputs.forEach((input, i) => {
    it(input.name, async () => {
      const child = await results[i]!;
      assert.equal(
        child.signal,
        null,
        `ended by ${child.signal} (a hang past ${cliBoundMs} ms, or a crash): ${child.stderr}`,
      );
      assert.equal(child.status, 0, child.stderr);
      const { outcomes, maxRssMiB } = JSON.parse(child.stdout) as { outcomes: CommandOutcome[]; maxRssMiB: number };
      for (const o of outcomes) {
        assert.notEqual(o.code, "threw", `${o.args.join(" ")} threw:\n${o.err}`);
        assert.ok([0, 1, 2].includes(o.code as number), `${o.args.join(" ")}: exit ${o.code}`);
        assert.doesNotMatch(o.err, leaked, `${o.args.join(" ")} leaked an internal error:\n${o.err}`);
      }
      assert.ok(maxRssMiB < cliBoundMiB, `peak memory ${maxRssMiB.toFixed(0)} MiB, bound ${cliBoundMiB} MiB`);
    });
  });
});

interface ChildResult {
  status: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

/** Runs node with args, killing it after boundMs. */
function runChild(args: string[], boundMs: number): Promise<ChildResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), boundMs);
    child.on("close", (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr });
    });
  });
}

/** Starts the tasks at most `width` at a time; the promises resolve in the tasks' order. */
function inPool<T>(tasks: (() => Promise<T>)[], width: number): Promise<T>[] {
  let next = 0;
  const settled: Promise<T>[] = [];
  const lanes: Promise<void>[] = [];
  const resolvers = tasks.map(() => {
    let resolve!: (value: T) => void;
    settled.push(
      new Promise<T>((r) => {
        resolve = r;
      }),
    );
    return resolve;
  });
  for (let lane = 0; lane < width; lane++) {
    lanes.push(
      (async () => {
        while (next < tasks.length) {
          const i = next++;
          resolvers[i]!(await tasks[i]!());
        }
      })(),
    );
  }
  return settled;
}

describe("the hostile corpus through the language server", () => {
  const client = new TestClient();
  before(() => client.initialize());
  after(() => client.stop());

  inputs.forEach((input, i) => {
    it(input.name, async () => {
      const uri = `file:///hostile/input${i}.cnn`;
      await client.open(uri, input.text);
      await within(client.diagnosticsFor(uri), "diagnostics");
      const lines = input.text.split(/\r\n|\r|\n/);
      const middle = { line: Math.floor(lines.length / 2), character: 3 };
      const end = { line: lines.length - 1, character: lines[lines.length - 1]!.length };
      const doc = { textDocument: { uri } };
      const requests: [string, unknown][] = [
        ["textDocument/documentSymbol", doc],
        ["textDocument/hover", { ...doc, position: middle }],
        ["textDocument/inlayHint", { ...doc, range: { start: { line: 0, character: 0 }, end } }],
        ["textDocument/semanticTokens/full", doc],
        ["textDocument/foldingRange", doc],
        ["textDocument/codeLens", doc],
        ["textDocument/completion", { ...doc, position: end }],
        ["textDocument/signatureHelp", { ...doc, position: middle }],
        ["textDocument/definition", { ...doc, position: middle }],
        ["textDocument/references", { ...doc, position: middle, context: { includeDeclaration: true } }],
        ["textDocument/formatting", { ...doc, options: { tabSize: 2, insertSpaces: true } }],
        ["textDocument/codeAction", { ...doc, range: { start: middle, end: middle }, context: { diagnostics: [] } }],
      ];
      for (const [method, params] of requests) {
        const answer = await within(client.request<unknown>(method, params), method);
        if (method === "textDocument/formatting" && Array.isArray(answer)) {
          const size = (answer as { newText: string }[]).reduce((s, e) => s + e.newText.length, 0);
          assert.ok(
            size <= 4 * input.text.length + 4096,
            `formatting produced ${size} characters from ${input.text.length}`,
          );
        }
      }
      await client.connection.sendNotification("textDocument/didClose", doc);
      assert.equal(client.exited, false, "the server is still running");
    });
  });
});

/** Resolves as the promise does, or fails the test once the request bound has passed. */
async function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${requestBoundMs} ms`)), requestBoundMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
