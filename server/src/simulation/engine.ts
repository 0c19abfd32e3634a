// The forward-pass engine: an interface, and its implementation on onnxruntime-node (CPU).
import { readFile, readdir, rm } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import type { FloatTensor } from "../onnx/tensors.js";

export interface EngineOptions {
  /** Threads for one operator (intra-op), at most the machine's cores; default: onnxruntime's choice. */
  threads?: number;
  /** Record per-node kernel times, read back with `nodeTimes()`. */
  profile?: boolean;
}

/** One loaded model. */
export interface ForwardSession {
  readonly outputNames: readonly string[];
  /** Runs the model on `input` (the graph's single input) and returns the named outputs. */
  /** Runs with `input` under `inputName`, plus the `others` inputs of a model with several, by graph name. */
  run(
    inputName: string,
    input: FloatTensor,
    outputs?: readonly string[],
    others?: ReadonlyMap<string, FloatTensor>,
  ): Promise<Map<string, FloatTensor>>;
  /** Kernel time in milliseconds per node name, for the last run (profiling sessions only). */
  nodeTimes(): Promise<Map<string, number>>;
  release(): Promise<void>;
}

/** Something that runs ONNX models; onnxruntime-node here, onnxruntime-web in a browser later. */
export interface ForwardEngine {
  readonly name: string;
  load(model: Uint8Array, options: EngineOptions): Promise<ForwardSession>;
}

type Ort = typeof import("onnxruntime-node");

/** Profiles of sessions created in the same millisecond must not share a file name. */
let sessionCounter = 0;

/**
 * onnxruntime-node, imported on first use: the native library is large, and commands that never
 * simulate should not load it (nor fail where it is not installed).
 */
export const onnxRuntimeEngine: ForwardEngine = {
  name: "onnxruntime-node",
  async load(model, options) {
    let ort: Ort;
    try {
      ort = await import("onnxruntime-node");
    } catch (err) {
      throw new Error(
        `the simulation needs the onnxruntime-node package, which did not load: ${(err as Error).message}`,
      );
    }
    const prefix = options.profile
      ? join(tmpdir(), `cnnlens-profile-${process.pid}-${Date.now()}-${sessionCounter++}`)
      : undefined;
    const session = await ort.InferenceSession.create(model, {
      executionProviders: ["cpu"],
      graphOptimizationLevel: "all",
      // More threads than cores only cost a stack each (100,000 once took 16 GB): simulate() notes the cut.
      ...(options.threads
        ? { intraOpNumThreads: Math.min(options.threads, availableParallelism()), interOpNumThreads: 1 }
        : {}),
      ...(prefix ? { enableProfiling: true, profileFilePrefix: prefix } : {}),
      logSeverityLevel: 3,
    });
    return new OrtSession(ort, session, prefix);
  },
};

class OrtSession implements ForwardSession {
  private lastRun: { start: number; end: number } | undefined;
  private profileEvents: ProfileEvent[] | undefined;

  constructor(
    private readonly ort: Ort,
    private readonly session: import("onnxruntime-node").InferenceSession,
    private readonly prefix: string | undefined,
  ) {}

  get outputNames(): readonly string[] {
    return this.session.outputNames;
  }

  async run(
    inputName: string,
    input: FloatTensor,
    outputs?: readonly string[],
    others?: ReadonlyMap<string, FloatTensor>,
  ): Promise<Map<string, FloatTensor>> {
    const feeds = { [inputName]: new this.ort.Tensor("float32", input.data, input.shape) };
    for (const [name, t] of others ?? []) feeds[name] = new this.ort.Tensor("float32", t.data, t.shape);
    const result = outputs ? await this.session.run(feeds, outputs) : await this.session.run(feeds);
    const out = new Map<string, FloatTensor>();
    for (const [name, t] of Object.entries(result)) {
      out.set(name, { shape: t.dims.map(Number), data: t.data as Float32Array });
    }
    return out;
  }

  async nodeTimes(): Promise<Map<string, number>> {
    const times = new Map<string, number>();
    if (!this.prefix) return times;
    this.profileEvents ??= await this.readProfile();
    const runs = this.profileEvents.filter((e) => e.cat === "Session" && e.name === "model_run");
    const last = runs[runs.length - 1];
    if (!last) return times;
    this.lastRun = { start: last.ts, end: last.ts + last.dur };
    for (const e of this.profileEvents) {
      if (e.cat !== "Node" || !e.name.endsWith("_kernel_time")) continue;
      if (e.ts < this.lastRun.start || e.ts > this.lastRun.end) continue;
      const node = e.name.slice(0, -"_kernel_time".length);
      times.set(node, (times.get(node) ?? 0) + e.dur / 1000);
    }
    return times;
  }

  /** Ends profiling (once) and reads the JSON trace onnxruntime wrote next to the prefix. */
  private async readProfile(): Promise<ProfileEvent[]> {
    this.session.endProfiling();
    const dir = tmpdir();
    const base = this.prefix!.slice(dir.length + 1);
    const files = (await readdir(dir)).filter((f) => f.startsWith(base) && f.endsWith(".json"));
    const events: ProfileEvent[] = [];
    for (const f of files) {
      const path = join(dir, f);
      events.push(...(JSON.parse(await readFile(path, "utf8")) as ProfileEvent[]));
      await rm(path, { force: true });
    }
    return events;
  }

  async release(): Promise<void> {
    if (this.prefix && !this.profileEvents) this.profileEvents = await this.readProfile();
    await this.session.release();
  }
}

interface ProfileEvent {
  cat: string;
  name: string;
  ts: number;
  dur: number;
}
