import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCommand } from "citty";
import { describe, expect, it, vi } from "vitest";
import exec from "../../src/cli/commands/exec.js";
import { type PairOutcome, Sandbox } from "../../src/sandbox/index.js";
import { ut } from "./helpers.js";

/** All descendants of a host pid (through /proc/<pid>/task/<pid>/children). */
function descendants(pid: number): number[] {
  const out: number[] = [];
  const todo = [pid];
  while (todo.length) {
    const p = todo.pop()!;
    let kids: number[] = [];
    try {
      kids = readFileSync(`/proc/${p}/task/${p}/children`, "utf8").split(/\s+/).filter(Boolean).map(Number);
    } catch {
      // gone
    }
    out.push(...kids);
    todo.push(...kids);
  }
  return out;
}

const alive = (pid: number) =>
  existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, "utf8").includes(") Z ");

async function collect(sb: Sandbox, pairs: Parameters<Sandbox["run"]>[0], onFirst?: () => void) {
  const out = new Map<string, PairOutcome>();
  for await (const o of sb.run(pairs)) {
    if (out.size === 0) onFirst?.();
    out.set(o.id, o);
  }
  return out;
}

const slowPairs = (n: number, ms: number) =>
  Array.from({ length: n }, (_, i) =>
    ut(`p${i}`, `def add(a, b):\n    return a + b + ${i % 2}\n`, [
      `import time; time.sleep(${ms / 1000})`,
      `self.assertEqual(add(${i}, 0), ${i})`,
    ]),
  );

describe("robustness", () => {
  it("replaces a worker that dies and retries its unfinished pairs", async () => {
    const sb = await Sandbox.start({ workers: 1, batchSize: 4 });
    try {
      const pairs = slowPairs(12, 100);
      let killed = 0;
      const r = await collect(sb, pairs, () => {
        for (const pid of sb.workerPids) {
          process.kill(pid, "SIGKILL");
          killed++;
        }
      });
      expect(killed).toBe(1);
      expect(r.size).toBe(12);
      for (let i = 0; i < 12; i++)
        expect(r.get(`p${i}`)!.verdict, `p${i}`).toBe(i % 2 === 0 ? "pass" : "fail");
    } finally {
      await sb.close();
    }
  });

  it("kills a hung worker (silent past its watchdog) and still answers every pair", async () => {
    const sb = await Sandbox.start({ workers: 1, workerSilenceMs: 1500, batchSize: 2 });
    try {
      const r = await collect(sb, slowPairs(4, 50), () => {
        for (const w of sb.workerPids) for (const p of [w, ...descendants(w)]) process.kill(p, "SIGSTOP");
      });
      expect(r.size).toBe(4);
      for (let i = 0; i < 4; i++) expect(r.get(`p${i}`)!.verdict).toBe(i % 2 === 0 ? "pass" : "fail");
    } finally {
      await sb.close();
    }
  });

  it("coderm exec stops cleanly on SIGINT (no orphans) and resumes where it stopped", async () => {
    const dir = mkdtempSync(join(tmpdir(), "coderm-exec-"));
    const pairsFile = join(dir, "pairs.jsonl");
    const outFile = join(dir, "out.jsonl");
    writeFileSync(
      pairsFile,
      slowPairs(16, 250)
        .map((p) => JSON.stringify(p))
        .join("\n"),
    );
    const args = [
      "--import",
      "tsx",
      "src/cli/main.ts",
      "exec",
      "--pairs",
      pairsFile,
      "--out",
      outFile,
      "--workers",
      "1",
    ];
    const child = spawn(process.execPath, args, { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const deadline = Date.now() + 40_000;
    while (
      Date.now() < deadline &&
      !(existsSync(outFile) && readFileSync(outFile, "utf8").split("\n").length > 3)
    )
      await new Promise((r) => setTimeout(r, 100));
    const tree = descendants(child.pid!);
    expect(tree.length).toBeGreaterThan(0);
    const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
    child.kill("SIGINT");
    const code = await exited;
    expect(code, stderr).not.toBe(0);
    await new Promise((r) => setTimeout(r, 300));
    expect(tree.filter(alive)).toEqual([]);
    const firstLines = readFileSync(outFile, "utf8").trim().split("\n");
    expect(firstLines.length).toBeLessThan(16);
    for (const l of firstLines) expect(() => JSON.parse(l)).not.toThrow();
    // resume: only the missing ids run, and together they answer every pair exactly once
    vi.spyOn(console, "error").mockImplementation(() => {});
    vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    await runCommand(exec, { rawArgs: args.slice(4) });
    vi.restoreAllMocks();
    const ids = readFileSync(outFile, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l).id as string);
    expect(ids.length).toBe(16);
    expect(new Set(ids).size).toBe(16);
  });
});
