// A second, real LSP client: Neovim's built-in one, headless and without plugins, runs test/lsp/nvim/init.lua
// against the bundled server. Skipped only where nvim is not installed (CI installs Debian's `neovim`).
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { ClientCapabilities, Diagnostic, MarkupContent } from "vscode-languageserver-protocol";
import { repoRoot } from "../unit/helpers.js";
import { advertises, serverRequestMethods } from "./profiles/index.js";

interface NeovimRun {
  error?: string;
  steps: string[];
  version: { major: number; minor: number; patch: number };
  capabilities: ClientCapabilities;
  /** Every method Neovim looked up a handler for: the server's requests and notifications. */
  methods: string[];
  executeCommands: string[];
  broken: Diagnostic[];
  fixed: Diagnostic[];
  hover: { contents: MarkupContent };
  words: Record<string, string>;
  afterCompletion: Diagnostic[];
  lines: string[];
  lenses: { title: string; command: string }[];
  summaryMessage: string;
  simulationMessage: string;
}

const nvimMissing = spawnSync("nvim", ["--version"]).error !== undefined;
const TIMEOUT_MS = 60_000;

// In CI (where .ci/run installs it) a missing nvim fails the test instead.
const skip = nvimMissing && !process.env.CI ? "nvim is not installed (apt-get install neovim)" : false;

describe("Neovim's built-in LSP client", { skip }, () => {
  let run: NeovimRun;
  let home: string;
  before(
    async () => {
      home = mkdtempSync(join(tmpdir(), "cnnlens-nvim-"));
      run = await runNeovim(home);
    },
    { timeout: TIMEOUT_MS + 5000 },
  );
  after(() => rmSync(home, { recursive: true, force: true }));

  it("runs every step without an error", () => {
    assert.equal(run.error, undefined);
    assert.deepEqual(run.steps, ["diagnostics", "hover", "completion", "code lens", "simulation"]);
  });

  it("attaches and shows the typo's diagnostic; the fixed file has none", () => {
    const diagnostics = run.broken.map((d) => [d.code, d.range.start.line, d.range.start.character]);
    assert.deepEqual(diagnostics, [["unknown-layer", 2, 2]]);
    assert.deepEqual(run.fixed, []);
  });

  it("hovers with the settings Neovim pushed (short: parameters without the receptive field)", () => {
    assert.match(run.hover.contents.value, /`3×8×8` → `8×8×8`[\s\S]*Parameters: 3·3·3·8 \+ 8 = 224/);
    assert.doesNotMatch(run.hover.contents.value, /Receptive field/);
  });

  it("completes plain names (no snippet placeholders), and the inserted layer analyses cleanly", () => {
    assert.equal(run.capabilities.textDocument?.completion?.completionItem?.snippetSupport, false);
    assert.deepEqual(run.words, { conv: "conv", concat: "concat", relu: "relu", residual: "residual" });
    assert.equal(run.lines[3], "  relu");
    assert.deepEqual(run.afterCompletion, []);
  });

  it("runs code lenses through workspace/executeCommand: the summary and the simulation as messages", () => {
    const commands = run.lenses.map((l) => l.command);
    assert.deepEqual(commands, ["cnnlens.server.summary", "cnnlens.server.simulate", "cnnlens.server.summary"]);
    for (const lens of run.lenses) assert.ok(run.executeCommands.includes(lens.command), lens.command);
    assert.match(run.summaryMessage, /Model M \(pytorch\), input 3×8×8[\s\S]*Total params: 224\n/);
    assert.match(run.simulationMessage, /^Simulation of M \(pytorch\) on onnxruntime/);
  });

  it("receives no request it did not advertise", () => {
    const requests = run.methods.filter((m) => serverRequestMethods.includes(m));
    assert.deepEqual(
      requests.filter((m) => !advertises(run.capabilities, m)),
      [],
    );
    // Neovim takes progress, so the simulation's progress was asked for: the check above saw a request.
    assert.ok(requests.includes("window/workDoneProgress/create"), run.methods.join(", "));
  });
});

/** Runs nvim headless with a private HOME on an empty model.cnn; resolves with what init.lua wrote. */
async function runNeovim(home: string): Promise<NeovimRun> {
  const file = join(home, "model.cnn");
  const out = join(home, "out.json");
  writeFileSync(file, "");
  const env = {
    ...process.env,
    HOME: home,
    XDG_CONFIG_HOME: join(home, "config"),
    XDG_DATA_HOME: join(home, "data"),
    XDG_STATE_HOME: join(home, "state"),
    XDG_CACHE_HOME: join(home, "cache"),
    CNNLENS_SERVER: join(repoRoot, "dist", "server.cjs"),
    CNNLENS_OUT: out,
  };
  const script = join(repoRoot, "test", "lsp", "nvim", "init.lua");
  const child = spawn("nvim", ["--headless", "--clean", "-u", script, file], { cwd: home, env, stdio: "pipe" });
  let output = "";
  child.stdout.on("data", (d: Buffer) => {
    output += d.toString();
  });
  child.stderr.on("data", (d: Buffer) => {
    output += d.toString();
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`nvim did not finish within ${TIMEOUT_MS / 1000} s:\n${output}`));
    }, TIMEOUT_MS);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(new Error(`could not start nvim: ${e.message}`));
    });
    child.on("exit", (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  let text: string;
  try {
    text = readFileSync(out, "utf8");
  } catch {
    throw new Error(`nvim exited with ${code} without writing its results:\n${output}`);
  }
  return JSON.parse(text) as NeovimRun;
}
