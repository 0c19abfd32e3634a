// The language server's entry: a connection over stdio or IPC (chosen by the command line), and the features.
import { createConnection, ProposedFeatures } from "vscode-languageserver/node";
import { startServer } from "./lsp/server.js";

startServer(createConnection(ProposedFeatures.all));
