import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { isCodermError } from "../../src/errors.js";
import { readJsonl, writeJsonl } from "../../src/io/jsonl.js";
import { parsePythonJson } from "../../src/io/python-json.js";
import {
  BENCHMARK_FILES,
  loadBenchmark,
  readEvalPlusProblems,
  VENDOR_DIR,
  writeEvalPlusProblems,
} from "../../src/problems/evalplus.js";
import { type Problem, ProblemSchema } from "../../src/records.js";
import { readRealLines, tempDir, writeCorrupted, writeText } from "./corrupt.js";

// Each release is parsed once per file: parsing HumanEval+ (7.7 MB of inputs) is the slow part.
const loaded: Record<string, { records: Problem[]; bad: unknown[] }> = {};
beforeAll(async () => {
  for (const b of ["humaneval+", "mbpp+", "humaneval"] as const) loaded[b] = await loadBenchmark(b);
});

describe("loadBenchmark", () => {
  it("loads the vendored releases with their task counts and keys", async () => {
    const [he, mbpp, plain] = [loaded["humaneval+"]!, loaded["mbpp+"]!, loaded.humaneval!];
    expect([he.records.length, mbpp.records.length, plain.records.length]).toEqual([164, 378, 164]);
    expect([he.bad, mbpp.bad, plain.bad]).toEqual([[], [], []]);
    const p0 = he.records[0]!;
    expect(p0.task_id).toBe("HumanEval/0");
    expect(p0.entry_point).toBe("has_close_elements");
    expect(p0.benchmark).toBe("humaneval+");
    expect(p0.base_input?.[0]).toEqual([[1.0, 2.0, 3.9, 4.0, 5.0, 2.2], 0.3]);
    expect(p0.base_input_json?.startsWith("[[[1.0, 2.0, 3.9, 4.0, 5.0, 2.2], 0.3]")).toBe(true);
    expect(p0.plus_input!.length).toBeGreaterThan(100);
    // MBPP+ has no `test`: its assertions become the problem's test and stay under their own name.
    const m0 = mbpp.records[0]!;
    expect(m0.test).toBe(m0.assertion);
    expect(m0.test).toContain("assert similar_elements(");
    expect(plain.records[0]!.plus_input).toBeUndefined();
  });

  it("keeps MBPP+'s Infinity and huge integers exactly", async () => {
    const mbpp = loaded["mbpp+"]!;
    const p = mbpp.records.find((r) => r.plus_input_json?.includes("Infinity"))!;
    expect(p).toBeDefined();
    const flat = JSON.stringify(p.plus_input, (_k, v) =>
      typeof v === "number" && !Number.isFinite(v) ? `num:${v}` : v,
    );
    expect(flat).toContain("num:-Infinity");
    expect(flat).toContain("1e+22");
    // The raw text is exactly the release's: big ints keep every digit, and Python reads it unchanged.
    expect(p.plus_input_json).toContain("9999999999999999999999");
    const exact = JSON.stringify(parsePythonJson(p.plus_input_json!, { bigint: true }).value, (_k, v) =>
      typeof v === "bigint" ? `big:${v}` : v,
    );
    expect(exact).toContain("big:9999999999999999999999");
    expect(parsePythonJson(p.plus_input_json!).value).toEqual(p.plus_input);
  });

  it("keeps the exact inputs through coderm's own Problem JSONL (writeJsonl / readJsonl)", async () => {
    const file = join(tempDir(), "problems.jsonl");
    await writeJsonl(file, loaded["mbpp+"]!.records);
    const back = await readJsonl(file, ProblemSchema);
    expect(back.bad).toEqual([]);
    expect(back.records.map((p) => p.plus_input_json)).toEqual(
      loaded["mbpp+"]!.records.map((p) => p.plus_input_json),
    );
    const out = join(tempDir(), "mbpp.jsonl");
    await writeEvalPlusProblems(out, back.records, "mbpp+");
    expect(readRealLines(out, 400)).toEqual(readRealLines(join(VENDOR_DIR, BENCHMARK_FILES["mbpp+"]), 400));
  });

  it("treats MBPP+'s `plus_input: {}` (Mbpp/793) as no plus inputs", async () => {
    const mbpp = loaded["mbpp+"]!;
    const p = mbpp.records.find((r) => r.task_id === "Mbpp/793")!;
    expect(p.plus_input).toEqual([]);
    expect(p.plus_input_json).toBe("{}");
    expect(p.base_input!.length).toBe(3);
  });

  it("reads from a data dir or explicit file and rejects unknown benchmarks", async () => {
    const dir = tempDir();
    await expect(loadBenchmark("humaneval+", { dataDir: dir })).rejects.toThrow(/humaneval\+ data not found/);
    // biome-ignore lint/suspicious/noExplicitAny: exercising the runtime check
    await expect(loadBenchmark("apps" as any)).rejects.toThrow(/unknown benchmark "apps"/);
    const file = join(VENDOR_DIR, BENCHMARK_FILES.humaneval);
    expect((await loadBenchmark("humaneval", { file })).records.length).toBe(164);
  });
});

describe("corrupted EvalPlus files", () => {
  for (const bench of ["humaneval+", "mbpp+", "humaneval"] as const) {
    it(`${bench}: reports file:line for each broken line and keeps the rest (gz)`, async () => {
      const lines = readRealLines(join(VENDOR_DIR, BENCHMARK_FILES[bench]), 8);
      const { file, badLines } = writeCorrupted(lines, "bench.jsonl.gz", "entry_point");
      const r = await readEvalPlusProblems(file, bench);
      expect(r.bad.map((b) => b.line)).toEqual(badLines);
      expect(r.bad.every((b) => b.file === file)).toBe(true);
      expect(r.bad[0]!.reason).toMatch(/invalid JSON/);
      expect(r.bad[1]!.reason).toMatch(/^entry_point: /);
      expect(r.bad[2]!.reason).toMatch(/^entry_point: .*string/);
      expect(r.records.map((p) => p.task_id)).toEqual(
        [0, 2, 5, 6, 7].map((k) => (JSON.parse(lines[k]!) as { task_id: string }).task_id),
      );
      await expect(readEvalPlusProblems(file, bench, { strict: true })).rejects.toSatisfy(
        (e: unknown) =>
          isCodermError(e) && e.code === "E_BAD_LINE" && e.message.startsWith(`${file}:2: invalid JSON`),
      );
    });
  }

  it("rejects a wrong input shape with the field path", async () => {
    const lines = readRealLines(join(VENDOR_DIR, BENCHMARK_FILES["humaneval+"]), 2);
    const broken = lines[1]!.replace(/"base_input": \[\[/, '"base_input": [7, [');
    const file = writeText("he.jsonl", [lines[0]!, broken]);
    const r = await readEvalPlusProblems(file, "humaneval+");
    expect(r.records.length).toBe(1);
    expect(r.bad[0]!.reason).toMatch(/^base_input/);
  });
});

describe("writeEvalPlusProblems", () => {
  for (const bench of ["humaneval+", "mbpp+", "humaneval"] as const) {
    it(`${bench}: round-trips every task with the released input text unchanged`, async () => {
      const orig = loaded[bench]!;
      const out = join(tempDir(), `rt-${bench}.jsonl.gz`);
      await writeEvalPlusProblems(out, orig.records, bench);
      const back = await readEvalPlusProblems(out, bench);
      expect(back.bad).toEqual([]);
      expect(back.records).toEqual(orig.records);
      // Byte-identical to the release: key order, Python's escaping and float repr, raw inputs.
      const src = readRealLines(join(VENDOR_DIR, BENCHMARK_FILES[bench]), 400);
      const dst = readRealLines(out, 400);
      expect(dst.length).toBe(src.length);
      const differing = src.filter((line, k) => line !== dst[k]);
      expect(differing).toEqual([]);
    });
  }
});
