// The language server's entry: a connection over stdio or IPC (chosen by the command line), and the features.
import { createConnection, ProposedFeatures } from "vscode-languageserver/node";
import { connectionGuards } from "./lsp/connection-guards.js";
import { startServer } from "./lsp/server.js";

const guards = connectionGuards();
const connection = createConnection(ProposedFeatures.all, guards.options);
guards.install(connection);
startServer(connection);
