// Where a document lives on disk, for the save dialogs' suggestions: an imported document's is its .onnx file's folder.
import * as vscode from "vscode";
import { importedScheme, onnxOfImported } from "../../server/src/protocol.js";

/**
 * `uri` itself, or for an imported document (`cnnlens-onnx:/m/net.onnx.cnn`) the `.cnn` file beside its `.onnx`
 * (`file:///m/net.cnn`): a dialog cannot open in the virtual scheme, which has no file system.
 */
export function onDisk(uri: vscode.Uri): vscode.Uri {
  const source = uri.scheme === importedScheme ? onnxOfImported(uri.toString()) : undefined;
  if (!source) return uri;
  const onnx = vscode.Uri.parse(source.uri);
  return onnx.with({ path: onnx.path.replace(/\.onnx$/i, "") + ".cnn" });
}
