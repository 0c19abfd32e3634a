// A minimal LSP client for protocol tests: spawns the bundled server over stdio and speaks JSON-RPC to it.
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import {
  createMessageConnection,
  ErrorCodes,
  ResponseError,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from "vscode-languageserver-protocol/node";
import type {
  ConfigurationParams,
  Diagnostic,
  InitializeResult,
  Position,
  PublishDiagnosticsParams,
  ShowMessageParams,
  TextEdit,
} from "vscode-languageserver-protocol";
import { repoRoot } from "../unit/helpers.js";
import { advertises, minimalProfile, type ClientProfile } from "./profiles/index.js";

/** The `<|>` marker splitter, shared with the in-process cursor tests. */
export { markers } from "../unit/cursor.js";

/** A request the server sent to the client, and whether the client had advertised it. */
export interface ServerRequest {
  method: string;
  params: unknown;
  advertised: boolean;
}

export class TestClient {
  // A MessageConnection rather than a ProtocolConnection: only its typing has the catch-all request handler.
  readonly connection: MessageConnection;
  private readonly process: ChildProcess;
  private readonly diagnostics = new Map<string, PublishDiagnosticsParams>();
  private readonly waiters: (() => void)[] = [];
  private versions = new Map<string, number>();
  exited = false;
  /** Every request the server sent, advertised or not, in order. */
  readonly serverRequests: ServerRequest[] = [];
  /** Every window/showMessage notification. */
  readonly messages: ShowMessageParams[] = [];
  /** The server's answer to initialize. */
  initializeResult: InitializeResult | undefined;
  /** What the client answers to workspace/configuration, by section. */
  configuration: Record<string, unknown> = {};

  /** A client that advertises `profile` (by default, no optional capability at all). */
  constructor(readonly profile: ClientProfile = minimalProfile) {
    this.process = spawn(process.execPath, [join(repoRoot, "dist", "server.cjs"), "--stdio"], {
      stdio: ["pipe", "pipe", "inherit"],
    });
    this.process.on("exit", () => {
      this.exited = true;
    });
    this.connection = createMessageConnection(
      new StreamMessageReader(this.process.stdout!),
      new StreamMessageWriter(this.process.stdin!),
    );
    this.connection.onNotification("textDocument/publishDiagnostics", (p: PublishDiagnosticsParams) => {
      this.diagnostics.set(p.uri, p);
      for (const w of this.waiters.splice(0)) w();
    });
    this.connection.onNotification("window/showMessage", (p: ShowMessageParams) => {
      this.messages.push(p);
    });
    // A request the profile did not advertise is answered as an editor without it would: method not found.
    this.connection.onRequest((method: string, params: unknown) => {
      const advertised = advertises(this.profile.capabilities, method);
      this.serverRequests.push({ method, params, advertised });
      if (!advertised) return new ResponseError(ErrorCodes.MethodNotFound, `Unhandled method ${method}`);
      if (method === "workspace/configuration") {
        const items = (params as ConfigurationParams).items;
        return items.map((i) => (i.section ? (this.configuration[i.section] ?? null) : null));
      }
      if (method === "workspace/applyEdit") return { applied: true };
      return null;
    });
    this.connection.listen();
  }

  async initialize(): Promise<void> {
    const { capabilities, initializationOptions } = this.profile;
    const params = { processId: process.pid, rootUri: null, capabilities, initializationOptions };
    this.initializeResult = await this.connection.sendRequest("initialize", params);
    await this.connection.sendNotification("initialized", {});
  }

  async open(uri: string, text: string): Promise<void> {
    this.versions.set(uri, 1);
    await this.connection.sendNotification("textDocument/didOpen", {
      textDocument: { uri, languageId: "cnn", version: 1, text },
    });
  }

  async replace(uri: string, text: string): Promise<void> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    await this.connection.sendNotification("textDocument/didChange", {
      textDocument: { uri, version },
      contentChanges: [{ text }],
    });
  }

  async edit(uri: string, range: { start: Position; end: Position }, text: string): Promise<void> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    await this.connection.sendNotification("textDocument/didChange", {
      textDocument: { uri, version },
      contentChanges: [{ range, text }],
    });
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
    if (!this.exited)
      await new Promise<void>((resolve) => {
        this.process.once("exit", () => resolve());
        setTimeout(() => {
          this.process.kill();
        }, 2000).unref();
      });
  }
}

/**
 * The text after LSP text edits that do not overlap, applied from the last one up. Lines end at `\r\n`, `\r` or
 * `\n`, as LSP counts them.
 */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\n" || (c === "\r" && text[i + 1] !== "\n")) lineStarts.push(i + 1);
  }
  const offset = (p: Position) => lineStarts[p.line]! + p.character;
  const lastFirst = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  return lastFirst.reduce((t, e) => t.slice(0, offset(e.range.start)) + e.newText + t.slice(offset(e.range.end)), text);
}
