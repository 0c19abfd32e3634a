// A minimal LSP client for protocol tests: spawns the bundled server over stdio and speaks JSON-RPC to it.
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import {
  createProtocolConnection, StreamMessageReader, StreamMessageWriter, type ProtocolConnection,
} from "vscode-languageserver-protocol/node";
import type { Diagnostic, Position, PublishDiagnosticsParams } from "vscode-languageserver-protocol";
import { repoRoot } from "../unit/helpers.js";

export class TestClient {
  readonly connection: ProtocolConnection;
  private readonly process: ChildProcess;
  private readonly diagnostics = new Map<string, PublishDiagnosticsParams>();
  private readonly waiters: (() => void)[] = [];
  private versions = new Map<string, number>();
  exited = false;

  constructor() {
    this.process = spawn(process.execPath, [join(repoRoot, "dist", "server.cjs"), "--stdio"], { stdio: ["pipe", "pipe", "inherit"] });
    this.process.on("exit", () => { this.exited = true; });
    this.connection = createProtocolConnection(new StreamMessageReader(this.process.stdout!), new StreamMessageWriter(this.process.stdin!));
    this.connection.onNotification("textDocument/publishDiagnostics", (p: PublishDiagnosticsParams) => {
      this.diagnostics.set(p.uri, p);
      for (const w of this.waiters.splice(0)) w();
    });
    this.connection.listen();
  }

  async initialize(): Promise<void> {
    await this.connection.sendRequest("initialize", { processId: process.pid, rootUri: null, capabilities: {}, initializationOptions: { settings: { inlayHints: { shapes: true, params: false } } } });
    await this.connection.sendNotification("initialized", {});
  }

  async open(uri: string, text: string): Promise<void> {
    this.versions.set(uri, 1);
    await this.connection.sendNotification("textDocument/didOpen", { textDocument: { uri, languageId: "cnn", version: 1, text } });
  }

  async replace(uri: string, text: string): Promise<void> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    await this.connection.sendNotification("textDocument/didChange", { textDocument: { uri, version }, contentChanges: [{ text }] });
  }

  async edit(uri: string, range: { start: Position; end: Position }, text: string): Promise<void> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    await this.connection.sendNotification("textDocument/didChange", { textDocument: { uri, version }, contentChanges: [{ range, text }] });
  }

  /** Waits for the diagnostics of the document's current version (a condition, not a sleep). */
  async diagnosticsFor(uri: string): Promise<Diagnostic[]> {
    const wanted = this.versions.get(uri);
    for (;;) {
      const p = this.diagnostics.get(uri);
      if (p && (p.version === undefined || p.version === wanted)) return p.diagnostics;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.connection.sendRequest(method, params) as Promise<R>;
  }

  async stop(): Promise<void> {
    await this.connection.sendRequest("shutdown").catch(() => undefined);
    await this.connection.sendNotification("exit").catch(() => undefined);
    this.connection.dispose();
    if (!this.exited) await new Promise<void>((resolve) => { this.process.once("exit", () => resolve()); setTimeout(() => { this.process.kill(); }, 2000).unref(); });
  }
}

/** Splits `<|>` markers out of a text: the clean text and each marker's position. */
export function markers(text: string): { text: string; positions: Position[] } {
  const positions: Position[] = [];
  let clean = "";
  const parts = text.split("<|>");
  parts.forEach((part, i) => {
    clean += part;
    if (i < parts.length - 1) {
      const lines = clean.split("\n");
      positions.push({ line: lines.length - 1, character: lines[lines.length - 1]!.length });
    }
  });
  return { text: clean, positions };
}
