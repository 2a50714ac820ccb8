import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCommand } from "citty";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import generateCommand from "../../src/cli/commands/generate.js";
import { isCodermError } from "../../src/errors.js";
import { loadBenchmark } from "../../src/problems/index.js";
import { buildSolutionPrompt, buildUnitTestPrompt } from "../../src/prompts/index.js";
import type { Problem } from "../../src/records.js";
import { type ChatServer, startChatServer } from "../support/chat-server.js";

const vendor = (p: string) => new URL(`../../vendor/${p}`, import.meta.url).pathname;
let dir: string;
let server: ChatServer;
let problems: Problem[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "coderm-gen-cmd-"));
  server = await startChatServer({
    fault: (r) => (r.prompt.includes("def truncate_number") ? { kind: "status", status: 503 } : undefined),
  });
  problems = (await loadBenchmark("humaneval+")).records;
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const run = (args: string[]) =>
  runCommand(generateCommand, {
    rawArgs: [...args, "--base-url", server.baseURL, "--model", "m", "--store", join(dir, "store.sqlite")],
  });
const lines = (file: string) =>
  readFileSync(file, "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));

describe("coderm generate (in process)", () => {
  it("samples policy solutions, then tester unit tests embedding the first solution", async () => {
    const sol = join(dir, "sol.jsonl");
    const raw = join(dir, "raw.jsonl");
    await run([
      "--role",
      "policy",
      "--benchmark",
      "humaneval+",
      "--n",
      "2",
      "--limit",
      "2",
      "--out",
      sol,
      "--responses",
      raw,
    ]);
    const solLines = lines(sol);
    expect(solLines.map((l) => l.task_id)).toEqual(["HumanEval/0", "HumanEval/1"]);
    expect(solLines.every((l) => l.solutions.length === 2 && l.solutions[0].startsWith("def f()"))).toBe(
      true,
    );
    expect(server.stats.log[0]!.prompt).toBe(
      buildSolutionPrompt(problems[0]!, "humaneval+").messages[0]!.content,
    );
    expect(lines(raw)[0].responses).toHaveLength(2);

    server.reset();
    const ut = join(dir, "ut.jsonl");
    await run([
      "--role",
      "tester",
      "--benchmark",
      "humaneval+",
      "--from-solutions",
      sol,
      "--n",
      "2",
      "--limit",
      "2",
      "--out",
      ut,
    ]);
    const expected = buildUnitTestPrompt(problems[1]!, solLines[1].solutions[0], "humaneval+").messages[0]!
      .content;
    expect(server.stats.log.map((r) => r.prompt)).toContain(expected);
    const utLines = lines(ut);
    expect(utLines).toHaveLength(2);
    for (const l of utLines) {
      expect(l.unit_tests).toHaveLength(2);
      expect(l.unit_tests[0]).toMatch(/^import unittest[\s\S]*class TestSample\d+\(unittest\.TestCase\)/);
      expect(l.unit_tests[0]).toContain("locals_dict['result'] = result");
    }
  });

  it("writes what succeeded and fails with a one-line summary when samples fail past retries", async () => {
    const out = join(dir, "partial.jsonl");
    const err = await run([
      "--role",
      "policy",
      "--benchmark",
      "humaneval+",
      "--n",
      "1",
      "--limit",
      "3",
      "--retries",
      "1",
      "--out",
      out,
    ]).catch((e) => e);
    expect(isCodermError(err) && err.code).toBe("E_SERVER");
    expect(String(err.message)).toMatch(/1 samples failed after retries; .*partial\.jsonl left unchanged/);
    // What succeeded is kept beside --out, never over it.
    expect(existsSync(out)).toBe(false);
    const written = lines(`${out}.partial`);
    expect(written.map((l) => l.solutions.length)).toEqual([1, 1, 0]);
  });

  it("replays CodeT generations as CodeT programs (prompt + truncated completion)", async () => {
    server.reset();
    const out = join(dir, "codet.jsonl");
    await run([
      "--role",
      "policy",
      "--benchmark",
      "humaneval+",
      "--n",
      "3",
      "--limit",
      "2",
      "--out",
      out,
      "--replay",
      vendor("codet/HumanEval_codegen16B_temp0.8_topp0.95_num100_max300_code_solution.jsonl"),
      "--codet-tasks",
      vendor("codet/HumanEval_for_code_generation.jsonl"),
    ]);
    expect(server.stats.requests).toBe(0);
    const got = lines(out);
    expect(got.map((l) => l.solutions.length)).toEqual([3, 3]);
    expect(got[0].solutions[0]).toMatch(/^from typing import List\n[\s\S]*def has_close_elements/);
  });

  it("rejects a run without a prompt source", async () => {
    const err = await run(["--role", "policy", "--n", "1", "--out", join(dir, "x.jsonl")]).catch((e) => e);
    expect(isCodermError(err) && err.message).toMatch(/exactly one of --benchmark and --prompts/);
  });
});
