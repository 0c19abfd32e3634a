// A parser for the Python literals of a .npy header ({'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }).

/** A parsed literal: a dict becomes a Map (keys in order, duplicates refused), tuples and lists arrays. */
export type PyValue = string | number | boolean | null | PyValue[] | Map<string, PyValue>;

/**
 * Parses one Python literal as `ast.literal_eval` would for the subset numpy writes: strings (single or
 * double quotes, backslash escapes), integers, True, False, None, tuples, lists and dicts with string keys.
 * Throws an Error whose message is a sentence about the text (callers add the file's name).
 */
export function parsePythonLiteral(text: string): PyValue {
  const tokens = tokenize(text);
  let at = 0;
  const peek = () => tokens[at];
  const expect = (kind: string): Token => {
    const t = tokens[at++];
    if (t?.kind !== kind) throw new Error(`expected ${kind} ${where(t)}`);
    return t;
  };
  let depth = 0;
  const value = (): PyValue => {
    const t = tokens[at++];
    if (!t) throw new Error("it ends in the middle of a value");
    // The parser recurses: a header of a million '(' would otherwise exhaust the stack.
    if (depth > MAX_DEPTH) throw new Error(`it nests more than ${MAX_DEPTH} levels deep`);
    if (t.kind === "string" || t.kind === "number" || t.kind === "constant") return t.value;
    if (t.kind === "{") return dict();
    if (t.kind === "(" || t.kind === "[") return sequence(t.kind === "(" ? ")" : "]");
    throw new Error(`unexpected ${t.kind} ${where(t)}`);
  };
  const sequence = (close: string): PyValue[] => {
    depth++;
    const items: PyValue[] = [];
    while (peek()?.kind !== close) {
      items.push(value());
      if (peek()?.kind !== close) expect(",");
    }
    at++;
    depth--;
    return items;
  };
  const dict = (): Map<string, PyValue> => {
    depth++;
    const map = new Map<string, PyValue>();
    while (peek()?.kind !== "}") {
      const key = expect("string");
      if (map.has(key.value as string)) throw new Error(`the key '${String(key.value)}' appears twice`);
      expect(":");
      map.set(key.value as string, value());
      if (peek()?.kind !== "}") expect(",");
    }
    at++;
    depth--;
    return map;
  };
  const result = value();
  if (at !== tokens.length) throw new Error(`unexpected ${tokens[at]!.kind} ${where(tokens[at])} after the value`);
  return result;
}

interface Token {
  kind: string;
  value: PyValue;
  offset: number;
}

const where = (t: Token | undefined) => (t ? `at character ${t.offset}` : "at the end");

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if ("{}()[]:,".includes(c)) {
      tokens.push({ kind: c, value: null, offset: i++ });
    } else if (c === "'" || c === '"') {
      const start = i;
      let value = "";
      for (i++; text[i] !== c; i++) {
        if (i >= text.length || text[i] === "\n") throw new Error(`the string at character ${start} is not closed`);
        if (text[i] === "\\") {
          const next = text[++i];
          if (next === undefined) throw new Error(`the string at character ${start} is not closed`);
          value += ESCAPES[next] ?? `\\${next}`;
        } else {
          value += text[i];
        }
      }
      i++;
      tokens.push({ kind: "string", value, offset: start });
    } else {
      const word = /^(-?\d+L?|[A-Za-z_]\w*)/.exec(text.slice(i, i + 40))?.[0];
      if (word === undefined) throw new Error(`unexpected character '${c}' at character ${i}`);
      if (/^-?\d/.test(word)) tokens.push({ kind: "number", value: Number(word.replace(/L$/, "")), offset: i });
      else if (word in CONSTANTS) tokens.push({ kind: "constant", value: CONSTANTS[word]!, offset: i });
      else throw new Error(`unexpected name '${word}' at character ${i}`);
      i += word.length;
    }
  }
  return tokens;
}

const MAX_DEPTH = 32;
const ESCAPES: Record<string, string> = { "\\": "\\", "'": "'", '"': '"', n: "\n", t: "\t", r: "\r", "0": "\0" };
const CONSTANTS: Record<string, boolean | null> = { True: true, False: false, None: null };
