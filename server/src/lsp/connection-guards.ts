// Protocol rules that vscode-languageserver leaves to the server: nothing is answered after `shutdown`,
// and a request cancelled while it still waits in the queue is never started.
import type { Connection, ConnectionOptions, RequestMessage } from "vscode-languageserver/node";
import { ErrorCodes, LSPErrorCodes, Message, ResponseError } from "vscode-languageserver/node";

/** The method a request is renamed to once the server is shutting down; its handler refuses it. */
const AFTER_SHUTDOWN = "$/cnnlens/afterShutdown";

export interface ConnectionGuards {
  /** Options for createConnection. */
  options: ConnectionOptions;
  /** Registers the refusal; call once, with the connection made from `options`. */
  install(connection: Connection): void;
}

/**
 * What the library already does: `exit` ends the process with 0 after `shutdown` and 1 without. What it does
 * not: LSP says that every request after `shutdown` fails with InvalidRequest and that notifications other
 * than `exit` are dropped; and a cancelled request that has not started yet should not run at all (handlers
 * are synchronous, so a queue of stale requests would otherwise all run, one after the other).
 */
export function connectionGuards(): ConnectionGuards {
  let shuttingDown = false;
  const options: ConnectionOptions = {
    connectionStrategy: {
      cancelUndispatched: (message) => ({
        jsonrpc: "2.0",
        id: Message.isRequest(message) ? message.id : null,
        error: new ResponseError(
          LSPErrorCodes.RequestCancelled,
          "the request was cancelled before it started",
        ).toJson(),
      }),
    },
    // Messages reach this strategy in the order they are handled, so the flag is exact: the `shutdown` request
    // itself is answered, and whatever the queue holds after it is refused.
    messageStrategy: {
      handleMessage(message, next) {
        if (shuttingDown && Message.isRequest(message)) {
          const refused: RequestMessage = { ...message, method: AFTER_SHUTDOWN, params: { method: message.method } };
          return next(refused);
        }
        if (shuttingDown && Message.isNotification(message) && message.method !== "exit") return;
        if (Message.isRequest(message) && message.method === "shutdown") shuttingDown = true;
        return next(message);
      },
    },
  };
  return {
    options,
    install(connection) {
      connection.onRequest(AFTER_SHUTDOWN, (p: { method?: unknown }) => {
        const method = typeof p?.method === "string" ? p.method.slice(0, 100) : "this request";
        return new ResponseError(
          ErrorCodes.InvalidRequest,
          `'${method}' came after 'shutdown'` +
            `: the server is shutting down and answers nothing more; send 'exit' and start a new server`,
        );
      });
    },
  };
}
