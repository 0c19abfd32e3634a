// The command line's contract, run as a user runs it (the bundled bin/cnnlens.js on real files): exit codes and words.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { randomWeights } from "../../server/src/simulation/weights.js";
import { encodeSafetensors } from "../../server/src/simulation/safetensors.js";
import { analyze } from "../../server/src/analysis/index.js";
import { repoRoot } from "../unit/helpers.js";

let dir = "";
const lenet = join(repoRoot, "examples", "lenet5.cnn");

function cnnlens(...args: string[]) {
  const r = spawnSync(process.execPath, [join(repoRoot, "bin", "cnnlens.js"), ...args], {
    cwd: dir,
    encoding: "utf8",
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), "cnnlens-cli-"));
  writeFileSync(
    join(dir, "broken.png"),
    Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from("not really a picture")]),
  );
  writeFileSync(join(dir, "secret.cnn"), "model M { input(4) dense(2) }\n");
  chmodSync(join(dir, "secret.cnn"), 0o000);
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Each row: what the user typed, the exit code, and the one line of stderr that must say why. */
const cases: { name: string; args: () => string[]; code: number; err: RegExp; out?: RegExp }[] = [
  {
    name: "a missing file",
    args: () => ["summary", "missing.cnn"],
    code: 2,
    err: /^cnnlens: cannot read missing\.cnn: no such file$/m,
  },
  {
    name: "a directory",
    args: () => ["summary", repoRoot + "/examples"],
    code: 2,
    err: /^cnnlens: cannot read .*examples: is a directory$/m,
  },
  {
    name: "/dev/null",
    args: () => ["check", "/dev/null"],
    code: 2,
    err: new RegExp(
      String.raw`^cnnlens: cannot read \/dev\/null: is not a regular file \(it is a device\); ` +
        String.raw`give the path of a file saved on disk$`,
      "m",
    ),
  },
  {
    name: "a missing --input",
    args: () => ["simulate", lenet, "--input", "missing.npy"],
    code: 2,
    err: /^cnnlens: cannot read missing\.npy: no such file$/m,
  },
  {
    name: "a missing --weights",
    args: () => ["simulate", lenet, "--weights", "missing"],
    code: 2,
    err: /^cnnlens: cannot read missing: no such file$/m,
  },
  {
    name: "a broken PNG as --input",
    args: () => ["simulate", join(repoRoot, "examples", "resnet18.cnn"), "--input", join(dir, "broken.png")],
    code: 2,
    err: /^cnnlens: .*broken\.png: is not a readable PNG image/m,
  },
  {
    name: "an unwritable -o",
    args: () => ["export", lenet, "--to", "pytorch", "-o", "/nonexistent/dir/x.py"],
    code: 2,
    err: /^cnnlens: cannot write \/nonexistent\/dir\/x\.py: the folder \/nonexistent\/dir does not exist$/m,
  },
  {
    name: "a misspelt command",
    args: () => ["sumary", lenet],
    code: 2,
    err: /^cnnlens: unknown command 'sumary'; did you mean summary\?$/m,
  },
  {
    name: "a misspelt option",
    args: () => ["summary", lenet, "--jsno"],
    code: 2,
    err: /^cnnlens: unknown option --jsno; did you mean --json\?$/m,
  },
  {
    name: "an option of another command",
    args: () => ["summary", lenet, "--to", "onnx"],
    code: 2,
    err: /^cnnlens: summary does not take --to \(only export does\)$/m,
  },
  {
    name: "weights for code that holds none",
    args: () => ["export", lenet, "--to", "pytorch", "--seed", "3"],
    code: 2,
    err: /--seed applies only to --to onnx/,
  },
  {
    name: "a seed that is not a whole number",
    args: () => ["simulate", lenet, "--seed", "1e400"],
    code: 2,
    err: /^cnnlens: --seed needs a whole number, not '1e400'$/m,
  },
  {
    name: "an option without its value",
    args: () => ["simulate", lenet, "--weights"],
    code: 2,
    err: /^cnnlens: --weights needs a value \(F\)$/m,
  },
  {
    name: "an unknown column",
    args: () => ["summary", lenet, "--columns", "kind,flops"],
    code: 2,
    err: /^cnnlens: --columns: no column 'flops'; choose from kind, input/m,
  },
  { name: "--version", args: () => ["--version"], code: 0, err: /^$/, out: /^cnnlens \d+\.\d+\.\d+\n$/ },
  { name: "--help", args: () => ["--help"], code: 0, err: /^$/, out: /^usage: cnnlens <command> FILE \[options\]/ },
  { name: "no arguments", args: () => [], code: 2, err: /^cnnlens: a command is needed$/m },
];
if (process.getuid?.() !== 0) {
  // root reads any file, so a permission test only means something for other users.
  cases.push({
    name: "a file without read permission",
    args: () => ["check", join(dir, "secret.cnn")],
    code: 2,
    err: /cannot read .*secret\.cnn: permission denied$/m,
  });
}

describe("cnnlens: exit codes and words for every bad input", () => {
  for (const c of cases) {
    it(c.name, () => {
      const r = cnnlens(...c.args());
      assert.equal(r.code, c.code, r.err);
      assert.match(r.err, c.err);
      if (c.out) assert.match(r.out, c.out);
      assert.doesNotMatch(r.err, /\n\s+at |ENOENT|EISDIR|Error:/, "a sentence, never a stack trace or an error code");
    });
  }
  it("a FIFO is refused at once instead of waiting for a writer", () => {
    const fifo = join(dir, "model.cnn");
    const made = spawnSync("mkfifo", [fifo]);
    if (made.status !== 0) return;
    const r = cnnlens("check", fifo);
    assert.equal(r.code, 2);
    assert.match(r.err, /is not a regular file \(it is a FIFO \(named pipe\)\)/);
    rmSync(fifo);
  });
});

describe("cnnlens --help is generated from the option table the parser uses", () => {
  for (const command of ["summary", "check", "simulate", "export"]) {
    it(`${command} --help lists exactly the options ${command} accepts`, () => {
      const help = cnnlens(command, "--help").out;
      const listed = [...help.matchAll(/^ {2}(?:-\w, )? *--([\w-]+)/gm)].map((m) => m[1]!);
      assert.ok(listed.includes("model") && listed.includes("help"), help);
      for (const option of listed.filter((o) => o !== "help" && o !== "version")) {
        const valued = /^ {2}(?:-\w, )? *--[\w-]+ ([A-Z]\w*)/m.test(
          help.split("\n").find((l) => l.includes(`--${option}`))!,
        );
        const r = cnnlens(command, lenet, `--${option}`, ...(valued ? ["x"] : []));
        assert.doesNotMatch(r.err, /unknown option|does not take/, `--${option} is listed, so ${command} takes it`);
      }
      assert.ok(
        help.split("\n").every((l) => l.length <= 100),
        "help fits 100 columns",
      );
    });
  }
  it("export --help says that PyTorch and Keras code goes to standard output and names --weights and --seed", () => {
    const help = cnnlens("export", "--help").out;
    assert.match(help, /pytorch and keras print to standard output/);
    assert.match(help, /--weights F/);
    assert.match(help, /--seed N/);
  });
});

describe("cnnlens simulate shows class scores only for loaded weights", () => {
  it("top-5 appears with a weights file and not with random weights", () => {
    const model = analyze(readFileSync(lenet, "utf8")).models[0]!;
    const weightsFile = join(dir, "lenet.safetensors");
    writeFileSync(weightsFile, encodeSafetensors(randomWeights(model, 7)));
    const loaded = cnnlens("simulate", lenet, "--weights", weightsFile);
    assert.equal(loaded.code, 0, loaded.err);
    assert.match(loaded.out, /^Top-5 classes \(softmax of the output\): \d+ \(/m);
    const random = cnnlens("simulate", lenet);
    assert.equal(random.code, 0, random.err);
    assert.doesNotMatch(random.out, /Top-5/);
  });

  it("--labels names the classes, line i naming class i, and says when the file does not fit the output", () => {
    const model = analyze(readFileSync(lenet, "utf8")).models[0]!;
    const weightsFile = join(dir, "lenet-labels.safetensors");
    writeFileSync(weightsFile, encodeSafetensors(randomWeights(model, 7)));
    const names = Array.from(
      { length: 10 },
      (_, i) => `digit ${"zero one two three four five six seven eight nine".split(" ")[i]}`,
    );
    const labels = join(dir, "digits.txt");
    writeFileSync(labels, names.join("\r\n") + "\r\n");
    const named = cnnlens("simulate", lenet, "--weights", weightsFile, "--labels", labels);
    assert.equal(named.code, 0, named.err);
    const top = /^Top-5 classes \(softmax of the output\): (.*)$/m.exec(named.out)?.[1] ?? "";
    const entries = top.split(", ");
    assert.equal(entries.length, 5, named.out);
    for (const e of entries) {
      const [, index, name] = /^(\d+) (digit \w+) \(/.exec(e) ?? [];
      assert.equal(name, names[Number(index)], e);
    }
    writeFileSync(labels, names.slice(0, 3).join("\n"));
    const short = cnnlens("simulate", lenet, "--weights", weightsFile, "--labels", labels);
    assert.match(short.out, /the labels file names 3 classes and the output has 10/);
    const random = cnnlens("simulate", lenet, "--labels", labels);
    assert.doesNotMatch(random.out, /Top-5|digit/, "random weights: no classes, named or not");
    assert.match(random.out, /^inference mode: BatchNorm normalises with its running statistics/m);
    const missing = cnnlens("simulate", lenet, "--labels", join(dir, "no-such-labels.txt"));
    assert.equal(missing.code, 2);
    assert.match(missing.err, /^cnnlens: cannot read .*no-such-labels\.txt: /);
  });
});

describe("cnnlens export --to onnx without -o", () => {
  it("writes NAME.onnx into the current directory, not beside the source", () => {
    const r = cnnlens("export", lenet, "--to", "onnx");
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^wrote lenet5\.onnx: /);
    assert.ok(readFileSync(join(dir, "lenet5.onnx")).length > 61706 * 4);
  });
});
