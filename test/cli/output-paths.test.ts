/**
 * Outputs that cannot be written, given to real `coderm` processes: a read-only directory (a real read-only
 * bind mount through bubblewrap, since root ignores file modes), a file given as the run directory, and a
 * directory given as `--out`. Each is one `E_OUTPUT` line naming the path, exit 1, before any work; and a
 * failed generate leaves a good `--out` as it was.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ChatServer, startChatServer } from "../support/chat-server.js";

const root = new URL("../../", import.meta.url).pathname;
let dir: string;
let readOnly: string;
let aFile: string;
let aDir: string;
let server: ChatServer;
let closedPort: number;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "coderm-outpaths-"));
  readOnly = join(dir, "ro");
  mkdirSync(readOnly);
  aFile = join(dir, "a-file");
  writeFileSync(aFile, "not a directory\n");
  aDir = join(dir, "a-dir");
  mkdirSync(aDir);
  server = await startChatServer();
  // A loopback port nothing listens on: bound, then released.
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  closedPort = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** `coderm …` in one node process; with `ro`, inside a mount namespace where `readOnly` is read-only. */
function coderm(args: string[], ro = false): { code: number | null; stderr: string } {
  const node = [process.execPath, "--import", "tsx", "src/cli/main.ts", ...args];
  const cmd = ro ? ["bwrap", "--dev-bind", "/", "/", "--ro-bind", readOnly, readOnly, ...node] : node;
  const r = spawnSync(cmd[0]!, cmd.slice(1), {
    cwd: root,
    encoding: "utf8",
    timeout: 60_000,
    env: { ...process.env, OPENAI_BASE_URL: server.baseURL, OPENAI_API_KEY: "k", NO_COLOR: "1" },
  });
  return { code: r.status, stderr: r.stderr };
}

function expectOneLine(r: { code: number | null; stderr: string }, path: string, reason: RegExp) {
  expect(r.code, r.stderr).toBe(1);
  const line = r.stderr.split("\n").find((l) => l.startsWith("coderm: ") && l.includes("cannot write"));
  expect(line, r.stderr).toBeDefined();
  expect(line).toContain(path);
  expect(line).toMatch(reason);
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack
}

const pairs = ["exec", "--pairs", "examples/pairs.jsonl"];
const generate = ["generate", "--role", "policy", "--benchmark", "humaneval+", "--n", "1", "--limit", "2"];
const gen = [...generate, "--model", "m", "--store", join(tmpdir(), "coderm-outpaths-store.sqlite")];
const label = [
  "label",
  "--benchmark",
  "humaneval+",
  "--solutions",
  "vendor/coderm/input_humaneval+_sol.jsonl",
];
const run = ["run", "--codet", "vendor/codet", "--limit", "1", "--quiet"];
const evalArgs = [
  "eval",
  "--problems",
  "humaneval",
  "--solutions",
  "vendor/codet/HumanEval_codegen16B_temp0.8_topp0.95_num100_max300_code_solution.jsonl",
];

describe("unwritable outputs", () => {
  it("a read-only directory: exec, generate, label, run", () => {
    const ro = (name: string) => join(readOnly, name);
    expectOneLine(coderm([...pairs, "--out", ro("r.jsonl")], true), ro("r.jsonl"), /read-only file system/);
    server.reset();
    expectOneLine(coderm([...gen, "--out", ro("s.jsonl")], true), ro("s.jsonl"), /read-only file system/);
    expect(server.stats.requests).toBe(0); // checked before any sampling
    expectOneLine(coderm([...label, "--out", ro("l.jsonl")], true), ro("l.jsonl"), /read-only file system/);
    expectOneLine(coderm([...run, "--out", ro("run")], true), ro("run"), /read-only file system/);
  }, 120_000);

  it("a file given as the run directory (run, synth)", () => {
    expectOneLine(coderm([...run, "--out", aFile]), aFile, /is a file, expected a directory/);
    const synth = ["synth", "--questions", "humaneval", "--quiet", "--out", aFile];
    expectOneLine(coderm(synth), aFile, /is a file, expected a directory/);
    expect(readFileSync(aFile, "utf8")).toBe("not a directory\n");
  }, 60_000);

  it("a directory given as --out: exec, generate, label, and a file as eval's --out directory", () => {
    expectOneLine(coderm([...pairs, "--out", aDir]), aDir, /is a directory/);
    server.reset();
    expectOneLine(coderm([...gen, "--out", aDir]), aDir, /is a directory/);
    expect(server.stats.requests).toBe(0);
    expectOneLine(coderm([...label, "--out", aDir]), aDir, /is a directory/);
    expectOneLine(coderm([...evalArgs, "--out", aFile]), aFile, /is a file, expected a directory/);
  }, 120_000);

  it("a generate that fails (connection refused) leaves a good --out as it was", () => {
    const out = join(dir, "good.jsonl");
    writeFileSync(out, '{"task_id": "HumanEval/0", "solutions": ["def f(): pass"]}\n');
    const url = `http://127.0.0.1:${closedPort}/v1`;
    const r = coderm([...gen, "--out", out, "--no-cache", "--base-url", url]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(url);
    expect(r.stderr).toMatch(/connection refused/);
    expect(r.stderr).not.toMatch(/retr/);
    expect(readFileSync(out, "utf8")).toContain("def f(): pass");
  }, 60_000);
});
