import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { isCodermError } from "../../src/errors.js";
import {
  dateMillis,
  decodePrivateTests,
  encodePrivateTests,
  filterByDate,
  isFunctional,
  liveCodeBenchFiles,
  loadLiveCodeBench,
  readLiveCodeBench,
  writeLiveCodeBench,
} from "../../src/problems/livecodebench.js";
import type { LiveCodeBenchInfo, Problem } from "../../src/records.js";
import { readRealLines, tempDir, writeCorrupted, writeText } from "./corrupt.js";

// Fixtures in the exact code_generation_lite format; see test/fixtures/livecodebench/README.md.
const FIX = fileURLToPath(new URL("../fixtures/livecodebench/", import.meta.url));
const DIR = join(FIX, "code_generation_lite");
type LP = Problem & { livecodebench: LiveCodeBenchInfo };

describe("LiveCodeBench code_generation_lite", () => {
  it("loads every file of a dataset directory and decodes all private-test encodings", async () => {
    const r = await loadLiveCodeBench({ dir: DIR });
    expect(r.bad).toEqual([]);
    expect(r.records.map((p) => p.task_id)).toEqual(["3000", "abc315_a", "1850B", "3100", "abc350_b"]);
    const [lc, atc, cf, plain, proto0] = r.records as [LP, LP, LP, LP, LP];
    // LeetCode functional problem: func_name from metadata becomes the entry point.
    expect(lc.entry_point).toBe("pairSum");
    expect(isFunctional(lc)).toBe(true);
    expect(lc.livecodebench.starter_code).toMatch(/^class Solution:/);
    expect(lc.livecodebench.public_test_cases).toEqual([
      { input: "[2, 7, 11, 15]\n9", output: "[0, 1]", testtype: "functional" },
    ]);
    // Pickle protocol 4 (SHORT_BINUNICODE, FRAME, MEMOIZE) with non-ASCII text.
    expect(lc.livecodebench.private_test_cases[2]).toEqual({
      input: '[1, 5, 9, 2]\n"é"',
      output: "[]",
      testtype: "functional",
    });
    // Protocol 5 with a string over 255 bytes (BINUNICODE).
    expect(atc.entry_point).toBe("");
    expect(isFunctional(atc)).toBe(false);
    expect(atc.livecodebench.private_test_cases.map((t) => t.output)).toEqual(["1225\n", "7140\n"]);
    // Protocol 2 (BINPUT), plain JSON private tests, and protocol 0 (UNICODE, PUT).
    expect(cf.livecodebench.private_test_cases).toEqual([
      { input: "1\n1\n1 1\n", output: "1\n", testtype: "stdin" },
    ]);
    expect(plain.livecodebench.private_test_cases[0]?.output).toBe("1");
    expect(proto0.livecodebench.private_test_cases[0]).toEqual({
      input: "1 7\n1 1 1 1 1 1 1\n",
      output: "0\n",
      testtype: "stdin",
    });
    expect(lc.question).toBe(lc.prompt);
    expect(lc.benchmark).toBe("livecodebench");
    expect(cf.livecodebench.difficulty).toBe("hard");
  });

  it("selects files by release tag like LCB's version_tag", () => {
    const names = (rel?: string) => liveCodeBenchFiles(DIR, rel).map((f) => f.slice(DIR.length + 1));
    expect(names()).toEqual(["test.jsonl", "test2.jsonl"]);
    expect(names("release_v1")).toEqual(["test.jsonl"]);
    expect(names("release_v2")).toEqual(["test.jsonl", "test2.jsonl"]);
    expect(names("v2")).toEqual(["test2.jsonl"]);
    expect(() => names("v3")).toThrow(/no test\*\.jsonl/);
    expect(() => names("latest")).toThrow(/unknown release/);
    expect(() => liveCodeBenchFiles(join(DIR, "nope"))).toThrow(/not found/);
  });

  it("filters by contest date with LCB's inclusive midnight bounds", async () => {
    const all = (await loadLiveCodeBench({ dir: DIR })).records;
    const ids = (since?: string, until?: string) =>
      filterByDate(all, { ...(since ? { since } : {}), ...(until ? { until } : {}) }).map((p) => p.task_id);
    expect(ids("2023-08-19", "2023-08-27")).toEqual(["3000", "abc315_a"]);
    expect(ids("2023-08-20")).toEqual(["3000", "3100", "abc350_b"]);
    expect(ids(undefined, "2023-08-26")).toEqual(["abc315_a", "1850B"]);
    expect(ids("2024-04-20T00:00:01")).toEqual([]);
    const loaded = await loadLiveCodeBench({ dir: DIR, since: "2024-01-01", release: "release_v2" });
    expect(loaded.records.map((p) => p.task_id)).toEqual(["3100", "abc350_b"]);
    expect(() => filterByDate(all, { since: "soon" })).toThrow(/not a date/);
    const plainProblem = { task_id: "x", prompt: "", entry_point: "" };
    expect(filterByDate([plainProblem], {})).toEqual([plainProblem]);
    expect(filterByDate([plainProblem], { since: "2020-01-01" })).toEqual([]);
    expect(dateMillis("2023-08-27")).toBe(Date.UTC(2023, 7, 27));
    expect(dateMillis("2023-08-27T12:00:00+02:00")).toBe(Date.UTC(2023, 7, 27, 10));
  });

  it("refuses pickles that do more than carry a string, without running them", async () => {
    const file = join(FIX, "unsafe-pickles.jsonl");
    const r = await readLiveCodeBench(file);
    expect(r.records).toEqual([]);
    expect(r.bad.map((b) => [b.line, b.reason])).toEqual([
      [1, expect.stringMatching(/^private_test_cases: pickle: opcode STACK_GLOBAL \(0x93\) is not allowed/)],
      [2, expect.stringMatching(/^private_test_cases: pickle: opcode EMPTY_LIST \(0x5d\) is not allowed/)],
    ]);
    expect(existsSync("/tmp/coderm-pwned")).toBe(false);
  });

  it("rejects a corrupted copy with file:line and keeps the good lines (gz)", async () => {
    const lines = [
      ...readRealLines(join(DIR, "test.jsonl"), 3),
      ...readRealLines(join(DIR, "test2.jsonl"), 2),
    ];
    lines.push(lines[0]!.replace('"platform": "leetcode"', '"platform": "topcoder"'));
    const { file, badLines } = writeCorrupted(lines, "test.jsonl.gz", "difficulty");
    const r = await readLiveCodeBench(file);
    expect(r.bad.map((b) => b.line)).toEqual([...badLines, 6]);
    expect(r.bad[1]!.reason).toMatch(/^difficulty: /);
    expect(r.bad[3]!.reason).toMatch(/^platform: /);
    expect(r.records.map((p) => p.task_id)).toEqual(["3000", "1850B"]);
    await expect(readLiveCodeBench(file, { strict: true })).rejects.toSatisfy(
      (e: unknown) => isCodermError(e) && e.message.startsWith(`${file}:2: invalid JSON`),
    );
    // Broken encodings inside valid records are bad lines too.
    const rec = JSON.parse(lines[0]!) as Record<string, string>;
    const broken = writeText("b.jsonl", [
      JSON.stringify({ ...rec, private_test_cases: "eJzLSM3JyVcozy/KSQEAGgQEXQ==" }),
      JSON.stringify({ ...rec, public_test_cases: '[{"input": 1}]' }),
      JSON.stringify({ ...rec, metadata: "[]" }),
      JSON.stringify({ ...rec, contest_date: "last week" }),
    ]);
    const b = await readLiveCodeBench(broken);
    expect(b.bad.map((x) => x.reason.split(":")[0])).toEqual([
      "private_test_cases",
      "public_test_cases",
      "metadata",
      "contest_date",
    ]);
  });

  it("writes the release format back; a Python-compatible pickle round-trips", async () => {
    const orig = (await loadLiveCodeBench({ dir: DIR })).records;
    const out = join(tempDir(), "test.jsonl");
    await writeLiveCodeBench(out, orig);
    expect((await readLiveCodeBench(out)).records).toEqual(orig);
    const line = JSON.parse(readFileSync(out, "utf8").split("\n")[0]!) as Record<string, string>;
    expect(Object.keys(line)).toEqual(Object.keys(JSON.parse(readRealLines(join(DIR, "test.jsonl"), 1)[0]!)));
    const tests = [{ input: "x\n", output: "ü\n", testtype: "stdin" as const }];
    expect(() => decodePrivateTests('[{"input": "1"}]')).toThrow(/output/);
    expect(decodePrivateTests(encodePrivateTests(tests))).toEqual(tests);
  });
});
