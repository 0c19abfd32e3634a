// The command line's one option table: the parser, the per-command help and the "did you mean" all read it.
import { parseArgs } from "node:util";
import { closest, distance } from "fastest-levenshtein";

export type CommandName = "summary" | "check" | "simulate" | "export" | "import";

interface CommandSpec {
  name: CommandName;
  /** One line for the overview. */
  summary: string;
  /** What follows the command name in its usage line. */
  synopsis: string;
}

export const commandSpecs: readonly CommandSpec[] = [
  {
    name: "summary",
    synopsis: "FILE",
    summary: "a table of every layer: output shape, parameters, MACs, receptive field; totals",
  },
  {
    name: "check",
    synopsis: "FILE",
    summary: "diagnostics as file:line:col: severity: message [code]; exit 1 on errors",
  },
  {
    name: "simulate",
    synopsis: "FILE",
    summary: "a real forward pass on ONNX Runtime: per-layer statistics and times",
  },
  {
    name: "export",
    synopsis: "FILE --to onnx|pytorch|keras",
    summary: "the model as an .onnx file, a PyTorch nn.Module or Keras code",
  },
  {
    name: "import",
    synopsis: "MODEL.onnx",
    summary: "an ONNX model as a readable .cnn file (and its weights as .safetensors)",
  },
];

/** How a value is checked before a command sees it. */
type ValueKind = "text" | "file" | "count" | "whole";

export interface OptionSpec {
  /** The long name without dashes. */
  name: string;
  short?: string;
  /** The placeholder in help; absent for a flag. */
  value?: string;
  kind?: ValueKind;
  help: string;
  /** The commands that take it. */
  commands: readonly CommandName[];
}

const all: readonly CommandName[] = ["summary", "check", "simulate", "export", "import"];
const analysing: readonly CommandName[] = ["summary", "check", "simulate", "export"];

export const optionSpecs: readonly OptionSpec[] = [
  { name: "json", help: "print one JSON document instead of text", commands: ["summary", "check", "simulate"] },
  { name: "model", value: "NAME", kind: "text", help: "only this model of the file", commands: analysing },
  {
    name: "width",
    value: "N",
    kind: "count",
    commands: ["summary"],
    help: "the table's width in columns (default: the terminal's, or 100 when not a terminal)",
  },
  {
    name: "depth",
    value: "N",
    kind: "count",
    commands: ["summary"],
    help: "collapse block uses, repeats and labelled chains deeper than N into one row each (as torchinfo's depth)",
  },
  {
    name: "columns",
    value: "LIST",
    kind: "text",
    commands: ["summary"],
    help:
      "which columns, comma-separated, from: kind, input, output, params, macs, memory, rf " +
      "(default: kind,output,params,macs,rf)",
  },
  {
    name: "weights",
    value: "F",
    kind: "file",
    commands: ["simulate", "export"],
    help: "a .safetensors file with <layer>.weight/.bias/.running_mean/.running_var (default: random, seeded)",
  },
  {
    name: "input",
    value: "F",
    kind: "file",
    commands: ["simulate"],
    help:
      "a .npy tensor (one sample or a batch, in the file's layout), or a PNG/JPEG picture " +
      "(resized, ImageNet-normalised)",
  },
  {
    name: "labels",
    value: "F",
    kind: "file",
    commands: ["simulate"],
    help: "class names for the top-5 (shown only with --weights): a text file, line i naming class i",
  },
  {
    name: "batch",
    value: "N",
    kind: "count",
    help: "the batch size of the random input (default: the model's)",
    commands: ["simulate"],
  },
  {
    name: "seed",
    value: "N",
    kind: "whole",
    help: "seed of the random weights and input (default 0)",
    commands: ["simulate", "export"],
  },
  {
    name: "threads",
    value: "N",
    kind: "count",
    help: "ONNX Runtime threads (at most the machine's cores)",
    commands: ["simulate"],
  },
  {
    name: "memory-limit",
    value: "MiB",
    kind: "count",
    commands: ["simulate"],
    help: "refuse runs whose weights and activations need more (default 4096)",
  },
  {
    name: "input-shape",
    value: "SIZES",
    kind: "text",
    commands: ["import"],
    help:
      "the input's sizes after the batch axis in the file's order (C,H,W; H,W,C for a Keras model's export), " +
      "for a model whose input sizes are symbolic (dynamic)",
  },
  {
    name: "weights",
    value: "F",
    kind: "file",
    commands: ["import"],
    help: "also write the model's initializers to this .safetensors file, under the .cnn file's layer names",
  },
  {
    name: "output",
    short: "o",
    value: "F",
    kind: "file",
    commands: ["import"],
    help: "write the .cnn text here (default: standard output)",
  },
  { name: "to", value: "FORMAT", kind: "text", help: "onnx, pytorch or keras", commands: ["export"] },
  {
    name: "output",
    short: "o",
    value: "F",
    kind: "file",
    commands: ["export"],
    help:
      "where to write; default: pytorch and keras print to standard output, " +
      "onnx writes NAME.onnx in the current directory",
  },
];

/** Options every command takes; they stop the command and print something else. */
const generalSpecs: readonly OptionSpec[] = [
  { name: "help", short: "h", help: "this text (cnnlens COMMAND --help: that command's options)", commands: all },
  { name: "version", short: "V", help: "the version", commands: all },
];

export interface ParsedCommandLine {
  command?: CommandName;
  file?: string;
  flags: Set<string>;
  values: Map<string, string>;
  numbers: Map<string, number>;
}

/** A usage error: the words to print, and the help that goes with them. */
export class UsageError extends Error {}

/** Parses argv (without node and the script); throws UsageError with a sentence on anything it cannot take. */
export function parseCommandLine(argv: readonly string[]): ParsedCommandLine {
  const first = argv[0];
  const general = new Set(generalSpecs.flatMap((s) => [`--${s.name}`, s.short ? `-${s.short}` : ""]));
  if (first === undefined || first.startsWith("-")) {
    if (first !== undefined && general.has(first) && argv.length === 1)
      return { flags: new Set([longName(first)]), values: new Map(), numbers: new Map() };
    throw new UsageError(first === undefined ? "a command is needed" : `a command comes first, before ${first}`);
  }
  const command = commandSpecs.find((c) => c.name === first)?.name;
  if (!command)
    throw new UsageError(
      `unknown command '${first}'${didYouMean(
        first,
        commandSpecs.map((c) => c.name),
      )}`,
    );
  const specs = [...optionSpecs.filter((s) => s.commands.includes(command)), ...generalSpecs];
  const rest = argv.slice(1);
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...rest],
      allowPositionals: true,
      strict: true,
      options: Object.fromEntries(
        specs.map((s) => [s.name, { type: s.value ? "string" : "boolean", ...(s.short ? { short: s.short } : {}) }]),
      ),
    });
  } catch (e) {
    throw new UsageError(explainParseError(e as Error & { code?: string }, command, rest));
  }
  const flags = new Set<string>();
  const values = new Map<string, string>();
  const numbers = new Map<string, number>();
  for (const [name, value] of Object.entries(parsed.values)) {
    if (typeof value === "boolean") {
      if (value) flags.add(name);
      continue;
    }
    if (typeof value !== "string") continue;
    const spec = specs.find((s) => s.name === name)!;
    if (value === "" || (value.startsWith("-") && spec.kind !== "whole"))
      throw new UsageError(`--${name} needs a value (${spec.value})`);
    values.set(name, value);
    if (spec.kind === "count" || spec.kind === "whole")
      numbers.set(name, wholeNumber(name, value, spec.kind === "count" ? 1 : 0));
  }
  if (flags.has("help") || flags.has("version")) return { command, flags, values, numbers };
  const positionals = parsed.positionals;
  if (positionals.length === 0) throw new UsageError(`${command} needs a FILE`);
  if (positionals.length > 1) throw new UsageError(`one file at a time, not ${positionals.join(", ")}`);
  return { command, file: positionals[0]!, flags, values, numbers };
}

/** The overview, or one command's usage with exactly the options it takes. */
export function helpText(command?: CommandName): string {
  if (!command) {
    const width = Math.max(...commandSpecs.map((c) => c.name.length));
    return [
      "usage: cnnlens <command> FILE [options]",
      "",
      "commands:",
      ...commandSpecs.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
      "",
      "options:",
      ...optionLines(generalSpecs),
      "",
      "cnnlens COMMAND --help lists that command's options. Exit codes: 0 fine, 1 errors in the file or the run,",
      "2 a usage error or an input that cannot be read.",
    ].join("\n");
  }
  const spec = commandSpecs.find((c) => c.name === command)!;
  return [
    `usage: cnnlens ${command} ${spec.synopsis} [options]`,
    "",
    spec.summary,
    "",
    "options:",
    ...optionLines([...optionSpecs.filter((s) => s.commands.includes(command)), ...generalSpecs]),
  ].join("\n");
}

function optionLines(specs: readonly OptionSpec[]): string[] {
  const left = (s: OptionSpec) => `${s.short ? `-${s.short}, ` : "    "}--${s.name}${s.value ? ` ${s.value}` : ""}`;
  const width = Math.max(...specs.map((s) => left(s).length));
  return specs.flatMap((s) =>
    wrap(s.help, helpWidth - width - 4).map((text, i) => `  ${(i === 0 ? left(s) : "").padEnd(width)}  ${text}`),
  );
}

/** Help lines stay within a terminal of this many columns. */
const helpWidth = 100;

/** Splits text at spaces into lines of at most `width` characters (a longer word stands alone). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line];
}

/** `--threads 2` → 2; anything but a whole number in range is a sentence, never a silent default. */
function wholeNumber(name: string, text: string, min: number): number {
  const n = /^[0-9]+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < min) {
    throw new UsageError(`--${name} needs a whole number${min > 0 ? ` ≥ ${min}` : ""}, not '${text}'`);
  }
  return n;
}

/** Node's parseArgs words its errors for programmers; these say what to type instead. */
function explainParseError(e: Error & { code?: string }, command: CommandName, args: readonly string[]): string {
  const option = /'(-[^']*)'/.exec(e.message)?.[1] ?? args.find((a) => a.startsWith("-")) ?? "";
  const bare = option.split(/[= ]/)[0]!;
  if (e.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
    // An option may have one spec per group of commands (import's --weights writes, simulate's reads).
    const takers = [
      ...new Set(
        optionSpecs
          .filter((s) => `--${s.name}` === bare || (s.short && `-${s.short}` === bare))
          .flatMap((s) => s.commands),
      ),
    ];
    if (takers.length > 0)
      return `${command} does not take ${bare} (only ${takers.join(", ")} do${takers.length === 1 ? "es" : ""})`;
    const names = [...optionSpecs.filter((s) => s.commands.includes(command)), ...generalSpecs].map(
      (s) => `--${s.name}`,
    );
    return `unknown option ${bare}${didYouMean(bare, names)}`;
  }
  if (e.code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
    const spec = optionSpecs.find((s) => `--${s.name}` === bare || (s.short && `-${s.short}` === bare));
    return spec?.value ? `${bare} needs a value (${spec.value})` : `${bare} takes no value`;
  }
  return e.message;
}

function didYouMean(word: string, candidates: readonly string[]): string {
  const best = closest(word, [...candidates]);
  return best && distance(word, best) <= Math.max(2, Math.floor(best.length / 3)) ? `; did you mean ${best}?` : "";
}

function longName(option: string): string {
  return generalSpecs.find((s) => `--${s.name}` === option || `-${s.short}` === option)!.name;
}
