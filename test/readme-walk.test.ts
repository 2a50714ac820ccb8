/**
 * The README, walked as a newcomer would: every command in its fenced `sh`/`bash` blocks is run, in order, in
 * one scratch directory that looks like a fresh clone (a link to every top-level entry of the repository), so
 * a file one command writes is there for the next (`sol.jsonl` → `--from-solutions sol.jsonl`, `runs/codet` →
 * `eval`). `coderm` is the built bin on PATH (what `npm link` gives), `npx coderm` runs as written, and every
 * path a command names must exist once it has run. Every inline `src/…`, `docs/…` (and so on) path in the prose
 * must exist too.
 *
 * What the walk changes, so that it runs on bundled data in well under two minutes, and nothing else:
 * - a model server URL (`--base-url`, and OPENAI_BASE_URL for commands that rely on it) is the local
 *   fault-injecting chat server (test/support/chat-server.ts), answering solution prompts with a function and
 *   unit-test prompts with a TestCase class;
 * - `redis://redis-host:6379` is a real redis-server on a loopback port; `--port 8080` is `--port 0`;
 * - `code_generation_lite` (a LiveCodeBench download) is the fixture copy in test/fixtures/livecodebench;
 * - sizes are capped: `--limit` 1 (added to run, generate and synth), `-n`/`-m`/`--n`/`--m`/`--n-weak` 8 (added
 *   to run), `--workers`/`--concurrency` 2;
 * - long-running services (`serve`, `worker`) are started, checked ready, and stopped with SIGTERM (exit 0);
 *   they run as `coderm …` even when written `npx coderm …`, since npx does not pass SIGTERM on to the command
 *   (the install test runs `npx coderm` itself).
 * npm runs offline with a cache of its own: npx links the clone into its cache and must not look further.
 * SKIP below lists the only commands not run, each with its reason.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RedisServer, startRedis } from "./queue/support.js";
import { type ChatServer, startChatServer } from "./support/chat-server.js";

const ROOT = resolve(import.meta.dirname, "..");
const README = readFileSync(join(ROOT, "README.md"), "utf8");

/** Commands the walk does not run (matched on the start of the command as written), and why. */
const SKIP: { prefix: string; why: string }[] = [
  {
    prefix: "npm ci",
    why: "reinstalls node_modules, which this test runs from; its build step is tested below",
  },
  { prefix: "bash .ci/run", why: "the CI entry point that runs this very suite" },
  {
    prefix: "coderm synth --questions codefeedback.parquet",
    why: "needs a download of CodeFeedback-Filtered-Instruction and teacher/weak model servers; the next line is its bundled form",
  },
];

interface Command {
  line: number;
  text: string;
  argv: string[];
}

/** Shell words of `text`: quotes, `\` escapes and $VAR (from `env`); enough for the README, not a shell. */
function words(text: string, env: NodeJS.ProcessEnv): string[] {
  const out: string[] = [];
  let cur = "";
  let has = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else cur += c;
    } else if (c === "\\" && i + 1 < text.length) {
      cur += text[++i];
      has = true;
    } else if (c === "$" && /[A-Za-z_]/.test(text[i + 1] ?? "")) {
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i + 1))![0];
      cur += env[name] ?? "";
      i += name.length;
      has = true;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else cur += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      has = true;
    } else if (/\s/.test(c)) {
      if (has || cur) out.push(cur);
      cur = "";
      has = false;
    } else cur += c;
  }
  if (quote) throw new Error(`unclosed quote in: ${text}`);
  if (has || cur) out.push(cur);
  return out;
}

/** `text` without a trailing `# comment` (a `#` after whitespace, outside quotes). */
function stripComment(text: string): string {
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "#" && (i === 0 || /\s/.test(text[i - 1]!))) return text.slice(0, i).trimEnd();
  }
  return text;
}

/** Every command in the README's sh/bash blocks, `a && b` split, continuation lines joined. */
function readmeCommands(md: string, env: NodeJS.ProcessEnv): Command[] {
  const lines = md.split("\n");
  const commands: Command[] = [];
  let inBlock = false;
  let pending: { line: number; text: string } | undefined;
  lines.forEach((raw, i) => {
    const fence = /^```(\w*)/.exec(raw);
    if (fence) {
      inBlock = !inBlock && (fence[1] === "sh" || fence[1] === "bash");
      return;
    }
    if (!inBlock) return;
    const line = stripComment(raw);
    const cont = /\\\s*$/.test(line);
    const text = cont ? line.replace(/\\\s*$/, " ") : line;
    pending = pending ? { line: pending.line, text: pending.text + text } : { line: i + 1, text };
    if (cont) return;
    for (const part of pending.text.split("&&")) {
      const t = part.trim().replace(/\s+/g, " ");
      if (t) commands.push({ line: pending.line, text: t, argv: words(t, env) });
    }
    pending = undefined;
  });
  return commands;
}

const CAPS: Record<string, number> = {
  "--limit": 1,
  "-n": 8,
  "-m": 8,
  "--n": 8,
  "--m": 8,
  "--n-weak": 8,
  "--workers": 2,
  "--concurrency": 2,
};

/** The coderm sub-command of argv (`coderm X`, `npx coderm X`), if any. */
function subcommand(argv: string[]): string | undefined {
  if (argv[0] === "coderm") return argv[1];
  if (argv[0] === "npx" && argv[1] === "coderm") return argv[2];
  return undefined;
}

/** The walk's substitutions (see the header), applied to one command. */
function rewrite(argv: string[], urls: { chat: string; redis: string }): string[] {
  const out = argv.map((w, i) => {
    const flag = argv[i - 1];
    if (flag === "--base-url") return urls.chat;
    if (flag === "--port" && w === "8080") return "0";
    if (flag && flag in CAPS && Number(w) > CAPS[flag]!) return String(CAPS[flag]);
    if (w === "code_generation_lite") return "test/fixtures/livecodebench/code_generation_lite";
    return w.replace("redis://redis-host:6379", urls.redis);
  });
  const sub = subcommand(argv);
  const add = (flag: string) => {
    if (!out.includes(flag)) out.push(flag, String(CAPS[flag]));
  };
  if (sub === "run" || sub === "generate" || sub === "synth") add("--limit");
  if (sub === "run") {
    add("-n");
    add("-m");
  }
  // `npm start` runs `coderm run` on the bundled CodeT slice: the same caps, after npm's `--`.
  if (argv[0] === "npm" && argv[1] === "start") out.push("--", "--limit", "1", "-n", "8", "-m", "8");
  return out;
}

/** Words of a command that name a file or directory (not flags, URLs, model names or lists of numbers). */
function pathWords(argv: string[]): string[] {
  const named = new Set(["--model", "--policy", "--tester", "--teacher", "--weak", "--token"]);
  return argv.filter(
    (w, i) =>
      !w.startsWith("-") &&
      !w.includes("://") &&
      !named.has(argv[i - 1] ?? "") &&
      (w.includes("/") || /\.(jsonl|json|parquet|gz|ts|py|md|html|sqlite)$/.test(w)),
  );
}

/** A unit-test prompt gets a TestCase class, a solution prompt a function: enough for every stage to run. */
function respond({ prompt }: { prompt: string }): string {
  return /unit ?test|test cases?/i.test(prompt)
    ? "```python\nimport unittest\n\nclass TestIt(unittest.TestCase):\n    def test_runs(self):\n        self.assertEqual(1 + 1, 2)\n```"
    : "```python\ndef solution(*args):\n    return None\n```";
}

let walk: string;
let chat: ChatServer;
let redis: RedisServer;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  // What `npm ci` runs after installing: the package's `prepare` script (it builds dist/ and the bin).
  execFileSync("npm", ["run", "prepare"], { cwd: ROOT, stdio: "pipe" });
  walk = mkdtempSync(join(tmpdir(), "coderm-readme-walk-"));
  for (const entry of readdirSync(ROOT)) {
    if ([".git", "runs", ".coderm"].includes(entry)) continue;
    symlinkSync(join(ROOT, entry), join(walk, entry));
  }
  // `npm link` puts the bin on PATH; a link to it does the same here.
  mkdirSync(join(walk, ".bin"));
  symlinkSync(join(ROOT, "dist/cli/main.js"), join(walk, ".bin", "coderm"));
  [chat, redis] = await Promise.all([startChatServer({ respond }), startRedis()]);
  env = {
    ...process.env,
    PATH: `${join(walk, ".bin")}:${process.env.PATH}`,
    OPENAI_BASE_URL: chat.baseURL,
    OPENAI_API_KEY: "sk-readme-walk",
    CODERM_TOKEN: "readme-walk-token",
    NO_COLOR: "1",
    npm_config_offline: "true",
    npm_config_cache: join(walk, ".npm-cache"),
  };
}, 120_000);

afterAll(async () => {
  await chat?.close();
  await redis?.dispose();
  if (walk) rmSync(walk, { recursive: true, force: true });
});

describe("install: what `npm ci` gives a fresh clone", () => {
  it("builds dist/ with an executable bin, so `npx coderm --help` works at once", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { bin: { coderm: string } };
    const bin = join(ROOT, pkg.bin.coderm);
    expect(readFileSync(bin, "utf8").startsWith("#!/usr/bin/env node\n")).toBe(true);
    accessSync(bin, constants.X_OK);
    const r = spawnSync("npx", ["coderm", "--help"], {
      cwd: ROOT,
      encoding: "utf8",
      env,
    });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/USAGE coderm .*exec\|/);
    const direct = spawnSync(bin, ["--version"], { encoding: "utf8" });
    expect(direct.status).toBe(0);
  });
});

/** Start a long-running command, wait until its stderr says it is ready, hand it back. */
async function startService(
  argv: string[],
  ready: RegExp,
): Promise<{ child: ChildProcess; text: () => string }> {
  const child = spawn(argv[0]!, argv.slice(1), { cwd: walk, env, stdio: ["ignore", "pipe", "pipe"] });
  let text = "";
  child.stdout!.on("data", (d) => {
    text += d;
  });
  child.stderr!.on("data", (d) => {
    text += d;
  });
  await new Promise<void>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`${argv.join(" ")}: not ready in 60 s:\n${text}`)), 60_000);
    const check = () => {
      if (ready.test(text)) {
        clearTimeout(timer);
        res();
      }
    };
    child.stderr!.on("data", check);
    child.once("exit", (code) => {
      clearTimeout(timer);
      rej(new Error(`${argv.join(" ")}: exited ${code} before it was ready:\n${text}`));
    });
  });
  return { child, text: () => text };
}

/** Run a command to its end (two minutes at most) without blocking this process's event loop. */
function runAsync(argv: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((res) => {
    const child = spawn(argv[0]!, argv.slice(1), { cwd: walk, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d) => {
      stdout += d;
    });
    child.stderr!.on("data", (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.once("exit", (status) => {
      clearTimeout(timer);
      res({ status, stdout, stderr });
    });
  });
}

async function stop(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  child.kill("SIGTERM");
  // A service that does not stop on SIGTERM fails the walk, and must not outlive it either.
  const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
  const code = await exited;
  clearTimeout(timer);
  return code;
}

describe("README walk", () => {
  it("every inline repository path in the prose exists", () => {
    const spans = [...README.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!);
    const paths = spans.filter((s) =>
      /^(src|test|docs|vendor|bench|clients|examples|scripts|\.ci)\/[^\s<>*{}…|]*$/.test(s),
    );
    expect(paths.length).toBeGreaterThan(10);
    expect(paths.filter((p) => !existsSync(join(ROOT, p)))).toEqual([]);
  });

  it("every `npm run X` it mentions, in prose or code, is a script of package.json", () => {
    const { scripts } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
    };
    const named = [...README.matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1]!);
    expect(named.length).toBeGreaterThan(5);
    expect(named.filter((n) => !(n in scripts))).toEqual([]);
  });

  it("every command in its sh blocks runs as written (with the substitutions above) and its paths exist", async () => {
    const commands = readmeCommands(README, env);
    expect(commands.length).toBeGreaterThan(15);
    const services: { child: ChildProcess; what: string }[] = [];
    const ran: string[] = [];
    try {
      for (const c of commands) {
        const where = `README.md:${c.line}: ${c.text}`;
        const t0 = Date.now();
        const skip = SKIP.find((s) => c.text.startsWith(s.prefix));
        if (skip) {
          const missing = pathWords(c.argv).filter((p) => !existsSync(join(walk, p)));
          if (c.text.startsWith("bash .ci/run")) expect(missing, where).toEqual([]);
          continue;
        }
        const known = c.argv[0] === "coderm" || c.argv[0] === "npx" || c.argv[0] === "npm";
        expect(known, `${where}: the walk knows coderm, npx coderm and npm commands only`).toBe(true);
        const argv = rewrite(c.argv, { chat: chat.baseURL, redis: redis.url });
        const sub = subcommand(c.argv);
        const service = sub === "worker" || sub === "serve";
        if (service && argv[0] === "npx") argv.shift();
        if (sub === "worker") {
          const s = await startService(argv, /taking shards from/);
          services.push({ child: s.child, what: where });
        } else if (sub === "serve") {
          const s = await startService(argv, /serve: listening on http:\/\/\S+/);
          const url = /serve: listening on (http:\/\/\S+)/.exec(s.text())![1]!;
          const health = await fetch(`${url}/healthz`);
          expect(health.status, where).toBe(200);
          expect(await stop(s.child), `${where}\n${s.text()}`).toBe(0);
        } else {
          // Not spawnSync: the chat server answers from this process's event loop.
          const r = await runAsync(argv);
          const output = `${where}\n(ran: ${argv.join(" ")})\n${r.stdout}\n${r.stderr}`;
          expect(r.status, output).toBe(0);
          expect(r.stderr, output).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/); // no stack trace
        }
        const missing = pathWords(c.argv).filter((p) => !existsSync(join(walk, p)));
        expect(missing, `${where}: paths it names that do not exist`).toEqual([]);
        ran.push(`${((Date.now() - t0) / 1000).toFixed(1)} s  ${c.text}`);
      }
    } finally {
      console.log(`README walk, seconds per command:\n${ran.join("\n")}`);
      for (const s of services) expect(await stop(s.child), s.what).toBe(0);
    }
    // The exec example's verdicts, from the built CLI (it finds the harness from dist/).
    const verdicts = Object.fromEntries(
      readFileSync(join(walk, "results.jsonl"), "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as { id: string; verdict: string })
        .map((r) => [r.id, r.verdict]),
    );
    expect(verdicts).toEqual({
      "add-unittest": "pass",
      "add-wrong": "fail",
      "add-asserts": "pass",
      "add-loops": "timeout",
    });
    expect(readFileSync(join(walk, "results-q.jsonl"), "utf8").trim().split("\n")).toHaveLength(4);
    expect(ran.length).toBe(commands.length - SKIP.length);
  }, 240_000);
});
