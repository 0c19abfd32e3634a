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
  name: "minimal client", capabilities: {}, initializationOptions: { settings },
};

/** VS Code through our extension: vscode-languageclient 11's capabilities and `clientCommands`. */
export const vscodeProfile: ClientProfile = {
  name: "VS Code",
  capabilities: readJson<ClientCapabilities>("test/lsp/profiles/vscode-capabilities.json"),
  initializationOptions: { settings, clientCommands: true },
};

/**
 * Whether `capabilities` allow the server to send the request `method`: each server-to-client request of
 * LSP 3.17 with the capability that allows it. A method missing here is never allowed.
 */
export function advertises(capabilities: ClientCapabilities, method: string): boolean {
  const w = capabilities.workspace;
  const allowed: Record<string, boolean | undefined> = {
    "workspace/configuration": w?.configuration,
    "workspace/applyEdit": w?.applyEdit,
    "workspace/workspaceFolders": w?.workspaceFolders,
    "workspace/inlayHint/refresh": w?.inlayHint?.refreshSupport,
    "workspace/semanticTokens/refresh": w?.semanticTokens?.refreshSupport,
    "workspace/codeLens/refresh": w?.codeLens?.refreshSupport,
    "workspace/inlineValue/refresh": w?.inlineValue?.refreshSupport,
    "workspace/diagnostic/refresh": w?.diagnostics?.refreshSupport,
    "workspace/foldingRange/refresh": w?.foldingRange?.refreshSupport,
    "window/workDoneProgress/create": capabilities.window?.workDoneProgress,
    // Stricter than LSP, which allows this request to every client: the server has no reason to send it.
    "window/showMessageRequest": capabilities.window?.showMessage !== undefined,
    "window/showDocument": capabilities.window?.showDocument?.support,
    // Dynamic registration is allowed when any feature registers dynamically; the tests need no finer check.
    "client/registerCapability": JSON.stringify(capabilities).includes('"dynamicRegistration":true'),
    "client/unregisterCapability": JSON.stringify(capabilities).includes('"dynamicRegistration":true'),
  };
  return allowed[method] === true;
}
