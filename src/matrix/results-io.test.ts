import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir, writeText } from "../../test/problems/corrupt.js";
import { isCodermError } from "../errors.js";
import { PassMatrix } from "./pass-matrix.js";
import { hexToRow, readPassMatrices, readPassMatrixFile, rowToHex, writePassMatrices } from "./results-io.js";

const pair = (task_id: string, solution: number, test: number, pass: boolean) =>
  JSON.stringify({ task_id, solution, test, verdict: pass ? "pass" : "fail", passed: pass });

describe("readPassMatrices", () => {
  it("folds results into one matrix per task, inferring sizes and counting missing cells", async () => {
    const file = writeText("r.jsonl", [
      pair("A", 0, 0, true),
      pair("A", 1, 2, true),
      pair("B", 0, 0, false),
      pair("A", 1, 0, false),
    ]);
    const r = await readPassMatrices(file);
    expect([...r.matrices.keys()]).toEqual(["A", "B"]);
    const a = r.matrices.get("A")!;
    expect([a.solutions, a.tests]).toEqual([2, 3]);
    expect(a.toRows()).toEqual([
      [1, 0, 0],
      [0, 0, 1],
    ]);
    expect(a.has(0, 1)).toBe(false);
    expect(a.has(1, 0)).toBe(true);
    expect(r.summary).toEqual({ results: 4, duplicates: 0, bad: 0, tasks: 2, missing: 3 });
  });

  it("lets the last duplicate win and counts it", async () => {
    const file = writeText("r.jsonl", [
      pair("A", 0, 0, true),
      pair("A", 0, 0, false),
      pair("A", 0, 1, false),
      pair("A", 0, 1, true),
    ]);
    const r = await readPassMatrices(file);
    expect(r.matrices.get("A")!.toRows()).toEqual([[0, 1]]);
    expect(r.summary.duplicates).toBe(2);
  });

  it("uses given sizes: their task order, empty tasks, out-of-range indices as bad lines", async () => {
    const file = writeText("r.jsonl", [pair("B", 1, 1, true), pair("B", 2, 0, true), pair("C", 0, 0, true)]);
    const sizes = new Map([
      ["A", { solutions: 2, tests: 2 }],
      ["B", { solutions: 2, tests: 3 }],
    ]);
    const r = await readPassMatrices(file, { sizes });
    expect([...r.matrices.keys()]).toEqual(["A", "B", "C"]);
    expect(r.matrices.get("A")!.missingCount()).toBe(4);
    expect(r.matrices.get("B")!.toRows()).toEqual([
      [0, 0, 0],
      [0, 1, 0],
    ]);
    expect(r.bad).toEqual([{ file, line: 2, reason: "(solution 2, test 0) outside 2x3 for B" }]);
    await expect(readPassMatrices(file, { sizes, strict: true })).rejects.toThrow(
      `${file}:2: (solution 2, test 0)`,
    );
  });

  it("rejects a corrupted copy line by line and keeps the good lines (gz)", async () => {
    const good = Array.from({ length: 6 }, (_, k) => pair("T", k, 0, k % 2 === 0));
    const lines = [...good];
    lines[1] = good[1]!.slice(0, 20);
    lines[3] = JSON.stringify({ ...JSON.parse(good[3]!), test: undefined });
    lines[4] = JSON.stringify({ ...JSON.parse(good[4]!), solution: "4" });
    lines.push(JSON.stringify({ task_id: "T", solution: 9, test: 0, verdict: "fail", passed: true }));
    lines.push(JSON.stringify({ task_id: "T", solution: 9, test: 0, verdict: "maybe", passed: false }));
    const file = writeText("r.jsonl.gz", lines);
    const r = await readPassMatrices(file);
    expect(r.bad.map((b) => [b.line, b.reason])).toEqual([
      [2, expect.stringMatching(/^invalid JSON/)],
      [4, expect.stringMatching(/^test: /)],
      [5, expect.stringMatching(/^solution: /)],
      [7, "passed: must be true exactly when verdict is pass"],
      [8, expect.stringMatching(/^verdict: /)],
    ]);
    expect(r.matrices.get("T")!.toRows()).toEqual([[1], [0], [1], [0], [0], [0]]);
    expect(r.matrices.get("T")!.has(1, 0)).toBe(false);
    await expect(readPassMatrices(file, { strict: true })).rejects.toSatisfy(
      (e: unknown) =>
        isCodermError(e) && e.code === "E_BAD_LINE" && e.message.startsWith(`${file}:2: invalid JSON`),
    );
  });
});

describe("hex bitset rows", () => {
  it("puts test j at bit j of the big-endian hex number", () => {
    const m = PassMatrix.fromRows([[1, 0, 0, 0, 1]]);
    expect(rowToHex(m.row(0), 5)).toBe("11");
    const wide = new PassMatrix(1, 40);
    wide.set(0, 0, true);
    wide.set(0, 33, true);
    wide.set(0, 39, true);
    const hex = rowToHex(wide.row(0), 40);
    expect(hex).toBe("8200000001");
    expect(BigInt(`0x${hex}`)).toBe((1n << 39n) | (1n << 33n) | 1n);
    const back = new Uint32Array(2);
    expect(hexToRow(hex, 40, back)).toBeUndefined();
    expect([...back]).toEqual([...wide.row(0)]);
    expect(rowToHex(new Uint32Array(0), 0)).toBe("");
  });

  it("rejects wrong lengths, non-hex text and bits past the last test", () => {
    const out = new Uint32Array(1);
    expect(hexToRow("1", 5, out)).toMatch(/expected 2 hex digits/);
    expect(hexToRow("zz", 5, out)).toMatch(/not a hex/);
    expect(hexToRow("20", 5, out)).toMatch(/beyond test 4/);
  });
});

describe("compact pass-matrix files", () => {
  it("round-trips random matrices with missing cells, and omits `known` when complete", async () => {
    let seed = 7;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const matrices = new Map<string, PassMatrix>();
    for (const [s, t] of [
      [3, 1],
      [5, 32],
      [4, 33],
      [7, 100],
      [0, 4],
      [2, 0],
    ] as const) {
      const m = new PassMatrix(s, t);
      for (let i = 0; i < s; i++) for (let j = 0; j < t; j++) if (rand() < 0.9) m.set(i, j, rand() < 0.5);
      matrices.set(`task-${s}x${t}`, m);
    }
    const full = PassMatrix.fromRows([
      [1, 0],
      [0, 1],
    ]);
    matrices.set("full", full);
    const file = join(tempDir(), "m.jsonl");
    await writePassMatrices(file, matrices);
    const back = await readPassMatrixFile(file);
    expect(back.bad).toEqual([]);
    expect([...back.matrices.keys()]).toEqual([...matrices.keys()]);
    for (const [k, m] of matrices) {
      const b = back.matrices.get(k)!;
      expect([...b.bits], k).toEqual([...m.bits]);
      expect([...b.known], k).toEqual([...m.known]);
    }
    const fullLine = (await import("node:fs")).readFileSync(file, "utf8").split("\n").at(-2)!;
    expect(JSON.parse(fullLine)).toEqual({ task_id: "full", solutions: 2, tests: 2, passed: ["1", "2"] });
  });

  it("reads the example line of docs/formats.md as documented", async () => {
    const file = writeText("doc.jsonl", [
      '{"task_id": "HumanEval/0", "solutions": 2, "tests": 5, "passed": ["11", "06"], "known": ["1f", "1e"]}',
    ]);
    const m = (await readPassMatrixFile(file)).matrices.get("HumanEval/0")!;
    expect(m.toRows()).toEqual([
      [1, 0, 0, 0, 1],
      [0, 1, 1, 0, 0],
    ]);
    expect(m.has(1, 0)).toBe(false);
    expect(m.missingCount()).toBe(1);
  });

  it("reports inconsistent lines with file:line", async () => {
    const file = join(tempDir(), "m.jsonl");
    writeFileSync(
      file,
      [
        JSON.stringify({ task_id: "a", solutions: 1, tests: 4, passed: ["f"] }),
        JSON.stringify({ task_id: "b", solutions: 2, tests: 4, passed: ["f"] }),
        JSON.stringify({ task_id: "c", solutions: 1, tests: 4, passed: ["3"], known: ["1"] }),
        JSON.stringify({ task_id: "a", solutions: 1, tests: 4, passed: ["0"] }),
        "{",
      ].join("\n"),
    );
    const r = await readPassMatrixFile(file);
    expect(r.bad.map((b) => `${b.line}: ${b.reason}`)).toEqual([
      "2: passed: 1 rows for 2 solutions",
      "3: passed.0: a passing cell is not marked known",
      "4: second matrix for a",
      expect.stringMatching(/^5: invalid JSON/),
    ]);
    expect(r.matrices.get("a")!.toRows()).toEqual([[1, 1, 1, 1]]);
  });
});
