// The server's life cycle over stdio: refusals after `shutdown`, exit codes, and cancelled requests that never run.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, it } from "node:test";
import {
  createProtocolConnection,
  ErrorCodes,
  LSPErrorCodes,
  ResponseError,
  StreamMessageReader,
  StreamMessageWriter,
} from "vscode-languageserver-protocol/node";
import { generateLabels } from "../hostile/bombs.js";
import { repoRoot } from "../unit/helpers.js";

/** A bare server process and a connection to it, with a promise of its exit code. */
function startServer() {
  const child = spawn(process.execPath, [join(repoRoot, "dist", "server.cjs"), "--stdio"], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const exitCode = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const connection = createProtocolConnection(
    new StreamMessageReader(child.stdout),
    new StreamMessageWriter(child.stdin),
  );
  connection.listen();
  const kill = setTimeout(() => child.kill(), 20_000);
  void exitCode.then(() => clearTimeout(kill));
  return { connection, exitCode };
}

async function initialize(connection: ReturnType<typeof startServer>["connection"]): Promise<void> {
  await connection.sendRequest("initialize", { processId: process.pid, rootUri: null, capabilities: {} });
  await connection.sendNotification("initialized", {});
}

/** The error a request is answered with (fails the test when it is answered with a result). */
async function errorOf(promise: Promise<unknown>): Promise<ResponseError<unknown>> {
  try {
    const result = await promise;
    assert.fail(`expected an error, got ${JSON.stringify(result)}`);
  } catch (e) {
    assert.ok(e instanceof ResponseError, String(e));
    return e;
  }
}

describe("shutdown and exit", () => {
  it("refuses every request after shutdown with InvalidRequest, then exits with 0", async () => {
    const { connection, exitCode } = startServer();
    await initialize(connection);
    const uri = "file:///after.cnn";
    await connection.sendNotification("textDocument/didOpen", {
      textDocument: { uri, languageId: "cnn", version: 1, text: "model M {\n  input(3, 8, 8)\n}\n" },
    });
    assert.equal(await connection.sendRequest("shutdown"), null);
    for (const [method, params] of [
      ["textDocument/hover", { textDocument: { uri }, position: { line: 1, character: 3 } }],
      ["textDocument/documentSymbol", { textDocument: { uri } }],
      ["cnnlens/summary", { uri }],
      ["shutdown", undefined],
      ["no/suchMethod", {}],
    ] as const) {
      const error = await errorOf(connection.sendRequest(method, params));
      assert.equal(error.code, ErrorCodes.InvalidRequest, method);
      assert.match(error.message, new RegExp(`'${method}' came after 'shutdown'.*send 'exit'`));
    }
    await connection.sendNotification("exit");
    assert.equal(await exitCode, 0);
    connection.dispose();
  });
  it("exits with 1 when exit comes without shutdown", async () => {
    const { connection, exitCode } = startServer();
    await initialize(connection);
    await connection.sendNotification("exit");
    assert.equal(await exitCode, 1);
    connection.dispose();
  });
});

describe("cancellation", () => {
  const cancelledWhileQueued =
    "answers a request cancelled while it waits behind a long one with RequestCancelled, without running it";
  it(cancelledWhileQueued, async () => {
    const { connection, exitCode } = startServer();
    await initialize(connection);
    const uri = "file:///long.cnn";
    await connection.sendNotification("textDocument/didOpen", {
      textDocument: { uri, languageId: "cnn", version: 1, text: generateLabels(20_000) },
    });
    // The summary runs the whole analysis first; the hover queued behind it is cancelled before it starts.
    const { CancellationTokenSource } = await import("vscode-languageserver-protocol/node");
    const source = new CancellationTokenSource();
    const slow = connection.sendRequest("cnnlens/summary", { uri });
    const queued = connection.sendRequest(
      "textDocument/hover",
      { textDocument: { uri }, position: { line: 5, character: 3 } },
      source.token,
    );
    source.cancel();
    const error = await errorOf(queued);
    assert.equal(error.code, LSPErrorCodes.RequestCancelled);
    assert.ok(await slow, "the long request is still answered");
    await connection.sendRequest("shutdown");
    await connection.sendNotification("exit");
    assert.equal(await exitCode, 0);
    connection.dispose();
  });
});
