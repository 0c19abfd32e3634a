// The file name a document URI stands for, decoded, for the header of exported code.

/**
 * The last path segment of a URI, percent-decoded (`file:///a/My%20Net.cnn` → `My Net.cnn`); the query
 * and fragment are not part of it. A malformed escape leaves that segment as written. The result is
 * outside text: the exporters escape it before it reaches generated code.
 */
export function fileNameOfUri(uri: string): string {
  const path = uri.replace(/[?#].*$/s, "");
  const last = path.slice(path.lastIndexOf("/") + 1);
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}
