// The bundled language server over stdio for the editor benchmarks: one connection, the diagnostics of a
// document version as a promise, and a clean shutdown. lsp-latency.mjs and lsp-features.mjs share it.
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
} from "vscode-languageserver-protocol/node";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * Spawns dist/server.cjs and listens; `diagnosticsAfter` resolves with the diagnostics `send` leads to.
 * BENCH_SERVER_NODE_ARGS adds Node options to the server alone (`--cpu-prof` to see where a row's time goes).
 */
export function startServer() {
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const server = spawn(process.execPath, [...nodeArgs, join(root, "dist", "server.cjs"), "--stdio"], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const connection = createProtocolConnection(
    new StreamMessageReader(server.stdout),
    new StreamMessageWriter(server.stdin),
  );
  const waiting = new Map();
  connection.onNotification("textDocument/publishDiagnostics", (p) => {
    const key = `${p.uri}@${p.version}`;
    waiting.get(key)?.(p);
    waiting.delete(key);
  });
  connection.listen();
  return {
    connection,
    /** Registers for (uri, version) before `send` runs, so the notification cannot arrive unseen. */
    diagnosticsAfter(uri, version, send) {
      const done = new Promise((resolve) => waiting.set(`${uri}@${version}`, resolve));
      send();
      return done;
    },
    async stop() {
      await connection.sendRequest("shutdown");
      await connection.sendNotification("exit");
      connection.dispose();
    },
  };
}

/**
 * The capabilities VS Code advertises for the features the benchmarks time: the server answers the editor
 * the product is for (a tree of document symbols, markdown hovers, code action literals…), not the plainest client.
 */
const vscodeCapabilities = {
  textDocument: {
    documentSymbol: { hierarchicalDocumentSymbolSupport: true },
    hover: { contentFormat: ["markdown", "plaintext"] },
    completion: { completionItem: { snippetSupport: true, documentationFormat: ["markdown", "plaintext"] } },
    codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ["quickfix", "refactor"] } } },
    rename: { prepareSupport: true },
    publishDiagnostics: { relatedInformation: true, tagSupport: { valueSet: [1, 2] } },
  },
  workspace: { applyEdit: true },
};

/** Initializes the server as VS Code would. */
export async function initialize(connection) {
  await connection.sendRequest("initialize", {
    processId: process.pid,
    rootUri: null,
    capabilities: vscodeCapabilities,
  });
  await connection.sendNotification("initialized", {});
}

/** The q-quantile of sorted samples (nearest rank). */
export const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
