// The language server's entry: a connection over stdio or IPC (chosen by the command line), and the features.
import { createConnection, ProposedFeatures } from "vscode-languageserver/node";
import { connectionGuards } from "./lsp/connection-guards.js";
import { startServer } from "./lsp/server.js";
import { traceOnce } from "./lsp/startup-trace.js";

traceOnce("server process started", Date.now() - process.uptime() * 1000);
traceOnce("server bundle loaded");

const guards = connectionGuards();
const connection = createConnection(ProposedFeatures.all, guards.options);
guards.install(connection);
startServer(connection);
