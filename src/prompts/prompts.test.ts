import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import type { Problem } from "../records.js";
import {
  buildSolutionPrompt,
  buildUnitTestPrompt,
  formatPromptRecord,
  functionFormStarter,
  liveCodeBenchProblemsFromPrompts,
  type PromptRecord,
  parseLiveCodeBenchSolutionPrompt,
  parseUnitTestPrompt,
  pythonJsonDumps,
} from "./index.js";

const vendor = (p: string) => new URL(`../../vendor/${p}`, import.meta.url);

// Read the benchmarks directly (the problems stage has its own loaders; these tests must not wait for them).
function readGzJsonl(p: string): Problem[] {
  return gunzipSync(readFileSync(vendor(p)))
    .toString("utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(nullNonFinite(l)) as Problem);
}

// EvalPlus inputs contain Python's NaN/Infinity tokens; the prompt tests never look at inputs.
function nullNonFinite(line: string): string {
  let out = "";
  let inString = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (inString) {
      out += c;
      if (c === "\\") out += line[++i] ?? "";
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    const token = /^(-?Infinity|NaN)/.exec(line.slice(i, i + 9));
    if (token) {
      out += "null";
      i += token[0].length - 1;
      continue;
    }
    out += c;
  }
  return out;
}

function promptFile(name: string): { lines: string[]; records: PromptRecord[] } {
  const text = readFileSync(vendor(`coderm/${name}`), "utf8");
  expect(text.endsWith("\n")).toBe(true);
  const lines = text.slice(0, -1).split("\n");
  return { lines, records: lines.map((l) => JSON.parse(l) as PromptRecord) };
}

function content(r: PromptRecord): string {
  return r.messages[0]!.content;
}

describe("python-compatible JSON", () => {
  it("uses Python's separators and keeps non-ASCII", () => {
    expect(pythonJsonDumps({ a: ["x ➞ y", 1], b: 'q"\n\u0001' })).toBe(
      '{"a": ["x ➞ y", 1], "b": "q\\"\\n\\u0001"}',
    );
  });
});

describe.each([
  ["humaneval+", "evalplus/HumanEvalPlus-v0.1.10.jsonl.gz", 164],
  ["mbpp+", "evalplus/MbppPlus-v0.2.0.jsonl.gz", 378],
] as const)("%s prompts", (benchmark, dataset, count) => {
  const problems = new Map(readGzJsonl(dataset).map((p) => [p.task_id, p]));

  it("rebuilds input_*_sol.jsonl byte for byte from the benchmark", () => {
    const { lines, records } = promptFile(`input_${benchmark}_sol.jsonl`);
    expect(lines).toHaveLength(count);
    const rebuilt = records.map((r) =>
      formatPromptRecord(buildSolutionPrompt(problems.get(r.task_id)!, benchmark)),
    );
    expect(`${rebuilt.join("\n")}\n`).toBe(
      readFileSync(vendor(`coderm/input_${benchmark}_sol.jsonl`), "utf8"),
    );
  });

  it("rebuilds input_*_ut.jsonl byte for byte given the embedded solution", () => {
    const { lines, records } = promptFile(`input_${benchmark}_ut.jsonl`);
    expect(lines).toHaveLength(count);
    records.forEach((r, i) => {
      const { code } = parseUnitTestPrompt(content(r));
      const rebuilt = formatPromptRecord(buildUnitTestPrompt(problems.get(r.task_id)!, code, benchmark));
      expect(rebuilt, r.task_id).toBe(lines[i]);
    });
  });
});

describe("livecodebench prompts", () => {
  const sol = promptFile("input_livecodebench_sol.jsonl");
  const ut = promptFile("input_livecodebench_ut.jsonl");
  // No LiveCodeBench dataset is vendored: rebuild problems from the question text and starter code.
  const problems = new Map(
    sol.records.map((r) => {
      const { question, starterCode } = parseLiveCodeBenchSolutionPrompt(content(r));
      const p: Problem = {
        task_id: r.task_id,
        benchmark: "livecodebench",
        prompt: question,
        question,
        entry_point: "",
        starter_code: starterCode,
      };
      return [r.task_id, p] as const;
    }),
  );

  it("rebuilds input_livecodebench_sol.jsonl from question text + starter code", () => {
    expect(sol.lines).toHaveLength(168);
    sol.records.forEach((r, i) => {
      expect(formatPromptRecord(buildSolutionPrompt(problems.get(r.task_id)!)), r.task_id).toBe(sol.lines[i]);
    });
  });

  it("rebuilds input_livecodebench_ut.jsonl, deriving the function-form question from the starter", () => {
    expect(ut.lines).toHaveLength(168);
    ut.records.forEach((r, i) => {
      const { code } = parseUnitTestPrompt(content(r));
      const rebuilt = formatPromptRecord(buildUnitTestPrompt(problems.get(r.task_id)!, code));
      expect(rebuilt, r.task_id).toBe(ut.lines[i]);
    });
  });

  it("rebuilds problems from the prompt file (the offline LiveCodeBench source)", () => {
    const rebuilt = liveCodeBenchProblemsFromPrompts(sol.records);
    expect(rebuilt[0]).toMatchObject({
      task_id: "3228",
      entry_point: "maximumSetSize",
      benchmark: "livecodebench",
    });
    const lines = rebuilt.map((p) => formatPromptRecord(buildSolutionPrompt(p)));
    expect(lines).toEqual(sol.lines);
  });

  it("turns a class starter into a plain function signature", () => {
    expect(
      functionFormStarter("class Solution:\n    def f(self, a: List[int], k: int) -> int:\n        "),
    ).toBe("def f(a: List[int], k: int) -> int:");
    expect(functionFormStarter("class Solution:\n    def g(self) -> str:\n        ")).toBe("def g() -> str:");
  });

  it("asks for a stdin program when there is no starter code", () => {
    const text = content(
      buildSolutionPrompt({ task_id: "x", prompt: "Q", entry_point: "" }, "livecodebench"),
    );
    expect(text).toContain("Read the inputs from stdin");
    expect(text).toContain("# YOUR CODE HERE");
  });
});

describe("unit-test prompt fallbacks", () => {
  it("embeds the canonical solution when no solution is given", () => {
    const he = readGzJsonl("evalplus/HumanEvalPlus-v0.1.10.jsonl.gz")[0]!;
    const { code } = parseUnitTestPrompt(content(buildUnitTestPrompt(he)));
    expect(code).toContain("def has_close_elements");
    expect(code).toContain(he.canonical_solution!.trim().split("\n")[0]!.trim());
  });
});
