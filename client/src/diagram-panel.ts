// The architecture diagram beside the editor: one panel that follows the active .cnn editor, asks the server
// for the graph of the model under the cursor, redraws it as the user types, and reveals a clicked node.
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import { DiagramRequest, type DiagramData } from "../../server/src/protocol.js";
import { onDisk } from "./disk-uri.js";
import { diagramHtml, diagramScript } from "./diagram-view.js";

/** What the webview reports after each drawing, for tests and the benchmark's comparison. */
export interface RenderReport {
  reason: string;
  version: number;
  nodes: number;
  graphMs: number;
  layoutMs: number;
  drawMs: number;
}

type FromWebview =
  | { type: "ready" }
  | { type: "reveal"; start: number; end: number }
  | ({ type: "rendered" } & RenderReport)
  | { type: "svg"; markup: string }
  | { type: "error"; message: string };

export class DiagramPanel implements vscode.Disposable {
  private static current: DiagramPanel | undefined;
  private readonly panel: vscode.WebviewPanel;
  private readonly subscriptions: vscode.Disposable[] = [];
  private document: vscode.TextDocument;
  private shown: DiagramData | undefined;
  /** A model named by a code lens: shown by the next request whatever the cursor says. */
  private pinned: string | undefined;
  /** A request in flight; edits meanwhile ask once more when it returns (never a queue of stale requests). */
  private inFlight = false;
  /** The page's script listens: messages sent before it would be lost. */
  private ready = false;
  private stale = false;
  private readonly rendered = new vscode.EventEmitter<RenderReport>();
  /** Fires after the webview has drawn a diagram. */
  readonly onDidRender = this.rendered.event;
  private svgWaiter: ((markup: string) => void) | undefined;

  /** Shows the diagram of the model under the cursor of `editor`, in the panel that exists or a new one. */
  static show(
    context: vscode.ExtensionContext,
    client: LanguageClient,
    editor: vscode.TextEditor,
    model?: string,
  ): DiagramPanel {
    const existing = DiagramPanel.current;
    const panel = existing ?? new DiagramPanel(context, client, editor.document);
    DiagramPanel.current = panel;
    panel.pinned = model;
    // A new panel asks for its data once its page says it is ready.
    if (existing && (existing.document !== editor.document || model)) panel.follow(editor.document);
    panel.panel.reveal(undefined, true);
    return panel;
  }

  /** Where an exported SVG goes unless the user says otherwise: beside the source, named after the model. */
  suggestedSvgUri(): vscode.Uri {
    const name = `${this.shown?.model ?? fileName(this.document).replace(/\.cnn$/i, "")}.svg`;
    return vscode.Uri.joinPath(onDisk(this.document.uri), "..", name);
  }

  static get active(): DiagramPanel | undefined {
    return DiagramPanel.current;
  }

  private constructor(
    context: vscode.ExtensionContext,
    private readonly client: LanguageClient,
    document: vscode.TextDocument,
  ) {
    this.document = document;
    const dist = vscode.Uri.joinPath(context.extensionUri, "dist");
    this.panel = vscode.window.createWebviewPanel(
      "cnnlens.diagram",
      `Diagram: ${fileName(document)}`,
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      { enableScripts: true, localResourceRoots: [dist], retainContextWhenHidden: true },
    );
    const script = this.panel.webview.asWebviewUri(vscode.Uri.joinPath(context.extensionUri, ...diagramScript));
    this.panel.webview.html = diagramHtml(this.panel.webview.cspSource, script.toString(), fileName(document));
    this.subscriptions.push(
      this.panel.onDidDispose(() => this.dispose()),
      this.panel.webview.onDidReceiveMessage((m: FromWebview) => this.receive(m)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document === this.document && e.contentChanges.length) void this.refresh();
      }),
      vscode.window.onDidChangeTextEditorSelection((e) => {
        if (e.textEditor.document === this.document) this.cursorMoved(e.textEditor);
      }),
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        if (editor?.document.languageId === "cnn" && editor.document !== this.document) this.follow(editor.document);
      }),
    );
  }

  /** Resolves with the webview's next drawing. */
  nextRender(): Promise<RenderReport> {
    return new Promise((resolve) => {
      const once = this.onDidRender((r) => {
        once.dispose();
        resolve(r);
      });
    });
  }

  /** The drawing as a standalone SVG file's text, from the webview. */
  svg(): Promise<string> {
    return new Promise((resolve) => {
      this.svgWaiter = resolve;
      void this.panel.webview.postMessage({ type: "exportSvg" });
    });
  }

  dispose(): void {
    if (DiagramPanel.current === this) DiagramPanel.current = undefined;
    for (const s of this.subscriptions) s.dispose();
    this.rendered.dispose();
    this.panel.dispose();
  }

  private follow(document: vscode.TextDocument): void {
    this.document = document;
    this.shown = undefined;
    this.panel.title = `Diagram: ${fileName(document)}`;
    void this.refresh();
  }

  private editor(): vscode.TextEditor | undefined {
    return vscode.window.visibleTextEditors.find((e) => e.document === this.document);
  }

  /** Asks the server for the diagram at the cursor and hands it to the webview. */
  private async refresh(): Promise<void> {
    if (!this.ready) return;
    if (this.inFlight) {
      this.stale = true;
      return;
    }
    this.inFlight = true;
    try {
      do {
        this.stale = false;
        const editor = this.editor();
        const offset = editor && !this.pinned ? this.document.offsetAt(editor.selection.active) : undefined;
        const model = this.pinned ?? this.shown?.model;
        this.pinned = undefined;
        const data = await this.client.sendRequest(DiagramRequest, {
          uri: this.document.uri.toString(),
          ...(offset !== undefined ? { offset } : {}),
          ...(model !== undefined ? { model } : {}),
        });
        // The server answers for the text it has: an edit it had not seen yet asks once more.
        if (data && data.version < this.document.version) this.stale = true;
        if (!data) {
          void this.panel.webview.postMessage({ type: "empty" });
          continue;
        }
        this.shown = data;
        this.panel.title = `Diagram: ${data.model}`;
        await this.panel.webview.postMessage({ type: "data", data });
        if (editor) this.postCursor(editor);
      } while (this.stale);
    } catch (e) {
      void vscode.window.showErrorMessage(`CNN Lens: the diagram could not be computed: ${(e as Error).message}`);
    } finally {
      this.inFlight = false;
    }
  }

  private cursorMoved(editor: vscode.TextEditor): void {
    const offset = this.document.offsetAt(editor.selection.active);
    const within = (s: [number, number]) => s[0] <= offset && offset <= s[1];
    const shown = this.shown;
    // Within the shown model (or a block it uses) only the highlight moves; elsewhere another model may be meant.
    if (shown && (within(shown.modelSpan) || shown.blockSpans.some(within))) this.postCursor(editor);
    else void this.refresh();
  }

  private postCursor(editor: vscode.TextEditor): void {
    const active = editor.selection.active;
    void this.panel.webview.postMessage({ type: "cursor", offset: this.document.offsetAt(active), line: active.line });
  }

  private receive(m: FromWebview): void {
    if (m.type === "ready") {
      this.ready = true;
      void this.refresh();
    } else if (m.type === "reveal") void this.reveal(m.start, m.end);
    else if (m.type === "rendered") this.rendered.fire(m);
    else if (m.type === "svg") {
      if (this.svgWaiter) {
        this.svgWaiter(m.markup);
        this.svgWaiter = undefined;
      } else void vscode.commands.executeCommand("cnnlens.exportDiagramSvg");
    } else if (m.type === "error")
      void vscode.window.showErrorMessage(`CNN Lens: the diagram could not be drawn: ${m.message}`);
  }

  /** Puts the cursor at the start of a node's text in its editor, and shows that line. */
  private async reveal(start: number, end: number): Promise<void> {
    const position = this.document.positionAt(start);
    const range = new vscode.Range(position, this.document.positionAt(end));
    const column = this.editor()?.viewColumn ?? vscode.ViewColumn.One;
    const editor = await vscode.window.showTextDocument(this.document, {
      viewColumn: column,
      selection: new vscode.Range(position, position),
    });
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }
}

function fileName(document: vscode.TextDocument): string {
  return document.uri.path.split("/").pop() ?? "";
}
