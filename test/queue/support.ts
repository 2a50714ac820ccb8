/**
 * Real Redis and real worker processes for the queue tests. Redis runs from the apt package on a free
 * loopback port in a temporary directory; each `coderm worker` gets its own working directory, TMPDIR
 * and HOME, and (where mount namespaces are available, as root in CI) cannot see the producer's
 * directory at all: a tmpfs is mounted over it in the worker's own mount namespace.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Redis } from "ioredis";

export const ROOT = resolve(import.meta.dirname, "../..");
const TSX = join(ROOT, "node_modules/tsx/dist/loader.mjs");
const MAIN = join(ROOT, "src/cli/main.ts");

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once("error", rej);
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      s.close(() => (typeof a === "object" && a ? res(a.port) : rej(new Error("no port"))));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function until<T>(
  what: string,
  f: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  timeoutMs = 30_000,
  everyMs = 50,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v) return v as T;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

export interface RedisServer {
  port: number;
  url: string;
  dir: string;
  /** SHUTDOWN (which writes the AOF) and wait for the process to exit. */
  stop(): Promise<void>;
  start(): Promise<void>;
  client(): Redis;
  /** Stop it and remove its directory. */
  dispose(): Promise<void>;
}

/** Start redis-server on a free loopback port; `aof` turns on the append-only file (fsync always). */
export async function startRedis(opts: { aof?: boolean; extra?: string[] } = {}): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "coderm-redis-"));
  let proc: ChildProcess | undefined;
  const args = [
    "--port",
    String(port),
    "--bind",
    "127.0.0.1",
    "--dir",
    dir,
    "--save",
    "",
    "--appendonly",
    opts.aof ? "yes" : "no",
    "--appendfsync",
    "always",
    "--daemonize",
    "no",
    ...(opts.extra ?? []),
  ];
  const ping = async () => {
    const c = new Redis({
      port,
      host: "127.0.0.1",
      lazyConnect: true,
      retryStrategy: () => null,
      maxRetriesPerRequest: 0,
    });
    c.on("error", () => {});
    try {
      await c.connect();
      return (await c.ping()) === "PONG";
    } catch {
      return false;
    } finally {
      c.disconnect();
    }
  };
  const clients: Redis[] = [];
  const server: RedisServer = {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    async start() {
      proc = spawn("redis-server", args, { stdio: "ignore" });
      await until("redis-server", ping, 10_000);
    },
    async stop() {
      const p = proc;
      if (!p || p.exitCode !== null) return;
      const exited = new Promise((r) => p.once("exit", r));
      try {
        execFileSync("redis-cli", ["-p", String(port), "shutdown"], { stdio: "ignore" });
      } catch {
        p.kill("SIGKILL");
      }
      await exited;
    },
    client() {
      const c = new Redis({ port, host: "127.0.0.1", maxRetriesPerRequest: null });
      c.on("error", () => {});
      clients.push(c);
      return c;
    },
    async dispose() {
      for (const c of clients) c.disconnect();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}

/** Can this process give a child its own mount namespace (root, unshare from util-linux)? */
export const canHide = (() => {
  try {
    execFileSync("unshare", ["-m", "--propagation", "private", "true"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

/** `argv` run in its own mount namespace where `dir` is an empty tmpfs (the command must exec, or use "$@"). */
export function hidden(dir: string, script: string, argv: string[] = []): string[] {
  return [
    "unshare",
    "-m",
    "--propagation",
    "private",
    "sh",
    "-c",
    `mount -t tmpfs tmpfs "$0" && ${script}`,
    dir,
    ...argv,
  ];
}

/** Spawn `node main.ts …` with the given cwd/env; with `hide`, that directory is an empty tmpfs for it. */
export function spawnCli(
  args: string[],
  o: { cwd: string; env?: NodeJS.ProcessEnv; hide?: string },
): ChildProcess {
  const node = [process.execPath, "--import", TSX, MAIN, ...args];
  const [cmd, ...argv] = o.hide && canHide ? hidden(o.hide, 'exec "$@"', node) : node;
  return spawn(cmd!, argv, {
    cwd: o.cwd,
    env: { ...process.env, ...o.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

export interface WorkerProc {
  proc: ChildProcess;
  pid: number;
  name: string;
  dir: string;
  tmp: string;
  log: () => string;
  exit: Promise<number | null>;
}

export interface WorkerFlags {
  queue?: string;
  concurrency?: number;
  lockSeconds?: number;
  stallCheckSeconds?: number;
  maxStalls?: number;
}

/** Start `coderm worker` in its own directory and TMPDIR; resolves once it takes shards. */
export async function startWorker(url: string, f: WorkerFlags = {}, hide?: string): Promise<WorkerProc> {
  const dir = mkdtempSync(join(tmpdir(), "coderm-worker-"));
  const tmp = join(dir, "tmp");
  mkdirSync(tmp);
  // Like a machine's own /tmp: the sandbox uid must reach the harness the worker stages there.
  chmodSync(dir, 0o755);
  chmodSync(tmp, 0o1777);
  const args = ["worker", "--redis", url, "--verbose", "--concurrency", String(f.concurrency ?? 1)];
  if (f.queue) args.push("--queue", f.queue);
  if (f.lockSeconds) args.push("--lock-seconds", String(f.lockSeconds));
  if (f.stallCheckSeconds) args.push("--stall-check-seconds", String(f.stallCheckSeconds));
  if (f.maxStalls) args.push("--max-stalls", String(f.maxStalls));
  const proc = spawnCli(args, { cwd: dir, env: { TMPDIR: tmp, HOME: dir }, hide });
  let log = "";
  proc.stderr!.on("data", (d) => (log += d));
  proc.stdout!.on("data", (d) => (log += d));
  const exit = new Promise<number | null>((r) => proc.once("exit", (code) => r(code)));
  const m = await Promise.race([
    until("the worker to start", () => /worker (\S+): taking shards/.exec(log), 60_000),
    exit.then((code) => {
      throw new Error(`worker exited (${code}) before starting:\n${log}`);
    }),
  ]);
  return { proc, pid: proc.pid!, name: (m as RegExpExecArray)[1]!, dir, tmp, log: () => log, exit };
}

export function readLines(file: string): string[] {
  try {
    return readFileSync(file, "utf8").split("\n").filter(Boolean);
  } catch {
    return [];
  }
}

/** Rows of a results file as `id verdict passed`, sorted: what must be identical between runs. */
export function rows(file: string): string[] {
  return readLines(file)
    .map((l) => JSON.parse(l) as { id: string; verdict: string; passed: boolean })
    .map((r) => `${r.id} ${r.verdict} ${r.passed}`)
    .sort();
}

export function finish(
  child: ChildProcess,
): Promise<{ code: number | null; stderr: string; stdout: string }> {
  let stderr = "";
  let stdout = "";
  child.stderr?.on("data", (d) => (stderr += d));
  child.stdout?.on("data", (d) => (stdout += d));
  return new Promise((r) => child.once("exit", (code) => r({ code, stderr, stdout })));
}

/**
 * Pairs whose verdicts are known by construction: solution s % 6 is 0 correct, 1 wrong (fail), 2 raises
 * (error), 3 kills its own process (crash), 4 does not compile (invalid), 5 correct but slow (pass).
 * Every test sleeps `sleepS`, so a shard is long enough to be caught mid-run. `marker` makes the texts
 * (and so the result keys) unique to one test.
 */
export function makePairs(marker: string, solutions: number, tests: number, sleepS = 0.02) {
  const bodies = [
    "def add(a, b):\n    return a + b\n",
    "def add(a, b):\n    return a + b + 1\n",
    "def add(a, b):\n    raise ValueError('no')\n",
    "import os\ndef add(a, b):\n    os._exit(3)\n",
    "def add(a, b) return a + b\n",
    "import time\ndef add(a, b):\n    time.sleep(0.01)\n    return a + b\n",
  ];
  const expected = ["pass", "fail", "error", "crash", "invalid", "pass"];
  const pairs: { id: string; solution: string; test: string; format: "unittest" }[] = [];
  const want = new Map<string, string>();
  for (let s = 0; s < solutions; s++)
    for (let t = 0; t < tests; t++) {
      const id = `${marker}/${s}/${t}`;
      pairs.push({
        id,
        solution: `# ${marker} solution ${s}\n${bodies[s % 6]}`,
        test: `import unittest, time\nclass T(unittest.TestCase):\n    def test_add(self):\n        time.sleep(${sleepS})\n        self.assertEqual(add(${t}, 1), ${t + 1})\n`,
        format: "unittest",
      });
      want.set(id, expected[s % 6]!);
    }
  return { pairs, want };
}

export function jsonl(rows: unknown[]): string {
  return `${rows.map((r) => JSON.stringify(r)).join("\n")}\n`;
}
