// Client profiles for protocol tests: what a minimal editor and VS Code advertise, and what each may be asked.
import type { ClientCapabilities } from "vscode-languageserver-protocol";
import { readJson } from "../../unit/helpers.js";

export interface ClientProfile {
  name: string;
  capabilities: ClientCapabilities;
  initializationOptions: unknown;
}

/** Settings every profile starts with: shape hints on, as the tests of inlay hints expect. */
const settings = { inlayHints: { shapes: true, params: false } };

/** An editor that advertises no optional capability at all (LSP's floor). */
export const minimalProfile: ClientProfile = {
  name: "minimal client",
  capabilities: {},
  initializationOptions: { settings },
};

/** VS Code through our extension: vscode-languageclient 11's capabilities and `clientCommands`. */
export const vscodeProfile: ClientProfile = {
  name: "VS Code",
  capabilities: readJson<ClientCapabilities>("test/lsp/profiles/vscode-capabilities.json"),
  initializationOptions: { settings, clientCommands: true },
};

type Check = (capabilities: ClientCapabilities) => boolean | undefined;

/** Each server-to-client request of LSP 3.17 with the capability that allows it. */
const requestCapabilities: Record<string, Check> = {
  "workspace/configuration": (c) => c.workspace?.configuration,
  "workspace/applyEdit": (c) => c.workspace?.applyEdit,
  "workspace/workspaceFolders": (c) => c.workspace?.workspaceFolders,
  "workspace/inlayHint/refresh": (c) => c.workspace?.inlayHint?.refreshSupport,
  "workspace/semanticTokens/refresh": (c) => c.workspace?.semanticTokens?.refreshSupport,
  "workspace/codeLens/refresh": (c) => c.workspace?.codeLens?.refreshSupport,
  "workspace/inlineValue/refresh": (c) => c.workspace?.inlineValue?.refreshSupport,
  "workspace/diagnostic/refresh": (c) => c.workspace?.diagnostics?.refreshSupport,
  "workspace/foldingRange/refresh": (c) => c.workspace?.foldingRange?.refreshSupport,
  "window/workDoneProgress/create": (c) => c.window?.workDoneProgress,
  // Stricter than LSP, which allows this request to every client: the server has no reason to send it.
  "window/showMessageRequest": (c) => c.window?.showMessage !== undefined,
  "window/showDocument": (c) => c.window?.showDocument?.support,
  // Dynamic registration is allowed when any feature registers dynamically; the tests need no finer check.
  "client/registerCapability": (c) => JSON.stringify(c).includes('"dynamicRegistration":true'),
  "client/unregisterCapability": (c) => JSON.stringify(c).includes('"dynamicRegistration":true'),
};

/** The methods of LSP's server-to-client requests (everything else the server sends is a notification). */
export const serverRequestMethods: string[] = Object.keys(requestCapabilities);

/** Whether `capabilities` allow the server to send the request `method`; a method not listed never is. */
export function advertises(capabilities: ClientCapabilities, method: string): boolean {
  return requestCapabilities[method]?.(capabilities) === true;
}
