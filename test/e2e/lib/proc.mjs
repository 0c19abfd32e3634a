// Processes, ports, temporary folders and waiting, for the e2e runner. Nothing here sleeps for a fixed
// time: every wait polls a condition and gives up at a deadline.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Polls `check` until it returns something truthy, or throws `what` after `timeoutMs`. */
export async function waitFor(what, check, { timeoutMs = 30_000, intervalMs = 100 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last.message}` : ""}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** A port that was free a moment ago: the OS picks it, we release it for the server to take. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Every run folder not yet removed, and every child still running: an interrupted run (Ctrl+C, a CI
 * timeout) still stops and removes them through cleanUp(). */
const folders = new Set();
const running = new Set();

/**
 * One run's own folders under a fresh temporary root: HOME, XDG dirs and TMPDIR for every process we start,
 * so nothing is read from or left in the user's home or /tmp. `remove()` deletes them all.
 */
export function runFolders(name) {
  const root = mkdtempSync(join(tmpdir(), `cnnlens-e2e-${name}-`));
  const dirs = { root };
  folders.add(dirs);
  for (const d of [
    "home",
    "config",
    "data",
    "cache",
    "runtime",
    "tmp",
    "user-data",
    "extensions",
    "browser",
    "workspace",
  ]) {
    dirs[d] = join(root, d);
    mkdirSync(dirs[d], { recursive: true, mode: 0o700 });
  }
  dirs.env = {
    HOME: dirs.home,
    XDG_CONFIG_HOME: dirs.config,
    XDG_DATA_HOME: dirs.data,
    XDG_CACHE_HOME: dirs.cache,
    XDG_RUNTIME_DIR: dirs.runtime,
    TMPDIR: dirs.tmp,
  };
  // Before deleting, stop anything of this run still alive, found by the TMPDIR every child inherits:
  // helpers that left our process groups (Chromium's crash handler daemonizes) are caught this way too.
  dirs.remove = async () => {
    const mine = livePids((pid) =>
      readFileSync(`/proc/${pid}/environ`, "latin1").split("\0").includes(`TMPDIR=${dirs.tmp}`),
    );
    if (mine.length) {
      for (const pid of mine)
        try {
          process.kill(pid, "SIGTERM");
        } catch {
          /* gone */
        }
      try {
        await waitFor("left-over processes to exit", () => mine.every((pid) => !livePids((p) => p === pid).length), {
          timeoutMs: 3_000,
        });
      } catch {
        for (const pid of mine)
          try {
            process.kill(pid, "SIGKILL");
          } catch {
            /* gone */
          }
      }
    }
    rmSync(root, { recursive: true, force: true, maxRetries: 3 });
    folders.delete(dirs);
  };
  return dirs;
}

/**
 * Starts a program in its own process group (so that its helpers can be signalled with it), keeping the
 * last lines of its output for error messages. `log` receives every line if given.
 */
export function start(command, args, { env, cwd, log } = {}) {
  const child = spawn(command, args, { env, cwd, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const tail = [];
  const onData = (chunk) => {
    for (const line of chunk.toString().split("\n")) {
      if (!line) continue;
      tail.push(line);
      if (tail.length > 40) tail.shift();
      log?.(line);
    }
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  child.exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  child.tail = () => tail.join("\n");
  running.add(child);
  child.exited.then(() => running.delete(child));
  return child;
}

/**
 * The ids of live processes (Linux /proc) that `test(pid, pgrp)` accepts. Zombies do not count: helpers
 * re-parented to a PID 1 that never reaps them (as in this container) would otherwise look alive forever.
 */
function livePids(test) {
  if (!existsSync("/proc/self/stat")) return [];
  return readdirSync("/proc")
    .filter((e) => /^\d+$/.test(e))
    .map(Number)
    .filter((pid) => {
      if (pid === process.pid) return false;
      try {
        // Fields after the ")" that closes the command name: state, ppid, pgrp, …
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        const [state, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        return state !== "Z" && test(pid, Number(pgrp));
      } catch {
        return false; // exited while we looked, or not ours to read
      }
    });
}

/** Whether any process of the group led by `pid` is alive. */
function groupAlive(pid) {
  if (existsSync("/proc/self/stat")) return livePids((_, pgrp) => pgrp === pid).length > 0;
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM to the child's process group, wait up to `graceMs`, then SIGKILL; resolves once all are gone. */
export async function stop(child, graceMs = 5_000) {
  if (!child?.pid) return;
  const signal = (s) => {
    try {
      process.kill(-child.pid, s);
    } catch {
      /* already gone */
    }
  };
  signal("SIGTERM");
  try {
    await waitFor(`process group ${child.pid} to exit`, () => !groupAlive(child.pid), {
      timeoutMs: graceMs,
      intervalMs: 50,
    });
  } catch {
    signal("SIGKILL");
    await waitFor(`process group ${child.pid} to die`, () => !groupAlive(child.pid), {
      timeoutMs: 5_000,
      intervalMs: 50,
    });
  }
  running.delete(child);
}

/** Stops whatever is still running and removes every run folder; for exits that skip their `finally`. */
export async function cleanUp() {
  await Promise.all([...running].map((child) => stop(child)));
  for (const dirs of [...folders]) await dirs.remove();
}

/** Runs a command to its end; rejects with its output when it fails. */
export async function run(command, args, options = {}) {
  const child = start(command, args, options);
  const { code, signal } = await child.exited;
  running.delete(child);
  if (code !== 0) throw new Error(`${command} ${args.join(" ")} failed (${signal ?? code}):\n${child.tail()}`);
}
