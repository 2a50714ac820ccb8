import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import {
  CODET_STOP_WORDS,
  extractAssertCases,
  extractTaskCases,
  truncateSolution,
} from "../../src/extract/codet.js";
import { compileError } from "../../src/extract/python-checks.js";
import { initPython } from "../../src/extract/python-parser.js";

beforeAll(() => initPython());

describe("truncateSolution (CodeT solution_extract)", () => {
  it("cuts at the earliest stop word, whatever the order of the list", () => {
    const c = "    return x\n\nif __name__:\n    pass\ndef g():\n    pass\nclass A: pass\n";
    expect(truncateSolution(c)).toBe("    return x\n");
    expect(truncateSolution("    return 1\n# comment\ndef g(): pass")).toBe("    return 1");
    expect(truncateSolution("    return 1\nprint(f(1))")).toBe("    return 1");
  });

  it("needs the newline: indented and inline words are not stop words; nothing is stripped", () => {
    const c = "    if x:\n        return 1  # ok\n    return 2\n\n\n";
    expect(truncateSolution(c)).toBe(c);
    expect(truncateSolution("")).toBe("");
  });

  it("uses CodeT's list by default and accepts another", () => {
    expect(CODET_STOP_WORDS).toEqual(["\nclass", "\ndef", "\n#", "\nif", "\nprint"]);
    expect(truncateSolution("a\nb\nc", ["\nc", "\nb"])).toBe("a");
    expect(truncateSolution("a\ndef b", [])).toBe("a\ndef b");
    // CodeT cuts word by word, in list order: "bc" first leaves "a", where "ab" no longer occurs.
    expect(truncateSolution("abc", ["bc", "ab"])).toBe("a");
  });
});

describe("extractAssertCases (CodeT test_case_extract)", () => {
  it("splits on 'assert ', re-prefixes, strips, keeps pieces naming the entry point", () => {
    const sample = "f(1) == 2\nassert f(2) == 3\nassert g(1) == 1\nassert f(3) == 4\n";
    const r = extractAssertCases(sample, "f");
    expect(r.cases).toEqual(["assert f(1) == 2", "assert f(2) == 3", "assert f(3) == 4"]);
    expect(r.rejected).toEqual([
      { ok: false, piece: "assert g(1) == 1", reason: "does not name the entry point f" },
    ]);
  });

  it("truncates at stop words after the entry-point filter", () => {
    const r = extractAssertCases("f(1) == 2\n\n# more tests\nassert f(2) == 3\ndef helper(): pass", "f");
    expect(r.cases).toEqual(["assert f(1) == 2", "assert f(2) == 3"]);
    // The filter sees the piece before truncation, so the entry point may only appear after the cut.
    expect(extractAssertCases("x == 1\nprint(f(1))", "f").cases).toEqual(["assert x == 1"]);
  });

  it("rejects what CPython would not compile, including a newline right after assert", () => {
    const r = extractAssertCases("\n    f([], 1) == False\nassert f(1) == 2, 'ok'\nassert f(1) ==", "f");
    expect(r.cases).toEqual(["assert f(1) == 2, 'ok'"]);
    expect(r.rejected.map((x) => x.reason)).toEqual([
      expect.stringMatching(/^does not compile: .*new line outside brackets/),
      expect.stringMatching(/^does not compile: /),
    ]);
  });

  it("keeps multi-line cases that continue inside brackets or after a backslash", () => {
    const r = extractAssertCases("f([1,\n   2]) == 3\nassert f([1]) == \\\n    1\n", "f");
    expect(r.cases).toEqual(["assert f([1,\n   2]) == 3", "assert f([1]) == \\\n    1"]);
  });

  it("keeps the first `limit` valid cases and reports the rest", () => {
    const sample = Array.from({ length: 8 }, (_, i) => `f(${i}) == ${i}`).join("\nassert ");
    const r = extractAssertCases(sample, "f");
    expect(r.cases).toEqual(Array.from({ length: 5 }, (_, i) => `assert f(${i}) == ${i}`));
    expect(r.rejected.map((x) => x.reason)).toEqual(Array(3).fill("beyond the first 5 cases"));
    expect(extractAssertCases(sample, "f", { limit: 2 }).cases).toHaveLength(2);
    expect(extractAssertCases(sample, "f", { limit: Number.POSITIVE_INFINITY }).cases).toHaveLength(8);
  });

  it("reports empty pieces and handles an empty sample", () => {
    expect(extractAssertCases("\n", "f")).toEqual({
      cases: [],
      rejected: [{ ok: false, piece: "assert", reason: "empty piece" }],
    });
  });
});

describe("extractTaskCases (CodeT's pooled, counted cases)", () => {
  it("pools the first `limit` cases of every sample, counting repeats in first-seen order", () => {
    const samples = ["f(1) == 1\nassert f(2) == 2\nassert f(3) == 3", "f(2) == 2\nassert f(9) == 9", "\n"];
    const r = extractTaskCases(samples, "f", { limit: 2 });
    expect(r.unique).toEqual([
      { text: "assert f(1) == 1", count: 1 },
      { text: "assert f(2) == 2", count: 2 },
      { text: "assert f(9) == 9", count: 1 },
    ]);
    expect(r.perSample.map((s) => s.cases.length)).toEqual([2, 2, 0]);
  });
});

/** CodeT's released CodeGen-16B test samples for HumanEval/0–19, joined on prompt. */
function vendoredSamples(): { sample: string; entry_point: string }[] {
  const rows = (f: string) =>
    readFileSync(`vendor/codet/${f}`, "utf8")
      .split("\n")
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l));
  const entry = new Map<string, string>(
    rows("HumanEval_for_test_case_generation.jsonl").map((t: { prompt: string; entry_point: string }) => [
      t.prompt,
      t.entry_point,
    ]),
  );
  const out: { sample: string; entry_point: string }[] = [];
  for (const row of rows("HumanEval_codegen16B_temp0.8_topp0.95_num100_max300_test_case.jsonl")) {
    const ep = entry.get(row.prompt);
    if (ep === undefined) throw new Error("vendored test-case row matches no task");
    for (const s of row.samples as string[]) out.push({ sample: s, entry_point: ep });
  }
  return out;
}

describe("extractAssertCases on CodeT's vendored CodeGen-16B samples", () => {
  const samples = vendoredSamples();

  it("keeps sane cases from every sample", () => {
    expect(samples).toHaveLength(2000);
    const perTask = new Map<string, number>();
    let withCases = 0;
    for (const { sample, entry_point } of samples) {
      const r = extractAssertCases(sample, entry_point);
      expect(r.cases.length).toBeLessThanOrEqual(5);
      for (const c of r.cases) {
        expect(c.startsWith("assert ")).toBe(true);
        expect(c).toContain(entry_point);
        expect(
          compileError(`try:\n    ${c.replaceAll("\n", "\n    ")}\nexcept:\n    pass\n`),
        ).toBeUndefined();
      }
      // Every piece is accounted for: kept or rejected with a reason.
      const pieces = `assert ${sample}`.split("assert ").length - 1;
      expect(r.cases.length + r.rejected.length).toBe(pieces);
      for (const x of r.rejected) expect(x.reason.length).toBeGreaterThan(0);
      perTask.set(entry_point, (perTask.get(entry_point) ?? 0) + r.cases.length);
      if (r.cases.length > 0) withCases++;
    }
    // CodeGen often writes "assert \n    f(x) == y", which CPython (hence CodeT) rejects: most samples
    // yield nothing, yet every task keeps some cases.
    expect(perTask.size).toBe(20);
    for (const n of perTask.values()) expect(n).toBeGreaterThan(0);
    expect(withCases).toBeGreaterThan(200);
    expect(withCases).toBeLessThan(2000);
  });

  it("matches CodeT's own post-processing (CPython compile) case for case", () => {
    const input = samples.map((s) => JSON.stringify(s)).join("\n");
    const run = spawnSync("/usr/bin/python3", ["test/oracles/codet_postprocess.py"], {
      input,
      encoding: "utf8",
      maxBuffer: 1 << 28,
    });
    expect(run.status, run.stderr).toBe(0);
    const expected = run.stdout
      .trim()
      .split("\n")
      .map((l) => (JSON.parse(l) as { cases: string[] }).cases);
    const ours = samples.map(
      (s) => extractAssertCases(s.sample, s.entry_point, { limit: Number.POSITIVE_INFINITY }).cases,
    );
    const differing = ours.flatMap((cases, i) =>
      JSON.stringify(cases) === JSON.stringify(expected[i]) ? [] : [{ i, ours: cases, codet: expected[i] }],
    );
    expect(differing).toEqual([]);
  });
});
